//! Miner policies: one file each, chosen by name in the scenario. To add a behaviour, write a
//! file with a type implementing [`MinerPolicy`], add its variant to [`MinerPolicySpec`] and one
//! arm to [`build`] (its name is its variant's key). A policy whose parameters have rules
//! checks them in its file and adds an arm to [`MinerPolicySpec::validate`]; one that names a
//! miner, to [`MinerPolicySpec::referenced_miner`]; one that differs at genesis, to
//! [`MinerPolicySpec::register_at_block`] (registers later) or [`MinerPolicySpec::model_source`]
//! (is not served a model of its own); one that works on one task only, to
//! [`MinerPolicySpec::digits_only`].

mod copycat;
mod honest;
mod intermittent;
mod lookup;
mod malformed;
mod random;
mod vacancy_sniper;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::MinerPolicy;
use crate::ml::scoring::Malformed;
use crate::ml::task::{DataExposure, TaskData};
use crate::policy::{PolicyError, Reference};

/// A miner policy and its parameters, as a scenario names it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum MinerPolicySpec {
    /// Serves its own model.
    Honest,
    /// One model behind every UID of the group (trained once, from the group's stream).
    Sybil,
    /// Serves a copy of another miner's model (`target`: `group/index`) from block
    /// `delay_blocks` on, when that model is published; it trains nothing and is silent before.
    Copycat {
        target: String,
        #[serde(default)]
        delay_blocks: u64,
    },
    /// Random probabilities.
    Random,
    /// Serves a checkpoint of its model after `epochs` of training, never the finished one.
    StaleModel { epochs: u32 },
    /// Online `online_blocks` out of every `period_blocks` (by its clock); silent otherwise.
    Intermittent { period_blocks: u64, online_blocks: u64 },
    /// Registers at `register_at_block` into whatever UID the chain frees for it (the pruned
    /// one), then serves its own model.
    Sniper { register_at_block: u64 },
    /// Watches the metagraph from `watch_from_block` on and registers as soon as it shows a
    /// vacancy: a UID out of its immunity that the last epoch paid nothing, which the
    /// registration then takes. Serves its own model.
    VacancySniper { watch_from_block: u64 },
    /// Answers that are no probability distribution: every class certain (`unnormalised`), a
    /// class too many (`wrong_length`) or no rows (`empty`). Validators give them nothing.
    Malformed { kind: Malformed },
    /// Its own model, except on rows it has memorised (digits only): the public rows, and the
    /// hidden ones too when the subnet's `validation.data` is `leaked`.
    Lookup,
    /// Serves its own model and publishes a model commitment at `at_block` (the commitments
    /// pallet, as a miner announcing a new model's revision); on a subnet with `bonds_reset` on,
    /// the chain then deletes every bond on its UID.
    Recommit { at_block: u64 },
}

