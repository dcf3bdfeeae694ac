//! What a dissolved subnet pays out (subnets spec §4.1–4.3), as pure functions: the pool's TAO
//! shared among stakers and the protocol by the largest-remainder rule, and the legacy owner
//! refund. Applying them to a living chain (the storage wipe) is not modelled yet.

use crate::fixed::U96F32;

/// §4.2: the pot `P` shared pro rata to `staker_values_rao` (in the §4.1 order) plus, when
/// `protocol_alpha_rao` > 0, one protocol entry last: `q_i = ⌊P·v_i/V⌋`, then the `P − Σq`
/// left over go one each to the largest remainders `(P·v_i) mod V` (a stable sort, so ties
/// favour earlier entries, stakers before the protocol). Returns each staker's payout and the
/// protocol's share (which is not paid but recycled, §4.3). Nothing is paid if P or V is 0.
pub fn distribute_pot_rao(pot_rao: u64, staker_values_rao: &[u64], protocol_alpha_rao: u64) -> (Vec<u64>, u64) {
    let mut values: Vec<u128> = staker_values_rao.iter().map(|&v| u128::from(v)).collect();
    if protocol_alpha_rao > 0 {
        values.push(u128::from(protocol_alpha_rao));
    }
    let total: u128 = values.iter().sum();
    let pot = u128::from(pot_rao);
    if pot == 0 || total == 0 {
        return (vec![0; staker_values_rao.len()], 0);
    }
    // P ≤ 2^64 and v ≤ 2^64, so P·v fits u128.
    let mut shares: Vec<(u128, u128)> = values.iter().map(|&v| (pot * v / total, pot * v % total)).collect();
    let left = pot - shares.iter().map(|&(q, _)| q).sum::<u128>();
    let mut by_remainder: Vec<usize> = (0..shares.len()).collect();
    by_remainder.sort_by(|&a, &b| shares[b].1.cmp(&shares[a].1));
    for &i in by_remainder.iter().take(usize::try_from(left).unwrap_or(usize::MAX)) {
        shares[i].0 += 1;
    }
    let paid: Vec<u64> = shares.iter().map(|&(q, _)| q as u64).collect();
    let protocol_share_rao = if protocol_alpha_rao > 0 { paid[staker_values_rao.len()] } else { 0 };
    (paid[..staker_values_rao.len()].to_vec(), protocol_share_rao)
}

/// §4.1: the protocol's alpha in the pot: `SubnetAlphaIn + SubnetProtocolAlpha` for a subnet
/// registered after `TaoInRefundDeploymentBlock` (strictly), the protocol alpha alone before.
pub fn protocol_alpha_rao(alpha_in_rao: u64, protocol_alpha_rao: u64, registered_at: u64, refund_deploy: u64) -> u64 {
    if registered_at > refund_deploy { alpha_in_rao.saturating_add(protocol_alpha_rao) } else { protocol_alpha_rao }
}

/// §4.1: a subnet is legacy (its lock refundable) iff registered strictly before
/// `NetworkRegistrationStartBlock`; on a fresh chain (start block 0) none is.
pub fn is_legacy_subnet(registered_at_block: u64, registration_start_block: u64) -> bool {
    registered_at_block < registration_start_block
}

