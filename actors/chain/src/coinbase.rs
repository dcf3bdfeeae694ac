//! The dTAO coinbase at HEAD (spec §3.4, §3.5): each block's TAO emission shared among subnets
//! by moving price, injected into their pools, each subnet's alpha emission split between the
//! owner, miners, validators and root, and the epochs that are due.

use super::block_emission::block_emission_for_issuance;
use super::fixed::{I32F32, I64F64, U64F64, U96F32};
use super::profile::ShareRule;
use super::state::{BlockReport, Chain, tao_weight_fraction};

/// `FlowEmaSmoothingFactor` default: α ≈ 3.2·10⁻⁶ per block, a half-life of about 216 000 blocks.
const FLOW_EMA_SMOOTHING_FACTOR: i64 = 29_597_889_189_277;
/// `FlowNormExponent` default.
const FLOW_NORM_EXPONENT: u8 = 1;

impl Chain {
    /// Subnets in the block's emit set: started (`start_call`). Their alpha flows out and their
    /// moving price moves whether or not their TAO side is enabled (subnets spec §2.8).
    fn emits(&self, index: usize, block: u64) -> bool {
        self.subnets[index].first_emission_block.is_some_and(|first| first <= block)
    }

    /// Subnets of the emit set that take a share of the block's TAO: those root enabled
    /// (`SubnetEmissionEnabled`; a subnet registered at HEAD starts without, §2.8). The others'
    /// shares go to these.
    fn takes_tao(&self, index: usize, block: u64) -> bool {
        self.subnets[index].emission_enabled && self.emits(index, block)
    }

    /// Each subnet's share of the block's TAO, by the profile's rule.
    fn tao_shares(&mut self, block: u64) -> Vec<U64F64> {
        match self.profile().share_rule {
            ShareRule::MovingPrice => self.price_shares(block),
            ShareRule::TaoFlow => self.flow_shares(block),
        }
    }

    /// §3.4.6, the flow era: each subnet's moving average of net TAO flow takes this block's flow
    /// (α = `FlowEmaSmoothingFactor` / i64::MAX); shares are the positive parts, power-normalised
    /// with `FlowNormExponent` (default 1). Subnets that take no TAO get nothing.
    fn flow_shares(&mut self, block: u64) -> Vec<U64F64> {
        let alpha = I64F64::from_num(FLOW_EMA_SMOOTHING_FACTOR) / I64F64::from_num(i64::MAX);
        let one = I64F64::from_num(1);
        let mut flows: Vec<U64F64> = Vec::with_capacity(self.subnets.len());
        for index in 0..self.subnets.len() {
            let emits = self.takes_tao(index, block);
            let subnet = &mut self.subnets[index];
            let flow = I64F64::saturating_from_num(std::mem::take(&mut subnet.tao_flow_rao));
            subnet.ema_tao_flow =
                alpha.saturating_mul(flow).saturating_add((one - alpha).saturating_mul(subnet.ema_tao_flow));
            let positive = subnet.ema_tao_flow.max(I64F64::from_num(0));
            flows.push(if emits { U64F64::saturating_from_num(positive) } else { U64F64::from_num(0) });
        }
        pow_normalize(&mut flows, U64F64::from_num(FLOW_NORM_EXPONENT));
        flows
    }

    /// Each subnet's share of the block's TAO (§3.4.1): moving price over the total, weighted by
    /// the part of its miner emission that was not burned, renormalised; plain price shares if
    /// every weight is 0; nothing at all if no subnet has a price yet. Subnets that take no TAO
    /// count no price.
    fn price_shares(&self, block: u64) -> Vec<U64F64> {
        let zero = U64F64::from_num(0);
        let prices: Vec<U64F64> = (0..self.subnets.len())
            .map(|i| if self.takes_tao(i, block) { self.subnets[i].ema_price } else { zero })
            .collect();
        let weighted: Vec<U64F64> = prices
            .iter()
            .zip(&self.subnets)
            .map(|(&price, subnet)| price.saturating_mul(U64F64::from_num(1).saturating_sub(subnet.miner_burned)))
            .collect();
        let basis = if weighted.iter().any(|&w| w > zero) { weighted } else { prices };
        let total: U64F64 = basis.iter().fold(zero, |sum, &p| sum.saturating_add(p));
        if total == zero {
            return vec![zero; self.subnets.len()];
        }
        basis.iter().map(|&p| p / total).collect()
    }

