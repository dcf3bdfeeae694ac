//! The random miner: probabilities drawn from its stream, worth nothing against the prior.

use crate::miner::{MinerContext, MinerPolicy, Response};
use crate::protocol::{Probabilities, Query};
use crate::rng::unit_f32;

pub struct Random;

impl MinerPolicy for Random {
    fn respond(&mut self, ctx: &mut MinerContext, query: &Query) -> Response {
        let mut values = Vec::with_capacity(query.rows.len() * ctx.classes);
        for _ in 0..query.rows.len() {
            let raw: Vec<f32> = (0..ctx.classes).map(|_| unit_f32(ctx.rng)).collect();
            let total: f32 = raw.iter().sum::<f32>().max(f32::MIN_POSITIVE);
            values.extend(raw.iter().map(|&x| (x / total * 65_535.0) as u16));
        }
        Response::Answer(Probabilities::new(ctx.classes, values))
    }
}
