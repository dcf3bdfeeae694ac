//! The resolved plan a run executes: subnets, nodes with their roles, faults by node, upgrades;
//! and the limits a plan keeps.

use tensorsim_actors::chain_node::{OwnerAction, ProducerFault, Upgrade};
use tensorsim_actors::miner::policies::MinerPolicySpec;
use tensorsim_actors::ml::task::ModelSpec;
use tensorsim_actors::protocol::NodeId;
use tensorsim_actors::validator::policies::ValidatorPolicySpec;
use tensorsim_chain::hyperparameters::Hyperparameters;
use tensorsim_chain::profile::Profile;

use super::types::{LatencySpec, Scenario, TaskSpec, ValidationSpec};

/// The most nodes (validators, miners and the chain) a run holds: twice a mainnet-sized network
/// (bench/network_32x256: 32 subnets of 256 UIDs and the chain, 8 193 nodes, under 2 GB).
pub const NODES_MAX: usize = 16_384;
pub const SUBNETS_MAX: usize = 64;
pub const FAULTS_MAX: usize = 10_000;
/// The most owner actions a scenario holds, over all its subnets.
pub const OWNER_ACTIONS_MAX: usize = 10_000;
/// A scenario file larger than this is refused before it is parsed.
pub const SCENARIO_BYTES_MAX: u64 = 4 << 20;
/// The reserved name of the chain's node.
pub const CHAIN_NODE: &str = "chain";
pub(super) const RAO_PER_TAO: f64 = 1e9;
/// The TAO a genesis may hold in all (stakes, pools and the actors' balances): the 21 M supply.
pub(super) const GENESIS_TAO_MAX: f64 = 21e6;
/// Every actor's free balance at genesis, beside its stake (for registrations).
pub const ACTOR_BALANCE_TAO: u64 = 1_000;

#[derive(Clone, Debug)]
pub struct SubnetPlan {
    pub name: String,
    pub netuid: u16,
    pub task: TaskSpec,
    pub hyperparameters: Hyperparameters,
    pub validation: ValidationSpec,
    pub pool_tao_rao: u64,
}

/// What a validator holds at genesis, as genesis gives it to the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenesisStake {
    /// TAO the validator stakes: bought as alpha through its subnet's pool (before dTAO, staked
    /// on root as it is).
    TaoRao(u64),
    /// Alpha issued to the validator's stake, not bought (dTAO profiles).
    AlphaRao(u64),
}

#[derive(Clone, Debug)]
pub enum Role {
    Chain,
    Validator { subnet: usize, policy: ValidatorPolicySpec, stake: GenesisStake },
    Miner { subnet: usize, policy: MinerPolicySpec, model: ModelSpec },
}

#[derive(Clone, Debug)]
pub struct NodePlan {
    /// `group/index`, or `chain`.
    pub name: String,
    pub group: String,
    pub role: Role,
}

/// A fault with its targets resolved to nodes.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeFault {
    Crash {
        nodes: Vec<NodeId>,
    },
    Restart {
        nodes: Vec<NodeId>,
    },
    Offline {
        nodes: Vec<NodeId>,
    },
    Online {
        nodes: Vec<NodeId>,
    },
    Partition {
        sides: Vec<Vec<NodeId>>,
    },
    Heal {
        sides: Vec<Vec<NodeId>>,
    },
    Link {
        from: Vec<NodeId>,
        to: Vec<NodeId>,
        latency: Option<LatencySpec>,
        loss: Option<f64>,
    },
    LinkReset {
        from: Vec<NodeId>,
        to: Vec<NodeId>,
    },
    ClockSkew {
        nodes: Vec<NodeId>,
        offset_ms: i64,
        drift_ppm: i64,
    },
    /// Applied by the chain node itself (its producer faults and runtime upgrades); listed here
    /// so the report shows when it happened.
    Chain,
}

/// How the description of a runtime upgrade begins: the report lists upgrades among the faults
/// applied, and report.html marks them apart by this.
pub const UPGRADE_DESCRIPTION_PREFIX: &str = "runtime upgrade";

/// A fault due at a block, as the scenario wrote it (for the report) and resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct ScheduledFault {
    pub at_block: u64,
    pub description: String,
    pub fault: NodeFault,
}

#[derive(Clone, Debug)]
pub struct Plan {
    pub scenario: Scenario,
    pub profile: &'static Profile,
    pub seed: u64,
    pub blocks: u64,
    pub block_time_ms: u64,
    pub subnets: Vec<SubnetPlan>,
    /// Node `i` is `nodes[i]`; node 0 is the chain.
    pub nodes: Vec<NodePlan>,
    /// Node faults in block order (the producer's own faults and the upgrades go to the chain).
    pub faults: Vec<ScheduledFault>,
    pub producer_faults: Vec<ProducerFault>,
    /// Runtime upgrades, each with every subnet's hyperparameters after it.
    pub upgrades: Vec<Upgrade>,
    /// Subnet owners' hyperparameter calls, in block order.
    pub owner_actions: Vec<OwnerAction>,
}

impl Plan {
    pub fn node_named(&self, name: &str) -> Option<NodeId> {
        self.nodes.iter().position(|n| n.name == name).map(|i| i as NodeId)
    }
}
