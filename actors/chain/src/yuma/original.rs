//! Original Yuma bonds and dividends (spec §2.5): bonds are an EMA of stake-weighted bond
//! weights, column-normalised, stored column-max-upscaled. The dated rules of `EpochRules` give
//! its 2024 and early-2025 forms (§2.9).

use std::borrow::Cow;

use super::bonds::{
    BondEncoding, alpha_from_moving_average, bond_weights, bonds_times_incentive, ema, ema_by_column,
    encode_for_storage, load_bonds,
};
use super::era::{BondsInputs, BondsOutcome, Era};
use super::liquid_alpha_v1::column_alphas;
use super::matrix::SparseMatrix;
use crate::fixed::{I32F32, mul_raw, normalize};

pub struct OriginalYuma;

impl Era for OriginalYuma {
    fn name(&self) -> &'static str {
        "original"
    }

    fn bonds_and_dividends(&self, inputs: &BondsInputs) -> BondsOutcome {
        let rules = inputs.rules;
        let bond_weights = if rules.bonds_penalty {
            bond_weights(inputs.weights, inputs.clipped_weights, inputs.bonds_penalty)
        } else {
            Cow::Borrowed(inputs.clipped_weights)
        };

        // B: stored as column-max-upscaled u16, read back as integers and column-normalised.
        let mut bonds = if rules.recently_registered_bonds_mask {
            load_bonds(inputs.stored_bonds, inputs.recently_registered, BondEncoding::Integer)
        } else {
            let current = outdated_bonds_removed(inputs.stored_bonds, inputs.last_update, inputs.registered_at);
            load_bonds(&current, &vec![false; inputs.registered_at.len()], BondEncoding::Integer)
        };
        bonds.normalize_columns();

        // ΔB_ij = W^b_ij · a_i, column-normalised.
        let mut bought = bond_weights
            .map_values(|i, _, w| I32F32::from_bits(mul_raw(w.to_bits(), inputs.active_stake[i].to_bits())));
        bought.normalize_columns();

        // B' = α·ΔB + (1 − α)·B, column-normalised; α per column under liquid alpha v1. At HEAD
        // liquid alpha has no effect in this era.
        let alphas = inputs
            .liquid_alpha
            .filter(|_| rules.liquid_alpha_v1)
            .and_then(|params| column_alphas(params, inputs.consensus));
        let mut bonds = match alphas {
            Some(alphas) => ema_by_column(&bought, &bonds, |j| alphas[j].to_bits()),
            None => ema(&bought, &bonds, alpha_from_moving_average(inputs.bonds_moving_average)),
        };
        bonds.normalize_columns();

        let mut dividends: Vec<I32F32> = bonds_times_incentive(&bonds, inputs.incentive);
        normalize(&mut dividends);
        BondsOutcome { dividends, bonds }
    }

    /// Stored column-max-upscaled, each entry `⌊x · 65535⌋`.
    fn stored_bonds(&self, mut bonds: SparseMatrix) -> Vec<Vec<(u16, u16)>> {
        bonds.max_upscale_columns();
        encode_for_storage(&bonds)
    }
}

/// Before 2025-03-28 bond (i, j) was dropped when `LU_i ≤ R_j`: i's bonds to a UID registered
/// since i last set weights.
fn outdated_bonds_removed(
    stored: &[Vec<(u16, u16)>],
    last_update: &[u64],
    registered_at: &[u64],
) -> Vec<Vec<(u16, u16)>> {
    stored
        .iter()
        .zip(last_update)
        .map(|(row, &updated)| {
            row.iter()
                .copied()
                .filter(|&(j, _)| registered_at.get(usize::from(j)).is_some_and(|&registered| updated > registered))
                .collect()
        })
        .collect()
}
