//! A subnet's liquidity pool (spec §3.4): TAO and alpha reserves, the spot price, swaps and the
//! protocol's injections.
//!
//! Subtensor swaps through its swap pallet; the spec fixes what the coinbase does with a pool
//! (inject at the spot price, buy alpha with excess TAO) but not the curve. A constant-product
//! pool stands in: prices move the same way as on chain, not by the same amounts. Every amount is
//! integer RAO and every rounding favours the pool, so a swap never creates value.

use super::fixed::U96F32;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pool {
    /// `SubnetTAO`.
    pub tao_rao: u64,
    /// `SubnetAlphaIn`.
    pub alpha_rao: u64,
}

impl Pool {
    /// TAO per alpha, as the coinbase reads it (U96F32; 0 for an empty pool).
    pub fn spot_price(&self) -> U96F32 {
        if self.alpha_rao == 0 {
            return U96F32::from_num(0);
        }
        U96F32::from_num(self.tao_rao) / U96F32::from_num(self.alpha_rao)
    }

    /// Sells `tao_rao` TAO to the pool: returns the alpha bought, `⌊alpha · dx / (tao + dx)⌋`.
    pub fn buy_alpha(&mut self, tao_rao: u64) -> u64 {
        let alpha = swap_out(self.tao_rao, self.alpha_rao, tao_rao);
        self.tao_rao += tao_rao;
        self.alpha_rao -= alpha;
        alpha
    }

    /// Sells `alpha_rao` alpha to the pool: returns the TAO bought.
    pub fn sell_alpha(&mut self, alpha_rao: u64) -> u64 {
        let tao = swap_out(self.alpha_rao, self.tao_rao, alpha_rao);
        self.alpha_rao += alpha_rao;
        self.tao_rao -= tao;
        tao
    }

    /// Protocol liquidity: both sides added, the price left (about) where it was.
    pub fn inject(&mut self, tao_rao: u64, alpha_rao: u64) {
        self.tao_rao += tao_rao;
        self.alpha_rao += alpha_rao;
    }
}

/// Constant product: paying `paid` into reserve `reserve_in` takes `⌊reserve_out · paid /
/// (reserve_in + paid)⌋` out of `reserve_out` (floored: the pool keeps the dust).
fn swap_out(reserve_in: u64, reserve_out: u64, paid: u64) -> u64 {
    let denominator = u128::from(reserve_in) + u128::from(paid);
    if denominator == 0 {
        return 0;
    }
    (u128::from(reserve_out) * u128::from(paid) / denominator) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn swaps_follow_the_constant_product_and_keep_the_dust() {
        let mut pool = Pool { tao_rao: 1_000_000, alpha_rao: 1_000_000 };
        assert_eq!(pool.spot_price(), U96F32::from_num(1));
        assert_eq!(pool.buy_alpha(1_000_000), 500_000);
        assert_eq!(pool, Pool { tao_rao: 2_000_000, alpha_rao: 500_000 });
        assert_eq!(pool.spot_price(), U96F32::from_num(4));
        assert_eq!(pool.sell_alpha(500_000), 1_000_000);
        assert_eq!(pool, Pool { tao_rao: 1_000_000, alpha_rao: 1_000_000 });
        assert_eq!(Pool::default().buy_alpha(0), 0);
    }

    proptest! {
        #[test]
        fn a_round_trip_never_gains(tao in 1u64..1u64 << 50, alpha in 1u64..1u64 << 50, paid in 0u64..1u64 << 50) {
            let mut pool = Pool { tao_rao: tao, alpha_rao: alpha };
            let bought = pool.buy_alpha(paid);
            let back = pool.sell_alpha(bought);
            prop_assert!(back <= paid);
            prop_assert!(u128::from(pool.tao_rao) * u128::from(pool.alpha_rao) >= u128::from(tao) * u128::from(alpha));
        }
    }
}
