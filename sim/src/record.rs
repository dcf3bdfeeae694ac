//! What a finished run hands the report: plain data, no handle on the simulation. The network
//! writes it through `World`'s `record_*` methods and gives it up whole when the run ends; the
//! report reads it and nothing else, so a report can be built (and tested) without madsim.

use std::collections::BTreeMap;

use hdrhistogram::Histogram;
use tensorsim_actors::ml::task::ModelSpec;
use tensorsim_actors::protocol::{
    CommitmentFacts, EpochFacts, NetworkFacts, OwnerActionFacts, RegistrationFacts, RevealFacts, TimeUs,
};
use tensorsim_actors::stake_actions::StakeActionFacts;
use tensorsim_chain::accounts::HotkeyId;

/// One run, from genesis to its last block.
pub struct RunRecord {
    /// The last block the chain produced, and its virtual time.
    pub blocks_produced: u64,
    pub last_block_at_us: TimeUs,
    pub total_issuance_rao: u64,
    /// The first break of a token invariant (a simulator bug), if any.
    pub conservation_error: Option<ConservationError>,
    /// Every epoch of every subnet, in block order.
    pub epochs: Vec<EpochRecord>,
    /// Every burned registration during the run, in inclusion order.
    pub registrations: Vec<RegistrationRecord>,
    /// Every commit revealed during the run, in block order.
    pub reveals: Vec<RevealRecord>,
    /// Every miner's model commitment during the run, in block order.
    pub commitments: Vec<CommitmentRecord>,
    /// Every subnet owner's hyperparameter call, with the chain's verdict, in block order.
    pub owner_actions: Vec<OwnerActionRecord>,
    /// Subnets that came or went (and registrations the chain refused), in block order.
    pub network: Vec<NetworkRecord>,
    /// The lock cost at the end of the first block, of each block where `network` has facts and
    /// of the block before it, and of the last block: between them it only falls, by a constant
    /// step to its floor (subnets spec §2.3).
    pub lock_costs: Vec<LockCostSample>,
    /// Every stake call the scenario scheduled, with the chain's verdict, in block order.
    pub stake_actions: Vec<StakeActionRecord>,
    /// By node, the chain's included.
    pub nodes: Vec<NodeRecord>,
    /// By subnet (its place in the scenario): its owner's hotkey.
    pub owner_hotkeys: Vec<HotkeyId>,
    /// Query latencies by subnet (index), in µs.
    pub latency_us: Vec<Histogram<u64>>,
    pub messages: MessageCounts,
    /// Faults in the order they were applied.
    pub faults: Vec<AppliedFault>,
    /// Wall time, for the terminal's breakdown only: never in the report, which would then
    /// differ between two runs of the same seed.
    pub wall: WallSeconds,
}

/// An epoch as the report reads it, and the subnet around it: the chain's facts (`bonds` empty
/// unless the scenario asks for them, `report: {bonds: true}`: they are the bulk of an epoch), at
/// the block it ran in.
#[derive(Clone, Debug, PartialEq)]
pub struct EpochRecord {
    pub block: u64,
    /// After the epoch's block.
    pub total_issuance_rao: u64,
    pub facts: EpochFacts,
    /// Each UID's bond row summed (its stored u16 entries), kept whatever `report.bonds` says:
    /// one number per UID is what the report's settling reads of the bonds.
    pub bond_sums: Vec<u64>,
}

impl EpochRecord {
    /// The record of `facts` at `block`, its bond sums taken before a report without bonds drops
    /// the table.
    pub fn new(block: u64, total_issuance_rao: u64, mut facts: EpochFacts, keep_bonds: bool) -> Self {
        let bond_sums = bond_sums(&facts.output.bonds, facts.hotkeys.len());
        if !keep_bonds {
            facts.output.bonds = Vec::new();
        }
        Self { block, total_issuance_rao, facts, bond_sums }
    }
}

