//! A validator as a state machine: it syncs the metagraph, queries a sample of miners each round
//! with rows of its private pool of hidden data, scores the answers against the task's prior
//! (nothing for a malformed answer or a copy, `duplicates.rs`), keeps a moving average of
//! scores, and every `weights_interval_blocks` turns what its policy makes of them into u16
//! weights, submitted directly or as a timelocked commit when the subnet has commit-reveal.
//!
//! What is in memory (scores since the last save, pending rounds, the view) is lost in a crash;
//! the scores saved at each weights submission are its disk.

pub mod answer_store;
pub mod duplicates;
pub mod policies;
mod rounds;

use std::collections::BTreeMap;
use std::sync::Arc;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::Rng;

use crate::ml::task::{QueryRows, RowId, TaskData};
use crate::protocol::{
    Actor, ChainView, Extrinsic, Message, NodeId, Observation, Outbox, Payload, Query, Reply, TimeUs, US_PER_MS,
};
use crate::rng::{below, stream};
use answer_store::SharedAnswers;
use duplicates::{DuplicateRule, Duplicates};
use rounds::Round;
use tensorsim_chain::accounts::HotkeyId;
use tensorsim_chain::metagraph::{WeightsPayload, commit_hash};

/// The most rounds in flight at once: a round lives at most `timeout_us`, so this bounds a
/// validator whose timeout is many query intervals long.
pub const ROUNDS_IN_FLIGHT_MAX: usize = 64;
/// Hash commits waiting for their reveal (the chain itself keeps at most 10 unrevealed).
pub const REVEALS_PENDING_MAX: usize = 16;
/// The salt's length, in u16 words.
const SALT_WORDS: usize = 8;

/// A v2 commit the validator must reveal itself, in its reveal epoch.
struct PendingReveal {
    payload: WeightsPayload,
    salt: Vec<u16>,
    /// The epoch it should reveal in, by the view at commit time; the view lags the chain by up
    /// to a sync interval, so an early try is refused ("too early") and made again.
    reveal_epoch: u64,
    /// The nonce of the reveal in flight, if any.
    nonce: Option<u64>,
}

#[derive(Clone, Debug)]
pub struct ValidatorConfig {
    /// `group/index`: the stream names of its draws.
    pub name: String,
    pub seed: u64,
    pub hotkey: HotkeyId,
    pub netuid: u16,
    pub chain: NodeId,
    pub block_time_us: u64,
    pub query_interval_us: u64,
    /// Miners queried per round.
    pub sample_size: usize,
    pub rows_per_query: usize,
    pub timeout_us: u64,
    /// The moving average's weight on a new score (the subnet template's 0.1).
    pub score_alpha: f64,
    pub weights_interval_blocks: u64,
    pub sync_interval_blocks: u64,
    /// How answers that copy another miner's are treated.
    pub duplicates: DuplicateRule,
}

/// One UID's record on a validator's disk: score (8 bytes), hotkey flag (1), hotkey (4).
const DISK_RECORD_BYTES: usize = 13;

/// What a policy sees when the validator sets weights.
pub struct WeightsContext<'a> {
    pub block: u64,
    pub my_uid: u16,
    /// The moving average of each UID's score, in [0, 1].
    pub scores: &'a [f64],
    pub view: &'a ChainView,
    pub rng: &'a mut ChaCha8Rng,
}

/// How a validator turns what it measured into weights: one implementation per behaviour
/// (`policies/`), chosen by name in the scenario.
pub trait ValidatorPolicy: Send {
    /// Non-negative weights by UID (any scale; the validator quantises them), or `None` to
    /// submit nothing this time.
    fn weights(&mut self, ctx: &mut WeightsContext) -> Option<Vec<f64>>;
    /// Whether the policy reads other validators' weights from the chain (the view then carries
    /// them: they are its largest part).
    fn reads_chain_weights(&self) -> bool {
        false
    }
    /// Whether the validator queries miners at all (a copier or a cabal needs no measurements).
    fn measures(&self) -> bool {
        true
    }
}

