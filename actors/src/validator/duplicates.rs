//! How a validator treats a miner whose answers are another's: k UIDs serving one model (sybils),
//! or a UID serving a copy of another miner's published model (a copycat). A subnet that pays
//! each of them as much as the original pays k times for one model.
//!
//! The `history` rule compares answers to the same row across rounds (a validator re-asks the
//! rows of its private pool), within a tolerance, on the rows that tell models apart. Two miners
//! whose answers match on nearly every such row they share are one model; only one of them earns:
//! the one that answered more of those shared rows first, so that one row decides nothing and the
//! miner that served the model first keeps the credit.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::fingerprint::fnv1a;
use crate::ml::task::{RowId, VALIDATION_POOL_ROWS};
use tensorsim_chain::accounts::HotkeyId;

/// The duplicate rule of a subnet's validators, so that designs can be compared.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateRule {
    /// Every answer is scored on its own: k UIDs serving one model earn k times.
    None,
    /// Identical answers within one round earn once, for the earliest-registered UID. It misses
    /// copies never sampled in the same round, and a copy that changes one value.
    Round,
    /// Answers to the same row compared across rounds, within a tolerance (the module's doc).
    #[default]
    History,
}

/// Answers remembered per row; later miners' answers to a full row are not compared.
pub const CLAIMS_PER_ROW_MAX: usize = 256;
/// Pairs of miners with evidence; beyond it, new pairs are not tracked.
pub const PAIRS_MAX: usize = 1 << 20;
/// A row whose largest probability is above this (p ≈ 0.99) is not compared: two confident
/// models differ there only by rounding, and honest models must never be judged one.
pub const INFORMATIVE_MAX: u16 = 64_880;
/// Two answers to a row match when no class differs by more than this (p ≈ 0.001): a copy that
/// changes a few values a little is still a copy.
pub const TOLERANCE: u16 = 64;
/// Informative rows two miners must share before they can be judged one model.
pub const SHARED_ROWS_MIN: u32 = 8;
/// The share of the shared rows that must match, in percent.
pub const MATCHED_PERCENT_MIN: u32 = 90;

/// One reply of a round, well-formed, as the duplicate rules read it.
pub struct Answer<'a> {
    pub uid: u16,
    pub hotkey: HotkeyId,
    /// The block its UID registered at (the `round` rule credits the earliest).
    pub registered_at: u64,
    pub rows: &'a [Vec<u16>],
}

/// A validator's duplicate rule and what it remembers.
pub struct Duplicates {
    rule: DuplicateRule,
    memory: AnswerMemory,
}

impl Duplicates {
    pub fn new(rule: DuplicateRule) -> Self {
        Self { rule, memory: AnswerMemory::default() }
    }

    /// The UIDs of a round's `answers` (in arrival order, to rows `ids`) that earn nothing as
    /// copies.
    pub fn copies(&mut self, ids: &[RowId], answers: &[Answer]) -> BTreeSet<u16> {
        match self.rule {
            DuplicateRule::None => BTreeSet::new(),
            DuplicateRule::Round => copies_within_round(answers),
            DuplicateRule::History => {
                for answer in answers {
                    self.memory.record(answer.hotkey, ids, answer.rows);
                }
                answers.iter().filter(|a| self.memory.is_copy(a.hotkey)).map(|a| a.uid).collect()
            }
        }
    }

    /// Forgets the miners no longer registered: their answers stop holding row slots, and a copy
    /// of a miner that left earns again.
    pub fn retain(&mut self, registered: &BTreeSet<HotkeyId>) {
        self.memory.retain(registered);
    }
}

