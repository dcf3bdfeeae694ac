//! Miner policies: one file each, chosen by name in the scenario. To add a behaviour, write a
//! file with a type implementing [`MinerPolicy`], add its variant to [`MinerPolicySpec`] and one
//! arm to [`build`].

mod copycat;
mod honest;
mod intermittent;
mod random;

use schemars::JsonSchema;
use serde::Deserialize;

use super::MinerPolicy;
use crate::protocol::NodeId;

/// A miner policy and its parameters, as a scenario names it.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum MinerPolicySpec {
    /// Serves its own model.
    Honest,
    /// One model behind every UID of the group (trained once, from the group's stream).
    Sybil,
    /// Relays another miner's answers (`target`: `group/index`); it trains nothing.
    Copycat { target: String },
    /// Random probabilities.
    Random,
    /// Serves a checkpoint of its model after `epochs` of training, never the finished one.
    StaleModel { epochs: u32 },
    /// Online `online_blocks` out of every `period_blocks` (by its clock); silent otherwise.
    Intermittent { period_blocks: u64, online_blocks: u64 },
    /// Registers at `register_at_block` into whatever UID the chain frees for it (the pruned
    /// one), then serves its own model.
    Sniper { register_at_block: u64 },
}

impl MinerPolicySpec {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Honest => "honest",
            Self::Sybil => "sybil",
            Self::Copycat { .. } => "copycat",
            Self::Random => "random",
            Self::StaleModel { .. } => "stale_model",
            Self::Intermittent { .. } => "intermittent",
            Self::Sniper { .. } => "sniper",
        }
    }

    /// Whether the policy serves a model of its own (the copycat and random miners have none).
    pub fn has_model(&self) -> bool {
        !matches!(self, Self::Copycat { .. } | Self::Random)
    }
}

/// The policy `spec` names; `node_of` resolves a `group/index` name to its node.
pub fn build(spec: &MinerPolicySpec, node_of: &dyn Fn(&str) -> Option<NodeId>) -> Box<dyn MinerPolicy> {
    match spec {
        MinerPolicySpec::Honest
        | MinerPolicySpec::Sybil
        | MinerPolicySpec::StaleModel { .. }
        | MinerPolicySpec::Sniper { .. } => Box::new(honest::Honest),
        MinerPolicySpec::Copycat { target } => {
            Box::new(copycat::Copycat { target: node_of(target).expect("scenario validation resolved the target") })
        }
        MinerPolicySpec::Random => Box::new(random::Random),
        MinerPolicySpec::Intermittent { period_blocks, online_blocks } => {
            Box::new(intermittent::Intermittent { period_blocks: *period_blocks, online_blocks: *online_blocks })
        }
    }
}
