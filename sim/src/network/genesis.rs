//! The run's starting state: the chain at block 0 (subnets, every neuron registered but the late
//! ones, validators staked), each subnet's task data, and every miner's trained model. Models are
//! trained here, before the network starts, in node order on this one thread: the same seed gives
//! the same bits, and their cost is measured apart from the network's.

use std::collections::BTreeMap;
use std::sync::Arc;

use tensorsim_actors::miner::policies::ModelSource;
use tensorsim_actors::ml::task::{Model, ModelSpec, TaskData};
use tensorsim_actors::protocol::NodeId;
use tensorsim_chain::accounts::{ColdkeyId, HotkeyId};
use tensorsim_chain::fixed::U64F64;
use tensorsim_chain::hyperparameters::Hyperparameters;
use tensorsim_chain::pool::Pool;
use tensorsim_chain::profile::Tokenomics;
use tensorsim_chain::root::RootRefused;
use tensorsim_chain::staking::ROOT_NETUID;
use tensorsim_chain::state::{Chain, NetworkParameters};

use crate::scenario::{NodePlan, Plan, Role, TaskSpec};

const BALANCE_RAO: u64 = crate::scenario::ACTOR_BALANCE_TAO * 1_000_000_000;

/// A miner's model and what the report says of it.
pub struct TrainedModel {
    pub model: Arc<Model>,
    pub spec: ModelSpec,
    pub held_out_nll: f64,
    pub held_out_accuracy: f64,
}

pub struct Genesis {
    pub chain: Chain,
    pub tasks: Vec<Arc<TaskData>>,
    /// By node: its keys (the chain has none).
    pub keys: Vec<Option<(ColdkeyId, HotkeyId)>>,
    /// By node: the model it serves, if any.
    pub models: Vec<Option<TrainedModel>>,
    /// Wall time spent training, in seconds (for the benchmark's breakdown, never the report).
    pub training_seconds: f64,
}

#[derive(Debug)]
pub struct GenesisError(pub String);

impl Genesis {
    pub fn build(plan: &Plan, progress: &mut dyn FnMut(usize, usize)) -> Result<Self, GenesisError> {
        let network = Hyperparameters::default();
        let mut chain = Chain::with_profile(NetworkParameters::from_hyperparameters(&network), plan.profile);
        let tasks: Vec<Arc<TaskData>> = plan
            .subnets
            .iter()
            .map(|subnet| match subnet.task {
                TaskSpec::Digits => Arc::new(TaskData::digits(plan.seed)),
                TaskSpec::Text => Arc::new(TaskData::text(plan.seed)),
            })
            .collect();
        for subnet in &plan.subnets {
            let owner = chain.create_coldkey(subnet.pool_tao_rao + BALANCE_RAO);
            let owner_hotkey = chain.create_hotkey(owner);
            let pool = Pool { tao_rao: subnet.pool_tao_rao, alpha_rao: subnet.pool_tao_rao };
            let netuid = chain
                .create_subnet(owner_hotkey, subnet.hyperparameters.clone(), pool, U64F64::from_num(1))
                .map_err(|e| GenesisError(format!("subnets[{}]: {e:?}", subnet.netuid - 1)))?;
            assert_eq!(netuid, subnet.netuid, "subnets are created in plan order");
            chain.start_emission(netuid);
        }
        let mut keys = vec![None; plan.nodes.len()];
        // Validators first, then miners: the UIDs of a subnet follow the scenario's order.
        for pass in [true, false] {
            for (id, node) in plan.nodes.iter().enumerate() {
                let (subnet, stake_rao, late) = match &node.role {
                    Role::Validator { subnet, stake_rao, .. } if pass => (*subnet, *stake_rao, false),
                    Role::Miner { subnet, policy, .. } if !pass => (*subnet, 0, !policy.registers_at_genesis()),
                    _ => continue,
                };
                let coldkey = chain.create_coldkey(BALANCE_RAO + stake_rao);
                let hotkey = chain.create_hotkey(coldkey);
                keys[id] = Some((coldkey, hotkey));
                if late {
                    continue;
                }
                let netuid = plan.subnets[subnet].netuid;
                chain
                    .register_at_genesis(coldkey, hotkey, netuid)
                    .map_err(|e| GenesisError(format!("{}: cannot register at genesis: {e}", node.name)))?;
                if stake_rao > 0 {
                    chain
                        .add_stake(coldkey, hotkey, stake_netuid(plan, netuid), stake_rao)
                        .map_err(|e| GenesisError(format!("{}: cannot stake at genesis: {e}", node.name)))?;
                }
            }
        }
        if plan.profile.tokenomics == Tokenomics::PreDtao {
            root_network_at_genesis(&mut chain, plan, &keys)?;
        }
        // A genesis epoch without emission: permits and stored outputs as if the subnet had been
        // running, so validators hold permits (and miners answer them) from the first block.
        for subnet in &plan.subnets {
            chain.refresh_stake_weights(subnet.netuid);
            chain.subnet_mut(subnet.netuid).metagraph.run_epoch(0, 0);
        }
        let started = std::time::Instant::now();
        let models = train_models(plan, &tasks, progress);
        let training_seconds = started.elapsed().as_secs_f64();
        Ok(Self { chain, tasks, keys, models, training_seconds })
    }

