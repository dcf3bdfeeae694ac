//! One query round: the same hidden rows to a sample of miners, then a reward for each.
//!
//! The reward is the answer's improvement over the task's prior, (L_prior − L) / L_prior clamped to
//! [0, 1], so random or constant answers earn nothing. An answer that is not a probability
//! distribution per row (empty, of the wrong length, or not summing to 1) earns nothing and is
//! counted against its miner. Identical answers earn once: only the
//! earliest-registered UID among those that sent the same bytes is credited, so relaying another
//! miner's answers (a copycat) or serving one model behind many UIDs (sybils) does not pay.

use std::collections::BTreeMap;

use crate::ml::scoring;
use crate::ml::task::TaskData;
use crate::protocol::{Observation, Outbox, Reply, TimeUs};
use tensorsim_chain::accounts::HotkeyId;

pub(super) struct Round {
    pub sent_us: TimeUs,
    pub deadline_us: TimeUs,
    labels: Vec<u8>,
    expected: Vec<u16>,
    replies: BTreeMap<u16, Reply>,
}

impl Round {
    pub fn new(sent_us: TimeUs, deadline_us: TimeUs, labels: Vec<u8>) -> Self {
        Self { sent_us, deadline_us, labels, expected: Vec::new(), replies: BTreeMap::new() }
    }

    pub fn expect(&mut self, uid: u16) {
        self.expected.push(uid);
    }

    /// Records a reply; true when every queried miner has replied.
    pub fn answer(&mut self, uid: u16, reply: Reply) -> bool {
        self.replies.insert(uid, reply);
        self.replies.len() == self.expected.len()
    }

    /// Each queried UID's reward; `neuron` gives a UID's registration block (which orders
    /// duplicates) and hotkey (which a malformed answer is counted against), as last synced.
    pub fn rewards(
        &self,
        task: &TaskData,
        neuron: impl Fn(u16) -> Option<(u64, HotkeyId)>,
        out: &mut Outbox,
    ) -> Vec<(u16, f64)> {
        let classes = task.classes();
        let prior_loss = scoring::prior_nll(&task.prior, &self.labels);
        let well_formed = |rows: &[Vec<u16>]| scoring::well_formed(rows, self.labels.len(), classes).is_ok();
        // The first claimant of each distinct well-formed answer, by (registration block, uid).
        let mut first: BTreeMap<u64, (u64, u16)> = BTreeMap::new();
        for (&uid, reply) in &self.replies {
            if let Reply::Probabilities(rows) = reply
                && well_formed(rows)
            {
                let claim = (neuron(uid).map_or(u64::MAX, |(registered_at, _)| registered_at), uid);
                first.entry(fingerprint(rows)).and_modify(|c| *c = (*c).min(claim)).or_insert(claim);
            }
        }
        self.expected
            .iter()
            .map(|&uid| {
                let reward = match self.replies.get(&uid) {
                    None => {
                        out.observe(Observation::QueryTimedOut);
                        0.0
                    }
                    Some(Reply::Refused(reason)) => {
                        out.observe(Observation::QueryRefused { reason });
                        0.0
                    }
                    Some(Reply::Probabilities(rows)) if !well_formed(rows) => {
                        if let Some((_, miner)) = neuron(uid) {
                            out.observe(Observation::AnswerMalformed { miner });
                        }
                        0.0
                    }
                    Some(Reply::Probabilities(rows)) if first[&fingerprint(rows)].1 != uid => 0.0,
                    Some(Reply::Probabilities(rows)) => {
                        scoring::reward(scoring::mean_nll(rows, &self.labels, classes), prior_loss)
                    }
                };
                (uid, reward)
            })
            .collect()
    }
}

/// FNV-1a over the answer's values and row boundaries: equal answers, equal fingerprints.
fn fingerprint(rows: &[Vec<u16>]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    let mut eat = |byte: u8| {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    };
    for row in rows {
        for value in row {
            value.to_le_bytes().into_iter().for_each(&mut eat);
        }
        eat(0xff);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_earn_once_for_the_earliest_registered() {
        let task = TaskData::digits(7);
        let labels = vec![3u8, 5];
        let good: Vec<Vec<u16>> =
            labels.iter().map(|&l| (0..10).map(|c| if c == l { 60_535 } else { 555 }).collect()).collect();
        let mut round = Round::new(0, 10, labels);
        for uid in [4, 7, 9, 2] {
            round.expect(uid);
        }
        round.answer(7, Reply::Probabilities(good.clone()));
        round.answer(4, Reply::Probabilities(good.clone()));
        round.answer(9, Reply::Refused("nonce"));
        let neuron = |uid: u16| Some((if uid == 7 { 1 } else { 50 }, HotkeyId(u32::from(uid))));
        let mut out = Outbox::default();
        let rewards: BTreeMap<u16, f64> = round.rewards(&task, neuron, &mut out).into_iter().collect();
        assert!(rewards[&7] > 0.8, "the original, registered first: {}", rewards[&7]);
        assert_eq!(rewards[&4], 0.0, "the copy");
        assert_eq!((rewards[&9], rewards[&2]), (0.0, 0.0));
        assert_eq!(
            out.observations,
            [Observation::QueryRefused { reason: "nonce" }, Observation::QueryTimedOut],
            "in the order queried"
        );
    }

    #[test]
    fn a_malformed_answer_earns_nothing_and_is_counted_against_its_miner_even_when_first() {
        let task = TaskData::digits(7);
        let labels = vec![3u8, 5];
        // Every class "certain": a loss of 0 if it were scored.
        let certain: Vec<Vec<u16>> = labels.iter().map(|_| vec![65_535; 10]).collect();
        let good: Vec<Vec<u16>> =
            labels.iter().map(|&l| (0..10).map(|c| if c == l { 60_535 } else { 555 }).collect()).collect();
        let mut round = Round::new(0, 10, labels);
        for uid in [1, 2] {
            round.expect(uid);
        }
        round.answer(1, Reply::Probabilities(certain));
        round.answer(2, Reply::Probabilities(good));
        let neuron = |uid: u16| Some((u64::from(uid), HotkeyId(100 + u32::from(uid))));
        let mut out = Outbox::default();
        let rewards: BTreeMap<u16, f64> = round.rewards(&task, neuron, &mut out).into_iter().collect();
        assert_eq!(rewards[&1], 0.0);
        assert!(rewards[&2] > 0.8, "{}", rewards[&2]);
        assert_eq!(out.observations, [Observation::AnswerMalformed { miner: HotkeyId(101) }]);
    }
}
