//! The driver of one node: it binds the node's address on madsim's network, feeds the actor the
//! messages that arrived (held until the link's latency has passed) and its timers, by the
//! node's own clock, and sends what the actor sends. One receive task and one event loop per
//! node, whatever the traffic: no task per message.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use madsim::net::Endpoint;
use tensorsim_actors::protocol::{Actor, Message, NodeId, Outbox};
use tokio::sync::mpsc::error::TrySendError;

use super::world::World;

/// The datagram tag of every envelope.
const TAG: u64 = 1;

/// The most envelopes a node holds in each of its two queues: the inbox (arrived, not yet taken
/// by the event loop) and `Pending` (taken, waiting out their link's latency). The busiest node
/// is the chain, which hears each actor about once per sync: in the largest scenario
/// (bench/network_32x256, 8 192 actors) some 8 000 at once. 8 times that leaves room for a
/// latency fault that holds minutes of traffic, while a runaway sender (a bug) costs a node at
/// most about 16 MB of queues (some 120 bytes an envelope, payloads aside), not all memory.
/// What a full queue drops is counted (`MessageCounts::dropped`), as a full socket buffer drops
/// datagrams.
const INBOX_MAX: usize = 65_536;
const PENDING_MAX: usize = 65_536;

/// A message on the wire, with when the link lets it arrive (virtual µs since the start).
pub struct Envelope {
    pub from: NodeId,
    pub deliver_at_us: u64,
    pub message: Message,
}

