//! The scenario's expectations, read on the report's observables as the report prints them
//! (rounded to 6 decimals), so that a verdict can be checked against report.json by hand.

use super::document::{self, Decimal6, ExpectationRow, SubnetSection};
use super::readings::{ByGroup, Readings};
use crate::metrics;
use crate::record::event_label;
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
        Observable::WinnerFlips => "winner_flips",
        Observable::NakamotoCoefficientKappa => "nakamoto_coefficient_kappa",
        Observable::ValidatorTrust => "validator_trust",
        Observable::DividendsPerStake => "dividends_per_stake",
        Observable::InactiveEpochs => "inactive_epochs",
        Observable::IncentiveBeforeReveal => "incentive_before_reveal",
        Observable::InheritedBonds => "inherited_bonds",
        Observable::PrunedUnpaid => "pruned_unpaid",
        Observable::BondsAfterReset => "bonds_after_reset",
        Observable::IncentiveKendallTau => "incentive_kendall_tau",
        Observable::DividendsSettleEpochs => "dividends_settle_epochs",
    }
}

/// The value an expectation reads: a subnet's, or a group's for group observables; `None` when
/// undefined or when the group has none.
fn observed(
    (subnet, readings): (&SubnetSection, &Readings),
    observable: Observable,
    group: Option<&str>,
) -> Option<f64> {
    let observables = &subnet.observables;
    let of_group = |by_group: &document::ByGroup| group.and_then(|g| by_group.get(g)).and_then(|d| d.value());
    let read = |by_group: &ByGroup<f64>| group.and_then(|g| by_group.get(g)).copied();
    let count = |by_group: &ByGroup<u64>| group.and_then(|g| by_group.get(g)).map(|&n| n as f64);
    match observable {
        Observable::IncentiveAccuracySpearman => observables.incentive_accuracy_spearman.value(),
        Observable::RelativeDividendRate => {
            group.and_then(|g| observables.relative_dividend_rate.get(g)).and_then(|rate| rate.value.value())
        }
        Observable::IncentiveShare => of_group(&observables.incentive_share),
        Observable::RewardShare => of_group(&observables.reward_share),
        Observable::QueryTimeoutRate => observables.query_timeout_rate.value(),
        Observable::DuplicateAnswers => group.and_then(|g| observables.duplicate_answers.get(g)).map(|&n| n as f64),
        Observable::WinnerFlips => Some(observables.winner_flips as f64),
        Observable::NakamotoCoefficientKappa => {
            observables.validator_stake.as_ref().map(|stake| stake.nakamoto_coefficient_kappa as f64)
        }
        Observable::ValidatorTrust => read(&readings.validator_trust),
        Observable::DividendsPerStake => read(&readings.dividends_per_stake),
        Observable::InactiveEpochs => count(&readings.inactive_epochs),
        Observable::IncentiveBeforeReveal => read(&readings.incentive_before_reveal),
        Observable::InheritedBonds => read(&readings.inherited_bonds),
        Observable::PrunedUnpaid => count(&readings.pruned_unpaid),
        Observable::BondsAfterReset => read(&readings.bonds_after_reset),
        Observable::IncentiveKendallTau => subnet.stability.incentive_kendall_tau_mean.value(),
        Observable::DividendsSettleEpochs => (subnet.stability.settling.iter())
            .find(|row| group.is_some_and(|g| event_label(row.event, row.block) == g))
            .and_then(|row| row.dividends.epochs)
            .map(|epochs| epochs as f64),
    }
}

/// The subnets' sections and readings, in plan order.
type Sections<'s, 'a> = (&'s [SubnetSection<'a>], &'s [Readings]);

fn subnet_index(plan: &Plan, name: Option<&String>) -> usize {
    name.map_or(0, |name| plan.subnets.iter().position(|s| &s.name == name).expect("resolved"))
}

/// The value an expectation reads, as the report prints it (so a verdict can be checked by hand);
/// relative to another group, undefined (so failing) when that group's is 0 or undefined.
fn value(plan: &Plan, expectation: &Expectation, (subnets, readings): Sections) -> Option<f64> {
    let index = subnet_index(plan, expectation.subnet.as_ref());
    let subnet = (&subnets[index], &readings[index]);
    let printed =
        |group: Option<&str>| observed(subnet, expectation.observable, group).and_then(|v| Decimal6::round(v).value());
    let value = printed(expectation.group.as_deref());
    let Some(reference) = &expectation.relative_to else { return value };
    value.zip(printed(Some(reference))).and_then(|(value, reference)| metrics::ratio(value, reference))
}

/// One expectation's row, and its failure line if it did not hold.
fn verdict<'a>(plan: &'a Plan, expectation: &Expectation, sections: Sections) -> (ExpectationRow<'a>, Option<String>) {
    let Expectation { observable, subnet, group, relative_to, min, max } = expectation;
    let index = subnet_index(plan, subnet.as_ref());
    let value = value(plan, expectation, sections);
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
pub fn check<'a>(
    plan: &'a Plan,
    subnets: &[SubnetSection],
    readings: &[Readings],
) -> (Vec<ExpectationRow<'a>>, Vec<String>) {
    let (rows, failures): (Vec<_>, Vec<_>) =
        plan.scenario.expect.iter().map(|expectation| verdict(plan, expectation, (subnets, readings))).unzip();
    (rows, failures.into_iter().flatten().collect())
}
