//! How a validator treats a miner whose answers are another's: k UIDs serving one model (sybils),
//! or a UID serving a copy of another miner's published model (a copycat). A subnet that pays
//! each of them as much as the original pays k times for one model.
//!
//! The `history` rule compares answers to the same row across rounds (a validator re-asks the
//! rows of its private pool), within a tolerance, on the rows that tell models apart. Two miners
//! whose answers match on nearly every such row they share are one model; only one of them earns:
//! the one whose matching answer reached this validator first, the miner that served the model
//! before the other did.
//!
//! The memory's answers are most of a validator's memory, and a subnet's validators receive the
//! same ones: they share one store of distinct answers (`answer_store.rs`), handed to each at
//! construction, and a claim holds an index into it. A storage detail that changes no decision:
//! answers are compared by the values an index stands for, never by indices, and an answer the
//! full store refuses is kept by the memory itself.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::fingerprint;
use crate::ml::task::VALIDATION_POOL_ROWS;
use crate::protocol::Probabilities;
use crate::validator::answer_store::{ANSWERS_MAX, AnswerStore, SharedAnswers, stored};
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
/// Pairs of miners whose answers matched on a row; beyond it, new pairs are not tracked.
pub const PAIRS_MAX: usize = 1 << 20;
/// A row whose largest probability is above this (p ≈ 0.99) is neither compared nor remembered:
/// two confident models differ there only by rounding, and honest models must never be judged
/// one.
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
    pub rows: &'a Probabilities,
}

/// A validator's duplicate rule and what it remembers.
pub struct Duplicates {
    rule: DuplicateRule,
    memory: AnswerMemory,
}

impl Duplicates {
    /// `answers` is the subnet's store, shared by its validators (`answer_store.rs`).
    pub fn new(rule: DuplicateRule, answers: SharedAnswers) -> Self {
        Self { rule, memory: AnswerMemory::new(answers) }
    }

    /// The UIDs of a round's `answers` (in arrival order, to the rows at `positions` of the
    /// validator's pool) that earn nothing as copies.
    pub fn copies(&mut self, positions: &[usize], answers: &[Answer]) -> BTreeSet<u16> {
        match self.rule {
            DuplicateRule::None => BTreeSet::new(),
            DuplicateRule::Round => copies_within_round(answers),
            DuplicateRule::History => {
                for answer in answers {
                    self.memory.record(answer.hotkey, answer.uid, positions, answer.rows);
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

    /// Its evidence, for the validator's disk: a validator that forgot who answered first after
    /// a crash would let a copycat race its target again.
    pub fn encode(&self, disk: &mut Vec<u8>) {
        self.memory.encode(disk);
    }

    /// The memory `encode` wrote at the start of `disk`; a fresh one when `disk` is not that.
    pub fn restore(&mut self, disk: &[u8]) {
        let store = self.memory.store.clone();
        self.memory =
            AnswerMemory::decode(&mut Reader(disk), store.clone()).unwrap_or_else(|| AnswerMemory::new(store));
    }
}

/// Little-endian fields off the front of a byte slice; `None` once it runs short.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }
    fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }
    /// A count of items of at least `item_bytes` each: never more than the bytes left hold.
    fn count(&mut self, item_bytes: usize) -> Option<usize> {
        let n = self.u32()? as usize;
        (n.saturating_mul(item_bytes) <= self.0.len()).then_some(n)
    }
}

/// The `round` rule: of identical answers, all but the earliest-registered (then lowest) UID's.
fn copies_within_round(answers: &[Answer]) -> BTreeSet<u16> {
    // Well-formed answers of one round share their shape: their values alone tell them apart.
    let fingerprint = |rows: &Probabilities| {
        fingerprint::of_bytes(&rows.values().iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>())
    };
    let mut first: BTreeMap<fingerprint::Fingerprint, (u64, u16)> = BTreeMap::new();
    for answer in answers {
        let claim = (answer.registered_at, answer.uid);
        first.entry(fingerprint(answer.rows)).and_modify(|c| *c = (*c).min(claim)).or_insert(claim);
    }
    answers.iter().filter(|a| first[&fingerprint(a.rows)].1 != a.uid).map(|a| a.uid).collect()
}

/// A miner's first informative answer to a row: the miner, the sequence number of the reply it
/// came in, and where its values are. 12 bytes: the bulk of a validator's memory is these.
#[derive(Clone, Copy)]
struct Claim {
    hotkey: HotkeyId,
    arrival: u32,
    answer: AnswerAt,
}

/// Where a claim's values are: below `SPILLED`, the subnet's store (`answer_store.rs`); from it
/// on, the memory's own spill, for answers the full store did not take.
#[derive(Clone, Copy)]
struct AnswerAt(u32);

/// The first `AnswerAt` of the spill: the store's indices are below it (`ANSWERS_MAX`).
const SPILLED: u32 = 1 << 31;
const _: () = assert!(ANSWERS_MAX <= SPILLED as usize, "store indices stay below the spill's");

/// The claims of one row, in arrival order. They grow by `CLAIMS_GROWTH` at a time, not by
/// doubling: every row of a subnet's pool ends up with about as many claims as the subnet has
/// miners, and doubling would leave a third of the largest structure of a run unused.
#[derive(Default)]
struct RowClaims(Vec<Claim>);

/// Claims a row's buffer grows by.
const CLAIMS_GROWTH: usize = 16;

impl RowClaims {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn find(&self, hotkey: HotkeyId) -> Option<&Claim> {
        self.0.iter().find(|claim| claim.hotkey == hotkey)
    }

    fn push(&mut self, claim: Claim) {
        if self.0.len() == self.0.capacity() {
            self.0.reserve_exact(CLAIMS_GROWTH);
        }
        self.0.push(claim);
    }
}

/// `AnswerMemory::claimed` by UID: entry `u` is the mask of the hotkey that last answered as
/// `u`. A hotkey has one entry at most (`at`): its mask changes through that entry only, so an
/// entry is never stale, even when a hotkey answers under two UIDs (a round asked before its UID
/// changed hands, finishing after one asked since).
#[derive(Default)]
struct ClaimedByUid {
    entries: Vec<Option<(HotkeyId, u128)>>,
    at: BTreeMap<HotkeyId, u16>,
}

impl ClaimedByUid {
    /// `hotkey`'s mask, answering as `uid`: its entry, made from `claimed` when it has none there.
    fn get(&mut self, hotkey: HotkeyId, uid: u16, claimed: &BTreeMap<HotkeyId, u128>) -> u128 {
        let index = usize::from(uid);
        if let Some(Some((cached, mask))) = self.entries.get(index)
            && *cached == hotkey
        {
            return *mask;
        }
        let mask = claimed.get(&hotkey).copied().unwrap_or(0);
        self.set(hotkey, uid, mask);
        mask
    }

    /// `hotkey`, answering as `uid`, has `mask` now.
    fn set(&mut self, hotkey: HotkeyId, uid: u16, mask: u128) {
        let index = usize::from(uid);
        if self.entries.len() <= index {
            self.entries.resize(index + 1, None);
        }
        if let Some(previous) = self.at.insert(hotkey, uid).filter(|&previous| previous != uid) {
            self.entries[usize::from(previous)] = None;
        }
        if let Some((other, _)) = self.entries[index].filter(|&(other, _)| other != hotkey) {
            self.at.remove(&other);
        }
        self.entries[index] = Some((hotkey, mask));
    }
}

/// What two miners' answers to the rows they share say. `earliest[0]` is the arrival of the
/// lower hotkey's first answer that the other's matched, `earliest[1]` the higher's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PairEvidence {
    shared: u32,
    matched: u32,
    earliest: [u32; 2],
}

impl Default for PairEvidence {
    fn default() -> Self {
        Self { shared: 0, matched: 0, earliest: [u32::MAX; 2] }
    }
}

impl PairEvidence {
    fn one_model(&self) -> bool {
        let (matched, shared) = (u64::from(self.matched), u64::from(self.shared));
        self.shared >= SHARED_ROWS_MIN && matched * 100 >= shared * u64::from(MATCHED_PERCENT_MIN)
    }

