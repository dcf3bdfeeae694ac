//! The registration price (spec §4.3, HEAD since 2026-04): the burn decays every block with a
//! half-life, jumps by a multiplier at each registration, and stays within [MinBurn, MaxBurn].

use crate::fixed::U64F64;
use crate::hyperparameters::Hyperparameters;

/// 1.0 in Q32.
const ONE_Q32: u64 = 1 << 32;
/// 0.5 in Q32.
const HALF_Q32: u64 = 1 << 31;

/// `⌊value · factor⌋` with a Q32 factor, saturating at u64::MAX.
pub fn mul_by_q32(value: u64, factor_q32: u64) -> u64 {
    let shifted = (u128::from(value) * u128::from(factor_q32)) >> 32;
    u64::try_from(shifted).unwrap_or(u64::MAX)
}

/// `base ^ exponent` in Q32 by squaring, each product truncated (the chain's order of
/// truncations, which decides the last bits).
pub fn pow_q32(base_q32: u64, exponent: u16) -> u64 {
    let mut result = ONE_Q32;
    let mut factor = base_q32;
    let mut power = exponent;
    while power > 0 {
        if power & 1 == 1 {
            result = mul_by_q32(result, factor);
        }
        power >>= 1;
        if power > 0 {
            factor = mul_by_q32(factor, factor);
        }
    }
    result
}

/// The per-block decay factor: the largest Q32 f with `f ^ half_life ≤ 0.5`, by bisection over
/// [0, 1] (32 steps); 1.0 (no decay) for half-life 0.
pub fn decay_factor_q32(half_life: u16) -> u64 {
    if half_life == 0 {
        return ONE_Q32;
    }
    let (mut lo, mut hi) = (0u64, ONE_Q32);
    while lo + 1 < hi {
        let mid = lo + (hi - lo) / 2;
        if pow_q32(mid, half_life) > HALF_Q32 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    lo
}

/// The burn settings of a subnet.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BurnPolicy {
    pub min_burn_rao: u64,
    pub max_burn_rao: u64,
    /// Per-block decay factor in Q32 (from the half-life).
    pub decay_factor_q32: u64,
    /// Applied at each registration; below 1 counts as 1.
    pub increase_multiplier: U64F64,
}

impl BurnPolicy {
    pub fn new(min_burn_rao: u64, max_burn_rao: u64, half_life: u16, increase_multiplier: U64F64) -> Self {
        Self { min_burn_rao, max_burn_rao, decay_factor_q32: decay_factor_q32(half_life), increase_multiplier }
    }

    /// The policy a subnet's hyperparameters set.
    pub fn from_hyperparameters(h: &Hyperparameters) -> Self {
        Self::new(h.min_burn, h.max_burn, h.burn_half_life, U64F64::from_num(h.burn_increase_mult))
    }

    fn clamp(&self, burn_rao: u64) -> u64 {
        burn_rao.max(self.min_burn_rao).min(self.max_burn_rao)
    }

    /// The burn after one block of decay (the chain skips this at genesis, block 1).
    pub fn decay(&self, burn_rao: u64) -> u64 {
        self.clamp(mul_by_q32(burn_rao, self.decay_factor_q32))
    }

    /// The burn right after a registration: `⌊burn · max(1, multiplier)⌋` in U64F64.
    pub fn bump(&self, burn_rao: u64) -> u64 {
        let multiplier = self.increase_multiplier.max(U64F64::from_num(1));
        let bumped = U64F64::from_num(burn_rao).saturating_mul(multiplier);
        self.clamp(bumped.saturating_to_num::<u64>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vector_burn_decay_factor_q32() {
        let cases = [(1, 2_147_483_648), (2, 3_037_000_500), (360, 4_286_705_684), (1000, 4_291_991_283)];
        for (half_life, factor) in cases {
            assert_eq!(decay_factor_q32(half_life), factor, "half-life {half_life}");
        }
        assert_eq!(decay_factor_q32(0), ONE_Q32);
    }

    #[test]
    fn vector_burn_decay_and_bump() {
        let policy = BurnPolicy::new(0, u64::MAX, 1000, U64F64::from_num(2));
        let burn = policy.bump(1000);
        assert_eq!(burn, 2000);
        assert_eq!(policy.decay(burn), 1998);
    }

    #[test]
    fn vector_burn_min_max_clamp() {
        let policy = BurnPolicy::new(100_000, 150_000, 1, U64F64::from_num(2));
        let mut burn = 1;
        let mut burns = Vec::new();
        burn = policy.decay(burn); // step 1 block
        burns.push(burn);
        burn = policy.bump(burn); // register
        burns.push(burn);
        burn = policy.decay(burn); // step 1 block
        burns.push(burn);
        burn = policy.decay(burn); // step 1 block
        burns.push(burn);
        assert_eq!(burns, vec![100_000, 150_000, 100_000, 100_000]);
    }

    #[test]
    fn a_multiplier_below_one_does_not_lower_the_price() {
        let policy = BurnPolicy::new(0, u64::MAX, 360, U64F64::from_num(0.5));
        assert_eq!(policy.bump(1_000), 1_000);
        let policy = BurnPolicy::new(0, u64::MAX, 360, U64F64::from_num(1.26));
        assert_eq!(policy.bump(1_000_000_000), 1_260_000_000);
    }
}
