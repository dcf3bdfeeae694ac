//! The random miner: probabilities drawn from its stream, worth nothing against the prior.

use crate::miner::{MinerContext, MinerPolicy, Response};
use crate::protocol::Query;
use crate::rng::unit_f32;

pub struct Random;

impl MinerPolicy for Random {
    fn respond(&mut self, ctx: &mut MinerContext, query: &Query) -> Response {
        let answer = (0..query.rows.len())
            .map(|_| {
                let raw: Vec<f32> = (0..ctx.classes).map(|_| unit_f32(ctx.rng)).collect();
                let total: f32 = raw.iter().sum::<f32>().max(f32::MIN_POSITIVE);
                raw.iter().map(|&x| (x / total * 65_535.0) as u16).collect()
            })
            .collect();
        Response::Answer(answer)
    }
}
