//! The eras' bond steps on the dense block (spec §2.5–2.6), entry for entry the arithmetic of
//! `bonds`, `liquid_alpha` and `matrix` (the per-entry functions are shared). Bond weights W^b
//! are computed row by row from W and consensus rather than stored, and the stored bonds are
//! decoded row by row where the EMA reads them.

use std::borrow::Cow;

use super::weights::same_columns;
use super::{ABSENT, DenseMatrix, or_zero, union};
use crate::fixed::{Divisor, I32F32, ONE_RAW, fixed_proportion_to_u16, mul_raw};
use crate::yuma::bonds::blend_towards;
use crate::yuma::consensus::clipped;
use crate::yuma::liquid_alpha::{AlphaSigmoid, LiquidAlpha, liquid_ema_entry};

/// Which stored bonds an era reads (§2.5.2, §2.6.2).
#[derive(Clone, Copy)]
pub enum BondMask<'a> {
    /// Every bond but those to the masked columns (UIDs registered since the last epoch).
    Columns(&'a [bool]),
    /// Before 2025-03-28: bond (i, j) only when i set weights after j registered.
    Outdated { last_update: &'a [u64], registered_at: &'a [u64] },
}

impl BondMask<'_> {
    /// Whether bond (i, j) is read; never a column ≥ n.
    #[inline]
    fn keeps(&self, i: usize, j: u16) -> bool {
        let j = usize::from(j);
        match *self {
            BondMask::Columns(masked) => masked.get(j) == Some(&false),
            BondMask::Outdated { last_update, registered_at } => {
                registered_at.get(j).is_some_and(|&registered| last_update[i] > registered)
            }
        }
    }

    /// Per row i, whether the mask keeps every bond of row i to a column < n (nothing masked,
    /// or i updated after every registration).
    fn keeps_whole_rows(&self, n: usize) -> Vec<bool> {
        match *self {
            BondMask::Columns(masked) => vec![!masked.contains(&true); n],
            BondMask::Outdated { last_update, registered_at } => {
                let latest = registered_at.iter().copied().max().unwrap_or(0);
                last_update.iter().take(n).map(|&updated| updated > latest).collect()
            }
        }
    }
}

/// The block an era works on: W's block widened to the rows and columns of the stored bonds it
/// reads (a bond outside W still decays), and what its rows read besides W.
pub struct EraBlock<'a> {
    weights: Cow<'a, DenseMatrix>,
    reader: EraRows<'a>,
}

/// What a block row of the era's step reads besides W: the stored bonds, consensus per block
/// column, the block's UIDs.
pub struct EraRows<'a> {
    uids: Vec<u16>,
    consensus: Vec<I32F32>,
    stored: &'a [Vec<(u16, u16)>],
    mask: BondMask<'a>,
    /// Per UID, whether the mask keeps its whole row (`BondMask::keeps_whole_rows`).
    whole_rows: Vec<bool>,
    position: Vec<u32>,
    /// The block's width.
    position_len: usize,
}

impl<'a> EraBlock<'a> {
    pub fn new(
        weights: Cow<'a, DenseMatrix>,
        consensus: &[I32F32],
        stored: &'a [Vec<(u16, u16)>],
        mask: BondMask<'a>,
    ) -> Self {
        let n = weights.n_rows();
        let whole_rows = mask.keeps_whole_rows(n);
        let (mut bond_rows, mut held) = (Vec::new(), vec![false; n]);
        // The last row kept whole and whether it held a bond: rows naming the same columns (a
        // dense subnet's) need no marking again.
        let (mut marked, mut marked_any): (&[(u16, u16)], bool) = (&[], false);
        for (i, row) in stored.iter().enumerate().take(n) {
            if whole_rows[i] && same_columns(row, marked) {
                if marked_any {
                    bond_rows.push(i as u16);
                }
                continue;
            }
            let mut any = false;
            for &(j, _) in row.iter().filter(|&&(j, _)| mask.keeps(i, j)) {
                held[usize::from(j)] = true;
                any = true;
            }
            if any {
                bond_rows.push(i as u16);
            }
            if whole_rows[i] {
                (marked, marked_any) = (row, any);
            }
        }
        let bond_cols: Vec<u16> = (0..n).filter(|&j| held[j]).map(|j| j as u16).collect();
        let rows = union(weights.rows(), &bond_rows);
        let cols = union(weights.cols(), &bond_cols);
        let weights = if rows == weights.rows() && cols == weights.cols() {
            weights
        } else {
            Cow::Owned(weights.embedded(rows, cols))
        };
        let reader = EraRows {
            uids: weights.rows().to_vec(),
            consensus: weights.gather_columns(consensus),
            stored,
            mask,
            whole_rows,
            position: weights.column_positions(),
            position_len: weights.n_block_cols(),
        };
        EraBlock { weights, reader }
    }

