//! Stage 3, references: the actors a policy names exist where it needs them. A cabal's miner
//! groups are groups of its own subnet; a copycat's target is one miner of its own subnet that
//! answers on its own.

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
                check_relayed(subnet, reference.name, nodes, &path)?;
            }
        }
    }
    Ok(())
}

/// `target` is one miner of `subnet` that relays nobody: a relay of a relay could forward in a
/// circle.
fn check_relayed(subnet: usize, target: &str, nodes: &[NodePlan], path: &str) -> Result<(), ScenarioError> {
    let targets = lookup::nodes_named(nodes, target, path)?;
    let answers_itself = targets.len() == 1
        && matches!(&nodes[targets[0] as usize].role,
            Role::Miner { subnet: its_subnet, policy, .. } if *its_subnet == subnet && policy.referenced_miner().is_none());
    if !answers_itself {
        return invalid(
            path,
            format!("{target:?} is not one miner (group/index) of this subnet that serves answers of its own"),
        );
    }
    Ok(())
}
