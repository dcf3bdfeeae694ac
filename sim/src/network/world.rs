//! What the run's harness holds outside every node, so that it survives crashes: each node's
//! disk, clock and links, and the recorder the report is built from.

use std::collections::BTreeMap;
use std::sync::Mutex;

use hdrhistogram::Histogram;
use rand_chacha::ChaCha8Rng;
use tensorsim_actors::protocol::{NodeId, Observation, TimeUs};
use tensorsim_actors::rng::{stream, unit_f32};
use tensorsim_chain::accounts::HotkeyId;
use tensorsim_chain::yuma::EpochOutput;

use crate::scenario::{LatencySpec, Plan};

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
                let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
                median_ms.0 * (sigma.0 * z).exp()
            }
        };
        Some((ms.min(3_600_000.0) * 1_000.0) as u64)
    }
}

/// An epoch as the report reads it (the bonds table is not kept: it is the bulk of an epoch).
pub struct EpochRecord {
    pub netuid: u16,
    pub block: u64,
    pub output: EpochOutput,
    pub hotkeys: Vec<HotkeyId>,
}

#[derive(Clone, Debug, Default)]
pub struct NodeStats {
    pub queries_answered: u64,
    pub queries_timed_out: u64,
    pub queries_refused: u64,
    pub extrinsics_ok: BTreeMap<&'static str, u64>,
    pub extrinsics_refused: BTreeMap<String, u64>,
    pub crashes: u64,
}

pub struct Recorder {
    pub block: u64,
    pub block_at_us: TimeUs,
    pub total_issuance_rao: u64,
    pub epochs: Vec<EpochRecord>,
    pub nodes: Vec<NodeStats>,
    /// Query latencies by subnet (index), in µs.
    pub latency_us: Vec<Histogram<u64>>,
    pub messages_sent: u64,
    pub messages_lost: u64,
    pub messages_delivered: u64,
    pub faults: Vec<(u64, TimeUs, String)>,
    pub conservation_error: Option<(u64, String)>,
}

pub struct World {
    pub seed: u64,
    pub start: madsim::time::Instant,
    pub disks: Mutex<Vec<Option<Vec<u8>>>>,
    pub clocks: Mutex<Vec<Clock>>,
    pub default_link: Link,
    pub links: Mutex<BTreeMap<(NodeId, NodeId), Link>>,
    link_rngs: Vec<Mutex<ChaCha8Rng>>,
    /// By node: the subnet (index) it belongs to; the chain's is `None`.
    pub subnet_of: Vec<Option<usize>>,
    pub recorder: Mutex<Recorder>,
    pub blocks: tokio::sync::watch::Sender<u64>,
}

impl World {
    pub fn new(plan: &Plan, subnet_of: Vec<Option<usize>>) -> Self {
        let n = plan.nodes.len();
        let histogram = || Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds");
        let recorder = Recorder {
            block: 0,
            block_at_us: 0,
            total_issuance_rao: 0,
            epochs: Vec::new(),
            nodes: vec![NodeStats::default(); n],
            latency_us: plan.subnets.iter().map(|_| histogram()).collect(),
            messages_sent: 0,
            messages_lost: 0,
            messages_delivered: 0,
            faults: Vec::new(),
            conservation_error: None,
        };
        let network = &plan.scenario.network;
        Self {
            seed: plan.seed,
            start: madsim::time::Instant::now(),
            disks: Mutex::new(vec![None; n]),
            clocks: Mutex::new(vec![Clock::default(); n]),
            default_link: Link { latency: network.latency, loss: network.loss.0 },
            links: Mutex::new(BTreeMap::new()),
            link_rngs: plan
                .nodes
                .iter()
                .map(|node| Mutex::new(stream(plan.seed, &format!("link/{}", node.name))))
                .collect(),
            subnet_of,
            recorder: Mutex::new(recorder),
            blocks: tokio::sync::watch::channel(0).0,
        }
    }

    /// Virtual microseconds since the run started.
    pub fn now_us(&self) -> u64 {
        madsim::time::Instant::now().duration_since(self.start).as_micros() as u64
    }

    pub fn clock(&self, node: NodeId) -> Clock {
        self.clocks.lock().expect("no poisoned lock")[node as usize]
    }

    /// The latency of one message from `from` to `to`, or `None` if the link loses it.
    pub fn link_delay_us(&self, from: NodeId, to: NodeId) -> Option<u64> {
        let link = self.links.lock().expect("no poisoned lock").get(&(from, to)).copied().unwrap_or(self.default_link);
        link.draw(&mut self.link_rngs[from as usize].lock().expect("no poisoned lock"))
    }

    pub fn observe(&self, node: NodeId, observation: Observation) {
        let mut recorder = self.recorder.lock().expect("no poisoned lock");
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
            Observation::ExtrinsicIncluded { call, outcome } => match outcome {
                Ok(()) => *stats.extrinsics_ok.entry(call).or_default() += 1,
                Err(reason) => *stats.extrinsics_refused.entry(format!("{call}: {reason}")).or_default() += 1,
            },
            Observation::Block(record) => {
                recorder.block = record.block;
                recorder.block_at_us = record.at_us;
                recorder.total_issuance_rao = record.total_issuance_rao;
                if let (None, Some(error)) = (&recorder.conservation_error, &record.conservation_error) {
                    recorder.conservation_error = Some((record.block, error.clone()));
                }
                for (netuid, mut output, hotkeys) in record.epochs {
                    output.bonds = Vec::new();
                    recorder.epochs.push(EpochRecord { netuid, block: record.block, output, hotkeys });
                }
                drop(recorder);
                self.blocks.send_replace(record.block);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
