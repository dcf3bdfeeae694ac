//! Network registration on the living chain (subnets spec §2, vectors of §7): the lock cost, the
//! checks in order, the seeded pool, the owner as UID 0, `start_call`, the subnet limit by
//! profile, and the token books across registrations (pruning and dissolution: dissolution.rs).

mod network_support;

use network_support::{IMMUNITY, TAO, genesis_subnet, head_chain, keys, mock_chain, mock_parameters};
use tensorsim_chain::accounts::ColdkeyId;
use tensorsim_chain::fixed::U64F64;
use tensorsim_chain::network_registration::seed::spot_price;
use tensorsim_chain::network_registration::{
    NetworkLock, NetworkRegistrationParameters, NetworkRegistrationRefused as Refused, StartCallRefused,
};
use tensorsim_chain::pool::Pool;
use tensorsim_chain::profile::{Profile, profile_by_name};

#[test]
fn a_registration_at_block_one_with_a_low_lock_cost_seeds_a_pool_of_one_thousand_rao() {
    // test_register_subnet_low_lock_cost: b = 1, M = L = 1 000 RAO, B_L = 0 → λ = 1 000;
    // SubnetTAO = SubnetAlphaIn = 1 000 (μ = 1).
    let mut chain = head_chain(1_000);
    chain.step_block();
    assert_eq!(chain.network_lock_cost_rao(), 1_000);
    let (coldkey, hotkey) = keys(&mut chain, 1_000);
    let netuid = chain.register_network(coldkey, hotkey).unwrap().netuid;
    assert_eq!(chain.subnet(netuid).pool, Pool { tao_rao: 1_000, alpha_rao: 1_000 });
    assert_eq!(chain.conservation(), Ok(()));
}

#[test]
fn a_registration_with_a_high_lock_cost_seeds_a_pool_of_one_thousand_tao() {
    // test_register_subnet_high_lock_cost: M = L = 10^12 → λ = 10^12; SubnetTAO = SubnetAlphaIn = 10^12.
    let mut chain = head_chain(1_000 * TAO);
    chain.step_block();
    assert_eq!(chain.network_lock_cost_rao(), 1_000 * TAO);
    let (coldkey, hotkey) = keys(&mut chain, 1_000 * TAO);
    let netuid = chain.register_network(coldkey, hotkey).unwrap().netuid;
    assert_eq!(chain.subnet(netuid).pool, Pool { tao_rao: 1_000 * TAO, alpha_rao: 1_000 * TAO });
}

#[test]
fn the_first_subnet_is_seeded_at_price_one_keeps_its_lock_in_the_pool_and_gives_the_owner_nothing() {
    // register_network_seeds_first_subnet_from_fallback_price_one_and_keeps_lock_in_pool and
    // test_register_network_gives_owner_no_initial_alpha_distribution.
    let mut chain = head_chain(100 * TAO);
    chain.step_block();
    let issuance_rao = chain.total_issuance_rao;
    let (coldkey, hotkey) = keys(&mut chain, 100 * TAO + 1);
    let netuid = chain.register_network(coldkey, hotkey).unwrap().netuid;
    let subnet = chain.subnet(netuid);
    assert_eq!(subnet.pool, Pool { tao_rao: 100 * TAO, alpha_rao: 100 * TAO });
    assert_eq!(subnet.alpha_out_rao, 0);
    assert_eq!(chain.subnet_stakes(netuid).count(), 0, "no owner stake");
    assert_eq!(chain.total_issuance_rao, issuance_rao + 100 * TAO + 1, "nothing recycled");
    assert_eq!(spot_price(subnet.pool.tao_rao, subnet.pool.alpha_rao), U64F64::from_num(1));
    assert_eq!(chain.subnets().len(), 1);
    // §2.5-6, §2.7, §2.5-14: the owner hotkey is UID 0, registered now; no emission yet.
    assert_eq!(subnet.hotkeys, vec![hotkey]);
    assert_eq!(subnet.metagraph.hyperparameters.owner_uid, Some(0));
    assert_eq!(subnet.metagraph.registered_at(), &[1]);
    assert_eq!(subnet.metagraph.last_update(), &[1]);
    assert_eq!((subnet.registered_at_block, subnet.locked_rao), (1, 100 * TAO));
    assert_eq!((subnet.first_emission_block, subnet.emission_enabled), (None, false));
    assert_eq!(subnet.ema_price, U64F64::from_num(0));
    // §2.7: the initial parameters `init_new_network` writes, and the epoch stagger
    // LastEpochBlock = b − (netuid mod tempo) = 0.
    let h = &subnet.metagraph.hyperparameters;
    assert_eq!((h.tempo, h.max_allowed_uids, h.max_allowed_validators, h.min_allowed_weights), (360, 256, 64, 1));
    assert_eq!((h.immunity_period, h.yuma3, h.kappa, subnet.burn_rao), (5_000, true, 32_767, TAO));
    // test_register_network_min_burn_at_default: MinBurn (and MaxBurn) at their defaults (the
    // registration and PoW flags it also reads are not modelled).
    assert_eq!((h.min_burn, h.max_burn), (500_000, 100 * TAO));
    assert_eq!(subnet.scheduler.last_epoch_block, 0);
    assert_eq!(chain.network_lock, NetworkLock { last_lock_cost_rao: 100 * TAO, last_lock_block: 1 });
}

