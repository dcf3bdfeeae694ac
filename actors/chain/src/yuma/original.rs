//! Original Yuma bonds and dividends (spec §2.5): bonds are an EMA of stake-weighted bond
//! weights, column-normalised, stored column-max-upscaled. The dated rules of `EpochRules` give
//! its 2024 and early-2025 forms (§2.9).

use std::borrow::Cow;

use super::bonds::{
    BondEncoding, alpha_from_moving_average, bond_weights, bonds_times_incentive, ema, ema_by_column, ema_entry,
    encode_for_storage, load_bonds,
};
use super::dense::bonds::{self as dense_bonds, BondMask, EraBlock, positive};
use super::dense::{ABSENT, DenseMatrix, or_zero};
use super::era::{Bonds, BondsInputs, BondsOutcome, Era, WeightsIn};
use super::liquid_alpha_v1::column_alphas;
use super::matrix::SparseMatrix;
use crate::fixed::{Divisor, I32F32, ONE, mul_raw, normalize, u16_proportion_to_fixed};

pub struct OriginalYuma;

impl Era for OriginalYuma {
    fn name(&self) -> &'static str {
        "original"
    }

    fn bonds_and_dividends(&self, weights: WeightsIn, inputs: &BondsInputs) -> BondsOutcome {
        let (bonds, mut dividends) = match weights {
            WeightsIn::Sparse { weights, clipped } => {
                let bonds = sparse_bonds(inputs, weights, clipped);
                let dividends = bonds_times_incentive(&bonds, inputs.incentive);
                (Bonds::Sparse(bonds), dividends)
            }
            WeightsIn::Dense(weights) => {
                let (mut bonds, sums) = dense_bonds(inputs, weights);
                let incentive = bonds.gather_columns(inputs.incentive);
                let dividends = dense_bonds::normalize_columns_times_incentive(&mut bonds, &sums, &incentive);
                (Bonds::Dense(bonds), dividends)
            }
        };
        normalize(&mut dividends);
        BondsOutcome { dividends, bonds }
    }

    /// Stored column-max-upscaled, each entry `⌊x · 65535⌋`.
    fn stored_bonds(&self, bonds: Bonds) -> Vec<Vec<(u16, u16)>> {
        match bonds {
            Bonds::Sparse(mut bonds) => {
                bonds.max_upscale_columns();
                encode_for_storage(&bonds)
            }
            Bonds::Dense(bonds) => dense_bonds::encode_max_upscaled(&bonds),
        }
    }
}

/// The EMA rate per column: per consensus under liquid alpha v1 (2024), else the fixed rate.
/// At HEAD liquid alpha has no effect in this era.
fn column_rates(inputs: &BondsInputs) -> Option<Vec<I32F32>> {
    inputs
        .liquid_alpha
        .filter(|_| inputs.rules.liquid_alpha_v1)
        .and_then(|params| column_alphas(params, inputs.consensus))
}

/// The bonds on compressed rows.
fn sparse_bonds(inputs: &BondsInputs, weights: &SparseMatrix, clipped: &SparseMatrix) -> SparseMatrix {
    let rules = inputs.rules;
    let bond_weights =
        if rules.bonds_penalty { bond_weights(weights, clipped, inputs.bonds_penalty) } else { Cow::Borrowed(clipped) };

    // B: stored as column-max-upscaled u16, read back as integers and column-normalised.
    let mut bonds = if rules.recently_registered_bonds_mask {
        load_bonds(inputs.stored_bonds, inputs.recently_registered, BondEncoding::Integer)
    } else {
        let current = outdated_bonds_removed(inputs.stored_bonds, inputs.last_update, inputs.registered_at);
        load_bonds(&current, &vec![false; inputs.registered_at.len()], BondEncoding::Integer)
    };
    bonds.normalize_columns();

    // ΔB_ij = W^b_ij · a_i, column-normalised.
    let mut bought =
        bond_weights.map_values(|i, _, w| I32F32::from_bits(mul_raw(w.to_bits(), inputs.active_stake[i].to_bits())));
    bought.normalize_columns();

    // B' = α·ΔB + (1 − α)·B, column-normalised.
    let mut bonds = match column_rates(inputs) {
        Some(alphas) => ema_by_column(&bought, &bonds, |j| alphas[j].to_bits()),
        None => ema(&bought, &bonds, alpha_from_moving_average(inputs.bonds_moving_average)),
    };
    bonds.normalize_columns();
    bonds
}

