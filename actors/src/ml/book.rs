//! The rows a task's validators can ask, by fingerprint: a dense index, shared by every miner of
//! the subnet, under which each miner keeps its answers (`miner::AnsweringModel`). A row is
//! found by its bytes, as a miner sees it, never by an id a query does not carry.
//!
//! One sorted array per task: a lookup is a binary search in memory every miner of the subnet
//! reads, so it stays in cache, where a map per miner missed it at every level. The rows
//! themselves are kept in the same order, so that a model can answer them all in one batch.

use crate::fingerprint::Fingerprint;
use crate::protocol::Rows;

/// Distinct row fingerprints, ascending, and the rows in that order: a row's index is its
/// position.
#[derive(Clone, Debug, PartialEq)]
pub struct RowBook {
    keys: Vec<Fingerprint>,
    rows: Rows,
}

impl RowBook {
    /// The book of every row of `rows` (a row twice is one entry).
    pub fn of(rows: &Rows) -> Self {
        let mut order: Vec<(Fingerprint, usize)> = rows.fingerprints().into_iter().zip(0..).collect();
        order.sort_unstable();
        order.dedup_by_key(|&mut (key, _)| key);
        let (keys, indices): (Vec<Fingerprint>, Vec<usize>) = order.into_iter().unzip();
        Self { rows: rows.select(&indices), keys }
    }

    /// Every row, in index order.
    pub fn rows(&self) -> &Rows {
        &self.rows
    }

    /// Distinct rows.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The index of the row whose fingerprint is `key`, if it is one of the book's.
    pub fn index(&self, key: Fingerprint) -> Option<usize> {
        self.keys.binary_search(&key).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::digits::FEATURES;

    #[test]
    fn each_distinct_row_has_one_index_and_other_rows_none() {
        let rows = Rows::Pixels((0..4 * FEATURES).map(|i| (i % (2 * FEATURES)) as f32).collect());
        let book = RowBook::of(&rows);
        assert_eq!(book.len(), 2, "rows 0 and 2 are one row, 1 and 3 another");
        let keys = rows.fingerprints();
        let indices: Vec<Option<usize>> = keys.iter().map(|&key| book.index(key)).collect();
        assert_eq!((indices[0], indices[1]), (indices[2], indices[3]));
        assert_ne!(indices[0], indices[1]);
        assert!(indices.iter().all(|index| index.is_some_and(|i| i < 2)));
        let other = Rows::Pixels(vec![0.5; FEATURES]);
        assert_eq!(book.index(other.fingerprints()[0]), None);
        let in_book = book.rows().fingerprints();
        assert_eq!(
            in_book.iter().map(|&key| book.index(key)).collect::<Vec<_>>(),
            [Some(0), Some(1)],
            "in index order"
        );
    }
}