#[test]
fn a_new_subnet_is_seeded_from_the_even_median_of_the_existing_prices() {
    // register_network_seeds_new_subnet_from_even_median_snapshot: prices 5 and 2 → μ = 3.5,
    // T_pool = 10^11 → A_pool = 28 571 428 571.
    let mut chain = head_chain(100 * TAO);
    genesis_subnet(&mut chain, 500, 100);
    genesis_subnet(&mut chain, 200, 100);
    chain.step_block();
    let (coldkey, hotkey) = keys(&mut chain, 100 * TAO + 1);
    let netuid = chain.register_network(coldkey, hotkey).unwrap().netuid;
    assert_eq!(netuid, 3);
    assert_eq!(chain.subnet(netuid).pool, Pool { tao_rao: 100 * TAO, alpha_rao: 28_571_428_571 });
    assert_eq!(chain.conservation(), Ok(()));
}

#[test]
fn a_caller_without_the_lock_is_refused_and_nothing_is_written() {
    // register_network_fails_without_balance_and_does_not_write_owner_alpha_state.
    let mut chain = head_chain(100 * TAO);
    chain.step_block();
    let (coldkey, hotkey) = keys(&mut chain, 0);
    let lock = chain.network_lock;
    let refused = chain.register_network(coldkey, hotkey).unwrap_err();
    assert_eq!(refused, Refused::CannotAffordLockCost { balance_rao: 0, lock_cost_rao: 100 * TAO });
    assert_eq!((chain.subnets().len(), chain.network_lock), (0, lock));
}

#[test]
fn a_hotkey_of_another_coldkey_is_refused_and_the_caller_is_not_charged() {
    // register_network_non_associated_hotkey_does_not_withdraw_or_write_owner_alpha_state.
    let mut chain = head_chain(100 * TAO);
    chain.step_block();
    let (coldkey, _) = keys(&mut chain, 200 * TAO);
    let (_, others_hotkey) = keys(&mut chain, 0);
    assert_eq!(chain.register_network(coldkey, others_hotkey), Err(Refused::NonAssociatedColdKey));
    assert_eq!(chain.accounts.balance(coldkey), 200 * TAO);
    assert!(chain.subnets().is_empty());
}

#[test]
fn the_registered_subnet_counter_starts_at_one_per_netuid() {
    // registered_subnet_counter_*: first registration → 1; independent per netuid.
    let mut chain = head_chain(100 * TAO);
    chain.step_block();
    let (coldkey, hotkey) = keys(&mut chain, 1_000 * TAO);
    let first = chain.register_network(coldkey, hotkey).unwrap().netuid;
    let second = chain.register_network(coldkey, hotkey).unwrap().netuid;
    assert_eq!((first, second), (1, 2));
    assert_eq!(chain.registered_subnet_counter(first), 1);
    assert_eq!(chain.registered_subnet_counter(second), 1);
    assert_eq!(chain.registered_subnet_counter(3), 0);
}