/// The `round` rule: of identical answers, all but the earliest-registered (then lowest) UID's.
fn copies_within_round(answers: &[Answer]) -> BTreeSet<u16> {
    let fingerprint = |rows: &[Vec<u16>]| {
        fnv1a(rows.iter().flat_map(|row| row.iter().flat_map(|v| v.to_le_bytes()).chain([0xff])))
    };
    let mut first: BTreeMap<u64, (u64, u16)> = BTreeMap::new();
    for answer in answers {
        let claim = (answer.registered_at, answer.uid);
        first.entry(fingerprint(answer.rows)).and_modify(|c| *c = (*c).min(claim)).or_insert(claim);
    }
    answers.iter().filter(|a| first[&fingerprint(a.rows)].1 != a.uid).map(|a| a.uid).collect()
}

/// A miner's answer to one row.
struct Claim {
    hotkey: HotkeyId,
    answer: Box<[u16]>,
}

/// What two miners' answers to the rows they share say; `first[0]` counts matched rows the
/// lower hotkey answered first, `first[1]` the higher.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct PairEvidence {
    shared: u32,
    matched: u32,
    first: [u32; 2],
}

impl PairEvidence {
    fn one_model(&self) -> bool {
        self.shared >= SHARED_ROWS_MIN && self.matched * 100 >= self.shared * MATCHED_PERCENT_MIN
    }
}

#[derive(Default)]
struct AnswerMemory {
    /// Per row, the first answer of each miner, in arrival order.
    rows: BTreeMap<RowId, Vec<Claim>>,
    /// By (lower, higher) hotkey.
    pairs: BTreeMap<(HotkeyId, HotkeyId), PairEvidence>,
    /// (copy, original), as the evidence stands.
    copies: BTreeSet<(HotkeyId, HotkeyId)>,
    /// Each miner's first recorded answer, in arrival order: it breaks a tie of evidence.
    first_seen: BTreeMap<HotkeyId, u64>,
    recorded: u64,
}

/// Whether an answer to a row can tell models apart.
fn informative(answer: &[u16]) -> bool {
    answer.iter().all(|&p| p <= INFORMATIVE_MAX)
}

fn same(a: &[u16], b: &[u16]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| x.abs_diff(y) <= TOLERANCE)
}

impl AnswerMemory {
    /// Records `hotkey`'s answer to rows `ids` and updates the evidence of every pair it shares
    /// a row with. A miner's second answer to a row is not recorded: each shared row counts once.
    fn record(&mut self, hotkey: HotkeyId, ids: &[RowId], answer: &[Vec<u16>]) {
        assert_eq!(ids.len(), answer.len(), "a well-formed answer has a row per query row");
        self.first_seen.entry(hotkey).or_insert(self.recorded);
        self.recorded += 1;
        let mut touched = Vec::new();
        for (&row, values) in ids.iter().zip(answer) {
            let claims = self.rows.entry(row).or_default();
            if claims.len() >= CLAIMS_PER_ROW_MAX || claims.iter().any(|c| c.hotkey == hotkey) {
                continue;
            }
            for earlier in claims.iter().filter(|c| informative(values) || informative(&c.answer)) {
                let key = (earlier.hotkey.min(hotkey), earlier.hotkey.max(hotkey));
                if self.pairs.len() >= PAIRS_MAX && !self.pairs.contains_key(&key) {
                    continue;
                }
                let evidence = self.pairs.entry(key).or_default();
                evidence.shared += 1;
                if same(values, &earlier.answer) {
                    evidence.matched += 1;
                    evidence.first[usize::from(earlier.hotkey != key.0)] += 1;
                }
                touched.push(key);
            }
            claims.push(Claim { hotkey, answer: values.clone().into_boxed_slice() });
        }
        assert!(self.rows.len() <= VALIDATION_POOL_ROWS, "rows come from the validator's pool");
        touched.sort_unstable();
        touched.dedup();
        for key in touched {
            self.judge(key);
        }
    }

