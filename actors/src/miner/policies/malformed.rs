//! The malformed miner: answers that are no probability distribution, the cheapest attack on a
//! validator that scores what it is sent. Every class "certain" (`unnormalised`) would score a
//! loss of 0, better than any model, if the validator did not check; the other kinds test the
//! shape checks.

use crate::miner::{MinerContext, MinerPolicy, Response};
use crate::ml::scoring::Malformed;
use crate::protocol::{Probabilities, Query};

pub struct MalformedAnswers {
    pub kind: Malformed,
}

impl MinerPolicy for MalformedAnswers {
    fn respond(&mut self, ctx: &mut MinerContext, query: &Query) -> Response {
        let (rows, classes) = (query.rows.len(), ctx.classes);
        let answer = match self.kind {
            Malformed::Unnormalised => Probabilities::repeated(&vec![u16::MAX; classes], rows),
            // A well-spread distribution, over one class too many.
            Malformed::WrongLength => {
                Probabilities::repeated(&vec![(65_535 / (classes + 1)) as u16; classes + 1], rows)
            }
            Malformed::Empty => Probabilities::default(),
        };
        Response::Answer(answer)
    }
}
