//! Stage 3, groups: every group becomes its nodes (`group/0`, `group/1`, …), in scenario order
//! after the chain (node 0), validators with the stakes stage 2 resolved. Group names are unique,
//! model recipes within range, and each policy checks its own parameters.

use std::collections::BTreeSet;

use tensorsim_actors::ml::CONTRACTION_MAX;
use tensorsim_actors::ml::task::ModelSpec;
use tensorsim_actors::policy::PolicyError;

use super::stakes::Stakes;
use crate::scenario::error::{ScenarioError, invalid};
use crate::scenario::plan::{CHAIN_NODE, GenesisStake, NODES_MAX, NodePlan, Role};
use crate::scenario::types::{MinerGroup, ModelRecipe, SubnetSpec, TaskSpec, ValidatorGroup};

/// Every node: the chain, then each subnet's validators and miners, group by group.
pub(super) fn resolve(specs: &[SubnetSpec], stakes: &Stakes) -> Result<Vec<NodePlan>, ScenarioError> {
    let mut names = BTreeSet::from([CHAIN_NODE.to_string()]);
    let mut nodes = vec![NodePlan { name: CHAIN_NODE.into(), group: CHAIN_NODE.into(), role: Role::Chain }];
    for (subnet, spec) in specs.iter().enumerate() {
        for (g, group) in spec.validators.iter().enumerate() {
            let path = format!("subnets[{subnet}].validators[{g}]");
            check_name(&group.name, &mut names, &path)?;
            add(&mut nodes, validators(subnet, group, &stakes[subnet][g], &path)?)?;
        }
        for (g, group) in spec.miners.iter().enumerate() {
            let path = format!("subnets[{subnet}].miners[{g}]");
            check_name(&group.name, &mut names, &path)?;
            add(&mut nodes, miners(subnet, spec.task, group, &path)?)?;
        }
    }
    Ok(nodes)
}

