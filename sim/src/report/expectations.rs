//! The scenario's expectations, read on the report's observables as the report prints them
//! (rounded to 6 decimals), so that a verdict can be checked against report.json by hand.

use super::document::{ByGroup, Decimal6, ExpectationRow, Observables};
use crate::metrics;
use crate::scenario::{Expectation, Observable, Plan};

/// The observable's key in the report.
fn key(observable: Observable) -> &'static str {
    match observable {
        Observable::IncentiveAccuracySpearman => "incentive_accuracy_spearman",
        Observable::RelativeDividendRate => "relative_dividend_rate",
        Observable::IncentiveShare => "incentive_share",
        Observable::RewardShare => "reward_share",
        Observable::QueryTimeoutRate => "query_timeout_rate",
        Observable::DuplicateAnswers => "duplicate_answers",
    }
}

/// The value an expectation reads: a subnet's, or a group's for group observables; `None` when
/// undefined or when the group has none.
fn observed(observables: &Observables, observable: Observable, group: Option<&str>) -> Option<f64> {
    let of_group = |by_group: &ByGroup| group.and_then(|g| by_group.get(g)).and_then(|d| d.value());
    match observable {
        Observable::IncentiveAccuracySpearman => observables.incentive_accuracy_spearman.value(),
        Observable::RelativeDividendRate => {
            group.and_then(|g| observables.relative_dividend_rate.get(g)).and_then(|rate| rate.value.value())
        }
        Observable::IncentiveShare => of_group(&observables.incentive_share),
        Observable::RewardShare => of_group(&observables.reward_share),
        Observable::QueryTimeoutRate => observables.query_timeout_rate.value(),
        Observable::DuplicateAnswers => group.and_then(|g| observables.duplicate_answers.get(g)).map(|&n| n as f64),
    }
}

/// One expectation's row, and its failure line if it did not hold. `observables` are by subnet,
/// in plan order.
fn verdict<'a>(
    plan: &'a Plan,
    expectation: &Expectation,
    observables: &[&Observables],
) -> (ExpectationRow<'a>, Option<String>) {
    let Expectation { observable, subnet, group, relative_to, min, max } = expectation;
    let index = subnet.as_ref().map_or(0, |name| plan.subnets.iter().position(|s| &s.name == name).expect("resolved"));
    let value = observed(observables[index], *observable, group.as_deref());
    // Relative to another group: undefined (so failing) when that group's value is 0 or undefined.
    let value = match relative_to {
        None => value,
        Some(reference) => value
            .zip(observed(observables[index], *observable, Some(reference)))
            .and_then(|(value, reference)| metrics::ratio(value, reference)),
    };
    let pass = value.is_some_and(|v| min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m));
    let groups = match (group, relative_to) {
        (Some(group), Some(reference)) => format!("[{group}/{reference}]"),
        (Some(group), None) => format!("[{group}]"),
        _ => String::new(),
    };
    let name = format!("{}{groups}", key(*observable));
    let subnet_name = plan.subnets[index].name.as_str();
    let failure = (!pass).then(|| {
        let value = value.map_or("undefined".to_string(), |v| v.to_string());
        format!("expectation failed: {name} on {subnet_name} is {value} (min {min:?}, max {max:?})")
    });
    let row = ExpectationRow {
        max: *max,
        min: *min,
        observable: name,
        pass,
        subnet: subnet_name,
        value: Decimal6::of(value),
    };
    (row, failure)
}

/// Every expectation with its value and verdict, and the lines of those that failed.
pub fn check<'a>(plan: &'a Plan, observables: &[&Observables]) -> (Vec<ExpectationRow<'a>>, Vec<String>) {
    let (rows, failures): (Vec<_>, Vec<_>) =
        plan.scenario.expect.iter().map(|expectation| verdict(plan, expectation, observables)).unzip();
    (rows, failures.into_iter().flatten().collect())
}
