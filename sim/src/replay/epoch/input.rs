//! The epoch case input (`shared/spec/replay-format.md`): parsed strictly, every error naming its
//! field.

use serde::Deserialize;
use serde::de::IgnoredAny;
use tensorsim_chain::hyperparameters::Hyperparameters;
use tensorsim_chain::profile::Profile;

use crate::replay::case::{InputError, case_profile, check_step_count, one_action, parse_json};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: String,
    /// A protocol profile (tensorsim's addition to the format); HEAD when absent.
    #[serde(default)]
    profile: Option<String>,
    #[serde(default)]
    hyperparameters: Hyperparameters,
    neurons: Vec<RawNeuron>,
    #[serde(default)]
    steps: Vec<RawStep>,
    /// Not replay input: conformance files carry their expectations here (see `check`).
    #[serde(default)]
    expected: Option<serde_json::Value>,
    #[serde(default)]
    #[allow(dead_code)]
    source: Option<IgnoredAny>,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<IgnoredAny>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RawNeuron {
    pub stake_rao: u64,
    pub registered_at: u64,
    pub last_update: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    block: u64,
    epoch: Option<EpochStep>,
    set_weights: Option<SetWeightsStep>,
    set_stake: Option<SetStakeStep>,
    register: Option<RegisterStep>,
    reset_bonds: Option<ResetBondsStep>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EpochStep {
    pub emission_rao: u64,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SetWeightsStep {
    pub uid: u16,
    pub dests: Vec<u16>,
    pub values: Vec<u16>,
    /// Not in the format's example; 0 (the chain's "no key") when absent.
    #[serde(default)]
    pub version_key: u64,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SetStakeStep {
    pub uid: u16,
    pub stake_rao: u64,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RegisterStep {
    pub uid: u16,
    #[serde(default)]
    pub stake_rao: u64,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ResetBondsStep {
    pub uid: u16,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Epoch(EpochStep),
    SetWeights(SetWeightsStep),
    SetStake(SetStakeStep),
    Register(RegisterStep),
    ResetBonds(ResetBondsStep),
}

impl Action {
    /// The step key, as in the file.
    pub fn key(&self) -> &'static str {
        match self {
            Self::Epoch(_) => "epoch",
            Self::SetWeights(_) => "set_weights",
            Self::SetStake(_) => "set_stake",
            Self::Register(_) => "register",
            Self::ResetBonds(_) => "reset_bonds",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub block: u64,
    pub action: Action,
}

/// A parsed replay case.
#[derive(Clone, Debug)]
pub struct ReplayCase {
    pub name: String,
    pub profile: &'static Profile,
    pub hyperparameters: Hyperparameters,
    pub neurons: Vec<RawNeuron>,
    pub steps: Vec<Step>,
    /// The conformance expectations, if the file has them.
    pub expected: Option<serde_json::Value>,
}

const STEP_KEYS: &str = "epoch, set_weights, set_stake, register, reset_bonds";

impl ReplayCase {
    /// Parses a case from JSON text; `profile_override` (the command line's) wins over the case's.
    pub fn parse(text: &str, profile_override: Option<&'static Profile>) -> Result<Self, InputError> {
        let raw: RawCase = parse_json(text)?;
        check_step_count(raw.steps.len())?;
        let profile = case_profile(profile_override, raw.profile.as_deref())?;
        let steps = raw.steps.into_iter().enumerate().map(|(k, step)| step.into_step(k)).collect::<Result<_, _>>()?;
        Ok(Self {
            name: raw.name,
            profile,
            hyperparameters: raw.hyperparameters,
            neurons: raw.neurons,
            steps,
            expected: raw.expected,
        })
    }
}

impl RawStep {
    fn into_step(self, k: usize) -> Result<Step, InputError> {
        let actions: Vec<Action> = [
            self.epoch.map(Action::Epoch),
            self.set_weights.map(Action::SetWeights),
            self.set_stake.map(Action::SetStake),
            self.register.map(Action::Register),
            self.reset_bonds.map(Action::ResetBonds),
        ]
        .into_iter()
        .flatten()
        .collect();
        one_action(k, actions, Action::key, STEP_KEYS).map(|action| Step { block: self.block, action })
    }
}
