//! Chain replay: the living chain, block by block, driven by a script of extrinsics, runtime
//! upgrades and block runs. A case is a chain case when it has a top-level `chain` object (the
//! epoch case of `replay-format.md` is unchanged).
//!
//! The chain's token invariants are checked after every block (release builds too); a broken one
//! ends the replay with [`ChainReplayError::Conservation`].

mod input;
mod network;
mod output;

use tensorsim_chain::accounts::{ColdkeyId, HotkeyId};
use tensorsim_chain::fixed::U64F64;
use tensorsim_chain::hyperparameter_calls::AdminParameters;
use tensorsim_chain::hyperparameters::Hyperparameters;
use tensorsim_chain::metagraph::{WeightsPayload, commit_hash};
use tensorsim_chain::network_registration::NetworkRegistrationParameters;
use tensorsim_chain::pool::Pool;
use tensorsim_chain::state::{Chain, CreateSubnetError, NetworkParameters};
use tensorsim_chain::weights::WeightsCall;

pub use input::{ACCOUNTS_MAX, ChainAction, ChainCase, ChainStep};
use input::{GenesisSubnet, UpgradeStep, WeightsStep, patched};
pub use output::{
    BlockRecord, ChainEpochRecord, ChainReplayOutput, DissolutionRecord, NetworkEvent, NetworkEventKind, PayoutRecord,
    RevealRefused, SubnetBooks,
};

use crate::replay::case::{InputError, OUTPUT_VALUES_MAX, profile_named};
use crate::replay::output::Rejected;

/// The most blocks a chain case may run: 10^8 blocks is about 38 simulated years.
pub const BLOCKS_MAX: u64 = 100_000_000;
/// The most block records a case may ask for.
pub const BLOCK_RECORDS_MAX: u64 = 1_000_000;

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

/// What a step came to: an error of the case or of the chain (`Err`), else the chain's own
/// refusal (`Ok(Err(reason))`) or acceptance.
type StepOutcome = Result<Result<(), String>, ChainReplayError>;

/// The running replay: the chain, the case's names for its accounts, and what is recorded.
struct Replay {
    chain: Chain,
    coldkeys: Vec<ColdkeyId>,
    hotkeys: Vec<HotkeyId>,
    record_epochs: bool,
    output: ChainReplayOutput,
    block_emission_rao: u64,
    /// Whether the case registers or dissolves subnets: its block records carry the lock cost.
    network_case: bool,
}

impl Replay {
    fn genesis(case: &ChainCase) -> Result<Self, InputError> {
        let g = &case.genesis;
        let network = patched(&Hyperparameters::default(), &g.network, "chain.network")?;
        let mut chain = Chain::with_profile(NetworkParameters::from_hyperparameters(&network), case.profile);
        chain.set_network_registration_parameters(NetworkRegistrationParameters::from_hyperparameters(&network));
        chain.admin = AdminParameters::from_hyperparameters(&network);
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
            create_subnet(&mut chain, case, &hotkeys, i, subnet)?;
        }
        let output = ChainReplayOutput {
            name: case.name.clone(),
            epochs: Vec::new(),
            blocks: Vec::new(),
            rejected: Vec::new(),
            reveals_refused: Vec::new(),
        };
        let network_case = case.steps.iter().any(|step| step.action.changes_subnets());
        Ok(Self {
            chain,
            coldkeys,
            hotkeys,
            record_epochs: g.record_epochs,
            output,
            block_emission_rao: 0,
            network_case,
        })
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

