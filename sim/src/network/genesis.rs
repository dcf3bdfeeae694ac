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
use tensorsim_chain::staking::{ROOT_NETUID, StakeRefused};
use tensorsim_chain::state::{Chain, NetworkParameters};

use crate::scenario::{GenesisStake, NodePlan, Plan, Role, TaskSpec};

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
    /// By subnet (its place in the scenario): its owner's keys.
    pub owners: Vec<(ColdkeyId, HotkeyId)>,
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
        chain.set_network_registration_parameters(plan.network_registration.clone());
        let tasks: Vec<Arc<TaskData>> = plan
            .subnets
            .iter()
            .map(|subnet| match subnet.task {
                TaskSpec::Digits => Arc::new(TaskData::digits(plan.seed)),
                TaskSpec::Text => Arc::new(TaskData::text(plan.seed)),
            })
            .collect();
        let mut owners = Vec::with_capacity(plan.subnets.len());
        for (index, subnet) in plan.subnets.iter().enumerate() {
            // A subnet registered mid-run: its owner holds what pays the lock, and waits.
            let Some(genesis_netuid) = subnet.netuid else {
                let balance_rao = subnet.registration.as_ref().map_or(0, |r| r.owner_balance_rao);
                let owner = chain.create_coldkey(balance_rao);
                owners.push((owner, chain.create_hotkey(owner)));
                continue;
            };
            let owner = chain.create_coldkey(subnet.pool_tao_rao + BALANCE_RAO);
            let owner_hotkey = chain.create_hotkey(owner);
            owners.push((owner, owner_hotkey));
            let pool = Pool { tao_rao: subnet.pool_tao_rao, alpha_rao: subnet.pool_tao_rao };
            let netuid = chain
                .create_subnet(owner_hotkey, subnet.hyperparameters.clone(), pool, U64F64::from_num(1))
                .map_err(|e| GenesisError(format!("subnets[{index}]: {e:?}")))?;
            assert_eq!(netuid, genesis_netuid, "genesis subnets are created in plan order");
            chain.start_emission(netuid);
        }
        let mut keys = vec![None; plan.nodes.len()];
        // Validators first, then miners: the UIDs of a subnet follow the scenario's order.
        for pass in [true, false] {
            for (id, node) in plan.nodes.iter().enumerate() {
                let (subnet, stake, late) = match &node.role {
                    Role::Validator { subnet, stake, .. } if pass => (*subnet, *stake, false),
                    Role::Miner { subnet, policy, .. } if !pass => {
                        (*subnet, GenesisStake::TaoRao(0), !policy.registers_at_genesis())
                    }
                    _ => continue,
                };
                let netuid = plan.subnets[subnet].netuid;
                let tao_rao = match stake {
                    GenesisStake::TaoRao(tao_rao) => tao_rao,
                    GenesisStake::AlphaRao(_) => 0,
                };
                let coldkey = chain.create_coldkey(BALANCE_RAO + tao_rao);
                let hotkey = chain.create_hotkey(coldkey);
                keys[id] = Some((coldkey, hotkey));
                // Actors of a subnet registered mid-run join it once it exists (the chain node
                // registers them, and validators buy their stake with this balance).
                let Some(netuid) = netuid.filter(|_| !late) else { continue };
                chain
                    .register_at_genesis(coldkey, hotkey, netuid)
                    .map_err(|e| GenesisError(format!("{}: cannot register at genesis: {e}", node.name)))?;
                stake_at_genesis(&mut chain, plan, (coldkey, hotkey), netuid, stake)
                    .map_err(|e| GenesisError(format!("{}: cannot stake at genesis: {e}", node.name)))?;
            }
        }
        if plan.profile.tokenomics == Tokenomics::PreDtao {
            root_network_at_genesis(&mut chain, plan, &keys)?;
        }
        // A genesis epoch without emission: permits and stored outputs as if the subnet had been
        // running, so validators hold permits (and miners answer them) from the first block.
        for netuid in plan.subnets.iter().filter_map(|subnet| subnet.netuid) {
            chain.refresh_stake_weights(netuid);
            chain.subnet_mut(netuid).metagraph.run_epoch(0, 0);
        }
        let started = std::time::Instant::now();
        let models = train_models(plan, &tasks, progress);
        let training_seconds = started.elapsed().as_secs_f64();
        Ok(Self { chain, owners, tasks, keys, models, training_seconds })
    }

    /// Where every hotkey serves at genesis: miners registered at genesis serve at their node.
    pub fn axons(&self, plan: &Plan) -> BTreeMap<HotkeyId, NodeId> {
        plan.nodes
            .iter()
            .enumerate()
            .filter_map(|(id, node)| match &node.role {
                Role::Miner { subnet, policy, .. }
                    if policy.registers_at_genesis() && plan.subnets[*subnet].netuid.is_some() =>
                {
                    self.keys[id].map(|(_, hotkey)| (hotkey, id as NodeId))
                }
                _ => None,
            })
            .collect()
    }
}

