//! What the run's harness holds outside every node, so that it survives crashes: each node's
//! disk, clock, links and mailbox, and the recorder, private, that becomes the run's `RunRecord`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::time::Duration;

use hdrhistogram::Histogram;
use madsim::time::{Instant, TimeHandle};
use rand_chacha::ChaCha8Rng;
use tensorsim_actors::protocol::{BlockRecord, NetworkFacts, NodeId, Observation, Outgoing, TimeUs};
use tensorsim_actors::rng::{stream, unit_f32};
use tensorsim_chain::accounts::HotkeyId;

use crate::record::{
    AppliedFault, CommitmentRecord, ConservationError, EpochRecord, LockCostSample, LostMessages, MessageCounts,
    ModelRecord, NetworkRecord, NodeRecord, NodeStats, OwnerActionRecord, RegistrationRecord, RevealRecord, RunRecord,
    StakeActionRecord, WallSeconds,
};
use crate::scenario::{LatencySpec, Plan};

use super::mailbox::{Envelope, MAILBOX_MAX, Mailbox};

/// A node's clock: virtual time, shifted by `offset_us` and drifting `drift_ppm` from `since_us`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    pub offset_us: i64,
    pub drift_ppm: i64,
    pub since_us: u64,
}

impl Clock {
    pub fn local(&self, global_us: u64) -> u64 {
        let drifted = i128::from(global_us.saturating_sub(self.since_us)) * i128::from(self.drift_ppm) / 1_000_000;
        (i128::from(global_us) + i128::from(self.offset_us) + drifted).max(0) as u64
    }

    /// The first virtual time at which the local clock reads at least `local_us`.
    pub fn global(&self, local_us: u64) -> u64 {
        let (since, offset, local) = (i128::from(self.since_us), i128::from(self.offset_us), i128::from(local_us));
        let rate = 1_000_000 + i128::from(self.drift_ppm);
        // Before `since` the clock only has its offset; after, it also drifts.
        let mut global = if local - offset <= since {
            (local - offset).max(0) as u64
        } else {
            (since + (local - offset - since) * 1_000_000 / rate.max(1)).max(0) as u64
        };
        // Integer division may land a microsecond short; the drift is bounded, so a few steps do.
        for _ in 0..4 {
            if self.local(global) >= local_us {
                break;
            }
            global += 1;
        }
        global
    }
}

/// Where a subnet of the scenario stands, as the chain's blocks say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubnetState {
    /// Its owner registers it mid-run; its actors wait.
    Pending,
    Living(u16),
    /// Refused or dissolved: its actors never start, or stop.
    Gone,
}

/// One link's behaviour, as the default or as a fault set it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    pub latency: LatencySpec,
    pub loss: f64,
}

impl Link {
    /// One message's fate: `None` if lost, else its latency.
    pub fn draw(&self, rng: &mut ChaCha8Rng) -> Option<u64> {
        if self.loss > 0.0 && f64::from(unit_f32(rng)) < self.loss {
            return None;
        }
        let ms = match self.latency {
            LatencySpec::Fixed { ms } => ms.0,
            LatencySpec::Uniform { min_ms, max_ms } => min_ms.0 + (max_ms.0 - min_ms.0) * f64::from(unit_f32(rng)),
            LatencySpec::LogNormal { median_ms, sigma } => {
                let u1 = f64::from(unit_f32(rng)).max(1e-7);
                let u2 = f64::from(unit_f32(rng));
                // libm, not the platform's: the same draws, so the same report, everywhere.
                let z = (-2.0 * libm::log(u1)).sqrt() * libm::cos(std::f64::consts::TAU * u2);
                median_ms.0 * libm::exp(sigma.0 * z)
            }
        };
        Some((ms.min(3_600_000.0) * 1_000.0) as u64)
    }
}

/// Which nodes and links the fault plan has cut: a message across a cut is lost when sent, and
/// counted for its reason.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cuts {
    /// By node.
    pub offline: Vec<bool>,
    /// By node: killed and not restarted.
    pub crashed: Vec<bool>,
    /// Directed links a partition cut.
    pub partitioned: BTreeSet<(NodeId, NodeId)>,
}

impl Cuts {
    fn new(nodes: usize) -> Self {
        Self { offline: vec![false; nodes], crashed: vec![false; nodes], partitioned: BTreeSet::new() }
    }

