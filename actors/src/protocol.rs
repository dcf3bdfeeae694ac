//! What nodes say to each other, and what an actor hands its driver: the sans-IO boundary.
//!
//! An actor is a state machine: the driver gives it the time (its own node's clock, which may be
//! skewed) and the messages that arrived; it answers with an [`Outbox`] of messages to send and
//! observations for the report. Actors never read a clock, a socket or the OS.

use std::sync::{Arc, OnceLock};

use crate::fingerprint::{self, Fingerprint};
pub use crate::probabilities::Probabilities;
use crate::stake_actions::StakeActionFacts;

use tensorsim_chain::accounts::HotkeyId;
use tensorsim_chain::hyperparameter_calls::SetHyperparameter;
use tensorsim_chain::hyperparameters::Hyperparameters;
use tensorsim_chain::network_registration::Dissolution;
use tensorsim_chain::yuma::EpochOutput;

/// A node of the simulated network, by index (the driver maps it to an address).
pub type NodeId = u32;

/// Microseconds: virtual time since the run started, or a node's local clock.
pub type TimeUs = u64;

pub const US_PER_MS: u64 = 1_000;

/// A query's payload: the rows a miner's model answers, shared by every miner of one round.
#[derive(Clone, Debug, PartialEq)]
pub enum Rows {
    /// Digit images: row-major, `digits::FEATURES` per row.
    Pixels(Vec<f32>),
    /// Character contexts: row-major token ids, `context` per row.
    Tokens { context: usize, tokens: Vec<u8> },
}

