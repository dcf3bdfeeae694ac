//! Scenarios: the YAML schema (`types`), and the checked, resolved [`Plan`] a run executes. Every
//! name a scenario uses (groups, nodes, subnets, profiles) is resolved here, so that a run never
//! meets a bad reference; errors name the field, and the line and column where the parser knows.

pub mod types;

use std::collections::BTreeSet;

use tensorsim_actors::miner::policies::MinerPolicySpec;
use tensorsim_actors::ml::task::ModelSpec;
use tensorsim_actors::protocol::NodeId;
use tensorsim_actors::validator::policies::ValidatorPolicySpec;
use tensorsim_chain::hyperparameters::Hyperparameters;
use tensorsim_chain::profile::{self, Profile};

use crate::yaml::{self, YamlError};
pub use types::*;

/// The most nodes (validators, miners and the chain) a run holds.
pub const NODES_MAX: usize = 8_192;
pub const SUBNETS_MAX: usize = 64;
pub const FAULTS_MAX: usize = 10_000;
/// A scenario file larger than this is refused before it is parsed.
pub const SCENARIO_BYTES_MAX: u64 = 4 << 20;
/// The reserved name of the chain's node.
pub const CHAIN_NODE: &str = "chain";
const RAO_PER_TAO: f64 = 1e9;
/// The TAO a genesis may hold in all (stakes, pools and the actors' balances): the 21 M supply.
const GENESIS_TAO_MAX: f64 = 21e6;
/// Every actor's free balance at genesis, beside its stake (for registrations).
pub const ACTOR_BALANCE_TAO: u64 = 1_000;

/// What is wrong with a scenario, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError(pub String);

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<YamlError> for ScenarioError {
    fn from(error: YamlError) -> Self {
        Self(error.to_string())
    }
}

fn invalid<T>(path: impl std::fmt::Display, message: impl std::fmt::Display) -> Result<T, ScenarioError> {
    Err(ScenarioError(format!("{path}: {message}")))
}

#[derive(Clone, Debug)]
pub struct SubnetPlan {
    pub name: String,
    pub netuid: u16,
    pub task: TaskSpec,
    pub hyperparameters: Hyperparameters,
    pub validation: ValidationSpec,
    pub pool_tao_rao: u64,
}

#[derive(Clone, Debug)]
pub enum Role {
    Chain,
    Validator { subnet: usize, policy: ValidatorPolicySpec, stake_rao: u64 },
    Miner { subnet: usize, policy: MinerPolicySpec, model: ModelSpec },
}

#[derive(Clone, Debug)]
pub struct NodePlan {
    /// `group/index`, or `chain`.
    pub name: String,
    pub group: String,
    pub role: Role,
}

/// A fault with its targets resolved to nodes.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeFault {
    Crash {
        nodes: Vec<NodeId>,
    },
    Restart {
        nodes: Vec<NodeId>,
    },
    Offline {
        nodes: Vec<NodeId>,
    },
    Online {
        nodes: Vec<NodeId>,
    },
    Partition {
        sides: Vec<Vec<NodeId>>,
    },
    Heal {
        sides: Vec<Vec<NodeId>>,
    },
    Link {
        from: Vec<NodeId>,
        to: Vec<NodeId>,
        latency: Option<LatencySpec>,
        loss: Option<f64>,
    },
    LinkReset {
        from: Vec<NodeId>,
        to: Vec<NodeId>,
    },
    ClockSkew {
        nodes: Vec<NodeId>,
        offset_ms: i64,
        drift_ppm: i64,
    },
    /// Applied by the chain node itself (its producer faults and runtime upgrades); listed here
    /// so the report shows when it happened.
    Chain,
}

/// A fault due at a block, as the scenario wrote it (for the report) and resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct ScheduledFault {
    pub at_block: u64,
    pub description: String,
    pub fault: NodeFault,
}