pub struct Validator {
    config: ValidatorConfig,
    task: Arc<TaskData>,
    policy: Box<dyn ValidatorPolicy>,
    scores: Vec<f64>,
    /// The hotkey each score belongs to: a UID taken by a new hotkey starts again from zero.
    scored_hotkeys: Vec<Option<HotkeyId>>,
    /// The hidden rows it asks, drawn from its private stream: no miner can know them in advance,
    /// and re-asking them lets the duplicate rule compare answers across rounds.
    pool: Vec<RowId>,
    duplicates: Duplicates,
    view: Option<(Arc<ChainView>, TimeUs)>,
    /// Who it can query, by the view: every UID but its own that serves an axon, and where.
    miners: Vec<(u16, NodeId)>,
    rounds: BTreeMap<u64, Round>,
    /// query id → (round id, uid).
    queries: BTreeMap<u64, (u64, u16)>,
    next_id: u64,
    next_query_us: TimeUs,
    next_sync_us: TimeUs,
    last_weights_block: Option<u64>,
    nonce: u64,
    reveals: Vec<PendingReveal>,
    sampling: ChaCha8Rng,
    /// The pool's draw, then each query's rows.
    rows_rng: ChaCha8Rng,
    policy_rng: ChaCha8Rng,
}

impl Validator {
    /// `answers` is its subnet's answer store, shared by the subnet's validators: storage of the
    /// duplicate rule's memory, which changes none of its decisions (`answer_store.rs`).
    pub fn new(
        config: ValidatorConfig,
        task: Arc<TaskData>,
        policy: Box<dyn ValidatorPolicy>,
        answers: SharedAnswers,
    ) -> Self {
        assert!(config.query_interval_us > 0 && config.block_time_us > 0, "intervals are positive");
        assert!((0.0..=1.0).contains(&config.score_alpha), "score_alpha {}", config.score_alpha);
        let sampling = stream(config.seed, &format!("validator/{}/sampling", config.name));
        let policy_rng = stream(config.seed, &format!("validator/{}/policy", config.name));
        let mut rows_rng = stream(config.seed, &format!("validator/{}/rows", config.name));
        let pool = task.validation_pool(&mut rows_rng);
        let duplicates = Duplicates::new(config.duplicates, answers);
        Self {
            config,
            task,
            policy,
            scores: Vec::new(),
            scored_hotkeys: Vec::new(),
            pool,
            duplicates,
            view: None,
            miners: Vec::new(),
            rounds: BTreeMap::new(),
            queries: BTreeMap::new(),
            next_id: 0,
            next_query_us: 0,
            next_sync_us: 0,
            last_weights_block: None,
            nonce: 0,
            reveals: Vec::new(),
            sampling,
            rows_rng,
            policy_rng,
        }
    }

    /// The validator's disk: the number of UIDs (u32), one record per UID (the score's
    /// little-endian f64 bits, then the hotkey it was measured for: a flag byte and its u32, so
    /// that a restart can tell a UID that changed hands while the node was down), then what the
    /// duplicate rule remembers.
    fn encode_disk(&self) -> Vec<u8> {
        let mut disk = Self::encode_scores(&self.scores, &self.scored_hotkeys);
        self.duplicates.encode(&mut disk);
        disk
    }

    fn encode_scores(scores: &[f64], hotkeys: &[Option<HotkeyId>]) -> Vec<u8> {
        let mut disk = Vec::with_capacity(4 + scores.len() * DISK_RECORD_BYTES);
        disk.extend((scores.len() as u32).to_le_bytes());
        for (uid, score) in scores.iter().enumerate() {
            let hotkey = hotkeys.get(uid).copied().flatten();
            disk.extend(score.to_bits().to_le_bytes());
            disk.push(u8::from(hotkey.is_some()));
            disk.extend(hotkey.map_or(0, |h| h.0).to_le_bytes());
        }
        disk
    }

    /// The scores and their hotkeys, and the rest of the disk (the duplicate rule's memory); no
    /// scores when the disk is shorter than its count says.
    fn decode_disk(disk: &[u8]) -> (Vec<f64>, Vec<Option<HotkeyId>>, &[u8]) {
        let count = disk.first_chunk::<4>().map_or(0, |n| u32::from_le_bytes(*n) as usize);
        let Some(records) = disk.get(4..4 + count * DISK_RECORD_BYTES) else {
            return (Vec::new(), Vec::new(), &[]);
        };
        let (scores, hotkeys) = records
            .chunks_exact(DISK_RECORD_BYTES)
            .map(|record| {
                let score = f64::from_bits(u64::from_le_bytes(record[..8].try_into().expect("8 bytes")));
                let hotkey = u32::from_le_bytes(record[9..].try_into().expect("4 bytes"));
                (score, (record[8] == 1).then_some(HotkeyId(hotkey)))
            })
            .unzip();
        (scores, hotkeys, &disk[4 + records.len()..])
    }

