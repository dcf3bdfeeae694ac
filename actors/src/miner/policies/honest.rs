//! The honest miner: its model's answers. (Sybils, stale models and snipers answer the same
//! way; what differs is the model they were given, or when they registered.)

use crate::miner::{MinerContext, MinerPolicy, Response};
use crate::protocol::Query;

pub struct Honest;

impl MinerPolicy for Honest {
    fn respond(&mut self, ctx: &mut MinerContext, query: &Query) -> Response {
        match ctx.model.as_mut() {
            Some(model) => Response::Answer(model.answer(&query.rows)),
            None => Response::Ignore,
        }
    }
}