    pub fn n_block_rows(&self) -> usize {
        self.weights.n_block_rows()
    }

    pub fn width(&self) -> usize {
        self.weights.n_block_cols()
    }

    /// `per_column` (indexed by UID) at the block's columns.
    pub fn gather_columns<T: Copy>(&self, per_column: &[T]) -> Vec<T> {
        self.weights.gather_columns(per_column)
    }

    /// Σ_i f(b_ij) per block column over the stored bonds the mask keeps.
    pub fn stored_column_sums(&self, f: impl Fn(u16) -> u64) -> Vec<u64> {
        let mut sums = vec![0u64; self.width()];
        let reader = &self.reader;
        for r in 0..self.n_block_rows() {
            let i = reader.uid(r);
            let row = reader.stored.get(i).map_or(&[][..], Vec::as_slice);
            if reader.in_block_order(i, row) {
                for (sum, &(_, b)) in sums.iter_mut().zip(row) {
                    *sum += f(b);
                }
                continue;
            }
            for &(j, b) in row {
                if reader.mask.keeps(i, j) {
                    sums[reader.position[usize::from(j)] as usize] += f(b);
                }
            }
        }
        sums
    }

    /// W's block as an owned matrix (copied when borrowed), for an era to write over in place,
    /// and what its rows read.
    pub fn into_owned_parts(self) -> (DenseMatrix, EraRows<'a>) {
        (self.weights.into_owned(), self.reader)
    }

    /// A matrix over the block, row r written by `row(rows, r, W row r, out)`, which writes every
    /// entry of `out` (through [`positive`]: the EMAs keep only entries > 0), and its column
    /// sums (`SparseMatrix::column_sums_raw`) taken as the rows are written. The matrix takes
    /// W's place when the block owns W, so the epoch allocates one block instead of two.
    // Kept out of line: inlined into Yuma3's step it costs that step 2 % more instructions
    // (callgrind, 64 × 256).
    #[inline(never)]
    pub fn into_rows(self, mut row: impl FnMut(&EraRows, usize, &[I32F32], &mut [I32F32])) -> (DenseMatrix, Vec<i64>) {
        let EraBlock { weights, reader } = self;
        let mut sums = vec![0i64; weights.n_block_cols()];
        let mut add = |values: &[I32F32]| {
            for (sum, &value) in sums.iter_mut().zip(values) {
                *sum += or_zero(value);
            }
        };
        let matrix = match weights {
            Cow::Owned(mut weights) => {
                let mut weights_row = vec![ABSENT; weights.n_block_cols()];
                for r in 0..weights.n_block_rows() {
                    weights_row.copy_from_slice(weights.row(r));
                    row(&reader, r, &weights_row, weights.row_mut(r));
                    add(weights.row(r));
                }
                weights
            }
            Cow::Borrowed(weights) => {
                let (n_rows, n_cols) = (weights.n_rows(), weights.n_cols());
                let mut out =
                    DenseMatrix::filled(n_rows, n_cols, weights.rows().to_vec(), weights.cols().to_vec(), ABSENT);
                for r in 0..weights.n_block_rows() {
                    row(&reader, r, weights.row(r), out.row_mut(r));
                    add(out.row(r));
                }
                out
            }
        };
        (matrix, sums)
    }
}

