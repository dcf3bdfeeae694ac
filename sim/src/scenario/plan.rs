//! The resolved plan a run executes: subnets, nodes with their roles, faults by node, upgrades;
//! and the limits a plan keeps.

use tensorsim_actors::chain_node::{OwnerAction, ProducerFault, Upgrade};
use tensorsim_actors::miner::policies::MinerPolicySpec;
use tensorsim_actors::ml::task::ModelSpec;
use tensorsim_actors::protocol::NodeId;
use tensorsim_actors::validator::policies::ValidatorPolicySpec;
use tensorsim_chain::hyperparameters::Hyperparameters;
use tensorsim_chain::network_registration::NetworkRegistrationParameters;
use tensorsim_chain::profile::Profile;

use super::types::{LatencySpec, Scenario, TaskSpec, ValidationSpec};

/// The most nodes (validators, miners and the chain) a run holds: twice a mainnet-sized network
/// (bench/network_32x256: 32 subnets of 256 UIDs and the chain, 8 193 nodes).
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
    /// A genesis subnet's netuid (1, 2, … in scenario order); a subnet registered mid-run gets
    /// one from the chain.
    pub netuid: Option<u16>,
    pub task: TaskSpec,
    /// At genesis; for a subnet registered mid-run, what it would run under on a fresh netuid.
    pub hyperparameters: Hyperparameters,
    pub validation: ValidationSpec,
    /// The genesis pool's TAO (and alpha); 0 for a subnet registered mid-run.
    pub pool_tao_rao: u64,
    /// Stake weights held to this percentile in consensus (a what-if, not a subtensor rule).
    pub stake_cap_percentile: Option<u8>,
    /// When and how its owner registers it, for a subnet that appears mid-run.
    pub registration: Option<RegistrationPlan>,
}

/// A subnet its owner registers mid-run.
#[derive(Clone, Debug)]
pub struct RegistrationPlan {
    pub at_block: u64,
    /// The owner's free balance at genesis: what pays the lock.
    pub owner_balance_rao: u64,
    /// The scenario's hyperparameters, set over what the chain gives the new subnet.
    pub overrides: serde_json::Map<String, serde_json::Value>,
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
    Validator {
        subnet: usize,
        policy: ValidatorPolicySpec,
        stake: GenesisStake,
    },
    Miner {
        subnet: usize,
        policy: MinerPolicySpec,
        model: ModelSpec,
        /// Registers at this block instead of at genesis (a sniper, a churn newcomer).
        register_at_block: Option<u64>,
        /// Stops serving at this block (a churn leaver).
        leave_at_block: Option<u64>,
    },
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
    /// The chain's network registration items (the scenario's `network.subnets` over the
    /// runtime's values).
    pub network_registration: NetworkRegistrationParameters,
    /// The scenario's stake calls, in block order; genesis gives them their keys.
    pub stake_actions: Vec<StakeActionPlan>,
}

/// A stake call of the scenario at a block, on a subnet (index), by node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StakeActionPlan {
    pub at_block: u64,
    pub subnet: usize,
    pub kind: StakeActionKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StakeActionKind {
    /// All of `from`'s operator's stake on `from` moved to `into`'s hotkey.
    Merge { from: NodeId, into: NodeId },
    /// Delegator number `delegator` (genesis gives it `tao_rao`) stakes it all to `to`.
    Delegate { to: NodeId, tao_rao: u64, delegator: usize },
    /// The same delegator takes all of its stake on `to` out.
    Undelegate { to: NodeId, delegator: usize },
}

impl Plan {
    /// The TAO each delegator holds at genesis, by delegator number.
    pub fn delegators_tao_rao(&self) -> Vec<u64> {
        (self.stake_actions.iter())
            .filter_map(|action| match action.kind {
                StakeActionKind::Delegate { tao_rao, delegator, .. } => Some((delegator, tao_rao)),
                _ => None,
            })
            .fold(Vec::new(), |mut all, (delegator, tao_rao)| {
                all.resize(all.len().max(delegator + 1), 0);
                all[delegator] = tao_rao;
                all
            })
    }
}

impl Plan {
    pub fn node_named(&self, name: &str) -> Option<NodeId> {
        self.nodes.iter().position(|n| n.name == name).map(|i| i as NodeId)
    }
}