/// A validator's genesis stake, in node order: TAO bought as alpha through its subnet's pool (or
/// before dTAO, when stake was TAO per hotkey, staked on root as the chain had it), or alpha
/// issued to it as it is. Nothing for nothing.
fn stake_at_genesis(
    chain: &mut Chain,
    plan: &Plan,
    (coldkey, hotkey): (ColdkeyId, HotkeyId),
    netuid: u16,
    stake: GenesisStake,
) -> Result<(), StakeRefused> {
    match stake {
        GenesisStake::TaoRao(0) | GenesisStake::AlphaRao(0) => Ok(()),
        GenesisStake::TaoRao(tao_rao) => {
            let stake_netuid = match plan.profile.tokenomics {
                Tokenomics::PreDtao => ROOT_NETUID,
                Tokenomics::Dtao => netuid,
            };
            chain.add_stake(coldkey, hotkey, stake_netuid, tao_rao).map(|_| ())
        }
        GenesisStake::AlphaRao(alpha_rao) => chain.stake_alpha_at_genesis(coldkey, hotkey, netuid, alpha_rao),
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
    let netuids: Vec<u16> = plan.subnets.iter().filter_map(|subnet| subnet.netuid).collect();
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

#[cfg(test)]
mod tests {
    use super::Genesis;
    use crate::scenario::Plan;

    /// Seven honest validators staking 1 000 to 7 000 TAO (28 000 in all), then a cabal of three
    /// stating `STAKE`; a pool of 100 000 TAO and alpha; tiny models (they are not the point).
    const SCENARIO: &str = "
version: 1
name: stakes
seed: 1
profile: PROFILE
duration: {tempos: 1}
subnets:
  - name: digits
    task: digits
    hyperparameters: {tempo: 10}
    validators:
      - {name: honest, count: 7, stake_tao: {from: 1000, to: 7000}}
      - {name: cabal, count: 3, policy: {cabal: {miners: [friends]}}, STAKE}
    miners:
      - {name: miners, count: 2, model: {hidden: 2, epochs: 1, data_percent: 10}}
      - {name: friends, count: 1, model: {hidden: 2, epochs: 1, data_percent: 10}}
";
    /// The cabal's UIDs: after the seven honest validators.
    const CABAL_UIDS: std::ops::Range<usize> = 7..10;

    fn genesis(profile: &str, stake: &str) -> (Plan, Genesis) {
        let plan = Plan::parse(&SCENARIO.replace("PROFILE", profile).replace("STAKE", stake), None).unwrap();
        let genesis = Genesis::build(&plan, &mut |_, _| {}).unwrap();
        (plan, genesis)
    }

    /// The cabal's part of the subnet's stake weight (its UIDs' u16 over 65 535) in the first epoch
    /// the chain runs after genesis, the books checked after every block up to it.
    fn cabal_part_at_first_epoch(genesis: &mut Genesis) -> f64 {
        for _ in 0..100 {
            let report = genesis.chain.step_block();
            assert_eq!(genesis.chain.conservation(), Ok(()), "after block {}", report.block);
            if let Some((_, output)) = report.epochs.first() {
                let held: u32 = output.stake_weight[CABAL_UIDS].iter().map(|&s| u32::from(s)).sum();
                return f64::from(held) / 65_535.0;
            }
        }
        panic!("no epoch in 100 blocks of tempo 10");
    }

    /// Each UID's u16 floors its share: the group may fall short of its share by one per UID.
    const ROUNDING: f64 = 3.0 / 65_535.0;

    #[test]
    fn a_cabal_stating_a_share_of_0_30_holds_0_30_of_stake_weight_at_the_first_epoch_where_tao_bought_less() {
        // A share sized from the TAO stated, or from the pool before the honest stakes' swaps,
        // or issued where the epoch does not read it, misses 0.30.
        let (_, mut shared) = genesis("head-2026", "stake_share: 0.3");
        let part = cabal_part_at_first_epoch(&mut shared);
        assert!((0.3 - ROUNDING..=0.3).contains(&part), "{part}");
        // 12 000 TAO beside 28 000 is 0.30 of the TAO; bought last through the pool, 78 125 ·
        // 12 000 / 140 000 alpha beside the honest 21 875: 15/64 = 0.234375.
        let (_, mut bought) = genesis("head-2026", "stake_tao: 4000");
        let part = cabal_part_at_first_epoch(&mut bought);
        assert!((0.234375 - ROUNDING..=0.234375).contains(&part), "{part}");
    }

    #[test]
    fn before_dtao_a_share_is_tao_on_root_and_holds_its_part_at_the_first_epoch() {
        // Sized from the alpha the honest TAO would have bought (through a pool no stake goes
        // through before dTAO), the cabal would hold 9 375 TAO beside 28 000: 0.251.
        let (_, mut genesis) = genesis("legacy-2024", "stake_share: 0.3");
        let part = cabal_part_at_first_epoch(&mut genesis);
        assert!((0.3 - ROUNDING..=0.3).contains(&part), "{part}");
    }

    #[test]
    fn alpha_stated_is_exactly_the_alpha_each_validator_holds_at_genesis() {
        // Bought instead of issued, 500 TAO would buy 299 to 304 alpha (the honest stakes raised
        // the price to 1.64 TAO).
        let (plan, mut genesis) = genesis("head-2026", "stake_alpha: 500");
        for (node, keys) in plan.nodes.iter().zip(&genesis.keys).filter(|(node, _)| node.group == "cabal") {
            let (coldkey, hotkey) = keys.unwrap();
            assert_eq!(genesis.chain.stake_of(coldkey, hotkey, 1), 500_000_000_000, "{}", node.name);
        }
        // 1 500 alpha beside the 21 875 that 28 000 TAO bought.
        let part = cabal_part_at_first_epoch(&mut genesis);
        assert!((1_500.0 / 23_375.0 - ROUNDING..=1_500.0 / 23_375.0).contains(&part), "{part}");
    }
}