#[derive(Clone, Debug)]
pub struct Plan {
    pub scenario: Scenario,
    pub profile: &'static Profile,
    pub seed: u64,
    pub blocks: u64,
    pub block_time_ms: u64,
    pub subnets: Vec<SubnetPlan>,
    /// Node `i` is `nodes[i]`; node 0 is the chain.
    pub nodes: Vec<NodePlan>,
    /// Node faults in block order (the producer's own faults and the upgrades go to the chain).
    pub faults: Vec<ScheduledFault>,
    pub producer_faults: Vec<tensorsim_actors::chain_node::ProducerFault>,
    /// Runtime upgrades, each with every subnet's hyperparameters after it.
    pub upgrades: Vec<tensorsim_actors::chain_node::Upgrade>,
}

impl Plan {
    /// Reads and checks a scenario; `seed` overrides the file's.
    pub fn parse(text: &str, seed: Option<u64>) -> Result<Self, ScenarioError> {
        let scenario: Scenario = yaml::from_str(text)?;
        Self::resolve(scenario, seed)
    }

    fn resolve(scenario: Scenario, seed: Option<u64>) -> Result<Self, ScenarioError> {
        let profile = profile::profile_by_name(&scenario.profile).map_or_else(
            || {
                invalid(
                    "profile",
                    format!("unknown profile {:?}; the profiles are {}", scenario.profile, profile::profile_names()),
                )
            },
            Ok,
        )?;
        if scenario.subnets.is_empty() {
            return invalid("subnets", "a scenario needs at least one subnet");
        }
        if scenario.subnets.len() > SUBNETS_MAX {
            return invalid("subnets", format!("{} subnets exceed the limit {SUBNETS_MAX}", scenario.subnets.len()));
        }
        if scenario.faults.len() > FAULTS_MAX {
            return invalid("faults", format!("{} faults exceed the limit {FAULTS_MAX}", scenario.faults.len()));
        }
        let mut names = BTreeSet::from([CHAIN_NODE.to_string()]);
        let mut subnets = Vec::new();
        let mut nodes = vec![NodePlan { name: CHAIN_NODE.into(), group: CHAIN_NODE.into(), role: Role::Chain }];
        for (index, spec) in scenario.subnets.iter().enumerate() {
            let path = format!("subnets[{index}]");
            if subnets.iter().any(|s: &SubnetPlan| s.name == spec.name) {
                return invalid(format!("{path}.name"), format!("subnet {:?} is named twice", spec.name));
            }
            if spec.hyperparameters.contains_key("owner_uid") {
                return invalid(
                    format!("{path}.hyperparameters.owner_uid"),
                    "the subnet owner is not an actor of the scenario; it cannot be set",
                );
            }
            let hyperparameters = patched(
                &profile.new_subnet_hyperparameters(),
                &spec.hyperparameters,
                &format!("{path}.hyperparameters"),
            )?;
            let neurons: u64 = spec.validators.iter().map(|g| g.count.get()).sum::<u64>()
                + spec
                    .miners
                    .iter()
                    .filter(|g| !matches!(g.policy, MinerPolicySpec::Sniper { .. }))
                    .map(|g| g.count.get())
                    .sum::<u64>();
            if neurons > u64::from(hyperparameters.max_allowed_uids) {
                return invalid(
                    format!("{path}.hyperparameters.max_allowed_uids"),
                    format!(
                        "{} UIDs cannot hold the {neurons} neurons registered at genesis",
                        hyperparameters.max_allowed_uids
                    ),
                );
            }
            for (g, group) in spec.validators.iter().enumerate() {
                let gpath = format!("{path}.validators[{g}]");
                check_group_name(&group.name, &mut names, &gpath)?;
                if group.stake_tao.max() > GENESIS_TAO_MAX {
                    return invalid(format!("{gpath}.stake_tao"), "above the 21 M TAO supply");
                }
                for i in 0..group.count.get() {
                    let stake_rao = (group.stake_tao.at(i, group.count.get()) * RAO_PER_TAO).round() as u64;
                    nodes.push(NodePlan {
                        name: format!("{}/{i}", group.name),
                        group: group.name.clone(),
                        role: Role::Validator { subnet: index, policy: group.policy.clone(), stake_rao },
                    });
                }
                if let ValidatorPolicySpec::Noisy { sigma } = group.policy
                    && !(sigma.is_finite() && sigma >= 0.0)
                {
                    return invalid(
                        format!("{gpath}.policy.noisy.sigma"),
                        format!("{sigma} is not a finite non-negative number"),
                    );
                }
                if let ValidatorPolicySpec::Scripted { schedule } = &group.policy
                    && !schedule.is_sorted_by_key(|entry| entry.from_block)
                {
                    return invalid(format!("{gpath}.policy.scripted.schedule"), "entries must be in from_block order");
                }
            }
            for (g, group) in spec.miners.iter().enumerate() {
                let gpath = format!("{path}.miners[{g}]");
                check_group_name(&group.name, &mut names, &gpath)?;
                let recipe = &group.model;
                for (field, ladder, min, max) in [
                    ("hidden", &recipe.hidden, 1.0, tensorsim_actors::ml::CONTRACTION_MAX as f64),
                    ("epochs", &recipe.epochs, 0.0, 1000.0),
                    ("data_percent", &recipe.data_percent, 1.0, 100.0),
                ] {
                    if ladder.min() < min || ladder.max() > max {
                        return invalid(format!("{gpath}.model.{field}"), format!("outside {min}..={max}"));
                    }
                }
                if let MinerPolicySpec::Intermittent { period_blocks, online_blocks } = group.policy
                    && (period_blocks == 0 || online_blocks > period_blocks)
                {
                    return invalid(format!("{gpath}.policy.intermittent"), "needs 0 < online_blocks ≤ period_blocks");
                }
                let count = group.count.get();
                for i in 0..count {
                    let model = ModelSpec {
                        hidden: recipe.hidden.at(i, count).round() as usize,
                        epochs: recipe.epochs.at(i, count).round() as u32,
                        data_percent: recipe.data_percent.at(i, count).round() as u8,
                    };
                    nodes.push(NodePlan {
                        name: format!("{}/{i}", group.name),
                        group: group.name.clone(),
                        role: Role::Miner { subnet: index, policy: group.policy.clone(), model },
                    });
                }
            }
            if spec.validators.is_empty() || spec.miners.is_empty() {
                return invalid(&path, "a subnet needs at least one validator group and one miner group");
            }
            subnets.push(SubnetPlan {
                name: spec.name.clone(),
                netuid: index as u16 + 1,
                task: spec.task,
                hyperparameters,
                validation: spec.validation.clone(),
                pool_tao_rao: (spec.pool_tao.0.min(GENESIS_TAO_MAX) * RAO_PER_TAO) as u64,
            });
            if nodes.len() > NODES_MAX {
                return invalid("subnets", format!("more than {NODES_MAX} nodes in all, the limit of a run"));
            }
        }
        let plan_nodes = nodes;
        let resolve = |name: &str, path: &str| resolve_nodes(&plan_nodes, name, path);
        // Policies that name other actors.
        for (index, spec) in scenario.subnets.iter().enumerate() {
            for (g, group) in spec.validators.iter().enumerate() {
                if let ValidatorPolicySpec::Cabal { miners } = &group.policy {
                    for (m, name) in miners.iter().enumerate() {
                        let path = format!("subnets[{index}].validators[{g}].policy.cabal.miners[{m}]");
                        if !spec.miners.iter().any(|mg| &mg.name == name) {
                            return invalid(path, format!("no miner group {name:?} on this subnet"));
                        }
                    }
                }
            }
            for (g, group) in spec.miners.iter().enumerate() {
                if let MinerPolicySpec::Copycat { target } = &group.policy {
                    let path = format!("subnets[{index}].miners[{g}].policy.copycat.target");
                    let targets = resolve(target, &path)?;
                    // A copycat of a copycat could forward in a circle.
                    let ok = targets.len() == 1
                        && matches!(&plan_nodes[targets[0] as usize].role,
                            Role::Miner { subnet, policy, .. } if *subnet == index && !matches!(policy, MinerPolicySpec::Copycat { .. }));
                    if !ok {
                        return invalid(
                            path,
                            format!(
                                "{target:?} is not one miner (group/index) of this subnet that serves answers of its own"
                            ),
                        );
                    }
                }
            }
        }
        let staked: f64 = plan_nodes
            .iter()
            .map(|n| match n.role {
                Role::Validator { stake_rao, .. } => stake_rao as f64 / RAO_PER_TAO,
                _ => 0.0,
            })
            .sum();
        let pools: f64 = subnets.iter().map(|s| s.pool_tao_rao as f64 / RAO_PER_TAO).sum();
        let genesis_tao = staked + pools + (plan_nodes.len() as f64 + subnets.len() as f64) * ACTOR_BALANCE_TAO as f64;
        if genesis_tao > GENESIS_TAO_MAX {
            return invalid(
                "subnets",
                format!(
                    "the genesis holds {genesis_tao:.0} TAO (stakes, pools and {ACTOR_BALANCE_TAO} TAO per actor), more than the 21 M supply"
                ),
            );
        }
        let tempo = u64::from(subnets[0].hyperparameters.tempo);
        let blocks = match scenario.duration {
            Duration::Tempos(tempos) => tempos.get() * (tempo + 1),
            Duration::Blocks(blocks) => blocks.get(),
        };
        if blocks > 10_000_000 {
            return invalid("duration", format!("{blocks} blocks exceed the limit 10^7"));
        }
        let (mut faults, producer_faults) = resolve_faults(&scenario.faults, &resolve)?;
        let mut upgrades = Vec::new();
        for (u, upgrade) in scenario.upgrades.iter().enumerate() {
            let path = format!("upgrades[{u}]");
            if upgrade.hyperparameters.contains_key("owner_uid") {
                return invalid(
                    format!("{path}.hyperparameters.owner_uid"),
                    "the subnet owner is not an actor of the scenario; it cannot be set",
                );
            }
            let to = match &upgrade.profile {
                Some(name) => Some(profile::profile_by_name(name).map_or_else(
                    || {
                        invalid(
                            format!("{path}.profile"),
                            format!("unknown profile {name:?}; the profiles are {}", profile::profile_names()),
                        )
                    },
                    Ok,
                )?),
                None => None,
            };
            let mut per_subnet = Vec::new();
            for subnet in &subnets {
                let hyperparameters =
                    patched(&subnet.hyperparameters, &upgrade.hyperparameters, &format!("{path}.hyperparameters"))?;
                per_subnet.push((subnet.netuid, hyperparameters));
            }
            upgrades.push(tensorsim_actors::chain_node::Upgrade {
                at_block: upgrade.at_block.get(),
                profile: to,
                hyperparameters: per_subnet,
            });
            let what = match to {
                Some(profile) => format!(
                    "runtime upgrade to {} ({} hyperparameters set)",
                    profile.name,
                    upgrade.hyperparameters.len()
                ),
                None => format!("runtime upgrade: {} hyperparameters set", upgrade.hyperparameters.len()),
            };
            faults.push(ScheduledFault {
                at_block: upgrade.at_block.get(),
                description: what,
                fault: NodeFault::Chain,
            });
        }
        faults.sort_by_key(|f| f.at_block);
        for (e, expectation) in scenario.expect.iter().enumerate() {
            let path = format!("expect[{e}]");
            if let Some(subnet) = &expectation.subnet
                && !subnets.iter().any(|s| &s.name == subnet)
            {
                return invalid(format!("{path}.subnet"), format!("no subnet {subnet:?}"));
            }
            let needs_group = matches!(
                expectation.observable,
                Observable::RelativeDividendRate | Observable::IncentiveShare | Observable::RewardShare
            );
            match &expectation.group {
                Some(group) if !plan_nodes.iter().any(|n| &n.group == group) => {
                    return invalid(format!("{path}.group"), format!("no actor group {group:?}"));
                }
                None if needs_group => return invalid(format!("{path}.group"), "this observable is read on a group"),
                _ => {}
            }
            if expectation.min.is_none() && expectation.max.is_none() {
                return invalid(&path, "an expectation needs min, max or both");
            }
        }
        Ok(Self {
            seed: seed.unwrap_or(scenario.seed),
            profile,
            blocks,
            block_time_ms: scenario.network.block_time_ms.get(),
            subnets,
            nodes: plan_nodes,
            faults,
            producer_faults,
            upgrades,
            scenario,
        })
    }

