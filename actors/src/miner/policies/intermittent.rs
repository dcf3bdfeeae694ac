//! The intermittent miner: up for part of every period, silent the rest (queries time out).

use super::honest::Honest;
use crate::miner::{MinerContext, MinerPolicy, Response};
use crate::policy::PolicyError;
use crate::protocol::Query;

/// A period has blocks, and the miner is online for some of them, at most all (a miner never
/// online is an `offline` fault, not a policy).
pub(super) fn validate(period_blocks: u64, online_blocks: u64) -> Result<(), PolicyError> {
    if online_blocks == 0 || online_blocks > period_blocks {
        return Err(PolicyError::new("", "needs 0 < online_blocks ≤ period_blocks"));
    }
    Ok(())
}

pub struct Intermittent {
    pub period_blocks: u64,
    pub online_blocks: u64,
}

impl MinerPolicy for Intermittent {
    fn respond(&mut self, ctx: &mut MinerContext, query: &Query) -> Response {
        if ctx.block % self.period_blocks.max(1) < self.online_blocks {
            Honest.respond(ctx, query)
        } else {
            Response::Ignore
        }
    }
}
