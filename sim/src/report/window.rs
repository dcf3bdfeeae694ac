//! The observables read over the report's window: the epochs after the run's first half, which
//! is warm-up (validators' moving averages of scores settling, bonds building). Shares are of
//! sums over the window, G is of sums over it, winner flips are counted in it; each actor's means
//! are over the epochs of it the actor was registered in.

use std::collections::BTreeMap;

use super::document::{ByGroup, Decimal6, Observables, RateRow, SubnetQueries, Window};
use super::epochs;
use super::members::{Member, Seating, rate_row};
use crate::metrics;
use crate::scenario::Plan;

/// The warm-up: the report's window is the epochs after this block, the run's second half.
pub(super) fn warm_up_blocks(plan: &Plan) -> u64 {
    plan.blocks / 2
}

/// (Σ dividends, Σ stake) over the window of each honest validator: G's reference.
fn honest_reference(members: &[Member]) -> Vec<(f64, f64)> {
    (members.iter().filter(|m| m.validator.as_ref().is_some_and(|v| v.honest)))
        .map(|m| (m.settled.dividends, m.settled.stake))
        .collect()
}

/// Each member's G over the window (validators only).
pub(super) fn actor_rates(members: &[Member]) -> Vec<Option<RateRow>> {
    let honest = honest_reference(members);
    (members.iter())
        .map(|m| {
            let s = &m.settled;
            m.validator.as_ref().map(|_| rate_row(metrics::relative_dividend_rate(s.dividends, s.stake, &honest)))
        })
        .collect()
}

/// Each validator group's G over the window: the group's summed dividends over its summed stake,
/// against the honest validators' median.
fn group_rates(members: &[Member]) -> BTreeMap<String, RateRow> {
    let honest = honest_reference(members);
    let mut sums: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    for m in members.iter().filter(|m| m.validator.is_some()) {
        let sum = sums.entry(m.node.group.as_str()).or_default();
        (sum.0, sum.1) = (sum.0 + m.settled.dividends, sum.1 + m.settled.stake);
    }
    (sums.into_iter())
        .map(|(group, (d, s))| (group.to_string(), rate_row(metrics::relative_dividend_rate(d, s, &honest))))
        .collect()
}

/// The subnet's group names in order, and each member's index among them.
pub(super) fn group_indices(members: &[Member]) -> (Vec<String>, Vec<usize>) {
    let names: Vec<String> = {
        let mut names: Vec<String> = members.iter().map(|m| m.node.group.clone()).collect();
        names.sort();
        names.dedup();
        names
    };
    let index = members.iter().map(|m| names.binary_search(&m.node.group).expect("a member's group")).collect();
    (names, index)
}

/// Each group's share of one u16 or RAO vector of the epochs, summed over the window.
fn window_shares(
    seating: &Seating,
    members: &[Member],
    after_block: u64,
    amounts: impl Fn(usize, usize) -> u64,
) -> ByGroup {
    let (names, group_of) = group_indices(members);
    let mut entries: Vec<(Option<usize>, u64)> = Vec::new();
    for (e, epoch) in seating.epochs.iter().enumerate().filter(|(_, epoch)| epoch.block > after_block) {
        for (uid, holder) in seating.member[e].iter().enumerate().take(epoch.facts.output.incentive.len()) {
            entries.push((holder.map(|m| group_of[m]), amounts(e, uid)));
        }
    }
    let shares = metrics::summed_shares(&entries, names.len());
    names.into_iter().zip(shares).map(|(name, share)| (name, Decimal6::round(share))).collect()
}

/// Each miner group's duplicate answers, summed (every miner group, its zero included).
fn duplicates_by_group(members: &[Member]) -> BTreeMap<String, u64> {
    let mut by_group = BTreeMap::new();
    for miner in members.iter().filter(|m| m.validator.is_none()) {
        *by_group.entry(miner.node.group.clone()).or_default() += miner.record.stats.answers_duplicate;
    }
    by_group
}

pub(super) fn observables(
    seating: &Seating,
    members: &[Member],
    after_block: u64,
    queries: &SubnetQueries,
) -> Observables {
    let (accuracy, honest_incentive): (Vec<f64>, Vec<f64>) = (members.iter().filter(|m| m.honest_miner))
        .filter_map(|m| m.record.model.map(|model| (model.held_out_accuracy, m.settled.mean(m.settled.incentive))))
        .unzip();
    let asked = queries.answered + queries.timed_out + queries.refused;
    let in_window: Vec<usize> = (0..seating.epochs.len()).filter(|&e| seating.epochs[e].block > after_block).collect();
    let winners: Vec<Option<_>> = (in_window.iter())
        .map(|&e| {
            let incentive: Vec<f64> = seating.epochs[e].facts.output.incentive.iter().map(|&x| f64::from(x)).collect();
            metrics::top_ranked(&incentive).map(|uid| seating.epochs[e].facts.hotkeys[usize::from(uid)])
        })
        .collect();
    let output = |e: usize| &seating.epochs[e].facts.output;
    Observables {
        duplicate_answers: duplicates_by_group(members),
        incentive_accuracy_spearman: Decimal6::of(metrics::spearman(&accuracy, &honest_incentive)),
        incentive_share: window_shares(seating, members, after_block, |e, uid| u64::from(output(e).incentive[uid])),
        query_timeout_rate: Decimal6::round(if asked > 0 { queries.timed_out as f64 / asked as f64 } else { 0.0 }),
        relative_dividend_rate: group_rates(members),
        reward_share: window_shares(seating, members, after_block, |e, uid| output(e).emission_rao[uid]),
        validator_stake: seating
            .epochs
            .len()
            .checked_sub(1)
            .map(|last| epochs::validator_stake(seating, members, last)),
        window: Window { after_block, epochs: in_window.len() },
        winner_flips: metrics::ranking_flips(&winners),
    }
}
