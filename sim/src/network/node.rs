//! The driver of one node: it feeds the actor the messages its mailbox holds once their link's
//! latency has passed, and its timers, by the node's own clock, and sends what the actor sends
//! into the receivers' mailboxes. One task per node, whatever the traffic: no task per message,
//! and no receive task either (senders deliver straight into the mailbox, `mailbox.rs`).

use std::sync::Arc;
use std::task::Poll;

use tensorsim_actors::protocol::{Actor, NodeId, Outbox};

use super::world::World;

/// Runs `actor` as node `id` until the node is killed or the run ends.
pub async fn run_node(world: Arc<World>, id: NodeId, mut actor: Box<dyn Actor>) {
    let disk = world.disks.lock().expect("no poisoned lock")[id as usize].clone();
    if let Some(disk) = disk {
        actor.restore(&disk);
    }
    // One outbox for the node's life: emptied by each flush, its buffers kept.
    let mut out = Outbox::default();
    actor.on_start(world.clock(id).local(world.now_us()), &mut out);
    flush(&world, id, &mut out);
    loop {
        let now = world.now_us();
        let clock = world.clock(id);
        let mut delivered = 0;
        while let Some(envelope) = world.mailbox(id).pop_due(now) {
            delivered += 1;
            actor.on_message(clock.local(now), envelope.from, envelope.message, &mut out);
        }
        world.record_deliveries(delivered);
        let local = clock.local(now);
        if actor.next_timer_us().is_some_and(|timer| timer <= local) {
            actor.on_timer(local, &mut out);
            let next = actor.next_timer_us();
            assert!(next.is_none_or(|t| t > local), "node {id}: a timer must move forward ({next:?} at {local})");
        }
        flush(&world, id, &mut out);
        let timer = actor.next_timer_us().map(|local| clock.global(local));
        wait(&world, id, timer).await;
    }
}

/// Waits until the earlier of `timer_us` and the mailbox's next delivery is due. A sender that
/// puts an earlier delivery into the mailbox asks for the wake-up itself; any wake-up (an old
/// timer's, say) looks again.
async fn wait(world: &World, id: NodeId, timer_us: Option<u64>) {
    std::future::poll_fn(|cx| {
        let now = world.now();
        let mut mailbox = world.mailbox(id);
        let due = [timer_us, mailbox.next_due_us()].into_iter().flatten().min();
        if due.is_some_and(|at| at <= world.since_start_us(now)) {
            return Poll::Ready(());
        }
        mailbox.waiting(cx.waker());
        if let Some(at) = due {
            world.wake_by(&mut mailbox, at, now);
        }
        Poll::Pending
    })
    .await
}

/// Sends the actor's messages over their links and records what it observed and saved, leaving
/// `out` empty.
fn flush(world: &World, id: NodeId, out: &mut Outbox) {
    for observation in out.observations.drain(..) {
        world.observe(id, observation);
    }
    if let Some(disk) = out.disk.take() {
        world.disks.lock().expect("no poisoned lock")[id as usize] = Some(disk);
    }
    if !out.sends.is_empty() {
        world.send(id, out.sends.drain(..));
    }
}
