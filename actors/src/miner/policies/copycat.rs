//! The copycat: it asks another miner and relays the answer as its own. Identical answers earn
//! once (for the earliest-registered UID), so copying does not pay.

use crate::miner::{MinerContext, MinerPolicy, Response};
use crate::policy::Reference;
use crate::protocol::{NodeId, Query};

/// The miner it relays: one `group/index` of its subnet that answers on its own (a copycat of a
/// copycat could forward in a circle).
pub(super) fn reference(target: &str) -> Reference<'_> {
    Reference::new("target", target)
}

pub struct Copycat {
    pub target: NodeId,
}

impl MinerPolicy for Copycat {
    fn respond(&mut self, _ctx: &mut MinerContext, _query: &Query) -> Response {
        Response::Forward(self.target)
    }
}
