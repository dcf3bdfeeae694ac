//! A node's mailbox: the messages on their way to it, each held until its link's latency has
//! passed, and the madsim timers that wake the node for them.
//!
//! Senders put envelopes straight into the receiver's mailbox (the links are ours: latency, loss
//! and the fault plan's cuts, `world.rs`). A message costs a heap push and at most one madsim
//! timer; through madsim's network it cost three timers (a random ≥ 1 ms pause on sending and on
//! receiving, and the wire's latency), four task polls and a channel between two tasks per node.
//!
//! madsim cannot cancel a timer, so the mailbox remembers the wake-ups it has asked for
//! (`alarms`): a node is woken at the earliest thing due, and a sender asks for a wake-up only
//! when its message is due before every wake-up already asked for.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Waker};
use std::time::Duration;

use madsim::time::{Instant, TimeHandle};
use tensorsim_actors::protocol::{Message, NodeId};

/// The most messages a mailbox holds. The busiest node is the chain, which hears each actor about
/// once per sync: in the mainnet-sized benchmark (bench/network_32x256, 8 192 actors) some 8 000
/// at once. 65 536 leaves room for a latency fault that holds minutes of traffic, while a runaway
/// sender (a bug) costs a node at most about 16 MB (some 120 bytes an envelope, payloads aside),
/// not all memory. What a full mailbox drops is counted (`MessageCounts::dropped`), as a full
/// socket buffer drops datagrams.
pub const MAILBOX_MAX: usize = 65_536;

/// madsim's shortest sleep (as tokio's timer granularity).
const SLEEP_MIN: Duration = Duration::from_millis(1);

/// A message on its way, with when its link lets it arrive (virtual µs since the start).
pub struct Envelope {
    pub from: NodeId,
    pub deliver_at_us: u64,
    pub message: Message,
}

/// A delivery waiting for its time: ordered by time, then by arrival.
struct Due(u64, u64, Envelope);

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        (self.0, self.1) == (other.0, other.1)
    }
}
impl Eq for Due {}
impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Due {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.0, self.1).cmp(&(other.0, other.1))
    }
}

pub struct Mailbox {
    /// Deliveries, earliest first (in arrival order at equal times).
    heap: BinaryHeap<Reverse<Due>>,
    arrived: u64,
    max: usize,
    /// The node's task, from its first wait until a crash empties the mailbox: what a sender's
    /// timer wakes.
    waker: Option<Waker>,
    /// The wake-ups madsim holds for the node and has not yet fired.
    alarms: Vec<Instant>,
}

impl Mailbox {
    pub fn new(max: usize) -> Self {
        Self { heap: BinaryHeap::new(), arrived: 0, max, waker: None, alarms: Vec::new() }
    }

    /// Holds `envelope` until its time, or hands it back when the mailbox is full.
    pub fn push(&mut self, envelope: Envelope) -> Result<(), Envelope> {
        if self.heap.len() >= self.max {
            return Err(envelope);
        }
        self.arrived += 1;
        self.heap.push(Reverse(Due(envelope.deliver_at_us, self.arrived, envelope)));
        Ok(())
    }

    /// When the earliest delivery is due.
    pub fn next_due_us(&self) -> Option<u64> {
        self.heap.peek().map(|Reverse(due)| due.0)
    }

    /// The earliest delivery, if it is due at `now_us`.
    pub fn pop_due(&mut self, now_us: u64) -> Option<Envelope> {
        self.next_due_us().filter(|&at| at <= now_us)?;
        self.heap.pop().map(|Reverse(Due(_, _, envelope))| envelope)
    }

    /// The node waits (as the task of `waker`) for its next delivery or timer.
    pub fn waiting(&mut self, waker: &Waker) {
        if !self.waker.as_ref().is_some_and(|w| w.will_wake(waker)) {
            self.waker = Some(waker.clone());
        }
    }

    /// Makes sure the waiting node is woken by `at` (it is `now`): a madsim timer unless one
    /// already fires by then. madsim sleeps at least 1 ms, so a wake-up asked for sooner comes
    /// 1 ms from now. A node without a waker has not waited yet (it looks at its mailbox before it
    /// first waits) or is down (`clear`): nothing to wake.
    pub fn wake_by(&mut self, at: Instant, now: Instant, time: &TimeHandle) {
        let Some(waker) = &self.waker else { return };
        self.alarms.retain(|&alarm| alarm > now);
        let deadline = at.max(now + SLEEP_MIN);
        if self.alarms.iter().any(|&alarm| alarm <= deadline) {
            return;
        }
        // Polled once with the node's waker, the sleep leaves madsim a timer that wakes the node.
        let mut sleep = time.sleep_until(at);
        debug_assert_eq!(sleep.deadline(), deadline, "madsim's rule for the shortest sleep");
        let polled = Pin::new(&mut sleep).poll(&mut Context::from_waker(waker));
        debug_assert!(polled.is_pending(), "the deadline is at least 1 ms away");
        self.alarms.push(deadline);
    }

    /// A crash: what was on its way is lost, and the node's task and its wake-ups are gone.
    pub fn clear(&mut self) {
        self.heap.clear();
        self.waker = None;
        self.alarms.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(from: NodeId, deliver_at_us: u64) -> Envelope {
        Envelope { from, deliver_at_us, message: Message::SyncRequest { netuid: 1, weights: false } }
    }

    #[test]
    fn a_full_mailbox_hands_back_the_newest_delivery_and_keeps_the_rest() {
        let mut mailbox = Mailbox::new(2);
        assert!(mailbox.push(envelope(1, 30)).is_ok());
        assert!(mailbox.push(envelope(2, 10)).is_ok());
        let refused = mailbox.push(envelope(3, 5)).expect_err("the mailbox holds two");
        assert_eq!(refused.from, 3);
        assert_eq!(mailbox.pop_due(100).map(|e| e.from), Some(2));
        assert!(mailbox.push(envelope(4, 20)).is_ok(), "a delivery taken makes room");
    }

    #[test]
    fn deliveries_leave_when_due_in_time_then_arrival_order() {
        let mut mailbox = Mailbox::new(MAILBOX_MAX);
        for (from, at) in [(1, 20), (2, 10), (3, 20), (4, 10)] {
            assert!(mailbox.push(envelope(from, at)).is_ok(), "room for {from}");
        }
        assert_eq!(mailbox.next_due_us(), Some(10));
        assert!(mailbox.pop_due(9).is_none(), "nothing is due before 10");
        let order: Vec<NodeId> = std::iter::from_fn(|| mailbox.pop_due(20)).map(|e| e.from).collect();
        assert_eq!(order, [2, 4, 1, 3]);
        assert_eq!(mailbox.next_due_us(), None);
    }
}