impl Rows {
    /// How many rows: the answer a miner owes has one per row.
    pub fn len(&self) -> usize {
        match self {
            Self::Pixels(pixels) => pixels.len() / crate::ml::digits::FEATURES,
            Self::Tokens { context, tokens } => tokens.len() / (*context).max(1),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the payload is whole rows (a model refuses a partial one).
    pub fn is_whole(&self) -> bool {
        match self {
            Self::Pixels(pixels) => pixels.len() % crate::ml::digits::FEATURES == 0,
            Self::Tokens { context, tokens } => *context > 0 && tokens.len() % context == 0,
        }
    }

    /// Each row's fingerprint, of its bytes (`row_bytes`): the same row, the same fingerprint,
    /// whichever payload it came in.
    pub fn fingerprints(&self) -> Vec<Fingerprint> {
        let mut bytes = Vec::new();
        (0..self.len())
            .map(|i| {
                bytes.clear();
                self.row_bytes(i, &mut bytes);
                fingerprint::of_bytes(&bytes)
            })
            .collect()
    }

    /// Appends row `index`'s bytes to `bytes` (pixels as their f32 bits, little-endian; tokens as
    /// they are).
    pub fn row_bytes(&self, index: usize, bytes: &mut Vec<u8>) {
        match self {
            Self::Pixels(pixels) => {
                let features = crate::ml::digits::FEATURES;
                bytes.extend(pixels[index * features..(index + 1) * features].iter().flat_map(|x| x.to_le_bytes()));
            }
            Self::Tokens { context, tokens } => {
                bytes.extend_from_slice(&tokens[index * context..(index + 1) * context])
            }
        }
    }

    /// The rows at `indices`, in that order.
    pub fn select(&self, indices: &[usize]) -> Self {
        match self {
            Self::Pixels(pixels) => {
                let features = crate::ml::digits::FEATURES;
                Self::Pixels(indices.iter().flat_map(|&i| &pixels[i * features..(i + 1) * features]).copied().collect())
            }
            Self::Tokens { context, tokens } => Self::Tokens {
                context: *context,
                tokens: indices.iter().flat_map(|&i| &tokens[i * context..(i + 1) * context]).copied().collect(),
            },
        }
    }
}

/// A query's rows, with their fingerprints: every miner of the round looks its answers up by them,
/// so the first to need them computes them for all (a pure function of the rows, kept beside
/// them, never sent: a miner learns nothing from them the rows do not say).
#[derive(Debug)]
pub struct Payload {
    rows: Rows,
    keys: OnceLock<Vec<Fingerprint>>,
}

impl Payload {
    pub fn new(rows: Rows) -> Self {
        Self { rows, keys: OnceLock::new() }
    }

    /// Each row's fingerprint (`Rows::fingerprints`).
    pub fn keys(&self) -> &[Fingerprint] {
        self.keys.get_or_init(|| self.rows.fingerprints())
    }
}

impl std::ops::Deref for Payload {
    type Target = Rows;

    fn deref(&self) -> &Rows {
        &self.rows
    }
}

#[derive(Clone, Debug)]
pub struct Query {
    pub id: u64,
    /// The signer (bittensor's dendrite signs with the validator's hotkey): miners answer only
    /// hotkeys that hold a validator permit.
    pub hotkey: HotkeyId,
    /// The sender's clock when it sent the query, in ms (bittensor's dendrite nonce): miners refuse
    /// a query whose nonce is too far from their own clock.
    pub nonce_ms: u64,
    pub rows: Arc<Payload>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Per row, the class probabilities quantised to u16 (⌊p · 65535⌋).
    Probabilities(Probabilities),
    /// The miner refused the query (for example, a nonce out of its clock's window).
    Refused(&'static str),
}

/// A signed call to the chain; the chain knows the signer from the sending node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Extrinsic {
    SetWeights {
        netuid: u16,
        dests: Vec<u16>,
        values: Vec<u16>,
        version_key: u64,
    },
    /// Commit-reveal v3/v4: the payload sealed until its reveal epoch, when the chain opens it.
    CommitTimelocked {
        netuid: u16,
        dests: Vec<u16>,
        values: Vec<u16>,
        version_key: u64,
    },
    /// Commit-reveal v2: the hash of (uid, payload, salt) now, the payload later.
    CommitHash {
        netuid: u16,
        hash: [u8; 32],
    },
    RevealWeights {
        netuid: u16,
        dests: Vec<u16>,
        values: Vec<u16>,
        version_key: u64,
        salt: Vec<u16>,
    },
    /// Burned registration; `axon` is where the hotkey serves (`serve_axon`).
    Register {
        netuid: u16,
        axon: NodeId,
    },
    /// A metadata commitment (the commitments pallet's `set_commitment`: a miner announcing its
    /// model); with the subnet's `bonds_reset` on, the chain deletes every bond on its UID.
    Commitment {
        netuid: u16,
    },
}

/// One UID as the chain shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeuronView {
    pub hotkey: HotkeyId,
    /// Where the hotkey serves, if it announced an axon.
    pub axon: Option<NodeId>,
    pub registered_at: u64,
    pub last_update: u64,
    pub validator_permit: bool,
    /// The last epoch's outputs, u16.
    pub consensus: u16,
    pub incentive: u16,
    /// What the last epoch paid it: a full subnet replaces the lowest (HEAD's pruning).
    pub emission_rao: u64,
}

/// A subnet's metagraph as of one block: what `metagraph.sync()` returns to a neuron.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainView {
    pub block: u64,
    pub netuid: u16,
    pub tempo: u16,
    pub commit_reveal: bool,
    /// 2: hash commits revealed by the validator; 3 and 4: timelocked, opened by the chain.
    pub commit_reveal_version: u16,
    pub reveal_period_epochs: u64,
    /// `SubnetEpochIndex`: commits are revealed by epoch.
    pub epoch_index: u64,
    pub weights_version_key: u64,
    pub weights_set_rate_limit: u64,
    /// Blocks after its registration during which a UID is not replaced.
    pub immunity_period: u64,
    pub neurons: Vec<NeuronView>,
    /// Every UID's stored weight row, sparse (only when asked: it is the largest part).
    pub weights: Option<Vec<Vec<(u16, u16)>>>,
}

impl ChainView {
    pub fn uid_of(&self, hotkey: HotkeyId) -> Option<u16> {
        self.neurons.iter().position(|n| n.hotkey == hotkey).map(|uid| uid as u16)
    }
}

#[derive(Clone, Debug)]
pub enum Message {
    Query(Query),
    Answer {
        query_id: u64,
        reply: Reply,
    },
    Submit {
        nonce: u64,
        call: Extrinsic,
    },
    /// The chain's answer to a `Submit`: the block that included it, and whether it took effect.
    Included {
        nonce: u64,
        block: u64,
        outcome: Result<(), String>,
    },
    SyncRequest {
        netuid: u16,
        weights: bool,
    },
    Sync(Arc<ChainView>),
}

