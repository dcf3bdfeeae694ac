//! Bond steps shared by the eras (spec §2.5–§2.6): the bonds mask, bond weights, loading, the
//! scalar-α EMA, dividends and storage encoding.

use std::borrow::Cow;

use super::matrix::{SparseMatrix, column_divisors, nonnegative};
use crate::fixed::{
    I32F32, I64F64, ONE, ONE_RAW, fixed_from_u16, fixed_proportion_to_u16, i64f64_to_i32f32, mul_raw,
    u16_proportion_to_fixed,
};

/// Columns whose UID registered since the last epoch: their old bonds do not carry over (§2.5).
/// `last_tempo = b − T` before any epoch was recorded (LMS = 0), else `LMS + 1`.
pub fn recently_registered(block: u64, tempo: u16, last_mechanism_step_block: u64, registered_at: &[u64]) -> Vec<bool> {
    let last_tempo = if last_mechanism_step_block == 0 {
        block.saturating_sub(u64::from(tempo))
    } else {
        last_mechanism_step_block.saturating_add(1)
    };
    registered_at.iter().map(|&r| last_tempo <= r).collect()
}

/// Bond weights W^b = W + β·(W̄ − W), β = bonds_penalty / 65535 (§2.5.1). β = 0 gives W and
/// β = 1 gives W̄ exactly, sparsity included; in between, each entry of the union, kept if > 0.
pub fn bond_weights<'a>(
    weights: &'a SparseMatrix,
    clipped: &'a SparseMatrix,
    bonds_penalty: u16,
) -> Cow<'a, SparseMatrix> {
    interpolate(weights, clipped, u16_proportion_to_fixed(bonds_penalty))
}

/// `from + ratio·(to − from)` entry-wise; ratio 0 and 1 return an input unchanged.
pub fn interpolate<'a>(from: &'a SparseMatrix, to: &'a SparseMatrix, ratio: I32F32) -> Cow<'a, SparseMatrix> {
    if ratio.to_bits() == 0 {
        return Cow::Borrowed(from);
    }
    if ratio == ONE {
        return Cow::Borrowed(to);
    }
    let ratio = ratio.to_bits();
    let blend = |a: I32F32, b: I32F32| I32F32::from_bits(blend_towards(a.to_bits(), b.to_bits(), ratio));
    let mut out = SparseMatrix::with_capacity(from.n_rows(), from.n_cols(), from.n_entries());
    for i in 0..from.n_rows() {
        let ((from_cols, from_vals), (to_cols, to_vals)) = (from.row(i), to.row(i));
        if from_cols == to_cols {
            // Clipping kept every entry of the row: the same pattern on both sides.
            out.push_row_positive(from_cols, from_vals.iter().zip(to_vals).map(|(&a, &b)| blend(a, b)));
            continue;
        }
        merge_rows((from_cols, from_vals), (to_cols, to_vals), |j, a, b| {
            let value = blend(a.unwrap_or(ZERO), b.unwrap_or(ZERO));
            if value > ZERO {
                out.push(j, value);
            }
        });
        out.end_row();
    }
    Cow::Owned(out)
}

const ZERO: I32F32 = I32F32::from_bits(0);

/// `a + ratio·(b − a)` on raw bits with the fixed types' saturating operations (`mul_raw` is the
/// crate's saturating_mul): one entry of [`interpolate`].
#[inline(always)]
pub fn blend_towards(a: i64, b: i64, ratio: i64) -> i64 {
    a.saturating_add(mul_raw(ratio, b.saturating_sub(a)))
}

/// `α·new + (1 − α)·old` on raw bits, each product floored: one entry of the scalar EMA.
#[inline(always)]
pub fn ema_entry(alpha: i64, new: i64, old: i64) -> i64 {
    mul_raw(alpha, new).saturating_add(mul_raw(ONE_RAW.saturating_sub(alpha), old))
}

/// The EMA rate α = 1 − BMA/10^6, with BMA/10^6 divided in I64F64 and narrowed (§2.5.4).
pub fn alpha_from_moving_average(bonds_moving_average: u64) -> I32F32 {
    let kept = I64F64::from_num(bonds_moving_average) / I64F64::from_num(1_000_000);
    ONE.saturating_sub(i64f64_to_i32f32(kept))
}

/// How a stored u16 bond reads back into the epoch.
#[derive(Clone, Copy, Debug)]
pub enum BondEncoding {
    /// Original Yuma: the u16 as an integer-valued fixed number (column-normalised after).
    Integer,
    /// Yuma3: the u16 as a proportion, `b / 65535`.
    Proportion,
}

