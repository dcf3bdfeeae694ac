//! Values an expectation can read beyond the report's `observables`, for the scenario library:
//! each is computed from what the report prints (its epochs' outputs, hotkeys, reveals and bonds,
//! and its registrations), so a verdict can be checked by hand, and none is written into the
//! report itself: a report's bytes do not depend on what its scenario expects.

use std::collections::BTreeMap;

use tensorsim_chain::accounts::HotkeyId;

use super::members::{Member, Seating, share};
use crate::record::{CommitmentRecord, RegistrationRecord, RevealRecord};

/// Group name → value, for the groups a reading is defined on.
pub type ByGroup<T> = BTreeMap<String, T>;

/// A subnet's readings, by group.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Readings {
    /// A validator group's mean validator trust over the window (each member's epochs in it).
    pub validator_trust: ByGroup<f64>,
    /// A validator group's dividends per stake over the window: its dividend shares summed over
    /// its stake-weight shares summed (1 = paid pro rata); undefined without stake.
    pub dividends_per_stake: ByGroup<f64>,
    /// Epochs of the run in which a member of the group held a UID and was inactive, summed.
    pub inactive_epochs: ByGroup<u64>,
    /// The incentive (u16 shares, summed over epochs) that members registered during the run
    /// earned before the first epoch that read a weight committed at or after their registration.
    pub incentive_before_reveal: ByGroup<f64>,
    /// The largest bond (u16 share) any validator held on a member's UID at the first epoch after
    /// the member registered during the run (needs the epochs' bonds).
    pub inherited_bonds: ByGroup<f64>,
    /// Members whose UID a registration took while no epoch had ever paid them incentive.
    pub pruned_unpaid: ByGroup<u64>,
    /// For members that published a model commitment (which resets their bonds where the subnet's
    /// `bonds_reset` is on): the largest bond on the member's UID at the first epoch after it over
    /// the largest at the last epoch before it (the group's largest ratio; needs the epochs'
    /// bonds).
    pub bonds_after_reset: ByGroup<f64>,
}

/// The chain facts the readings need besides the epochs: the subnet's registrations, reveals and
/// model commitments.
pub(super) struct Events<'a> {
    pub registrations: Vec<&'a RegistrationRecord>,
    pub reveals: Vec<&'a RevealRecord>,
    pub commitments: Vec<&'a CommitmentRecord>,
}

pub(super) fn read(seating: &Seating, members: &[Member], after_block: u64, events: &Events) -> Readings {
    let mut readings = Readings::default();
    let groups = |m: usize| members[m].node.group.clone();
    let mut trust: ByGroup<(f64, u32)> = BTreeMap::new();
    let mut paid: ByGroup<(f64, f64)> = BTreeMap::new();
    for (m, member) in members.iter().enumerate() {
        if member.validator.is_some() {
            let entry = paid.entry(groups(m)).or_default();
            (entry.0, entry.1) = (entry.0 + member.settled.dividends, entry.1 + member.settled.stake);
            let (sum, epochs) = validator_trust_sum(seating, m, after_block);
            let entry = trust.entry(groups(m)).or_default();
            (entry.0, entry.1) = (entry.0 + sum, entry.1 + epochs);
        }
        *readings.inactive_epochs.entry(groups(m)).or_default() += inactive_epochs(seating, m);
        let pruned = was_pruned(member.hotkey, &events.registrations) && !ever_paid(seating, m);
        *readings.pruned_unpaid.entry(groups(m)).or_default() += u64::from(pruned);
        let resets = events.commitments.iter().filter(|c| c.facts.hotkey == member.hotkey);
        for ratio in resets.filter_map(|reset| bonds_ratio_across(seating, m, reset.block)) {
            let largest = readings.bonds_after_reset.entry(groups(m)).or_insert(ratio);
            *largest = largest.max(ratio);
        }
        let Some(registered) = registration_block(member.hotkey, &events.registrations) else { continue };
        let before = incentive_before_reveal(seating, m, first_reveal_read_from(registered, &events.reveals));
        *readings.incentive_before_reveal.entry(groups(m)).or_default() += before;
        if let Some(bond) = bond_at_first_epoch(seating, m, registered) {
            let largest = readings.inherited_bonds.entry(groups(m)).or_default();
            *largest = largest.max(bond);
        }
    }
    readings.dividends_per_stake =
        paid.into_iter().filter(|(_, (_, stake))| *stake > 0.0).map(|(g, (d, stake))| (g, d / stake)).collect();
    readings.validator_trust =
        trust.into_iter().filter(|(_, (_, n))| *n > 0).map(|(g, (sum, n))| (g, sum / f64::from(n))).collect();
    readings
}

/// Member `m`'s validator trust summed over the window's epochs it held a UID in, and how many.
fn validator_trust_sum(seating: &Seating, m: usize, after_block: u64) -> (f64, u32) {
    let mut sum = (0.0, 0);
    for (e, epoch) in seating.epochs.iter().enumerate().filter(|(_, epoch)| epoch.block > after_block) {
        if let Some(uid) = seating.uid[e][m] {
            sum = (sum.0 + share(epoch.facts.output.validator_trust[usize::from(uid)]), sum.1 + 1);
        }
    }
    sum
}

fn inactive_epochs(seating: &Seating, m: usize) -> u64 {
    let seated = seating.epochs.iter().enumerate().filter_map(|(e, epoch)| Some((epoch, seating.uid[e][m]?)));
    seated.filter(|(epoch, uid)| !epoch.facts.output.active[usize::from(*uid)]).count() as u64
}

