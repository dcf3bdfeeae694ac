//! One report's observables as a flat list, each named as expectations and thresholds name it
//! (observable, group): what `diff` pairs between two reports and what `sweep` collects.

use crate::diff::report_in::{ObservablesIn, SettledIn, StabilityIn, StakeIn};

/// One observable's value in one subnet; `None` when the report has it undefined.
#[derive(Clone, Debug, PartialEq)]
pub struct ObservableValue {
    pub observable: &'static str,
    pub group: Option<String>,
    pub value: Option<f64>,
}

/// Every observable of a subnet's `observables` and `stability` (when given), group observables
/// once per group (groups in name order; the settle observables once per event, named as
/// `SettleIn::label` has it, in name order), in the order `diff` lists them before sorting by
/// change.
pub fn observable_values(observables: &ObservablesIn, stability: Option<&StabilityIn>) -> Vec<ObservableValue> {
    let mut values = Vec::new();
    let mut push = |observable: &'static str, group: Option<&str>, value: Option<f64>| {
        values.push(ObservableValue { observable, group: group.map(str::to_string), value });
    };
    for (group, share) in &observables.incentive_share {
        push("incentive_share", Some(group), *share);
    }
    for (group, share) in &observables.reward_share {
        push("reward_share", Some(group), *share);
    }
    for (group, rate) in &observables.relative_dividend_rate {
        push("relative_dividend_rate", Some(group), rate.value);
    }
    push("incentive_accuracy_spearman", None, observables.incentive_accuracy_spearman);
    push("query_timeout_rate", None, observables.query_timeout_rate);
    push("winner_flips", None, Some(observables.winner_flips as f64));
    let stake = observables.validator_stake.as_ref();
    push("validator_stake.gini", None, stake.and_then(|s| s.gini));
    let majority = |s: &StakeIn| s.nakamoto_coefficient_majority as f64;
    push("validator_stake.nakamoto_coefficient_majority", None, stake.map(majority));
    let kappa = |s: &StakeIn| s.nakamoto_coefficient_kappa as f64;
    push("validator_stake.nakamoto_coefficient_kappa", None, stake.map(kappa));
    if let Some(stability) = stability {
        push("stability.incentive_kendall_tau_mean", None, stability.incentive_kendall_tau_mean);
        push("stability.validator_trust_stake_mean", None, stability.validator_trust_stake_mean);
        push("stability.within_clipping_stake_share_mean", None, stability.within_clipping_stake_share_mean);
        let epochs = |settled: &SettledIn| settled.epochs.map(|n| n as f64);
        let mut events: Vec<_> = stability.settling.iter().map(|row| (row.label(), row)).collect();
        events.sort_by(|x, y| x.0.cmp(&y.0));
        for (event, row) in &events {
            push("stability.dividends_settle_epochs", Some(event), epochs(&row.dividends));
        }
        for (event, row) in &events {
            push("stability.bonds_settle_epochs", Some(event), epochs(&row.bonds));
        }
    }
    values
}

/// Whether `name` is an observable `observable_values` lists (a sweep's `collect` is checked
/// against it before anything runs).
pub fn is_observable(name: &str) -> bool {
    OBSERVABLES.contains(&name)
}

/// The names `observable_values` gives, for checks and error messages.
pub const OBSERVABLES: [&str; 14] = [
    "incentive_share",
    "reward_share",
    "relative_dividend_rate",
    "incentive_accuracy_spearman",
    "query_timeout_rate",
    "winner_flips",
    "validator_stake.gini",
    "validator_stake.nakamoto_coefficient_majority",
    "validator_stake.nakamoto_coefficient_kappa",
    "stability.incentive_kendall_tau_mean",
    "stability.validator_trust_stake_mean",
    "stability.within_clipping_stake_share_mean",
    "stability.dividends_settle_epochs",
    "stability.bonds_settle_epochs",
];

/// Whether `observable` is reported per group (per event, for the settle observables: the
/// event names the group).
pub fn is_group_observable(observable: &str) -> bool {
    matches!(
        observable,
        "incentive_share"
            | "reward_share"
            | "relative_dividend_rate"
            | "stability.dividends_settle_epochs"
            | "stability.bonds_settle_epochs"
    )
}
