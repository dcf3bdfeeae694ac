//! Yuma3 bonds and dividends (spec §2.6): bonds are per-validator proportions of each miner,
//! moved towards the (penalised) weights by a fixed or liquid rate, stored as they are.

use super::bonds::{
    BondEncoding, alpha_from_moving_average, bond_weights, column_shares_times_incentive, ema, encode_for_storage,
    load_bonds,
};
use super::era::{BondsInputs, BondsOutcome, Era};
use super::liquid_alpha::{AlphaSigmoid, ema_per_entry};
use super::matrix::SparseMatrix;
use crate::fixed::{I32F32, normalize};

pub struct Yuma3;

impl Era for Yuma3 {
    fn name(&self) -> &'static str {
        "yuma3"
    }

    fn bonds_and_dividends(&self, inputs: &BondsInputs) -> BondsOutcome {
        let bond_weights = bond_weights(inputs.weights, inputs.clipped_weights, inputs.bonds_penalty);
        let bonds = load_bonds(inputs.stored_bonds, inputs.recently_registered, BondEncoding::Proportion);

        // Liquid alpha needs some consensus to measure distances against; without it the
        // fixed rate applies.
        let has_consensus = inputs.consensus.iter().any(|c| c.to_bits() != 0);
        let bonds = match inputs.liquid_alpha {
            Some(params) if has_consensus => {
                let mut sigmoid = AlphaSigmoid::new(params);
                ema_per_entry(&bond_weights, &bonds, |_, cols, weights, old, alphas| {
                    sigmoid.row_alphas(cols, weights, old, inputs.consensus, alphas);
                })
            }
            _ => ema(&bond_weights, &bonds, alpha_from_moving_average(inputs.bonds_moving_average)),
        };

        // Dividends: each validator's bond share of every miner's incentive, times its stake.
        let mut dividends: Vec<I32F32> = column_shares_times_incentive(&bonds, inputs.incentive)
            .into_iter()
            .zip(inputs.active_stake)
            .map(|(trust, &stake)| trust.checked_mul(stake).unwrap_or(I32F32::from_num(0)))
            .collect();
        normalize(&mut dividends);

        BondsOutcome { dividends, bonds }
    }

    /// Stored as they are, each entry `⌊x · 65535⌋`.
    fn stored_bonds(&self, bonds: SparseMatrix) -> Vec<Vec<(u16, u16)>> {
        encode_for_storage(&bonds)
    }
}
