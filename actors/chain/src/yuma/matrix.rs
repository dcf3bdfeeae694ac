//! The epoch's sparse matrices: compressed rows of `(column, I32F32)` entries in ascending
//! column order. An explicit zero entry is kept and differs from an absent one (spec §1.3):
//! clipping, the Yuma3 EMA and UID replacement all depend on the difference.
//!
//! Most matrices of an epoch share the pattern of W (clipping, bond weights, ΔB only change
//! values), so the fast operations here copy a pattern once and compute values in straight loops;
//! dropping entries is a separate compaction that runs only when something must go.

use crate::fixed::{Divisor, I32F32};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SparseMatrix {
    n_cols: usize,
    /// `row_start[i]..row_start[i + 1]` are the entries of row i.
    row_start: Vec<u32>,
    cols: Vec<u16>,
    vals: Vec<I32F32>,
}

impl SparseMatrix {
    /// An empty matrix to be filled row by row ([`push`](Self::push) and
    /// [`end_row`](Self::end_row), or [`push_row_positive`](Self::push_row_positive)).
    pub fn with_capacity(n_rows: usize, n_cols: usize, entries: usize) -> Self {
        assert!(n_cols <= usize::from(u16::MAX) + 1, "columns are u16 UIDs");
        let mut row_start = Vec::with_capacity(n_rows + 1);
        row_start.push(0);
        Self { n_cols, row_start, cols: Vec::with_capacity(entries), vals: Vec::with_capacity(entries) }
    }

    /// Appends an entry to the current row; columns must ascend within a row (checked by
    /// [`end_row`](Self::end_row)).
    #[inline]
    pub fn push(&mut self, col: u16, val: I32F32) {
        self.cols.push(col);
        self.vals.push(val);
    }

    /// Closes the current row. The bonds merge ([`merge_rows`](super::bonds::merge_rows)) walks
    /// two rows in column order and would pair the wrong entries on a row out of order, so the
    /// order (and the column bound) is checked here in every build, once per row.
    #[inline]
    pub fn end_row(&mut self) {
        let row = &self.cols[self.current_row_start()..];
        // A fold without early exit, so that the comparison vectorises.
        let ascending = row.windows(2).fold(true, |ascending, pair| ascending & (pair[0] < pair[1]));
        if !(ascending && row.last().is_none_or(|&col| usize::from(col) < self.n_cols)) {
            self.refuse_row();
        }
        let end = u32::try_from(self.cols.len()).expect("entries fit u32");
        self.row_start.push(end);
    }

    #[cold]
    #[inline(never)]
    fn refuse_row(&self) -> ! {
        panic!("row {}: columns must ascend and stay below {}", self.row_start.len() - 1, self.n_cols)
    }

    /// Appends a whole row (columns ascending, one value each).
    pub fn push_row(&mut self, cols: impl IntoIterator<Item = u16>, vals: impl IntoIterator<Item = I32F32>) {
        self.cols.extend(cols);
        self.vals.extend(vals);
        assert_eq!(self.cols.len(), self.vals.len(), "one value per column");
        self.end_row();
    }

    /// Appends a whole row, keeping only the entries whose value is > 0.
    pub fn push_row_positive(&mut self, cols: &[u16], vals: impl IntoIterator<Item = I32F32>) {
        let start = self.cols.len();
        self.cols.extend_from_slice(cols);
        self.vals.extend(vals);
        assert_eq!(self.cols.len(), self.vals.len(), "one value per column");
        if self.vals[start..].iter().any(|v| v.to_bits() <= 0) {
            let mut kept = start;
            for k in start..self.vals.len() {
                if self.vals[k].to_bits() > 0 {
                    self.cols[kept] = self.cols[k];
                    self.vals[kept] = self.vals[k];
                    kept += 1;
                }
            }
            self.cols.truncate(kept);
            self.vals.truncate(kept);
        }
        self.end_row();
    }

