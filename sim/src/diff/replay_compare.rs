//! Two replay outputs, epoch by epoch and UID by UID: consensus, incentive, dividends, validator
//! trust (u16) and emission (RAO), each change ranked by its share of the whole.

use std::collections::BTreeMap;

use crate::diff::compare::{Refusal, UID_CHANGES_PER_EPOCH};
use crate::diff::model::{
    DIFF_VERSION, FieldLargest, ReplayDiff, ReplayEpochDiff, ReplayRef, ReplayUidChange, UidChangeAt,
};
use crate::diff::replay_in::{ReplayEpochIn, ReplayField, ReplayIn};

/// The hotkeys that name UIDs (a snapshot's, by UID), and where they come from.
#[derive(Clone, Copy, Debug)]
pub struct Hotkeys<'a> {
    pub from: &'a str,
    pub by_uid: &'a [String],
}

/// The diff of `b` against `a` (named by their paths). Outputs of different cases (names) are
/// refused unless `force`: their epochs and UIDs would pair by position only.
pub fn compare(
    a: (&str, &ReplayIn),
    b: (&str, &ReplayIn),
    force: bool,
    hotkeys: Option<Hotkeys>,
) -> Result<ReplayDiff, Refusal> {
    let (ra, rb) = (a.1, b.1);
    let forced = (ra.name != rb.name).then(|| format!("different cases: {:?} and {:?}", ra.name, rb.name));
    if let (Some(reason), false) = (&forced, force) {
        return Err(Refusal(format!("{reason} (--force compares them anyway)")));
    }
    let side = |(path, replay): (&str, &ReplayIn)| ReplayRef { name: replay.name.clone(), path: path.to_string() };
    let mut diff = ReplayDiff {
        a: side(a),
        b: side(b),
        diff_version: DIFF_VERSION,
        epochs: Vec::new(),
        fields: Vec::new(),
        forced: forced.is_some(),
        hotkeys_from: hotkeys.map(|h| h.from.to_string()),
        kind: "replay",
        unmatched: Vec::new(),
    };
    let (subnets_a, subnets_b) = (by_subnet(&ra.epochs), by_subnet(&rb.epochs));
    for (netuid, epochs_a) in &subnets_a {
        match subnets_b.get(netuid) {
            Some(epochs_b) => compare_subnet(*netuid, epochs_a, epochs_b, hotkeys, &mut diff),
            None => diff.unmatched.push(format!("{} only in A", subnet_label(*netuid))),
        }
    }
    for netuid in subnets_b.keys().filter(|netuid| !subnets_a.contains_key(*netuid)) {
        diff.unmatched.push(format!("{} only in B", subnet_label(*netuid)));
    }
    diff.fields = ReplayField::ALL.iter().map(|&field| field_largest(&diff.epochs, field)).collect();
    Ok(diff)
}

/// An output's epoch records by subnet (a chain case's netuid; `None` for an epoch case), in
/// output order.
fn by_subnet(epochs: &[ReplayEpochIn]) -> BTreeMap<Option<u16>, Vec<&ReplayEpochIn>> {
    let mut subnets: BTreeMap<Option<u16>, Vec<&ReplayEpochIn>> = BTreeMap::new();
    for epoch in epochs {
        subnets.entry(epoch.netuid).or_default().push(epoch);
    }
    subnets
}

fn subnet_label(netuid: Option<u16>) -> String {
    netuid.map_or_else(|| "the epochs".to_string(), |netuid| format!("the epochs of netuid {netuid}"))
}