    pub fn node_named(&self, name: &str) -> Option<NodeId> {
        self.nodes.iter().position(|n| n.name == name).map(|i| i as NodeId)
    }
}

fn check_group_name(name: &str, names: &mut BTreeSet<String>, path: &str) -> Result<(), ScenarioError> {
    let ok =
        !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !ok {
        return invalid(format!("{path}.name"), format!("{name:?}: use 1 to 64 letters, digits, '_' or '-'"));
    }
    if !names.insert(name.to_string()) {
        return invalid(
            format!("{path}.name"),
            format!("{name:?} is taken (group names are unique in a scenario, and `chain` is reserved)"),
        );
    }
    Ok(())
}

/// `name` as nodes: `chain`, a group, or one `group/index`.
fn resolve_nodes(nodes: &[NodePlan], name: &str, path: &str) -> Result<Vec<NodeId>, ScenarioError> {
    let found: Vec<NodeId> =
        nodes.iter().enumerate().filter(|(_, n)| n.name == name || n.group == name).map(|(i, _)| i as NodeId).collect();
    if found.is_empty() {
        return invalid(path, format!("no node or group {name:?}"));
    }
    Ok(found)
}

type Resolver<'a> = dyn Fn(&str, &str) -> Result<Vec<NodeId>, ScenarioError> + 'a;

