//! The report's consensus stability, read from the subnet's epochs (`stability.rs` has the
//! math): per epoch (τ, validator trust, the within-clipping share), and over the run (window
//! means, and after each fault or upgrade the epochs until validators' dividends and bonds
//! settle).

use super::document::{Decimal6, EpochStability, FiveNumberRow, SettleRow, Settled, StabilitySection};
use super::members::{Member, Seating, share};
use super::stability::{self, FiveNumbers, SETTLE_EPOCHS_MIN, SETTLE_HORIZON_EPOCHS, Unsettled};
use crate::record::AppliedFault;

/// One epoch's stability, unrounded.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Measures {
    pub incentive_kendall_tau: Option<f64>,
    pub validator_trust: Option<FiveNumbers>,
    pub validator_trust_stake_mean: Option<f64>,
    pub voters: usize,
    pub within_clipping_stake_share: Option<f64>,
}

impl Measures {
    pub fn row(&self) -> EpochStability {
        EpochStability {
            incentive_kendall_tau: Decimal6::of(self.incentive_kendall_tau),
            validator_trust: self.validator_trust.map(|t| FiveNumberRow {
                max: Decimal6::round(t.max),
                median: Decimal6::round(t.median),
                min: Decimal6::round(t.min),
                p25: Decimal6::round(t.p25),
                p75: Decimal6::round(t.p75),
            }),
            validator_trust_stake_mean: Decimal6::of(self.validator_trust_stake_mean),
            voters: self.voters,
            within_clipping_stake_share: Decimal6::of(self.within_clipping_stake_share),
        }
    }
}

/// Every epoch's measures, in order.
pub(super) fn measures(seating: &Seating) -> Vec<Measures> {
    (0..seating.epochs.len()).map(|e| epoch_measures(seating, e)).collect()
}

fn epoch_measures(seating: &Seating, e: usize) -> Measures {
    let facts = &seating.epochs[e].facts;
    let output = &facts.output;
    let incentive_kendall_tau = e.checked_sub(1).and_then(|before| {
        let previous = &seating.epochs[before].facts;
        stability::successive_kendall_tau(
            (&previous.hotkeys, &previous.output.incentive),
            (&facts.hotkeys, &output.incentive),
        )
    });
    // The voters, by UID, with whether clipping left their row whole.
    let votes: Vec<(usize, bool)> = (output.weights_within_clipping.iter().enumerate())
        .filter_map(|(uid, within)| within.map(|within| (uid, within)))
        .collect();
    let trust: Vec<f64> = votes.iter().map(|&(uid, _)| share(output.validator_trust[uid])).collect();
    let stake = |uid: usize| u64::from(output.stake_weight[uid]);
    let within: Vec<(u64, f64)> =
        votes.iter().map(|&(uid, within)| (stake(uid), f64::from(u8::from(within)))).collect();
    let trust_by_stake: Vec<(u64, f64)> = votes.iter().zip(&trust).map(|(&(uid, _), &t)| (stake(uid), t)).collect();
    Measures {
        incentive_kendall_tau,
        validator_trust: stability::five_numbers(&trust),
        validator_trust_stake_mean: stability::stake_weighted_mean(&trust_by_stake),
        voters: votes.len(),
        within_clipping_stake_share: stability::stake_weighted_mean(&within),
    }
}

/// The mean of the defined values, `None` when there is none.
fn mean_defined(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let defined: Vec<f64> = values.flatten().collect();
    (!defined.is_empty()).then(|| defined.iter().sum::<f64>() / defined.len() as f64)
}

/// The subnet's stability section: window means of `measures` (the epochs after `after_block`)
/// and a settling row per fault.
pub(super) fn section<'a>(
    seating: &Seating,
    members: &[Member],
    measures: &[Measures],
    after_block: u64,
    faults: &'a [AppliedFault],
) -> StabilitySection<'a> {
    let window = || (seating.epochs.iter().zip(measures)).filter(|(epoch, _)| epoch.block > after_block);
    StabilitySection {
        incentive_kendall_tau_mean: Decimal6::of(mean_defined(window().map(|(_, m)| m.incentive_kendall_tau))),
        settling: faults.iter().map(|fault| settling(seating, members, fault)).collect(),
        validator_trust_stake_mean: Decimal6::of(mean_defined(window().map(|(_, m)| m.validator_trust_stake_mean))),
        within_clipping_stake_share_mean: Decimal6::of(mean_defined(
            window().map(|(_, m)| m.within_clipping_stake_share),
        )),
    }
}

/// After `fault`: the epochs until every validator actor's dividends, and its bond sum, settle.
/// A validator without a UID at an epoch counts 0 there.
fn settling<'a>(seating: &Seating, members: &[Member], fault: &'a AppliedFault) -> SettleRow<'a> {
    let first = seating.epochs.partition_point(|epoch| epoch.block <= fault.block);
    let validators: Vec<(usize, &str)> = (members.iter().enumerate())
        .filter(|(_, member)| member.validator.is_some())
        .map(|(m, member)| (m, member.node.name.as_str()))
        .collect();
    let series = |read: &dyn Fn(usize, usize) -> f64| -> Vec<Vec<f64>> {
        (validators.iter())
            .map(|&(m, _)| {
                (first..seating.epochs.len())
                    .map(|e| seating.uid[e][m].map_or(0.0, |uid| read(e, usize::from(uid))))
                    .collect()
            })
            .collect()
    };
    let dividends = series(&|e, uid| f64::from(seating.epochs[e].facts.output.dividends[uid]));
    let bonds = series(&|e, uid| seating.epochs[e].bond_sums.get(uid).map_or(0.0, |&sum| sum as f64));
    let names: Vec<&str> = validators.iter().map(|&(_, name)| name).collect();
    SettleRow {
        block: fault.block,
        bonds: settled(seating, first, &bonds, &names, "bond sum"),
        dividends: settled(seating, first, &dividends, &names, "dividend"),
        event: &fault.description,
    }
}

/// When `series` (one per validator, named by `names`, over the epochs from `first`) settle.
/// Both dividends and bond sums are in chain units (u16, sums of u16), so one unit is the floor
/// of the tolerance.
fn settled(seating: &Seating, first: usize, series: &[Vec<f64>], names: &[&str], what: &str) -> Settled {
    if series.is_empty() {
        return Settled { epochs: None, settled_block: None, undefined: Some("the subnet has no validators".into()) };
    }
    match stability::settled_from(series, 1.0) {
        Ok(k) => Settled { epochs: Some(k), settled_block: Some(seating.epochs[first + k].block), undefined: None },
        Err(why) => {
            let why = match why {
                Unsettled::TooFewEpochs { epochs } => {
                    let ran = if epochs == 1 { "epoch" } else { "epochs" };
                    format!("only {epochs} {ran} ran after it; a settled stretch needs {SETTLE_EPOCHS_MIN}")
                }
                Unsettled::StillMoving { series: s } => {
                    let stretch = if series[s].len() > SETTLE_HORIZON_EPOCHS {
                        format!("the last {SETTLE_EPOCHS_MIN} of the {SETTLE_HORIZON_EPOCHS} epochs after it")
                    } else {
                        format!("the run's last {SETTLE_EPOCHS_MIN} epochs")
                    };
                    format!("the {what} series of {} still moves beyond 1 % of its mean in {stretch}", names[s])
                }
            };
            Settled { epochs: None, settled_block: None, undefined: Some(why) }
        }
    }
}