    /// The block the chain is probably at: the last view's, plus the blocks since by this node's
    /// clock.
    fn block_estimate(&self, now_us: TimeUs) -> Option<u64> {
        self.view.as_ref().map(|(view, at)| view.block + now_us.saturating_sub(*at) / self.config.block_time_us)
    }

    fn on_view(&mut self, view: Arc<ChainView>, now_us: TimeUs) {
        let n = view.neurons.len();
        self.scores.resize(n, 0.0);
        self.scored_hotkeys.resize(n, None);
        for (uid, neuron) in view.neurons.iter().enumerate() {
            match self.scored_hotkeys[uid] {
                Some(hotkey) if hotkey != neuron.hotkey => self.scores[uid] = 0.0,
                _ => {}
            }
            self.scored_hotkeys[uid] = Some(neuron.hotkey);
        }
        self.duplicates.retain(&view.neurons.iter().map(|n| n.hotkey).collect());
        let me = view.uid_of(self.config.hotkey);
        self.miners = (view.neurons.iter().enumerate())
            .filter(|&(uid, _)| Some(uid as u16) != me)
            .filter_map(|(uid, neuron)| neuron.axon.map(|axon| (uid as u16, axon)))
            .collect();
        self.view = Some((view, now_us));
    }

    fn start_round(&mut self, now_us: TimeUs, out: &mut Outbox) {
        let Some((view, _)) = &self.view else { return };
        if self.miners.is_empty() || self.rounds.len() >= ROUNDS_IN_FLIGHT_MAX {
            return;
        }
        let picks = sample(&self.miners, self.config.sample_size, &mut self.sampling);
        let QueryRows { rows, labels, positions, .. } =
            self.task.query(&self.pool, self.config.rows_per_query, &mut self.rows_rng);
        let rows = Arc::new(Payload::new(rows));
        let round_id = self.next_id;
        let mut round = Round::new(now_us, now_us + self.config.timeout_us, labels, positions, picks.len());
        for &(uid, axon) in &picks {
            self.next_id += 1;
            let id = self.next_id;
            round.expect(uid, view.neurons[usize::from(uid)].hotkey);
            self.queries.insert(id, (round_id, uid));
            let query = Query { id, hotkey: self.config.hotkey, nonce_ms: now_us / US_PER_MS, rows: rows.clone() };
            out.send(axon, Message::Query(query));
        }
        self.next_id += 1;
        self.rounds.insert(round_id, round);
    }

    fn finish_round(&mut self, round_id: u64, out: &mut Outbox) {
        let round = self.rounds.remove(&round_id).expect("a round finishes once");
        self.queries.retain(|_, (r, _)| *r != round_id);
        let neuron = |uid: u16| {
            let neuron = self.view.as_ref().and_then(|(view, _)| view.neurons.get(usize::from(uid)))?;
            Some((neuron.registered_at, neuron.hotkey))
        };
        let rewards = round.rewards(&self.task, neuron, &mut self.duplicates, out);
        let alpha = self.config.score_alpha;
        for (uid, reward) in rewards {
            if let Some(score) = self.scores.get_mut(usize::from(uid)) {
                *score = alpha * reward + (1.0 - alpha) * *score;
            }
        }
    }

    fn set_weights(&mut self, block: u64, out: &mut Outbox) -> bool {
        let Some((view, _)) = &self.view else { return false };
        let Some(my_uid) = view.uid_of(self.config.hotkey) else { return false };
        let view = view.clone();
        let mut ctx = WeightsContext { block, my_uid, scores: &self.scores, view: &view, rng: &mut self.policy_rng };
        let Some(weights) = self.policy.weights(&mut ctx) else { return false };
        let Some((dests, values)) = quantise(&weights) else { return false };
        let netuid = self.config.netuid;
        let version_key = view.weights_version_key;
        let call = match (view.commit_reveal, view.commit_reveal_version) {
            (false, _) => Extrinsic::SetWeights { netuid, dests, values, version_key },
            (true, 3..) => Extrinsic::CommitTimelocked { netuid, dests, values, version_key },
            (true, _) => {
                if self.reveals.len() >= REVEALS_PENDING_MAX {
                    self.reveals.remove(0);
                }
                let salt: Vec<u16> = (0..SALT_WORDS).map(|_| self.policy_rng.next_u32() as u16).collect();
                let payload = WeightsPayload { dests, values, version_key };
                let hash = commit_hash(my_uid, &payload, &salt);
                let reveal_epoch = view.epoch_index + view.reveal_period_epochs;
                self.reveals.push(PendingReveal { payload, salt, reveal_epoch, nonce: None });
                Extrinsic::CommitHash { netuid, hash }
            }
        };
        self.nonce += 1;
        out.send(self.config.chain, Message::Submit { nonce: self.nonce, call });
        true
    }

