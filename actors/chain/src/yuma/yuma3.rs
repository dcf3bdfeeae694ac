//! Yuma3 bonds and dividends (spec §2.6): bonds are per-validator proportions of each miner,
//! moved towards the (penalised) weights by a fixed or liquid rate, stored as they are.

use std::borrow::Cow;

use super::bonds::{
    BondEncoding, alpha_from_moving_average, bond_weights, column_shares_times_incentive, ema, ema_entry,
    encode_for_storage, load_bonds,
};
use super::dense::bonds::{self as dense_bonds, BondMask, EraBlock, LiquidRows, positive};
use super::dense::{ABSENT, DenseMatrix, or_zero};
use super::era::{Bonds, BondsInputs, BondsOutcome, Era, WeightsIn};
use super::liquid_alpha::{AlphaSigmoid, ema_per_entry};
use super::matrix::SparseMatrix;
use crate::fixed::{I32F32, normalize, u16_proportion_to_fixed};

pub struct Yuma3;

impl Era for Yuma3 {
    fn name(&self) -> &'static str {
        "yuma3"
    }

    fn bonds_and_dividends(&self, weights: WeightsIn, inputs: &BondsInputs) -> BondsOutcome {
        let (bonds, shares) = match weights {
            WeightsIn::Sparse { weights, clipped } => {
                let bonds = sparse_bonds(inputs, weights, clipped);
                let shares = column_shares_times_incentive(&bonds, inputs.incentive);
                (Bonds::Sparse(bonds), shares)
            }
            WeightsIn::Dense(weights) => {
                let (bonds, sums) = dense_bonds(inputs, weights);
                let shares = dense_bonds::column_shares_times_incentive(&bonds, &sums, inputs.incentive);
                (Bonds::Dense(bonds), shares)
            }
        };
        // Dividends: each validator's bond share of every miner's incentive, times its stake.
        let mut dividends: Vec<I32F32> = shares
            .into_iter()
            .zip(inputs.active_stake)
            .map(|(trust, &stake)| trust.checked_mul(stake).unwrap_or(I32F32::from_num(0)))
            .collect();
        normalize(&mut dividends);
        BondsOutcome { dividends, bonds }
    }

    /// Stored as they are, each entry `⌊x · 65535⌋`.
    fn stored_bonds(&self, bonds: Bonds) -> Vec<Vec<(u16, u16)>> {
        match bonds {
            Bonds::Sparse(bonds) => encode_for_storage(&bonds),
            Bonds::Dense(bonds) => dense_bonds::encode_for_storage(&bonds),
        }
    }
}

/// Liquid alpha needs some consensus to measure distances against; without it the fixed rate
/// applies.
fn liquid_alpha_applies(inputs: &BondsInputs) -> bool {
    inputs.liquid_alpha.is_some() && inputs.consensus.iter().any(|c| c.to_bits() != 0)
}

/// The bonds on compressed rows.
fn sparse_bonds(inputs: &BondsInputs, weights: &SparseMatrix, clipped: &SparseMatrix) -> SparseMatrix {
    let bond_weights = bond_weights(weights, clipped, inputs.bonds_penalty);
    let bonds = load_bonds(inputs.stored_bonds, inputs.recently_registered, BondEncoding::Proportion);
    match inputs.liquid_alpha {
        Some(params) if liquid_alpha_applies(inputs) => {
            let mut sigmoid = AlphaSigmoid::new(params);
            ema_per_entry(&bond_weights, &bonds, |_, cols, weights, old, alphas| {
                sigmoid.row_alphas(cols, weights, old, inputs.consensus, alphas);
            })
        }
        _ => ema(&bond_weights, &bonds, alpha_from_moving_average(inputs.bonds_moving_average)),
    }
}

/// The same bonds on the dense block, a row at a time: its bond weights, its stored bonds as
/// proportions, the EMA; with the bonds' column sums.
fn dense_bonds(inputs: &BondsInputs, weights: Cow<DenseMatrix>) -> (DenseMatrix, Vec<i64>) {
    let block =
        EraBlock::new(weights, inputs.consensus, inputs.stored_bonds, BondMask::Columns(inputs.recently_registered));
    let ratio = u16_proportion_to_fixed(inputs.bonds_penalty);
    let (mut bond_weights, mut old) = (vec![ABSENT; block.width()], vec![I32F32::from_bits(0); block.width()]);
    let proportion = |_, b| u16_proportion_to_fixed(b).to_bits();
    match inputs.liquid_alpha {
        Some(params) if liquid_alpha_applies(inputs) => {
            let mut liquid = LiquidRows::new(params, block.width());
            block.into_rows(|rows, r, weights, out| {
                rows.bond_weights(weights, ratio, &mut bond_weights);
                rows.stored_row(r, proportion, &mut old);
                liquid.row(&bond_weights, &old, rows.consensus(), out);
            })
        }
        _ => {
            let alpha = alpha_from_moving_average(inputs.bonds_moving_average).to_bits();
            block.into_rows(|rows, r, weights, out| {
                rows.bond_weights(weights, ratio, &mut bond_weights);
                rows.stored_row(r, proportion, &mut old);
                for ((out, &w), &b) in out.iter_mut().zip(&bond_weights).zip(&old) {
                    *out = positive(ema_entry(alpha, or_zero(w), b.to_bits()));
                }
            })
        }
    }
}
