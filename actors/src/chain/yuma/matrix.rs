//! The epoch's sparse matrices: compressed rows of `(column, I32F32)` entries in ascending
//! column order. An explicit zero entry is kept and differs from an absent one (spec §1.3):
//! clipping, the Yuma3 EMA and UID replacement all depend on the difference.

use crate::chain::fixed::{I32F32, Reciprocal};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SparseMatrix {
    n_cols: usize,
    /// `row_start[i]..row_start[i + 1]` are the entries of row i.
    row_start: Vec<u32>,
    cols: Vec<u16>,
    vals: Vec<I32F32>,
}

impl SparseMatrix {
    /// An empty matrix to be filled row by row with [`push`](Self::push) and
    /// [`end_row`](Self::end_row).
    pub fn with_capacity(n_rows: usize, n_cols: usize, entries: usize) -> Self {
        assert!(n_cols <= usize::from(u16::MAX) + 1, "columns are u16 UIDs");
        let mut row_start = Vec::with_capacity(n_rows + 1);
        row_start.push(0);
        Self { n_cols, row_start, cols: Vec::with_capacity(entries), vals: Vec::with_capacity(entries) }
    }

    /// Appends an entry to the current row; columns must ascend within a row.
    #[inline]
    pub fn push(&mut self, col: u16, val: I32F32) {
        debug_assert!(usize::from(col) < self.n_cols);
        debug_assert!(
            self.cols.len() == self.current_row_start() || *self.cols.last().unwrap() < col,
            "columns must ascend within a row"
        );
        self.cols.push(col);
        self.vals.push(val);
    }

    #[inline]
    pub fn end_row(&mut self) {
        let end = u32::try_from(self.cols.len()).expect("entries fit u32");
        self.row_start.push(end);
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

    /// A new matrix with the same rows, each entry mapped or dropped by `f(row, col, value)`.
    pub fn filter_map(&self, mut f: impl FnMut(usize, u16, I32F32) -> Option<I32F32>) -> Self {
        let mut out = Self::with_capacity(self.n_rows(), self.n_cols, self.n_entries());
        for row in 0..self.n_rows() {
            let (cols, vals) = self.row(row);
            for (&col, &val) in cols.iter().zip(vals) {
                if let Some(mapped) = f(row, col, val) {
                    out.push(col, mapped);
                }
            }
            out.end_row();
        }
        out
    }

    /// Σ_j of each row (exact: raw values are added as integers).
    pub fn row_sums(&self) -> Vec<I32F32> {
        (0..self.n_rows()).map(|row| I32F32::from_bits(self.row(row).1.iter().map(|v| v.to_bits()).sum())).collect()
    }

    /// Σ_i of each column, as raw bits.
    fn column_sums_raw(&self) -> Vec<i64> {
        let mut sums = vec![0i64; self.n_cols];
        for (&col, val) in self.cols.iter().zip(&self.vals) {
            sums[usize::from(col)] += val.to_bits();
        }
        sums
    }

    /// Divide each entry by its column sum; columns summing to zero are left as they are.
    /// Entries are non-negative, so each quotient is the chain's truncating fixed division.
    pub fn normalize_columns(&mut self) {
        let divisors: Vec<Option<Reciprocal>> =
            self.column_sums_raw().into_iter().map(|sum| (sum > 0).then(|| Reciprocal::new(sum as u64))).collect();
        self.divide_columns(&divisors);
    }

    /// Divide each entry by its column maximum (when that maximum is not zero).
    pub fn max_upscale_columns(&mut self) {
        let mut maxima = vec![0i64; self.n_cols];
        for (&col, val) in self.cols.iter().zip(&self.vals) {
            let max = &mut maxima[usize::from(col)];
            *max = (*max).max(val.to_bits());
        }
        let divisors: Vec<Option<Reciprocal>> =
            maxima.into_iter().map(|max| (max > 0).then(|| Reciprocal::new(max as u64))).collect();
        self.divide_columns(&divisors);
    }

    fn divide_columns(&mut self, divisors: &[Option<Reciprocal>]) {
        for (&col, val) in self.cols.iter().zip(self.vals.iter_mut()) {
            if let Some(divisor) = &divisors[usize::from(col)] {
                debug_assert!(val.to_bits() >= 0, "column division of a negative entry");
                *val = I32F32::from_bits(divisor.divide_raw(val.to_bits() as u64) as i64);
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
}
