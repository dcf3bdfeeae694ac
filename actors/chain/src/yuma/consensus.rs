//! Consensus, clipping, validator trust and incentive (spec §2.4).

use super::matrix::SparseMatrix;
use super::median::{MedianScratch, weighted_median};
use crate::fixed::{I32F32, mul_raw, normalize};

/// c_j: the stake-weighted median of column j at level κ over the validators with active stake
/// (§2.4.2). Their stakes are normalised again (ŝ) and `m = Σŝ − κ`; a validator with no entry
/// in a column votes 0 there.
pub fn consensus(weights: &SparseMatrix, active_stake: &[I32F32], kappa: I32F32) -> Vec<I32F32> {
    let n_cols = weights.n_cols();
    let Voters { voters, stake: voter_stake, stake_sum, m } = Voters::of(active_stake, kappa);

    // Column-major copy of the voters' positive entries, by counting sort, with one slot more
    // per column for the item that stands for all the voters at 0 (see `median`).
    let mut column_start = vec![0u32; n_cols + 1];
    for &i in &voters {
        let (cols, vals) = weights.row(i);
        for (&j, v) in cols.iter().zip(vals) {
            column_start[usize::from(j) + 1] += u32::from(v.to_bits() > 0);
        }
    }
    for j in 0..n_cols {
        column_start[j + 1] += column_start[j] + 1;
    }
    let slots = column_start[n_cols] as usize;
    let (mut values, mut stakes) = (vec![0i64; slots], vec![0i64; slots]);
    let mut column_end = column_start.clone();
    let mut positive_stake = vec![0i64; n_cols];
    for (&i, &s) in voters.iter().zip(&voter_stake) {
        let (cols, vals) = weights.row(i);
        for (&j, v) in cols.iter().zip(vals) {
            if v.to_bits() > 0 {
                let j = usize::from(j);
                let slot = column_end[j] as usize;
                values[slot] = v.to_bits();
                stakes[slot] = s;
                column_end[j] += 1;
                positive_stake[j] += s;
            }
        }
    }

    let mut scratch = MedianScratch::default();
    (0..n_cols)
        .map(|j| {
            let (start, mut end) = (column_start[j] as usize, column_end[j] as usize);
            if end - start < voters.len() {
                // The voters at 0 (absent or explicit zero), folded into one item.
                values[end] = 0;
                stakes[end] = stake_sum - positive_stake[j];
                end += 1;
            }
            I32F32::from_bits(weighted_median(&values[start..end], &stakes[start..end], m, stake_sum, &mut scratch))
        })
        .collect()
}

/// The voters of consensus: the UIDs with active stake, their stakes normalised again (ŝ, raw
/// bits), Σŝ and the median's threshold `m = Σŝ − κ`.
pub struct Voters {
    pub voters: Vec<usize>,
    pub stake: Vec<i64>,
    pub stake_sum: i64,
    pub m: i64,
}

impl Voters {
    pub fn of(active_stake: &[I32F32], kappa: I32F32) -> Self {
        let voters: Vec<usize> = (0..active_stake.len()).filter(|&i| active_stake[i].to_bits() > 0).collect();
        let mut stake: Vec<I32F32> = voters.iter().map(|&i| active_stake[i]).collect();
        normalize(&mut stake);
        let stake: Vec<i64> = stake.iter().map(|s| s.to_bits()).collect();
        let stake_sum: i64 = stake.iter().sum();
        Voters { voters, stake, stake_sum, m: stake_sum - kappa.to_bits() }
    }
}

/// W̄ (§2.4.3): entries above consensus are clipped to it, or removed when it is 0; an existing
/// explicit zero stays.
pub fn clip(weights: &SparseMatrix, consensus: &[I32F32]) -> SparseMatrix {
    weights
        .map_values(|_, j, w| I32F32::from_bits(clipped(w.to_bits(), consensus[usize::from(j)].to_bits())))
        .drop_negative()
}

