//! The answers a subnet's validators remember (the `history` rule's memory, `duplicates.rs`),
//! each distinct answer to a row stored once. A miner's answer to a row is a pure function of its
//! model and the row, and a subnet's validators draw their pools from one hidden split: the same
//! answer would otherwise sit in up to every validator's memory. A memory keeps an answer's index
//! here instead of its values.
//!
//! A storage detail that changes no decision: a memory compares the values an index stands for,
//! never the indices, and where an answer is stored (here, or the memory's own spill) is nobody's
//! business but the memory's. Indices follow the order answers first arrive, which no decision
//! reads. The store outlives a validator's crash (it is the subnet's, built with the network),
//! and holds nothing a restarted validator did not have before: claims are not on disk.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

use hashbrown::HashTable;

/// Distinct answers a store holds: about 3.8 times every answer of a subnet of 192 miners to the
/// digits task's 359 hidden rows, 5 MiB of values at 10 classes (and about 1.5 MiB of table). At
/// the limit a new answer is not stored here and a memory keeps it itself, as it did before the
/// store existed: memories grow again, decisions are the same (the module's doc). Miners that
/// answer with noise fill a store with answers no other validator shares; the limit bounds that
/// waste.
pub const ANSWERS_MAX: usize = 1 << 18;

/// One store, handed to every validator of a subnet at construction.
pub type SharedAnswers = Arc<Mutex<AnswerStore>>;

/// Distinct answers of `width` values each, appended in one buffer, found by content through a
/// hash table of their indices (the values are not held twice).
pub struct AnswerStore {
    width: usize,
    limit: usize,
    values: Vec<u16>,
    /// Answer indices, hashed by the values they stand for.
    index: HashTable<u32>,
}

impl AnswerStore {
    /// A store of answers of `width` values (the task's classes), for one subnet's validators.
    pub fn shared(width: usize) -> SharedAnswers {
        Arc::new(Mutex::new(Self::with_limit(width, ANSWERS_MAX)))
    }

    pub(super) fn with_limit(width: usize, limit: usize) -> Self {
        assert!(width > 0, "an answer has a value per class");
        assert!(limit <= u32::MAX as usize, "indices are u32");
        Self { width, limit, values: Vec::new(), index: HashTable::new() }
    }

    /// Values per answer.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Answers stored.
    pub fn len(&self) -> usize {
        self.values.len() / self.width
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Answer `index`, as `intern` returned it.
    pub fn get(&self, index: u32) -> &[u16] {
        stored(&self.values, self.width, index)
    }

    /// The index of `answer`, stored now if it is new; `None` when it is new and the store is
    /// full, or when it is not of the store's width.
    pub fn intern(&mut self, answer: &[u16]) -> Option<u32> {
        if answer.len() != self.width {
            return None;
        }
        let (values, width) = (&self.values, self.width);
        if let Some(&index) = self.index.find(hash(answer), |&index| stored(values, width, index) == answer) {
            return Some(index);
        }
        if self.len() >= self.limit {
            return None;
        }
        let index = self.len() as u32;
        self.index.insert_unique(hash(answer), index, |&index| hash(stored(values, width, index)));
        self.values.extend_from_slice(answer);
        Some(index)
    }
}

/// Answer `index` of `values`, answers of `width` values each (the store's, or a memory's spill).
pub(super) fn stored(values: &[u16], width: usize, index: u32) -> &[u16] {
    let start = index as usize * width;
    &values[start..start + width]
}

/// Where an answer sits in the table: std's SipHash with its fixed keys (the table's order never
/// reaches a decision: indices follow arrival).
fn hash(answer: &[u16]) -> u64 {
    let mut hasher = DefaultHasher::new();
    answer.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_stored_once_and_found_again_by_its_values() {
        let mut store = AnswerStore::with_limit(3, ANSWERS_MAX);
        let answers: Vec<[u16; 3]> = (0..1_000).map(|i| [i, i / 7, 65_535 - i]).collect();
        let indices: Vec<u32> = answers.iter().map(|a| store.intern(a).expect("room")).collect();
        assert_eq!(indices, (0..1_000).collect::<Vec<u32>>(), "in order of first arrival");
        for (answer, &index) in answers.iter().zip(&indices).rev() {
            assert_eq!(store.intern(answer), Some(index), "the same values, the same index");
            assert_eq!(store.get(index), answer);
        }
        assert_eq!(store.len(), 1_000, "no answer twice, after the table grew");
        assert_eq!(store.intern(&[1, 2]), None, "an answer of another width is not stored");
    }

    #[test]
    fn a_full_store_finds_what_it_holds_and_refuses_what_it_does_not() {
        let mut store = AnswerStore::with_limit(2, 2);
        assert_eq!((store.intern(&[1, 2]), store.intern(&[3, 4])), (Some(0), Some(1)));
        assert_eq!(store.intern(&[5, 6]), None, "full: a new answer stays with its memory");
        assert_eq!(store.intern(&[3, 4]), Some(1), "at the limit, a known answer is still shared");
        assert_eq!(store.len(), 2);
    }
}