    /// The first reason, in the order of `MessageCounts`, a message from `from` to `to` never
    /// arrives; `None` when it leaves on an open path (a full queue may still drop it).
    pub fn loss(&self, from: NodeId, to: NodeId, lost_on_link: bool) -> Option<Loss> {
        let (f, t) = (from as usize, to as usize);
        if lost_on_link {
            Some(Loss::Link)
        } else if self.offline[f] || self.offline[t] {
            Some(Loss::Offline)
        } else if self.partitioned.contains(&(from, to)) {
            Some(Loss::Partition)
        } else if self.crashed[t] {
            Some(Loss::Crashed)
        } else {
            None
        }
    }
}

/// Why a message was lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    Link,
    Offline,
    Partition,
    Crashed,
}

impl LostMessages {
    fn count(&mut self, loss: Loss) {
        match loss {
            Loss::Link => self.link += 1,
            Loss::Offline => self.offline += 1,
            Loss::Partition => self.partition += 1,
            Loss::Crashed => self.crashed += 1,
        }
    }

    fn add(&mut self, other: &Self) {
        self.link += other.link;
        self.offline += other.offline;
        self.partition += other.partition;
        self.crashed += other.crashed;
    }
}

/// What the run records while it runs, written only through `World`'s `record_*` methods and
/// `observe`, and handed over whole by `World::take_record`.
#[derive(Default)]
struct Recorder {
    blocks_produced: u64,
    last_block_at_us: TimeUs,
    total_issuance_rao: u64,
    conservation_error: Option<ConservationError>,
    epochs: Vec<EpochRecord>,
    /// Whether epochs keep their bonds table (the scenario's `report: {bonds: true}`).
    keep_bonds: bool,
    registrations: Vec<RegistrationRecord>,
    owner_actions: Vec<OwnerActionRecord>,
    network: Vec<NetworkRecord>,
    lock_costs: Vec<LockCostSample>,
    /// The last block's lock cost, kept until a later block shows whether it is a sample.
    last_lock_cost: Option<LockCostSample>,
    stake_actions: Vec<StakeActionRecord>,
    reveals: Vec<RevealRecord>,
    commitments: Vec<CommitmentRecord>,
    nodes: Vec<NodeStats>,
    /// Query latencies by subnet (index), in µs.
    latency_us: Vec<Histogram<u64>>,
    messages: MessageCounts,
    faults: Vec<AppliedFault>,
    /// Malformed answers by the miner that sent them (validators know its hotkey, not its node).
    answers_malformed: BTreeMap<HotkeyId, u64>,
    /// Answers a validator's duplicate rule found to be copies, by the miner that sent them.
    answers_duplicate: BTreeMap<HotkeyId, u64>,
}

pub struct World {
    /// madsim's clock, read directly: `Instant::now()` reaches it through a libc override that
    /// looks the runtime up on every call.
    time: TimeHandle,
    pub start: Instant,
    pub disks: Mutex<Vec<Option<Vec<u8>>>>,
    pub clocks: Mutex<Vec<Clock>>,
    pub default_link: Link,
    pub links: Mutex<BTreeMap<(NodeId, NodeId), Link>>,
    /// What the fault plan has cut; the supervisor keeps it.
    pub cuts: Mutex<Cuts>,
    link_rngs: Vec<Mutex<ChaCha8Rng>>,
    /// By node: what is on its way to it.
    mailboxes: Vec<Mutex<Mailbox>>,
    /// By node: the subnet (index) it belongs to; the chain's is `None`.
    pub subnet_of: Vec<Option<usize>>,
    recorder: Mutex<Recorder>,
    pub blocks: tokio::sync::watch::Sender<u64>,
    /// By subnet (its place in the scenario).
    subnets: tokio::sync::watch::Sender<Vec<SubnetState>>,
    /// Subnets dissolved whose nodes the supervisor has not stopped yet.
    dissolved: Mutex<Vec<usize>>,
}