    /// One shared row's comparison: `a`'s answer (arrived `a_arrival`) against `b`'s.
    fn add_row(&mut self, a_side: usize, a_arrival: u32, b_arrival: u32, matched: bool) {
        self.shared = self.shared.saturating_add(1);
        if matched {
            self.matched = self.matched.saturating_add(1);
            self.earliest[a_side] = self.earliest[a_side].min(a_arrival);
            self.earliest[1 - a_side] = self.earliest[1 - a_side].min(b_arrival);
        }
    }
}

struct AnswerMemory {
    /// By the row's position in the validator's pool (128 rows), the first informative answer
    /// of each miner.
    claims: Vec<RowClaims>,
    /// The subnet's answers, which claims point into.
    store: SharedAnswers,
    /// The answers the store had no room for, the store's width each: claim `SPILLED + i`'s is
    /// the `i`th. At most a value per claim, since `retain` compacts it.
    spill: Vec<u16>,
    /// By miner, the rows it has a claim in (bit `p` for position `p`): whether a miner answered
    /// a row before is one bit, not a search of the row's claims.
    claimed: BTreeMap<HotkeyId, u128>,
    /// Copies of `claimed` by UID (a miner's answers come by UID), which an answer reads where a
    /// search of `claimed` missed the cache at every level.
    by_uid: ClaimedByUid,
    /// By (lower, higher) hotkey.
    pairs: BTreeMap<(HotkeyId, HotkeyId), PairEvidence>,
    /// By miner, the miners it has a pair with (`pairs` by either member).
    partners: BTreeMap<HotkeyId, BTreeSet<HotkeyId>>,
    /// (copy, original), as the evidence stands.
    copies: BTreeSet<(HotkeyId, HotkeyId)>,
    /// The miners with a claim or a pair: a sync that finds them all registered changes nothing.
    miners: BTreeSet<HotkeyId>,
    /// Replies recorded: the arrival number of the next (4·10^9 replies to one validator is
    /// beyond any run's limits; it saturates rather than wraps).
    recorded: u32,
}

/// Appends `values` to a spill; where they are.
fn spill(spill: &mut Vec<u16>, values: &[u16]) -> AnswerAt {
    let at = AnswerAt(SPILLED + (spill.len() / values.len()) as u32);
    spill.extend_from_slice(values);
    at
}

/// Whether an answer to a row can tell models apart.
fn informative(answer: &[u16]) -> bool {
    answer.iter().all(|&p| p <= INFORMATIVE_MAX)
}

fn same(a: &[u16], b: &[u16]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| x.abs_diff(y) <= TOLERANCE)
}

