//! One query round: the same hidden rows to a sample of miners, then a reward for each.
//!
//! The reward is the answer's improvement over the task's prior, (L_prior − L) / L_prior clamped to
//! [0, 1], so random or constant answers earn nothing. An answer that is not a probability
//! distribution per row (empty, of the wrong length, or not summing to 1) earns nothing and is
//! counted against its miner. An answer the validator's duplicate rule (`duplicates.rs`) finds to
//! be a copy of another miner's earns nothing and is counted against its miner too.

use super::duplicates::{Answer, Duplicates};
use crate::ml::scoring;
use crate::ml::task::TaskData;
use crate::protocol::{Observation, Outbox, Reply, TimeUs};
use tensorsim_chain::accounts::HotkeyId;

pub(super) struct Round {
    pub sent_us: TimeUs,
    pub deadline_us: TimeUs,
    labels: Vec<u8>,
    /// The rows' positions in the validator's pool, in query order.
    positions: Vec<usize>,
    /// Each miner asked: its UID and the hotkey that held it when asked.
    expected: Vec<(u16, HotkeyId)>,
    /// In arrival order.
    replies: Vec<(u16, Reply)>,
}

impl Round {
    /// A round of `miners` queries.
    pub fn new(sent_us: TimeUs, deadline_us: TimeUs, labels: Vec<u8>, positions: Vec<usize>, miners: usize) -> Self {
        assert_eq!(labels.len(), positions.len(), "a label per row");
        let (expected, replies) = (Vec::with_capacity(miners), Vec::with_capacity(miners));
        Self { sent_us, deadline_us, labels, positions, expected, replies }
    }

    pub fn expect(&mut self, uid: u16, hotkey: HotkeyId) {
        self.expected.push((uid, hotkey));
    }

    /// Records a reply; true when every queried miner has replied.
    pub fn answer(&mut self, uid: u16, reply: Reply) -> bool {
        debug_assert!(self.replies.iter().all(|(u, _)| *u != uid), "one reply per query");
        self.replies.push((uid, reply));
        self.replies.len() == self.expected.len()
    }

