//! Stage 8, expectations: each names a subnet and a group that exist, a group where its
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
