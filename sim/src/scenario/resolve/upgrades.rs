//! Stage 8, upgrades: each runtime upgrade's profile, and every subnet's hyperparameters after
//! it; the report lists each upgrade among the faults.

use tensorsim_actors::chain_node::Upgrade;
use tensorsim_chain::hyperparameters::Hyperparameters;

use super::lookup;
use crate::scenario::error::ScenarioError;
use crate::scenario::plan::{NodeFault, ScheduledFault, SubnetPlan, UPGRADE_DESCRIPTION_PREFIX};
use crate::scenario::types::UpgradeSpec;

/// The upgrades for the chain node, and their entries in the report's schedule.
#[derive(Debug)]
pub(super) struct UpgradePlan {
    pub upgrades: Vec<Upgrade>,
    pub announced: Vec<ScheduledFault>,
}

/// The upgrades in block order, each over the values the one before it left ("over every
/// subnet's current values", as the schema says); errors name the upgrade's place in the file.
pub(super) fn resolve(specs: &[UpgradeSpec], subnets: &[SubnetPlan]) -> Result<UpgradePlan, ScenarioError> {
    let mut plan =
        UpgradePlan { upgrades: Vec::with_capacity(specs.len()), announced: Vec::with_capacity(specs.len()) };
    let mut order: Vec<usize> = (0..specs.len()).collect();
    order.sort_by_key(|&u| specs[u].at_block.get());
    let mut current: Vec<(usize, Hyperparameters)> =
        subnets.iter().map(|subnet| subnet.hyperparameters.clone()).enumerate().collect();
    for u in order {
        let upgrade = upgrade(&specs[u], &current, &format!("upgrades[{u}]"))?;
        current.clone_from(&upgrade.hyperparameters);
        plan.announced.push(ScheduledFault {
            at_block: upgrade.at_block,
            description: description(&upgrade, &specs[u]),
            fault: NodeFault::Chain,
        });
        plan.upgrades.push(upgrade);
    }
    Ok(plan)
}

/// The upgrade's overrides over each subnet's `current` values (by subnet).
fn upgrade(spec: &UpgradeSpec, current: &[(usize, Hyperparameters)], path: &str) -> Result<Upgrade, ScenarioError> {
    let overrides_path = format!("{path}.hyperparameters");
    lookup::refuse_owner_uid(&spec.hyperparameters, &overrides_path)?;
    let profile = match &spec.profile {
        Some(name) => Some(lookup::profile_named(name, &format!("{path}.profile"))?),
        None => None,
    };
    let mut hyperparameters = Vec::with_capacity(current.len());
    for (subnet, before) in current {
        hyperparameters.push((*subnet, lookup::patched(before, &spec.hyperparameters, &overrides_path)?));
    }
    Ok(Upgrade { at_block: spec.at_block.get(), profile, hyperparameters })
}

fn description(upgrade: &Upgrade, spec: &UpgradeSpec) -> String {
    let set = spec.hyperparameters.len();
    match upgrade.profile {
        Some(profile) => format!("{UPGRADE_DESCRIPTION_PREFIX} to {} ({set} hyperparameters set)", profile.name),
        None => format!("{UPGRADE_DESCRIPTION_PREFIX}: {set} hyperparameters set"),
    }
}

#[cfg(test)]
mod tests {
    use tensorsim_chain::profile::profile_by_name;

    use super::{UpgradePlan, resolve};
    use crate::scenario::plan::NodeFault;
    use crate::scenario::resolve::fixtures::{error, scenario, scenario_with};
    use crate::scenario::resolve::subnets;
    use crate::scenario::types::Scenario;

    fn upgrades(scenario: &Scenario) -> Result<UpgradePlan, crate::scenario::ScenarioError> {
        let subnets = subnets::resolve(&scenario.subnets, profile_by_name("head-2026").unwrap()).unwrap();
        resolve(&scenario.upgrades, &subnets)
    }

    #[test]
    fn an_upgrade_sets_its_overrides_over_every_subnets_values_and_is_announced() {
        let plan = upgrades(&scenario()).unwrap();
        let [upgrade] = plan.upgrades.as_slice() else { panic!("one upgrade") };
        assert_eq!((upgrade.at_block, upgrade.profile.is_none()), (10, true));
        let (subnet, after) = &upgrade.hyperparameters[0];
        assert_eq!((*subnet, after.kappa, after.tempo), (0, 40_000, 10));
        assert_eq!(plan.announced[0].at_block, 10);
        assert_eq!(plan.announced[0].description, "runtime upgrade: 1 hyperparameters set");
        assert_eq!(plan.announced[0].fault, NodeFault::Chain);
    }

    #[test]
    fn a_later_upgrade_keeps_what_an_earlier_one_set_whatever_their_order_in_the_file() {
        // Listed second but due first: the kappa it sets must survive the upgrade at block 20.
        let two =
            "  - {at_block: 20, hyperparameters: {tempo: 20}}\n  - {at_block: 10, hyperparameters: {kappa: 40000}}";
        let plan = upgrades(&scenario_with("  - {at_block: 10, hyperparameters: {kappa: 40000}}", two)).unwrap();
        let blocks: Vec<u64> = plan.upgrades.iter().map(|u| u.at_block).collect();
        assert_eq!(blocks, [10, 20]);
        let (_, last) = &plan.upgrades[1].hyperparameters[0];
        assert_eq!((last.kappa, last.tempo), (40_000, 20));
    }

    #[test]
    fn an_upgrade_refused_is_named_by_its_place_in_the_file() {
        let two =
            "  - {at_block: 20, hyperparameters: {kappa: 1}}\n  - {at_block: 10, hyperparameters: {kappa: 70000}}";
        assert_eq!(
            error(upgrades(&scenario_with("  - {at_block: 10, hyperparameters: {kappa: 40000}}", two))),
            "upgrades[1].hyperparameters.kappa: invalid value: integer `70000`, expected u16"
        );
    }

    #[test]
    fn an_upgrade_to_a_profile_names_it() {
        let plan = upgrades(&scenario_with("{at_block: 10,", "{at_block: 10, profile: flow-2026,")).unwrap();
        assert_eq!(plan.upgrades[0].profile.map(|p| p.name), Some("flow-2026"));
        assert_eq!(plan.announced[0].description, "runtime upgrade to flow-2026 (1 hyperparameters set)");
    }

    #[test]
    fn an_upgrade_setting_owner_uid_is_refused() {
        assert_eq!(
            error(upgrades(&scenario_with("kappa: 40000", "owner_uid: 1"))),
            "upgrades[0].hyperparameters.owner_uid: the subnet owner is not an actor of the scenario; it cannot be set"
        );
    }

    #[test]
    fn an_upgrade_to_an_unknown_profile_is_refused() {
        assert_eq!(
            error(upgrades(&scenario_with("{at_block: 10,", "{at_block: 10, profile: head-2027,"))),
            "upgrades[0].profile: unknown profile \"head-2027\"; the profiles are legacy-2024, dtao-2025, yuma3-2025, flow-2026, head-2026"
        );
    }

    #[test]
    fn an_upgrade_with_a_value_the_chain_refuses_is_refused_at_its_field() {
        assert_eq!(
            error(upgrades(&scenario_with("kappa: 40000", "kappa: 70000"))),
            "upgrades[0].hyperparameters.kappa: invalid value: integer `70000`, expected u16"
        );
    }
}