impl World {
    pub fn new(plan: &Plan, subnet_of: Vec<Option<usize>>) -> Self {
        let n = plan.nodes.len();
        let histogram = || Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds");
        let recorder = Recorder {
            blocks_produced: 0,
            last_block_at_us: 0,
            total_issuance_rao: 0,
            conservation_error: None,
            epochs: Vec::new(),
            keep_bonds: plan.scenario.report.bonds,
            registrations: Vec::new(),
            owner_actions: Vec::new(),
            network: Vec::new(),
            lock_costs: Vec::new(),
            last_lock_cost: None,
            stake_actions: Vec::new(),
            reveals: Vec::new(),
            commitments: Vec::new(),
            nodes: vec![NodeStats::default(); n],
            latency_us: plan.subnets.iter().map(|_| histogram()).collect(),
            messages: MessageCounts::default(),
            faults: Vec::new(),
            answers_malformed: BTreeMap::new(),
            answers_duplicate: BTreeMap::new(),
        };
        let network = &plan.scenario.network;
        let time = TimeHandle::current();
        Self {
            start: time.now_instant(),
            time,
            disks: Mutex::new(vec![None; n]),
            clocks: Mutex::new(vec![Clock::default(); n]),
            default_link: Link { latency: network.latency, loss: network.loss.0 },
            links: Mutex::new(BTreeMap::new()),
            cuts: Mutex::new(Cuts::new(n)),
            link_rngs: plan
                .nodes
                .iter()
                .map(|node| Mutex::new(stream(plan.seed, &format!("link/{}", node.name))))
                .collect(),
            mailboxes: (0..n).map(|_| Mutex::new(Mailbox::new(MAILBOX_MAX))).collect(),
            subnet_of,
            recorder: Mutex::new(recorder),
            blocks: tokio::sync::watch::channel(0).0,
            subnets: tokio::sync::watch::channel(
                (plan.subnets.iter())
                    .map(|subnet| subnet.netuid.map_or(SubnetState::Pending, SubnetState::Living))
                    .collect(),
            )
            .0,
            dissolved: Mutex::new(Vec::new()),
        }
    }

    /// The netuid `subnet` holds once it lives (at once for a genesis subnet); `None` when it
    /// never will (refused) or no longer does (dissolved).
    pub async fn living_netuid(&self, subnet: usize) -> Option<u16> {
        let mut states = self.subnets.subscribe();
        let state = *states.wait_for(|states| states[subnet] != SubnetState::Pending).await.ok()?.get(subnet)?;
        match state {
            SubnetState::Living(netuid) => Some(netuid),
            SubnetState::Pending | SubnetState::Gone => None,
        }
    }

    /// Subnets dissolved since the last call, whose nodes must stop.
    pub fn take_dissolved(&self) -> Vec<usize> {
        std::mem::take(&mut *self.dissolved.lock().expect("no poisoned lock"))
    }

    /// What a block's network facts change: a subnet registered lives on its netuid, one refused
    /// or pruned is gone (a pruned one's nodes to be stopped).
    fn follow_subnets(&self, facts: &[NetworkFacts]) {
        for fact in facts {
            let (subnet, state) = match fact {
                NetworkFacts::Registered { subnet, netuid, .. } => (*subnet, SubnetState::Living(*netuid)),
                NetworkFacts::Refused { subnet, .. } => (*subnet, SubnetState::Gone),
                NetworkFacts::Pruned { subnet, .. } => {
                    self.dissolved.lock().expect("no poisoned lock").push(*subnet);
                    (*subnet, SubnetState::Gone)
                }
                NetworkFacts::StakeRefused { .. } => continue,
            };
            self.subnets.send_modify(|states| states[subnet] = state);
        }
    }

    /// Virtual time now: read once by a caller that needs it both as an instant and in µs.
    pub fn now(&self) -> Instant {
        self.time.now_instant()
    }

    /// Virtual microseconds from the run's start to `instant`.
    pub fn since_start_us(&self, instant: Instant) -> u64 {
        instant.duration_since(self.start).as_micros() as u64
    }

    /// Virtual microseconds since the run started.
    pub fn now_us(&self) -> u64 {
        self.since_start_us(self.now())
    }

    /// Makes sure the node of `mailbox`, if it waits, is woken by `at_us` (`Mailbox::wake_by`);
    /// it is `now`.
    pub fn wake_by(&self, mailbox: &mut Mailbox, at_us: u64, now: Instant) {
        mailbox.wake_by(self.start + Duration::from_micros(at_us), now, &self.time);
    }

    pub fn clock(&self, node: NodeId) -> Clock {
        self.clocks.lock().expect("no poisoned lock")[node as usize]
    }