/// What the chain node tells the run's recorder about one block.
#[derive(Clone, Debug, PartialEq)]
pub struct BlockRecord {
    pub block: u64,
    /// Virtual time of the block, in the chain node's clock.
    pub at_us: TimeUs,
    pub total_issuance_rao: u64,
    /// Epochs that ran, in netuid order.
    pub epochs: Vec<EpochFacts>,
    /// Burned registrations the block included, in inclusion order.
    pub registrations: Vec<RegistrationFacts>,
    /// Committed weights revealed in the block: by the chain (timelocked, before the block's
    /// epochs) then by validators (hash reveals, extrinsics after them).
    pub reveals: Vec<RevealFacts>,
    /// Metadata commitments the block included, in inclusion order.
    pub commitments: Vec<CommitmentFacts>,
    /// Set when a token invariant broke after this block: a simulator bug.
    pub conservation_error: Option<String>,
    /// Subnet owners' hyperparameter calls the block included (after its extrinsics), with the
    /// chain's verdict.
    pub owner_actions: Vec<OwnerActionFacts>,
    /// Subnets that came or went in the block (after its extrinsics, before the owners' calls),
    /// in the order the chain did it.
    pub network: Vec<NetworkFacts>,
    /// What `register_network` would lock at the end of the block (subnets spec §2.3).
    pub network_lock_cost_rao: u64,
    /// Stake the scenario moved in the block (after the owners' calls), with the chain's verdict.
    pub stake_actions: Vec<StakeActionFacts>,
}

/// A subnet of the scenario that came or went, by its place in the scenario (`subnet`).
#[derive(Clone, Debug, PartialEq)]
pub enum NetworkFacts {
    /// Its owner's `register_network` went through: it holds `netuid`, the lock seeded its pool,
    /// and `start_call` followed.
    Registered {
        subnet: usize,
        netuid: u16,
        /// τ: the TAO that left the owner for the pool.
        locked_rao: u64,
        pool_tao_rao: u64,
        pool_alpha_rao: u64,
        /// The owner's `start_call`; `Err`: the chain's refusal.
        start_call: Result<(), String>,
        /// The scenario's hyperparameters set over the chain's for the new subnet; `Err`: why
        /// they could not be (the subnet keeps the chain's).
        configured: Result<(), String>,
    },
    /// The chain refused its owner's `register_network` (its error name first), when the lock
    /// cost was `lock_cost_rao`.
    Refused { subnet: usize, error: String, lock_cost_rao: u64 },
    /// The subnet limit pruned it for `by`'s registration: what the dissolution paid.
    Pruned { subnet: usize, by: usize, dissolution: Dissolution },
    /// A validator that joined the subnet (its registration is among the block's
    /// `registrations`) could not buy its stake: the chain's refusal.
    StakeRefused { subnet: usize, hotkey: HotkeyId, error: String },
}

/// One epoch and the subnet around it, read right after it ran (before the block's extrinsics
/// and upgrades).
#[derive(Clone, Debug, PartialEq)]
pub struct EpochFacts {
    pub netuid: u16,
    pub output: EpochOutput,
    /// The hotkey of each UID at the epoch.
    pub hotkeys: Vec<HotkeyId>,
    /// The hyperparameters the epoch ran under (an upgrade may have moved kappa, say).
    pub hyperparameters: Hyperparameters,
    /// Whether the epoch paid alpha (dynamic TAO) or TAO (before it).
    pub pays_alpha: bool,
    /// The subnet's pool after the epoch's block step: TAO and alpha reserves.
    pub pool_tao_rao: u64,
    pub pool_alpha_rao: u64,
    /// The moving price the coinbase shares TAO by (TAO per alpha).
    pub ema_price: f64,
}

/// Weights a commit sealed, revealed and stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RevealFacts {
    pub netuid: u16,
    pub uid: u16,
    /// The block that included the commit.
    pub commit_block: u64,
    /// A validator's reveal extrinsic (commit-reveal v2), applied after the block's epochs; else
    /// the chain's timelocked reveal, before them.
    pub by_extrinsic: bool,
}