    /// The oldest due v2 reveal, if none is in flight; expired ones are dropped.
    fn reveal(&mut self, out: &mut Outbox) {
        let Some((view, _)) = &self.view else { return };
        if view.uid_of(self.config.hotkey).is_none() {
            // Deregistered: its commits went with its UID.
            self.reveals.clear();
            return;
        }
        let epoch = view.epoch_index;
        // One epoch of slack: the commit may have landed an epoch after the view it was made in.
        self.reveals.retain(|r| r.reveal_epoch + 1 >= epoch);
        if self.reveals.iter().any(|r| r.nonce.is_some()) {
            return;
        }
        let Some(reveal) = self.reveals.iter_mut().find(|r| r.reveal_epoch <= epoch) else { return };
        self.nonce += 1;
        reveal.nonce = Some(self.nonce);
        let call = Extrinsic::RevealWeights {
            netuid: self.config.netuid,
            dests: reveal.payload.dests.clone(),
            values: reveal.payload.values.clone(),
            version_key: reveal.payload.version_key,
            salt: reveal.salt.clone(),
        };
        out.send(self.config.chain, Message::Submit { nonce: self.nonce, call });
    }
}

/// `count` distinct items drawn uniformly (a partial Fisher–Yates on a copy).
fn sample<T: Copy>(items: &[T], count: usize, rng: &mut ChaCha8Rng) -> Vec<T> {
    let mut items = items.to_vec();
    let count = count.min(items.len());
    for i in 0..count {
        let j = i + below(rng, (items.len() - i) as u64) as usize;
        items.swap(i, j);
    }
    items.truncate(count);
    items
}

/// Weights to the u16 the chain stores, as the SDK's `convert_weights_and_uids_for_emit` does:
/// divide by the largest, scale to 65535, round; zeros are left out. `None` when nothing is
/// positive.
pub fn quantise(weights: &[f64]) -> Option<(Vec<u16>, Vec<u16>)> {
    let max = weights.iter().copied().filter(|w| w.is_finite()).fold(0.0f64, f64::max);
    if max <= 0.0 {
        return None;
    }
    let (mut dests, mut values) = (Vec::new(), Vec::new());
    for (uid, &w) in weights.iter().enumerate() {
        if !w.is_finite() || w <= 0.0 {
            continue;
        }
        let value = (w / max * 65_535.0).round() as u16;
        if value > 0 {
            dests.push(uid as u16);
            values.push(value);
        }
    }
    Some((dests, values))
}

impl Actor for Validator {
    /// The saved scores with the hotkeys they were measured for (the next sync drops the score
    /// of a UID whose hotkey changed meanwhile, as it would have without the crash), and what the
    /// duplicate rule remembered.
    fn restore(&mut self, disk: &[u8]) {
        let (scores, hotkeys, memory) = Self::decode_disk(disk);
        (self.scores, self.scored_hotkeys) = (scores, hotkeys);
        self.duplicates.restore(memory);
    }

    fn on_start(&mut self, now_us: TimeUs, _out: &mut Outbox) {
        self.view = None;
        self.rounds.clear();
        self.queries.clear();
        self.next_sync_us = now_us;
        // Validators started together do not query in lockstep.
        self.next_query_us = now_us + below(&mut self.sampling, self.config.query_interval_us);
    }

