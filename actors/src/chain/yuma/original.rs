//! Original Yuma bonds and dividends (spec §2.5): bonds are an EMA of stake-weighted bond
//! weights, column-normalised, stored column-max-upscaled.

use super::bonds::{
    BondEncoding, alpha_from_moving_average, bond_weights, bonds_times_incentive, ema, encode_for_storage, load_bonds,
};
use super::{BondsInputs, BondsOutcome, Era};
use crate::chain::fixed::{I32F32, mul_raw, normalize};

pub struct OriginalYuma;

impl Era for OriginalYuma {
    fn name(&self) -> &'static str {
        "original"
    }

    fn bonds_and_dividends(&self, inputs: &BondsInputs) -> BondsOutcome {
        let bond_weights = bond_weights(inputs.weights, inputs.clipped_weights, inputs.bonds_penalty);

        // B: stored as column-max-upscaled u16, read back as integers and column-normalised.
        let mut bonds = load_bonds(inputs.stored_bonds, inputs.recently_registered, BondEncoding::Integer);
        bonds.normalize_columns();

        // ΔB_ij = W^b_ij · a_i, column-normalised.
        let mut bought = bond_weights
            .map_values(|i, _, w| I32F32::from_bits(mul_raw(w.to_bits(), inputs.active_stake[i].to_bits())));
        bought.normalize_columns();

        // B' = α·ΔB + (1 − α)·B, column-normalised. Liquid alpha has no effect in this era at
        // HEAD (its v1 form is a legacy era of its own, §2.9).
        let mut bonds = ema(&bought, &bonds, alpha_from_moving_average(inputs.bonds_moving_average));
        bonds.normalize_columns();

        let mut dividends: Vec<I32F32> = bonds_times_incentive(&bonds, inputs.incentive);
        normalize(&mut dividends);

        bonds.max_upscale_columns();
        BondsOutcome { dividends, bonds: encode_for_storage(&bonds) }
    }
}