    /// Node `node`'s mailbox.
    pub fn mailbox(&self, node: NodeId) -> std::sync::MutexGuard<'_, Mailbox> {
        self.mailboxes[node as usize].lock().expect("no poisoned lock")
    }

    /// `from` sends `sends` now. Each message draws its link's fate: lost on the link or across
    /// a cut of the fault plan (counted for its reason), else put in its receiver's mailbox
    /// until its latency has passed (or dropped, counted, when that mailbox is full).
    pub fn send(&self, from: NodeId, sends: impl Iterator<Item = Outgoing>) {
        let now = self.now();
        let now_us = self.since_start_us(now);
        let mut counts = MessageCounts::default();
        {
            let links = self.links.lock().expect("no poisoned lock");
            let cuts = self.cuts.lock().expect("no poisoned lock");
            let mut rng = self.link_rngs[from as usize].lock().expect("no poisoned lock");
            for Outgoing { to, after_us, message } in sends {
                let delay = links.get(&(from, to)).copied().unwrap_or(self.default_link).draw(&mut rng);
                counts.sent += 1;
                let delay = match (cuts.loss(from, to, delay.is_none()), delay) {
                    (None, Some(delay)) => delay,
                    (loss, _) => {
                        counts.lost.count(loss.expect("a message its link lost is a loss"));
                        continue;
                    }
                };
                let deliver_at_us = now_us + after_us + delay;
                let mut mailbox = self.mailbox(to);
                match mailbox.push(Envelope { from, deliver_at_us, message }) {
                    Ok(()) => self.wake_by(&mut mailbox, deliver_at_us, now),
                    Err(_) => counts.dropped += 1,
                }
            }
        }
        let mut recorder = self.recorder();
        recorder.messages.sent += counts.sent;
        recorder.messages.dropped += counts.dropped;
        recorder.messages.lost.add(&counts.lost);
    }

    fn recorder(&self) -> std::sync::MutexGuard<'_, Recorder> {
        self.recorder.lock().expect("no poisoned lock")
    }

    /// `count` messages reached their actor.
    pub fn record_deliveries(&self, count: u64) {
        if count > 0 {
            self.recorder().messages.delivered += count;
        }
    }

    pub fn record_fault(&self, block: u64, at_us: TimeUs, description: &str) {
        self.recorder().faults.push(AppliedFault { block, at_us, description: description.to_string() });
    }

    /// `node` crashed: what was on its way to it is lost, and so is what is sent to it until it
    /// restarts.
    pub fn crash(&self, node: NodeId) {
        self.stop(node);
        self.recorder().nodes[node as usize].crashes += 1;
    }

    /// `node`'s subnet was dissolved and the node stops for good: as after a crash, what was on
    /// its way to it and what is sent to it later are lost, but it is not counted a crash.
    pub fn stop(&self, node: NodeId) {
        self.cuts.lock().expect("no poisoned lock").crashed[node as usize] = true;
        self.mailbox(node).clear();
    }

    /// `node` starts again, with an empty mailbox (a restart of a running node is a crash first).
    pub fn restart(&self, node: NodeId) {
        self.cuts.lock().expect("no poisoned lock").crashed[node as usize] = false;
        self.mailbox(node).clear();
    }

    /// What an actor observed; a block also wakes the supervisor.
    pub fn observe(&self, node: NodeId, observation: Observation) {
        let mut recorder = self.recorder();
        let stats = &mut recorder.nodes[node as usize];
        match observation {
            Observation::QueryAnswered { latency_us } => {
                stats.queries_answered += 1;
                if let Some(subnet) = self.subnet_of[node as usize] {
                    recorder.latency_us[subnet].saturating_record(latency_us.max(1));
                }
            }
            Observation::QueryTimedOut => stats.queries_timed_out += 1,
            Observation::QueryRefused { .. } => stats.queries_refused += 1,
            Observation::AnswerMalformed { miner } => *recorder.answers_malformed.entry(miner).or_default() += 1,
            Observation::AnswerDuplicate { miner } => *recorder.answers_duplicate.entry(miner).or_default() += 1,
            Observation::ExtrinsicIncluded { call, outcome } => match outcome {
                Ok(()) => *stats.extrinsics_ok.entry(call).or_default() += 1,
                Err(reason) => *stats.extrinsics_refused.entry(format!("{call}: {reason}")).or_default() += 1,
            },
            Observation::Block(record) => {
                let block = record.block;
                self.follow_subnets(&record.network);
                recorder.record_block(*record);
                drop(recorder);
                self.blocks.send_replace(block);
            }
        }
    }

    /// The run's record, with what genesis knew of each node (its hotkey, its model). The
    /// recorder is left empty: madsim's runtime may keep handles on the world after the run.
    pub fn take_record(
        &self,
        hotkeys: Vec<Option<HotkeyId>>,
        owner_hotkeys: Vec<HotkeyId>,
        models: Vec<Option<ModelRecord>>,
        wall: WallSeconds,
    ) -> RunRecord {
        let mut recorder = std::mem::take(&mut *self.recorder());
        if let Some(last) = recorder.last_lock_cost.filter(|last| recorder.lock_costs.last() != Some(last)) {
            recorder.lock_costs.push(last);
        }
        let by_miner = |counts: &BTreeMap<HotkeyId, u64>, hotkey: Option<HotkeyId>| {
            hotkey.and_then(|h| counts.get(&h)).copied().unwrap_or(0)
        };
        let nodes = (recorder.nodes.into_iter().zip(hotkeys).zip(models))
            .map(|((mut stats, hotkey), model)| {
                stats.answers_malformed = by_miner(&recorder.answers_malformed, hotkey);
                stats.answers_duplicate = by_miner(&recorder.answers_duplicate, hotkey);
                NodeRecord { hotkey, model, stats }
            })
            .collect();
        RunRecord {
            blocks_produced: recorder.blocks_produced,
            last_block_at_us: recorder.last_block_at_us,
            total_issuance_rao: recorder.total_issuance_rao,
            conservation_error: recorder.conservation_error,
            epochs: recorder.epochs,
            registrations: recorder.registrations,
            owner_actions: recorder.owner_actions,
            network: recorder.network,
            lock_costs: recorder.lock_costs,
            stake_actions: recorder.stake_actions,
            reveals: recorder.reveals,
            commitments: recorder.commitments,
            nodes,
            owner_hotkeys,
            latency_us: recorder.latency_us,
            messages: recorder.messages,
            faults: recorder.faults,
            wall,
        }
    }
}

