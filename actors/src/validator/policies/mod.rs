//! Validator policies: one file each, chosen by name in the scenario (`policy: honest`,
//! `policy: {noisy: {sigma: 0.2}}`). To add a behaviour, write a file with a type implementing
//! [`ValidatorPolicy`], add its variant to [`ValidatorPolicySpec`] and one arm to [`build`].

mod cabal;
mod honest;
mod late;
mod lazy;
mod noisy;
mod scripted;
mod self_weight;
mod weight_copier;

use schemars::JsonSchema;
use serde::Deserialize;

use super::{ValidatorPolicy, WeightsContext};
use tensorsim_chain::accounts::HotkeyId;

pub use scripted::ScriptedWeights;
pub use weight_copier::CopySource;

/// A validator policy and its parameters, as a scenario names it.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ValidatorPolicySpec {
    /// Weights by the moving average of measured scores.
    Honest,
    /// Copies the weights it can see on chain: the other validators' stored rows (under
    /// commit-reveal, only what has been revealed).
    WeightCopier,
    /// Copies the last epoch's consensus.
    ConsensusCopier,
    /// Weights only the named miner groups, equally, whatever they score.
    Cabal { miners: Vec<String> },
    /// Measures until it has weights, then stops querying and submits them for ever.
    Lazy,
    /// Submits, each time, the weights it computed the time before (one interval behind).
    Late,
    /// Honest weights plus Gaussian noise of `sigma` (relative to the best score), floored at 0.
    Noisy { sigma: f64 },
    /// All weight on its own UID.
    SelfWeight,
    /// Weights from the scenario: the last entry whose `from_block` has passed.
    Scripted { schedule: Vec<ScriptedWeights> },
}

impl ValidatorPolicySpec {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Honest => "honest",
            Self::WeightCopier => "weight_copier",
            Self::ConsensusCopier => "consensus_copier",
            Self::Cabal { .. } => "cabal",
            Self::Lazy => "lazy",
            Self::Late => "late",
            Self::Noisy { .. } => "noisy",
            Self::SelfWeight => "self_weight",
            Self::Scripted { .. } => "scripted",
        }
    }
}

/// The policy `spec` names; `members` resolves a miner group's name to its hotkeys.
pub fn build(spec: &ValidatorPolicySpec, members: &dyn Fn(&str) -> Vec<HotkeyId>) -> Box<dyn ValidatorPolicy> {
    match spec {
        ValidatorPolicySpec::Honest => Box::new(honest::Honest),
        ValidatorPolicySpec::WeightCopier => Box::new(weight_copier::WeightCopier { source: CopySource::Weights }),
        ValidatorPolicySpec::ConsensusCopier => Box::new(weight_copier::WeightCopier { source: CopySource::Consensus }),
        ValidatorPolicySpec::Cabal { miners } => {
            Box::new(cabal::Cabal { members: miners.iter().flat_map(|group| members(group)).collect() })
        }
        ValidatorPolicySpec::Lazy => Box::new(lazy::Lazy::default()),
        ValidatorPolicySpec::Late => Box::new(late::Late::default()),
        ValidatorPolicySpec::Noisy { sigma } => Box::new(noisy::Noisy { sigma: *sigma }),
        ValidatorPolicySpec::SelfWeight => Box::new(self_weight::SelfWeight),
        ValidatorPolicySpec::Scripted { schedule } => Box::new(scripted::Scripted { schedule: schedule.clone() }),
    }
}

/// Honest weights: each served UID's moving-average score; the validator's own UID and UIDs that
/// serve nothing get none.
pub(crate) fn measured_weights(ctx: &WeightsContext) -> Vec<f64> {
    ctx.view
        .neurons
        .iter()
        .enumerate()
        .map(|(uid, neuron)| {
            let served = neuron.axon.is_some() && uid != usize::from(ctx.my_uid);
            if served { ctx.scores.get(uid).copied().unwrap_or(0.0) } else { 0.0 }
        })
        .collect()
}
