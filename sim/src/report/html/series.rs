//! The per-epoch series the charts draw, read from the document's epochs: an actor's value
//! through the UID its hotkey held at each epoch, a group's sum, as shares of 1 (u16 / 65 535).

use std::collections::BTreeMap;

use super::super::document::{ActorRole, ActorRow, EpochRow, SubnetSection};
use super::super::members::share;
use super::plot::Series;

/// A per-UID output of an epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Field {
    Incentive,
    Dividends,
}

impl Field {
    fn of<'e>(self, epoch: &EpochRow<'e>) -> &'e [u16] {
        match self {
            Self::Incentive => epoch.incentive,
            Self::Dividends => epoch.dividends,
        }
    }
}

/// Each epoch's UID of each hotkey, built once per subnet.
pub(super) struct Seats(Vec<BTreeMap<u32, usize>>);

impl Seats {
    pub fn of(subnet: &SubnetSection) -> Self {
        Self(subnet.epochs.iter().map(|e| e.hotkeys.iter().enumerate().map(|(uid, &h)| (h, uid)).collect()).collect())
    }

    /// The hotkey's `field` at each epoch; `None` where it held no UID.
    pub fn series(&self, subnet: &SubnetSection, hotkey: u32, field: Field) -> Series {
        (subnet.epochs.iter().zip(&self.0))
            .map(|(epoch, uids)| {
                let value = uids.get(&hotkey).and_then(|&uid| field.of(epoch).get(uid)).map(|&v| share(v));
                (epoch.block, value)
            })
            .collect()
    }

    /// The sum of `field` over each group of `role`'s actors at each epoch (0 where none of them
    /// held a UID), by group name.
    pub fn group_sums<'a>(
        &self,
        subnet: &SubnetSection<'a>,
        role: ActorRole,
        field: Field,
    ) -> BTreeMap<&'a str, Series> {
        let mut sums: BTreeMap<&str, Series> = BTreeMap::new();
        for actor in subnet.actors.iter().filter(|a| a.role == role) {
            let series = self.series(subnet, actor.hotkey, field);
            let sum = sums.entry(actor.group).or_insert_with(|| series.iter().map(|&(b, _)| (b, Some(0.0))).collect());
            for ((_, total), (_, value)) in sum.iter_mut().zip(series) {
                *total = Some(total.unwrap_or(0.0) + value.unwrap_or(0.0));
            }
        }
        sums
    }
}

/// The actors of `role`, the highest `mean` first (an undefined one last; ties in the report's
/// order).
pub(super) fn ranked<'s, 'a>(
    actors: &'s [ActorRow<'a>],
    role: ActorRole,
    mean: impl Fn(&ActorRow) -> Option<f64>,
) -> Vec<&'s ActorRow<'a>> {
    let mut ranked: Vec<&ActorRow> = actors.iter().filter(|a| a.role == role).collect();
    ranked.sort_by(|a, b| {
        let key = |actor: &ActorRow| mean(actor).unwrap_or(f64::NEG_INFINITY);
        key(b).total_cmp(&key(a))
    });
    ranked
}
