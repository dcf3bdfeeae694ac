//! A miner as a state machine: it serves its model's answers to queries, as its policy decides,
//! after the compute time the model takes; it refuses queries whose nonce is too far from its own
//! clock (bittensor's axon does); a miner that joins late registers itself on chain first.
//!
//! Its model is on disk: a restart serves the same model without training again.

mod answers;
pub mod policies;

use std::sync::Arc;

use rand_chacha::ChaCha8Rng;

use crate::ml::task::{Model, TaskData};
use crate::protocol::{
    Actor, Extrinsic, Message, NodeId, Observation, Outbox, Probabilities, Query, Reply, TimeUs, US_PER_MS,
};
use crate::rng::stream;
pub use answers::AnsweringModel;
use tensorsim_chain::accounts::HotkeyId;

/// Bittensor's axon refuses a nonce more than 4 s away from its clock (`ALLOWED_DELTA`).
pub const NONCE_WINDOW_MS: u64 = 4_000;

#[derive(Clone, Debug)]
pub struct MinerConfig {
    pub name: String,
    pub hotkey: HotkeyId,
    pub seed: u64,
    pub netuid: u16,
    pub node: NodeId,
    pub chain: NodeId,
    pub block_time_us: u64,
    /// Register at this block (by the miner's clock) instead of at genesis.
    pub register_at_block: Option<u64>,
    /// Floating-point operations per microsecond of the miner's hardware.
    pub flops_per_us: u64,
    /// A metagraph sync every this many blocks (for the blacklist).
    pub sync_interval_blocks: u64,
}

/// What a policy makes of one query.
pub enum Response {
    Answer(Probabilities),
    Ignore,
}

pub struct MinerContext<'a> {
    /// The block by this miner's clock.
    pub block: u64,
    /// Its model, which remembers the answers it gave.
    pub model: Option<&'a mut AnsweringModel>,
    pub classes: usize,
    pub rng: &'a mut ChaCha8Rng,
}

/// How a miner answers: one implementation per behaviour (`policies/`).
pub trait MinerPolicy: Send {
    fn respond(&mut self, ctx: &mut MinerContext, query: &Query) -> Response;
}

pub struct Miner {
    config: MinerConfig,
    policy: Box<dyn MinerPolicy>,
    model: Option<AnsweringModel>,
    classes: usize,
    rng: ChaCha8Rng,
    /// Registration: the block to register at, and whether the call is out.
    registration: Option<(u64, bool)>,
    /// The hotkeys that hold a validator permit, by the last sync: the only ones answered
    /// (the subnet template's blacklist with `force_validator_permit`).
    permitted: Vec<HotkeyId>,
    next_sync_us: TimeUs,
}

impl Miner {
    /// A miner of `task` serving `model`, if it has one.
    pub fn new(
        config: MinerConfig,
        policy: Box<dyn MinerPolicy>,
        model: Option<Arc<Model>>,
        task: Arc<TaskData>,
    ) -> Self {
        let rng = stream(config.seed, &format!("miner/{}/answers", config.name));
        let registration = config.register_at_block.map(|block| (block, false));
        let classes = task.classes();
        Self {
            config,
            policy,
            model: model.map(|model| AnsweringModel::new(model, task)),
            classes,
            rng,
            registration,
            permitted: Vec::new(),
            next_sync_us: 0,
        }
    }

    fn block(&self, now_us: TimeUs) -> u64 {
        now_us / self.config.block_time_us
    }

    fn compute_us(&self, rows: usize) -> u64 {
        let flops = self.model.as_ref().map_or(0, |m| m.model().flops_per_row()) * rows as u64;
        // A fixed 200 µs of request handling, then the model.
        200 + flops / self.config.flops_per_us.max(1)
    }

    fn on_query(&mut self, now_us: TimeUs, from: NodeId, query: Query, out: &mut Outbox) {
        // The validator observes the refusal when the reply reaches it.
        let refuse = |out: &mut Outbox, reason: &'static str| {
            out.send(from, Message::Answer { query_id: query.id, reply: Reply::Refused(reason) });
        };
        if self.permitted.binary_search(&query.hotkey).is_err() {
            return refuse(out, "blacklisted: not a validator");
        }
        if (now_us / US_PER_MS).abs_diff(query.nonce_ms) > NONCE_WINDOW_MS {
            return refuse(out, "nonce outside the axon's window");
        }
        let block = self.block(now_us);
        let mut ctx = MinerContext { block, model: self.model.as_mut(), classes: self.classes, rng: &mut self.rng };
        match self.policy.respond(&mut ctx, &query) {
            Response::Answer(rows) => {
                let after_us = self.compute_us(rows.len());
                out.send_after(
                    from,
                    after_us,
                    Message::Answer { query_id: query.id, reply: Reply::Probabilities(rows) },
                );
            }
            Response::Ignore => {}
        }
    }
}

impl Actor for Miner {
    fn on_start(&mut self, now_us: TimeUs, _out: &mut Outbox) {
        self.permitted.clear();
        self.next_sync_us = now_us;
    }

    fn on_message(&mut self, now_us: TimeUs, from: NodeId, message: Message, out: &mut Outbox) {
        match message {
            Message::Query(query) => self.on_query(now_us, from, query, out),
            Message::Included { outcome, .. } => {
                if outcome.is_err() {
                    // Refused (a full block, the price): try again at the next block.
                    let next = self.block(now_us) + 1;
                    if let Some(registration) = &mut self.registration {
                        *registration = (next, false);
                    }
                } else {
                    self.registration = None;
                }
                out.observe(Observation::ExtrinsicIncluded { call: "burned_register", outcome });
            }
            Message::Sync(view) => {
                self.permitted = view.neurons.iter().filter(|n| n.validator_permit).map(|n| n.hotkey).collect();
                self.permitted.sort_unstable();
            }
            Message::Answer { .. } | Message::Submit { .. } | Message::SyncRequest { .. } => {}
        }
    }

    fn on_timer(&mut self, now_us: TimeUs, out: &mut Outbox) {
        if now_us >= self.next_sync_us {
            out.send(self.config.chain, Message::SyncRequest { netuid: self.config.netuid, weights: false });
            self.next_sync_us = now_us + self.config.sync_interval_blocks.max(1) * self.config.block_time_us;
        }
        if let Some((block, sent @ false)) = &mut self.registration
            && now_us / self.config.block_time_us >= *block
        {
            *sent = true;
            let call = Extrinsic::Register { netuid: self.config.netuid, axon: self.config.node };
            out.send(self.config.chain, Message::Submit { nonce: *block, call });
        }
    }

    fn next_timer_us(&self) -> Option<TimeUs> {
        let registration = match self.registration {
            Some((block, false)) => Some(block * self.config.block_time_us),
            _ => None,
        };
        Some(registration.map_or(self.next_sync_us, |at| at.min(self.next_sync_us)))
    }
}