/// §4.1 and §4.3: a legacy subnet's (registered before `NetworkRegistrationStartBlock`) owner
/// refund `R = lock − own_τ`, with `own_α = ⌊Ai · cut/65535⌋` and `own_τ = ⌊own_α · p⌋` in U96F32
/// (own_τ is 0 when the lock or the alpha issuance is 0). Non-legacy subnets get nothing.
pub fn legacy_owner_refund_rao(
    legacy: bool,
    lock_rao: u64,
    alpha_issuance_rao: u64,
    owner_cut: u16,
    price: U96F32,
) -> u64 {
    if !legacy {
        return 0;
    }
    let owner_tao_rao = if lock_rao > 0 && alpha_issuance_rao > 0 {
        let cut = U96F32::from_num(owner_cut) / U96F32::from_num(u16::MAX);
        let owner_alpha = U96F32::from_num(alpha_issuance_rao).saturating_mul(cut).floor();
        owner_alpha.saturating_mul(price).floor().saturating_to_num::<u64>()
    } else {
        0
    };
    lock_rao.saturating_sub(owner_tao_rao)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rounding_remainder_goes_to_the_largest_remainder() {
        // dissolve_rounding_remainder_distribution: 3 α and 2 α, no protocol alpha, P = 1.
        assert_eq!(distribute_pot_rao(1, &[3, 2], 0), (vec![1, 0], 0));
    }

    #[test]
    fn two_stakers_are_paid_pro_rata_and_a_legacy_owner_gets_the_lock_back() {
        // dissolve_two_stakers_pro_rata_distribution: 300 α / 700 α, P = 10 000; legacy lock
        // 5 000 with own_τ = 0 (no owner cut) → owner +5 000.
        assert_eq!(distribute_pot_rao(10_000, &[300, 700], 0), (vec![3_000, 7_000], 0));
        assert_eq!(legacy_owner_refund_rao(true, 5_000, 1_000, 0, U96F32::from_num(10)), 5_000);
    }

    #[test]
    fn a_single_staker_gets_the_whole_pot() {
        // dissolve_single_alpha_out_staker_gets_all_tao.
        assert_eq!(distribute_pot_rao(99_999, &[1_000], 0), (vec![99_999], 0));
    }

    #[test]
    fn before_the_refund_deployment_the_protocol_share_excludes_alpha_in() {
        // dissolve_protocol_alpha_share_is_not_paid_to_users: AlphaIn 100 ignored, protocol 50,
        // staker 50, P = 200 → staker +100, protocol 100 (recycled), owner +0.
        let protocol = protocol_alpha_rao(100, 50, 100, 100);
        assert_eq!(protocol, 50);
        assert_eq!(distribute_pot_rao(200, &[50], protocol), (vec![100], 100));
        assert_eq!(legacy_owner_refund_rao(false, 0, 200, 0, U96F32::from_num(1)), 0);
    }

    #[test]
    fn after_the_refund_deployment_the_protocol_share_includes_alpha_in() {
        // dissolve_protocol_alpha_post_deploy_includes_alpha_in: deploy 100, reg 101, V = 200.
        let protocol = protocol_alpha_rao(100, 50, 101, 100);
        assert_eq!(protocol, 150);
        assert_eq!(distribute_pot_rao(200, &[50], protocol), (vec![50], 150));
    }

    #[test]
    fn chain_bought_alpha_alone_sends_the_whole_pot_to_the_protocol() {
        // dissolve_chain_bought_alpha_is_converted_to_tao_and_recycled.
        assert_eq!(distribute_pot_rao(12_345, &[], 7), (vec![], 12_345));
    }

    #[test]
    fn an_empty_pot_pays_nobody() {
        // dissolve_alpha_out_but_zero_tao_no_rewards: P = 0.
        assert_eq!(distribute_pot_rao(0, &[10, 20], 5), (vec![0, 0], 0));
    }

    #[test]
    fn a_legacy_subnet_without_emission_refunds_its_whole_lock() {
        // dissolve_refunds_full_lock_cost_when_no_emission: lock 10^6, pot 0, owner cut 0.
        assert_eq!(legacy_owner_refund_rao(true, 1_000_000, 0, 0, U96F32::from_num(1)), 1_000_000);
        // A zero lock refunds nothing (destroy_alpha_out_refund_gating_by_registration_block).
        assert_eq!(legacy_owner_refund_rao(true, 0, 1_000, 65_535, U96F32::from_num(1)), 0);
    }

    #[test]
    fn only_a_subnet_registered_before_the_start_block_is_refunded() {
        // destroy_alpha_out_refund_gating_by_registration_block: start block ≤ reg → no refund;
        // lock 0 → no refund.
        let refund =
            |reg, start, lock| legacy_owner_refund_rao(is_legacy_subnet(reg, start), lock, 0, 0, U96F32::from_num(1));
        assert_eq!(refund(99, 100, 1_000), 1_000);
        assert_eq!(refund(100, 100, 1_000), 0);
        assert_eq!(refund(101, 100, 1_000), 0);
        assert_eq!(refund(99, 100, 0), 0);
        assert!(!is_legacy_subnet(0, 0), "a fresh chain has no legacy subnet");
    }

    #[test]
    fn the_owner_refund_subtracts_the_owner_cut_valued_at_the_spot_price() {
        // §4.1: own_α = ⌊1 000 · 32 767/65 535⌋ = 499, own_τ = ⌊499 · 2⌋ = 998 (derived).
        assert_eq!(legacy_owner_refund_rao(true, 5_000, 1_000, 32_767, U96F32::from_num(2)), 4_002);
        assert_eq!(legacy_owner_refund_rao(true, 500, 1_000, 32_767, U96F32::from_num(2)), 0);
    }
}