impl AnswerMemory {
    fn new(store: SharedAnswers) -> Self {
        Self {
            claims: Vec::new(),
            store,
            spill: Vec::new(),
            claimed: BTreeMap::new(),
            by_uid: ClaimedByUid::default(),
            pairs: BTreeMap::new(),
            partners: BTreeMap::new(),
            copies: BTreeSet::new(),
            miners: BTreeSet::new(),
            recorded: 0,
        }
    }

    /// A claim's answer: from the store (locked by the caller) or the spill.
    fn answer<'a>(&'a self, store: &'a AnswerStore, at: AnswerAt) -> &'a [u16] {
        match at.0.checked_sub(SPILLED) {
            None => store.get(at.0),
            Some(index) => stored(&self.spill, store.width(), index),
        }
    }

    /// Where `values` go: the store, or the spill when the store is full.
    fn keep(&mut self, store: &mut AnswerStore, values: &[u16]) -> AnswerAt {
        store.intern(values).map_or_else(|| spill(&mut self.spill, values), AnswerAt)
    }

    /// Records the informative answers of `hotkey` (as `uid`) to the rows at `positions` and
    /// updates the evidence of every pair that shares one of them. A miner's second answer to a
    /// row is not recorded: each shared row counts once.
    fn record(&mut self, hotkey: HotkeyId, uid: u16, positions: &[usize], answer: &Probabilities) {
        assert_eq!(positions.len(), answer.len(), "a well-formed answer has a row per query row");
        let arrival = self.recorded;
        self.recorded = self.recorded.saturating_add(1);
        let mut mask = self.by_uid.get(hotkey, uid, &self.claimed);
        let is_new = |mask: u128, position: usize, values: &[u16]| {
            assert!(position < VALIDATION_POOL_ROWS, "rows come from the validator's pool");
            mask & 1 << position == 0 && informative(values)
        };
        if !positions.iter().zip(answer.rows()).any(|(&position, values)| is_new(mask, position, values)) {
            // Every row claimed before: what a validator's rounds nearly always are.
            return;
        }
        let store = Arc::clone(&self.store);
        let mut store = store.lock().expect("no poisoned lock");
        assert_eq!(answer.width(), store.width(), "a well-formed answer has the task's classes");
        let mut touched = Vec::new();
        // The miners it is paired with, ascending (kept current as pairs start below).
        let mut partners: Vec<HotkeyId> =
            self.partners.get(&hotkey).map_or_else(Vec::new, |p| p.iter().copied().collect());
        for (&position, values) in positions.iter().zip(answer.rows()) {
            if !is_new(mask, position, values) {
                continue;
            }
            if self.claims.len() <= position {
                self.claims.resize_with(position + 1, RowClaims::default);
            }
            if self.claims[position].len() >= CLAIMS_PER_ROW_MAX {
                continue;
            }
            // Two honest models, which match nowhere, cost no memory: a pair is tracked from its
            // first matched row, with every row the two shared before counted then. So only the
            // earlier claims that match, or whose miner is a partner, count; in claim order.
            let counted: Vec<(Claim, bool)> = (self.claims[position].0.iter())
                .filter_map(|&claim| {
                    let matched = same(values, self.answer(&store, claim.answer));
                    (matched || partners.binary_search(&claim.hotkey).is_ok()).then_some((claim, matched))
                })
                .collect();
            for (Claim { hotkey: earlier, arrival: earlier_arrival, .. }, matched) in counted {
                let key = (earlier.min(hotkey), earlier.max(hotkey));
                if !self.pairs.contains_key(&key) {
                    if self.pairs.len() >= PAIRS_MAX {
                        continue;
                    }
                    let evidence = self.shared_so_far(&store, key);
                    self.pairs.insert(key, evidence);
                    self.partners.entry(key.0).or_default().insert(key.1);
                    self.partners.entry(key.1).or_default().insert(key.0);
                    let at = partners.binary_search(&earlier).expect_err("a new partner");
                    partners.insert(at, earlier);
                }
                let evidence = self.pairs.get_mut(&key).expect("tracked");
                evidence.add_row(usize::from(earlier != key.0), earlier_arrival, arrival, matched);
                touched.push(key);
            }
            let at = self.keep(&mut store, values);
            self.claims[position].push(Claim { hotkey, arrival, answer: at });
            // Stored at once: a pair first tracked at a later row counts this one as shared.
            mask |= 1 << position;
            self.claimed.insert(hotkey, mask);
            self.by_uid.set(hotkey, uid, mask);
            self.miners.insert(hotkey);
        }
        drop(store);
        touched.sort_unstable();
        touched.dedup();
        for key in touched {
            self.judge(key);
        }
    }