fn compare_subnet(
    netuid: Option<u16>,
    a: &[&ReplayEpochIn],
    b: &[&ReplayEpochIn],
    hotkeys: Option<Hotkeys>,
    diff: &mut ReplayDiff,
) {
    let compared = a.len().min(b.len());
    if a.len() != b.len() {
        diff.unmatched.push(format!(
            "{}: A has {} epochs, B {}; the first {compared} are compared",
            subnet_label(netuid),
            a.len(),
            b.len()
        ));
    }
    for (epoch, (epoch_a, epoch_b)) in a.iter().zip(b).enumerate() {
        let (largest, max_change) = uid_changes(epoch_a, epoch_b, hotkeys);
        diff.epochs.push(ReplayEpochDiff {
            block_a: epoch_a.block,
            block_b: epoch_b.block,
            epoch,
            largest,
            max_change,
            netuid,
        });
    }
}

/// The epoch's largest changes by share over every field, at most `UID_CHANGES_PER_EPOCH`, and
/// each field's largest change (a threshold on one field must see it even when the others fill
/// the list).
fn uid_changes(
    a: &ReplayEpochIn,
    b: &ReplayEpochIn,
    hotkeys: Option<Hotkeys>,
) -> (Vec<ReplayUidChange>, BTreeMap<&'static str, ReplayUidChange>) {
    let mut changes: Vec<(f64, ReplayUidChange)> = Vec::new();
    let mut max_change = BTreeMap::new();
    for field in ReplayField::ALL {
        let (va, vb) = (a.values(field), b.values(field));
        let whole = whole(field, &va, &vb);
        let mut field_changes: Vec<(f64, ReplayUidChange)> = Vec::new();
        for uid in 0..va.len().max(vb.len()) {
            let (x, y) = (va.get(uid).copied(), vb.get(uid).copied());
            let change = i128::from(y.unwrap_or(0)) - i128::from(x.unwrap_or(0));
            if change == 0 {
                continue;
            }
            let share = change.unsigned_abs() as f64 / whole;
            let hotkey = hotkeys.and_then(|h| h.by_uid.get(uid)).cloned();
            // The outputs hold at most UIDS_MAX (4096) UIDs, checked as read: the index fits a u16.
            let uid = uid as u16;
            let share_shown = (share * 1e6).round() / 1e6;
            field_changes.push((
                share,
                ReplayUidChange { a: x, b: y, change, field: field.name(), hotkey, share: share_shown, uid },
            ));
        }
        // The first UID of the largest |change| (max_by_key would keep the last).
        if let Some((_, largest)) = field_changes.iter().rev().max_by_key(|(_, c)| c.change.unsigned_abs()) {
            max_change.insert(field.name(), largest.clone());
        }
        changes.extend(field_changes);
    }
    // A stable sort: equal shares keep the order field by field, UID by UID.
    changes.sort_by(|(x, _), (y, _)| y.total_cmp(x));
    let largest = changes.into_iter().take(UID_CHANGES_PER_EPOCH).map(|(_, change)| change).collect();
    (largest, max_change)
}

/// What a change of `field` is a share of: 65535 for a u16 proportion; for emission, the epoch's
/// (the larger of the two outputs' sums, so that the share is the same either way round).
fn whole(field: ReplayField, a: &[u64], b: &[u64]) -> f64 {
    match field {
        ReplayField::EmissionRao => {
            let sum = |values: &[u64]| values.iter().map(|&v| u128::from(v)).sum::<u128>();
            sum(a).max(sum(b)).max(1) as f64
        }
        _ => f64::from(u16::MAX),
    }
}

/// `field`'s largest change over all epochs (the first epoch of the largest).
fn field_largest(epochs: &[ReplayEpochDiff], field: ReplayField) -> FieldLargest {
    let mut largest: Option<UidChangeAt> = None;
    for epoch in epochs {
        let Some(change) = epoch.max_change.get(field.name()) else { continue };
        if largest.as_ref().is_none_or(|l| change.change.unsigned_abs() > l.change.change.unsigned_abs()) {
            largest = Some(UidChangeAt {
                block_b: epoch.block_b,
                change: change.clone(),
                epoch: epoch.epoch,
                netuid: epoch.netuid,
            });
        }
    }
    FieldLargest { field: field.name(), largest }
}
