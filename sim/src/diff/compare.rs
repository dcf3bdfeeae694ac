//! Two reports, observable by observable and epoch by epoch.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use crate::diff::model::{
    DIFF_VERSION, Diff, EpochDiff, HyperparameterDifference, ObservableChange, RunRef, UidChange,
};
use crate::diff::report_in::{EpochIn, ReportIn, SubnetIn};
use crate::diff::values::{OBSERVABLES, ObservableValue, observable_values};

/// How many UID changes each epoch lists: enough to name the movers, few enough to read.
pub const UID_CHANGES_PER_EPOCH: usize = 10;

/// Why two reports are not compared.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal(pub String);

/// The diff of `b` against `a` (named by their paths). Reports of different scenarios are
/// refused unless `force`: their groups and epochs would pair by name and position only.
pub fn compare(a: (&str, &ReportIn), b: (&str, &ReportIn), force: bool) -> Result<Diff, Refusal> {
    let (ra, rb) = (&a.1.run, &b.1.run);
    let forced = if ra.scenario != rb.scenario {
        Some(format!("different scenarios: {:?} and {:?}", ra.scenario, rb.scenario))
    } else if ra.scenario_sha256 != rb.scenario_sha256 {
        Some(format!(
            "different scenario files for {:?}: run.scenario_sha256 {}… and {}…",
            ra.scenario,
            &ra.scenario_sha256[..ra.scenario_sha256.len().min(8)],
            &rb.scenario_sha256[..rb.scenario_sha256.len().min(8)]
        ))
    } else {
        None
    };
    if let (Some(reason), false) = (&forced, force) {
        return Err(Refusal(format!("{reason} (--force compares them anyway)")));
    }
    let mut diff = Diff {
        a: run_ref(a.0, a.1),
        b: run_ref(b.0, b.1),
        diff_version: DIFF_VERSION,
        epochs: Vec::new(),
        forced: forced.is_some(),
        hyperparameters: Vec::new(),
        observables: Vec::new(),
        unmatched: Vec::new(),
    };
    for subnet_a in &a.1.subnets {
        match b.1.subnets.iter().find(|s| s.name == subnet_a.name) {
            Some(subnet_b) => compare_subnet(subnet_a, subnet_b, &mut diff),
            None => diff.unmatched.push(format!("subnet {} only in A", subnet_a.name)),
        }
    }
    for subnet_b in b.1.subnets.iter().filter(|s| !a.1.subnets.iter().any(|x| x.name == s.name)) {
        diff.unmatched.push(format!("subnet {} only in B", subnet_b.name));
    }
    sort_by_magnitude(&mut diff.observables);
    Ok(diff)
}

fn run_ref(path: &str, report: &ReportIn) -> RunRef {
    let run = &report.run;
    RunRef {
        path: path.to_string(),
        profile: run.profile.clone(),
        scenario: run.scenario.clone(),
        scenario_sha256: run.scenario_sha256.clone(),
        seed: run.seed,
    }
}

/// The largest relative change first; ties (zeros, say) by the larger absolute change, then by
/// name, so that the order is the same on every run.
pub fn sort_by_magnitude(rows: &mut [ObservableChange]) {
    rows.sort_by(|x, y| {
        let absolute = |r: &ObservableChange| r.absolute_change.map_or(0.0, f64::abs);
        y.magnitude()
            .total_cmp(&x.magnitude())
            .then(absolute(y).total_cmp(&absolute(x)))
            .then_with(|| (&x.subnet, x.observable, &x.group).cmp(&(&y.subnet, y.observable, &y.group)))
    });
}

fn compare_subnet(a: &SubnetIn, b: &SubnetIn, diff: &mut Diff) {
    for (name, va, vb) in groups(&a.hyperparameters, &b.hyperparameters) {
        if va != vb {
            diff.hyperparameters.push(HyperparameterDifference {
                a: va.cloned(),
                b: vb.cloned(),
                name: name.to_string(),
                subnet: a.name.clone(),
            });
        }
    }
    observables(a, b, &mut diff.observables);
    if let Some(lacking) = match (&a.stability, &b.stability) {
        (Some(_), Some(_)) => None,
        (None, None) => Some("either report"),
        (None, _) => Some("A"),
        _ => Some("B"),
    } {
        diff.unmatched.push(format!("subnet {}: stability, absent from {lacking} (a report from before it)", a.name));
    }
    let compared = a.epochs.len().min(b.epochs.len());
    if a.epochs.len() != b.epochs.len() {
        diff.unmatched.push(format!(
            "subnet {}: A has {} epochs, B {}; the first {compared} are compared",
            a.name,
            a.epochs.len(),
            b.epochs.len()
        ));
    }
    for (index, (epoch_a, epoch_b)) in a.epochs.iter().zip(&b.epochs).enumerate() {
        let (largest, [consensus, incentive, dividends]) = uid_changes((a, epoch_a), (b, epoch_b));
        diff.epochs.push(EpochDiff {
            block_a: epoch_a.block,
            block_b: epoch_b.block,
            consensus_max_change: consensus,
            dividends_max_change: dividends,
            epoch: index,
            incentive_max_change: incentive,
            largest,
            subnet: a.name.clone(),
        });
    }
}