    /// The evidence of the rows both miners of `key` claimed before (at most the pool's rows).
    fn shared_so_far(&self, store: &AnswerStore, (low, high): (HotkeyId, HotkeyId)) -> PairEvidence {
        let mask = |hotkey| self.claimed.get(&hotkey).copied().unwrap_or(0);
        let both = mask(low) & mask(high);
        let mut evidence = PairEvidence::default();
        for position in (0..self.claims.len()).filter(|&position| both & 1 << position != 0) {
            let claims = &self.claims[position];
            let low = claims.find(low).expect("its bit says it claimed the row");
            let high = claims.find(high).expect("its bit says it claimed the row");
            let matched = same(self.answer(store, low.answer), self.answer(store, high.answer));
            evidence.add_row(0, low.arrival, high.arrival, matched);
        }
        evidence
    }

    /// The pair's verdict: one model or two; if one, the copy is the miner whose matching
    /// answers came later. The first matching answer, not the count of rows each answered
    /// first: once a copy serves, the two race for every row, and only what the original
    /// answered before the copy existed tells them apart.
    fn judge(&mut self, (low, high): (HotkeyId, HotkeyId)) {
        self.copies.remove(&(low, high));
        self.copies.remove(&(high, low));
        let evidence = self.pairs[&(low, high)];
        if !evidence.one_model() {
            return;
        }
        // Arrivals are distinct (a reply is one miner's), but a restored pair may tie: low wins.
        let low_is_original = evidence.earliest[0] <= evidence.earliest[1];
        self.copies.insert(if low_is_original { (high, low) } else { (low, high) });
    }

    fn is_copy(&self, hotkey: HotkeyId) -> bool {
        self.copies.range((hotkey, HotkeyId(0))..=(hotkey, HotkeyId(u32::MAX))).next().is_some()
    }

    /// The evidence, not the answers: which pairs matched, how often, and whose matching answer
    /// came first. The answers are the bulk of the memory (rows × miners × classes) and would
    /// double it on disk; after a restart, rows are compared afresh and the counts go on.
    fn encode(&self, disk: &mut Vec<u8>) {
        let u32s = |disk: &mut Vec<u8>, values: &[u32]| values.iter().for_each(|v| disk.extend(v.to_le_bytes()));
        u32s(disk, &[self.pairs.len() as u32]);
        for (&(low, high), e) in &self.pairs {
            u32s(disk, &[low.0, high.0, e.shared, e.matched, e.earliest[0], e.earliest[1]]);
        }
        u32s(disk, &[self.recorded]);
    }

    fn decode(disk: &mut Reader, store: SharedAnswers) -> Option<Self> {
        let mut memory = Self::new(store);
        for _ in 0..disk.count(24)? {
            let key = (HotkeyId(disk.u32()?), HotkeyId(disk.u32()?));
            let (shared, matched, earliest) = (disk.u32()?, disk.u32()?, [disk.u32()?, disk.u32()?]);
            // What `encode` writes: each pair once, lower hotkey first, no more matched than shared.
            if key.0 >= key.1 || matched > shared || memory.pairs.contains_key(&key) {
                return None;
            }
            memory.pairs.insert(key, PairEvidence { shared, matched, earliest });
            memory.partners.entry(key.0).or_default().insert(key.1);
            memory.partners.entry(key.1).or_default().insert(key.0);
            memory.miners.extend([key.0, key.1]);
        }
        memory.recorded = disk.u32()?;
        let keys: Vec<_> = memory.pairs.keys().copied().collect();
        keys.into_iter().for_each(|key| memory.judge(key));
        Some(memory)
    }

    fn retain(&mut self, registered: &BTreeSet<HotkeyId>) {
        let live = |hotkey: &HotkeyId| registered.contains(hotkey);
        if self.miners.iter().all(live) {
            return;
        }
        self.retain_claims(|hotkey| live(&hotkey));
        self.claimed.retain(|hotkey, _| live(hotkey));
        self.by_uid = ClaimedByUid::default();
        self.pairs.retain(|(a, b), _| live(a) && live(b));
        self.partners.retain(|hotkey, _| live(hotkey));
        self.partners.values_mut().for_each(|partners| partners.retain(live));
        self.copies.retain(|(a, b)| live(a) && live(b));
        self.miners.retain(live);
    }

