//! Stage 4, references: the actors a policy names exist where it needs them. A cabal's miner
//! groups are groups of its own subnet; a copycat's target is one miner of its own subnet that
//! trains a model of its own.

use super::lookup;
use crate::scenario::error::{ScenarioError, invalid};
use crate::scenario::plan::{NodePlan, Role};
use crate::scenario::types::SubnetSpec;

pub(super) fn check(specs: &[SubnetSpec], nodes: &[NodePlan]) -> Result<(), ScenarioError> {
    for (subnet, spec) in specs.iter().enumerate() {
        for (g, group) in spec.validators.iter().enumerate() {
            for reference in group.policy.referenced_miner_groups() {
                if !spec.miners.iter().any(|miners| miners.name == reference.name) {
                    return invalid(
                        format!("subnets[{subnet}].validators[{g}].policy.{}", reference.field),
                        format!("no miner group {:?} on this subnet", reference.name),
                    );
                }
            }
        }
        for (g, group) in spec.miners.iter().enumerate() {
            if let Some(reference) = group.policy.referenced_miner() {
                let path = format!("subnets[{subnet}].miners[{g}].policy.{}", reference.field);
                check_copied(subnet, reference.name, nodes, &path)?;
            }
        }
    }
    Ok(())
}

/// `target` is one miner of `subnet` with a model of its own: a copy of a copy is the same copy,
/// and a miner without a model has nothing to copy.
fn check_copied(subnet: usize, target: &str, nodes: &[NodePlan], path: &str) -> Result<(), ScenarioError> {
    let targets = lookup::nodes_named(nodes, target, path)?;
    let trains = targets.len() == 1
        && matches!(&nodes[targets[0] as usize].role,
            Role::Miner { subnet: its_subnet, policy, .. }
                if *its_subnet == subnet && policy.has_model() && policy.referenced_miner().is_none());
    if !trains {
        return invalid(
            path,
            format!("{target:?} is not one miner (group/index) of this subnet that trains a model of its own"),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;
    use crate::scenario::resolve::fixtures::{error, nodes, scenario, scenario_changed, scenario_with};
    use crate::scenario::types::Scenario;

    fn checked(scenario: &Scenario) -> Result<(), crate::scenario::ScenarioError> {
        check(&scenario.subnets, &nodes(scenario))
    }

    #[test]
    fn a_cabal_of_miner_groups_of_its_subnet_and_a_copycat_of_one_miner_are_accepted() {
        assert_eq!(checked(&scenario()), Ok(()));
    }

    #[test]
    fn a_cabal_naming_no_miner_group_of_its_subnet_is_refused_at_that_name() {
        // `honest` is a group, but of validators.
        let scenario = scenario_with("miners: [friends]", "miners: [friends, honest]");
        assert_eq!(
            error(checked(&scenario)),
            "subnets[0].validators[1].policy.cabal.miners[1]: no miner group \"honest\" on this subnet"
        );
    }

    #[test]
    fn a_copycat_of_a_copycat_is_refused_at_its_target_field() {
        let scenario = scenario_with(
            "{name: friends, count: 1}",
            "{name: friends, count: 1, policy: {copycat: {target: copycat/0}}}",
        );
        assert_eq!(
            error(checked(&scenario)),
            "subnets[0].miners[1].policy.copycat.target: \"copycat/0\" is not one miner (group/index) of this subnet that trains a model of its own"
        );
    }

    #[test]
    fn a_copycat_of_a_whole_group_or_of_a_validator_is_refused() {
        for target in ["miners", "honest/0"] {
            let scenario = scenario_with("target: miners/0", &format!("target: {target}"));
            assert_eq!(
                error(checked(&scenario)),
                format!(
                    "subnets[0].miners[2].policy.copycat.target: \"{target}\" is not one miner (group/index) of this subnet that trains a model of its own"
                )
            );
        }
    }

    #[test]
    fn a_copycat_of_a_miner_on_another_subnet_is_refused() {
        let mut scenario = scenario();
        let mut second = scenario.subnets[0].clone();
        second.name = "text".into();
        second.validators.truncate(1);
        second.validators[0].name = "honest2".into();
        for group in &mut second.miners {
            group.name += "2";
        }
        scenario.subnets.push(second);
        // Its copycat still copies miners/0, a miner of the first subnet.
        assert_eq!(
            error(checked(&scenario)),
            "subnets[1].miners[2].policy.copycat.target: \"miners/0\" is not one miner (group/index) of this subnet that trains a model of its own"
        );
    }

    #[test]
    fn a_copycat_of_a_miner_without_a_model_is_refused() {
        let scenario = scenario_changed(&[
            ("{name: friends, count: 1}", "{name: friends, count: 1, policy: random}"),
            ("target: miners/0", "target: friends/0"),
        ]);
        assert_eq!(
            error(checked(&scenario)),
            "subnets[0].miners[2].policy.copycat.target: \"friends/0\" is not one miner (group/index) of this subnet that trains a model of its own"
        );
    }

    #[test]
    fn a_copycat_of_no_node_is_refused() {
        let scenario = scenario_with("target: miners/0", "target: miners/3");
        assert_eq!(
            error(checked(&scenario)),
            "subnets[0].miners[2].policy.copycat.target: no node or group \"miners/3\""
        );
    }
}
