//! The new subnet's pool (subnets spec §2.5 steps 2 and 9): the median spot price of the subnets
//! that exist, and the pool the lock seeds at that price.

use crate::fixed::U64F64;

/// `current_alpha_price` of a mechanism-1 pool never re-weighted (§2.5-2): TAO / alpha in
/// U64F64, 0 for an empty alpha reserve.
pub fn spot_price(tao_rao: u64, alpha_rao: u64) -> U64F64 {
    U64F64::from_num(tao_rao).checked_div(U64F64::from_num(alpha_rao)).unwrap_or(U64F64::from_num(0))
}

/// `get_median_subnet_alpha_price` (§2.5-2) over the prices of the added subnets other than root:
/// zero prices are not eligible; none eligible → 1; an odd count → the middle price; an even
/// count → the mean of the two middle ones (saturating add, truncating halving).
pub fn median_price(prices: impl IntoIterator<Item = U64F64>) -> U64F64 {
    let zero = U64F64::from_num(0);
    let mut eligible: Vec<U64F64> = prices.into_iter().filter(|&price| price > zero).collect();
    eligible.sort_unstable();
    let k = eligible.len();
    if k == 0 {
        return U64F64::from_num(1);
    }
    if k % 2 == 1 {
        return eligible[k / 2];
    }
    eligible[k / 2 - 1].saturating_add(eligible[k / 2]) / U64F64::from_num(2)
}

/// A new subnet's reserves and what the registration recycles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolSeedRao {
    /// `SubnetTAO`.
    pub tao_rao: u64,
    /// `SubnetAlphaIn`.
    pub alpha_rao: u64,
    /// `RAORecycledForRegistration`: the part of the lock taken out of circulation.
    pub recycled_rao: u64,
}

/// HEAD (§2.5-9): `T = max(τ, M)`, `A = ⌊T / μ⌋` in U64F64 (`safe_div`: 0 when the division
/// overflows); nothing recycled (`τ − T` saturates to 0) and no owner alpha.
pub fn seed_at_median_price(locked_rao: u64, min_lock_cost_rao: u64, median: U64F64) -> PoolSeedRao {
    let tao_rao = locked_rao.max(min_lock_cost_rao);
    let alpha_rao = U64F64::from_num(tao_rao).checked_div(median).map_or(0, |alpha| alpha.to_num::<u64>());
    PoolSeedRao { tao_rao, alpha_rao, recycled_rao: locked_rao.saturating_sub(tao_rao) }
}

/// Until 2026-04-01 (§2.9): `SubnetTAO = SubnetAlphaIn = M` (price 1) and `τ − M` recycled.
pub fn seed_at_price_one(locked_rao: u64, min_lock_cost_rao: u64) -> PoolSeedRao {
    PoolSeedRao {
        tao_rao: min_lock_cost_rao,
        alpha_rao: min_lock_cost_rao,
        recycled_rao: locked_rao.saturating_sub(min_lock_cost_rao),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn price(tao_rao: u64, alpha_rao: u64) -> U64F64 {
        spot_price(tao_rao, alpha_rao)
    }

    #[test]
    fn the_median_price_is_one_when_no_subnet_is_eligible() {
        // median_subnet_alpha_price_*: no subnet, or only a zero price (an empty pool, or a pool
        // with no TAO), gives the fallback 1.
        assert_eq!(median_price([]), U64F64::from_num(1));
        assert_eq!(median_price([price(0, 100), price(100, 0)]), U64F64::from_num(1));
    }

    #[test]
    fn the_median_of_an_odd_count_is_the_middle_price() {
        // median_subnet_alpha_price_*: prices {7, 2, 5} → 5.
        assert_eq!(median_price([price(700, 100), price(200, 100), price(500, 100)]), U64F64::from_num(5));
    }

    #[test]
    fn the_median_of_an_even_count_skips_zero_prices_and_averages_the_middle_pair() {
        // median_subnet_alpha_price_*: eligible {2, 8} with a zero-price subnet present → 5
        // (root and subnets not added are never offered to the function).
        assert_eq!(median_price([price(200, 100), price(0, 100), price(800, 100)]), U64F64::from_num(5));
    }

    #[test]
    fn the_first_subnet_is_seeded_at_price_one_and_keeps_its_whole_lock_in_the_pool() {
        // register_network_seeds_first_subnet_from_fallback_price_one_and_keeps_lock_in_pool.
        let seed = seed_at_median_price(100_000_000_000, 100_000_000_000, median_price([]));
        assert_eq!(seed, PoolSeedRao { tao_rao: 100_000_000_000, alpha_rao: 100_000_000_000, recycled_rao: 0 });
        assert_eq!(spot_price(seed.tao_rao, seed.alpha_rao), U64F64::from_num(1));
    }

    #[test]
    fn a_new_subnet_is_seeded_from_the_even_median_snapshot() {
        // register_network_seeds_new_subnet_from_even_median_snapshot: (500, 100) and (200, 100)
        // → μ = 3.5; T_pool = 10^11 → A_pool = 28 571 428 571, a price just above 3.5 that is
        // then the median of the three.
        let median = median_price([price(500, 100), price(200, 100)]);
        assert_eq!(median, U64F64::from_num(3.5));
        let seed = seed_at_median_price(100_000_000_000, 100_000_000_000, median);
        assert_eq!(seed, PoolSeedRao { tao_rao: 100_000_000_000, alpha_rao: 28_571_428_571, recycled_rao: 0 });
        let new_price = spot_price(seed.tao_rao, seed.alpha_rao);
        assert!(new_price >= median);
        assert_eq!(median_price([price(500, 100), price(200, 100), new_price]), new_price);
    }

    #[test]
    fn before_median_seeding_the_pool_holds_the_minimum_at_price_one_and_the_rest_is_recycled() {
        // §2.9 (≤ 2026-04-01): SubnetTAO = SubnetAlphaIn = M, τ − M recycled.
        let seed = seed_at_price_one(250, 100);
        assert_eq!(seed, PoolSeedRao { tao_rao: 100, alpha_rao: 100, recycled_rao: 150 });
    }
}