    /// Drops the claims of miners not `live`, each row's buffer rebuilt to its claims and the
    /// spill to the answers still claimed.
    fn retain_claims(&mut self, live: impl Fn(HotkeyId) -> bool) {
        let width = self.store.lock().expect("no poisoned lock").width();
        let before = std::mem::take(&mut self.spill);
        for claims in &mut self.claims {
            let mut kept = RowClaims::default();
            for &claim in claims.0.iter().filter(|claim| live(claim.hotkey)) {
                let answer = match claim.answer.0.checked_sub(SPILLED) {
                    None => claim.answer,
                    Some(index) => spill(&mut self.spill, stored(&before, width, index)),
                };
                kept.push(Claim { answer, ..claim });
            }
            *claims = kept;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A spread answer over 10 classes: informative, and distinct per `seed`.
    fn spread(seed: u16) -> Vec<u16> {
        let mut row = vec![6_000u16; 10];
        row[usize::from(seed % 10)] += 5_535 - 3 * TOLERANCE * (seed / 10);
        row[usize::from((seed + 1) % 10)] += 3 * TOLERANCE * (seed / 10);
        row
    }

    fn answer(uid: u16, rows: &Probabilities) -> Answer<'_> {
        Answer { uid, hotkey: HotkeyId(u32::from(uid) + 100), registered_at: 0, rows }
    }

    /// A miner of a test: its UID and its answer to each row.
    type TestMiner<'a> = (u16, &'a dyn Fn(usize) -> Vec<u16>);

    /// `rounds` rounds of 4 rows each (row ids r·4..r·4+4), `miners` answering in the given order,
    /// each with its answer function.
    fn run(duplicates: &mut Duplicates, rounds: u32, miners: &[TestMiner]) -> BTreeSet<u16> {
        let mut last = BTreeSet::new();
        for round in 0..rounds {
            let ids: Vec<usize> = (round as usize * 4..round as usize * 4 + 4).collect();
            let rows: Vec<Probabilities> = miners
                .iter()
                .map(|(_, f)| Probabilities::from_rows(&ids.iter().map(|&id| f(id)).collect::<Vec<_>>()))
                .collect();
            let answers: Vec<Answer> = miners.iter().zip(&rows).map(|((uid, _), r)| answer(*uid, r)).collect();
            last = duplicates.copies(&ids, &answers);
        }
        last
    }

    #[test]
    fn two_miners_of_one_model_earn_once_under_history_across_rounds_never_sampled_together() {
        // The `round` rule sees them only together; here each round has one of them, then both
        // answer the rows the other answered before.
        let model = |id: usize| spread(id as u16 % 40);
        let mut duplicates = Duplicates::new(DuplicateRule::History, AnswerStore::shared(10));
        let ids: Vec<usize> = (0..12).collect();
        let rows = Probabilities::from_rows(&ids.iter().map(|&id| model(id)).collect::<Vec<_>>());
        assert!(duplicates.copies(&ids, &[answer(1, &rows)]).is_empty(), "alone, nothing to compare");
        let copies = duplicates.copies(&ids, &[answer(2, &rows)]);
        assert_eq!(copies, BTreeSet::from([2]), "12 shared rows, all matched, all first answered by 1");
        assert!(duplicates.copies(&ids, &[answer(1, &rows)]).is_empty(), "the original keeps earning");
        let mut round = Duplicates::new(DuplicateRule::Round, AnswerStore::shared(10));
        assert!(round.copies(&ids, &[answer(1, &rows)]).is_empty());
        assert!(round.copies(&ids, &[answer(2, &rows)]).is_empty(), "the round rule misses it");
    }

    #[test]
    fn a_copy_that_changes_each_value_within_the_tolerance_is_still_a_copy() {
        let model = |id: usize| spread(id as u16 % 40);
        let nudged = |id: usize| model(id).iter().map(|&p| p + TOLERANCE).collect();
        let mut duplicates = Duplicates::new(DuplicateRule::History, AnswerStore::shared(10));
        assert_eq!(run(&mut duplicates, 3, &[(1, &model), (2, &nudged)]), BTreeSet::from([2]));
        let beyond = |id: usize| model(id).iter().map(|&p| p + TOLERANCE + 1).collect();
        let mut duplicates = Duplicates::new(DuplicateRule::History, AnswerStore::shared(10));
        assert!(run(&mut duplicates, 3, &[(1, &model), (3, &beyond)]).is_empty(), "a change beyond it is not");
        assert!(duplicates.memory.pairs.is_empty(), "pairs that never matched are not tracked");
    }

    #[test]
    fn confident_answers_never_make_two_models_one() {
        // Both certain of the same class on every row: nothing informative is shared.
        let certain = |id: usize| {
            let mut row = vec![0u16; 10];
            row[id % 10] = 65_535;
            row
        };
        let mut duplicates = Duplicates::new(DuplicateRule::History, AnswerStore::shared(10));
        assert!(run(&mut duplicates, 10, &[(1, &certain), (2, &certain)]).is_empty());
    }

    #[test]
    fn two_models_that_agree_on_most_rows_but_not_nine_in_ten_are_two() {
        // They differ on every fourth row: 75 % matched, under the 90 % bar.
        let a = |id: usize| spread(id as u16 % 10);
        let b = |id: usize| if id.is_multiple_of(4) { spread(id as u16 % 10 + 20) } else { spread(id as u16 % 10) };
        let mut duplicates = Duplicates::new(DuplicateRule::History, AnswerStore::shared(10));
        assert!(run(&mut duplicates, 10, &[(1, &a), (2, &b)]).is_empty());
    }