    /// The values of the row being built (after its pushes, before `end_row`).
    pub fn current_row_values_mut(&mut self) -> &mut [I32F32] {
        let start = self.current_row_start();
        &mut self.vals[start..]
    }

    fn current_row_start(&self) -> usize {
        *self.row_start.last().unwrap() as usize
    }

    pub fn n_rows(&self) -> usize {
        self.row_start.len() - 1
    }

    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    pub fn n_entries(&self) -> usize {
        self.cols.len()
    }

    #[inline]
    fn range(&self, row: usize) -> std::ops::Range<usize> {
        self.row_start[row] as usize..self.row_start[row + 1] as usize
    }

    #[inline]
    pub fn row(&self, row: usize) -> (&[u16], &[I32F32]) {
        let range = self.range(row);
        (&self.cols[range.clone()], &self.vals[range])
    }

    /// The same pattern with each value mapped by `f(row, col, value)`.
    pub fn map_values(&self, mut f: impl FnMut(usize, u16, I32F32) -> I32F32) -> Self {
        let mut vals = Vec::with_capacity(self.vals.len());
        for row in 0..self.n_rows() {
            let (cols, row_vals) = self.row(row);
            vals.extend(cols.iter().zip(row_vals).map(|(&col, &val)| f(row, col, val)));
        }
        Self { n_cols: self.n_cols, row_start: self.row_start.clone(), cols: self.cols.clone(), vals }
    }

    /// Removes the entries whose value is negative: the marker a map uses for "drop this entry"
    /// (every value the epoch keeps is ≥ 0).
    pub fn drop_negative(mut self) -> Self {
        if self.vals.iter().all(|v| v.to_bits() >= 0) {
            return self;
        }
        let mut kept = 0;
        for row in 0..self.n_rows() {
            let range = self.range(row);
            self.row_start[row] = kept as u32;
            for k in range {
                if self.vals[k].to_bits() >= 0 {
                    self.cols[kept] = self.cols[k];
                    self.vals[kept] = self.vals[k];
                    kept += 1;
                }
            }
        }
        *self.row_start.last_mut().unwrap() = kept as u32;
        self.cols.truncate(kept);
        self.vals.truncate(kept);
        self
    }

    /// Σ_j of each row (exact: raw values are added as integers).
    pub fn row_sums(&self) -> Vec<I32F32> {
        (0..self.n_rows()).map(|row| I32F32::from_bits(self.row(row).1.iter().map(|v| v.to_bits()).sum())).collect()
    }

    /// Σ_i of each column, as raw bits.
    pub fn column_sums_raw(&self) -> Vec<i64> {
        let mut sums = vec![0i64; self.n_cols];
        for (&col, val) in self.cols.iter().zip(&self.vals) {
            sums[usize::from(col)] += val.to_bits();
        }
        sums
    }

    /// Divide each entry by its column sum; columns summing to zero are left as they are.
    /// Entries are non-negative, so each quotient is the chain's truncating fixed division.
    pub fn normalize_columns(&mut self) {
        let divisors = column_divisors(&self.column_sums_raw());
        self.divide_columns(&divisors);
    }

    /// Divide each entry by its column maximum (when that maximum is not zero).
    pub fn max_upscale_columns(&mut self) {
        let mut maxima = vec![0i64; self.n_cols];
        for (&col, val) in self.cols.iter().zip(&self.vals) {
            let max = &mut maxima[usize::from(col)];
            *max = (*max).max(val.to_bits());
        }
        self.divide_columns(&column_divisors(&maxima));
    }

    fn divide_columns(&mut self, divisors: &[Option<Divisor>]) {
        for (&col, val) in self.cols.iter().zip(self.vals.iter_mut()) {
            if let Some(divisor) = divisors[usize::from(col)] {
                *val = I32F32::from_bits(divisor.divide_raw(nonnegative(*val)) as i64);
            }
        }
    }