impl MinerPolicySpec {
    /// The policy's key in a scenario (the report's policy column): its variant's serde name.
    pub fn name(&self) -> &'static str {
        crate::policy::variant_key(self)
    }

    /// Checks what the parameters' types cannot; the error's field is under the policy's key.
    pub fn validate(&self) -> Result<(), PolicyError> {
        match self {
            Self::Intermittent { period_blocks, online_blocks } => {
                intermittent::validate(*period_blocks, *online_blocks)
            }
            _ => Ok(()),
        }
        .map_err(|error| error.under(self.name()))
    }

    /// The block it registers at, by its clock, for a policy not registered at genesis.
    pub fn register_at_block(&self) -> Option<u64> {
        match self {
            Self::Sniper { register_at_block } => Some(*register_at_block),
            Self::VacancySniper { watch_from_block } => Some(*watch_from_block),
            _ => None,
        }
    }

    /// The block it publishes a model commitment at, by its clock.
    pub fn commit_at_block(&self) -> Option<u64> {
        match self {
            Self::Recommit { at_block } => Some(*at_block),
            _ => None,
        }
    }

    /// Whether genesis registers it (a sniper registers itself later, into a pruned UID).
    pub fn registers_at_genesis(&self) -> bool {
        self.register_at_block().is_none()
    }

    /// The model genesis trains for it.
    pub fn model_source(&self) -> ModelSource {
        match self {
            Self::Sybil => ModelSource::SharedByGroup,
            Self::StaleModel { epochs } => ModelSource::Checkpoint { epochs: *epochs },
            Self::Copycat { .. } => ModelSource::Target,
            Self::Random | Self::Malformed { .. } => ModelSource::None,
            _ => ModelSource::Own,
        }
    }

    /// Whether the policy serves a model (random and malformed miners have none).
    pub fn has_model(&self) -> bool {
        self.model_source() != ModelSource::None
    }

    /// Whether it works on digit subnets only (a lookup: a text context recurs across the text,
    /// so a table of them is a language model, not a lookup).
    pub fn digits_only(&self) -> bool {
        matches!(self, Self::Lookup)
    }

    /// The miner (`group/index`) whose model the policy serves (a copycat's target).
    pub fn referenced_miner(&self) -> Option<Reference<'_>> {
        let reference = match self {
            Self::Copycat { target, .. } => copycat::reference(target),
            _ => return None,
        };
        Some(reference.under(self.name()))
    }
}

/// Where a miner's model comes from: genesis trains it before the network starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelSource {
    /// Its own, trained from its own stream on its own recipe.
    Own,
    /// One model for the whole group, trained once from the group's stream (sybils).
    SharedByGroup,
    /// Its own, but the checkpoint after at most `epochs` of training (a stale model).
    Checkpoint { epochs: u32 },
    /// The model of the miner it names ([`MinerPolicySpec::referenced_miner`]): a copy.
    Target,
    /// None: it draws its answers.
    None,
}