/// The stored bonds B (rows i < n, columns j < n), without the masked columns (§2.5.2, §2.6.2).
pub fn load_bonds(stored: &[Vec<(u16, u16)>], masked_column: &[bool], encoding: BondEncoding) -> SparseMatrix {
    let n = masked_column.len();
    let mut bonds = SparseMatrix::with_capacity(n, n, stored.iter().take(n).map(Vec::len).sum());
    let decode = |b: u16| match encoding {
        BondEncoding::Integer => fixed_from_u16(b),
        BondEncoding::Proportion => u16_proportion_to_fixed(b),
    };
    let kept = |j: u16| masked_column.get(usize::from(j)) == Some(&false);
    for i in 0..n {
        let row = stored.get(i).map_or(&[][..], Vec::as_slice);
        if row.iter().all(|&(j, _)| kept(j)) {
            bonds.push_row(row.iter().map(|&(j, _)| j), row.iter().map(|&(_, b)| decode(b)));
        } else {
            for &(j, b) in row.iter().filter(|&&(j, _)| kept(j)) {
                bonds.push(j, decode(b));
            }
            bonds.end_row();
        }
    }
    bonds
}

/// The scalar EMA `α·new + (1 − α)·old` over the union of entries, each product floored, keeping
/// results > 0 (§2.5.5; Yuma3 without liquid alpha, §2.6.3).
pub fn ema(new: &SparseMatrix, old: &SparseMatrix, alpha: I32F32) -> SparseMatrix {
    let alpha = alpha.to_bits();
    ema_by_column(new, old, |_| alpha)
}

/// The same EMA with a rate per column (liquid alpha v1, §2.9): `alpha_raw(j)` gives α_j's bits.
pub fn ema_by_column(new: &SparseMatrix, old: &SparseMatrix, alpha_raw: impl Fn(usize) -> i64) -> SparseMatrix {
    let blend = |j: usize, new: i64, old: i64| I32F32::from_bits(ema_entry(alpha_raw(j), new, old));
    let mut out = SparseMatrix::with_capacity(new.n_rows(), new.n_cols(), new.n_entries().max(old.n_entries()));
    for i in 0..new.n_rows() {
        let (new_cols, new_vals) = new.row(i);
        let (old_cols, old_vals) = old.row(i);
        if new_cols == old_cols {
            // The steady state of a dense subnet: the same columns on both sides.
            out.push_row_positive(
                new_cols,
                new_cols
                    .iter()
                    .zip(new_vals.iter().zip(old_vals))
                    .map(|(&j, (n, o))| blend(usize::from(j), n.to_bits(), o.to_bits())),
            );
        } else if old_cols.is_empty() {
            out.push_row_positive(
                new_cols,
                new_cols.iter().zip(new_vals).map(|(&j, n)| blend(usize::from(j), n.to_bits(), 0)),
            );
        } else {
            merge_rows((new_cols, new_vals), (old_cols, old_vals), |j, new, old| {
                let value = blend(usize::from(j), new.map_or(0, I32F32::to_bits), old.map_or(0, I32F32::to_bits));
                if value > ZERO {
                    out.push(j, value);
                }
            });
            out.end_row();
        }
    }
    out
}

/// Σ_j B_ij · I_j per row (each product floored, accumulated saturating).
pub fn bonds_times_incentive(bonds: &SparseMatrix, incentive: &[I32F32]) -> Vec<I32F32> {
    row_products(bonds, incentive, |_, b| b.to_bits())
}

/// Σ_j (B_ij / Σ_k B_kj) · I_j per row: the same with B column-normalised first, without
/// building the normalised matrix.
pub fn column_shares_times_incentive(bonds: &SparseMatrix, incentive: &[I32F32]) -> Vec<I32F32> {
    let divisors = column_divisors(&bonds.column_sums_raw());
    row_products(bonds, incentive, |j, b| match divisors[j] {
        None => b.to_bits(),
        Some(divisor) => divisor.divide_raw(nonnegative(b)) as i64,
    })
}

/// Σ_j f(j, B_ij) · I_j per row.
fn row_products(bonds: &SparseMatrix, incentive: &[I32F32], f: impl Fn(usize, I32F32) -> i64) -> Vec<I32F32> {
    (0..bonds.n_rows())
        .map(|i| {
            let (cols, vals) = bonds.row(i);
            let sum = cols
                .iter()
                .zip(vals)
                .map(|(&j, &b)| {
                    let j = usize::from(j);
                    mul_raw(f(j, b), incentive[j].to_bits())
                })
                .fold(0i64, i64::saturating_add);
            I32F32::from_bits(sum)
        })
        .collect()
}

/// Bond rows as stored: `⌊x · 65535⌋` per entry, entries that floor to 0 included (§2.8).
pub fn encode_for_storage(bonds: &SparseMatrix) -> Vec<Vec<(u16, u16)>> {
    (0..bonds.n_rows())
        .map(|i| {
            let (cols, vals) = bonds.row(i);
            cols.iter().zip(vals).map(|(&j, &b)| (j, fixed_proportion_to_u16(b))).collect()
        })
        .collect()
}