    /// Mints the block's emission, injects it, and runs the epochs that are due.
    pub(super) fn run_coinbase(&mut self, block: u64) -> BlockReport {
        let emission = block_emission_for_issuance(self.total_issuance_rao);
        self.total_issuance_rao += emission;
        self.tao_issued_rao += u128::from(emission);
        self.emit_to_subnets(block, emission);

        BlockReport {
            block,
            emission_rao: emission,
            epochs: self.run_due_epochs(block, Chain::drain_and_distribute),
            ..BlockReport::default()
        }
    }

    /// Spends a minted `emission` on the subnets (§3.4.1–4); what no subnet takes is recycled.
    fn emit_to_subnets(&mut self, block: u64, emission: u64) {
        let shares = self.tao_shares(block);
        let tau_root = tao_weight_fraction(self.params.tao_weight) * U96F32::from_num(self.total_root_tao());
        // Root dividends are kept only while subnet prices sum above 1 (the root sell flag).
        let price_sum: U64F64 = (0..self.subnets.len())
            .filter(|&i| self.emits(i, block))
            .fold(U64F64::from_num(0), |sum, i| sum.saturating_add(self.subnets[i].ema_price));
        let root_sell = price_sum > U64F64::from_num(1);
        let owner_cut = U96F32::from_num(self.params.subnet_owner_cut) / U96F32::from_num(u16::MAX);

        let mut spent = 0u64;
        for (index, &share) in shares.iter().enumerate() {
            if !self.emits(index, block) {
                continue;
            }
            let tao = (U96F32::from_num(emission) * U96F32::from_num(share)).to_num::<u64>();
            let takes_tao = self.takes_tao(index, block);
            let subnet = &mut self.subnets[index];
            let alpha_issuance = U96F32::from_num(subnet.alpha_issuance_rao());
            let alpha_emission = block_emission_for_issuance(subnet.alpha_issuance_rao());
            let root_proportion = if tau_root + alpha_issuance == U96F32::from_num(0) {
                U96F32::from_num(0)
            } else {
                tau_root / (tau_root + alpha_issuance)
            };

            // §3.4.2–3: TAO in at the spot price, alpha in capped by the root proportion, the
            // excess TAO buying alpha the protocol keeps. An empty pool has no price: its TAO is
            // recycled below. A subnet without its TAO side (share 0) takes nothing in.
            let price = subnet.pool.spot_price();
            if takes_tao && price > U96F32::from_num(0) {
                let cap = (root_proportion * U96F32::from_num(alpha_emission)).to_num::<u64>();
                let wanted = (U96F32::from_num(tao) / price).to_num::<u64>();
                let (alpha_in, tao_in) = if wanted > cap {
                    (cap, (U96F32::from_num(cap) * price).to_num::<u64>().min(tao))
                } else {
                    (wanted, tao)
                };
                subnet.pool.inject(tao_in, alpha_in);
                subnet.alpha_issued_rao += u128::from(alpha_in);
                let bought = subnet.pool.buy_alpha(tao - tao_in);
                subnet.protocol_alpha_rao += bought;
                subnet.alpha_out_rao += bought;
                spent += tao;
            }

            // §3.4.4: alpha out, split owner / miners / validators / root.
            subnet.alpha_out_rao += alpha_emission;
            subnet.alpha_issued_rao += u128::from(alpha_emission);
            let to_owner = (U96F32::from_num(alpha_emission) * owner_cut).to_num::<u64>();
            let half = U96F32::from_num(alpha_emission - to_owner) / U96F32::from_num(2);
            let to_root = (root_proportion * half).to_num::<u64>();
            let to_miners = half.to_num::<u64>();
            let to_validators = (half - root_proportion * half).to_num::<u64>();
            subnet.pending.owner_cut_rao += to_owner;
            subnet.pending.server_rao += to_miners;
            subnet.pending.validator_rao += to_validators;
            let dust = alpha_emission - to_owner - to_miners - to_validators - to_root;
            if root_sell {
                subnet.pending.root_alpha_rao += to_root;
                subnet.recycle_alpha(dust);
            } else {
                subnet.recycle_alpha(dust + to_root);
            }
        }
        // Unspent credit (no emitting subnet, flooring) is recycled.
        self.recycle_tao(emission - spent);
    }

