//! The weight matrix W of an epoch (spec §2.3): stored rows, masked, row-normalised.

use super::matrix::SparseMatrix;
use crate::fixed::{Divisor, I32F32};

/// What the masks of §2.3 look at, per UID.
pub struct WeightMasks<'a> {
    /// Permits in force this epoch (the stored ones, owner forced): rows without one are emptied.
    pub permit_in_force: &'a [bool],
    /// The owner keeps its self-weight; every other diagonal entry is removed.
    pub owner_uid: Option<u16>,
    pub last_update: &'a [u64],
    pub registered_at: &'a [u64],
    /// Commit-reveal column mask (§2.3.5): per UID the block of its earliest non-expired commit
    /// (`u64::MAX` for none); `None` when commit-reveal is off on the subnet.
    pub first_commit_block: Option<&'a [u64]>,
}

/// W: stored weight rows (i < n, j < n, columns ascending) through the permit, diagonal,
/// outdated and commit-reveal masks, then each row with a positive sum divided by it.
pub fn masked_weights(stored: &[Vec<(u16, u16)>], masks: &WeightMasks) -> SparseMatrix {
    let n = masks.permit_in_force.len();
    let capacity = stored.iter().take(n).map(Vec::len).sum();
    let mut weights = SparseMatrix::with_capacity(n, n, capacity);
    for i in 0..n {
        if let Some(row) = stored.get(i)
            && masks.permit_in_force[i]
        {
            push_masked_row(&mut weights, i, row, masks);
        }
        weights.end_row();
    }
    weights
}

fn push_masked_row(weights: &mut SparseMatrix, i: usize, row: &[(u16, u16)], masks: &WeightMasks) {
    let mask = RowMask::new(i, masks);
    let mut sum: u64 = 0;
    for &(j, w) in row {
        if mask.keeps(j) {
            weights.push(j, I32F32::from_bits(i64::from(w) << 32));
            sum += u64::from(w);
        }
    }
    if let Some(sum) = row_divisor(sum) {
        for value in weights.current_row_values_mut() {
            *value = I32F32::from_bits(normalized(value.to_bits(), sum));
        }
    }
}

/// The masks of §2.3 as they apply to one row i.
pub struct RowMask<'a> {
    i: usize,
    keeps_diagonal: bool,
    last_update: u64,
    commit_block: u64,
    registered_at: &'a [u64],
}

impl<'a> RowMask<'a> {
    pub fn new(i: usize, masks: &WeightMasks<'a>) -> Self {
        RowMask {
            i,
            keeps_diagonal: masks.owner_uid.is_some_and(|owner| usize::from(owner) == i),
            last_update: masks.last_update[i],
            commit_block: masks.first_commit_block.map_or(u64::MAX, |blocks| blocks[i]),
            registered_at: masks.registered_at,
        }
    }

    /// Whether entry (i, j) survives the diagonal, outdated and commit-reveal masks (columns ≥ n
    /// never do).
    #[inline]
    pub fn keeps(&self, j: u16) -> bool {
        let column = usize::from(j);
        column < self.registered_at.len()
            && (column != self.i || self.keeps_diagonal)
            // Outdated: i last set weights no later than j's current registration (≤, §9.3).
            && self.last_update > self.registered_at[column]
            // Committed before j registered: the commit cannot have meant this j.
            && self.commit_block >= self.registered_at[column]
    }
}

impl RowMask<'_> {
    /// Whether the outdated and commit-reveal masks keep every column registered at or before
    /// `registered`: i updated after it and committed no earlier.
    pub fn keeps_every_column_registered_by(&self, registered: u64) -> bool {
        self.last_update > registered && self.commit_block >= registered
    }
}

/// The divisor of a row whose kept weights sum to `sum`; `None` for a row of explicit zeros (or
/// nothing), which stays as it is.
#[inline]
pub fn row_divisor(sum: u64) -> Option<Divisor> {
    (sum > 0).then(|| Divisor::new(sum))
}

/// A kept weight (an integer-valued fixed number, raw bits) divided by its row's sum: on such
/// numbers ⌊(w·2^32)·2^32 / (sum·2^32)⌋ = ⌊w·2^32 / sum⌋.
#[inline(always)]
pub fn normalized(raw: i64, sum: Divisor) -> i64 {
    sum.divide(raw as u64) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masks<'a>(
        permit: &'a [bool],
        owner: Option<u16>,
        last_update: &'a [u64],
        registered_at: &'a [u64],
        first_commit_block: Option<&'a [u64]>,
    ) -> WeightMasks<'a> {
        WeightMasks { permit_in_force: permit, owner_uid: owner, last_update, registered_at, first_commit_block }
    }

    #[test]
    fn each_mask_removes_what_the_spec_says() {
        let stored = vec![vec![(0, 1), (1, 1), (2, 2)], vec![(0, 1), (2, 1)], vec![(1, 5)]];
        // Row 2 holds no permit; validator 0 updated at block 11, validator 1 at block 10, when
        // uid 2 registered.
        let run = |owner: Option<u16>, first_commit: Option<&[u64]>| {
            masked_weights(&stored, &masks(&[true, true, false], owner, &[11, 10, 0], &[0, 0, 10], first_commit))
        };
        // Permit: row 2 is emptied. Diagonal: (0, 0) goes. Outdated (LU ≤ R): (1, 2) goes.
        let third = |k: i64| I32F32::from_bits((k << 32) / 3);
        assert_eq!(
            run(None, None).to_rows(),
            vec![vec![(1, third(1)), (2, third(2))], vec![(0, I32F32::from_num(1))], vec![]]
        );
        // The owner keeps its self-weight.
        assert_eq!(run(Some(0), None).row(0).0, &[0, 1, 2]);
        // Commit-reveal: validator 0's earliest live commit, block 9, is before uid 2 registered.
        let w = run(None, Some(&[9, u64::MAX, u64::MAX]));
        assert_eq!(w.row(0), (&[1u16][..], &[I32F32::from_num(1)][..]));
        // A commit at the registration block itself is not before it.
        assert_eq!(run(None, Some(&[10, u64::MAX, u64::MAX])).row(0).0, &[1, 2]);
    }

    #[test]
    fn rows_of_explicit_zeros_stay_and_missing_rows_are_empty() {
        let stored = vec![vec![(1, 0), (2, 0)]];
        let w = masked_weights(&stored, &masks(&[true, true, true], None, &[5, 5, 5], &[0, 0, 0], None));
        assert_eq!(w.n_rows(), 3);
        assert_eq!(w.row(0).1, &[I32F32::from_num(0), I32F32::from_num(0)]);
        assert!(w.row(1).0.is_empty() && w.row(2).0.is_empty());
    }
}