    #[test]
    fn the_original_is_the_miner_whose_matching_answer_came_first_though_the_copy_won_more_rows() {
        // Before issue 9's last rule the count of rows each answered first decided: here the copy
        // answers 20 rows before the target does, the target 4 before the copy existed.
        let model = |id: usize| spread(id as u16 % 40);
        let rows = |ids: &[usize]| Probabilities::from_rows(&ids.iter().map(|&id| model(id)).collect::<Vec<_>>());
        let (early, late): (Vec<usize>, Vec<usize>) = ((0..4).collect(), (4..24).collect());
        let mut duplicates = Duplicates::new(DuplicateRule::History, AnswerStore::shared(10));
        duplicates.copies(&early, &[answer(1, &rows(&early))]);
        duplicates.copies(&late, &[answer(9, &rows(&late))]);
        // As the evidence stands, the copy came first: until it answers a row the target answered
        // before it existed.
        assert_eq!(duplicates.copies(&late, &[answer(1, &rows(&late))]), BTreeSet::from([1]));
        assert_eq!(duplicates.copies(&early, &[answer(9, &rows(&early))]), BTreeSet::from([9]));
        let evidence = duplicates.memory.pairs[&(HotkeyId(101), HotkeyId(109))];
        assert_eq!((evidence.shared, evidence.matched, evidence.earliest), (24, 24, [0, 1]));
        let fresh: Vec<usize> = (24..28).collect();
        assert!(duplicates.copies(&fresh, &[answer(1, &rows(&fresh))]).is_empty(), "the target earns");
    }

    #[test]
    fn a_copy_of_a_miner_that_left_earns_again_and_no_rule_flags_distinct_answers() {
        let model = |id: usize| spread(id as u16 % 40);
        let mut duplicates = Duplicates::new(DuplicateRule::History, AnswerStore::shared(10));
        assert_eq!(run(&mut duplicates, 4, &[(1, &model), (2, &model)]), BTreeSet::from([2]));
        duplicates.retain(&BTreeSet::from([HotkeyId(102)]));
        assert!(run(&mut duplicates, 1, &[(2, &model)]).is_empty());
        let mut none = Duplicates::new(DuplicateRule::None, AnswerStore::shared(10));
        assert!(run(&mut none, 4, &[(1, &model), (2, &model)]).is_empty(), "none flags nothing");
    }

    #[test]
    fn a_restored_memory_keeps_who_answered_first_and_a_torn_disk_gives_a_fresh_one() {
        let model = |id: usize| spread(id as u16 % 40);
        let mut duplicates = Duplicates::new(DuplicateRule::History, AnswerStore::shared(10));
        assert_eq!(run(&mut duplicates, 6, &[(1, &model), (2, &model)]), BTreeSet::from([2]));
        let mut disk = Vec::new();
        duplicates.encode(&mut disk);
        let mut restored = Duplicates::new(DuplicateRule::History, AnswerStore::shared(10));
        restored.restore(&disk);
        assert!(restored.memory.claims.is_empty(), "the answers are not on disk, the evidence is");
        // 2 answers first after the crash (16 rows), 1 did before it (24): 1 stays the original.
        // Without the evidence, 2 answering first would make 1 the copy.
        assert_eq!(run(&mut restored, 4, &[(2, &model), (1, &model)]), BTreeSet::from([2]));
        let mut again = Vec::new();
        restored.encode(&mut again);
        let mut torn = Duplicates::new(DuplicateRule::History, AnswerStore::shared(10));
        torn.restore(&again[..again.len() - 1]);
        assert_eq!(run(&mut torn, 4, &[(2, &model), (1, &model)]), BTreeSet::from([1]), "forgotten");
    }

    #[test]
    fn two_models_that_disagreed_on_every_row_before_they_first_matched_stay_two() {
        // 40 rows apart, then 8 alike: 8 of 48 shared rows match. Counted from the first match
        // only (the pair is tracked from there), 8 of 8 would have made them one model.
        let a = |id: usize| spread(id as u16 % 10);
        let b = |id: usize| if id < 40 { spread(id as u16 % 10 + 20) } else { spread(id as u16 % 10) };
        let mut duplicates = Duplicates::new(DuplicateRule::History, AnswerStore::shared(10));
        assert!(run(&mut duplicates, 12, &[(1, &a), (2, &b)]).is_empty());
        let evidence = duplicates.memory.pairs[&(HotkeyId(101), HotkeyId(102))];
        assert_eq!((evidence.shared, evidence.matched), (48, 8));
    }

