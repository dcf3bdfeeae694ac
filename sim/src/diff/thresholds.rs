//! The thresholds a diff is held to (`--thresholds FILE`, YAML or JSON, which is YAML):
//!
//! ```yaml
//! thresholds:
//!   - {observable: incentive_share, group: miners, max_absolute: 0.01}
//!   - {observable: relative_dividend_rate, max_relative: 0.05}        # every group
//!   - {observable: validator_stake.gini, subnet: digits, max_absolute: 0.02}
//!   - {observable: incentive, max_absolute: 2000}                     # any UID, any epoch (u16)
//!   - {observable: stability.dividends_settle_epochs, group: "crash honest/3 at block 2000", max_absolute: 2}
//! ```
//!
//! The settle observables have a value per event; `group` names one as the diff does.
//!
//! A row is exceeded when |b − a| > max_absolute or |b − a| / |a| > max_relative, and also when a
//! value appears or disappears (defined in one run only) or, for max_relative, leaves zero.
//!
//! A diff of replay outputs is held on its per-UID fields (`consensus`, `incentive`, `dividends`,
//! `validator_trust` in u16, `emission_rao` in RAO) with max_absolute; `subnet` names a chain
//! case's netuid.

use serde::Deserialize;

use crate::diff::model::{Compared, Diff, ObservableChange, ReplayDiff};
use crate::diff::replay_in::ReplayField;

/// Observables with a value per group, or per event for the settle observables (`group` may
/// name one).
const GROUP_OBSERVABLES: [&str; 5] = [
    "incentive_share",
    "reward_share",
    "relative_dividend_rate",
    "stability.dividends_settle_epochs",
    "stability.bonds_settle_epochs",
];
/// Observables with one value per subnet.
const SUBNET_OBSERVABLES: [&str; 9] = [
    "incentive_accuracy_spearman",
    "query_timeout_rate",
    "winner_flips",
    "validator_stake.gini",
    "validator_stake.nakamoto_coefficient_majority",
    "validator_stake.nakamoto_coefficient_kappa",
    "stability.incentive_kendall_tau_mean",
    "stability.validator_trust_stake_mean",
    "stability.within_clipping_stake_share_mean",
];
/// Per-epoch outputs by UID in a report, held to max_absolute in u16.
const EPOCH_FIELDS: [&str; 3] = ["consensus", "incentive", "dividends"];
/// Per-epoch outputs by UID only replay outputs have.
const REPLAY_ONLY_FIELDS: [&str; 2] = ["validator_trust", "emission_rao"];
/// More thresholds than any file needs; the bound keeps the check's work bounded.
const THRESHOLDS_MAX: usize = 10_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdsFile {
    pub thresholds: Vec<Threshold>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    pub observable: String,
    /// A subnet by name; every subnet when absent.
    #[serde(default)]
    pub subnet: Option<String>,
    /// A group of a group observable; every group when absent.
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub max_absolute: Option<f64>,
    #[serde(default)]
    pub max_relative: Option<f64>,
}

impl Threshold {
    /// How the threshold reads in a message: `incentive_share[miners] max_absolute 0.01`.
    pub fn label(&self) -> String {
        let mut label = self.observable.clone();
        if let Some(group) = &self.group {
            label.push_str(&format!("[{group}]"));
        }
        if let Some(subnet) = &self.subnet {
            label = format!("{subnet} {label}");
        }
        for (name, bound) in [("max_absolute", self.max_absolute), ("max_relative", self.max_relative)] {
            if let Some(bound) = bound {
                label.push_str(&format!(" {name} {bound}"));
            }
        }
        label
    }
}

/// Parses a thresholds file and checks every entry; the error names the field.
pub fn parse(text: &str) -> Result<Vec<Threshold>, String> {
    let file: ThresholdsFile = crate::yaml::from_str(text).map_err(|e| e.to_string())?;
    if file.thresholds.len() > THRESHOLDS_MAX {
        return Err(format!("thresholds: {} entries exceed the limit {THRESHOLDS_MAX}", file.thresholds.len()));
    }
    for (index, threshold) in file.thresholds.iter().enumerate() {
        check(threshold).map_err(|message| format!("thresholds[{index}].{message}"))?;
    }
    Ok(file.thresholds)
}