/// Each of `n` UIDs' bond row summed; a UID without a row sums to 0.
pub fn bond_sums(bonds: &[Vec<(u16, u16)>], n: usize) -> Vec<u64> {
    let mut sums: Vec<u64> = bonds.iter().map(|row| row.iter().map(|&(_, b)| u64::from(b)).sum()).collect();
    sums.resize(n, 0);
    sums
}

/// Committed weights revealed, at the block that revealed them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RevealRecord {
    pub block: u64,
    pub facts: RevealFacts,
}

impl RevealRecord {
    /// The first block whose epoch reads the revealed weights: the chain's timelocked reveal comes
    /// before its block's epochs, a validator's reveal extrinsic after them.
    pub fn counts_from_block(&self) -> u64 {
        self.block + u64::from(self.facts.by_extrinsic)
    }
}

/// A model commitment, at the block that included it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommitmentRecord {
    pub block: u64,
    pub facts: CommitmentFacts,
}

/// An owner's hyperparameter call, at the block that included it.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnerActionRecord {
    pub block: u64,
    pub facts: OwnerActionFacts,
}

/// What became of a subnet of the scenario, at the block it happened in.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkRecord {
    pub block: u64,
    pub facts: NetworkFacts,
}

/// What `register_network` would lock at the end of `block`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockCostSample {
    pub block: u64,
    pub lock_cost_rao: u64,
}

/// A stake call of the scenario's script, at the block that included it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StakeActionRecord {
    pub block: u64,
    pub facts: StakeActionFacts,
}

/// A burned registration, at the block that included it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegistrationRecord {
    pub block: u64,
    pub facts: RegistrationFacts,
}

/// One node: its keys and model from genesis, and what it did during the run.
#[derive(Clone, Debug, Default)]
pub struct NodeRecord {
    /// The chain node has none.
    pub hotkey: Option<HotkeyId>,
    /// Miners that serve a model.
    pub model: Option<ModelRecord>,
    pub stats: NodeStats,
}

/// A miner's model as trained at genesis, and how it scored on held-out data.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ModelRecord {
    pub spec: ModelSpec,
    pub held_out_accuracy: f64,
    pub held_out_nll: f64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeStats {
    pub queries_answered: u64,
    pub queries_timed_out: u64,
    pub queries_refused: u64,
    /// A miner's answers that validators refused as no probability distribution.
    pub answers_malformed: u64,
    /// A miner's answers that validators' duplicate rule found to copy another miner's.
    pub answers_duplicate: u64,
    /// Included extrinsics by call.
    pub extrinsics_ok: BTreeMap<&'static str, u64>,
    /// Refused extrinsics by `call: reason`.
    pub extrinsics_refused: BTreeMap<String, u64>,
    pub crashes: u64,
}

/// What became of the messages nodes sent. Each is counted once, by the first cause in this
/// order: its link's loss draw, then a node offline, a partition, a receiver crashed. Sent minus
/// the others is what was still in flight at the end or in the mailbox of a node that crashed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MessageCounts {
    pub sent: u64,
    pub lost: LostMessages,
    pub delivered: u64,
    /// Dropped at the receiver because its mailbox was full.
    pub dropped: u64,
}

/// Messages that never arrived, by why.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LostMessages {
    /// Lost on their link (its loss rate).
    pub link: u64,
    /// The sender or the receiver was offline.
    pub offline: u64,
    /// Sender and receiver were on different sides of a partition.
    pub partition: u64,
    /// The receiver had crashed and not restarted.
    pub crashed: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConservationError {
    /// The block after which the invariant broke.
    pub block: u64,
    pub error: String,
}

/// A fault or upgrade as diffs, thresholds, sweeps and expectations name it (the group of the
/// settle observables): its description and the block it was applied at.
pub fn event_label(description: &str, block: u64) -> String {
    format!("{description} at block {block}")
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedFault {
    pub block: u64,
    /// Virtual time when the supervisor applied it.
    pub at_us: TimeUs,
    pub description: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WallSeconds {
    pub training: f64,
    pub network: f64,
}