impl Recorder {
    fn record_block(&mut self, record: BlockRecord) {
        self.blocks_produced = record.block;
        self.last_block_at_us = record.at_us;
        self.total_issuance_rao = record.total_issuance_rao;
        if let (None, Some(error)) = (&self.conservation_error, record.conservation_error) {
            self.conservation_error = Some(ConservationError { block: record.block, error });
        }
        for facts in record.epochs {
            self.epochs.push(EpochRecord::new(record.block, record.total_issuance_rao, facts, self.keep_bonds));
        }
        let block = record.block;
        self.registrations.extend(record.registrations.into_iter().map(|facts| RegistrationRecord { block, facts }));
        self.reveals.extend(record.reveals.into_iter().map(|facts| RevealRecord { block, facts }));
        self.commitments.extend(record.commitments.into_iter().map(|facts| CommitmentRecord { block, facts }));
        self.owner_actions.extend(record.owner_actions.into_iter().map(|facts| OwnerActionRecord { block, facts }));
        self.stake_actions.extend(record.stake_actions.into_iter().map(|facts| StakeActionRecord { block, facts }));
        self.sample_lock_cost(LockCostSample { block, lock_cost_rao: record.network_lock_cost_rao }, &record.network);
        self.network.extend(record.network.into_iter().map(|facts| NetworkRecord { block, facts }));
    }