    #[test]
    fn a_disk_that_encode_cannot_have_written_restores_a_fresh_memory() {
        let pair = |low: u32, high: u32, shared: u32, matched: u32| {
            let mut disk = 1u32.to_le_bytes().to_vec();
            [low, high, shared, matched, 0, 1, 7].iter().for_each(|v| disk.extend(v.to_le_bytes()));
            disk
        };
        for (disk, why) in [
            (pair(102, 101, 10, 10), "the higher hotkey first"),
            (pair(101, 101, 10, 10), "a miner paired with itself"),
            (pair(101, 102, 10, 11), "more matched than shared"),
        ] {
            let mut duplicates = Duplicates::new(DuplicateRule::History, AnswerStore::shared(10));
            duplicates.restore(&disk);
            assert!(duplicates.memory.pairs.is_empty() && duplicates.memory.copies.is_empty(), "{why}");
        }
        let mut duplicates = Duplicates::new(DuplicateRule::History, AnswerStore::shared(10));
        duplicates.restore(&pair(101, 102, 10, 10));
        assert!(duplicates.memory.is_copy(HotkeyId(102)), "a well-formed disk restores its verdicts");
        let mut huge = Duplicates::new(DuplicateRule::History, AnswerStore::shared(10));
        huge.restore(&pair(101, 102, u32::MAX, u32::MAX));
        assert!(huge.memory.is_copy(HotkeyId(102)), "counts near u32::MAX do not overflow the verdict");
    }

    /// The memory as first written (issue 9): every row's claims in a map, every earlier claim
    /// of a row looked at, a B-tree lookup for each. The memory above indexes the same facts.
    #[derive(Default)]
    struct Reference {
        rows: BTreeMap<u32, Vec<(HotkeyId, u32, Vec<u16>)>>,
        pairs: BTreeMap<(HotkeyId, HotkeyId), PairEvidence>,
        recorded: u32,
    }

    impl Reference {
        fn record(&mut self, hotkey: HotkeyId, ids: &[usize], answer: &Probabilities) {
            let ids: Vec<u32> = ids.iter().map(|&id| id as u32).collect();
            let arrival = self.recorded;
            self.recorded += 1;
            for (&row, values) in ids.iter().zip(answer.rows()).filter(|(_, values)| informative(values)) {
                let claims = self.rows.entry(row).or_default();
                if claims.len() >= CLAIMS_PER_ROW_MAX || claims.iter().any(|c| c.0 == hotkey) {
                    continue;
                }
                for (earlier, earlier_arrival, earlier_answer) in claims.clone() {
                    let matched = same(values, &earlier_answer);
                    let key = (earlier.min(hotkey), earlier.max(hotkey));
                    if !self.pairs.contains_key(&key) {
                        if !matched || self.pairs.len() >= PAIRS_MAX {
                            continue;
                        }
                        let mut evidence = PairEvidence::default();
                        for claims in self.rows.values() {
                            let find = |h| claims.iter().find(|c| c.0 == h);
                            if let (Some(l), Some(r)) = (find(key.0), find(key.1)) {
                                evidence.add_row(0, l.1, r.1, same(&l.2, &r.2));
                            }
                        }
                        self.pairs.insert(key, evidence);
                    }
                    self.pairs.get_mut(&key).expect("tracked").add_row(
                        usize::from(earlier != key.0),
                        earlier_arrival,
                        arrival,
                        matched,
                    );
                }
                self.rows.get_mut(&row).expect("entered").push((hotkey, arrival, values.to_vec()));
            }
        }

        fn retain(&mut self, live: impl Fn(HotkeyId) -> bool) {
            self.rows.values_mut().for_each(|claims| claims.retain(|c| live(c.0)));
            self.pairs.retain(|&(a, b), _| live(a) && live(b));
        }
    }

    /// Random rounds of miners of few models (copies nudged within the tolerance, sometimes
    /// beyond), some confident rows, miners leaving, asked by each of `memories` in turn as a
    /// subnet's validators ask: each memory's evidence is its reference's, pair for pair, after
    /// every answer.
    fn keep_the_references_evidence(memories: &mut [AnswerMemory]) {
        let mut rng = crate::rng::stream(7, "duplicates/reference");
        let mut draw = |n: u64| crate::rng::below(&mut rng, n);
        let models: Vec<Vec<Vec<u16>>> = (0..4)
            .map(|m| {
                (0..40)
                    .map(|row| {
                        if row % 9 == 0 {
                            vec![0, 65_535, 0, 0, 0, 0, 0, 0, 0, 0]
                        } else {
                            spread((row * 3 + m * 11) as u16 % 60)
                        }
                    })
                    .collect()
            })
            .collect();
        let mut references: Vec<Reference> = memories.iter().map(|_| Reference::default()).collect();
        let mut miners: Vec<u32> = (0..12).collect();
        for round in 0..300 {
            for (memory, reference) in memories.iter_mut().zip(&mut references) {
                let ids: Vec<usize> = (0..6).map(|_| draw(40) as usize).collect::<BTreeSet<_>>().into_iter().collect();
                for _ in 0..4 {
                    let miner = miners[draw(miners.len() as u64) as usize];
                    let nudge = [0, TOLERANCE, TOLERANCE + 1][(miner % 3) as usize];
                    let rows: Vec<Vec<u16>> = ids
                        .iter()
                        .map(|&id| {
                            models[(miner % 4) as usize][id]
                                .iter()
                                .map(|&p| p.saturating_add(nudge * u16::from(draw(4) == 0)))
                                .collect()
                        })
                        .collect();
                    let answer = Probabilities::from_rows(&rows);
                    // Now and then under another UID: a round asked before its UID changed hands.
                    let uid = if draw(5) == 0 { draw(4) as u16 } else { (miner % 16) as u16 };
                    memory.record(HotkeyId(miner), uid, &ids, &answer);
                    reference.record(HotkeyId(miner), &ids, &answer);
                    assert_eq!(memory.pairs, reference.pairs, "round {round}");
                }
            }
            if round % 50 == 49 {
                let gone = miners.remove(draw(miners.len() as u64) as usize);
                miners.push(100 + round);
                let registered: BTreeSet<HotkeyId> = miners.iter().map(|&m| HotkeyId(m)).collect();
                for (memory, reference) in memories.iter_mut().zip(&mut references) {
                    memory.retain(&registered);
                    reference.retain(|h| h != HotkeyId(gone));
                }
            }
        }
        for memory in memories {
            assert!(memory.pairs.len() >= 6, "copies were paired: {}", memory.pairs.len());
        }
    }