/// A subnet owner's hyperparameter call and what the chain made of it.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnerActionFacts {
    /// The subnet, by its place in the scenario.
    pub subnet: usize,
    /// The netuid the call named; `None` when the subnet did not exist then.
    pub netuid: Option<u16>,
    pub call: SetHyperparameter,
    /// `Err`: the chain's refusal (its error name first).
    pub verdict: Result<(), String>,
}

/// A metadata commitment the chain included, and whether it reset the UID's bonds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommitmentFacts {
    pub netuid: u16,
    pub uid: u16,
    pub hotkey: HotkeyId,
    /// The subnet's `bonds_reset` was on: every bond on the UID was deleted.
    pub bonds_reset: bool,
}

/// A burned registration the chain included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegistrationFacts {
    pub netuid: u16,
    pub uid: u16,
    pub hotkey: HotkeyId,
    /// The hotkey the registration pruned from `uid`, if the subnet was full.
    pub replaced: Option<HotkeyId>,
    /// TAO burned to register.
    pub burn_rao: u64,
}

/// Something the report counts; the driver forwards these to the run's recorder, so they
/// survive the crash of the actor that saw them.
#[derive(Clone, Debug, PartialEq)]
pub enum Observation {
    /// Probabilities arrived `latency_us` after their query left (the validator's clock); a
    /// refusal is `QueryRefused` only, so each query has one outcome.
    QueryAnswered {
        latency_us: u64,
    },
    QueryTimedOut,
    QueryRefused {
        reason: &'static str,
    },
    /// A miner's answer was not a probability distribution per row; it earned nothing.
    AnswerMalformed {
        miner: HotkeyId,
    },
    /// A miner's answer copied another miner's, by the validator's duplicate rule; it earned
    /// nothing.
    AnswerDuplicate {
        miner: HotkeyId,
    },
    ExtrinsicIncluded {
        call: &'static str,
        outcome: Result<(), String>,
    },
    /// The chain produced a block.
    Block(Box<BlockRecord>),
}

/// A message on its way out of an actor.
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub to: NodeId,
    /// Sent this long after now (a miner's compute time, for example).
    pub after_us: u64,
    pub message: Message,
}

/// What one actor step produced.
#[derive(Debug, Default)]
pub struct Outbox {
    pub sends: Vec<Outgoing>,
    pub observations: Vec<Observation>,
    /// What the actor writes to its disk (replacing what was there): it survives a crash.
    pub disk: Option<Vec<u8>>,
}

impl Outbox {
    pub fn send(&mut self, to: NodeId, message: Message) {
        self.sends.push(Outgoing { to, after_us: 0, message });
    }

    pub fn send_after(&mut self, to: NodeId, after_us: u64, message: Message) {
        self.sends.push(Outgoing { to, after_us, message });
    }

    pub fn observe(&mut self, observation: Observation) {
        self.observations.push(observation);
    }

    pub fn save(&mut self, disk: Vec<u8>) {
        self.disk = Some(disk);
    }
}

/// A node's behaviour as its driver sees it.
pub trait Actor: Send {
    /// After a crash, before `on_start`: what the actor last saved.
    fn restore(&mut self, _disk: &[u8]) {}
    /// The node (re)starts at local time `now_us`.
    fn on_start(&mut self, now_us: TimeUs, out: &mut Outbox);
    fn on_message(&mut self, now_us: TimeUs, from: NodeId, message: Message, out: &mut Outbox);
    /// Called when local time reaches [`Actor::next_timer_us`].
    fn on_timer(&mut self, now_us: TimeUs, out: &mut Outbox);
    fn next_timer_us(&self) -> Option<TimeUs>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_has_one_fingerprint_in_any_payload_and_one_bit_changes_it() {
        let features = crate::ml::digits::FEATURES;
        let rows = Rows::Pixels((0..3 * features).map(|i| i as f32 / 7.0).collect());
        let keys = rows.fingerprints();
        assert_eq!(rows.select(&[2, 0]).fingerprints(), [keys[2], keys[0]]);
        assert_eq!(keys.iter().collect::<std::collections::BTreeSet<_>>().len(), 3);
        let Rows::Pixels(mut pixels) = rows else { unreachable!() };
        pixels[0] = f32::from_bits(pixels[0].to_bits() ^ 1);
        assert_ne!(Rows::Pixels(pixels).fingerprints()[0], keys[0]);
    }
}