    /// The pair's verdict: one model or two; if one, which is the copy.
    fn judge(&mut self, (low, high): (HotkeyId, HotkeyId)) {
        self.copies.remove(&(low, high));
        self.copies.remove(&(high, low));
        let evidence = self.pairs[&(low, high)];
        if !evidence.one_model() {
            return;
        }
        // The original answered more of the shared rows first; as many, it was seen first.
        let low_is_original = match evidence.first[0].cmp(&evidence.first[1]) {
            Ordering::Equal => self.first_seen[&low] < self.first_seen[&high],
            order => order == Ordering::Greater,
        };
        self.copies.insert(if low_is_original { (high, low) } else { (low, high) });
    }

    fn is_copy(&self, hotkey: HotkeyId) -> bool {
        self.copies.range((hotkey, HotkeyId(0))..=(hotkey, HotkeyId(u32::MAX))).next().is_some()
    }

    fn retain(&mut self, registered: &BTreeSet<HotkeyId>) {
        let live = |hotkey: &HotkeyId| registered.contains(hotkey);
        for claims in self.rows.values_mut() {
            claims.retain(|c| live(&c.hotkey));
        }
        self.pairs.retain(|(a, b), _| live(a) && live(b));
        self.copies.retain(|(a, b)| live(a) && live(b));
        self.first_seen.retain(|hotkey, _| live(hotkey));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spread answer over 10 classes: informative, and distinct per `seed`.
    fn spread(seed: u16) -> Vec<u16> {
        let mut row = vec![6_000u16; 10];
        row[usize::from(seed % 10)] += 5_535 - 3 * TOLERANCE * (seed / 10);
        row[usize::from((seed + 1) % 10)] += 3 * TOLERANCE * (seed / 10);
        row
    }

    fn answer(uid: u16, rows: &[Vec<u16>]) -> Answer<'_> {
        Answer { uid, hotkey: HotkeyId(u32::from(uid) + 100), registered_at: 0, rows }
    }

    /// `rounds` rounds of 4 rows each (row ids r·4..r·4+4), `miners` answering in the given order,
    /// each with its answer function.
    fn run(duplicates: &mut Duplicates, rounds: u32, miners: &[(u16, &dyn Fn(RowId) -> Vec<u16>)]) -> BTreeSet<u16> {
        let mut last = BTreeSet::new();
        for round in 0..rounds {
            let ids: Vec<RowId> = (round * 4..round * 4 + 4).collect();
            let rows: Vec<Vec<Vec<u16>>> =
                miners.iter().map(|(_, f)| ids.iter().map(|&id| f(id)).collect()).collect();
            let answers: Vec<Answer> = miners.iter().zip(&rows).map(|((uid, _), r)| answer(*uid, r)).collect();
            last = duplicates.copies(&ids, &answers);
        }
        last
    }

    #[test]
    fn two_miners_of_one_model_earn_once_under_history_across_rounds_never_sampled_together() {
        // The `round` rule sees them only together; here each round has one of them, then both
        // answer the rows the other answered before.
        let model = |id: RowId| spread(id as u16 % 40);
        let mut duplicates = Duplicates::new(DuplicateRule::History);
        let ids: Vec<RowId> = (0..12).collect();
        let rows: Vec<Vec<u16>> = ids.iter().map(|&id| model(id)).collect();
        assert!(duplicates.copies(&ids, &[answer(1, &rows)]).is_empty(), "alone, nothing to compare");
        let copies = duplicates.copies(&ids, &[answer(2, &rows)]);
        assert_eq!(copies, BTreeSet::from([2]), "12 shared rows, all matched, all first answered by 1");
        assert!(duplicates.copies(&ids, &[answer(1, &rows)]).is_empty(), "the original keeps earning");
        let mut round = Duplicates::new(DuplicateRule::Round);
        assert!(round.copies(&ids, &[answer(1, &rows)]).is_empty());
        assert!(round.copies(&ids, &[answer(2, &rows)]).is_empty(), "the round rule misses it");
    }