    /// Claims the memory holds, and the bytes of their buffers and its spill.
    fn claims_and_bytes(memory: &AnswerMemory) -> (usize, usize) {
        let claims = memory.claims.iter().map(RowClaims::len).sum();
        let buffers: usize = memory.claims.iter().map(|row| row.0.capacity() * size_of::<Claim>()).sum();
        (claims, buffers + memory.spill.capacity() * size_of::<u16>())
    }

    #[test]
    fn the_indexed_memory_keeps_the_evidence_the_plain_one_keeps() {
        keep_the_references_evidence(&mut [AnswerMemory::new(AnswerStore::shared(10))]);
    }

    #[test]
    fn memories_that_share_a_store_keep_the_evidence_each_keeps_alone() {
        // An index handed to the wrong memory, or two answers taken for one, would change a pair.
        let store = AnswerStore::shared(10);
        let mut memories: Vec<AnswerMemory> = (0..3).map(|_| AnswerMemory::new(store.clone())).collect();
        keep_the_references_evidence(&mut memories);
        let indices = |memory: &AnswerMemory| -> BTreeSet<u32> {
            memory.claims.iter().flat_map(|row| row.0.iter().map(|claim| claim.answer.0)).collect()
        };
        let shared = indices(&memories[0]).intersection(&indices(&memories[1])).count();
        assert!(shared >= 20, "the memories' claims point at the same answers: {shared}");
        assert!(memories.iter().all(|m| m.spill.is_empty()), "a store with room takes every answer");
    }

    #[test]
    fn memories_past_a_full_store_keep_their_answers_themselves_and_the_same_evidence() {
        // Miners leave every 50 rounds: the spill is compacted with the claims, and later answers
        // are compared with the spilled ones it kept.
        let store = Arc::new(Mutex::new(AnswerStore::with_limit(10, 20)));
        let mut memories: Vec<AnswerMemory> = (0..2).map(|_| AnswerMemory::new(store.clone())).collect();
        keep_the_references_evidence(&mut memories);
        assert_eq!(store.lock().expect("no poisoned lock").len(), 20, "full");
        assert!(memories.iter().all(|m| !m.spill.is_empty()), "what the store refused, each memory kept");
    }

    #[test]
    fn a_memory_of_192_miners_over_the_whole_pool_holds_12_bytes_a_claim() {
        // A subnet of the 32 × 256 benchmark: 192 miners, each answering all 128 pool rows. The
        // answers themselves (10 classes, 20 bytes) sat in every claim before the store: 28 bytes.
        let store = AnswerStore::shared(10);
        let mut memory = AnswerMemory::new(store.clone());
        for miner in 0..192u16 {
            for positions in (0..VALIDATION_POOL_ROWS).collect::<Vec<usize>>().chunks(16) {
                let rows: Vec<Vec<u16>> = positions.iter().map(|&p| spread((miner + p as u16) % 250)).collect();
                memory.record(HotkeyId(u32::from(miner)), miner, positions, &Probabilities::from_rows(&rows));
            }
        }
        let (claims, bytes) = claims_and_bytes(&memory);
        assert_eq!(claims, 192 * VALIDATION_POOL_ROWS, "every miner claimed every row");
        assert_eq!(bytes, claims * 12, "a claim's miner, arrival and answer index, no spill");
        assert!(memory.pairs.is_empty(), "distinct models");
        assert_eq!(store.lock().expect("no poisoned lock").len(), 250, "each distinct answer once");
    }

    #[test]
    fn the_round_rule_credits_the_earliest_registered_of_identical_answers() {
        let rows = Probabilities::from_rows(&[spread(3)]);
        let mut answers = vec![answer(7, &rows), answer(4, &rows)];
        answers[0].registered_at = 1;
        answers[1].registered_at = 50;
        let mut round = Duplicates::new(DuplicateRule::Round, AnswerStore::shared(10));
        assert_eq!(round.copies(&[0], &answers), BTreeSet::from([4]));
    }
}