    /// Each row as `(column, value)` pairs, for tests and debugging.
    pub fn to_rows(&self) -> Vec<Vec<(u16, I32F32)>> {
        (0..self.n_rows())
            .map(|row| {
                let (cols, vals) = self.row(row);
                cols.iter().copied().zip(vals.iter().copied()).collect()
            })
            .collect()
    }
}

/// A divisor per column from its sum (or maximum); `None` (a sum of 0) leaves the column as it is.
pub fn column_divisors(sums: &[i64]) -> Vec<Option<Divisor>> {
    sums.iter().map(|&sum| (sum > 0).then(|| Divisor::new(sum as u64))).collect()
}

/// The raw bits of a value the epoch keeps non-negative.
#[inline]
pub fn nonnegative(x: I32F32) -> u64 {
    debug_assert!(x.to_bits() >= 0, "negative value {x} where the epoch keeps values ≥ 0");
    x.to_bits().max(0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(rows: &[&[(u16, f64)]], n_cols: usize) -> SparseMatrix {
        let mut m = SparseMatrix::with_capacity(rows.len(), n_cols, 0);
        for row in rows {
            for &(col, val) in *row {
                m.push(col, I32F32::from_num(val));
            }
            m.end_row();
        }
        m
    }

    #[test]
    #[should_panic(expected = "row 1: columns must ascend")]
    fn a_row_out_of_column_order_is_refused_when_it_ends() {
        let one = I32F32::from_num(1);
        let mut m = SparseMatrix::with_capacity(2, 4, 4);
        m.push_row([0, 3], [one, one]);
        m.push(2, one);
        m.push(1, one);
        m.end_row();
    }

    #[test]
    #[should_panic(expected = "row 0: columns must ascend and stay below 4")]
    fn a_column_beyond_the_matrix_is_refused_when_its_row_ends() {
        let mut m = SparseMatrix::with_capacity(1, 4, 1);
        m.push_row([4], [I32F32::from_num(1)]);
    }

    #[test]
    fn column_normalisation_skips_zero_columns_and_truncates() {
        let mut m = matrix(&[&[(0, 1.0), (1, 0.0)], &[(0, 2.0)], &[]], 3);
        m.normalize_columns();
        let rows = m.to_rows();
        assert_eq!(rows[0][0].1, I32F32::from_num(1) / I32F32::from_num(3));
        assert_eq!(rows[0][1].1, I32F32::from_num(0));
        assert_eq!(rows[1][0].1, I32F32::from_num(2) / I32F32::from_num(3));
        assert!(rows[2].is_empty());
    }

    #[test]
    fn column_max_upscale() {
        let mut m = matrix(&[&[(0, 0.25), (2, 0.5)], &[(0, 0.5)]], 3);
        m.max_upscale_columns();
        assert_eq!(m.to_rows()[0], vec![(0, I32F32::from_num(0.5)), (2, I32F32::from_num(1))]);
        assert_eq!(m.to_rows()[1], vec![(0, I32F32::from_num(1))]);
    }

    #[test]
    fn map_then_drop_negative_keeps_zeros_and_row_bounds() {
        let m = matrix(&[&[(0, 1.0), (1, 0.0), (2, 3.0)], &[], &[(1, 2.0)]], 3);
        let mapped = m.map_values(|_, col, v| if col == 2 { I32F32::from_num(-1) } else { v }).drop_negative();
        assert_eq!(mapped, matrix(&[&[(0, 1.0), (1, 0.0)], &[], &[(1, 2.0)]], 3));
        let unchanged = m.map_values(|_, _, v| v).drop_negative();
        assert_eq!(unchanged, m);
    }

    #[test]
    fn push_row_positive_drops_zero_and_negative() {
        let mut m = SparseMatrix::with_capacity(2, 4, 4);
        let v = |x: f64| I32F32::from_num(x);
        m.push_row_positive(&[0, 1, 3], [v(0.5), v(0.0), v(0.25)]);
        m.push_row_positive(&[2], [v(1.0)]);
        assert_eq!(m, matrix(&[&[(0, 0.5), (3, 0.25)], &[(2, 1.0)]], 4));
    }
}