impl EraRows<'_> {
    /// The UID of block row r.
    pub fn uid(&self, r: usize) -> usize {
        usize::from(self.uids[r])
    }

    /// Consensus per block column.
    pub fn consensus(&self) -> &[I32F32] {
        &self.consensus
    }

    /// A row of W^b = W + ratio·(W̄ − W) from its row of W (§2.5.1, `bonds::interpolate`): ratio
    /// 0 gives W and 1 gives W̄ as they are, explicit zeros included; in between an entry is
    /// kept if > 0.
    pub fn bond_weights(&self, weights: &[I32F32], ratio: I32F32, out: &mut [I32F32]) {
        let ratio = ratio.to_bits();
        if ratio == 0 {
            out.copy_from_slice(weights);
        } else if ratio == ONE_RAW {
            for ((out, &w), &c) in out.iter_mut().zip(weights).zip(&self.consensus) {
                *out = I32F32::from_bits(clipped(w.to_bits(), c.to_bits()));
            }
        } else {
            for ((out, &w), &c) in out.iter_mut().zip(weights).zip(&self.consensus) {
                let blend = blend_towards(or_zero(w), clipped(w.to_bits(), c.to_bits()).max(0), ratio);
                *out = if blend > 0 { I32F32::from_bits(blend) } else { ABSENT };
            }
        }
    }

    /// Whether UID i's stored bond row names exactly the block's columns, in order: kept whole
    /// by the mask, all below n and as many as the block's columns (every bond kept is in the
    /// block, and a stored row's columns ascend).
    fn in_block_order(&self, i: usize, row: &[(u16, u16)]) -> bool {
        let n = self.whole_rows.len();
        self.whole_rows[i] && row.len() == self.position_len && row.last().is_some_and(|&(j, _)| usize::from(j) < n)
    }

    /// Block row r of the stored bonds the mask keeps, each decoded by `decode(k, b)` (k the
    /// block column), 0 where none is stored: every era reads a missing bond as a stored 0.
    pub fn stored_row(&self, r: usize, decode: impl Fn(usize, u16) -> i64, out: &mut [I32F32]) {
        let i = self.uid(r);
        let row = self.stored.get(i).map_or(&[][..], Vec::as_slice);
        if self.in_block_order(i, row) {
            for (k, (out, &(_, b))) in out.iter_mut().zip(row).enumerate() {
                *out = I32F32::from_bits(decode(k, b));
            }
            return;
        }
        out.fill(I32F32::from_bits(0));
        for &(j, b) in row {
            if self.mask.keeps(i, j) {
                let k = self.position[usize::from(j)] as usize;
                out[k] = I32F32::from_bits(decode(k, b));
            }
        }
    }
}

/// An EMA's entry as kept: absent unless > 0.
#[inline(always)]
pub fn positive(raw: i64) -> I32F32 {
    if raw > 0 { I32F32::from_bits(raw) } else { ABSENT }
}

/// The Yuma3 EMA with a rate per entry (§2.6.3, `liquid_alpha::ema_per_entry`) on one block row:
/// only the entries present in the row of W^b (an old bond elsewhere is dropped, not decayed).
pub struct LiquidRows {
    sigmoid: AlphaSigmoid,
    /// A row's rates (raw bits).
    alphas: Vec<i64>,
}

impl LiquidRows {
    pub fn new(params: LiquidAlpha, width: usize) -> Self {
        LiquidRows { sigmoid: AlphaSigmoid::new(params), alphas: vec![0; width] }
    }

    /// The row from its bond weights, its old bonds and consensus (per block column).
    pub fn row(&mut self, bond_weights: &[I32F32], old: &[I32F32], consensus: &[I32F32], out: &mut [I32F32]) {
        self.sigmoid.dense_row_alphas(bond_weights, old, consensus, ABSENT, &mut self.alphas);
        for (((out, w), b), &alpha) in out.iter_mut().zip(bond_weights).zip(old).zip(&self.alphas) {
            let blended = positive(liquid_ema_entry(alpha, w.to_bits(), b.to_bits()));
            // An entry absent from W^b stays absent.
            *out = if *w == ABSENT { ABSENT } else { blended };
        }
    }
}

/// Each entry (all > 0 or absent, as the EMAs leave them) divided by its column's sum, `sums`
/// per block column (`SparseMatrix::normalize_columns`), and in the same pass Σ_j B_ij · I_j per
/// UID of the normalised rows ([`row_products`] of the identity), `incentive` per block column.
pub fn normalize_columns_times_incentive(matrix: &mut DenseMatrix, sums: &[i64], incentive: &[I32F32]) -> Vec<I32F32> {
    // A column summing to 0 holds no entry (they are > 0), so the divisor 1 changes nothing.
    let divisors: Vec<Divisor> = sums.iter().map(|&sum| Divisor::new(sum.max(1) as u64)).collect();
    let per_row: Vec<I32F32> = (0..matrix.n_block_rows())
        .map(|r| {
            // Non-negative terms: their i128 sum capped at i64::MAX is the saturating sum (as in
            // `row_products`); an absent entry divides to 0 and adds 0.
            let mut sum = 0i128;
            for ((value, divisor), i) in matrix.row_mut(r).iter_mut().zip(&divisors).zip(incentive) {
                let quotient = divisor.divide_raw(or_zero(*value) as u64) as i64;
                sum += i128::from(mul_raw(quotient, i.to_bits()));
                *value = if *value == ABSENT { ABSENT } else { I32F32::from_bits(quotient) };
            }
            I32F32::from_bits(sum.min(i128::from(i64::MAX)) as i64)
        })
        .collect();
    matrix.scatter_rows(&per_row, I32F32::from_bits(0))
}