/// One entry of W̄ from its weight and its column's consensus (raw bits): the weight up to
/// consensus, −1 for an entry removed (above a consensus of 0). A −1 weight (the dense path's
/// absent entry) stays −1.
#[inline(always)]
pub fn clipped(weight: i64, consensus: i64) -> i64 {
    if weight <= consensus {
        weight
    } else if consensus > 0 {
        consensus
    } else {
        -1
    }
}

/// What the epoch reads of W̄ (§2.4.3–6) besides the era's step.
#[derive(Clone, Debug)]
pub struct Clipping {
    /// Σ_j W̄_ij per UID.
    pub validator_trust: Vec<I32F32>,
    /// The ranks Σ_i a_i · W̄_ij, normalised.
    pub incentive: Vec<I32F32>,
    /// [`within_clipping`] per UID.
    pub within_clipping: Vec<Option<bool>>,
}

impl Clipping {
    /// From W and W̄ on compressed rows.
    pub fn of(weights: &SparseMatrix, clipped: &SparseMatrix, consensus: &[I32F32], active_stake: &[I32F32]) -> Self {
        Clipping {
            validator_trust: clipped.row_sums(),
            incentive: incentive(clipped, active_stake),
            within_clipping: within_clipping(weights, consensus, active_stake),
        }
    }
}

/// Whether each UID's weights lie within clipping: `None` when it cast no weights consensus
/// read (no active stake, or no positive entry in its row of W), `Some(true)` when every entry
/// of its row is at most its column's consensus (W̄_i = W_i: clipping takes nothing), else
/// `Some(false)`. Not stored by the chain: what a report reads about agreement with consensus.
pub fn within_clipping(weights: &SparseMatrix, consensus: &[I32F32], active_stake: &[I32F32]) -> Vec<Option<bool>> {
    (0..active_stake.len())
        .map(|i| {
            if i >= weights.n_rows() || active_stake[i].to_bits() <= 0 {
                return None;
            }
            let (cols, vals) = weights.row(i);
            let voted = vals.iter().any(|w| w.to_bits() > 0);
            voted.then(|| cols.iter().zip(vals).all(|(&j, &w)| w <= consensus[usize::from(j)]))
        })
        .collect()
}