    fn on_message(&mut self, now_us: TimeUs, _from: NodeId, message: Message, out: &mut Outbox) {
        match message {
            Message::Sync(view) => self.on_view(view, now_us),
            Message::Answer { query_id, reply } => {
                let Some(&(round_id, uid)) = self.queries.get(&query_id) else { return };
                let round = self.rounds.get_mut(&round_id).expect("a query's round is in flight");
                // A refusal is counted once, as refused, when the round is scored; the latency
                // percentiles are over answers that carry probabilities.
                if matches!(reply, Reply::Probabilities(_)) {
                    out.observe(Observation::QueryAnswered { latency_us: now_us.saturating_sub(round.sent_us) });
                }
                self.queries.remove(&query_id);
                if round.answer(uid, reply) {
                    self.finish_round(round_id, out);
                }
            }
            Message::Included { nonce, outcome, .. } => {
                if let Some(at) = self.reveals.iter().position(|r| r.nonce == Some(nonce)) {
                    if outcome.is_ok() {
                        self.reveals.remove(at);
                    } else {
                        // Too early, most likely: try again at the next round.
                        self.reveals[at].nonce = None;
                    }
                    out.observe(Observation::ExtrinsicIncluded { call: "reveal_weights", outcome });
                    return;
                }
                out.observe(Observation::ExtrinsicIncluded { call: "weights", outcome });
            }
            Message::Query(_) | Message::Submit { .. } | Message::SyncRequest { .. } => {}
        }
    }

    fn on_timer(&mut self, now_us: TimeUs, out: &mut Outbox) {
        let due: Vec<u64> = self.rounds.iter().filter(|(_, r)| r.deadline_us <= now_us).map(|(&id, _)| id).collect();
        for round_id in due {
            self.finish_round(round_id, out);
        }
        if now_us >= self.next_sync_us {
            let weights = self.policy.reads_chain_weights();
            out.send(self.config.chain, Message::SyncRequest { netuid: self.config.netuid, weights });
            self.next_sync_us = now_us + self.config.sync_interval_blocks.max(1) * self.config.block_time_us;
        }
        if now_us >= self.next_query_us {
            if self.policy.measures() {
                self.start_round(now_us, out);
            }
            self.next_query_us +=
                self.config.query_interval_us * (1 + (now_us - self.next_query_us) / self.config.query_interval_us);
            if let Some(block) = self.block_estimate(now_us) {
                self.reveal(out);
                let due =
                    self.last_weights_block.is_none_or(|last| block >= last + self.config.weights_interval_blocks);
                if due && self.set_weights(block, out) {
                    self.last_weights_block = Some(block);
                    out.save(self.encode_disk());
                }
            }
        }
    }

