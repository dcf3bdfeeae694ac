//! The subnet's epochs as the report lists them: outputs by UID, the subnet around each (pool,
//! prices, issuance, kappa), the validators' stake concentration and each validator group's G per
//! epoch; and the hyperparameters that changed between epochs.

use std::collections::BTreeMap;

use tensorsim_chain::hyperparameters::Hyperparameters;

use super::document::{Decimal6, EpochRow, HyperparameterChange, Paid, RateRow, RevealRow, StakeRow};
use super::members::{Member, Seating, dividends_and_stake, honest_at, rate_row, share};
use super::stability_rows::Measures;
use crate::metrics;
use crate::record::{EpochRecord, RevealRecord};

/// Hyperparameters as the chain names them, in name order.
pub(super) fn as_map(hyperparameters: &Hyperparameters) -> BTreeMap<String, serde_json::Value> {
    serde_json::to_value(hyperparameters).and_then(serde_json::from_value).expect("hyperparameters serialise as a map")
}

/// Each value that differs from the one before, at the first epoch that ran under it; the first
/// epoch is compared with genesis.
pub(super) fn hyperparameter_changes(
    genesis: &BTreeMap<String, serde_json::Value>,
    epochs: &[&EpochRecord],
) -> Vec<HyperparameterChange> {
    let mut changes = Vec::new();
    let mut before = genesis.clone();
    for epoch in epochs {
        let now = as_map(&epoch.facts.hyperparameters);
        for (name, new) in &now {
            if let Some(old) = before.get(name).filter(|old| *old != new) {
                changes.push(HyperparameterChange {
                    block: epoch.block,
                    name: name.clone(),
                    new: new.clone(),
                    old: old.clone(),
                });
            }
        }
        before = now;
    }
    changes
}

/// How concentrated the stake of the subnet's validator actors is at epoch `e`.
///
/// Over the validator actors (the scenario's validators, whatever their policy), not over permit
/// holders: miners earn their incentive as alpha staked to their own hotkey, so by the end of the
/// baseline 56 miners hold permits with stake weights of a few u16 and never set a weight. Over
/// every permit holder the Gini measured how many miners there are (0.84), not how concentrated
/// validation is; the 8 validators alone give 0.27. Stake is the chain's stake weight, what
/// consensus reads.
pub(super) fn validator_stake(seating: &Seating, members: &[Member], e: usize) -> StakeRow {
    let epoch = seating.epochs[e];
    let stakes: Vec<u64> = (members.iter().enumerate())
        .filter(|(_, m)| m.validator.is_some())
        .filter_map(|(m, _)| seating.uid[e][m].map(|uid| u64::from(epoch.facts.output.stake_weight[usize::from(uid)])))
        .collect();
    let values: Vec<f64> = stakes.iter().map(|&s| s as f64).collect();
    StakeRow {
        gini: Decimal6::round(metrics::gini(&values)),
        hhi: Decimal6::round(metrics::hhi(&values)),
        nakamoto_coefficient_kappa: metrics::nakamoto_coefficient(&stakes, share(epoch.facts.hyperparameters.kappa)),
        nakamoto_coefficient_majority: metrics::nakamoto_coefficient_majority(&stakes),
        top_1_share: Decimal6::round(metrics::top_k_share(&values, 1)),
        top_3_share: Decimal6::round(metrics::top_k_share(&values, 3)),
        validators: stakes.len(),
    }
}

/// Each validator group's G at epoch `e`, from that epoch's dividends and stake.
fn epoch_rates(seating: &Seating, members: &[Member], e: usize) -> BTreeMap<String, RateRow> {
    let honest = honest_at(seating, members, e);
    let mut sums: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    for (m, member) in members.iter().enumerate().filter(|(_, m)| m.validator.is_some()) {
        let (d, s) = dividends_and_stake(seating, e, m).unwrap_or((0.0, 0.0));
        let sum = sums.entry(member.node.group.as_str()).or_default();
        (sum.0, sum.1) = (sum.0 + d, sum.1 + s);
    }
    (sums.into_iter())
        .map(|(group, (d, s))| (group.to_string(), rate_row(metrics::relative_dividend_rate(d, s, &honest))))
        .collect()
}

/// Amounts in the token the epoch paid.
fn paid<'a>(epoch: &EpochRecord, amounts: &'a [u64]) -> Paid<'a> {
    if epoch.facts.pays_alpha { Paid::AlphaRao(amounts) } else { Paid::TaoRao(amounts) }
}

/// The reveals epoch `e` is the first to read: from after the previous epoch's block to its own.
/// `reveals` are the subnet's, in block order, so in the order of the block they count from.
fn reveals(seating: &Seating, reveals: &[&RevealRecord], e: usize) -> Vec<RevealRow> {
    let after = e.checked_sub(1).map_or(0, |previous| seating.epochs[previous].block);
    let block = seating.epochs[e].block;
    let first = reveals.partition_point(|r| r.counts_from_block() <= after);
    let end = reveals.partition_point(|r| r.counts_from_block() <= block);
    (reveals[first..end.max(first)].iter())
        .map(|r| RevealRow {
            commit_block: r.facts.commit_block,
            lag_blocks: r.block.saturating_sub(r.facts.commit_block),
            uid: r.facts.uid,
        })
        .collect()
}

/// What an epoch row needs besides the epoch.
pub(super) struct RowContext<'r> {
    /// The subnet's reveals, in block order.
    pub reveals: Vec<&'r RevealRecord>,
    /// Each epoch's stability.
    pub stability: &'r [Measures],
    pub with_bonds: bool,
}

fn row<'a>(seating: &Seating<'a>, members: &[Member], e: usize, context: &RowContext) -> EpochRow<'a> {
    let epoch: &'a EpochRecord = seating.epochs[e];
    let (facts, output) = (&epoch.facts, &epoch.facts.output);
    let price = if facts.pool_alpha_rao > 0 { facts.pool_tao_rao as f64 / facts.pool_alpha_rao as f64 } else { 0.0 };
    EpochRow {
        active: &output.active,
        block: epoch.block,
        bond_sums: &epoch.bond_sums,
        bonds: context.with_bonds.then_some(output.bonds.as_slice()),
        consensus: &output.consensus,
        dividends: &output.dividends,
        ema_price: Decimal6::round(facts.ema_price),
        emission: paid(epoch, &output.emission_rao),
        hotkeys: facts.hotkeys.iter().map(|h| h.0).collect(),
        incentive: &output.incentive,
        kappa: facts.hyperparameters.kappa,
        pool_alpha_rao: facts.pool_alpha_rao,
        pool_tao_rao: facts.pool_tao_rao,
        price: Decimal6::round(price),
        relative_dividend_rate: epoch_rates(seating, members, e),
        reveals: reveals(seating, &context.reveals, e),
        server_emission: paid(epoch, &output.server_emission_rao),
        stability: context.stability[e].row(),
        stake_weight: &output.stake_weight,
        total_issuance_rao: epoch.total_issuance_rao,
        validator_emission: paid(epoch, &output.validator_emission_rao),
        validator_permit: &output.validator_permit,
        validator_stake: validator_stake(seating, members, e),
        validator_trust: &output.validator_trust,
        weights_within_clipping: &output.weights_within_clipping,
    }
}

/// Every epoch's row.
pub(super) fn rows<'a>(seating: &Seating<'a>, members: &[Member], context: &RowContext) -> Vec<EpochRow<'a>> {
    (0..seating.epochs.len()).map(|e| row(seating, members, e, context)).collect()
}