    #[test]
    fn a_copy_that_changes_each_value_within_the_tolerance_is_still_a_copy() {
        let model = |id: RowId| spread(id as u16 % 40);
        let nudged = |id: RowId| model(id).iter().map(|&p| p + TOLERANCE).collect();
        let mut duplicates = Duplicates::new(DuplicateRule::History);
        assert_eq!(run(&mut duplicates, 3, &[(1, &model), (2, &nudged)]), BTreeSet::from([2]));
        let beyond = |id: RowId| model(id).iter().map(|&p| p + TOLERANCE + 1).collect();
        let mut duplicates = Duplicates::new(DuplicateRule::History);
        assert!(run(&mut duplicates, 3, &[(1, &model), (3, &beyond)]).is_empty(), "a change beyond it is not");
    }

    #[test]
    fn confident_answers_never_make_two_models_one() {
        // Both certain of the same class on every row: nothing informative is shared.
        let certain = |id: RowId| {
            let mut row = vec![0u16; 10];
            row[id as usize % 10] = 65_535;
            row
        };
        let mut duplicates = Duplicates::new(DuplicateRule::History);
        assert!(run(&mut duplicates, 10, &[(1, &certain), (2, &certain)]).is_empty());
    }

    #[test]
    fn two_models_that_agree_on_most_rows_but_not_nine_in_ten_are_two() {
        // They differ on every fourth row: 75 % matched, under the 90 % bar.
        let a = |id: RowId| spread(id as u16 % 10);
        let b = |id: RowId| if id % 4 == 0 { spread(id as u16 % 10 + 20) } else { spread(id as u16 % 10) };
        let mut duplicates = Duplicates::new(DuplicateRule::History);
        assert!(run(&mut duplicates, 10, &[(1, &a), (2, &b)]).is_empty());
    }

    #[test]
    fn the_original_is_the_miner_that_answered_more_shared_rows_first_not_the_first_row() {
        let model = |id: RowId| spread(id as u16 % 40);
        let mut duplicates = Duplicates::new(DuplicateRule::History);
        // The copycat happens to answer rows 0..4 first; the target then answers 0..20 before the
        // copycat answers 4..20: 16 of 20 shared rows were the target's first.
        let rows = |ids: &[RowId]| ids.iter().map(|&id| model(id)).collect::<Vec<_>>();
        let (early, rest): (Vec<RowId>, Vec<RowId>) = ((0..4).collect(), (0..20).collect());
        duplicates.copies(&early, &[answer(9, &rows(&early))]);
        duplicates.copies(&rest, &[answer(1, &rows(&rest))]);
        let late: Vec<RowId> = (4..20).collect();
        assert_eq!(duplicates.copies(&late, &[answer(9, &rows(&late))]), BTreeSet::from([9]));
        assert!(duplicates.copies(&rest, &[answer(1, &rows(&rest))]).is_empty());
    }

    #[test]
    fn a_copy_of_a_miner_that_left_earns_again_and_no_rule_flags_distinct_answers() {
        let model = |id: RowId| spread(id as u16 % 40);
        let mut duplicates = Duplicates::new(DuplicateRule::History);
        assert_eq!(run(&mut duplicates, 4, &[(1, &model), (2, &model)]), BTreeSet::from([2]));
        duplicates.retain(&BTreeSet::from([HotkeyId(102)]));
        assert!(run(&mut duplicates, 1, &[(2, &model)]).is_empty());
        let mut none = Duplicates::new(DuplicateRule::None);
        assert!(run(&mut none, 4, &[(1, &model), (2, &model)]).is_empty(), "none flags nothing");
    }

    #[test]
    fn the_round_rule_credits_the_earliest_registered_of_identical_answers() {
        let rows = vec![spread(3)];
        let mut answers = vec![answer(7, &rows), answer(4, &rows)];
        answers[0].registered_at = 1;
        answers[1].registered_at = 50;
        let mut round = Duplicates::new(DuplicateRule::Round);
        assert_eq!(round.copies(&[0], &answers), BTreeSet::from([4]));
    }
}