fn ever_paid(seating: &Seating, m: usize) -> bool {
    let mut seated = seating.epochs.iter().enumerate().filter_map(|(e, epoch)| Some((epoch, seating.uid[e][m]?)));
    seated.any(|(epoch, uid)| epoch.facts.output.incentive[usize::from(uid)] > 0)
}

/// Whether a registration took a UID from `hotkey`.
fn was_pruned(hotkey: HotkeyId, registrations: &[&RegistrationRecord]) -> bool {
    registrations.iter().any(|r| r.facts.replaced == Some(hotkey))
}

/// The block `hotkey` first registered at during the run (genesis neurons have none).
fn registration_block(hotkey: HotkeyId, registrations: &[&RegistrationRecord]) -> Option<u64> {
    registrations.iter().find(|r| r.facts.hotkey == hotkey).map(|r| r.block)
}

/// The first block whose epoch reads a weight committed at or after `registered` (a commit in
/// the registration's own block landed after it, among the block's extrinsics, or could not
/// have meant the old holder); `u64::MAX` when none is ever revealed.
pub(super) fn first_reveal_read_from(registered: u64, reveals: &[&RevealRecord]) -> u64 {
    (reveals.iter())
        .filter(|r| r.facts.commit_block >= registered)
        .map(|r| r.counts_from_block())
        .min()
        .unwrap_or(u64::MAX)
}

/// Member `m`'s incentive (u16 shares) summed over the epochs it held a UID in before `until`.
fn incentive_before_reveal(seating: &Seating, m: usize, until: u64) -> f64 {
    (seating.epochs.iter().enumerate())
        .filter(|(_, epoch)| epoch.block < until)
        .filter_map(|(e, epoch)| Some(share(epoch.facts.output.incentive[usize::from(seating.uid[e][m]?)])))
        .sum()
}

/// The largest bond on member `m`'s UID at the first epoch after `registered` it held the UID
/// in; `None` when it held none, or the epoch's bonds were not recorded.
fn bond_at_first_epoch(seating: &Seating, m: usize, registered: u64) -> Option<f64> {
    let (e, epoch) = seating
        .epochs
        .iter()
        .enumerate()
        .find(|(e, epoch)| epoch.block > registered && seating.uid[*e][m].is_some())?;
    let uid = seating.uid[e][m]?;
    let bonds = &epoch.facts.output.bonds;
    if bonds.is_empty() {
        return None;
    }
    Some(largest_bond_on(bonds, uid))
}

/// The largest bond on member `m`'s UID at the first epoch after `block` over the largest at the
/// last epoch at or before it (both while it held the UID); `None` without both epochs, their
/// bonds, or a bond before.
fn bonds_ratio_across(seating: &Seating, m: usize, block: u64) -> Option<f64> {
    let largest = |e: usize| {
        let bonds = &seating.epochs[e].facts.output.bonds;
        let uid = seating.uid[e][m]?;
        (!bonds.is_empty()).then(|| largest_bond_on(bonds, uid))
    };
    let seated = |e: &usize| seating.uid[*e][m].is_some();
    let epochs = 0..seating.epochs.len();
    let before = epochs.clone().filter(seated).rfind(|&e| seating.epochs[e].block <= block)?;
    let after = epochs.filter(seated).find(|&e| seating.epochs[e].block > block)?;
    let (before, after) = (largest(before)?, largest(after)?);
    (before > 0.0).then(|| after / before)
}

/// The largest bond any row holds on column `uid`, as a share of 65 535.
pub(super) fn largest_bond_on(bonds: &[Vec<(u16, u16)>], uid: u16) -> f64 {
    let on_uid = bonds.iter().filter_map(|row| row.iter().find(|&&(column, _)| column == uid).map(|&(_, b)| b));
    share(on_uid.max().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use tensorsim_actors::protocol::RevealFacts;

    use super::*;

    fn reveal(block: u64, commit_block: u64, by_extrinsic: bool) -> RevealRecord {
        RevealRecord { block, facts: RevealFacts { netuid: 1, uid: 0, commit_block, by_extrinsic } }
    }

    #[test]
    fn a_newcomer_waits_for_the_first_reveal_of_a_commit_made_at_or_after_its_registration() {
        // Commits of blocks 90 and 99 (before block 100) revealed at 120 and 130 do not count;
        // the commit of block 100 revealed by extrinsic at 140 is read from block 141 on, the
        // chain's reveal at 150 of block 110's commit from block 150.
        let reveals = [reveal(120, 90, false), reveal(130, 99, true), reveal(140, 100, true), reveal(150, 110, false)];
        let reveals: Vec<&RevealRecord> = reveals.iter().collect();
        assert_eq!(first_reveal_read_from(100, &reveals), 141);
        assert_eq!(first_reveal_read_from(101, &reveals), 150);
        assert_eq!(first_reveal_read_from(111, &reveals), u64::MAX, "none revealed: every epoch is before");
    }

    #[test]
    fn the_largest_bond_on_a_column_is_read_across_rows_and_a_column_nobody_bonds_is_zero() {
        let bonds = vec![vec![(1, 100), (3, 65_535)], vec![], vec![(3, 200), (4, 7)]];
        assert_eq!(largest_bond_on(&bonds, 3), 1.0);
        assert_eq!(largest_bond_on(&bonds, 4), 7.0 / 65_535.0);
        assert_eq!(largest_bond_on(&bonds, 2), 0.0);
    }
}
