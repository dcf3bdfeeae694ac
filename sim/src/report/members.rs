//! The subnet's actors as the report's sections read them: who each is, where it sat in each
//! epoch, and its sums over the report's window.

use std::collections::BTreeMap;

use tensorsim_chain::accounts::HotkeyId;

use super::document::{Decimal6, RateRow, Rewards};
use crate::metrics::RateUndefined;
use crate::record::{EpochRecord, NodeRecord};
use crate::scenario::{GenesisStake, NodePlan};

/// A u16 share of the chain as a fraction of 1.
pub(super) fn share(x: u16) -> f64 {
    f64::from(x) / 65_535.0
}

/// G as the report prints it: a value, or `null` and why.
pub(super) fn rate_row(g: Result<f64, RateUndefined>) -> RateRow {
    match g {
        Ok(g) => RateRow { undefined: None, value: Decimal6::round(g) },
        Err(why) => RateRow { undefined: Some(why.to_string()), value: Decimal6::NULL },
    }
}

/// The subnet's epochs, and where each actor sat in each: `uid[e][m]` is member m's UID at epoch
/// e, `member[e][uid]` the member holding a UID (`None`: no actor of the scenario). Built once,
/// so no observable searches an epoch's hotkeys per actor.
pub(super) struct Seating<'a> {
    pub epochs: Vec<&'a EpochRecord>,
    pub uid: Vec<Vec<Option<u16>>>,
    pub member: Vec<Vec<Option<usize>>>,
}

impl<'a> Seating<'a> {
    pub fn new(epochs: Vec<&'a EpochRecord>, hotkeys: &[HotkeyId]) -> Self {
        let by_hotkey: BTreeMap<HotkeyId, usize> = hotkeys.iter().enumerate().map(|(m, &h)| (h, m)).collect();
        let member: Vec<Vec<Option<usize>>> =
            epochs.iter().map(|e| e.facts.hotkeys.iter().map(|h| by_hotkey.get(h).copied()).collect()).collect();
        let uid = member
            .iter()
            .map(|seats| {
                let mut uids = vec![None; hotkeys.len()];
                for (uid, m) in seats.iter().enumerate() {
                    if let Some(m) = m {
                        uids[*m] = Some(uid as u16);
                    }
                }
                uids
            })
            .collect();
        Self { epochs, uid, member }
    }
}

/// Member `m`'s dividends and stake weight at epoch `e`, as fractions; `None` when it held no UID.
pub(super) fn dividends_and_stake(seating: &Seating, e: usize, m: usize) -> Option<(f64, f64)> {
    let output = &seating.epochs[e].facts.output;
    seating.uid[e][m].map(usize::from).map(|uid| (share(output.dividends[uid]), share(output.stake_weight[uid])))
}

/// G's reference at epoch `e`: (dividends, stake weight) of each honest validator registered then.
pub(super) fn honest_at(seating: &Seating, members: &[Member], e: usize) -> Vec<(f64, f64)> {
    (members.iter().enumerate())
        .filter(|(_, member)| member.validator.as_ref().is_some_and(|v| v.honest))
        .filter_map(|(m, _)| dividends_and_stake(seating, e, m))
        .collect()
}

/// One actor's epochs: sums over the report's window (where it was registered), and what it
/// earned over the whole run.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Settled {
    pub incentive: f64,
    pub dividends: f64,
    pub stake: f64,
    /// Epochs of the window the actor was registered in.
    pub epochs: u32,
    pub rewards: Rewards,
    /// The UID in the last epoch, if still registered then.
    pub final_uid: Option<u16>,
    /// The last epoch (block) it was registered in.
    pub last_registered_block: Option<u64>,
}

impl Settled {
    pub fn mean(&self, sum: f64) -> f64 {
        if self.epochs > 0 { sum / f64::from(self.epochs) } else { 0.0 }
    }
}

pub(super) fn settle(seating: &Seating, member: usize, after_block: u64) -> Settled {
    let mut settled = Settled::default();
    for (e, epoch) in seating.epochs.iter().enumerate() {
        let Some(uid) = seating.uid[e][member].map(usize::from) else { continue };
        let paid = epoch.facts.output.emission_rao[uid];
        let token = if epoch.facts.pays_alpha { &mut settled.rewards.alpha_rao } else { &mut settled.rewards.tao_rao };
        *token = Some(token.unwrap_or(0) + paid);
        settled.last_registered_block = Some(epoch.block);
        if epoch.block > after_block {
            settled.epochs += 1;
            settled.incentive += share(epoch.facts.output.incentive[uid]);
            settled.dividends += share(epoch.facts.output.dividends[uid]);
            settled.stake += share(epoch.facts.output.stake_weight[uid]);
        }
    }
    settled.final_uid = seating.uid.last().and_then(|uids| uids[member]);
    settled
}

/// A validator's facts beyond every actor's.
pub(super) struct ValidatorFacts {
    pub genesis_stake: GenesisStake,
    /// Honest validators are the reference of G.
    pub honest: bool,
}

/// One actor of the subnet, unrounded.
pub(super) struct Member<'a> {
    pub node: &'a NodePlan,
    pub record: &'a NodeRecord,
    pub hotkey: HotkeyId,
    pub policy: &'static str,
    /// An honest miner's model counts in the incentive–accuracy correlation.
    pub honest_miner: bool,
    pub validator: Option<ValidatorFacts>,
    pub settled: Settled,
}