    /// Each queried UID's reward; `neuron` gives a UID's registration block and hotkey as last
    /// synced. An answer is the asked miner's (by the hotkey that held the UID when asked); a UID
    /// that changed hands since gets no reward from it, which was its former holder's.
    pub fn rewards(
        &self,
        task: &TaskData,
        neuron: impl Fn(u16) -> Option<(u64, HotkeyId)>,
        duplicates: &mut Duplicates,
        out: &mut Outbox,
    ) -> Vec<(u16, f64)> {
        let classes = task.classes();
        let prior_loss = scoring::prior_nll(&task.prior, &self.labels);
        let reply = |uid: u16| self.replies.iter().find(|(u, _)| *u == uid).map(|(_, r)| r);
        let asked = |uid: u16| self.expected.iter().find(|(u, _)| *u == uid).map(|&(_, hotkey)| hotkey);
        let held = |uid: u16| neuron(uid).filter(|&(_, hotkey)| Some(hotkey) == asked(uid));
        let well_formed: Vec<Answer> = self
            .replies
            .iter()
            .filter_map(|(uid, reply)| match reply {
                Reply::Probabilities(rows) if scoring::well_formed(rows, self.labels.len(), classes).is_ok() => {
                    let registered_at = held(*uid).map_or(u64::MAX, |(registered_at, _)| registered_at);
                    Some(Answer { uid: *uid, hotkey: asked(*uid)?, registered_at, rows })
                }
                _ => None,
            })
            .collect();
        let copies = duplicates.copies(&self.positions, &well_formed);
        let scored = |uid: u16| well_formed.iter().find(|a| a.uid == uid);
        self.expected
            .iter()
            .map(|&(uid, miner)| {
                let reward = match (reply(uid), scored(uid)) {
                    (None, _) => {
                        out.observe(Observation::QueryTimedOut);
                        0.0
                    }
                    (Some(Reply::Refused(reason)), _) => {
                        out.observe(Observation::QueryRefused { reason });
                        0.0
                    }
                    (Some(Reply::Probabilities(_)), None) => {
                        out.observe(Observation::AnswerMalformed { miner });
                        0.0
                    }
                    (Some(Reply::Probabilities(_)), Some(answer)) if copies.contains(&uid) => {
                        out.observe(Observation::AnswerDuplicate { miner: answer.hotkey });
                        0.0
                    }
                    (Some(Reply::Probabilities(_)), Some(answer)) => {
                        scoring::reward(scoring::mean_nll(answer.rows, &self.labels, classes), prior_loss)
                    }
                };
                (uid, reward)
            })
            .filter(|&(uid, _)| held(uid).is_some())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::protocol::Probabilities;
    use crate::validator::answer_store::AnswerStore;
    use crate::validator::duplicates::DuplicateRule;

    /// A good answer to each of `labels`: 60 535 on the label, 555 on each other class.
    fn confident(labels: &[u8]) -> Probabilities {
        let rows: Vec<Vec<u16>> =
            labels.iter().map(|&l| (0..10).map(|c| if c == l { 60_535 } else { 555 }).collect()).collect();
        Probabilities::from_rows(&rows)
    }

    #[test]
    fn under_the_round_rule_duplicates_earn_once_for_the_earliest_registered() {
        let task = TaskData::digits(7);
        let labels = vec![3u8, 5];
        let good = confident(&labels);
        let mut round = Round::new(0, 10, labels, vec![11, 12], 4);
        for uid in [4, 7, 9, 2] {
            round.expect(uid, HotkeyId(u32::from(uid)));
        }
        round.answer(7, Reply::Probabilities(good.clone()));
        round.answer(4, Reply::Probabilities(good.clone()));
        round.answer(9, Reply::Refused("nonce"));
        let neuron = |uid: u16| Some((if uid == 7 { 1 } else { 50 }, HotkeyId(u32::from(uid))));
        let mut out = Outbox::default();
        let mut duplicates = Duplicates::new(DuplicateRule::Round, AnswerStore::shared(10));
        let rewards: BTreeMap<u16, f64> = round.rewards(&task, neuron, &mut duplicates, &mut out).into_iter().collect();
        assert!(rewards[&7] > 0.8, "the original, registered first: {}", rewards[&7]);
        assert_eq!(rewards[&4], 0.0, "the copy");
        assert_eq!((rewards[&9], rewards[&2]), (0.0, 0.0));
        assert_eq!(
            out.observations,
            [
                Observation::AnswerDuplicate { miner: HotkeyId(4) },
                Observation::QueryRefused { reason: "nonce" },
                Observation::QueryTimedOut
            ],
            "in the order queried"
        );
    }

    #[test]
    fn a_malformed_answer_earns_nothing_and_is_counted_against_its_miner_even_when_first() {
        let task = TaskData::digits(7);
        let labels = vec![3u8, 5];
        // Every class "certain": a loss of 0 if it were scored.
        let certain = Probabilities::repeated(&[65_535; 10], labels.len());
        let good = confident(&labels);
        let mut round = Round::new(0, 10, labels, vec![11, 12], 4);
        for uid in [1, 2] {
            round.expect(uid, HotkeyId(100 + u32::from(uid)));
        }
        round.answer(1, Reply::Probabilities(certain));
        round.answer(2, Reply::Probabilities(good));
        let neuron = |uid: u16| Some((u64::from(uid), HotkeyId(100 + u32::from(uid))));
        let mut out = Outbox::default();
        let mut duplicates = Duplicates::new(DuplicateRule::History, AnswerStore::shared(10));
        let rewards: BTreeMap<u16, f64> = round.rewards(&task, neuron, &mut duplicates, &mut out).into_iter().collect();
        assert_eq!(rewards[&1], 0.0);
        assert!(rewards[&2] > 0.8, "{}", rewards[&2]);
        assert_eq!(out.observations, [Observation::AnswerMalformed { miner: HotkeyId(101) }]);
    }

    #[test]
    fn an_answer_from_a_uid_that_changed_hands_is_its_former_holders_and_rewards_nobody() {
        let task = TaskData::digits(7);
        let labels = vec![3u8, 5];
        let good = confident(&labels);
        let mut round = Round::new(0, 10, labels, vec![11, 12], 4);
        round.expect(1, HotkeyId(101));
        round.expect(2, HotkeyId(102));
        round.answer(1, Reply::Probabilities(Probabilities::repeated(&[65_535; 10], 2)));
        round.answer(2, Reply::Probabilities(good));
        // UID 1 was pruned and taken by hotkey 999 while the round was out.
        let neuron = |uid: u16| Some((0, if uid == 1 { HotkeyId(999) } else { HotkeyId(102) }));
        let mut out = Outbox::default();
        let rewards = round.rewards(
            &task,
            neuron,
            &mut Duplicates::new(DuplicateRule::History, AnswerStore::shared(10)),
            &mut out,
        );
        assert_eq!(rewards.iter().map(|&(uid, _)| uid).collect::<Vec<_>>(), [2], "nothing for the newcomer");
        assert_eq!(out.observations, [Observation::AnswerMalformed { miner: HotkeyId(101) }], "the asked miner's");
    }
}