/// One row per observable (per group for group observables) of one subnet, paired by name: an
/// observable (a group) of one run only is paired with `None`.
fn observables(a: &SubnetIn, b: &SubnetIn, rows: &mut Vec<ObservableChange>) {
    let subnet = a.name.as_str();
    // Stability only when both reports have it (a report from before it is listed as lacking it).
    let both = a.stability.is_some() && b.stability.is_some();
    let values = |s: &SubnetIn| observable_values(&s.observables, s.stability.as_ref().filter(|_| both));
    let (values_a, values_b) = (values(a), values(b));
    let keys: BTreeSet<(usize, Option<&str>)> =
        values_a.iter().chain(&values_b).map(|v| (position(v.observable), v.group.as_deref())).collect();
    let value_of = |values: &[ObservableValue], (observable, group): (usize, Option<&str>)| {
        let found = values.iter().find(|v| position(v.observable) == observable && v.group.as_deref() == group);
        found.and_then(|v| v.value)
    };
    // In `observable_values`' order (groups in name order): the order of the rows before sorting.
    for key in keys {
        rows.push(change(subnet, OBSERVABLES[key.0], key.1, value_of(&values_a, key), value_of(&values_b, key)));
    }
}

fn position(observable: &str) -> usize {
    OBSERVABLES.iter().position(|name| *name == observable).expect("observable_values lists only OBSERVABLES")
}

/// Every key (a group, a hyperparameter) of either run with its value in each (absent: `None`).
fn groups<'a, T>(
    a: &'a BTreeMap<String, T>,
    b: &'a BTreeMap<String, T>,
) -> Vec<(&'a str, Option<&'a T>, Option<&'a T>)> {
    let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    names.into_iter().map(|name| (name.as_str(), a.get(name), b.get(name))).collect()
}

/// Changes are rounded to the reports' 6 decimals: a difference of two printed values has no
/// more digits than they have, and the rest is the float's noise.
fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

pub fn change(
    subnet: &str,
    observable: &'static str,
    group: Option<&str>,
    a: Option<f64>,
    b: Option<f64>,
) -> ObservableChange {
    let absolute_change = a.zip(b).map(|(a, b)| round6(b - a));
    let relative_change = match (a, b) {
        (Some(a), Some(b)) if a == b => Some(0.0),
        (Some(a), Some(b)) if a != 0.0 => Some(round6((b - a) / a.abs())),
        _ => None,
    };
    ObservableChange {
        a,
        absolute_change,
        b,
        group: group.map(str::to_string),
        observable,
        relative_change,
        subnet: subnet.to_string(),
    }
}

/// One per-epoch output by UID (u16), read from an epoch.
type Output = fn(&EpochIn) -> &[u16];

/// The epoch's largest changes by UID over its three outputs, at most `UID_CHANGES_PER_EPOCH`,
/// and each output's largest |change| (a threshold on one output must see it even when the
/// other outputs' changes fill the list).
fn uid_changes(a: (&SubnetIn, &EpochIn), b: (&SubnetIn, &EpochIn)) -> (Vec<UidChange>, [u32; 3]) {
    let fields: [(&'static str, Output); 3] =
        [("consensus", |e| &e.consensus), ("incentive", |e| &e.incentive), ("dividends", |e| &e.dividends)];
    let mut changes = Vec::new();
    let mut maxima = [0; 3];
    for (index, (field, values)) in fields.into_iter().enumerate() {
        let (va, vb) = (values(a.1), values(b.1));
        for uid in 0..va.len().max(vb.len()) {
            let (x, y) = (va.get(uid).copied(), vb.get(uid).copied());
            let change = i32::from(y.unwrap_or(0)) - i32::from(x.unwrap_or(0));
            maxima[index] = maxima[index].max(change.unsigned_abs());
            if change != 0 {
                // UIDs are below UIDS_MAX (4096), so the index fits a u16.
                let uid = uid as u16;
                let (actor_a, actor_b) = (actor_at(a.0, a.1, uid), actor_at(b.0, b.1, uid));
                changes.push(UidChange { a: x, actor_a, actor_b, b: y, change, field, uid });
            }
        }
    }
    // A stable sort: equal changes keep the order field by field, UID by UID.
    changes.sort_by_key(|c| Reverse(c.change.unsigned_abs()));
    changes.truncate(UID_CHANGES_PER_EPOCH);
    (changes, maxima)
}

/// The scenario's actor holding `uid` in `epoch` (by its hotkey), if any.
fn actor_at(subnet: &SubnetIn, epoch: &EpochIn, uid: u16) -> Option<String> {
    let hotkey = *epoch.hotkeys.get(usize::from(uid))?;
    subnet.actors.iter().find(|actor| actor.hotkey == hotkey).map(|actor| actor.name.clone())
}
