//! `tensorsim run`: the whole network on madsim. The chain, every validator and every miner are
//! nodes on madsim's simulated network and virtual time, seeded from the scenario; a supervisor
//! applies the fault plan when the chain reaches each fault's block; the world's recorder
//! collects what the report needs and hands it over as a plain `RunRecord`.
//!
//! madsim supplies virtual time, timers, seeded scheduling and kill/restart. The network is ours:
//! per-link latency and loss, the fault plan's cuts (partitions, a node offline, a crashed
//! receiver) and per-node clocks (`world.rs`); a sender puts each message into its receiver's
//! mailbox (`mailbox.rs`), which each node's driver (`node.rs`) empties as deliveries fall due.

pub mod genesis;
mod mailbox;
mod node;
mod registrations;
mod world;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use tensorsim_actors::chain_node::ChainNode;
use tensorsim_actors::miner::policies as miner_policies;
use tensorsim_actors::miner::{Miner, MinerConfig};
use tensorsim_actors::ml::task::{Model, TaskData};
use tensorsim_actors::protocol::{Actor, NodeId, US_PER_MS};
use tensorsim_actors::validator::answer_store::{AnswerStore, SharedAnswers};
use tensorsim_actors::validator::policies as validator_policies;
use tensorsim_actors::validator::{Validator, ValidatorConfig};
use tensorsim_chain::accounts::{ColdkeyId, HotkeyId};

use crate::record::{ModelRecord, RunRecord, WallSeconds};
use crate::scenario::{NodeFault, Plan, Role};
use genesis::Genesis;
use world::{Clock, Link, World};

/// How often (in blocks) the supervisor makes madsim forget finished tasks: madsim keeps a
/// record of every task until its metrics are read.
const PRUNE_EVERY_BLOCKS: u64 = 64;
/// Floating-point operations per µs of a miner's hardware (a modest CPU core).
const MINER_FLOPS_PER_US: u64 = 2_000;

/// Builds every node's actor, afresh at each (re)start.
struct Factory {
    plan: Plan,
    genesis: Mutex<Option<ChainNode>>,
    tasks: Vec<Arc<TaskData>>,
    /// By subnet, the answer store its validators share (a storage detail of their duplicate
    /// rule's memory): it outlives a validator's restart, as the subnet's.
    answers: Vec<SharedAnswers>,
    models: Vec<Option<Arc<Model>>>,
    keys: Vec<Option<(ColdkeyId, HotkeyId)>>,
}

impl Factory {
    /// Node `id`'s actor; `netuid` is its subnet's (the chain's node has none).
    fn actor(&self, id: NodeId, netuid: Option<u16>) -> Box<dyn Actor> {
        let node = &self.plan.nodes[id as usize];
        let block_time_us = self.plan.block_time_ms * US_PER_MS;
        let seed = self.plan.seed;
        match &node.role {
            Role::Chain => {
                Box::new(self.genesis.lock().expect("no poisoned lock").take().expect("the chain starts once"))
            }
            Role::Validator { subnet, policy, .. } => {
                let subnet_plan = &self.plan.subnets[*subnet];
                let v = &subnet_plan.validation;
                let (_, hotkey) = self.keys[id as usize].expect("validators have keys");
                let config = ValidatorConfig {
                    name: node.name.clone(),
                    seed,
                    hotkey,
                    netuid: netuid.expect("a validator's subnet lives when it starts"),
                    chain: 0,
                    block_time_us,
                    query_interval_us: v.query_interval_ms.get() * US_PER_MS,
                    sample_size: v.sample_size.get() as usize,
                    rows_per_query: v.rows_per_query.get() as usize,
                    timeout_us: v.timeout_ms.get() * US_PER_MS,
                    score_alpha: v.score_alpha.0,
                    weights_interval_blocks: v
                        .weights_interval_blocks
                        .map_or(u64::from(subnet_plan.hyperparameters.tempo).max(1), |b| b.get()),
                    sync_interval_blocks: v.sync_interval_blocks.get(),
                    duplicates: v.duplicates,
                };
                let members = |group: &str| -> Vec<_> {
                    self.plan
                        .nodes
                        .iter()
                        .enumerate()
                        .filter(|(_, n)| n.group == group)
                        .filter_map(|(i, _)| self.keys[i].map(|(_, hotkey)| hotkey))
                        .collect()
                };
                let policy = validator_policies::build(policy, &members);
                let (task, answers) = (self.tasks[*subnet].clone(), self.answers[*subnet].clone());
                Box::new(Validator::new(config, task, policy, answers))
            }
            Role::Miner { subnet, policy, register_at_block, leave_at_block, .. } => {
                let (_, hotkey) = self.keys[id as usize].expect("miners have keys");
                let config = MinerConfig {
                    name: node.name.clone(),
                    hotkey,
                    seed,
                    netuid: netuid.expect("a miner's subnet lives when it starts"),
                    node: id,
                    chain: 0,
                    block_time_us,
                    register_at_block: *register_at_block,
                    leave_at_block: *leave_at_block,
                    commit_at_block: policy.commit_at_block(),
                    flops_per_us: MINER_FLOPS_PER_US,
                    sync_interval_blocks: self.plan.subnets[*subnet].validation.sync_interval_blocks.get(),
                };
                let task = &self.tasks[*subnet];
                let policy = miner_policies::build(policy, task, self.plan.subnets[*subnet].validation.data);
                Box::new(Miner::new(config, policy, self.models[id as usize].clone(), task.clone()))
            }
        }
    }
}