    /// Where every hotkey serves at genesis: miners registered at genesis serve at their node.
    pub fn axons(&self, plan: &Plan) -> BTreeMap<HotkeyId, NodeId> {
        plan.nodes
            .iter()
            .enumerate()
            .filter_map(|(id, node)| match &node.role {
                Role::Miner { policy, .. } if policy.registers_at_genesis() => {
                    self.keys[id].map(|(_, hotkey)| (hotkey, id as NodeId))
                }
                _ => None,
            })
            .collect()
    }
}

/// Where a validator's genesis stake goes: on its subnet, or before dTAO (when stake was TAO per
/// hotkey) on root, as the chain had it.
fn stake_netuid(plan: &Plan, netuid: u16) -> u16 {
    match plan.profile.tokenomics {
        Tokenomics::PreDtao => ROOT_NETUID,
        Tokenomics::Dtao => netuid,
    }
}

/// Before dTAO, emission reaches a subnet only through the root network's weights: every
/// validator joins root (the chain keeps the most staked when it is full) and weights every
/// subnet equally, so that each subnet emits as a running network's would. A refusal other than
/// the full root network's is a genesis the chain would not have.
fn root_network_at_genesis(
    chain: &mut Chain,
    plan: &Plan,
    keys: &[Option<(ColdkeyId, HotkeyId)>],
) -> Result<(), GenesisError> {
    let validators: Vec<(&str, HotkeyId)> = plan
        .nodes
        .iter()
        .zip(keys)
        .filter(|(node, _)| matches!(node.role, Role::Validator { .. }))
        .filter_map(|(node, keys)| keys.map(|(_, hotkey)| (node.name.as_str(), hotkey)))
        .collect();
    let netuids: Vec<u16> = plan.subnets.iter().map(|subnet| subnet.netuid).collect();
    let equal = vec![u16::MAX; netuids.len()];
    let refused = |name: &str, what: &str, e: RootRefused| GenesisError(format!("{name}: cannot {what}: {e:?}"));
    for &(name, hotkey) in &validators {
        match chain.root_register(hotkey) {
            Ok(()) | Err(RootRefused::StakeTooLow { .. }) => {}
            Err(e) => return Err(refused(name, "join the root network at genesis", e)),
        }
    }
    for &(name, hotkey) in &validators {
        match chain.set_root_weights(hotkey, &netuids, &equal) {
            // A validator the full root network did not take sets no root weights.
            Ok(()) | Err(RootRefused::NotMember) => {}
            Err(e) => return Err(refused(name, "set root weights at genesis", e)),
        }
    }
    Ok(())
}

/// Each miner's model, as its policy's `model_source` says: its own, a checkpoint of it, the one
/// model of its group, or (a copycat) its target's, the same model shared.
fn train_models(
    plan: &Plan,
    tasks: &[Arc<TaskData>],
    progress: &mut dyn FnMut(usize, usize),
) -> Vec<Option<TrainedModel>> {
    let trains = |node: &NodePlan| {
        matches!(&node.role, Role::Miner { policy, .. }
            if !matches!(policy.model_source(), ModelSource::None | ModelSource::Target))
    };
    let total = plan.nodes.iter().filter(|node| trains(node)).count();
    let mut done = 0;
    let mut by_group: BTreeMap<String, Arc<Model>> = BTreeMap::new();
    let mut models: Vec<Option<TrainedModel>> = plan
        .nodes
        .iter()
        .map(|node| {
            let Role::Miner { subnet, policy, model: spec } = &node.role else { return None };
            let task = &tasks[*subnet];
            let mut spec = *spec;
            let model = match policy.model_source() {
                ModelSource::None | ModelSource::Target => return None,
                ModelSource::SharedByGroup => by_group
                    .entry(node.group.clone())
                    .or_insert_with(|| Arc::new(task.train(&spec, plan.seed, &format!("miner/{}", node.group))))
                    .clone(),
                own_or_checkpoint => {
                    if let ModelSource::Checkpoint { epochs } = own_or_checkpoint {
                        spec.epochs = spec.epochs.min(epochs);
                    }
                    Arc::new(task.train(&spec, plan.seed, &format!("miner/{}", node.name)))
                }
            };
            done += 1;
            progress(done, total);
            let (held_out_nll, held_out_accuracy) = task.evaluate(&model);
            Some(TrainedModel { model, spec, held_out_nll, held_out_accuracy })
        })
        .collect();
    copy_targets(plan, &mut models);
    models
}

/// A copycat gets its target's trained model (scenario validation made the target one miner that
/// trains its own).
fn copy_targets(plan: &Plan, models: &mut [Option<TrainedModel>]) {
    for (id, node) in plan.nodes.iter().enumerate() {
        let Role::Miner { policy, .. } = &node.role else { continue };
        let Some(reference) = policy.referenced_miner() else { continue };
        let target = plan.node_named(reference.name).expect("the target was resolved") as usize;
        let original = models[target].as_ref().expect("the target trains a model");
        let copy = TrainedModel { model: original.model.clone(), ..*original };
        models[id] = Some(copy);
    }
}