/// Incentive (§2.4.5–6): ranks r_j = Σ_i a_i · W̄_ij (each product floored, accumulated
/// saturating with i ascending), normalised.
pub fn incentive(clipped: &SparseMatrix, active_stake: &[I32F32]) -> Vec<I32F32> {
    let mut ranks = vec![0i64; clipped.n_cols()];
    for (i, a) in active_stake.iter().enumerate() {
        let a = a.to_bits();
        if a == 0 {
            continue; // every product would be 0
        }
        let (cols, vals) = clipped.row(i);
        for (&j, w) in cols.iter().zip(vals) {
            let rank = &mut ranks[usize::from(j)];
            *rank = rank.saturating_add(mul_raw(a, w.to_bits()));
        }
    }
    let mut incentive: Vec<I32F32> = ranks.into_iter().map(I32F32::from_bits).collect();
    normalize(&mut incentive);
    incentive
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // the vectors' tables of inputs and expected values
mod tests {
    use super::*;

    fn dense(rows: &[&[f32]]) -> SparseMatrix {
        let n_cols = rows[0].len();
        let mut m = SparseMatrix::with_capacity(rows.len(), n_cols, 0);
        for row in rows {
            for (j, &v) in row.iter().enumerate() {
                if v != 0.0 {
                    m.push(j as u16, I32F32::from_num(v));
                }
            }
            m.end_row();
        }
        m
    }

    #[test]
    fn vector_math_weighted_median_col() {
        let f = |x: f32| I32F32::from_num(x);
        let w1: &[&[f32]] = &[&[0., 0.1, 0.], &[0., 0.2, 0.4], &[0., 0.3, 0.1], &[0., 0.4, 0.5]];
        let w2: &[&[f32]] = &[&[0., 0.1, 0.], &[0., 0.2, 0.4], &[0., 0.3, 0.1], &[0., 0., 0.5]];
        let cases: [(&[f32], &[&[f32]], f32, &[f32]); 5] = [
            (&[0., 0.], &[&[0., 0.], &[0., 0.]], 0.5, &[0., 0.]),
            (&[0., 0.75, 0.25, 0.], w1, 0.24, &[0., 0.3, 0.4]),
            (&[0., 0.75, 0.25, 0.], w1, 0.26, &[0., 0.2, 0.4]),
            (&[0., 0.75, 0.25, 0.], w1, 0.76, &[0., 0.2, 0.1]),
            (&[0., 0.3, 0.2, 0.5], w2, 0.51, &[0., 0., 0.4]),
        ];
        for (stake, rows, kappa, want) in cases {
            let stake: Vec<I32F32> = stake.iter().map(|&s| f(s)).collect();
            let want: Vec<I32F32> = want.iter().map(|&x| f(x)).collect();
            assert_eq!(consensus(&dense(rows), &stake, f(kappa)), want, "kappa {kappa}");
        }
    }

    #[test]
    fn vector_math_col_clip_sparse() {
        let threshold: Vec<I32F32> = [0.0, 5.0, 12.0].iter().map(|&x| I32F32::from_num(x)).collect();
        let shape = |flat: &[f32]| -> Vec<Vec<f32>> { flat.chunks(3).map(<[f32]>::to_vec).collect() };
        let cases: [(&[f32], &[f32]); 3] = [
            (&[0., 2., 3., 4., 5., 6., 7., 8., 9., 10., 11., 12.], &[0., 2., 3., 0., 5., 6., 0., 5., 9., 0., 5., 12.]),
            (&[0., 2., 3., 4., 5., 6., 0., 0., 0., 10., 11., 12.], &[0., 2., 3., 0., 5., 6., 0., 0., 0., 0., 5., 12.]),
            (&[0.; 12], &[0.; 12]),
        ];
        for (input, want) in cases {
            let input = shape(input);
            let rows: Vec<&[f32]> = input.iter().map(Vec::as_slice).collect();
            let want = shape(want);
            let want_rows: Vec<&[f32]> = want.iter().map(Vec::as_slice).collect();
            assert_eq!(clip(&dense(&rows), &threshold), dense(&want_rows));
        }
    }

    #[test]
    fn a_row_is_within_clipping_when_no_entry_exceeds_its_columns_consensus() {
        // Consensus (0.5, 0.5, 0). Row 0 (0.5, 0.5) is at consensus; row 1 (0.6, 0.4) exceeds
        // column 0; row 2 has no active stake; row 3 holds only an explicit zero; row 4 puts
        // weight on column 2, whose consensus is 0; row 5 is missing.
        let f = I32F32::from_num::<f64>;
        let c = [f(0.5), f(0.5), f(0.)];
        let mut weights = SparseMatrix::with_capacity(5, 3, 8);
        for row in [&[(0, 0.5), (1, 0.5)][..], &[(0, 0.6), (1, 0.4)], &[(0, 1.)], &[(2, 0.)], &[(0, 0.5), (2, 0.5)]] {
            weights.push_row(row.iter().map(|e| e.0), row.iter().map(|e| f(e.1)));
        }
        let stake = [0.3, 0.2, 0., 0.2, 0.2, 0.1].map(f);
        assert_eq!(within_clipping(&weights, &c, &stake), vec![Some(true), Some(false), None, None, Some(false), None]);
    }

    #[test]
    fn clipping_keeps_explicit_zero_and_removes_entries_clipped_to_zero() {
        let mut w = SparseMatrix::with_capacity(1, 2, 2);
        w.push(0, I32F32::from_num(0));
        w.push(1, I32F32::from_num(0.5));
        w.end_row();
        let clipped = clip(&w, &[I32F32::from_num(0), I32F32::from_num(0)]);
        assert_eq!(clipped.to_rows()[0], vec![(0, I32F32::from_num(0))]);
    }
}