/// The same bonds on the dense block. Neither B nor ΔB is built apart: a first pass writes each
/// row's bond-weight products W^b_ij · a_i over W's block and sums them per column, a second
/// reads each row's stored bonds and runs the EMA in place, normalising both on the way. The EMA
/// is returned with its column sums, not yet normalised (the dividends' pass does that).
fn dense_bonds(inputs: &BondsInputs, weights: Cow<DenseMatrix>) -> (DenseMatrix, Vec<i64>) {
    let rules = inputs.rules;
    let mask = if rules.recently_registered_bonds_mask {
        BondMask::Columns(inputs.recently_registered)
    } else {
        BondMask::Outdated { last_update: inputs.last_update, registered_at: inputs.registered_at }
    };
    let block = EraBlock::new(weights, inputs.consensus, inputs.stored_bonds, mask);
    let ratio = if rules.bonds_penalty { u16_proportion_to_fixed(inputs.bonds_penalty) } else { ONE };
    let stored_divisors: Vec<Divisor> =
        block.stored_column_sums(u64::from).into_iter().map(integer_column_divisor).collect();
    let alphas: Vec<i64> = match column_rates(inputs) {
        Some(alphas) => block.gather_columns(&alphas).iter().map(|alpha| alpha.to_bits()).collect(),
        None => vec![alpha_from_moving_average(inputs.bonds_moving_average).to_bits(); block.width()],
    };

    // ΔB unnormalised (an absent bond weight buys 0), and its column sums.
    let mut bond_weights = vec![ABSENT; block.width()];
    let (mut bonds, rows) = block.into_owned_parts();
    let mut bought_sums = vec![0i64; rows.consensus().len()];
    for r in 0..bonds.n_block_rows() {
        rows.bond_weights(bonds.row(r), ratio, &mut bond_weights);
        let a = inputs.active_stake[rows.uid(r)].to_bits();
        for ((out, sum), &w) in bonds.row_mut(r).iter_mut().zip(&mut bought_sums).zip(&bond_weights) {
            let bought = mul_raw(or_zero(w), a);
            *out = I32F32::from_bits(bought);
            *sum += bought;
        }
    }
    // A column of ΔB summing to 0 holds only zeros, which the divisor 1 leaves as they are.
    let bought_divisors: Vec<Divisor> = bought_sums.iter().map(|&sum| Divisor::new(sum.max(1) as u64)).collect();

    // B' = α·ΔB + (1 − α)·B, both column-normalised, over ΔB in place; and B's column sums.
    let mut old = vec![I32F32::from_bits(0); bond_weights.len()];
    let mut sums = vec![0i64; bond_weights.len()];
    for r in 0..bonds.n_block_rows() {
        rows.stored_row(r, |k, b| integer_share(b, stored_divisors[k]), &mut old);
        let columns = bought_divisors.iter().zip(&alphas).zip(old.iter().zip(&mut sums));
        for (out, ((divisor, &alpha), (old, sum))) in bonds.row_mut(r).iter_mut().zip(columns) {
            let bought = divisor.divide_raw(out.to_bits() as u64) as i64;
            *out = positive(ema_entry(alpha, bought, old.to_bits()));
            *sum += or_zero(*out);
        }
    }
    (bonds, sums)
}

/// How a column of stored bonds, read as integers (b → b·2^32), is normalised by its sum S·2^32:
/// ⌊b·2^64 / (S·2^32)⌋ = ⌊b·2^32 / S⌋, a division by S. A column the sparse path leaves as it
/// is gets the divisor 1: one summing to 0 (all zeros), and one whose sum reaches 2^31 — more
/// than 32768 bonds of 65535 — where the sparse path's i64 sum of raw values wraps.
fn integer_column_divisor(sum: u64) -> Divisor {
    Divisor::new(if sum < 1 << 31 { sum.max(1) } else { 1 })
}

/// A stored bond read as an integer and divided by its column's sum.
#[inline]
fn integer_share(b: u16, divisor: Divisor) -> i64 {
    divisor.divide(u64::from(b) << 32) as i64
}

/// Before 2025-03-28 bond (i, j) was dropped when `LU_i ≤ R_j`: i's bonds to a UID registered
/// since i last set weights.
fn outdated_bonds_removed(
    stored: &[Vec<(u16, u16)>],
    last_update: &[u64],
    registered_at: &[u64],
) -> Vec<Vec<(u16, u16)>> {
    stored
        .iter()
        .zip(last_update)
        .map(|(row, &updated)| {
            row.iter()
                .copied()
                .filter(|&(j, _)| registered_at.get(usize::from(j)).is_some_and(|&registered| updated > registered))
                .collect()
        })
        .collect()
}
