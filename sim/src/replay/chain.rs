//! Chain replay: the living chain, block by block, driven by a script of extrinsics, runtime
//! upgrades and block runs. A case is a chain case when it has a top-level `chain` object (the
//! epoch case of `replay-format.md` is unchanged).
//!
//! The chain's token invariants are checked after every block (release builds too); a broken one
//! ends the replay with [`ChainReplayError::Conservation`].

use std::fmt::Write;

use serde::Deserialize;
use serde::de::IgnoredAny;
use tensorsim_actors::chain::accounts::{ColdkeyId, HotkeyId};
use tensorsim_actors::chain::fixed::U64F64;
use tensorsim_actors::chain::hyperparameters::Hyperparameters;
use tensorsim_actors::chain::pool::Pool;
use tensorsim_actors::chain::profile::{self, Profile};
use tensorsim_actors::chain::state::{Chain, CreateSubnetError, NetworkParameters, SUBNETS_MAX};
use tensorsim_actors::chain::subnet::{WeightsPayload, commit_hash};
use tensorsim_actors::chain::weights::WeightsCall;

use super::output::{epoch_fields, json_string};
use super::{InputError, Rejected, STEPS_MAX, parse_json};

/// The most blocks a chain case may run: 10^8 blocks is about 38 simulated years.
pub const BLOCKS_MAX: u64 = 100_000_000;
/// The most block records a case may ask for.
pub const BLOCK_RECORDS_MAX: u64 = 1_000_000;
/// The most accounts of each kind a case may declare.
pub const ACCOUNTS_MAX: usize = 1 << 20;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChainCase {
    name: String,
    #[serde(default)]
    profile: Option<String>,
    chain: Genesis,
    #[serde(default)]
    steps: Vec<RawChainStep>,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<IgnoredAny>,
    #[serde(default)]
    #[allow(dead_code)]
    source: Option<IgnoredAny>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Genesis {
    /// The network-wide hyperparameters (τ, owner cut, moving-price settings, epochs per block,
    /// minimum stake, default take); absent keys take their HEAD values.
    #[serde(default)]
    network: serde_json::Map<String, serde_json::Value>,
    coldkeys: Vec<GenesisColdkey>,
    hotkeys: Vec<GenesisHotkey>,
    #[serde(default)]
    subnets: Vec<GenesisSubnet>,
    #[serde(default = "yes")]
    record_epochs: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GenesisColdkey {
    balance_rao: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GenesisHotkey {
    coldkey: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GenesisSubnet {
    owner_hotkey: usize,
    /// Over the profile's new-subnet values.
    #[serde(default)]
    hyperparameters: serde_json::Map<String, serde_json::Value>,
    /// The genesis pool: its TAO comes from the owner's balance (as the lock does).
    pool_tao_rao: u64,
    pool_alpha_rao: u64,
    /// The moving price the coinbase shares TAO by (§3.5), as a decimal number.
    #[serde(default)]
    ema_price: f64,
    /// Whether the owner has called `start_call` (the subnet emits from block 1).
    #[serde(default = "yes")]
    start_call: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChainStep {
    #[serde(default)]
    block: Option<u64>,
    run_blocks: Option<RunBlocks>,
    stake: Option<StakeStep>,
    unstake: Option<UnstakeStep>,
    register: Option<RegisterStep>,
    set_weights: Option<WeightsStep>,
    commit_weights: Option<WeightsStep>,
    commit_timelocked_weights: Option<WeightsStep>,
    reveal_weights: Option<WeightsStep>,
    upgrade: Option<UpgradeStep>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunBlocks {
    pub blocks: u64,
    /// Record the chain's books every this many blocks (and at the last block); absent: only at
    /// the last block; 0: never.
    #[serde(default)]
    pub record_every: Option<u64>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StakeStep {
    pub coldkey: usize,
    pub hotkey: usize,
    pub netuid: u16,
    pub tao_rao: u64,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnstakeStep {
    pub coldkey: usize,
    pub hotkey: usize,
    pub netuid: u16,
    /// Alpha (TAO on root) to sell.
    pub stake_rao: u64,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterStep {
    pub coldkey: usize,
    pub hotkey: usize,
    pub netuid: u16,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightsStep {
    pub hotkey: usize,
    pub netuid: u16,
    pub dests: Vec<u16>,
    pub values: Vec<u16>,
    #[serde(default)]
    pub version_key: u64,
    /// v2 commits and reveals only.
    #[serde(default)]
    pub salt: Vec<u16>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpgradeStep {
    #[serde(default)]
    pub profile: Option<String>,
    /// Applied to every subnet over its current values.
    #[serde(default)]
    pub hyperparameters: serde_json::Map<String, serde_json::Value>,
}

#[derive(Clone, Debug)]
pub enum ChainAction {
    RunBlocks(RunBlocks),
    Stake(StakeStep),
    Unstake(UnstakeStep),
    Register(RegisterStep),
    SetWeights(WeightsStep),
    CommitWeights(WeightsStep),
    CommitTimelockedWeights(WeightsStep),
    RevealWeights(WeightsStep),
    Upgrade(UpgradeStep),
}

const STEP_KEYS: &str = "run_blocks, stake, unstake, register, set_weights, commit_weights, \
                         commit_timelocked_weights, reveal_weights, upgrade";

impl ChainAction {
    fn key(&self) -> &'static str {
        match self {
            Self::RunBlocks(_) => "run_blocks",
            Self::Stake(_) => "stake",
            Self::Unstake(_) => "unstake",
            Self::Register(_) => "register",
            Self::SetWeights(_) => "set_weights",
            Self::CommitWeights(_) => "commit_weights",
            Self::CommitTimelockedWeights(_) => "commit_timelocked_weights",
            Self::RevealWeights(_) => "reveal_weights",
            Self::Upgrade(_) => "upgrade",
        }
    }
}

#[derive(Clone, Debug)]
pub struct ChainStep {
    /// The block the chain is advanced to before the step, if given.
    pub block: Option<u64>,
    pub action: ChainAction,
}

/// A parsed chain case.
#[derive(Debug)]
pub struct ChainCase {
    pub name: String,
    profile: &'static Profile,
    genesis: Genesis,
    pub steps: Vec<ChainStep>,
}

/// An epoch of the chain replay: which subnet, when, what it wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainEpochRecord {
    pub netuid: u16,
    pub block: u64,
    pub output: tensorsim_actors::chain::yuma::EpochOutput,
}

/// The books of one subnet at a recorded block.
#[derive(Clone, Debug, PartialEq)]
pub struct SubnetBooks {
    pub netuid: u16,
    pub n: usize,
    pub epoch_index: u64,
    pub pool_tao_rao: u64,
    pub pool_alpha_rao: u64,
    pub alpha_out_rao: u64,
    pub burn_rao: u64,
    pub ema_price: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BlockRecord {
    pub block: u64,
    pub profile: &'static str,
    pub total_issuance_rao: u64,
    pub block_emission_rao: u64,
    pub subnets: Vec<SubnetBooks>,
}

/// A timelocked commit the chain opened and refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevealRefused {
    pub block: u64,
    pub netuid: u16,
    pub uid: u16,
    pub error: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChainReplayOutput {
    pub name: String,
    pub epochs: Vec<ChainEpochRecord>,
    pub blocks: Vec<BlockRecord>,
    pub rejected: Vec<Rejected>,
    pub reveals_refused: Vec<RevealRefused>,
}

/// Why a chain replay stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainReplayError {
    Input(InputError),
    /// A token invariant broke: a bug of the simulator, not of the case.
    Conservation {
        block: u64,
        message: String,
    },
}

impl From<InputError> for ChainReplayError {
    fn from(error: InputError) -> Self {
        Self::Input(error)
    }
}

impl std::fmt::Display for ChainReplayError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Self::Input(error) => write!(f, "{error}"),
            Self::Conservation { block, message } => write!(f, "conservation broken after block {block}: {message}"),
        }
    }
}

/// `name` as a profile, the error naming `path`.
pub fn profile_named(name: &str, path: &str) -> Result<&'static Profile, InputError> {
    profile::profile_by_name(name).ok_or_else(|| {
        InputError::new(path, format!("unknown profile {name:?}; the profiles are {}", profile::profile_names()))
    })
}

/// `patch` over `base`, the errors naming `path`.key.
fn patched(
    base: &Hyperparameters,
    patch: &serde_json::Map<String, serde_json::Value>,
    path: &str,
) -> Result<Hyperparameters, InputError> {
    let mut value = serde_json::to_value(base).expect("hyperparameters serialise");
    let object = value.as_object_mut().expect("hyperparameters are an object");
    for (key, field) in patch {
        object.insert(key.clone(), field.clone());
    }
    let h: Hyperparameters = serde_path_to_error::deserialize(value).map_err(|error| {
        let inner = error.path().to_string();
        InputError::new(format!("{path}.{inner}"), error.into_inner().to_string())
    })?;
    h.validate().map_err(|invalid| InputError::new(format!("{path}.{}", invalid.field), invalid.message))?;
    Ok(h)
}

impl ChainCase {
    pub fn parse(text: &str, profile_override: Option<&'static Profile>) -> Result<Self, InputError> {
        let raw: RawChainCase = parse_json(text)?;
        let profile = match (profile_override, &raw.profile) {
            (Some(profile), _) => profile,
            (None, Some(name)) => profile_named(name, "profile")?,
            (None, None) => profile::HEAD,
        };
        let g = &raw.chain;
        for (what, len) in [("coldkeys", g.coldkeys.len()), ("hotkeys", g.hotkeys.len())] {
            if len > ACCOUNTS_MAX {
                return Err(InputError::new(format!("chain.{what}"), format!("{len} exceed the limit {ACCOUNTS_MAX}")));
            }
        }
        if g.subnets.len() > SUBNETS_MAX {
            return Err(InputError::new("chain.subnets", format!("more than {SUBNETS_MAX} subnets")));
        }
        if raw.steps.len() > STEPS_MAX {
            return Err(InputError::new("steps", format!("{} steps exceed the limit of {STEPS_MAX}", raw.steps.len())));
        }
        let steps = raw.steps.into_iter().enumerate().map(|(k, step)| step.into_step(k)).collect::<Result<_, _>>()?;
        Ok(Self { name: raw.name, profile, genesis: raw.chain, steps })
    }
}

impl RawChainStep {
    fn into_step(self, k: usize) -> Result<ChainStep, InputError> {
        let actions: Vec<ChainAction> = [
            self.run_blocks.map(ChainAction::RunBlocks),
            self.stake.map(ChainAction::Stake),
            self.unstake.map(ChainAction::Unstake),
            self.register.map(ChainAction::Register),
            self.set_weights.map(ChainAction::SetWeights),
            self.commit_weights.map(ChainAction::CommitWeights),
            self.commit_timelocked_weights.map(ChainAction::CommitTimelockedWeights),
            self.reveal_weights.map(ChainAction::RevealWeights),
            self.upgrade.map(ChainAction::Upgrade),
        ]
        .into_iter()
        .flatten()
        .collect();
        match <[ChainAction; 1]>::try_from(actions) {
            Ok([action]) => Ok(ChainStep { block: self.block, action }),
            Err(actions) if actions.is_empty() => {
                Err(InputError::new(format!("steps[{k}]"), format!("a step needs one of {STEP_KEYS}")))
            }
            Err(actions) => {
                let keys: Vec<&str> = actions.iter().map(ChainAction::key).collect();
                Err(InputError::new(
                    format!("steps[{k}]"),
                    format!("a step has exactly one of {STEP_KEYS}; this one has {}", keys.join(" and ")),
                ))
            }
        }
    }
}

/// The running replay: the chain, the case's names for its accounts, and what is recorded.
struct Replay {
    chain: Chain,
    coldkeys: Vec<ColdkeyId>,
    hotkeys: Vec<HotkeyId>,
    record_epochs: bool,
    output: ChainReplayOutput,
    block_emission_rao: u64,
}

impl Replay {
    fn genesis(case: &ChainCase) -> Result<Self, InputError> {
        let g = &case.genesis;
        let network = patched(&Hyperparameters::default(), &g.network, "chain.network")?;
        let mut chain = Chain::with_profile(NetworkParameters::from_hyperparameters(&network), case.profile);
        let mut issued = 0u64;
        let mut coldkeys = Vec::with_capacity(g.coldkeys.len());
        for (i, coldkey) in g.coldkeys.iter().enumerate() {
            issued = issued
                .checked_add(coldkey.balance_rao)
                .filter(|&total| total <= 21_000_000_000_000_000)
                .ok_or_else(|| {
                    InputError::new(format!("chain.coldkeys[{i}].balance_rao"), "balances exceed the 21M TAO supply")
                })?;
            coldkeys.push(chain.create_coldkey(coldkey.balance_rao));
        }
        let mut hotkeys = Vec::with_capacity(g.hotkeys.len());
        for (i, hotkey) in g.hotkeys.iter().enumerate() {
            let &owner = coldkeys.get(hotkey.coldkey).ok_or_else(|| {
                InputError::new(
                    format!("chain.hotkeys[{i}].coldkey"),
                    unknown("coldkey", hotkey.coldkey, coldkeys.len()),
                )
            })?;
            hotkeys.push(chain.create_hotkey(owner));
        }
        for (i, subnet) in g.subnets.iter().enumerate() {
            let at = |field: &str| format!("chain.subnets[{i}].{field}");
            let &owner = hotkeys.get(subnet.owner_hotkey).ok_or_else(|| {
                InputError::new(at("owner_hotkey"), unknown("hotkey", subnet.owner_hotkey, hotkeys.len()))
            })?;
            let h =
                patched(&case.profile.new_subnet_hyperparameters(), &subnet.hyperparameters, &at("hyperparameters"))?;
            if !(subnet.ema_price.is_finite() && (0.0..=1e9).contains(&subnet.ema_price)) {
                return Err(InputError::new(at("ema_price"), "a price is a finite number in 0..=1e9"));
            }
            let total_alpha = u128::from(subnet.pool_alpha_rao);
            if total_alpha > 21_000_000_000_000_000 {
                return Err(InputError::new(at("pool_alpha_rao"), "exceeds the 21M alpha supply"));
            }
            let pool = Pool { tao_rao: subnet.pool_tao_rao, alpha_rao: subnet.pool_alpha_rao };
            let netuid =
                chain.create_subnet(owner, h, pool, U64F64::from_num(subnet.ema_price)).map_err(
                    |error| match error {
                        CreateSubnetError::OwnerBalance(e) => InputError::new(
                            at("pool_tao_rao"),
                            format!("the owner's balance {} RAO cannot pay {} RAO", e.balance_rao, e.needed_rao),
                        ),
                        CreateSubnetError::Hyperparameters(invalid) => {
                            InputError::new(at("hyperparameters"), invalid.to_string())
                        }
                        CreateSubnetError::TooManySubnets => InputError::new("chain.subnets", "too many subnets"),
                    },
                )?;
            if subnet.start_call {
                chain.start_emission(netuid);
            }
        }
        let output = ChainReplayOutput {
            name: case.name.clone(),
            epochs: Vec::new(),
            blocks: Vec::new(),
            rejected: Vec::new(),
            reveals_refused: Vec::new(),
        };
        Ok(Self { chain, coldkeys, hotkeys, record_epochs: g.record_epochs, output, block_emission_rao: 0 })
    }

    fn step_block(&mut self) -> Result<(), ChainReplayError> {
        let report = self.chain.step_block();
        let block = report.block;
        self.block_emission_rao = report.emission_rao;
        if let Err(broken) = self.chain.conservation() {
            return Err(ChainReplayError::Conservation { block, message: broken.0 });
        }
        if self.record_epochs {
            self.output.epochs.extend(report.epochs.into_iter().map(|(netuid, output)| ChainEpochRecord {
                netuid,
                block,
                output,
            }));
        }
        self.output.reveals_refused.extend(
            report.reveals_refused.into_iter().map(|(netuid, uid, reason)| RevealRefused {
                block,
                netuid,
                uid,
                error: reason.to_string(),
            }),
        );
        Ok(())
    }

    fn record_block(&mut self) {
        let chain = &self.chain;
        let subnets = chain
            .subnets()
            .iter()
            .map(|s| SubnetBooks {
                netuid: s.netuid,
                n: s.metagraph.n(),
                epoch_index: s.scheduler.current_epoch(s.metagraph.hyperparameters.tempo, chain.block),
                pool_tao_rao: s.pool.tao_rao,
                pool_alpha_rao: s.pool.alpha_rao,
                alpha_out_rao: s.alpha_out_rao,
                burn_rao: s.burn_rao,
                ema_price: s.ema_price.to_num::<f64>(),
            })
            .collect();
        self.output.blocks.push(BlockRecord {
            block: chain.block,
            profile: chain.profile().name,
            total_issuance_rao: chain.total_issuance_rao,
            block_emission_rao: self.block_emission_rao,
            subnets,
        });
    }

    fn coldkey(&self, index: usize, path: String) -> Result<ColdkeyId, InputError> {
        self.coldkeys
            .get(index)
            .copied()
            .ok_or_else(|| InputError::new(path, unknown("coldkey", index, self.coldkeys.len())))
    }

    fn hotkey(&self, index: usize, path: String) -> Result<HotkeyId, InputError> {
        self.hotkeys
            .get(index)
            .copied()
            .ok_or_else(|| InputError::new(path, unknown("hotkey", index, self.hotkeys.len())))
    }
}

fn unknown(what: &str, index: usize, len: usize) -> String {
    format!("{what} {index} is not declared ({len} {what}s in chain.{what}s)")
}

/// Runs a chain case. Deterministic: the output is a function of the case alone.
pub fn run(case: &ChainCase) -> Result<ChainReplayOutput, ChainReplayError> {
    check_budget(case)?;
    let mut replay = Replay::genesis(case)?;
    for (k, step) in case.steps.iter().enumerate() {
        let at = |field: &str| format!("steps[{k}].{}.{field}", step.action.key());
        if let Some(block) = step.block {
            if block < replay.chain.block {
                return Err(InputError::new(
                    format!("steps[{k}].block"),
                    format!("block {block} is before the chain's block {}", replay.chain.block),
                )
                .into());
            }
            while replay.chain.block < block {
                replay.step_block()?;
            }
        }
        let refused = |error: String| Rejected { step: k, error };
        let outcome: Result<(), String> = match &step.action {
            ChainAction::RunBlocks(run) => {
                let every = run.record_every.unwrap_or(run.blocks);
                for done in 1..=run.blocks {
                    replay.step_block()?;
                    if every != 0 && (done % every == 0 || done == run.blocks) {
                        replay.record_block();
                    }
                }
                Ok(())
            }
            ChainAction::Stake(call) => {
                let coldkey = replay.coldkey(call.coldkey, at("coldkey"))?;
                let hotkey = replay.hotkey(call.hotkey, at("hotkey"))?;
                replay.chain.add_stake(coldkey, hotkey, call.netuid, call.tao_rao).map(drop).map_err(|e| e.to_string())
            }
            ChainAction::Unstake(call) => {
                let coldkey = replay.coldkey(call.coldkey, at("coldkey"))?;
                let hotkey = replay.hotkey(call.hotkey, at("hotkey"))?;
                let removed = replay.chain.remove_stake(coldkey, hotkey, call.netuid, call.stake_rao);
                removed.map(drop).map_err(|e| e.to_string())
            }
            ChainAction::Register(call) => {
                let coldkey = replay.coldkey(call.coldkey, at("coldkey"))?;
                let hotkey = replay.hotkey(call.hotkey, at("hotkey"))?;
                replay.chain.burned_register(coldkey, hotkey, call.netuid).map(drop).map_err(|e| e.to_string())
            }
            ChainAction::SetWeights(call)
            | ChainAction::CommitWeights(call)
            | ChainAction::CommitTimelockedWeights(call)
            | ChainAction::RevealWeights(call) => {
                let hotkey = replay.hotkey(call.hotkey, at("hotkey"))?;
                let payload = WeightsPayload {
                    dests: call.dests.clone(),
                    values: call.values.clone(),
                    version_key: call.version_key,
                };
                let weights_call = match &step.action {
                    ChainAction::SetWeights(_) => WeightsCall::Set(&payload),
                    ChainAction::CommitWeights(_) => {
                        // The hash binds the UID the hotkey holds now; an unregistered hotkey is
                        // refused by the call itself.
                        let uid = replay
                            .chain
                            .subnets()
                            .get(usize::from(call.netuid).wrapping_sub(1))
                            .and_then(|s| s.uid_of(hotkey));
                        WeightsCall::Commit(commit_hash(uid.unwrap_or(u16::MAX), &payload, &call.salt))
                    }
                    ChainAction::CommitTimelockedWeights(_) => WeightsCall::CommitTimelocked(payload.clone()),
                    _ => WeightsCall::Reveal(&payload, &call.salt),
                };
                replay.chain.weights_call(hotkey, call.netuid, weights_call).map_err(|e| e.to_string())
            }
            ChainAction::Upgrade(upgrade) => {
                upgrade_chain(&mut replay.chain, upgrade, k)?;
                Ok(())
            }
        };
        if let Err(error) = outcome {
            replay.output.rejected.push(refused(error));
        }
    }
    Ok(replay.output)
}

/// A runtime upgrade: the profile's migrations, then the hyperparameters over every subnet's.
fn upgrade_chain(chain: &mut Chain, upgrade: &UpgradeStep, k: usize) -> Result<(), InputError> {
    let at = |field: &str| format!("steps[{k}].upgrade.{field}");
    if let Some(name) = &upgrade.profile {
        let profile = profile_named(name, &at("profile"))?;
        chain.runtime_upgrade(profile).map_err(|(netuid, invalid)| {
            InputError::new(at("profile"), format!("subnet {netuid} cannot run under {name}: {invalid}"))
        })?;
    }
    if !upgrade.hyperparameters.is_empty() {
        for netuid in 1..=chain.subnets().len() as u16 {
            let h = patched(
                &chain.subnet(netuid).metagraph.hyperparameters,
                &upgrade.hyperparameters,
                &at("hyperparameters"),
            )?;
            chain
                .set_hyperparameters(netuid, h)
                .map_err(|invalid| InputError::new(at("hyperparameters"), format!("subnet {netuid}: {invalid}")))?;
        }
    }
    Ok(())
}

/// Limits checked before anything runs: total blocks and recorded values.
fn check_budget(case: &ChainCase) -> Result<(), InputError> {
    let mut blocks = 0u64;
    let mut records = 0u64;
    for (k, step) in case.steps.iter().enumerate() {
        if let Some(block) = step.block {
            blocks = blocks.max(block);
        }
        if let ChainAction::RunBlocks(run) = &step.action {
            blocks = blocks.saturating_add(run.blocks);
            let every = run.record_every.unwrap_or(run.blocks);
            if let Some(count) = run.blocks.checked_div(every) {
                records = records.saturating_add(count + 1);
            }
            if blocks > BLOCKS_MAX {
                return Err(InputError::new(
                    format!("steps[{k}].run_blocks.blocks"),
                    format!("the case runs past {BLOCKS_MAX} blocks, the limit of a replay"),
                ));
            }
        }
        if blocks > BLOCKS_MAX {
            return Err(InputError::new(format!("steps[{k}].block"), format!("beyond {BLOCKS_MAX} blocks")));
        }
    }
    if records > BLOCK_RECORDS_MAX {
        return Err(InputError::new(
            "steps",
            format!("{records} block records exceed {BLOCK_RECORDS_MAX}; raise run_blocks.record_every"),
        ));
    }
    if case.genesis.record_epochs {
        // Every subnet at most one epoch per tempo (the genesis tempo; 1 if it is 0) of
        // max_allowed_uids values.
        let values: u64 = case
            .genesis
            .subnets
            .iter()
            .map(|s| {
                let read =
                    |key: &str, default: u64| s.hyperparameters.get(key).and_then(|v| v.as_u64()).unwrap_or(default);
                (blocks / read("tempo", 360).max(1) + 1).saturating_mul(read("max_allowed_uids", 256))
            })
            .fold(0, u64::saturating_add);
        if values > super::OUTPUT_VALUES_MAX as u64 {
            return Err(InputError::new(
                "chain.record_epochs",
                format!(
                    "the case would record about {values} epoch values, over {}; set it to false",
                    super::OUTPUT_VALUES_MAX
                ),
            ));
        }
    }
    Ok(())
}

/// The chain replay output: fixed key order, stable bytes.
pub fn to_json(output: &ChainReplayOutput) -> String {
    let mut out = String::from("{\n");
    let _ = writeln!(out, "  \"name\": {},", json_string(&output.name));
    out.push_str("  \"epochs\": [");
    for (k, record) in output.epochs.iter().enumerate() {
        out.push_str(if k == 0 { "\n" } else { ",\n" });
        out.push_str("    {\n");
        let _ = writeln!(out, "      \"netuid\": {},", record.netuid);
        let _ = writeln!(out, "      \"block\": {},", record.block);
        epoch_fields(&mut out, &record.output);
        out.push_str("    }");
    }
    out.push_str(if output.epochs.is_empty() { "],\n" } else { "\n  ],\n" });
    out.push_str("  \"blocks\": [");
    for (k, record) in output.blocks.iter().enumerate() {
        out.push_str(if k == 0 { "\n" } else { ",\n" });
        let _ = write!(
            out,
            "    {{\"block\": {}, \"profile\": {}, \"total_issuance_rao\": {}, \"block_emission_rao\": {}, \"subnets\": [",
            record.block,
            json_string(record.profile),
            record.total_issuance_rao,
            record.block_emission_rao
        );
        for (i, s) in record.subnets.iter().enumerate() {
            let _ = write!(
                out,
                "{}{{\"netuid\": {}, \"n\": {}, \"epoch_index\": {}, \"pool_tao_rao\": {}, \"pool_alpha_rao\": {}, \
                 \"alpha_out_rao\": {}, \"burn_rao\": {}, \"ema_price\": {}}}",
                if i == 0 { "" } else { ", " },
                s.netuid,
                s.n,
                s.epoch_index,
                s.pool_tao_rao,
                s.pool_alpha_rao,
                s.alpha_out_rao,
                s.burn_rao,
                serde_json::Value::from(s.ema_price)
            );
        }
        out.push_str("]}");
    }
    out.push_str(if output.blocks.is_empty() { "],\n" } else { "\n  ],\n" });
    let rejected: Vec<String> = output
        .rejected
        .iter()
        .map(|r| format!("{{\"step\": {}, \"error\": {}}}", r.step, json_string(&r.error)))
        .collect();
    list(&mut out, "rejected", &rejected, true);
    let reveals: Vec<String> = output
        .reveals_refused
        .iter()
        .map(|r| {
            format!(
                "{{\"block\": {}, \"netuid\": {}, \"uid\": {}, \"error\": {}}}",
                r.block,
                r.netuid,
                r.uid,
                json_string(&r.error)
            )
        })
        .collect();
    list(&mut out, "reveals_refused", &reveals, false);
    out.push_str("}\n");
    out
}

fn list(out: &mut String, key: &str, items: &[String], comma: bool) {
    let end = if comma { "," } else { "" };
    if items.is_empty() {
        let _ = writeln!(out, "  \"{key}\": []{end}");
        return;
    }
    let _ = writeln!(out, "  \"{key}\": [");
    for (k, item) in items.iter().enumerate() {
        let _ = writeln!(out, "    {item}{}", if k + 1 < items.len() { "," } else { "" });
    }
    let _ = writeln!(out, "  ]{end}");
}
