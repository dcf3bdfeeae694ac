//! The dense path of the epoch: a subnet whose validators weight most of the same miners keeps
//! its matrices as one row-major block (the rows that hold entries × the columns any of them
//! holds), so every step is a straight loop over a row, a column is a position in it, and a
//! column's values are gathered block by block for the medians.
//!
//! An entry absent from the block is [`ABSENT`] (every value the epoch keeps is ≥ 0), so the
//! dense path keeps the difference between an absent entry and an explicit zero (spec §1.3) just
//! as the sparse one does. Which path runs is chosen by the density of W (`weights::Block`);
//! both give the same outputs bit for bit (tests/epoch_properties.rs holds them equal, forcing
//! each path with `yuma::Layout`).
//!
//! Why the two paths agree bit for bit:
//! - Every entry goes through the same function on raw bits on both paths (`masks::normalized`,
//!   `consensus::clipped`, `bonds::blend_towards`, `bonds::ema_entry`,
//!   `liquid_alpha::liquid_ema_entry`, the column divisions by `fixed::Divisor`), so each value
//!   is rounded the same way. Where the sparse path drops an entry (a clipped weight above a
//!   consensus of 0, an EMA result ≤ 0) the dense one writes `ABSENT`, and it reads `ABSENT` as
//!   the sparse path reads a missing entry: as 0 in sums and products, as absent where presence
//!   matters (the liquid-alpha EMA, storage).
//! - Sums may run in another order, or plainly where the sparse path saturates: a row, a column
//!   or a rank sums non-negative terms whose total stays far below i64::MAX (at most 65 536 terms
//!   of at most 2^32 each), so no partial sum saturates or wraps and neither the order nor the
//!   saturation can change the result.
//! - A column's median depends only on which values occur and the stake at each value
//!   (`median`'s module doc): the dense path's items at 0 (one per voter whose entry is absent or
//!   zero, one for the voters outside the block) hold the same stake in all as the sparse path's
//!   single folded zero, and occur exactly when it does.

pub mod bonds;
pub mod consensus;
pub mod weights;

use super::matrix::SparseMatrix;
use crate::fixed::I32F32;

/// The value of an entry the block does not hold.
pub const ABSENT: I32F32 = I32F32::from_bits(-1);

/// Rows and columns of a matrix as a dense block, row-major.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DenseMatrix {
    n_rows: usize,
    n_cols: usize,
    /// Block row r is matrix row `rows[r]`; ascending.
    rows: Vec<u16>,
    /// Block column k is matrix column `cols[k]`; ascending.
    cols: Vec<u16>,
    vals: Vec<I32F32>,
}

impl DenseMatrix {
    /// A block of `n_rows × n_cols` over `rows × cols` (both ascending), every entry `fill`.
    pub fn filled(n_rows: usize, n_cols: usize, rows: Vec<u16>, cols: Vec<u16>, fill: I32F32) -> Self {
        assert!(rows.windows(2).all(|p| p[0] < p[1]) && rows.last().is_none_or(|&i| usize::from(i) < n_rows));
        assert!(cols.windows(2).all(|p| p[0] < p[1]) && cols.last().is_none_or(|&j| usize::from(j) < n_cols));
        let vals = vec![fill; rows.len() * cols.len()];
        Self { n_rows, n_cols, rows, cols, vals }
    }

    /// The block of a sparse matrix: its rows with entries × every column one of them holds.
    pub fn from_sparse(sparse: &SparseMatrix) -> Self {
        let rows: Vec<u16> = (0..sparse.n_rows()).filter(|&i| !sparse.row(i).0.is_empty()).map(|i| i as u16).collect();
        let mut held = vec![false; sparse.n_cols()];
        for &i in &rows {
            for &j in sparse.row(usize::from(i)).0 {
                held[usize::from(j)] = true;
            }
        }
        let cols = (0..sparse.n_cols()).filter(|&j| held[j]).map(|j| j as u16).collect();
        let mut dense = Self::filled(sparse.n_rows(), sparse.n_cols(), rows, cols, ABSENT);
        let position = dense.column_positions();
        for r in 0..dense.n_block_rows() {
            let (cols, vals) = sparse.row(usize::from(dense.rows[r]));
            let row = dense.row_mut(r);
            for (&j, v) in cols.iter().zip(vals) {
                row[position[usize::from(j)] as usize] = *v;
            }
        }
        dense
    }

    /// The same matrix as compressed rows: every entry but the absent ones.
    pub fn to_sparse(&self) -> SparseMatrix {
        let mut sparse = SparseMatrix::with_capacity(self.n_rows, self.n_cols, self.vals.len());
        let mut r = 0;
        for i in 0..self.n_rows {
            if self.rows.get(r).is_some_and(|&row| usize::from(row) == i) {
                for (&j, &v) in self.cols.iter().zip(self.row(r)) {
                    if v != ABSENT {
                        sparse.push(j, v);
                    }
                }
                r += 1;
            }
            sparse.end_row();
        }
        sparse
    }

