//! The weight matrix W as a dense block (spec §2.3): which block the stored weights fill, whether
//! it is dense enough for the dense path, and W in it, masked and row-normalised exactly as
//! `masks::masked_weights` computes it.

use super::{ABSENT, DenseMatrix};
use crate::fixed::I32F32;
use crate::yuma::masks::{RowMask, WeightMasks, normalized, row_divisor};

/// The dense path runs when the stored entries fill at least this share of their block: below
/// it the block holds more absent entries than entries, and the sparse path does less work.
const DENSE_SHARE_MIN: f64 = 0.5;

/// The rows with a permit in force and stored weights, and the columns (< n) they name.
pub struct Block {
    rows: Vec<u16>,
    cols: Vec<u16>,
    entries: usize,
}

impl Block {
    pub fn of(stored: &[Vec<(u16, u16)>], permit_in_force: &[bool]) -> Self {
        let n = permit_in_force.len();
        let (mut rows, mut held, mut entries) = (Vec::new(), vec![false; n], 0);
        // The columns of the last row marked, and how many of them are < n: a dense subnet's
        // rows mostly name the same columns, which need marking once.
        let (mut marked, mut marked_entries): (&[(u16, u16)], usize) = (&[], 0);
        for (i, row) in stored.iter().enumerate().take(n) {
            if !permit_in_force[i] || row.is_empty() {
                continue;
            }
            rows.push(i as u16);
            if !same_columns(row, marked) {
                marked_entries = 0;
                for &(j, _) in row {
                    if let Some(held) = held.get_mut(usize::from(j)) {
                        *held = true;
                        marked_entries += 1;
                    }
                }
                marked = row;
            }
            entries += marked_entries;
        }
        let cols = (0..n).filter(|&j| held[j]).map(|j| j as u16).collect();
        Block { rows, cols, entries }
    }

    /// Whether the entries fill enough of the block for the dense path to be the faster.
    pub fn is_dense(&self) -> bool {
        let size = self.rows.len() * self.cols.len();
        size > 0 && self.entries as f64 >= DENSE_SHARE_MIN * size as f64
    }
}

/// Whether two stored rows name the same columns in the same order.
pub fn same_columns(a: &[(u16, u16)], b: &[(u16, u16)]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.0 == y.0)
}

/// W (§2.3) in `block`: the stored rows through the masks, each row with a positive sum divided
/// by it; absent where a mask removed the entry or none was stored.
pub fn masked_weights(stored: &[Vec<(u16, u16)>], masks: &WeightMasks, block: Block) -> DenseMatrix {
    let n = masks.permit_in_force.len();
    let mut weights = DenseMatrix::filled(n, n, block.rows, block.cols, ABSENT);
    let position = weights.column_positions();
    let width = weights.n_block_cols();
    // The latest registration among the block's columns: a row updated after it (and committed
    // no earlier) loses no entry to the outdated or commit-reveal masks.
    let registered_max = weights.cols().iter().map(|&j| masks.registered_at[usize::from(j)]).max().unwrap_or(0);
    for r in 0..weights.n_block_rows() {
        let i = usize::from(weights.rows()[r]);
        let mask = RowMask::new(i, masks);
        let (row, out) = (&stored[i], weights.row_mut(r));
        // A row naming every column of the block (the dense subnet's rows) is written in order,
        // and without a check per entry when no mask can remove one of them.
        let in_order = row.len() == width && row.last().is_some_and(|&(j, _)| usize::from(j) < n);
        if in_order && mask.keeps_every_column_registered_by(registered_max) && position[i] == u32::MAX {
            let sum = row_divisor(row.iter().map(|&(_, w)| u64::from(w)).sum());
            for (out, &(_, w)) in out.iter_mut().zip(row) {
                let raw = i64::from(w) << 32;
                *out = I32F32::from_bits(sum.map_or(raw, |sum| normalized(raw, sum)));
            }
            continue;
        }
        let mut sum = 0u64;
        for (k, &(j, w)) in row.iter().enumerate() {
            if mask.keeps(j) {
                let k = if in_order { k } else { position[usize::from(j)] as usize };
                out[k] = I32F32::from_bits(i64::from(w) << 32);
                sum += u64::from(w);
            }
        }
        if let Some(sum) = row_divisor(sum) {
            for value in out.iter_mut().filter(|value| **value != ABSENT) {
                *value = I32F32::from_bits(normalized(value.to_bits(), sum));
            }
        }
    }
    weights
}