fn check_name(name: &str, names: &mut BTreeSet<String>, path: &str) -> Result<(), ScenarioError> {
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

fn add(nodes: &mut Vec<NodePlan>, group: Vec<NodePlan>) -> Result<(), ScenarioError> {
    if nodes.len() + group.len() > NODES_MAX {
        return invalid("subnets", format!("more than {NODES_MAX} nodes in all, the limit of a run"));
    }
    nodes.extend(group);
    Ok(())
}

/// The group's validators; `stakes` holds each member's, in order.
fn validators(
    subnet: usize,
    group: &ValidatorGroup,
    stakes: &[GenesisStake],
    path: &str,
) -> Result<Vec<NodePlan>, ScenarioError> {
    group.policy.validate().or_else(|error| policy_invalid(path, error))?;
    let member = |(i, stake): (usize, &GenesisStake)| {
        let role = Role::Validator { subnet, policy: group.policy.clone(), stake: *stake };
        NodePlan { name: format!("{}/{i}", group.name), group: group.name.clone(), role }
    };
    Ok(stakes.iter().enumerate().map(member).collect())
}

fn miners(subnet: usize, task: TaskSpec, group: &MinerGroup, path: &str) -> Result<Vec<NodePlan>, ScenarioError> {
    check_recipe(&group.model, path)?;
    group.policy.validate().or_else(|error| policy_invalid(path, error))?;
    if group.policy.digits_only() && task != TaskSpec::Digits {
        return invalid(
            format!("{path}.policy.{}", group.policy.name()),
            "works on digits subnets only (a text context recurs across the text: a table of them is a language model, not a lookup)",
        );
    }
    let (recipe, count) = (&group.model, group.count.get());
    let member = |i: u64| {
        let model = ModelSpec {
            hidden: recipe.hidden.at(i, count).round() as usize,
            epochs: recipe.epochs.at(i, count).round() as u32,
            data_percent: recipe.data_percent.at(i, count).round() as u8,
        };
        let role = Role::Miner { subnet, policy: group.policy.clone(), model };
        NodePlan { name: format!("{}/{i}", group.name), group: group.name.clone(), role }
    };
    Ok((0..count).map(member).collect())
}

/// Every value of the recipe's ladders is in its range (the ladders are read as any number ≥ 0).
fn check_recipe(recipe: &ModelRecipe, path: &str) -> Result<(), ScenarioError> {
    for (field, ladder, min, max) in [
        ("hidden", &recipe.hidden, 1.0, CONTRACTION_MAX as f64),
        ("epochs", &recipe.epochs, 0.0, 1000.0),
        ("data_percent", &recipe.data_percent, 1.0, 100.0),
    ] {
        if ladder.min() < min || ladder.max() > max {
            return invalid(format!("{path}.model.{field}"), format!("outside {min}..={max}"));
        }
    }
    Ok(())
}

/// The policy's own error, at its field under the group's `policy`.
fn policy_invalid(path: &str, error: PolicyError) -> Result<(), ScenarioError> {
    invalid(format!("{path}.policy.{}", error.field), error.message)
}

#[cfg(test)]
mod tests {
    use tensorsim_chain::profile::profile_by_name;

    use super::resolve;
    use crate::scenario::plan::{GenesisStake, NodePlan, Role};
    use crate::scenario::resolve::fixtures::{error, scenario_with};
    use crate::scenario::resolve::{stakes, subnets};
    use crate::scenario::types::{Scenario, SubnetSpec};

    fn nodes(scenario: &Scenario) -> Result<Vec<NodePlan>, crate::scenario::ScenarioError> {
        let profile = profile_by_name("head-2026").unwrap();
        let subnets = subnets::resolve(&scenario.subnets, profile).unwrap();
        resolve(&scenario.subnets, &stakes::resolve(&scenario.subnets, &subnets, profile).unwrap())
    }

    /// The nodes with no stake, for scenarios an earlier stage would refuse (too many UIDs).
    fn nodes_unstaked(scenario: &Scenario) -> Result<Vec<NodePlan>, crate::scenario::ScenarioError> {
        let subnet_stakes = |subnet: &SubnetSpec| {
            subnet.validators.iter().map(|group| vec![GenesisStake::TaoRao(0); group.count.get() as usize]).collect()
        };
        resolve(&scenario.subnets, &scenario.subnets.iter().map(subnet_stakes).collect())
    }

    #[test]
    fn each_validator_carries_its_own_stake_of_the_groups_ladder() {
        let nodes =
            nodes(&scenario_with("count: 2, stake_tao: 1000", "count: 3, stake_tao: {from: 100, to: 300}")).unwrap();
        let stakes: Vec<(&str, GenesisStake)> = nodes
            .iter()
            .filter_map(|node| match node.role {
                Role::Validator { stake, .. } => Some((node.name.as_str(), stake)),
                _ => None,
            })
            .collect();
        let tao = |tao: u64| GenesisStake::TaoRao(tao * 1_000_000_000);
        assert_eq!(
            stakes,
            [("honest/0", tao(100)), ("honest/1", tao(200)), ("honest/2", tao(300)), ("cabal/0", tao(100))]
        );
    }

    #[test]
    fn a_miner_ladder_spreads_its_recipe_rounded() {
        let scenario =
            scenario_with("{name: miners, count: 3}", "{name: miners, count: 3, model: {hidden: {from: 4, to: 9}}}");
        let hidden: Vec<usize> = nodes(&scenario)
            .unwrap()
            .iter()
            .filter_map(|node| match &node.role {
                Role::Miner { model, .. } if node.group == "miners" => Some(model.hidden),
                _ => None,
            })
            .collect();
        assert_eq!(hidden, [4, 7, 9]);
    }

    #[test]
    fn a_group_name_taken_twice_is_refused_at_the_second() {
        assert_eq!(
            error(nodes(&scenario_with("name: friends", "name: miners"))),
            "subnets[0].miners[1].name: \"miners\" is taken (group names are unique in a scenario, and `chain` is reserved)"
        );
    }

    #[test]
    fn a_group_named_chain_is_refused() {
        assert_eq!(
            error(nodes(&scenario_with("name: cabal", "name: chain"))),
            "subnets[0].validators[1].name: \"chain\" is taken (group names are unique in a scenario, and `chain` is reserved)"
        );
    }

    #[test]
    fn a_group_name_with_a_slash_is_refused() {
        assert_eq!(
            error(nodes(&scenario_with("name: friends", "name: my/friends"))),
            "subnets[0].miners[1].name: \"my/friends\": use 1 to 64 letters, digits, '_' or '-'"
        );
    }

    #[test]
    fn a_noisy_validator_with_a_negative_sigma_is_refused_at_its_sigma() {
        let scenario =
            scenario_with("name: honest, count: 2,", "name: honest, count: 2, policy: {noisy: {sigma: -1}},");
        assert_eq!(
            error(nodes(&scenario)),
            "subnets[0].validators[0].policy.noisy.sigma: -1 is not a finite non-negative number"
        );
    }

    #[test]
    fn an_intermittent_miner_online_longer_than_its_period_is_refused_at_its_policy() {
        let scenario = scenario_with(
            "{name: friends, count: 1}",
            "{name: friends, count: 1, policy: {intermittent: {period_blocks: 4, online_blocks: 5}}}",
        );
        assert_eq!(
            error(nodes(&scenario)),
            "subnets[0].miners[1].policy.intermittent: needs 0 < online_blocks ≤ period_blocks"
        );
    }

    #[test]
    fn a_lookup_miner_on_a_text_subnet_is_refused_at_its_policy() {
        let mut scenario = scenario_with("{name: friends, count: 1}", "{name: friends, count: 1, policy: lookup}");
        assert!(nodes(&scenario).is_ok(), "on digits");
        scenario.subnets[0].task = crate::scenario::types::TaskSpec::Text;
        assert_eq!(
            error(nodes(&scenario)),
            "subnets[0].miners[1].policy.lookup: works on digits subnets only (a text context recurs across the text: a table of them is a language model, not a lookup)"
        );
    }

    #[test]
    fn a_model_recipe_out_of_range_is_refused_at_its_field() {
        let scenario =
            scenario_with("{name: friends, count: 1}", "{name: friends, count: 1, model: {data_percent: 0}}");
        assert_eq!(error(nodes(&scenario)), "subnets[0].miners[1].model.data_percent: outside 1..=100");
        let scenario = scenario_with("{name: friends, count: 1}", "{name: friends, count: 1, model: {hidden: 513}}");
        assert_eq!(error(nodes(&scenario)), "subnets[0].miners[1].model.hidden: outside 1..=512");
    }

    #[test]
    fn nodes_beyond_the_limit_of_a_run_are_refused() {
        // The chain, 3 validators and four groups of 4096 miners: 16 388 nodes.
        let miners = "{name: m1, count: 4096}\n      - {name: m2, count: 4096}\n      - {name: m3, count: 4096}";
        let scenario = scenario_with("{name: miners, count: 3}", &format!("{miners}\n      - {{name: m4, count: 4096}}"));
        assert_eq!(error(nodes_unstaked(&scenario)), "subnets: more than 16384 nodes in all, the limit of a run");
        let scenario = scenario_with("{name: miners, count: 3}", &format!("{miners}\n      - {{name: m4, count: 4092}}"));
        assert_eq!(nodes_unstaked(&scenario).unwrap().len(), 16_384);
    }
}