    /// This matrix in a larger block (`rows ⊇ self.rows`, `cols ⊇ self.cols`, both ascending),
    /// absent where it has no entry.
    pub fn embedded(&self, rows: Vec<u16>, cols: Vec<u16>) -> Self {
        let mut out = Self::filled(self.n_rows, self.n_cols, rows, cols, ABSENT);
        let position = out.column_positions();
        let mut r_out = 0;
        for r in 0..self.n_block_rows() {
            while out.rows[r_out] != self.rows[r] {
                r_out += 1;
            }
            let row = out.row_mut(r_out);
            for (&j, &v) in self.cols.iter().zip(self.row(r)) {
                row[position[usize::from(j)] as usize] = v;
            }
        }
        out
    }

    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    pub fn rows(&self) -> &[u16] {
        &self.rows
    }

    pub fn cols(&self) -> &[u16] {
        &self.cols
    }

    pub fn n_block_rows(&self) -> usize {
        self.rows.len()
    }

    pub fn n_block_cols(&self) -> usize {
        self.cols.len()
    }

    /// Block row r.
    #[inline]
    pub fn row(&self, r: usize) -> &[I32F32] {
        let width = self.cols.len();
        &self.vals[r * width..(r + 1) * width]
    }

    #[inline]
    pub fn row_mut(&mut self, r: usize) -> &mut [I32F32] {
        let width = self.cols.len();
        &mut self.vals[r * width..(r + 1) * width]
    }

    /// Each matrix column's position in the block (`u32::MAX` for a column outside it).
    pub fn column_positions(&self) -> Vec<u32> {
        let mut position = vec![u32::MAX; self.n_cols];
        for (k, &j) in self.cols.iter().enumerate() {
            position[usize::from(j)] = k as u32;
        }
        position
    }

    /// `per_column` (indexed by matrix column) at the block's columns.
    pub fn gather_columns<T: Copy>(&self, per_column: &[T]) -> Vec<T> {
        self.cols.iter().map(|&j| per_column[usize::from(j)]).collect()
    }

    /// `per_block_column` (indexed by block column) spread over every matrix column, `fill`
    /// outside the block.
    pub fn scatter_columns<T: Copy>(&self, per_block_column: &[T], fill: T) -> Vec<T> {
        let mut out = vec![fill; self.n_cols];
        for (&j, &value) in self.cols.iter().zip(per_block_column) {
            out[usize::from(j)] = value;
        }
        out
    }

    /// `per_block_row` spread over every matrix row, `fill` outside the block.
    pub fn scatter_rows<T: Copy>(&self, per_block_row: &[T], fill: T) -> Vec<T> {
        let mut out = vec![fill; self.n_rows];
        for (&i, &value) in self.rows.iter().zip(per_block_row) {
            out[usize::from(i)] = value;
        }
        out
    }
}

/// The raw bits of an entry, 0 for an absent one.
#[inline(always)]
pub fn or_zero(value: I32F32) -> i64 {
    value.to_bits().max(0)
}

/// The union of two ascending lists.
pub fn union(a: &[u16], b: &[u16]) -> Vec<u16> {
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let (mut x, mut y) = (0, 0);
    while x < a.len() || y < b.len() {
        let next = match (a.get(x), b.get(y)) {
            (Some(&p), Some(&q)) if p == q => {
                x += 1;
                y += 1;
                p
            }
            (Some(&p), Some(&q)) if p < q => {
                x += 1;
                p
            }
            (Some(&p), None) => {
                x += 1;
                p
            }
            (_, Some(&q)) => {
                y += 1;
                q
            }
            (None, None) => unreachable!(),
        };
        out.push(next);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparse_matrix_round_trips_through_its_block_with_explicit_zeros_kept() {
        let v = |x: f64| I32F32::from_num(x);
        let mut sparse = SparseMatrix::with_capacity(4, 5, 6);
        sparse.push_row([1, 3], [v(0.5), v(0.0)]);
        sparse.push_row([], []);
        sparse.push_row([0, 3], [v(0.25), v(1.0)]);
        sparse.push_row([], []);
        let dense = DenseMatrix::from_sparse(&sparse);
        assert_eq!(dense.rows(), &[0, 2]);
        assert_eq!(dense.cols(), &[0, 1, 3]);
        assert_eq!(dense.row(0), &[ABSENT, v(0.5), v(0.0)]);
        assert_eq!(dense.to_sparse(), sparse);
        let bigger = dense.embedded(vec![0, 1, 2], vec![0, 1, 3, 4]);
        assert_eq!(bigger.row(1), &[ABSENT; 4]);
        assert_eq!(bigger.to_sparse(), sparse);
    }

    #[test]
    fn union_merges_ascending_lists() {
        assert_eq!(union(&[1, 4, 6], &[0, 4, 7]), vec![0, 1, 4, 6, 7]);
        assert_eq!(union(&[], &[2]), vec![2]);
    }
}