/// The policy `spec` names, for a miner of a subnet with `task` whose hidden rows are as
/// `exposure` says.
pub fn build(spec: &MinerPolicySpec, task: &TaskData, exposure: DataExposure) -> Box<dyn MinerPolicy> {
    match spec {
        MinerPolicySpec::Honest
        | MinerPolicySpec::Sybil
        | MinerPolicySpec::StaleModel { .. }
        | MinerPolicySpec::Sniper { .. }
        | MinerPolicySpec::Recommit { .. } => Box::new(honest::Honest),
        MinerPolicySpec::Copycat { delay_blocks, .. } => Box::new(copycat::Copycat { delay_blocks: *delay_blocks }),
        MinerPolicySpec::Lookup => Box::new(lookup::Lookup::new(task, exposure)),
        MinerPolicySpec::Random => Box::new(random::Random),
        MinerPolicySpec::VacancySniper { .. } => Box::new(vacancy_sniper::VacancySniper),
        MinerPolicySpec::Malformed { kind } => Box::new(malformed::MalformedAnswers { kind: *kind }),
        MinerPolicySpec::Intermittent { period_blocks, online_blocks } => {
            Box::new(intermittent::Intermittent { period_blocks: *period_blocks, online_blocks: *online_blocks })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{MinerPolicySpec, ModelSource};
    use crate::ml::scoring::Malformed;
    use crate::policy::{PolicyError, Reference};

    #[test]
    fn each_policy_is_named_by_its_key_in_a_scenario() {
        let specs = [
            (MinerPolicySpec::Honest, "honest"),
            (MinerPolicySpec::Sybil, "sybil"),
            (MinerPolicySpec::Copycat { target: "m/0".into(), delay_blocks: 0 }, "copycat"),
            (MinerPolicySpec::Lookup, "lookup"),
            (MinerPolicySpec::Random, "random"),
            (MinerPolicySpec::StaleModel { epochs: 1 }, "stale_model"),
            (MinerPolicySpec::Intermittent { period_blocks: 2, online_blocks: 1 }, "intermittent"),
            (MinerPolicySpec::Sniper { register_at_block: 9 }, "sniper"),
            (MinerPolicySpec::VacancySniper { watch_from_block: 9 }, "vacancy_sniper"),
            (MinerPolicySpec::Malformed { kind: Malformed::WrongLength }, "malformed"),
            (MinerPolicySpec::Recommit { at_block: 9 }, "recommit"),
        ];
        for (spec, key) in specs {
            assert_eq!(spec.name(), key);
        }
    }

    fn intermittent(period_blocks: u64, online_blocks: u64) -> MinerPolicySpec {
        MinerPolicySpec::Intermittent { period_blocks, online_blocks }
    }

    #[test]
    fn an_intermittent_miner_without_a_period_is_refused_at_its_policy() {
        assert_eq!(
            intermittent(0, 0).validate(),
            Err(PolicyError::new("intermittent", "needs 0 < online_blocks ≤ period_blocks"))
        );
    }

    #[test]
    fn an_intermittent_miner_online_longer_than_its_period_is_refused_at_its_policy() {
        assert_eq!(
            intermittent(10, 11).validate(),
            Err(PolicyError::new("intermittent", "needs 0 < online_blocks ≤ period_blocks"))
        );
    }

    #[test]
    fn an_intermittent_miner_never_online_is_refused_at_its_policy() {
        assert_eq!(
            intermittent(10, 0).validate(),
            Err(PolicyError::new("intermittent", "needs 0 < online_blocks ≤ period_blocks"))
        );
    }

    #[test]
    fn an_intermittent_miner_online_its_whole_period_is_accepted() {
        assert_eq!(intermittent(10, 10).validate(), Ok(()));
    }

    #[test]
    fn a_sniper_registers_at_its_block_and_not_at_genesis() {
        let sniper = MinerPolicySpec::Sniper { register_at_block: 50 };
        assert_eq!((sniper.register_at_block(), sniper.registers_at_genesis()), (Some(50), false));
        let watcher = MinerPolicySpec::VacancySniper { watch_from_block: 70 };
        assert_eq!((watcher.register_at_block(), watcher.registers_at_genesis()), (Some(70), false));
        assert_eq!(
            (MinerPolicySpec::Honest.register_at_block(), MinerPolicySpec::Honest.registers_at_genesis()),
            (None, true)
        );
    }

    #[test]
    fn each_policy_says_where_its_model_comes_from() {
        let sources = [
            (MinerPolicySpec::Honest, ModelSource::Own),
            (MinerPolicySpec::Sniper { register_at_block: 50 }, ModelSource::Own),
            (MinerPolicySpec::VacancySniper { watch_from_block: 50 }, ModelSource::Own),
            (intermittent(10, 5), ModelSource::Own),
            (MinerPolicySpec::Sybil, ModelSource::SharedByGroup),
            (MinerPolicySpec::StaleModel { epochs: 2 }, ModelSource::Checkpoint { epochs: 2 }),
            (MinerPolicySpec::Copycat { target: "miners/0".into(), delay_blocks: 9 }, ModelSource::Target),
            (MinerPolicySpec::Lookup, ModelSource::Own),
            (MinerPolicySpec::Random, ModelSource::None),
            (MinerPolicySpec::Malformed { kind: Malformed::Empty }, ModelSource::None),
        ];
        for (spec, source) in sources {
            assert_eq!(spec.model_source(), source, "{}", spec.name());
            assert_eq!(spec.has_model(), source != ModelSource::None, "{}", spec.name());
        }
    }

    #[test]
    fn a_copycat_names_its_target_and_no_other_policy_names_a_miner() {
        let copycat = MinerPolicySpec::Copycat { target: "miners/0".into(), delay_blocks: 0 };
        assert_eq!(copycat.referenced_miner(), Some(Reference::new("copycat.target", "miners/0")));
        assert_eq!(MinerPolicySpec::Random.referenced_miner(), None);
        assert_eq!(MinerPolicySpec::Sybil.referenced_miner(), None);
    }
}
