//! Stage 7, upgrades: each runtime upgrade's profile, and every subnet's hyperparameters after
//! it; the report lists each upgrade among the faults.

use tensorsim_actors::chain_node::Upgrade;

use super::lookup;
use crate::scenario::error::ScenarioError;
use crate::scenario::plan::{NodeFault, ScheduledFault, SubnetPlan};
use crate::scenario::types::UpgradeSpec;

/// The upgrades for the chain node, and their entries in the report's schedule.
pub(super) struct UpgradePlan {
    pub upgrades: Vec<Upgrade>,
    pub announced: Vec<ScheduledFault>,
}

pub(super) fn resolve(specs: &[UpgradeSpec], subnets: &[SubnetPlan]) -> Result<UpgradePlan, ScenarioError> {
    let mut plan =
        UpgradePlan { upgrades: Vec::with_capacity(specs.len()), announced: Vec::with_capacity(specs.len()) };
    for (u, spec) in specs.iter().enumerate() {
        let upgrade = upgrade(spec, subnets, &format!("upgrades[{u}]"))?;
        plan.announced.push(ScheduledFault {
            at_block: upgrade.at_block,
            description: description(&upgrade, spec),
            fault: NodeFault::Chain,
        });
        plan.upgrades.push(upgrade);
    }
    Ok(plan)
}

/// The upgrade's overrides apply over each subnet's values at genesis.
fn upgrade(spec: &UpgradeSpec, subnets: &[SubnetPlan], path: &str) -> Result<Upgrade, ScenarioError> {
    let overrides_path = format!("{path}.hyperparameters");
    lookup::refuse_owner_uid(&spec.hyperparameters, &overrides_path)?;
    let profile = match &spec.profile {
        Some(name) => Some(lookup::profile_named(name, &format!("{path}.profile"))?),
        None => None,
    };
    let mut hyperparameters = Vec::with_capacity(subnets.len());
    for subnet in subnets {
        let after = lookup::patched(&subnet.hyperparameters, &spec.hyperparameters, &overrides_path)?;
        hyperparameters.push((subnet.netuid, after));
    }
    Ok(Upgrade { at_block: spec.at_block.get(), profile, hyperparameters })
}

fn description(upgrade: &Upgrade, spec: &UpgradeSpec) -> String {
    let set = spec.hyperparameters.len();
    match upgrade.profile {
        Some(profile) => format!("runtime upgrade to {} ({set} hyperparameters set)", profile.name),
        None => format!("runtime upgrade: {set} hyperparameters set"),
    }
}