#[test]
fn the_lock_cost_doubles_after_a_registration_and_decays_by_its_step_per_block() {
    // §2.3 dynamics: right after a registration the price is 2L, then it falls by ⌊L/I_eff⌋ a
    // block (I = 2 at 1 TAO block emission: L/2), floored at M.
    let mut chain = head_chain(100 * TAO);
    chain.step_block();
    let (coldkey, hotkey) = keys(&mut chain, 10_000 * TAO);
    chain.register_network(coldkey, hotkey).unwrap();
    assert_eq!(chain.network_lock_cost_rao(), 200 * TAO);
    chain.register_network(coldkey, hotkey).unwrap();
    assert_eq!(chain.network_lock, NetworkLock { last_lock_cost_rao: 200 * TAO, last_lock_block: 1 });
    assert_eq!(chain.network_lock_cost_rao(), 400 * TAO);
    chain.step_block();
    assert_eq!(chain.network_lock_cost_rao(), 300 * TAO);
    chain.step_block();
    assert_eq!(chain.network_lock_cost_rao(), 200 * TAO);
    chain.step_block();
    assert_eq!(chain.network_lock_cost_rao(), 100 * TAO);
}

#[test]
fn the_checks_refuse_in_the_spec_order() {
    // §2.2: registration start block (5), then the global rate limit (6), before affordability (8).
    let mut chain = head_chain(100 * TAO);
    chain.set_network_registration_parameters(NetworkRegistrationParameters {
        registration_start_block: 3,
        rate_limit_blocks: 10,
        ..mock_parameters(100 * TAO)
    });
    chain.step_block();
    let (poor, poor_hotkey) = keys(&mut chain, 0);
    assert_eq!(chain.register_network(poor, poor_hotkey), Err(Refused::SubNetRegistrationDisabled { start_block: 3 }));
    chain.step_block();
    chain.step_block();
    let (coldkey, hotkey) = keys(&mut chain, 1_000 * TAO);
    chain.register_network(coldkey, hotkey).unwrap();
    let limited = Refused::NetworkTxRateLimitExceeded { last_lock_block: 3, rate_limit_blocks: 10 };
    assert_eq!(chain.register_network(poor, poor_hotkey), Err(limited));
    while chain.block < 13 {
        chain.step_block();
    }
    assert!(matches!(chain.register_network(poor, poor_hotkey), Err(Refused::CannotAffordLockCost { .. })));
    assert_eq!(chain.register_network(ColdkeyId(999), hotkey), Err(Refused::BadOrigin));
}

#[test]
fn at_the_subnet_limit_an_unfunded_caller_is_refused_before_anything_is_pruned() {
    // register_network_fails_before_prune_keeps_existing: SubnetLimit 1, a candidate exists,
    // the caller is unfunded → CannotAffordLockCost, the candidate still there.
    let mut chain = head_chain(100 * TAO);
    chain.set_network_registration_parameters(NetworkRegistrationParameters {
        subnet_limit: 1,
        ..mock_parameters(100 * TAO)
    });
    genesis_subnet(&mut chain, 100 * TAO, 100 * TAO);
    chain.block = IMMUNITY + 100;
    assert_eq!(chain.network_to_prune(), Some(1));
    let (coldkey, hotkey) = keys(&mut chain, 0);
    let refused = chain.register_network(coldkey, hotkey).unwrap_err();
    assert_eq!(refused, Refused::CannotAffordLockCost { balance_rao: 0, lock_cost_rao: 100 * TAO });
    assert_eq!(chain.subnets().len(), 1);
    assert_eq!(chain.subnet(1).registered_at_block, 0, "the candidate is still the genesis subnet");
}

#[test]
fn the_subnet_limit_is_a_rule_of_profiles_from_late_2025_on() {
    // §3 history: no limit before 835a2c902 (2025-09-24); with it, immune subnets only → refused.
    for (name, limited) in [("yuma3-2025", false), ("flow-2026", true), ("head-2026", true)] {
        let mut chain = mock_chain(profile_by_name(name).unwrap(), 100 * TAO);
        chain.set_network_registration_parameters(NetworkRegistrationParameters {
            subnet_limit: 1,
            ..mock_parameters(100 * TAO)
        });
        genesis_subnet(&mut chain, 100 * TAO, 100 * TAO);
        chain.step_block();
        let (coldkey, hotkey) = keys(&mut chain, 1_000 * TAO);
        let result = chain.register_network(coldkey, hotkey).map(|registered| registered.netuid);
        let expected = if limited { Err(Refused::SubnetLimitReached { subnet_limit: 1 }) } else { Ok(2) };
        assert_eq!(result, expected, "{name}");
    }
    let mut chain = mock_chain(profile_by_name("legacy-2024").unwrap(), 100 * TAO);
    let (coldkey, hotkey) = keys(&mut chain, 1_000 * TAO);
    assert_eq!(chain.register_network(coldkey, hotkey), Err(Refused::NotModelledBeforeDtao));
}

