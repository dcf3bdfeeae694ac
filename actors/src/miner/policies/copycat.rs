//! The copycat: it serves a copy of another miner's model, from the block that model was
//! published on (`delay_blocks`), as copycats on real subnets serve weights pushed to a public
//! hub. Before that it has nothing to serve. Its answers are its target's, bit for bit, so only a
//! validator's duplicate rule stands between it and its target's pay.

use crate::miner::{MinerContext, MinerPolicy, Response};
use crate::policy::Reference;
use crate::protocol::Query;

/// The miner it copies: one `group/index` of its subnet that trains a model of its own.
pub(super) fn reference(target: &str) -> Reference<'_> {
    Reference::new("target", target)
}

pub struct Copycat {
    pub delay_blocks: u64,
}

impl MinerPolicy for Copycat {
    fn respond(&mut self, ctx: &mut MinerContext, query: &Query) -> Response {
        match ctx.model.as_mut() {
            Some(model) if ctx.block >= self.delay_blocks => Response::Answer(model.answer(&query.rows)),
            _ => Response::Ignore,
        }
    }
}