/// One entry's rules; the error starts with its field.
fn check(t: &Threshold) -> Result<(), String> {
    let name = t.observable.as_str();
    let is_group = GROUP_OBSERVABLES.contains(&name);
    let is_epoch = EPOCH_FIELDS.contains(&name) || REPLAY_ONLY_FIELDS.contains(&name);
    if !is_group && !is_epoch && !SUBNET_OBSERVABLES.contains(&name) {
        let known =
            [&GROUP_OBSERVABLES[..], &SUBNET_OBSERVABLES, &EPOCH_FIELDS, &REPLAY_ONLY_FIELDS].concat().join(", ");
        return Err(format!("observable: unknown observable {name:?} (one of {known})"));
    }
    if t.group.is_some() && !is_group {
        return Err(format!("group: {name} has no groups"));
    }
    if t.max_absolute.is_none() && t.max_relative.is_none() {
        return Err("max_absolute: a threshold needs max_absolute or max_relative".to_string());
    }
    if is_epoch && t.max_relative.is_some() {
        return Err(format!("max_relative: {name} is held to max_absolute (u16, or RAO) only"));
    }
    for (field, bound) in [("max_absolute", t.max_absolute), ("max_relative", t.max_relative)] {
        if bound.is_some_and(|b| !(b.is_finite() && b >= 0.0)) {
            return Err(format!("{field}: must be a finite number ≥ 0"));
        }
    }
    Ok(())
}

/// Refuses a threshold the compared kind has no value for (a group observable on replay
/// outputs, `emission_rao` on run reports); the error names the entry's field.
pub fn check_kind(thresholds: &[Threshold], replays: bool) -> Result<(), String> {
    for (index, threshold) in thresholds.iter().enumerate() {
        let name = threshold.observable.as_str();
        let replay_field = ReplayField::by_name(name).is_some();
        if replays && !replay_field {
            let fields: Vec<&str> = ReplayField::ALL.iter().map(|field| field.name()).collect();
            return Err(format!(
                "thresholds[{index}].observable: {name} is read from run reports; replay outputs are held on {}",
                fields.join(", ")
            ));
        }
        if !replays && REPLAY_ONLY_FIELDS.contains(&name) {
            return Err(format!(
                "thresholds[{index}].observable: {name} is read from replay outputs; a report's epochs are held on {}",
                EPOCH_FIELDS.join(", ")
            ));
        }
    }
    Ok(())
}

/// Every change beyond a threshold of what was compared, one line each (see `exceeded` and
/// `replay_exceeded`); the thresholds are of its kind (`check_kind`).
pub fn exceeded_in(compared: &Compared, thresholds: &[Threshold]) -> Vec<String> {
    match compared {
        Compared::Reports(diff) => exceeded(diff, thresholds),
        Compared::Replays(diff) => replay_exceeded(diff, thresholds),
    }
}

/// The UID changes of a replay diff beyond each threshold's max_absolute: at most one line per
/// subnet and epoch (its largest), in the file's order.
pub fn replay_exceeded(diff: &ReplayDiff, thresholds: &[Threshold]) -> Vec<String> {
    let mut lines = Vec::new();
    for threshold in thresholds {
        let Some(max) = threshold.max_absolute else { continue };
        let field = threshold.observable.as_str();
        let in_subnet = |netuid: Option<u16>| {
            threshold.subnet.as_ref().is_none_or(|s| netuid.is_some_and(|netuid| netuid.to_string() == *s))
        };
        for epoch in diff.epochs.iter().filter(|e| in_subnet(e.netuid)) {
            let Some(c) = epoch.max_change.get(field) else { continue };
            let largest = c.change.unsigned_abs();
            if largest as f64 <= max {
                continue;
            }
            let subnet = epoch.netuid.map_or(String::new(), |netuid| format!("netuid {netuid} "));
            let hotkey = c.hotkey.as_ref().map_or(String::new(), |hotkey| format!(" ({hotkey})"));
            lines.push(format!(
                "{}: {subnet}epoch {} (block {}): |Δ| {largest} > {max}, uid {}{hotkey} {:?} → {:?}",
                threshold.label(),
                epoch.epoch,
                epoch.block_b,
                c.uid,
                c.a,
                c.b
            ));
        }
    }
    lines
}