    /// §3.5: `ema ← α_eff · min(spot, 1) + (1 − α_eff) · ema` with
    /// `α_eff = SubnetMovingAlpha · t / (t + EMAPriceHalvingBlocks)`, t blocks since emission began.
    pub(super) fn update_moving_prices(&mut self, block: u64) {
        let one = U64F64::from_num(1);
        let halving = U64F64::from_num(self.params.ema_price_halving_blocks);
        for index in 0..self.subnets.len() {
            if !self.emits(index, block) {
                continue;
            }
            let moving_alpha = self.params.subnet_moving_alpha;
            let subnet = &mut self.subnets[index];
            let first = subnet.first_emission_block.expect("emitting subnets have started");
            let elapsed = U64F64::from_num(block - (first - 1));
            let alpha = moving_alpha.saturating_mul(elapsed / (elapsed + halving));
            let spot = U64F64::from_num(subnet.pool.spot_price()).min(one);
            subnet.ema_price =
                alpha.saturating_mul(spot).saturating_add((one - alpha).saturating_mul(subnet.ema_price));
        }
    }
}

/// The flow-era share normaliser (spec §3.4.6, 2025-11-04 → 2026-06-22): each value becomes
/// `x^p / Σ x^p`. The values are first scaled so the largest is 1 and then so that Σ x² fits the
/// I32F32 range of the power, computed as `exp(p · ln x)` in I32F32 (an underflowing `ln` gives 0,
/// an overflowing `exp` the type's maximum). All zeros stay zeros. The square root is the crate's;
/// the chain's own `checked_sqrt` may differ in its last bits, which the vector's 1 % tolerates.
/// The flow EMA changed form several times in that era; the profile `flow-2026` models its first
/// live form (positive part of the raw EMA, no protocol-flow offset, no top-subnet filters).
pub fn pow_normalize(values: &mut [U64F64], p: U64F64) {
    use substrate_fixed::transcendental::{exp, ln, sqrt};
    let zero = U64F64::from_num(0);
    let max = values.iter().copied().fold(zero, U64F64::max);
    if max == zero {
        return;
    }
    for x in values.iter_mut() {
        *x /= max;
    }
    // n · max² with max = 1 now: the power sum at p = 2, kept within I32F32.
    let mass = U64F64::from_num(values.len());
    let room = U64F64::from_num(i32::MAX) / U64F64::from_num(u64::MAX);
    if mass < room {
        return;
    }
    let scale: U64F64 = sqrt::<U64F64, U64F64>(U64F64::from_num(i32::MAX) / mass).unwrap_or(zero);
    let p = I32F32::saturating_from_num(p);
    let powered: Vec<U64F64> = values
        .iter()
        .map(|&x| {
            let y = I32F32::saturating_from_num(x.saturating_mul(scale));
            match ln::<I32F32, I32F32>(y) {
                Ok(log) => exp::<I32F32, I32F32>(p.saturating_mul(log))
                    .map_or(U64F64::saturating_from_num(I32F32::max_value()), U64F64::saturating_from_num),
                Err(()) => zero,
            }
        })
        .collect();
    let sum = powered.iter().fold(zero, |sum, &y| sum.saturating_add(y));
    for (x, y) in values.iter_mut().zip(powered) {
        *x = if sum == zero { zero } else { y / sum };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hyperparameters::Hyperparameters;
    use crate::pool::Pool;
    use crate::state::NetworkParameters;

    /// A chain of subnets with these pools (TAO, alpha) and moving prices, emitting from block 1,
    /// and `root_tao` staked on root; tempo 10 000 so no epoch runs.
    fn chain(pools: &[(u64, u64, f64)], root_tao: u64, tao_weight: u64, owner_cut: u16) -> Chain {
        let h =
            Hyperparameters { tempo: 10_000, subnet_owner_cut: owner_cut, tao_weight, ..Hyperparameters::default() };
        let mut chain = Chain::new(NetworkParameters::from_hyperparameters(&h));
        let owner = chain.create_coldkey(u64::MAX / 4);
        for &(tao, alpha, ema) in pools {
            let hotkey = chain.create_hotkey(owner);
            let netuid = chain
                .create_subnet(hotkey, h.clone(), Pool { tao_rao: tao, alpha_rao: alpha }, U64F64::from_num(ema))
                .unwrap();
            chain.start_emission(netuid);
        }
        if root_tao > 0 {
            let staker = chain.create_coldkey(root_tao);
            let hotkey = chain.create_hotkey(staker);
            chain.add_stake(staker, hotkey, 0, root_tao).unwrap();
        }
        chain.block = 1;
        chain
    }

    #[test]
    fn vector_coinbase_alpha_injection_equal_prices() {
        // Root proportion ≈ 1 (1e18 root TAO, τ = 1), so the cap does not bind.
        let mut chain =
            chain(&[(1_000_000, 1_000_000, 1.0), (1_000_000, 1_000_000, 1.0)], 1_000_000_000_000_000_000, u64::MAX, 0);
        chain.emit_to_subnets(1, 1_000_000);
        for subnet in chain.subnets() {
            assert_eq!(subnet.pool.alpha_rao, 1_500_000);
            assert_eq!(subnet.pool.tao_rao, 1_500_000);
        }
    }

    #[test]
    fn vector_coinbase_alpha_injection_price_weighted() {
        let mut chain =
            chain(&[(1_000_000, 1_000_000, 1.0), (2_000_000, 1_000_000, 2.0)], 1_000_000_000_000_000_000, u64::MAX, 0);
        chain.emit_to_subnets(1, 1_000_000);
        let alpha: Vec<u64> = chain.subnets().iter().map(|s| s.pool.alpha_rao).collect();
        assert_eq!(alpha, vec![1_000_000 + 1_000_000 / 3, 1_000_000 + (1_000_000 * 2 / 3) / 2]);
    }

    #[test]
    fn vector_coinbase_owner_cut_pending() {
        for (cut, pending) in [(0u16, 0u64), (65_535, 1_000_000_000)] {
            // No TAO to share (no moving price), yet the subnet emits 1 alpha per block.
            let mut chain = chain(&[(1_000_000_000_000, 1_000_000_000_000, 0.0)], 0, 0, cut);
            chain.step_block();
            assert_eq!(chain.subnet(1).pending.owner_cut_rao, pending, "owner cut {cut}");
            assert_eq!(chain.conservation(), Ok(()));
        }
    }

    #[test]
    fn a_started_subnet_without_its_tao_side_pays_its_alpha_out_and_gives_its_tao_share_away() {
        // Subnets spec §2.8: SubnetEmissionEnabled = false is zero TAO-side emission (no TAO in,
        // no alpha in, no chain buy) and the others renormalised; the alpha out still flows.
        let mut chain =
            chain(&[(1_000_000, 1_000_000, 1.0), (1_000_000, 1_000_000, 1.0)], 1_000_000_000_000_000_000, u64::MAX, 0);
        chain.subnet_mut(2).emission_enabled = false;
        assert_eq!(chain.tao_shares(1), vec![U64F64::from_num(1), U64F64::from_num(0)]);
        chain.emit_to_subnets(1, 1_000_000);
        let (enabled, disabled) = (chain.subnet(1), chain.subnet(2));
        assert_eq!((enabled.pool.tao_rao, enabled.pool.alpha_rao), (2_000_000, 2_000_000));
        assert_eq!((disabled.pool.tao_rao, disabled.pool.alpha_rao), (1_000_000, 1_000_000));
        assert_eq!(disabled.alpha_out_rao, enabled.alpha_out_rao, "both pay a block's alpha out");
        assert!(disabled.pending.server_rao > 0 && disabled.pending.server_rao == enabled.pending.server_rao);
    }

    #[test]
    fn vector_subnet_shares_equal_prices() {
        let mut chain = chain(&[(1, 1, 1.0), (1, 1, 1.0)], 0, 0, 0);
        assert_eq!(chain.tao_shares(1), vec![U64F64::from_num(0.5); 2]);
    }

    #[test]
    fn vector_ema_moving_price() {
        let moving = |alpha: f64, block: u64, first: u64, updates: usize| -> f64 {
            let mut chain = chain(&[(1_000_000, 1_000_000, 0.0)], 0, 0, 0);
            chain.params.subnet_moving_alpha = U64F64::from_num(alpha);
            chain.subnet_mut(1).first_emission_block = Some(first);
            for _ in 0..updates {
                chain.update_moving_prices(block);
            }
            chain.subnet(1).ema_price.to_num()
        };
        assert!((moving(0.1, 201_600, 1, 14) - 0.512325).abs() <= 0.001);
        assert!(1.0 - moving(1.0, 7_200_000, 1, 1) < 0.05);
        assert!(moving(0.5, 510, 500, 1) < 0.001);
        assert!((moving(0.5, 144_000_500, 500, 1) - 0.5).abs() <= 0.001);
    }

    #[test]
    fn the_flow_era_shares_tao_by_net_stake_inflow() {
        let mut chain = chain(&[(1_000_000_000_000, 1_000_000_000_000, 1.0); 3], 0, 0, 0);
        chain.runtime_upgrade(crate::profile::profile_by_name("flow-2026").unwrap());
        let staker = chain.create_coldkey(100_000_000_000_000);
        let hotkey = chain.create_hotkey(staker);
        // No flow yet: no subnet gets TAO, whatever its price.
        assert_eq!(chain.tao_shares(1), vec![U64F64::from_num(0); 3]);
        // 3 TAO in on subnet 1, 1 TAO on subnet 2, 2 in and all out again on subnet 3.
        chain.add_stake(staker, hotkey, 1, 3_000_000_000).unwrap();
        chain.add_stake(staker, hotkey, 2, 1_000_000_000).unwrap();
        let alpha = chain.add_stake(staker, hotkey, 3, 2_000_000_000).unwrap();
        chain.remove_stake(staker, hotkey, 3, alpha).unwrap();
        let shares: Vec<f64> = chain.tao_shares(2).iter().map(|s| s.to_num()).collect();
        assert!((shares[0] - 0.75).abs() < 1e-6 && (shares[1] - 0.25).abs() < 1e-6, "{shares:?}");
        // A round trip nets only the swap's rounding (the pool keeps a few RAO).
        assert!(shares[2] < 1e-9, "{shares:?}");
        // The flow is consumed by the average: the next block's shares come from the EMA alone.
        let again: Vec<f64> = chain.tao_shares(3).iter().map(|s| s.to_num()).collect();
        assert!((again[0] - 0.75).abs() < 1e-6, "{again:?}");
    }

    #[test]
    fn vector_subnet_share_pow_normalize() {
        let run = |p: f64| {
            let mut values = [2.0, 3.0, 5.0].map(U64F64::from_num);
            pow_normalize(&mut values, U64F64::from_num(p));
            values.map(|share| share.to_num::<f64>())
        };
        let shares = run(1.0);
        for (share, want) in shares.iter().zip([0.2, 0.3, 0.5]) {
            assert!((share - want).abs() <= 0.001, "{shares:?}");
        }
        for tenth in 10..=20 {
            let p = f64::from(tenth) / 10.0;
            let shares = run(p);
            let total: f64 = [2.0f64, 3.0, 5.0].iter().map(|x| x.powf(p)).sum();
            for (share, x) in shares.iter().zip([2.0f64, 3.0, 5.0]) {
                let want = x.powf(p) / total;
                assert!((share - want).abs() <= want / 100.0, "p {p}: {shares:?}");
            }
            assert!((shares.iter().sum::<f64>() - 1.0).abs() <= 1e-12, "p {p}: {shares:?}");
        }
        // All zeros stay zeros; tiny and huge values keep their proportions at p = 2.
        let mut zeros = [U64F64::from_num(0); 3];
        pow_normalize(&mut zeros, U64F64::from_num(2));
        assert_eq!(zeros, [U64F64::from_num(0); 3]);
        for scale in [1e-9, 1e9] {
            let mut values = [1.0, 2.0, 3.0].map(|x| U64F64::from_num(x * scale));
            pow_normalize(&mut values, U64F64::from_num(2));
            for (share, want) in values.iter().zip([1.0 / 14.0, 4.0 / 14.0, 9.0 / 14.0]) {
                assert!((share.to_num::<f64>() - want).abs() <= want / 100.0, "{scale}: {values:?}");
            }
        }
    }
}
