//! Chain case input: the genesis and the steps, parsed strictly (errors name the field path).

use serde::Deserialize;
use serde::de::IgnoredAny;
use tensorsim_chain::hyperparameter_calls::SetHyperparameter;
use tensorsim_chain::hyperparameters::Hyperparameters;
use tensorsim_chain::profile::Profile;
use tensorsim_chain::state::SUBNETS_MAX;

use crate::hyperparameter_overrides::{CallField, hyperparameter_call};
use crate::replay::case::{InputError, case_profile, check_step_count, one_action, parse_json};

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
pub(super) struct Genesis {
    /// The network-wide hyperparameters (τ, owner cut, moving-price settings, epochs per block,
    /// minimum stake, default take); absent keys take their HEAD values.
    #[serde(default)]
    pub(super) network: serde_json::Map<String, serde_json::Value>,
    pub(super) coldkeys: Vec<GenesisColdkey>,
    pub(super) hotkeys: Vec<GenesisHotkey>,
    #[serde(default)]
    pub(super) subnets: Vec<GenesisSubnet>,
    #[serde(default = "yes")]
    pub(super) record_epochs: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GenesisColdkey {
    pub(super) balance_rao: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GenesisHotkey {
    pub(super) coldkey: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GenesisSubnet {
    pub(super) owner_hotkey: usize,
    /// Over the profile's new-subnet values.
    #[serde(default)]
    pub(super) hyperparameters: serde_json::Map<String, serde_json::Value>,
    /// The genesis pool: its TAO comes from the owner's balance (as the lock does).
    pub(super) pool_tao_rao: u64,
    pub(super) pool_alpha_rao: u64,
    /// The moving price the coinbase shares TAO by (§3.5), as a decimal number.
    #[serde(default)]
    pub(super) ema_price: f64,
    /// Whether the owner has called `start_call` (the subnet emits from block 1).
    #[serde(default = "yes")]
    pub(super) start_call: bool,
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
    root_register: Option<RootRegisterStep>,
    set_root_weights: Option<RootWeightsStep>,
    set_weights: Option<WeightsStep>,
    commit_weights: Option<WeightsStep>,
    commit_timelocked_weights: Option<WeightsStep>,
    reveal_weights: Option<WeightsStep>,
    upgrade: Option<UpgradeStep>,
    register_network: Option<RegisterNetworkStep>,
    start_call: Option<StartCallStep>,
    dissolve_network: Option<DissolveNetworkStep>,
    set_hyperparameter: Option<RawSetHyperparameterStep>,
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
pub struct RootRegisterStep {
    pub hotkey: usize,
}

/// Root weights over netuids (0, root, included).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RootWeightsStep {
    pub hotkey: usize,
    pub dests: Vec<u16>,
    pub values: Vec<u16>,
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

/// `register_network` (subnets spec §2): the coldkey locks TAO for a subnet owned by the hotkey.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterNetworkStep {
    pub coldkey: usize,
    pub hotkey: usize,
}

/// `start_call` (§2.8), signed by the owner coldkey.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartCallStep {
    pub coldkey: usize,
    pub netuid: u16,
}

/// Root's `dissolve_network` (§5).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DissolveNetworkStep {
    pub netuid: u16,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSetHyperparameterStep {
    #[serde(default)]
    coldkey: Option<usize>,
    #[serde(default)]
    root: bool,
    netuid: u16,
    name: String,
    value: serde_json::Value,
}

/// A hyperparameter call (§6): signed by a coldkey, or root's.
#[derive(Clone, Debug)]
pub struct SetHyperparameterStep {
    /// `None`: root.
    pub coldkey: Option<usize>,
    pub netuid: u16,
    pub call: SetHyperparameter,
}

impl RawSetHyperparameterStep {
    /// The call named by `name` with `value` read as that call's type; errors name the field.
    fn into_step(self, k: usize) -> Result<SetHyperparameterStep, InputError> {
        let at = |field: &str| format!("steps[{k}].set_hyperparameter.{field}");
        let coldkey = match (self.coldkey, self.root) {
            (Some(coldkey), false) => Some(coldkey),
            (None, true) => None,
            _ => return Err(InputError::new(at("root"), "give either a coldkey or root: true")),
        };
        let call = hyperparameter_call(&self.name, self.value).map_err(|(field, message)| match field {
            CallField::Name => InputError::new(at("name"), message),
            CallField::Value => InputError::new(at("value"), message),
        })?;
        Ok(SetHyperparameterStep { coldkey, netuid: self.netuid, call })
    }
}

#[derive(Clone, Debug)]
pub enum ChainAction {
    RunBlocks(RunBlocks),
    Stake(StakeStep),
    Unstake(UnstakeStep),
    Register(RegisterStep),
    RootRegister(RootRegisterStep),
    SetRootWeights(RootWeightsStep),
    SetWeights(WeightsStep),
    CommitWeights(WeightsStep),
    CommitTimelockedWeights(WeightsStep),
    RevealWeights(WeightsStep),
    Upgrade(UpgradeStep),
    RegisterNetwork(RegisterNetworkStep),
    StartCall(StartCallStep),
    DissolveNetwork(DissolveNetworkStep),
    SetHyperparameter(SetHyperparameterStep),
}

const STEP_KEYS: &str = "run_blocks, stake, unstake, register, root_register, set_root_weights, set_weights, \
                         commit_weights, commit_timelocked_weights, reveal_weights, upgrade, register_network, \
                         start_call, dissolve_network, set_hyperparameter";

impl ChainAction {
    pub(super) fn key(&self) -> &'static str {
        match self {
            Self::RunBlocks(_) => "run_blocks",
            Self::Stake(_) => "stake",
            Self::Unstake(_) => "unstake",
            Self::Register(_) => "register",
            Self::RootRegister(_) => "root_register",
            Self::SetRootWeights(_) => "set_root_weights",
            Self::SetWeights(_) => "set_weights",
            Self::CommitWeights(_) => "commit_weights",
            Self::CommitTimelockedWeights(_) => "commit_timelocked_weights",
            Self::RevealWeights(_) => "reveal_weights",
            Self::Upgrade(_) => "upgrade",
            Self::RegisterNetwork(_) => "register_network",
            Self::StartCall(_) => "start_call",
            Self::DissolveNetwork(_) => "dissolve_network",
            Self::SetHyperparameter(_) => "set_hyperparameter",
        }
    }

    /// Whether the step changes which subnets exist (its books record the lock cost).
    pub(super) fn changes_subnets(&self) -> bool {
        matches!(self, Self::RegisterNetwork(_) | Self::DissolveNetwork(_))
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
    pub(super) profile: &'static Profile,
    pub(super) genesis: Genesis,
    pub steps: Vec<ChainStep>,
}

/// `patch` over `base`, the errors naming `path`.key.
pub(super) fn patched(
    base: &Hyperparameters,
    patch: &serde_json::Map<String, serde_json::Value>,
    path: &str,
) -> Result<Hyperparameters, InputError> {
    crate::hyperparameter_overrides::with_overrides(base, patch)
        .map_err(|(field, message)| InputError::new(format!("{path}.{field}"), message))
}

impl ChainCase {
    pub fn parse(text: &str, profile_override: Option<&'static Profile>) -> Result<Self, InputError> {
        let raw: RawChainCase = parse_json(text)?;
        let profile = case_profile(profile_override, raw.profile.as_deref())?;
        let g = &raw.chain;
        for (what, len) in [("coldkeys", g.coldkeys.len()), ("hotkeys", g.hotkeys.len())] {
            if len > ACCOUNTS_MAX {
                return Err(InputError::new(format!("chain.{what}"), format!("{len} exceed the limit {ACCOUNTS_MAX}")));
            }
        }
        if g.subnets.len() > SUBNETS_MAX {
            return Err(InputError::new("chain.subnets", format!("more than {SUBNETS_MAX} subnets")));
        }
        check_step_count(raw.steps.len())?;
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
            self.root_register.map(ChainAction::RootRegister),
            self.set_root_weights.map(ChainAction::SetRootWeights),
            self.set_weights.map(ChainAction::SetWeights),
            self.commit_weights.map(ChainAction::CommitWeights),
            self.commit_timelocked_weights.map(ChainAction::CommitTimelockedWeights),
            self.reveal_weights.map(ChainAction::RevealWeights),
            self.upgrade.map(ChainAction::Upgrade),
            self.register_network.map(ChainAction::RegisterNetwork),
            self.start_call.map(ChainAction::StartCall),
            self.dissolve_network.map(ChainAction::DissolveNetwork),
            self.set_hyperparameter.map(|raw| raw.into_step(k)).transpose()?.map(ChainAction::SetHyperparameter),
        ]
        .into_iter()
        .flatten()
        .collect();
        one_action(k, actions, ChainAction::key, STEP_KEYS).map(|action| ChainStep { block: self.block, action })
    }
}