/// Walks the union of two rows (columns ascending) calling `f(column, left, right)`.
#[inline]
pub fn merge_rows(
    (left_cols, left_vals): (&[u16], &[I32F32]),
    (right_cols, right_vals): (&[u16], &[I32F32]),
    mut f: impl FnMut(u16, Option<I32F32>, Option<I32F32>),
) {
    let (mut l, mut r) = (0, 0);
    while l < left_cols.len() || r < right_cols.len() {
        let left_col = left_cols.get(l).copied().unwrap_or(u16::MAX);
        let right_col = right_cols.get(r).copied().unwrap_or(u16::MAX);
        if l < left_cols.len() && (r == right_cols.len() || left_col < right_col) {
            f(left_col, Some(left_vals[l]), None);
            l += 1;
        } else if r < right_cols.len() && (l == left_cols.len() || right_col < left_col) {
            f(right_col, None, Some(right_vals[r]));
            r += 1;
        } else {
            f(left_col, Some(left_vals[l]), Some(right_vals[r]));
            l += 1;
            r += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_by_one(value: Option<f64>) -> SparseMatrix {
        let mut m = SparseMatrix::with_capacity(1, 1, 1);
        if let Some(v) = value {
            m.push(0, I32F32::from_num(v));
        }
        m.end_row();
        m
    }

    #[test]
    fn vector_math_interpolate_sparse() {
        let empty = one_by_one(None);
        assert_eq!(*interpolate(&empty, &empty, I32F32::from_num(0)), empty);
        let (zero, one) = (one_by_one(Some(0.0)), one_by_one(Some(1.0)));
        assert_eq!(*interpolate(&zero, &one, I32F32::from_num(0)), zero);
        assert_eq!(*interpolate(&zero, &one, I32F32::from_num(0.5)), one_by_one(Some(0.5)));
        assert_eq!(*interpolate(&zero, &one, I32F32::from_num(1)), one);
        // As a bonds penalty, 65535 is exactly 1 and 0 is exactly 0.
        assert_eq!(*bond_weights(&zero, &one, 65535), one);
        assert_eq!(*bond_weights(&zero, &one, 0), zero);
    }

    /// The raw-bit blend, on rows of the same pattern and of different ones, is the fixed types'
    /// `a + ratio·(b − a)` with their saturating operations, entries ≤ 0 dropped.
    #[test]
    fn interpolation_is_the_fixed_types_saturating_blend_on_equal_and_unequal_patterns() {
        let v = |x: f64| I32F32::from_num(x);
        let mut from = SparseMatrix::with_capacity(2, 4, 6);
        from.push_row([0, 1, 3], [v(0.25), v(0.5), v(0.0)]);
        from.push_row([1, 2], [v(0.75), v(0.1)]);
        let mut to = SparseMatrix::with_capacity(2, 4, 6);
        to.push_row([0, 1, 3], [v(0.125), v(0.5), v(0.0)]);
        to.push_row([2, 3], [v(0.1), v(0.3)]);
        for ratio in [v(0.3), I32F32::from_bits(1), I32F32::from_bits((1 << 32) - 1), v(0.5)] {
            let got = interpolate(&from, &to, ratio).to_rows();
            let mut want = vec![Vec::new(), Vec::new()];
            for (i, row) in want.iter_mut().enumerate() {
                merge_rows(from.row(i), to.row(i), |j, a, b| {
                    let (a, b) = (a.unwrap_or(ZERO), b.unwrap_or(ZERO));
                    let value = a.saturating_add(ratio.saturating_mul(b.saturating_sub(a)));
                    if value > ZERO {
                        row.push((j, value));
                    }
                });
            }
            assert_eq!(got, want, "ratio {ratio}");
        }
    }

    #[test]
    fn vector_math_bonds_moving_average_to_alpha() {
        assert_eq!(alpha_from_moving_average(900_000).to_bits(), 429_496_730);
        assert_eq!(alpha_from_moving_average(900_000), I32F32::from_num(0.1));
        assert_eq!(alpha_from_moving_average(1_000_000), I32F32::from_num(0));
    }

    #[test]
    fn recently_registered_uses_last_step_block_when_recorded() {
        assert_eq!(recently_registered(20, 2, 0, &[18, 17]), vec![true, false]);
        assert_eq!(recently_registered(20, 2, 3, &[4, 3]), vec![true, false]);
        assert_eq!(recently_registered(1, 10, 0, &[0]), vec![true]);
    }

    #[test]
    fn merge_visits_the_union_in_column_order() {
        let one = I32F32::from_num(1);
        let mut seen = Vec::new();
        merge_rows((&[0, 2, 5], &[one; 3]), (&[1, 2, 6], &[one; 3]), |j, l, r| {
            seen.push((j, l.is_some(), r.is_some()))
        });
        assert_eq!(seen, vec![(0, true, false), (1, false, true), (2, true, true), (5, true, false), (6, false, true)]);
    }
}
