//! Stage 11, expectations: each names a subnet and a group that exist, a group where its
//! observable is read on one (an actor group, or for the settling of dividends a fault or upgrade,
//! as `<description> at block <b>`), a reference group of the same subnet only for an actor-group
//! observable, and a bound; one on bonds needs the bonds recorded.

use crate::record::event_label;
use crate::scenario::error::{ScenarioError, invalid};
use crate::scenario::plan::{NodePlan, Role, ScheduledFault, SubnetPlan};
use crate::scenario::types::{Expectation, Observable};

pub(super) fn check(
    expectations: &[Expectation],
    subnets: &[SubnetPlan],
    nodes: &[NodePlan],
    (faults, bonds_recorded): (&[ScheduledFault], bool),
) -> Result<(), ScenarioError> {
    for (e, expectation) in expectations.iter().enumerate() {
        let path = format!("expect[{e}]");
        let reads_bonds = match expectation.observable {
            Observable::InheritedBonds => Some("inherited_bonds"),
            Observable::BondsAfterReset => Some("bonds_after_reset"),
            _ => None,
        };
        if let Some(name) = reads_bonds
            && !bonds_recorded
        {
            return invalid(
                format!("{path}.observable"),
                format!("{name} reads the bonds: needs report: {{bonds: true}}"),
            );
        }
        if let Some(subnet) = &expectation.subnet
            && !subnets.iter().any(|s| &s.name == subnet)
        {
            return invalid(format!("{path}.subnet"), format!("no subnet {subnet:?}"));
        }
        let is_event = |group: &String| faults.iter().any(|f| &event_label(&f.description, f.at_block) == group);
        match (&expectation.group, group_read(expectation.observable)) {
            (Some(group), Group::Actors) if !nodes.iter().any(|n| &n.group == group) => {
                return invalid(format!("{path}.group"), format!("no actor group {group:?}"));
            }
            (Some(group), Group::Event) if !is_event(group) => {
                let example = faults.first().map(|f| event_label(&f.description, f.at_block)).unwrap_or_default();
                return invalid(
                    format!("{path}.group"),
                    format!("no fault or upgrade {group:?} (named as <description> at block <b>: {example:?})"),
                );
            }
            (Some(_), Group::None) => {
                return invalid(format!("{path}.group"), "this observable is read on a subnet, not a group");
            }
            (None, Group::Actors | Group::Event) => {
                return invalid(format!("{path}.group"), "this observable is read on a group");
            }
            _ => {}
        }
        check_reference(expectation, &path, subnets, nodes)?;
        if expectation.min.is_none() && expectation.max.is_none() {
            return invalid(&path, "an expectation needs min, max or both");
        }
    }
    Ok(())
}

/// `relative_to` names another group of the expectation's subnet, on a group observable.
fn check_reference(
    expectation: &Expectation,
    path: &str,
    subnets: &[SubnetPlan],
    nodes: &[NodePlan],
) -> Result<(), ScenarioError> {
    let Some(reference) = &expectation.relative_to else { return Ok(()) };
    let field = format!("{path}.relative_to");
    if group_read(expectation.observable) != Group::Actors {
        return invalid(field, "only an observable read on a group can be relative to another group");
    }
    if expectation.group.as_ref() == Some(reference) {
        return invalid(field, "a group relative to itself is always 1");
    }
    let subnet =
        expectation.subnet.as_ref().map_or(0, |name| subnets.iter().position(|s| &s.name == name).unwrap_or(0));
    let on_subnet = |node: &NodePlan| match node.role {
        Role::Validator { subnet: s, .. } | Role::Miner { subnet: s, .. } => s == subnet,
        Role::Chain => false,
    };
    if !nodes.iter().any(|n| &n.group == reference && on_subnet(n)) {
        return invalid(field, format!("no actor group {reference:?} on subnet {:?}", subnets[subnet].name));
    }
    Ok(())
}

/// What an observable's `group` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Group {
    /// Nothing: it is read on the subnet.
    None,
    Actors,
    /// A fault or upgrade of the run.
    Event,
}

fn group_read(observable: Observable) -> Group {
    match observable {
        Observable::IncentiveAccuracySpearman
        | Observable::QueryTimeoutRate
        | Observable::WinnerFlips
        | Observable::NakamotoCoefficientKappa
        | Observable::IncentiveKendallTau => Group::None,
        Observable::DividendsSettleEpochs => Group::Event,
        _ => Group::Actors,
    }
}

#[cfg(test)]
mod tests {
    use tensorsim_chain::profile::profile_by_name;

    use super::check;
    use crate::scenario::plan::{NodeFault, ScheduledFault};
    use crate::scenario::resolve::fixtures::{error, nodes, scenario, scenario_with};
    use crate::scenario::resolve::subnets;
    use crate::scenario::types::Scenario;

    const EXPECTATION: &str = "{observable: incentive_share, group: miners, min: 0.1}";