/// Σ_j f(k, B_ij) · I_j per UID (each product floored, accumulated saturating with j ascending,
/// absent entries skipped), as `bonds::row_products`; `incentive` per block column, and f(k, 0)
/// must be 0 (an absent entry is read as 0 and adds nothing).
fn row_products(matrix: &DenseMatrix, incentive: &[I32F32], f: impl Fn(usize, i64) -> i64) -> Vec<I32F32> {
    let per_row: Vec<I32F32> = (0..matrix.n_block_rows())
        .map(|r| {
            // Every term is ≥ 0 (so are B and I), so the saturating sum is the exact sum capped
            // at i64::MAX, which an i128 holds without a saturation check per term.
            let sum: i128 = (matrix.row(r).iter().zip(incentive).enumerate())
                .map(|(k, (&b, i))| i128::from(mul_raw(f(k, or_zero(b)), i.to_bits())))
                .sum();
            I32F32::from_bits(sum.min(i128::from(i64::MAX)) as i64)
        })
        .collect();
    matrix.scatter_rows(&per_row, I32F32::from_bits(0))
}

/// Σ_j (B_ij / Σ_k B_kj) · I_j per UID (`bonds::column_shares_times_incentive`), `sums` the
/// column sums. A column summing to 0 holds only zeros, which any divisor leaves 0: it gets the
/// divisor 1.
pub fn column_shares_times_incentive(bonds: &DenseMatrix, sums: &[i64], incentive: &[I32F32]) -> Vec<I32F32> {
    let divisors: Vec<Divisor> = sums.iter().map(|&sum| Divisor::new(sum.max(1) as u64)).collect();
    row_products(bonds, &bonds.gather_columns(incentive), |k, b| divisors[k].divide_raw(b as u64) as i64)
}

/// Bond rows as stored, one per UID: `⌊x · 65535⌋` of `scale(p_k, x)` per entry present (p_k
/// from `per_column`, per block column), entries that floor to 0 included
/// (`bonds::encode_for_storage`).
fn encode_for_storage_scaled<T>(
    bonds: &DenseMatrix,
    per_column: &[T],
    scale: impl Fn(&T, i64) -> i64,
) -> Vec<Vec<(u16, u16)>> {
    let mut rows = vec![Vec::new(); bonds.n_rows()];
    let encode =
        |((&j, &b), p): ((&u16, &I32F32), &T)| (j, fixed_proportion_to_u16(I32F32::from_bits(scale(p, b.to_bits()))));
    for (r, &i) in bonds.rows().iter().enumerate() {
        let row = bonds.row(r);
        let entries = bonds.cols().iter().zip(row).zip(per_column);
        rows[usize::from(i)] = if row.contains(&ABSENT) {
            entries.filter(|((_, b), _)| **b != ABSENT).map(encode).collect()
        } else {
            entries.map(encode).collect()
        };
    }
    rows
}

/// Bond rows as stored (`bonds::encode_for_storage`).
pub fn encode_for_storage(bonds: &DenseMatrix) -> Vec<Vec<(u16, u16)>> {
    // A zero-sized element: the vector allocates nothing.
    encode_for_storage_scaled(bonds, &vec![(); bonds.n_block_cols()], |_, b| b)
}

/// Bond rows as stored after each column is divided by its maximum (`SparseMatrix::
/// max_upscale_columns`, then `bonds::encode_for_storage`), without writing the upscaled values.
pub fn encode_max_upscaled(bonds: &DenseMatrix) -> Vec<Vec<(u16, u16)>> {
    let mut maxima = vec![0i64; bonds.n_block_cols()];
    for r in 0..bonds.n_block_rows() {
        for (max, &value) in maxima.iter_mut().zip(bonds.row(r)) {
            *max = (*max).max(value.to_bits());
        }
    }
    // A column whose maximum is 0 holds only zeros (or absent entries), which the divisor 1
    // leaves as they are, as the sparse path leaves that column.
    let divisors: Vec<Divisor> = maxima.iter().map(|&max| Divisor::new(max.max(1) as u64)).collect();
    encode_for_storage_scaled(bonds, &divisors, |divisor, b| divisor.divide_raw(b as u64) as i64)
}
