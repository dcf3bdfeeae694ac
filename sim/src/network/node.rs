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

use super::world::World;

/// The datagram tag of every envelope.
const TAG: u64 = 1;

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

/// Runs `actor` as node `id` until the node is killed or the run ends.
pub async fn run_node(world: Arc<World>, id: NodeId, mut actor: Box<dyn Actor>) {
    let endpoint = Endpoint::bind(address(id)).await.expect("each node binds its own address once per start");
    let (inbox, mut arrivals) = tokio::sync::mpsc::unbounded_channel::<Envelope>();
    let receiver = endpoint.clone();
    madsim::task::spawn(async move {
        while let Ok((payload, _)) = receiver.recv_from_raw(TAG).await {
            let envelope = *payload.downcast::<Envelope>().expect("only envelopes travel");
            if inbox.send(envelope).is_err() {
                break;
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
    let mut pending: BinaryHeap<Reverse<Due>> = BinaryHeap::new();
    let mut arrived = 0u64;
    loop {
        let now = world.now_us();
        let clock = world.clock(id);
        let mut out = Outbox::default();
        let mut stepped = false;
        while pending.peek().is_some_and(|Reverse(due)| due.0 <= now) {
            let Reverse(Due(_, _, envelope)) = pending.pop().expect("peeked");
            world.recorder.lock().expect("no poisoned lock").messages_delivered += 1;
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
        let wake = [timer, pending.peek().map(|Reverse(due)| due.0)].into_iter().flatten().min();
        let sleep = async {
            match wake {
                Some(at) => madsim::time::sleep_until(world.start + std::time::Duration::from_micros(at)).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            envelope = arrivals.recv() => {
                let Some(envelope) = envelope else { return };
                arrived += 1;
                pending.push(Reverse(Due(envelope.deliver_at_us, arrived, envelope)));
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
        {
            let mut recorder = world.recorder.lock().expect("no poisoned lock");
            recorder.messages_sent += 1;
            if delay.is_none() {
                recorder.messages_lost += 1;
            }
        }
        let Some(delay) = delay else { continue };
        let envelope =
            Envelope { from: id, deliver_at_us: world.now_us() + send.after_us + delay, message: send.message };
        // A closed or partitioned link drops the datagram, as UDP would; nothing to do here.
        let _ = endpoint.send_to_raw(address(send.to), TAG, Box::new(envelope)).await;
    }
}
