//! The network lock cost and the global network rate limit (subnets spec §2.3, §2.4): what a
//! subnet costs at a block, given the last lock and the block emission, as pure functions.

use crate::fixed::I64F64;

/// The block emission the lock's reduction interval is scaled by: 1 TAO (subnets spec §2.3).
const FULL_BLOCK_EMISSION_RAO: u64 = 1_000_000_000;

/// `get_lock_reduction_interval` (§2.3): `I_eff = ⌊I × (E / 10^9)⌋` in I64F64, so the interval
/// halves with each halving of block emission (E/10^9 truncates; the product floors).
pub fn effective_reduction_interval_blocks(interval_blocks: u64, block_emission_rao: u64) -> u64 {
    let ratio = I64F64::saturating_from_num(block_emission_rao) / I64F64::from_num(FULL_BLOCK_EMISSION_RAO);
    I64F64::saturating_from_num(interval_blocks).saturating_mul(ratio).to_num::<u64>()
}

/// The inputs of `get_network_lock_cost` (§2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockCostInputs {
    /// `NetworkLastLockCost` (L).
    pub last_lock_cost_rao: u64,
    /// `NetworkMinLockCost` (M).
    pub min_lock_cost_rao: u64,
    /// The last-lock block B_L (`LastRateLimitedBlock[NetworkLastRegistered]`); 0 = never.
    pub last_lock_block: u64,
    /// `I_eff`, from [`effective_reduction_interval_blocks`].
    pub effective_interval_blocks: u64,
}

/// `λ = max(M, 2L − ⌊L/I_eff⌋·Δ)` (§2.3), every step saturating as subtensor's: the price doubles
/// after a registration (`mult` = 1 while B_L is 0), then falls by a constant step per block
/// (0 when `I_eff` is 0) to the minimum; Δ is 0 while B_L is in the future.
pub fn lock_cost_rao(inputs: LockCostInputs, block: u64) -> u64 {
    let multiplier = if inputs.last_lock_block == 0 { 1 } else { 2 };
    let step_rao = inputs.last_lock_cost_rao.checked_div(inputs.effective_interval_blocks).unwrap_or(0);
    let elapsed_blocks = block.saturating_sub(inputs.last_lock_block);
    let doubled_rao = inputs.last_lock_cost_rao.saturating_mul(multiplier);
    doubled_rao.saturating_sub(step_rao.saturating_mul(elapsed_blocks)).max(inputs.min_lock_cost_rao)
}

/// The global network rate limit (§2.4): passes iff nobody has registered yet (B_L = 0) or
/// `b − B_L ≥ NetworkRateLimit`, saturating, so a future B_L blocks until it is reached.
pub fn rate_limit_passes(last_lock_block: u64, rate_limit_blocks: u64, block: u64) -> bool {
    last_lock_block == 0 || block.saturating_sub(last_lock_block) >= rate_limit_blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAO: u64 = 1_000_000_000;

    fn inputs(last_lock_cost_rao: u64, min_lock_cost_rao: u64, last_lock_block: u64, interval: u64) -> LockCostInputs {
        LockCostInputs {
            last_lock_cost_rao,
            min_lock_cost_rao,
            last_lock_block,
            effective_interval_blocks: effective_reduction_interval_blocks(interval, TAO),
        }
    }

    #[test]
    fn the_low_lock_cost_of_a_first_registration_at_block_one_is_the_minimum() {
        // test_register_subnet_low_lock_cost: M = L = 1 000 RAO, B_L = 0, I = 2, b = 1.
        assert_eq!(lock_cost_rao(inputs(1_000, 1_000, 0, 2), 1), 1_000);
    }

    #[test]
    fn the_high_lock_cost_of_a_first_registration_is_the_minimum() {
        // test_register_subnet_high_lock_cost: M = L = 10^12.
        assert_eq!(lock_cost_rao(inputs(1_000_000_000_000, 1_000_000_000_000, 0, 2), 1), 1_000_000_000_000);
    }

    #[test]
    fn the_lock_reduction_migration_doubles_a_future_last_lock_without_decay() {
        // test_migrate_network_lock_reduction_interval_and_decay: b = 1, I = 57 600, L = 10^12,
        // B_L = b + 50 400 (Δ saturates to 0, mult 2), mock M = 100 TAO.
        let cost = lock_cost_rao(inputs(1_000_000_000_000, 100 * TAO, 50_401, 57_600), 1);
        assert_eq!(cost, 2_000 * TAO);
    }

    #[test]
    fn the_lock_cost_2500_migration_prices_2500_tao_then_falls_by_one_step() {
        // test_migrate_network_lock_cost_2500_sets_price_and_decay: L = 1.25·10^12, B_L = b,
        // mock I = 2 so I_eff = 2 and the step is 6.25·10^11.
        let lock = inputs(1_250_000_000_000, 100 * TAO, 1, 2);
        assert_eq!(lock_cost_rao(lock, 1), 2_500 * TAO);
        assert_eq!(lock_cost_rao(lock, 2), 1_875 * TAO);
    }

    #[test]
    fn the_mainnet_shaped_lock_cost_falls_by_a_constant_step_to_the_minimum() {
        // The spec's mainnet-shaped illustration: L = M = 10^12, I = 57 600, E = 0.5 TAO.
        let interval = effective_reduction_interval_blocks(57_600, TAO / 2);
        assert_eq!(interval, 28_800);
        let lock = LockCostInputs {
            last_lock_cost_rao: 1_000_000_000_000,
            min_lock_cost_rao: 1_000_000_000_000,
            last_lock_block: 1_000,
            effective_interval_blocks: interval,
        };
        assert_eq!(1_000_000_000_000 / interval, 34_722_222);
        assert_eq!(lock_cost_rao(lock, 1_001), 1_999_965_277_778);
        assert_eq!(lock_cost_rao(lock, 8_200), 1_750_000_001_600);
        assert_eq!(lock_cost_rao(lock, 29_800), 1_000_000_006_400);
        assert_eq!(lock_cost_rao(lock, 29_801), 1_000_000_000_000);
        assert_eq!(lock_cost_rao(lock, u64::MAX), 1_000_000_000_000);
    }

    #[test]
    fn the_reduction_interval_halves_with_block_emission_and_a_zero_interval_never_decays() {
        assert_eq!(effective_reduction_interval_blocks(100_800, TAO), 100_800);
        assert_eq!(effective_reduction_interval_blocks(100_800, TAO / 4), 25_200);
        assert_eq!(effective_reduction_interval_blocks(100_800, 0), 0);
        let lock = LockCostInputs {
            last_lock_cost_rao: 10,
            min_lock_cost_rao: 1,
            last_lock_block: 5,
            effective_interval_blocks: 0,
        };
        assert_eq!(lock_cost_rao(lock, 1_000_000), 20);
    }

    #[test]
    fn the_rate_limit_is_global_and_a_future_last_lock_blocks_until_reached() {
        assert!(rate_limit_passes(0, 7_200, 0));
        assert!(!rate_limit_passes(100, 7_200, 7_299));
        assert!(rate_limit_passes(100, 7_200, 7_300));
        // The migration's future B_L with a 28 800 rate limit: Δ saturates to 0 until B_L.
        assert!(!rate_limit_passes(50_401, 28_800, 1));
        assert!(!rate_limit_passes(50_401, 28_800, 79_200));
        assert!(rate_limit_passes(50_401, 28_800, 79_201));
    }
}