pub fn address(node: NodeId) -> SocketAddr {
    let n = node + 1;
    SocketAddr::from((Ipv4Addr::new(10, (n >> 16) as u8, (n >> 8) as u8, n as u8), 1))
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

/// Deliveries waiting for their time, earliest first (in arrival order at equal times), at most
/// `max` of them.
struct Pending {
    heap: BinaryHeap<Reverse<Due>>,
    arrived: u64,
    max: usize,
}

impl Pending {
    fn new(max: usize) -> Self {
        Self { heap: BinaryHeap::new(), arrived: 0, max }
    }

    /// Holds `envelope` until its time, or hands it back when the queue is full.
    fn push(&mut self, envelope: Envelope) -> Result<(), Envelope> {
        if self.heap.len() >= self.max {
            return Err(envelope);
        }
        self.arrived += 1;
        self.heap.push(Reverse(Due(envelope.deliver_at_us, self.arrived, envelope)));
        Ok(())
    }

    /// When the earliest delivery is due.
    fn next_due_us(&self) -> Option<u64> {
        self.heap.peek().map(|Reverse(due)| due.0)
    }

    /// The earliest delivery, if it is due at `now_us`.
    fn pop_due(&mut self, now_us: u64) -> Option<Envelope> {
        self.next_due_us().filter(|&at| at <= now_us)?;
        self.heap.pop().map(|Reverse(Due(_, _, envelope))| envelope)
    }
}

/// Runs `actor` as node `id` until the node is killed or the run ends.
pub async fn run_node(world: Arc<World>, id: NodeId, mut actor: Box<dyn Actor>) {
    let endpoint = Endpoint::bind(address(id)).await.expect("each node binds its own address once per start");
    // Bounded, and filled with `try_send`: a receive task that waited for room would only move
    // the backlog into madsim's endpoint queue, which has no bound.
    let (inbox, mut arrivals) = tokio::sync::mpsc::channel::<Envelope>(INBOX_MAX);
    let (receiver, receiver_world) = (endpoint.clone(), world.clone());
    madsim::task::spawn(async move {
        while let Ok((payload, _)) = receiver.recv_from_raw(TAG).await {
            let envelope = *payload.downcast::<Envelope>().expect("only envelopes travel");
            match inbox.try_send(envelope) {
                Ok(()) => {}
                Err(TrySendError::Full(_)) => receiver_world.record_drop(),
                Err(TrySendError::Closed(_)) => break,
            }
        }
    });
    let disk = world.disks.lock().expect("no poisoned lock")[id as usize].clone();
    if let Some(disk) = disk {
        actor.restore(&disk);
    }
    let mut out = Outbox::default();
    actor.on_start(world.clock(id).local(world.now_us()), &mut out);
    flush(&world, &endpoint, id, out).await;
    let mut pending = Pending::new(PENDING_MAX);
    loop {
        let now = world.now_us();
        let clock = world.clock(id);
        let mut out = Outbox::default();
        let mut stepped = false;
        while let Some(envelope) = pending.pop_due(now) {
            world.record_delivery();
            actor.on_message(clock.local(now), envelope.from, envelope.message, &mut out);
            stepped = true;
        }
        let local = clock.local(now);
        if actor.next_timer_us().is_some_and(|timer| timer <= local) {
            actor.on_timer(local, &mut out);
            let next = actor.next_timer_us();
            assert!(next.is_none_or(|t| t > local), "node {id}: a timer must move forward ({next:?} at {local})");
            stepped = true;
        }
        if stepped {
            flush(&world, &endpoint, id, out).await;
            continue;
        }
        let timer = actor.next_timer_us().map(|local| clock.global(local));
        let wake = [timer, pending.next_due_us()].into_iter().flatten().min();
        let sleep = async {
            match wake {
                Some(at) => madsim::time::sleep_until(world.start + std::time::Duration::from_micros(at)).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            envelope = arrivals.recv() => {
                let Some(envelope) = envelope else { return };
                if pending.push(envelope).is_err() {
                    world.record_drop();
                }
            }
            () = sleep => {}
        }
    }
}

/// Sends the actor's messages over their links and records what it observed and saved.
async fn flush(world: &World, endpoint: &Endpoint, id: NodeId, out: Outbox) {
    for observation in out.observations {
        world.observe(id, observation);
    }
    if let Some(disk) = out.disk {
        world.disks.lock().expect("no poisoned lock")[id as usize] = Some(disk);
    }
    for send in out.sends {
        let delay = world.link_delay_us(id, send.to);
        world.record_send(id, send.to, delay.is_none());
        let Some(delay) = delay else { continue };
        let envelope =
            Envelope { from: id, deliver_at_us: world.now_us() + send.after_us + delay, message: send.message };
        // A closed or partitioned link drops the datagram, as UDP would; nothing to do here.
        let _ = endpoint.send_to_raw(address(send.to), TAG, Box::new(envelope)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(from: NodeId, deliver_at_us: u64) -> Envelope {
        Envelope { from, deliver_at_us, message: Message::SyncRequest { netuid: 1, weights: false } }
    }

    #[test]
    fn a_full_pending_queue_hands_back_the_newest_delivery_and_keeps_the_rest() {
        let mut pending = Pending::new(2);
        assert!(pending.push(envelope(1, 30)).is_ok());
        assert!(pending.push(envelope(2, 10)).is_ok());
        let refused = pending.push(envelope(3, 5)).expect_err("the queue holds two");
        assert_eq!(refused.from, 3);
        assert_eq!(pending.pop_due(100).map(|e| e.from), Some(2));
        assert!(pending.push(envelope(4, 20)).is_ok(), "a delivery taken makes room");
    }

    #[test]
    fn deliveries_leave_when_due_in_time_then_arrival_order() {
        let mut pending = Pending::new(PENDING_MAX);
        for (from, at) in [(1, 20), (2, 10), (3, 20), (4, 10)] {
            assert!(pending.push(envelope(from, at)).is_ok(), "room for {from}");
        }
        assert_eq!(pending.next_due_us(), Some(10));
        assert!(pending.pop_due(9).is_none(), "nothing is due before 10");
        let order: Vec<NodeId> = std::iter::from_fn(|| pending.pop_due(20)).map(|e| e.from).collect();
        assert_eq!(order, [2, 4, 1, 3]);
        assert_eq!(pending.next_due_us(), None);
    }
}