    /// Keeps the first block's lock cost, and a block's with network facts with the block's
    /// before it: the cost's corners (between them it falls by a constant step to its floor).
    fn sample_lock_cost(&mut self, sample: LockCostSample, facts: &[NetworkFacts]) {
        if self.lock_costs.is_empty() || !facts.is_empty() {
            if let Some(previous) = self.last_lock_cost.filter(|previous| self.lock_costs.last() != Some(previous)) {
                self.lock_costs.push(previous);
            }
            self.lock_costs.push(sample);
        }
        self.last_lock_cost = Some(sample);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::types::NonNegative;
    use tensorsim_actors::protocol::Message;

    const SCENARIO: &str = "
version: 1
name: pair
seed: 1
duration: {blocks: 10}
subnets:
  - name: digits
    task: digits
    validators: [{name: v, count: 1, stake_tao: 1000}]
    miners: [{name: m, count: 1}]
";

    #[test]
    fn what_the_nodes_report_is_counted_in_the_record_drops_included() {
        let plan = Plan::parse(SCENARIO, None).expect("a valid scenario");
        let record = madsim::runtime::Runtime::new().block_on(async move {
            let world = World::new(&plan, vec![None, Some(0), Some(0)]);
            let message =
                || Outgoing { to: 1, after_us: 0, message: Message::SyncRequest { netuid: 1, weights: false } };
            // A full mailbox refuses the last two of MAILBOX_MAX + 2 (node 1 never empties it).
            world.send(2, (0..MAILBOX_MAX + 2).map(|_| message()));
            let lossy = Link { latency: LatencySpec::Fixed { ms: NonNegative(5.0) }, loss: 1.0 };
            world.links.lock().expect("no poisoned lock").insert((2, 1), lossy);
            world.send(2, std::iter::once(message()));
            world.record_deliveries(1);
            world.crash(2);
            world.observe(1, Observation::QueryAnswered { latency_us: 5_000 });
            // A validator (node 1) counts a miner's duplicates and malformed answers against it.
            world.observe(1, Observation::AnswerDuplicate { miner: HotkeyId(2) });
            world.observe(1, Observation::AnswerDuplicate { miner: HotkeyId(2) });
            world.observe(1, Observation::AnswerMalformed { miner: HotkeyId(2) });
            let hotkeys = vec![None, Some(HotkeyId(1)), Some(HotkeyId(2))];
            world.take_record(hotkeys, vec![HotkeyId(0)], vec![None; 3], WallSeconds::default())
        });
        let lost = LostMessages { link: 1, ..LostMessages::default() };
        let sent = MAILBOX_MAX as u64 + 3;
        assert_eq!(record.messages, MessageCounts { sent, lost, delivered: 1, dropped: 2 });
        assert_eq!((record.nodes[2].stats.crashes, record.nodes[2].hotkey), (1, Some(HotkeyId(2))));
        assert_eq!((record.nodes[1].stats.queries_answered, record.latency_us[0].len()), (1, 1));
        let miner = &record.nodes[2].stats;
        assert_eq!((miner.answers_duplicate, miner.answers_malformed), (2, 1));
        assert_eq!(record.nodes[1].stats.answers_duplicate, 0);
    }

    #[test]
    fn a_log_normal_latency_is_the_same_microseconds_on_every_platform() {
        let latency = LatencySpec::LogNormal { median_ms: NonNegative(40.0), sigma: NonNegative(0.5) };
        let link = Link { latency, loss: 0.0 };
        let mut rng = stream(1, "link/pinned");
        let draws: Vec<Option<u64>> = (0..4).map(|_| link.draw(&mut rng)).collect();
        // Pinned: libm's log, cos and exp give these bits whatever the system's C library.
        assert_eq!(draws, [Some(64_611), Some(33_099), Some(99_958), Some(17_202)]);
    }

    /// Before issue 9 only the link's loss draw was counted: a message into a partition or to an
    /// offline node was "sent" and never heard of again.
    #[test]
    fn a_message_the_fault_plan_cuts_off_is_lost_for_its_first_reason() {
        let mut cuts = Cuts::new(4);
        assert_eq!(cuts.loss(1, 2, false), None);
        cuts.partitioned.insert((1, 2));
        cuts.crashed[2] = true;
        assert_eq!(cuts.loss(1, 2, false), Some(Loss::Partition));
        assert_eq!(cuts.loss(2, 1, false), None, "a partition is cut one way per entry");
        assert_eq!(cuts.loss(3, 2, false), Some(Loss::Crashed));
        cuts.offline[1] = true;
        assert_eq!(cuts.loss(1, 2, false), Some(Loss::Offline));
        assert_eq!(cuts.loss(0, 1, false), Some(Loss::Offline), "an offline node hears nothing");
        assert_eq!(cuts.loss(1, 2, true), Some(Loss::Link), "the link's draw comes first");
        let mut lost = LostMessages::default();
        [Loss::Link, Loss::Offline, Loss::Offline, Loss::Partition, Loss::Crashed]
            .into_iter()
            .for_each(|l| lost.count(l));
        assert_eq!(lost, LostMessages { link: 1, offline: 2, partition: 1, crashed: 1 });
    }

    #[test]
    fn a_skewed_clock_inverts() {
        let clock = Clock { offset_us: -3_000_000, drift_ppm: 250, since_us: 10_000_000 };
        for local in [5_000_000, 7_000_000, 7_000_001, 9_999_999, 123_456_789_012] {
            let global = clock.global(local);
            assert!(clock.local(global) >= local);
            assert!(global == 0 || clock.local(global - 1) < local, "{local}: {global} is the first");
        }
        assert_eq!(Clock::default().local(42), 42);
    }
}