fn resolve_faults(
    specs: &[FaultSpec],
    resolve: &Resolver,
) -> Result<(Vec<ScheduledFault>, Vec<tensorsim_actors::chain_node::ProducerFault>), ScenarioError> {
    let mut faults = Vec::new();
    let mut producer = Vec::new();
    let ordered = |path: &str, at: u64, end: Option<Blocks>, field: &str| match end {
        Some(end) if end.get() <= at => {
            invalid(format!("{path}.{field}"), format!("{} is not after at_block {at}", end.get()))
        }
        _ => Ok(()),
    };
    let many = |names: &[String], path: &str| -> Result<Vec<NodeId>, ScenarioError> {
        let mut all = Vec::new();
        for (i, name) in names.iter().enumerate() {
            all.extend(resolve(name, &format!("{path}[{i}]"))?);
        }
        Ok(all)
    };
    let mut push = |at_block: u64, description: String, fault: NodeFault| {
        faults.push(ScheduledFault { at_block, description, fault });
    };
    for (f, spec) in specs.iter().enumerate() {
        let path = format!("faults[{f}]");
        match spec {
            FaultSpec::Crash { node, at_block, restart_at_block } => {
                let nodes = resolve(node, &format!("{path}.crash.node"))?;
                if nodes.contains(&0) {
                    return invalid(
                        format!("{path}.crash.node"),
                        "the chain does not crash (stall its producer instead)",
                    );
                }
                ordered(&path, at_block.get(), *restart_at_block, "crash.restart_at_block")?;
                push(at_block.get(), format!("crash {node}"), NodeFault::Crash { nodes: nodes.clone() });
                if let Some(restart) = restart_at_block {
                    push(restart.get(), format!("restart {node}"), NodeFault::Restart { nodes });
                }
            }
            FaultSpec::Offline { node, at_block, until_block } => {
                let nodes = resolve(node, &format!("{path}.offline.node"))?;
                ordered(&path, at_block.get(), *until_block, "offline.until_block")?;
                push(at_block.get(), format!("{node} offline"), NodeFault::Offline { nodes: nodes.clone() });
                if let Some(until) = until_block {
                    push(until.get(), format!("{node} back online"), NodeFault::Online { nodes });
                }
            }
            FaultSpec::Partition { sides, at_block, heal_at_block } => {
                if sides.len() < 2 {
                    return invalid(format!("{path}.partition.sides"), "a partition has at least two sides");
                }
                let mut resolved = Vec::new();
                for (s, side) in sides.iter().enumerate() {
                    resolved.push(many(side, &format!("{path}.partition.sides[{s}]"))?);
                }
                ordered(&path, at_block.get(), *heal_at_block, "partition.heal_at_block")?;
                let text = sides.iter().map(|s| s.join("+")).collect::<Vec<_>>().join(" | ");
                push(at_block.get(), format!("partition {text}"), NodeFault::Partition { sides: resolved.clone() });
                if let Some(heal) = heal_at_block {
                    push(heal.get(), format!("heal {text}"), NodeFault::Heal { sides: resolved });
                }
            }
            FaultSpec::Link { from, to, at_block, until_block, latency, loss } => {
                let (src, dst) = (many(from, &format!("{path}.link.from"))?, many(to, &format!("{path}.link.to"))?);
                if let Some(LatencySpec::Uniform { min_ms, max_ms }) = latency
                    && min_ms.0 > max_ms.0
                {
                    return invalid(format!("{path}.link.latency.uniform"), "min_ms is above max_ms");
                }
                ordered(&path, at_block.get(), *until_block, "link.until_block")?;
                let text = format!("{} → {}", from.join("+"), to.join("+"));
                let fault =
                    NodeFault::Link { from: src.clone(), to: dst.clone(), latency: *latency, loss: loss.map(|p| p.0) };
                let mut what = format!("link {text}:");
                if let Some(latency) = latency {
                    what += &format!(" latency {latency}");
                }
                if let Some(loss) = loss {
                    what += &format!(" loss {}", loss.0);
                }
                push(at_block.get(), what, fault);
                if let Some(until) = until_block {
                    push(until.get(), format!("link {text} restored"), NodeFault::LinkReset { from: src, to: dst });
                }
            }
            FaultSpec::ClockSkew { node, at_block, offset_ms, drift_ppm } => {
                let nodes = resolve(node, &format!("{path}.clock_skew.node"))?;
                if offset_ms.unsigned_abs() > 86_400_000 || drift_ppm.unsigned_abs() > 1_000_000 {
                    return invalid(format!("{path}.clock_skew"), "|offset_ms| ≤ 86400000 and |drift_ppm| ≤ 1000000");
                }
                let fault = NodeFault::ClockSkew { nodes, offset_ms: *offset_ms, drift_ppm: *drift_ppm };
                push(at_block.get(), format!("clock of {node} {offset_ms:+} ms, {drift_ppm:+} ppm"), fault);
            }
            FaultSpec::BlockProducer { at_block, stall_ms, block_time_ms, until_block } => {
                if stall_ms.is_none() && block_time_ms.is_none() {
                    return invalid(format!("{path}.block_producer"), "give stall_ms, block_time_ms or both");
                }
                ordered(&path, at_block.get(), *until_block, "block_producer.until_block")?;
                let mut what = "block producer".to_string();
                if let Some(stall) = stall_ms {
                    what += &format!(" stalls {} ms", stall.get());
                }
                if let Some(time) = block_time_ms {
                    what += &format!(" produces every {} ms", time.get());
                    if let Some(until) = until_block {
                        what += &format!(" until block {}", until.get());
                    }
                }
                push(at_block.get(), what, NodeFault::Chain);
                producer.push(tensorsim_actors::chain_node::ProducerFault {
                    at_block: at_block.get(),
                    stall_us: stall_ms.map_or(0, |ms| ms.get() * 1_000),
                    block_time_us: block_time_ms.map(|ms| ms.get() * 1_000),
                    until_block: until_block.map(Bounded::get),
                });
            }
        }
    }
    faults.sort_by_key(|f| f.at_block);
    Ok((faults, producer))
}

/// `base` with the scenario's overrides, checked as the chain checks them.
fn patched(
    base: &Hyperparameters,
    patch: &serde_json::Map<String, serde_json::Value>,
    path: &str,
) -> Result<Hyperparameters, ScenarioError> {
    crate::hyperparameter_overrides::with_overrides(base, patch)
        .or_else(|(field, message)| invalid(format!("{path}.{field}"), message))
}