    fn checked(scenario: &Scenario) -> Result<(), crate::scenario::ScenarioError> {
        let subnets = subnets::resolve(&scenario.subnets, profile_by_name("head-2026").unwrap()).unwrap();
        check(&scenario.expect, &subnets, &nodes(scenario), (&[], scenario.report.bonds))
    }

    fn expecting(expectation: &str) -> Result<(), crate::scenario::ScenarioError> {
        checked(&scenario_with(EXPECTATION, expectation))
    }

    #[test]
    fn an_expectation_on_a_group_and_one_on_the_network_are_accepted() {
        assert_eq!(checked(&scenario()), Ok(()));
        assert_eq!(expecting("{observable: query_timeout_rate, subnet: digits, max: 0.5}"), Ok(()));
    }

    #[test]
    fn an_expectation_on_no_subnet_of_the_scenario_is_refused() {
        assert_eq!(
            error(expecting("{observable: query_timeout_rate, subnet: text, max: 0.5}")),
            "expect[0].subnet: no subnet \"text\""
        );
    }

    #[test]
    fn an_expectation_on_no_group_of_the_scenario_is_refused() {
        assert_eq!(
            error(expecting("{observable: incentive_share, group: ghosts, min: 0.1}")),
            "expect[0].group: no actor group \"ghosts\""
        );
    }

    #[test]
    fn a_group_observable_without_a_group_is_refused() {
        assert_eq!(
            error(expecting("{observable: reward_share, min: 0.1}")),
            "expect[0].group: this observable is read on a group"
        );
    }

    #[test]
    fn a_group_observable_relative_to_another_group_of_the_subnet_is_accepted() {
        let relative = "{observable: incentive_share, group: copycat, relative_to: miners, max: 0.1}";
        assert_eq!(expecting(relative), Ok(()));
    }

    #[test]
    fn a_reference_group_that_the_subnet_does_not_have_is_refused() {
        assert_eq!(
            error(expecting("{observable: reward_share, group: copycat, relative_to: ghosts, max: 0.1}")),
            "expect[0].relative_to: no actor group \"ghosts\" on subnet \"digits\""
        );
    }

    #[test]
    fn a_reference_group_on_an_observable_of_the_subnet_is_refused() {
        assert_eq!(
            error(expecting("{observable: query_timeout_rate, relative_to: miners, max: 0.1}")),
            "expect[0].relative_to: only an observable read on a group can be relative to another group"
        );
    }

    #[test]
    fn a_group_relative_to_itself_is_refused() {
        assert_eq!(
            error(expecting("{observable: incentive_share, group: miners, relative_to: miners, max: 2}")),
            "expect[0].relative_to: a group relative to itself is always 1"
        );
    }

    #[test]
    fn a_subnet_observable_with_a_group_is_refused_and_a_group_reading_without_one_too() {
        assert_eq!(
            error(expecting("{observable: winner_flips, relative_to: miners, max: 3}")),
            "expect[0].relative_to: only an observable read on a group can be relative to another group"
        );
        assert_eq!(expecting("{observable: nakamoto_coefficient_kappa, max: 1}"), Ok(()));
        assert_eq!(
            error(expecting("{observable: validator_trust, max: 0.5}")),
            "expect[0].group: this observable is read on a group"
        );
    }

    #[test]
    fn the_settling_of_dividends_names_a_fault_of_the_run_and_a_subnet_observable_no_group() {
        let scenario = scenario_with(EXPECTATION, "{observable: dividends_settle_epochs, group: GROUP, max: 3}");
        let subnets = subnets::resolve(&scenario.subnets, profile_by_name("head-2026").unwrap()).unwrap();
        let upgrade = ScheduledFault {
            at_block: 450,
            description: "runtime upgrade: 2 hyperparameters set".into(),
            fault: NodeFault::Chain,
        };
        let faults = [upgrade];
        let checked = |group: &str| {
            let mut expect = scenario.expect.clone();
            expect[0].group = Some(group.to_string());
            check(&expect, &subnets, &nodes(&scenario), (&faults, false))
        };
        assert_eq!(checked("runtime upgrade: 2 hyperparameters set at block 450"), Ok(()));
        assert_eq!(
            error(checked("runtime upgrade at block 450")),
            "expect[0].group: no fault or upgrade \"runtime upgrade at block 450\" (named as <description> at block <b>: \"runtime upgrade: 2 hyperparameters set at block 450\")"
        );
        assert_eq!(
            error(expecting("{observable: incentive_kendall_tau, group: miners, min: 0.5}")),
            "expect[0].group: this observable is read on a subnet, not a group"
        );
    }

    #[test]
    fn an_expectation_on_inherited_bonds_without_the_bonds_recorded_is_refused() {
        assert_eq!(
            error(expecting("{observable: inherited_bonds, group: miners, max: 0}")),
            "expect[0].observable: inherited_bonds reads the bonds: needs report: {bonds: true}"
        );
    }

    #[test]
    fn an_expectation_without_a_bound_is_refused() {
        assert_eq!(
            error(expecting("{observable: incentive_share, group: miners}")),
            "expect[0]: an expectation needs min, max or both"
        );
    }
}