#[test]
fn before_median_seeding_the_lock_above_the_minimum_is_recycled() {
    // §2.9 (≤ 2026-04-01, the flow-2026 profile): SubnetTAO = SubnetAlphaIn = M, τ − M recycled;
    // emission was enabled at registration then.
    let mut chain = mock_chain(profile_by_name("flow-2026").unwrap(), 100 * TAO);
    chain.step_block();
    let (coldkey, hotkey) = keys(&mut chain, 10_000 * TAO);
    chain.register_network(coldkey, hotkey).unwrap();
    let issuance_rao = chain.total_issuance_rao;
    let netuid = chain.register_network(coldkey, hotkey).unwrap().netuid;
    let subnet = chain.subnet(netuid);
    assert_eq!(subnet.pool, Pool { tao_rao: 100 * TAO, alpha_rao: 100 * TAO });
    assert!(subnet.emission_enabled);
    assert_eq!(chain.total_issuance_rao, issuance_rao - 100 * TAO, "λ = 2M, of which M recycled");
    assert_eq!(chain.conservation(), Ok(()));
}

#[test]
fn start_call_starts_emission_at_the_next_block_once_and_only_for_the_owner() {
    // test_do_start_call_ok and its refusals.
    let mut chain = head_chain(100 * TAO);
    chain.step_block();
    let (owner, hotkey) = keys(&mut chain, 1_000 * TAO);
    let (stranger, _) = keys(&mut chain, 0);
    let netuid = chain.register_network(owner, hotkey).unwrap().netuid;
    assert_eq!(chain.start_call(owner, 9_999), Err(StartCallRefused::SubnetNotExists));
    assert_eq!(chain.start_call(stranger, netuid), Err(StartCallRefused::BadOrigin));
    chain.start_call(owner, netuid).unwrap();
    assert_eq!(chain.subnet(netuid).first_emission_block, Some(2));
    assert_eq!(chain.start_call(owner, netuid), Err(StartCallRefused::FirstEmissionBlockNumberAlreadySet));
}

#[test]
fn start_call_waits_for_the_start_call_delay() {
    // §2.8: b ≥ NetworkRegisteredAt + StartCallDelay.
    let mut chain = head_chain(100 * TAO);
    chain.set_network_registration_parameters(NetworkRegistrationParameters {
        start_call_delay_blocks: 2,
        ..mock_parameters(100 * TAO)
    });
    chain.step_block();
    let (owner, hotkey) = keys(&mut chain, 1_000 * TAO);
    let netuid = chain.register_network(owner, hotkey).unwrap().netuid;
    chain.step_block();
    let refused = StartCallRefused::NeedWaitingMoreBlocksToStartCall { from_block: 3 };
    assert_eq!(chain.start_call(owner, netuid), Err(refused));
    chain.step_block();
    assert_eq!(chain.start_call(owner, netuid), Ok(()));
}

/// Registrations on a chain that emits, stakes and runs epochs: the books hold after every block.
fn register_on_a_living_chain(profile: &'static Profile) {
    let mut chain = mock_chain(profile, 100 * TAO);
    for _ in 0..2 {
        let netuid = genesis_subnet(&mut chain, 1_000 * TAO, 1_000 * TAO);
        chain.subnet_mut(netuid).ema_price = U64F64::from_num(1);
        chain.start_emission(netuid);
    }
    let (staker, staker_hotkey) = keys(&mut chain, 10_000 * TAO);
    chain.add_stake(staker, staker_hotkey, 0, 1_000 * TAO).unwrap();
    let (owner, owner_hotkey) = keys(&mut chain, 100_000 * TAO);
    for block in 1..=400u64 {
        chain.step_block();
        if block % 37 == 0 {
            let netuid = chain.register_network(owner, owner_hotkey).unwrap().netuid;
            chain.start_call(owner, netuid).unwrap();
            chain.add_stake(staker, staker_hotkey, netuid, 10 * TAO).unwrap();
        }
        assert_eq!(chain.conservation(), Ok(()), "{} after block {block}", profile.name);
    }
    assert_eq!(chain.subnets().len(), 2 + 10);
}

#[test]
fn tokens_are_conserved_across_registrations_on_a_living_chain_at_head() {
    register_on_a_living_chain(profile_by_name("head-2026").unwrap());
}

#[test]
fn tokens_are_conserved_across_registrations_that_recycle_part_of_the_lock() {
    register_on_a_living_chain(profile_by_name("flow-2026").unwrap());
}