/// Every change beyond a threshold, one line each, in the file's order (the first is the first
/// threshold exceeded).
pub fn exceeded(diff: &Diff, thresholds: &[Threshold]) -> Vec<String> {
    let mut lines = Vec::new();
    for threshold in thresholds {
        let label = threshold.label();
        if EPOCH_FIELDS.contains(&threshold.observable.as_str()) {
            lines.extend(epoch_exceeded(diff, threshold).into_iter().map(|what| format!("{label}: {what}")));
            continue;
        }
        for row in diff.observables.iter().filter(|row| applies(threshold, row)) {
            if row_exceeds(threshold, row) {
                lines.push(format!("{label}: {} {} {}", row.subnet, row.label(), describe(row)));
            }
        }
    }
    lines
}

fn applies(t: &Threshold, row: &ObservableChange) -> bool {
    t.observable == row.observable
        && t.subnet.as_ref().is_none_or(|s| *s == row.subnet)
        && t.group.as_ref().is_none_or(|g| Some(g) == row.group.as_ref())
}

pub fn row_exceeds(t: &Threshold, row: &ObservableChange) -> bool {
    let (a, b) = match (row.a, row.b) {
        (None, None) => return false,
        (Some(a), Some(b)) => (a, b),
        // Defined in one run only: G became undefined, a group appeared. No bound holds that.
        _ => return true,
    };
    let over_absolute = t.max_absolute.is_some_and(|max| (b - a).abs() > max + 1e-12);
    let over_relative = t.max_relative.is_some_and(|max| match row.relative_change {
        Some(relative) => relative.abs() > max + 1e-12,
        None => a != b,
    });
    over_absolute || over_relative
}

fn describe(row: &ObservableChange) -> String {
    let show = |v: Option<f64>| v.map_or("null".to_string(), |v| v.to_string());
    let relative = row.relative_change.map_or(String::new(), |r| format!(", {:+.2} %", r * 100.0));
    let absolute = row.absolute_change.map_or(String::new(), |d| format!(" (Δ {d:+}{relative})"));
    format!("{} → {}{absolute}", show(row.a), show(row.b))
}

/// The UID changes of per-epoch outputs beyond `t`'s max_absolute: at most one line per subnet
/// and epoch (its largest), so that one bad epoch does not print ten lines.
fn epoch_exceeded(diff: &Diff, t: &Threshold) -> Vec<String> {
    let Some(max) = t.max_absolute else { return Vec::new() };
    let mut lines = Vec::new();
    for epoch in diff.epochs.iter().filter(|e| t.subnet.as_ref().is_none_or(|s| *s == e.subnet)) {
        let field = t.observable.as_str();
        let largest = epoch.max_change(field).unwrap_or(0);
        if f64::from(largest) <= max {
            continue;
        }
        let at = format!("{} epoch {} (block {}): |Δ| {largest} > {max}", epoch.subnet, epoch.epoch, epoch.block_b);
        // The UID is named when the epoch's list holds it (other outputs may have filled it).
        match epoch.largest.iter().find(|c| c.field == field && c.change.unsigned_abs() == largest) {
            Some(c) => lines.push(format!("{at}, uid {} ({}) {:?} → {:?}", c.uid, c.actor(), c.a, c.b)),
            None => lines.push(at),
        }
    }
    lines
}
