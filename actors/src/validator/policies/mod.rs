//! Validator policies: one file each, chosen by name in the scenario (`policy: honest`,
//! `policy: {noisy: {sigma: 0.2}}`). To add a behaviour, write a file with a type implementing
//! [`ValidatorPolicy`], add its variant to [`ValidatorPolicySpec`] and one arm to [`build`] (its
//! name is its variant's key). A policy whose parameters have rules checks them in its
//! file and adds an arm to [`ValidatorPolicySpec::validate`]; one that names miner groups, to
//! [`ValidatorPolicySpec::referenced_miner_groups`].

mod cabal;
mod honest;
mod late;
mod lazy;
mod noisy;
mod scripted;
mod self_weight;
mod weight_copier;
mod winner_takes_all;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ValidatorPolicy;
use crate::policy::{PolicyError, Reference};
use tensorsim_chain::accounts::HotkeyId;

pub use scripted::ScriptedWeights;
pub use weight_copier::CopySource;

/// A validator policy and its parameters, as a scenario names it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
    /// The whole weight on the miner it measured best (client-side winner takes all).
    WinnerTakesAll,
}

impl ValidatorPolicySpec {
    /// The policy's key in a scenario (the report's policy column): its variant's serde name.
    pub fn name(&self) -> &'static str {
        crate::policy::variant_key(self)
    }

    /// Checks what the parameters' types cannot; the error's field is under the policy's key.
    pub fn validate(&self) -> Result<(), PolicyError> {
        match self {
            Self::Noisy { sigma } => noisy::validate(*sigma),
            Self::Scripted { schedule } => scripted::validate(schedule),
            _ => Ok(()),
        }
        .map_err(|error| error.under(self.name()))
    }

    /// The miner groups of its own subnet the policy names (a cabal's members).
    pub fn referenced_miner_groups(&self) -> Vec<Reference<'_>> {
        let references = match self {
            Self::Cabal { miners } => cabal::references(miners),
            _ => Vec::new(),
        };
        references.into_iter().map(|reference| reference.under(self.name())).collect()
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
        ValidatorPolicySpec::WinnerTakesAll => Box::new(winner_takes_all::WinnerTakesAll),
    }
}

#[cfg(test)]
mod tests {
    use super::{ScriptedWeights, ValidatorPolicySpec};
    use crate::policy::{PolicyError, Reference};

    #[test]
    fn each_policy_is_named_by_its_key_in_a_scenario() {
        let specs = [
            (ValidatorPolicySpec::Honest, "honest"),
            (ValidatorPolicySpec::WeightCopier, "weight_copier"),
            (ValidatorPolicySpec::ConsensusCopier, "consensus_copier"),
            (ValidatorPolicySpec::Cabal { miners: vec!["m".into()] }, "cabal"),
            (ValidatorPolicySpec::Lazy, "lazy"),
            (ValidatorPolicySpec::Late, "late"),
            (ValidatorPolicySpec::Noisy { sigma: 0.1 }, "noisy"),
            (ValidatorPolicySpec::SelfWeight, "self_weight"),
            (ValidatorPolicySpec::Scripted { schedule: vec![entry(0)] }, "scripted"),
            (ValidatorPolicySpec::WinnerTakesAll, "winner_takes_all"),
        ];
        for (spec, key) in specs {
            assert_eq!(spec.name(), key);
        }
    }

    fn entry(from_block: u64) -> ScriptedWeights {
        ScriptedWeights { from_block, weights: vec![(0, 1.0)] }
    }

    #[test]
    fn a_noisy_validator_with_a_negative_sigma_is_refused_at_its_sigma() {
        assert_eq!(
            ValidatorPolicySpec::Noisy { sigma: -0.5 }.validate(),
            Err(PolicyError::new("noisy.sigma", "-0.5 is not a finite non-negative number"))
        );
    }

    #[test]
    fn a_noisy_validator_with_an_infinite_or_undefined_sigma_is_refused() {
        for (sigma, shown) in [(f64::INFINITY, "inf"), (f64::NAN, "NaN")] {
            let expected = PolicyError::new("noisy.sigma", format!("{shown} is not a finite non-negative number"));
            assert_eq!(ValidatorPolicySpec::Noisy { sigma }.validate(), Err(expected));
        }
    }

    #[test]
    fn a_noisy_validator_without_noise_is_accepted() {
        assert_eq!(ValidatorPolicySpec::Noisy { sigma: 0.0 }.validate(), Ok(()));
    }

    #[test]
    fn a_scripted_schedule_out_of_block_order_is_refused() {
        let schedule = vec![entry(0), entry(60), entry(30)];
        assert_eq!(
            ValidatorPolicySpec::Scripted { schedule }.validate(),
            Err(PolicyError::new("scripted.schedule", "entries must be in from_block order"))
        );
    }

    #[test]
    fn a_scripted_schedule_with_entries_at_the_same_block_is_accepted() {
        let schedule = vec![entry(0), entry(30), entry(30)];
        assert_eq!(ValidatorPolicySpec::Scripted { schedule }.validate(), Ok(()));
    }

    #[test]
    fn a_cabal_names_each_of_its_miner_groups_at_its_index() {
        let cabal = ValidatorPolicySpec::Cabal { miners: vec!["friends".into(), "family".into()] };
        assert_eq!(
            cabal.referenced_miner_groups(),
            [Reference::new("cabal.miners[0]", "friends"), Reference::new("cabal.miners[1]", "family")]
        );
    }

    #[test]
    fn policies_without_parameters_have_no_rules_and_name_nobody() {
        for spec in [ValidatorPolicySpec::Honest, ValidatorPolicySpec::WeightCopier, ValidatorPolicySpec::Lazy] {
            assert_eq!(spec.validate(), Ok(()));
            assert!(spec.referenced_miner_groups().is_empty());
        }
    }
}