/// Why a run did not finish.
#[derive(Debug)]
pub enum RunError {
    /// The scenario asks for a genesis the chain refuses (a stake below the minimum, say).
    Genesis(String),
    /// The simulation itself failed: a bug of tensorsim.
    Bug(String),
}

/// Runs `plan` to its last block. `progress` hears (phase, done, total): training on this
/// thread, then blocks from the simulation's.
pub fn run(plan: &Plan, progress: &mut (dyn FnMut(&str, u64, u64) + Send)) -> Result<RunRecord, RunError> {
    let genesis = Genesis::build(plan, &mut |done, total| progress("training", done as u64, total as u64))
        .map_err(|e| RunError::Genesis(e.0))?;
    let axons = genesis.axons(plan);
    let signers: BTreeMap<NodeId, _> =
        genesis.keys.iter().enumerate().filter_map(|(id, keys)| keys.map(|k| (id as NodeId, k))).collect();
    let stake_actions = genesis.stake_actions(plan);
    let Genesis { chain, owners, tasks, keys, models, training_seconds, .. } = genesis;
    let chain_node = ChainNode::new(
        chain,
        registrations::scenario_subnets(plan, &owners),
        plan.block_time_ms * US_PER_MS,
        signers,
        axons,
        plan.producer_faults.clone(),
        plan.upgrades.clone(),
    )
    .with_owner_actions(plan.owner_actions.clone())
    .with_registrations(registrations::subnet_registrations(plan))
    .with_stake_actions(stake_actions);
    let factory = Arc::new(Factory {
        plan: plan.clone(),
        genesis: Mutex::new(Some(chain_node)),
        answers: tasks.iter().map(|task| AnswerStore::shared(task.classes())).collect(),
        tasks,
        models: models.iter().map(|m| m.as_ref().map(|m| m.model.clone())).collect(),
        keys: keys.clone(),
    });
    let started = std::time::Instant::now();
    let world =
        std::thread::scope(|scope| scope.spawn(move || simulate(plan, factory, progress)).join()).map_err(|panic| {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            RunError::Bug(format!("the simulation stopped on a bug: {message}"))
        })?;
    let wall = WallSeconds { training: training_seconds, network: started.elapsed().as_secs_f64() };
    let hotkeys = keys.iter().map(|k| k.map(|(_, hotkey)| hotkey)).collect();
    let models = models
        .iter()
        .map(|trained| {
            trained.as_ref().map(|t| ModelRecord {
                spec: t.spec,
                held_out_accuracy: t.held_out_accuracy,
                held_out_nll: t.held_out_nll,
            })
        })
        .collect();
    let owner_hotkeys = owners.iter().map(|&(_, hotkey)| hotkey).collect();
    Ok(world.take_record(hotkeys, owner_hotkeys, models, wall))
}

/// The madsim part, on its own thread (madsim's runtime wants a fresh one).
fn simulate(plan: &Plan, factory: Arc<Factory>, progress: &mut (dyn FnMut(&str, u64, u64) + Send)) -> Arc<World> {
    let runtime = madsim::runtime::Runtime::with_seed_and_config(plan.seed, madsim::Config::default());
    let plan = plan.clone();
    runtime.block_on(async move {
        let subnet_of = plan
            .nodes
            .iter()
            .map(|node| match node.role {
                Role::Chain => None,
                Role::Validator { subnet, .. } | Role::Miner { subnet, .. } => Some(subnet),
            })
            .collect();
        let world = Arc::new(World::new(&plan, subnet_of));
        let handle = madsim::runtime::Handle::current();
        let mut blocks = world.blocks.subscribe();
        let nodes: Vec<_> = (0..plan.nodes.len() as NodeId)
            .map(|id| {
                let (world, factory) = (world.clone(), factory.clone());
                handle
                    .create_node()
                    .name(plan.nodes[id as usize].name.clone())
                    .init(move || start_node(world.clone(), factory.clone(), id))
                    .build()
            })
            .collect();
        let mut next_fault = 0;
        loop {
            if blocks.changed().await.is_err() {
                break;
            }
            let block = *blocks.borrow_and_update();
            while let Some(scheduled) = plan.faults.get(next_fault).filter(|f| f.at_block <= block) {
                next_fault += 1;
                let at_us = world.now_us();
                tracing::info!(block, fault = %scheduled.description, "fault applied");
                world.record_fault(block, at_us, &scheduled.description);
                apply(&scheduled.fault, &world, &handle, &nodes, at_us);
            }
            for subnet in world.take_dissolved() {
                // Its actors stop with it: a netuid the chain gives the next subnet is not theirs.
                for (id, _) in world.subnet_of.iter().enumerate().filter(|(_, s)| **s == Some(subnet)) {
                    world.stop(id as NodeId);
                    handle.kill(nodes[id].id());
                }
            }
            if block.is_multiple_of(PRUNE_EVERY_BLOCKS) {
                let _ = handle.metrics().num_tasks();
            }
            progress("blocks", block.min(plan.blocks), plan.blocks);
            if block >= plan.blocks {
                break;
            }
        }
        world
    })
}

