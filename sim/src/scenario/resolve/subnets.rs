//! Stage 1, subnets: each subnet's chain side (its netuid, its hyperparameters over the profile's
//! values for a new subnet, its pool), and whether its UIDs hold the neurons genesis registers.

use tensorsim_chain::profile::Profile;

use super::lookup;
use crate::scenario::error::{ScenarioError, invalid};
use crate::scenario::plan::{GENESIS_TAO_MAX, RAO_PER_TAO, SubnetPlan};
use crate::scenario::types::SubnetSpec;

/// The subnets, netuid 1 first, in scenario order.
pub(super) fn resolve(specs: &[SubnetSpec], profile: &Profile) -> Result<Vec<SubnetPlan>, ScenarioError> {
    let mut subnets: Vec<SubnetPlan> = Vec::with_capacity(specs.len());
    for (index, spec) in specs.iter().enumerate() {
        let path = format!("subnets[{index}]");
        if subnets.iter().any(|subnet| subnet.name == spec.name) {
            return invalid(format!("{path}.name"), format!("subnet {:?} is named twice", spec.name));
        }
        subnets.push(subnet(index, spec, profile, &path)?);
    }
    Ok(subnets)
}

fn subnet(index: usize, spec: &SubnetSpec, profile: &Profile, path: &str) -> Result<SubnetPlan, ScenarioError> {
    let overrides_path = format!("{path}.hyperparameters");
    lookup::refuse_owner_uid(&spec.hyperparameters, &overrides_path)?;
    let hyperparameters =
        lookup::patched(&profile.new_subnet_hyperparameters(), &spec.hyperparameters, &overrides_path)?;
    let neurons = genesis_neurons(spec);
    if neurons > u64::from(hyperparameters.max_allowed_uids) {
        return invalid(
            format!("{path}.hyperparameters.max_allowed_uids"),
            format!(
                "{} UIDs cannot hold the {neurons} neurons registered at genesis",
                hyperparameters.max_allowed_uids
            ),
        );
    }
    if spec.validators.is_empty() || spec.miners.is_empty() {
        return invalid(path, "a subnet needs at least one validator group and one miner group");
    }
    Ok(SubnetPlan {
        name: spec.name.clone(),
        netuid: index as u16 + 1,
        task: spec.task,
        hyperparameters,
        validation: spec.validation.clone(),
        pool_tao_rao: (spec.pool_tao.0.min(GENESIS_TAO_MAX) * RAO_PER_TAO) as u64,
    })
}

/// Every validator, and every miner whose policy genesis registers.
fn genesis_neurons(spec: &SubnetSpec) -> u64 {
    let validators: u64 = spec.validators.iter().map(|group| group.count.get()).sum();
    let miners: u64 =
        spec.miners.iter().filter(|group| group.policy.registers_at_genesis()).map(|group| group.count.get()).sum();
    validators + miners
}