    /// The books at this block, with what the step that asks for them did to the subnets.
    fn record_block(&mut self, network_events: Vec<NetworkEvent>) {
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
                pending_tao_rao: s.pending_tao_rao,
                emission_value_rao: chain.root_network.emission_values.get(usize::from(s.netuid)).copied().unwrap_or(0),
            })
            .collect();
        self.output.blocks.push(BlockRecord {
            block: chain.block,
            profile: chain.profile().name,
            total_issuance_rao: chain.total_issuance_rao,
            block_emission_rao: self.block_emission_rao,
            network_lock_cost_rao: self.network_case.then(|| chain.network_lock_cost_rao()),
            subnets,
            network_events,
        });
    }

    /// Step `k`'s action on the chain.
    fn apply(&mut self, k: usize, action: &ChainAction) -> StepOutcome {
        let at = |field: &str| format!("steps[{k}].{}.{field}", action.key());
        let accounts = |replay: &Self, coldkey: usize, hotkey: usize| {
            Ok::<_, InputError>((replay.coldkey(coldkey, at("coldkey"))?, replay.hotkey(hotkey, at("hotkey"))?))
        };
        Ok(match action {
            ChainAction::RunBlocks(run) => {
                let every = run.record_every.unwrap_or(run.blocks);
                for done in 1..=run.blocks {
                    self.step_block()?;
                    if every != 0 && (done % every == 0 || done == run.blocks) {
                        self.record_block(Vec::new());
                    }
                }
                Ok(())
            }
            ChainAction::Stake(call) => {
                let (coldkey, hotkey) = accounts(self, call.coldkey, call.hotkey)?;
                self.chain.add_stake(coldkey, hotkey, call.netuid, call.tao_rao).map(drop).map_err(|e| e.to_string())
            }
            ChainAction::Unstake(call) => {
                let (coldkey, hotkey) = accounts(self, call.coldkey, call.hotkey)?;
                self.chain
                    .remove_stake(coldkey, hotkey, call.netuid, call.stake_rao)
                    .map(drop)
                    .map_err(|e| e.to_string())
            }
            ChainAction::Register(call) => {
                let (coldkey, hotkey) = accounts(self, call.coldkey, call.hotkey)?;
                self.chain.burned_register(coldkey, hotkey, call.netuid).map(drop).map_err(|e| e.to_string())
            }
            ChainAction::RootRegister(call) => {
                let hotkey = self.hotkey(call.hotkey, at("hotkey"))?;
                self.chain.root_register(hotkey).map_err(|e| e.to_string())
            }
            ChainAction::SetRootWeights(call) => {
                let hotkey = self.hotkey(call.hotkey, at("hotkey"))?;
                self.chain.set_root_weights(hotkey, &call.dests, &call.values).map_err(|e| e.to_string())
            }
            ChainAction::SetWeights(call)
            | ChainAction::CommitWeights(call)
            | ChainAction::CommitTimelockedWeights(call)
            | ChainAction::RevealWeights(call) => {
                let hotkey = self.hotkey(call.hotkey, at("hotkey"))?;
                self.weights_call(hotkey, action, call)
            }
            ChainAction::Upgrade(upgrade) => {
                upgrade_chain(&mut self.chain, upgrade, k)?;
                Ok(())
            }
            ChainAction::RegisterNetwork(call) => return self.register_network(k, call),
            ChainAction::StartCall(call) => return self.start_call(k, call),
            ChainAction::DissolveNetwork(call) => return self.dissolve_network(k, call),
            ChainAction::SetHyperparameter(call) => return self.set_hyperparameter(k, call),
        })
    }

    /// One of the four weights extrinsics, the payload as the step gives it.
    fn weights_call(&mut self, hotkey: HotkeyId, action: &ChainAction, call: &WeightsStep) -> Result<(), String> {
        let payload =
            WeightsPayload { dests: call.dests.clone(), values: call.values.clone(), version_key: call.version_key };
        let weights_call = match action {
            ChainAction::SetWeights(_) => WeightsCall::Set(&payload),
            ChainAction::CommitWeights(_) => {
                // The hash binds the UID the hotkey holds now; an unregistered hotkey is refused
                // by the call itself.
                let uid = self.chain.uid_of(call.netuid, hotkey);
                WeightsCall::Commit(commit_hash(uid.unwrap_or(u16::MAX), &payload, &call.salt))
            }
            ChainAction::CommitTimelockedWeights(_) => WeightsCall::CommitTimelocked(payload.clone()),
            _ => WeightsCall::Reveal(&payload, &call.salt),
        };
        self.chain.weights_call(hotkey, call.netuid, weights_call).map_err(|e| e.to_string())
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

/// Genesis subnet `i`: its pool paid from the owner's balance, started if the case says so.
fn create_subnet(
    chain: &mut Chain,
    case: &ChainCase,
    hotkeys: &[HotkeyId],
    i: usize,
    subnet: &GenesisSubnet,
) -> Result<(), InputError> {
    let at = |field: &str| format!("chain.subnets[{i}].{field}");
    let &owner = hotkeys
        .get(subnet.owner_hotkey)
        .ok_or_else(|| InputError::new(at("owner_hotkey"), unknown("hotkey", subnet.owner_hotkey, hotkeys.len())))?;
    let h = patched(&case.profile.new_subnet_hyperparameters(), &subnet.hyperparameters, &at("hyperparameters"))?;
    if !(subnet.ema_price.is_finite() && (0.0..=1e9).contains(&subnet.ema_price)) {
        return Err(InputError::new(at("ema_price"), "a price is a finite number in 0..=1e9"));
    }
    if subnet.pool_alpha_rao > 21_000_000_000_000_000 {
        return Err(InputError::new(at("pool_alpha_rao"), "exceeds the 21M alpha supply"));
    }
    let pool = Pool { tao_rao: subnet.pool_tao_rao, alpha_rao: subnet.pool_alpha_rao };
    let netuid =
        chain.create_subnet(owner, h, pool, U64F64::from_num(subnet.ema_price)).map_err(|error| match error {
            CreateSubnetError::OwnerBalance(e) => InputError::new(
                at("pool_tao_rao"),
                format!("the owner's balance {} RAO cannot pay {} RAO", e.balance_rao, e.needed_rao),
            ),
            CreateSubnetError::Hyperparameters(invalid) => InputError::new(at("hyperparameters"), invalid.to_string()),
            CreateSubnetError::TooManySubnets => InputError::new("chain.subnets", "too many subnets"),
        })?;
    if subnet.start_call {
        chain.start_emission(netuid);
    }
    Ok(())
}

fn unknown(what: &str, index: usize, len: usize) -> String {
    format!("{what} {index} is not declared ({len} {what}s in chain.{what}s)")
}

/// Runs a chain case. Deterministic: the output is a function of the case alone.
pub fn run(case: &ChainCase) -> Result<ChainReplayOutput, ChainReplayError> {
    check_budget(case)?;
    let mut replay = Replay::genesis(case)?;
    for (k, step) in case.steps.iter().enumerate() {
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
        if let Err(error) = replay.apply(k, &step.action)? {
            replay.output.rejected.push(Rejected { step: k, error });
        }
    }
    Ok(replay.output)
}

/// A runtime upgrade: the profile's migrations, then the hyperparameters over every subnet's.
fn upgrade_chain(chain: &mut Chain, upgrade: &UpgradeStep, k: usize) -> Result<(), InputError> {
    let at = |field: &str| format!("steps[{k}].upgrade.{field}");
    if let Some(name) = &upgrade.profile {
        let profile = profile_named(name, &at("profile"))?;
        chain.runtime_upgrade(profile);
    }
    if !upgrade.hyperparameters.is_empty() {
        let netuids: Vec<u16> = chain.subnets().iter().map(|subnet| subnet.netuid).collect();
        for netuid in netuids {
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
        if step.action.changes_subnets() {
            records = records.saturating_add(1);
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
        // A registered subnet starts at the new-subnet tempo (360) and 256 UIDs.
        let registrations = case.steps.iter().filter(|step| matches!(step.action, ChainAction::RegisterNetwork(_)));
        let values = values.saturating_add((registrations.count() as u64).saturating_mul((blocks / 360 + 1) * 256));
        if values > OUTPUT_VALUES_MAX as u64 {
            return Err(InputError::new(
                "chain.record_epochs",
                format!(
                    "the case would record about {values} epoch values, over {}; set it to false",
                    OUTPUT_VALUES_MAX
                ),
            ));
        }
    }
    Ok(())
}