/// Node `id`'s actor, run once its subnet lives: at once for the chain and a genesis subnet's
/// actors; a subnet registered mid-run's wait for its registration, and never start if the chain
/// refuses it (or it was dissolved before a restart).
async fn start_node(world: Arc<World>, factory: Arc<Factory>, id: NodeId) {
    let netuid = match world.subnet_of[id as usize] {
        None => None,
        Some(subnet) => match world.living_netuid(subnet).await {
            Some(netuid) => Some(netuid),
            None => return,
        },
    };
    node::run_node(world.clone(), id, factory.actor(id, netuid)).await
}

fn apply(
    fault: &NodeFault,
    world: &World,
    handle: &madsim::runtime::Handle,
    nodes: &[madsim::runtime::NodeHandle],
    at_us: u64,
) {
    let id = |node: &NodeId| nodes[*node as usize].id();
    match fault {
        NodeFault::Crash { nodes: targets } => {
            for node in targets {
                world.crash(*node);
                handle.kill(id(node));
            }
        }
        NodeFault::Restart { nodes: targets } => {
            for node in targets {
                world.restart(*node);
                // A restart of a running node (overlapping crash windows) is a crash first: its
                // task must not run beside the new one.
                handle.kill(id(node));
                handle.restart(id(node));
            }
        }
        NodeFault::Offline { .. } | NodeFault::Online { .. } | NodeFault::Partition { .. } | NodeFault::Heal { .. } => {
            cut(fault, world);
        }
        NodeFault::Link { from, to, latency, loss } => {
            let mut links = world.links.lock().expect("no poisoned lock");
            for x in from {
                for y in to {
                    let link = links.get(&(*x, *y)).copied().unwrap_or(world.default_link);
                    let link = Link { latency: latency.unwrap_or(link.latency), loss: loss.unwrap_or(link.loss) };
                    links.insert((*x, *y), link);
                }
            }
        }
        NodeFault::LinkReset { from, to } => {
            let mut links = world.links.lock().expect("no poisoned lock");
            for x in from {
                for y in to {
                    links.remove(&(*x, *y));
                }
            }
        }
        NodeFault::Chain => {}
        NodeFault::ClockSkew { nodes: targets, offset_ms, drift_ppm } => {
            let mut clocks = world.clocks.lock().expect("no poisoned lock");
            for node in targets {
                // The clock jumps by the offset now and drifts from here, continuing from where
                // it read (so a second skew composes with the first).
                let reading = clocks[*node as usize].local(at_us);
                clocks[*node as usize] = Clock {
                    offset_us: reading as i64 - at_us as i64 + offset_ms * 1_000,
                    drift_ppm: *drift_ppm,
                    since_us: at_us,
                };
            }
        }
    }
}

/// Nodes offline or online, a partition or its healing: the world's cuts, which senders read
/// (a message already on its way arrives).
fn cut(fault: &NodeFault, world: &World) {
    let mut cuts = world.cuts.lock().expect("no poisoned lock");
    match fault {
        NodeFault::Offline { nodes } | NodeFault::Online { nodes } => {
            let offline = matches!(fault, NodeFault::Offline { .. });
            for node in nodes {
                cuts.offline[*node as usize] = offline;
            }
        }
        NodeFault::Partition { sides } => between_sides(sides, |x, y| {
            cuts.partitioned.insert((*x, *y));
        }),
        NodeFault::Heal { sides } => between_sides(sides, |x, y| {
            cuts.partitioned.remove(&(*x, *y));
        }),
        _ => unreachable!("only cuts come here"),
    }
}

/// Calls `link` on each direction between nodes of different sides.
fn between_sides(sides: &[Vec<NodeId>], mut link: impl FnMut(&NodeId, &NodeId)) {
    for (a, side) in sides.iter().enumerate() {
        for other in &sides[a + 1..] {
            for x in side {
                for y in other {
                    link(x, y);
                    link(y, x);
                }
            }
        }
    }
}
