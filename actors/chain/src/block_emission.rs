//! Block emission as a function of issuance (spec §3.1): 1 TAO per block, halving each time the
//! issuance crosses 21M·(1 − 2^-k). The same curve gives each subnet its alpha emission from the
//! subnet's alpha issuance.

use super::fixed::I96F32;

/// 1 TAO, the emission before the first halving.
pub const DEFAULT_BLOCK_EMISSION_RAO: u64 = 1_000_000_000;
/// 21 M TAO: nothing is emitted at or above it.
pub const TOTAL_SUPPLY_RAO: u64 = 21_000_000_000_000_000;

/// The emission of the next block for this issuance, computed as the chain does in I96F32:
/// q = I / 21·10^15, X = 1 / (1 − q), k = ⌊log2 X⌋, emission = ⌊10^9 / 2^k⌋ (0 past 32 halvings).
/// Both divisions truncate, so exactly at a threshold the lower emission applies.
pub fn block_emission_for_issuance(issuance_rao: u64) -> u64 {
    if issuance_rao >= TOTAL_SUPPLY_RAO {
        return 0;
    }
    let one = I96F32::from_num(1);
    let fraction = I96F32::from_num(issuance_rao) / I96F32::from_num(TOTAL_SUPPLY_RAO);
    let inverse = one / (one - fraction);
    let halvings = log2_floor(inverse);
    if halvings > 32 {
        return 0;
    }
    // 1/2^k is exact in 32 fractional bits, so the product with 10^9 is exact before the floor.
    let factor = I96F32::from_bits(1i128 << (32 - halvings));
    (factor * I96F32::from_num(DEFAULT_BLOCK_EMISSION_RAO)).to_num::<u64>()
}

/// ⌊log2 x⌋ for x ≥ 1: how often x can be halved while it stays ≥ 2 (exact on the fixed bits).
fn log2_floor(x: I96F32) -> u32 {
    debug_assert!(x >= I96F32::from_num(1));
    let integer = (x.to_bits() >> 32) as u128;
    127 - integer.leading_zeros()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vector_block_emission_halving_thresholds() {
        let cases = [
            (10_499_999_999_999_999, 1_000_000_000),
            (10_500_000_000_000_000, 500_000_000),
            (15_749_999_999_999_999, 500_000_000),
            (15_750_000_000_000_000, 250_000_000),
            (18_374_999_999_999_999, 250_000_000),
            (18_375_000_000_000_000, 125_000_000),
            (19_687_499_999_999_999, 125_000_000),
            (19_687_500_000_000_000, 62_500_000),
        ];
        for (issuance, emission) in cases {
            assert_eq!(block_emission_for_issuance(issuance), emission, "issuance {issuance}");
        }
        assert_eq!(block_emission_for_issuance(0), DEFAULT_BLOCK_EMISSION_RAO);
        assert_eq!(block_emission_for_issuance(TOTAL_SUPPLY_RAO), 0);
        assert_eq!(block_emission_for_issuance(u64::MAX), 0);
    }

    #[test]
    fn vector_block_emission_issuance_bound_100_halvings() {
        // test_issuance_bounds: 100 rounds of issuance += emission(issuance) · 10 500 000.
        let mut issuance = 0u64;
        for _ in 0..100 {
            issuance += block_emission_for_issuance(issuance) * 10_500_000;
        }
        assert_eq!(issuance, 20_999_999_989_500_000);
    }

    #[test]
    fn emission_never_rises_with_issuance() {
        let mut last = u64::MAX;
        for k in 0..=64u32 {
            let issuance = TOTAL_SUPPLY_RAO - (TOTAL_SUPPLY_RAO >> k.min(63));
            let emission = block_emission_for_issuance(issuance);
            assert!(emission <= last, "emission rose at issuance {issuance}");
            last = emission;
        }
        assert_eq!(last, 0);
    }
}