    fn next_timer_us(&self) -> Option<TimeUs> {
        let deadline = self.rounds.values().map(|r| r.deadline_us).min();
        [Some(self.next_sync_us), Some(self.next_query_us), deadline].into_iter().flatten().min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::NeuronView;

    #[test]
    fn quantise_scales_the_largest_to_65535_and_drops_zeros() {
        assert_eq!(quantise(&[0.0, 0.5, 1.0, 0.25]), Some((vec![1, 2, 3], vec![32_768, 65_535, 16_384])));
        assert_eq!(quantise(&[0.0, 0.0]), None);
        assert_eq!(quantise(&[f64::NAN, 2.0]), Some((vec![1], vec![65_535])));
        assert_eq!(quantise(&[1e-9, 1.0]), Some((vec![1], vec![65_535])), "rounds to zero, dropped");
    }

    #[test]
    fn sampling_draws_distinct_items() {
        let mut rng = stream(1, "t");
        let items: Vec<u16> = (0..10).collect();
        let mut picked = sample(&items, 4, &mut rng);
        picked.sort_unstable();
        picked.dedup();
        assert_eq!(picked.len(), 4);
        assert_eq!(sample(&items, 40, &mut rng).len(), 10);
    }

    #[test]
    fn scores_and_their_hotkeys_survive_the_disk_bit_for_bit() {
        let scores = vec![0.0, 0.1, 1.0 / 3.0];
        let hotkeys = vec![Some(HotkeyId(7)), None, Some(HotkeyId(u32::MAX))];
        let mut disk = Validator::encode_scores(&scores, &hotkeys);
        disk.extend([1, 2, 3]);
        assert_eq!(Validator::decode_disk(&disk), (scores, hotkeys, &[1u8, 2, 3][..]), "the rest is the memory's");
        assert_eq!(Validator::decode_disk(&disk[..20]), (vec![], vec![], &[][..]), "a torn disk restores nothing");
    }

    fn config() -> ValidatorConfig {
        ValidatorConfig {
            name: "v/0".into(),
            seed: 1,
            hotkey: HotkeyId(1),
            netuid: 1,
            chain: 0,
            block_time_us: 12_000_000,
            query_interval_us: 12_000_000,
            sample_size: 2,
            rows_per_query: 2,
            timeout_us: 12_000_000,
            score_alpha: 0.1,
            weights_interval_blocks: 10,
            sync_interval_blocks: 1,
            duplicates: DuplicateRule::History,
        }
    }

    /// The chain at block 5 of a subnet without commit-reveal, with `neurons`.
    fn view(neurons: Vec<NeuronView>) -> ChainView {
        ChainView {
            block: 5,
            netuid: 1,
            tempo: 10,
            commit_reveal: false,
            commit_reveal_version: 4,
            reveal_period_epochs: 1,
            epoch_index: 0,
            weights_version_key: 0,
            weights_set_rate_limit: 0,
            immunity_period: 0,
            neurons,
            weights: None,
        }
    }

    fn neuron(hotkey: u32) -> NeuronView {
        NeuronView {
            hotkey: HotkeyId(hotkey),
            axon: Some(1),
            registered_at: 0,
            last_update: 0,
            validator_permit: false,
            consensus: 0,
            incentive: 0,
            emission_rao: 0,
        }
    }

    #[test]
    fn a_restarted_validator_drops_the_score_of_a_uid_that_changed_hands_while_it_was_down() {
        let config = config();
        let mut validator = Validator::new(
            config,
            Arc::new(TaskData::digits(1)),
            policies::build(&policies::ValidatorPolicySpec::Honest, &|_| Vec::new()),
            answer_store::AnswerStore::shared(10),
        );
        let saved = Validator::encode_scores(&[0.5, 0.25], &[Some(HotkeyId(10)), Some(HotkeyId(11))]);
        validator.restore(&saved);
        // UID 1 was pruned and re-registered by hotkey 12 while the validator was down.
        validator.on_view(Arc::new(view(vec![neuron(10), neuron(12)])), 0);
        assert_eq!(validator.scores, [0.5, 0.0]);
    }

    /// A validator of two miners (UIDs 0 and 1, at nodes 5 and 6) that has synced once.
    fn synced_validator() -> Validator {
        let config = config();
        let policy = policies::build(&policies::ValidatorPolicySpec::Honest, &|_| Vec::new());
        let answers = answer_store::AnswerStore::shared(10);
        let mut validator = Validator::new(config, Arc::new(TaskData::digits(1)), policy, answers);
        let neurons = vec![NeuronView { axon: Some(5), ..neuron(10) }, NeuronView { axon: Some(6), ..neuron(11) }];
        validator.on_view(Arc::new(view(neurons)), 0);
        validator
    }

    /// Before issue 9 a refusal was observed twice, as answered (its fast latency pulling the
    /// percentiles down) and as refused, so the timeout rate's denominator counted it twice.
    #[test]
    fn a_refused_query_is_counted_once_as_refused_and_only_probabilities_as_answered() {
        let mut validator = synced_validator();
        let mut out = Outbox::default();
        validator.start_round(0, &mut out);
        let queries: Vec<(NodeId, u64)> = (out.sends.iter())
            .filter_map(|send| match &send.message {
                Message::Query(query) => Some((send.to, query.id)),
                _ => None,
            })
            .collect();
        assert_eq!(queries.len(), 2, "both miners are asked");
        let mut out = Outbox::default();
        for (at_us, &(axon, query_id)) in [1_000, 30_000].iter().zip(&queries) {
            let reply = if axon == 5 {
                Reply::Refused("nonce")
            } else {
                Reply::Probabilities(crate::protocol::Probabilities::repeated(&[6_553; 10], 2))
            };
            validator.on_message(*at_us, axon, Message::Answer { query_id, reply }, &mut out);
        }
        let answered: Vec<&Observation> =
            out.observations.iter().filter(|o| matches!(o, Observation::QueryAnswered { .. })).collect();
        let refused = out.observations.iter().filter(|o| matches!(o, Observation::QueryRefused { .. })).count();
        let at_us = if queries[0].0 == 6 { 1_000 } else { 30_000 };
        assert_eq!(answered, [&Observation::QueryAnswered { latency_us: at_us }]);
        assert_eq!(refused, 1);
    }
}
