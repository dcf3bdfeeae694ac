//! Consensus, clipping, validator trust and incentive on the dense block (spec §2.4), equal to
//! `yuma::consensus` on the same matrix.

use super::{DenseMatrix, or_zero};
use crate::fixed::{I32F32, mul_raw, normalize};
use crate::yuma::consensus::{Clipping, Voters, clipped};
use crate::yuma::median::{MedianScratch, Stakes, weighted_median_of};

/// Columns gathered at a time for the medians: with 256 voters their copy is 128 KiB, which
/// stays in the core's L2 cache while the medians read it.
const COLUMNS_PER_PASS: usize = 64;

/// c_j (§2.4.2) as `consensus::consensus` computes it. Each column's items are every voter's
/// entry in the block (an absent entry as a 0) and one item of value 0 for the voters without a
/// row in the block, carrying their stake: the median depends only on the multiset of (value,
/// stake) and on which values occur (`median`), and 0 occurs here exactly when the sparse path
/// folds a 0 item in. A column outside the block is 0 for every voter: its consensus is 0.
pub fn consensus(weights: &DenseMatrix, active_stake: &[I32F32], kappa: I32F32) -> Vec<I32F32> {
    let Voters { voters, stake, stake_sum, m } = Voters::of(active_stake, kappa);
    let (mut voter_rows, mut item_stakes, mut outside_stake, mut outside) = (Vec::new(), Vec::new(), 0i64, false);
    let block_rows = weights.rows();
    let mut r = 0;
    for (&i, &s) in voters.iter().zip(&stake) {
        while r < block_rows.len() && usize::from(block_rows[r]) < i {
            r += 1;
        }
        if block_rows.get(r).is_some_and(|&row| usize::from(row) == i) {
            voter_rows.push(r);
            item_stakes.push(s);
        } else {
            outside_stake += s;
            outside = true;
        }
    }
    if outside {
        item_stakes.push(outside_stake); // its value stays 0 in every column below
    }
    let items = item_stakes.len();
    let width = weights.n_block_cols();
    if items == 0 {
        // No voters: every column's median is of no items, 0.
        return vec![I32F32::from_bits(0); weights.n_cols()];
    }
    // Column-major: column kk of the pass at kk·items.
    let mut values = vec![0i64; COLUMNS_PER_PASS * items];
    let mut scratch = MedianScratch::default();
    // Every column has the same items' stakes (a column differs from another in values only).
    let item_stakes = Stakes::new(&item_stakes);
    let mut block_consensus = Vec::with_capacity(width);
    for first in (0..width).step_by(COLUMNS_PER_PASS) {
        let last = (first + COLUMNS_PER_PASS).min(width);
        // Eight voters at a time, so that each column's write is one run of 64 bytes.
        for (tile, rows) in voter_rows.chunks(8).enumerate() {
            let rows: Vec<&[I32F32]> = rows.iter().map(|&r| &weights.row(r)[first..last]).collect();
            for (kk, column) in values.chunks_exact_mut(items).take(last - first).enumerate() {
                for (slot, row) in column[tile * 8..].iter_mut().zip(&rows) {
                    *slot = or_zero(row[kk]);
                }
            }
        }
        for column in values.chunks_exact(items).take(last - first) {
            let median = weighted_median_of(&column[..items], &item_stakes, m, stake_sum, &mut scratch);
            block_consensus.push(I32F32::from_bits(median));
        }
    }
    weights.scatter_columns(&block_consensus, I32F32::from_bits(0))
}

/// Trust, incentive and agreement with consensus as [`Clipping::of`] gives them, from one pass
/// over W without building W̄.
pub fn clipping(weights: &DenseMatrix, consensus: &[I32F32], active_stake: &[I32F32]) -> Clipping {
    let c: Vec<i64> = weights.gather_columns(consensus).iter().map(|c| c.to_bits()).collect();
    let n_block_rows = weights.n_block_rows();
    let mut ranks = vec![0i64; weights.n_block_cols()];
    let mut trust = Vec::with_capacity(n_block_rows);
    let mut within = Vec::with_capacity(n_block_rows);
    for r in 0..n_block_rows {
        let row = weights.row(r);
        let a = active_stake[usize::from(weights.rows()[r])].to_bits();
        // The row sum is exact: at most 65536 entries of at most 1.0 each.
        let (mut sum, mut voted, mut at_most_consensus) = (0i64, false, true);
        for ((&w, &c), rank) in row.iter().zip(&c).zip(ranks.iter_mut()) {
            let w = w.to_bits();
            let clipped = clipped(w, c).max(0);
            sum += clipped;
            voted |= w > 0;
            at_most_consensus &= w <= c;
            // The sparse path adds a_i · W̄_ij saturating, skipping a = 0; a rank is at most
            // Σ_i a_i · 1.0 ≤ 2^32 (a is normalised, W̄ ≤ 1), far from saturation, so plain
            // additions (of 0 where a = 0) give the same.
            *rank += mul_raw(a, clipped);
        }
        trust.push(I32F32::from_bits(sum));
        within.push((a > 0 && voted).then_some(at_most_consensus));
    }
    let mut incentive = weights.scatter_columns(&ranks, 0).into_iter().map(I32F32::from_bits).collect::<Vec<_>>();
    normalize(&mut incentive);
    Clipping {
        validator_trust: weights.scatter_rows(&trust, I32F32::from_bits(0)),
        incentive,
        within_clipping: weights.scatter_rows(&within, None),
    }
}
