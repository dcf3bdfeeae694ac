//! The epoch's emission split (spec §2.7).

use crate::fixed::{I32F32, divide_raw, max_upscale_to_u16, share_of_rao};

/// RAO per UID, each floored, so every vector sums to at most the epoch's emission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmissionSplit {
    pub server_rao: Vec<u64>,
    pub validator_rao: Vec<u64>,
    /// `Emission` on chain: the combined share of incentive and dividends.
    pub combined_rao: Vec<u64>,
    /// The combined share max-upscaled: `PruningScores` of the chain until 2025-10-28 (§2.8).
    pub pruning_score: Vec<u16>,
}

/// Miners are paid by incentive and validators by dividends, each over `e_sum = Σ(I + D)`. When
/// nothing is earned (`e_sum = 0`) validators get everything by active stake, or by raw stake if
/// no stake is active, and miners nothing (§2.7.3).
pub fn split_emission(
    incentive: &[I32F32],
    dividends: &[I32F32],
    active_stake: &[I32F32],
    stake_weight: &[I32F32],
    emission_rao: u64,
) -> EmissionSplit {
    let earned: Vec<i64> = incentive.iter().zip(dividends).map(|(i, d)| i.to_bits() + d.to_bits()).collect();
    let e_sum: i64 = earned.iter().sum();
    let to_rao = |shares: &[I32F32]| -> Vec<u64> { shares.iter().map(|&x| share_of_rao(x, emission_rao)).collect() };

    if e_sum == 0 {
        let fallback = if active_stake.iter().any(|a| a.to_bits() != 0) { active_stake } else { stake_weight };
        return EmissionSplit {
            server_rao: vec![0; incentive.len()],
            validator_rao: to_rao(fallback),
            combined_rao: to_rao(fallback),
            pruning_score: max_upscale_to_u16(fallback),
        };
    }
    debug_assert!(e_sum > 0);
    let share = |raw: i64| I32F32::from_bits(divide_raw(raw as u64, e_sum as u64) as i64);
    let server: Vec<I32F32> = incentive.iter().map(|x| share(x.to_bits())).collect();
    let validator: Vec<I32F32> = dividends.iter().map(|x| share(x.to_bits())).collect();
    let combined: Vec<I32F32> = earned.iter().map(|&x| share(x)).collect();
    EmissionSplit {
        server_rao: to_rao(&server),
        validator_rao: to_rao(&validator),
        combined_rao: to_rao(&combined),
        pruning_score: max_upscale_to_u16(&combined),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_miner_one_validator_split_in_half() {
        let one = I32F32::from_num(1);
        let zero = I32F32::from_num(0);
        let split = split_emission(&[zero, one], &[one, zero], &[one, zero], &[one, zero], 1_000_000_000);
        assert_eq!(split.combined_rao, vec![500_000_000, 500_000_000]);
        assert_eq!(split.server_rao, vec![0, 500_000_000]);
        assert_eq!(split.validator_rao, vec![500_000_000, 0]);
        assert_eq!(split.pruning_score, vec![65_535, 65_535]);
    }

    #[test]
    fn nothing_earned_falls_back_to_active_then_raw_stake() {
        let zero = I32F32::from_num(0);
        let half = I32F32::from_num(0.5);
        let split = split_emission(&[zero, zero], &[zero, zero], &[zero, zero], &[half, half], 10);
        assert_eq!(split.validator_rao, vec![5, 5]);
        assert_eq!(split.server_rao, vec![0, 0]);
        let split = split_emission(&[zero, zero], &[zero, zero], &[zero, I32F32::from_num(1)], &[half, half], 10);
        assert_eq!(split.combined_rao, vec![0, 10]);
    }
}
