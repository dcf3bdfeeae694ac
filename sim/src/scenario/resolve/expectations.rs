//! Stage 9, expectations: each names a subnet and a group that exist, a group where its
//! observable is read on one, and a bound.

use crate::scenario::error::{ScenarioError, invalid};
use crate::scenario::plan::{NodePlan, SubnetPlan};
use crate::scenario::types::{Expectation, Observable};

pub(super) fn check(
    expectations: &[Expectation],
    subnets: &[SubnetPlan],
    nodes: &[NodePlan],
) -> Result<(), ScenarioError> {
    for (e, expectation) in expectations.iter().enumerate() {
        let path = format!("expect[{e}]");
        if let Some(subnet) = &expectation.subnet
            && !subnets.iter().any(|s| &s.name == subnet)
        {
            return invalid(format!("{path}.subnet"), format!("no subnet {subnet:?}"));
        }
        match &expectation.group {
            Some(group) if !nodes.iter().any(|n| &n.group == group) => {
                return invalid(format!("{path}.group"), format!("no actor group {group:?}"));
            }
            None if read_on_a_group(expectation.observable) => {
                return invalid(format!("{path}.group"), "this observable is read on a group");
            }
            _ => {}
        }
        if expectation.min.is_none() && expectation.max.is_none() {
            return invalid(&path, "an expectation needs min, max or both");
        }
    }
    Ok(())
}

fn read_on_a_group(observable: Observable) -> bool {
    matches!(observable, Observable::RelativeDividendRate | Observable::IncentiveShare | Observable::RewardShare)
}

#[cfg(test)]
mod tests {
    use tensorsim_chain::profile::profile_by_name;

    use super::check;
    use crate::scenario::resolve::fixtures::{error, nodes, scenario, scenario_with};
    use crate::scenario::resolve::subnets;
    use crate::scenario::types::Scenario;

    const EXPECTATION: &str = "{observable: incentive_share, group: miners, min: 0.1}";

    fn checked(scenario: &Scenario) -> Result<(), crate::scenario::ScenarioError> {
        let subnets = subnets::resolve(&scenario.subnets, profile_by_name("head-2026").unwrap()).unwrap();
        check(&scenario.expect, &subnets, &nodes(scenario))
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
    fn an_expectation_without_a_bound_is_refused() {
        assert_eq!(
            error(expecting("{observable: incentive_share, group: miners}")),
            "expect[0]: an expectation needs min, max or both"
        );
    }
}
