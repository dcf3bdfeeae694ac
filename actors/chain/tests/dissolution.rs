//! Dissolution and pruning on the living chain (subnets spec §3–§5, the vectors of §7): stakers
//! paid from the pool by largest remainder, the protocol's share and failed payouts recycled, the
//! legacy refund, the storage wiped and what the netuid keeps, the prune a registration at the
//! limit does first (and undoes when the registration fails), and the token books across it all.

mod network_support;

use network_support::{IMMUNITY, TAO, genesis_subnet, head_chain, keys, mock_parameters};
use tensorsim_chain::accounts::ColdkeyId;
use tensorsim_chain::fixed::U64F64;
use tensorsim_chain::hyperparameters::Hyperparameters;
use tensorsim_chain::network_registration::{
    DissolveRefused, NetworkRegistrationParameters, NetworkRegistrationRefused as Refused, StakerPayout,
};
use tensorsim_chain::state::Chain;

/// A staker holding `alpha_rao` of `netuid`'s alpha since genesis, with a balance of 1 TAO (an
/// existing account, so that any payout reaches it).
fn staker(chain: &mut Chain, netuid: u16, alpha_rao: u64) -> ColdkeyId {
    let (coldkey, hotkey) = keys(chain, TAO);
    chain.stake_alpha_at_genesis(coldkey, hotkey, netuid, alpha_rao).unwrap();
    coldkey
}

/// Alpha the protocol bought on `netuid` (§3.4.3), with the books that go with it.
fn protocol_alpha(chain: &mut Chain, netuid: u16, alpha_rao: u64) {
    let subnet = chain.subnet_mut(netuid);
    subnet.protocol_alpha_rao += alpha_rao;
    subnet.alpha_out_rao += alpha_rao;
    subnet.alpha_issued_rao += u128::from(alpha_rao);
}

/// A head chain of the mock constants with the registration start block and the refund
/// deployment block given.
fn chain_with(registration_start_block: u64, tao_in_refund_deployment_block: u64) -> Chain {
    let mut chain = head_chain(100 * TAO);
    chain.set_network_registration_parameters(NetworkRegistrationParameters {
        registration_start_block,
        tao_in_refund_deployment_block,
        ..mock_parameters(100 * TAO)
    });
    chain
}

fn balances(chain: &Chain, coldkeys: &[ColdkeyId]) -> Vec<u64> {
    coldkeys.iter().map(|&coldkey| chain.accounts.balance(coldkey)).collect()
}

#[test]
fn the_rounding_remainder_goes_to_the_staker_with_the_largest_remainder() {
    // dissolve_rounding_remainder_distribution: 3 α and 2 α, A_prot 0, P = 1.
    let mut chain = chain_with(0, 0);
    let netuid = genesis_subnet(&mut chain, 1, 10);
    let stakers = [staker(&mut chain, netuid, 3), staker(&mut chain, netuid, 2)];
    let dissolution = chain.dissolve_network(netuid).unwrap();
    assert_eq!(balances(&chain, &stakers), vec![TAO + 1, TAO]);
    assert_eq!((dissolution.pot_rao, dissolution.protocol_share_rao, dissolution.recycled_rao), (1, 0, 0));
    assert_eq!(chain.conservation(), Ok(()));
}

#[test]
fn two_stakers_are_paid_pro_rata_and_a_legacy_owner_gets_the_lock_back() {
    // dissolve_two_stakers_pro_rata_distribution: 300 α / 700 α, P = 10 000 → 3 000 / 7 000;
    // legacy lock 5 000 with own_τ = 0 (owner cut 0) → owner +5 000, paid from what the subnet
    // account holds beyond the pot.
    let mut chain = chain_with(1, 0);
    let netuid = genesis_subnet(&mut chain, 10_000, 1_000);
    chain.subnet_mut(netuid).locked_rao = 5_000;
    chain.fund_subnet_account_at_genesis(netuid, 5_000);
    let stakers = [staker(&mut chain, netuid, 300), staker(&mut chain, netuid, 700)];
    let owner = chain.subnet(netuid).owner_coldkey;
    let issuance_rao = chain.total_issuance_rao;
    let dissolution = chain.dissolve_network(netuid).unwrap();
    assert_eq!(balances(&chain, &stakers), vec![TAO + 3_000, TAO + 7_000]);
    assert_eq!((chain.accounts.balance(owner), dissolution.owner_refund_rao), (5_000, 5_000));
    assert_eq!(chain.total_issuance_rao, issuance_rao, "everything was paid out, nothing recycled");
    assert_eq!(chain.conservation(), Ok(()));
}

#[test]
fn a_single_staker_gets_the_whole_pot() {
    // dissolve_single_alpha_out_staker_gets_all_tao: P = 99 999.
    let mut chain = chain_with(0, 0);
    let netuid = genesis_subnet(&mut chain, 99_999, 50);
    let only = staker(&mut chain, netuid, 5);
    chain.dissolve_network(netuid).unwrap();
    assert_eq!(chain.accounts.balance(only), TAO + 99_999);
}

#[test]
fn before_the_refund_deployment_the_protocol_share_excludes_alpha_in_and_is_recycled() {
    // dissolve_protocol_alpha_share_is_not_paid_to_users: deploy 100, reg 0 ≤ 100; AlphaIn 100
    // ignored, protocol 50, staker 50, P = 200 → staker +100, owner +0, 100 recycled (the
    // subnet account already holds its existential deposit, which stays).
    let mut chain = chain_with(0, 100);
    let netuid = genesis_subnet(&mut chain, 200, 100);
    chain.fund_subnet_account_at_genesis(netuid, 1);
    protocol_alpha(&mut chain, netuid, 50);
    let only = staker(&mut chain, netuid, 50);
    let owner = chain.subnet(netuid).owner_coldkey;
    let issuance_rao = chain.total_issuance_rao;
    let dissolution = chain.dissolve_network(netuid).unwrap();
    assert_eq!((chain.accounts.balance(only), chain.accounts.balance(owner)), (TAO + 100, 0));
    assert_eq!((dissolution.protocol_share_rao, dissolution.recycled_rao), (100, 100));
    assert_eq!(chain.total_issuance_rao, issuance_rao - 100);
    assert_eq!(chain.subnet_account_rao(netuid), 1);
    assert_eq!(chain.conservation(), Ok(()));
}

#[test]
fn after_the_refund_deployment_the_protocol_share_includes_alpha_in() {
    // dissolve_protocol_alpha_post_deploy_includes_alpha_in: deploy 100, reg 101; V = 100 + 50 +
    // 50, P = 200 → staker +50.
    let mut chain = chain_with(0, 100);
    let netuid = genesis_subnet(&mut chain, 200, 100);
    chain.subnet_mut(netuid).registered_at_block = 101;
    protocol_alpha(&mut chain, netuid, 50);
    let only = staker(&mut chain, netuid, 50);
    let dissolution = chain.dissolve_network(netuid).unwrap();
    assert_eq!(chain.accounts.balance(only), TAO + 50);
    assert_eq!(dissolution.protocol_share_rao, 150);
}

#[test]
fn before_june_2026_the_protocol_share_never_counts_alpha_in() {
    // §4.1 history: the AlphaIn rule came with d1de05615 (2026-06-02); flow-2026 predates it, so
    // the same subnet registered after the deployment block pays its staker the whole pot.
    let mut chain = chain_with(0, 100);
    chain.runtime_upgrade(tensorsim_chain::profile::profile_by_name("flow-2026").unwrap());
    let netuid = genesis_subnet(&mut chain, 200, 100);
    chain.subnet_mut(netuid).registered_at_block = 101;
    let only = staker(&mut chain, netuid, 50);
    let dissolution = chain.dissolve_network(netuid).unwrap();
    assert_eq!((chain.accounts.balance(only), dissolution.protocol_share_rao), (TAO + 200, 0));
}

#[test]
fn a_pot_of_chain_bought_alpha_alone_is_recycled_and_issuance_falls() {
    // dissolve_chain_bought_alpha_is_converted_to_tao_and_recycled.
    let mut chain = chain_with(0, 0);
    let netuid = genesis_subnet(&mut chain, 12_345, 1_000);
    chain.fund_subnet_account_at_genesis(netuid, 1);
    protocol_alpha(&mut chain, netuid, 7);
    let issuance_rao = chain.total_issuance_rao;
    let dissolution = chain.dissolve_network(netuid).unwrap();
    assert_eq!((dissolution.protocol_share_rao, dissolution.recycled_rao), (12_345, 12_345));
    assert_eq!(chain.total_issuance_rao, issuance_rao - 12_345);
    assert_eq!(chain.conservation(), Ok(()));
}

#[test]
fn a_legacy_subnet_without_emission_refunds_its_whole_lock() {
    // dissolve_refunds_full_lock_cost_when_no_emission: legacy, lock 10^6, pot 0, owner cut 0.
    let mut chain = chain_with(1, 0);
    let netuid = genesis_subnet(&mut chain, 0, 0);
    chain.subnet_mut(netuid).locked_rao = 1_000_000;
    chain.fund_subnet_account_at_genesis(netuid, 1_000_000 + 1);
    let owner = chain.subnet(netuid).owner_coldkey;
    let dissolution = chain.dissolve_network(netuid).unwrap();
    assert_eq!(chain.accounts.balance(owner), 1_000_000);
    assert_eq!((dissolution.recycled_rao, dissolution.account_left_rao), (0, 1));
}

#[test]
fn a_legacy_refund_is_the_lock_less_the_owner_cut_of_issuance_at_the_spot_price() {
    // dissolve_zero_refund_when_emission_exceeds_lock and destroy_alpha_out_refund_gating_by_-
    // registration_block: refund = lock − ⌊⌊Ai·cut⌋·price⌋; Ai = 1 000, cut ½, price 2 → own_τ =
    // 998 (derived); a registration at or after the start block, or a zero lock, refunds nothing.
    let refund = |start_block: u64, lock_rao: u64| {
        let mut chain = chain_with(start_block, 0);
        chain.params.subnet_owner_cut = 32_767;
        let netuid = genesis_subnet(&mut chain, 2_000, 1_000);
        chain.subnet_mut(netuid).locked_rao = lock_rao;
        chain.fund_subnet_account_at_genesis(netuid, 1_000_000);
        let owner = chain.subnet(netuid).owner_coldkey;
        let dissolution = chain.dissolve_network(netuid).unwrap();
        assert_eq!(chain.conservation(), Ok(()));
        assert_eq!(chain.accounts.balance(owner), dissolution.owner_refund_rao);
        dissolution.owner_refund_rao
    };
    assert_eq!(refund(1, 5_000), 5_000 - 998);
    assert_eq!(refund(1, 500), 0, "emission worth more than the lock");
    assert_eq!(refund(0, 5_000), 0, "registered at the start block: not legacy");
    assert_eq!(refund(1, 0), 0, "no lock");
}

#[test]
fn an_empty_pot_pays_nobody_and_the_stakes_are_deleted() {
    // dissolve_alpha_out_but_zero_tao_no_rewards: P = 0.
    let mut chain = chain_with(0, 0);
    let netuid = genesis_subnet(&mut chain, 0, 100);
    let stakers = [staker(&mut chain, netuid, 10), staker(&mut chain, netuid, 20)];
    let dissolution = chain.dissolve_network(netuid).unwrap();
    assert_eq!(balances(&chain, &stakers), vec![TAO, TAO]);
    assert!(dissolution.payouts.iter().all(|payout| payout.tao_rao == 0));
    assert_eq!(chain.subnet_stakes(netuid).count(), 0);
}

#[test]
fn a_payout_below_the_existential_deposit_to_an_empty_account_fails_and_is_recycled() {
    // §4.2: an allow-death transfer below ED to an account that does not exist fails; the TAO
    // stays in the subnet account and is recycled with the rest.
    let mut chain = head_chain(100 * TAO);
    chain.set_network_registration_parameters(NetworkRegistrationParameters {
        existential_deposit_rao: 500,
        ..mock_parameters(100 * TAO)
    });
    let netuid = genesis_subnet(&mut chain, 1_000, 1_000);
    let (empty, empty_hotkey) = keys(&mut chain, 0);
    chain.stake_alpha_at_genesis(empty, empty_hotkey, netuid, 100).unwrap();
    let funded = staker(&mut chain, netuid, 900);
    let dissolution = chain.dissolve_network(netuid).unwrap();
    let paid: Vec<(u64, bool)> = dissolution.payouts.iter().map(|p| (p.tao_rao, p.paid)).collect();
    assert_eq!(paid, vec![(100, false), (900, true)]);
    assert_eq!((chain.accounts.balance(empty), chain.accounts.balance(funded)), (0, TAO + 900));
    assert_eq!((dissolution.recycled_rao, dissolution.account_left_rao), (0, 100), "100 < ED stays");
    assert_eq!(chain.conservation(), Ok(()));
}

#[test]
fn a_dissolution_removes_the_subnet_and_an_unknown_netuid_is_refused() {
    // dissolve_decrements_total_networks, dissolve_nonexistent_subnet_fails.
    let mut chain = chain_with(0, 0);
    genesis_subnet(&mut chain, 1_000, 1_000);
    let second = genesis_subnet(&mut chain, 1_000, 1_000);
    chain.dissolve_network(second).unwrap();
    assert_eq!(chain.subnets().len(), 1);
    assert_eq!(chain.dissolve_network(9_999), Err(DissolveRefused::SubnetNotExists));
    assert_eq!(chain.dissolve_network(0), Err(DissolveRefused::SubnetNotExists), "never root");
    assert_eq!(chain.dissolve_network(second), Err(DissolveRefused::SubnetNotExists));
}

/// A chain that emits into two started subnets, with stakers, root stake and root weights on
/// both, after `blocks` blocks (pending emission, protocol alpha and moving prices are non-zero).
fn living_chain(blocks: u64) -> (Chain, ColdkeyId) {
    let mut chain = chain_with(0, 0);
    for _ in 0..2 {
        let netuid = genesis_subnet(&mut chain, 1_000 * TAO, 1_000 * TAO);
        chain.subnet_mut(netuid).ema_price = U64F64::from_num(1);
        chain.start_emission(netuid);
    }
    let (root_coldkey, root_hotkey) = keys(&mut chain, 10_000 * TAO);
    chain.add_stake(root_coldkey, root_hotkey, 0, 1_000 * TAO).unwrap();
    chain.root_register(root_hotkey).unwrap();
    chain.set_root_weights(root_hotkey, &[1, 2], &[65_535, 65_535]).unwrap();
    for netuid in [1, 2] {
        chain.register_at_genesis(root_coldkey, root_hotkey, netuid).unwrap();
        chain.add_stake(root_coldkey, root_hotkey, netuid, 100 * TAO).unwrap();
    }
    for _ in 0..blocks {
        chain.step_block();
    }
    (chain, root_coldkey)
}

#[test]
fn a_dissolution_wipes_the_subnet_zeroes_root_weights_on_it_and_keeps_its_counter() {
    // dissolve_clears_all_per_subnet_storages (§4.4) and §4.5: the pool, stakes, UIDs, pending
    // emission and alpha books are gone; root weights on it are zeroed but kept; the next block's
    // emission goes to the subnet left; RegisteredSubnetCounter stays.
    let (mut chain, root_coldkey) = living_chain(700);
    let root_hotkey = chain.subnet(1).hotkeys[0];
    assert!(chain.subnet(1).pending.total_rao() > 0 || chain.subnet(1).protocol_alpha_rao > 0);
    let counter = chain.registered_subnet_counter(1);
    let balance_rao = chain.accounts.balance(root_coldkey);
    let dissolution = chain.dissolve_network(1).unwrap();
    assert!(!chain.subnet_exists(1));
    assert_eq!((chain.subnet_stakes(1).count(), chain.uid_of(1, root_hotkey)), (0, None));
    assert_eq!(chain.root_network.weights, vec![vec![(1, 0), (2, 65_535)]]);
    assert_eq!(chain.registered_subnet_counter(1), counter);
    assert_eq!(chain.accounts.balance(root_coldkey), balance_rao + dissolution.paid_to(root_coldkey));
    assert!(dissolution.paid_to(root_coldkey) > 0);
    assert_eq!(chain.conservation(), Ok(()));
    let pool_before = chain.subnet(2).pool.clone();
    let report = chain.step_block();
    assert_eq!(chain.conservation(), Ok(()));
    let injected = chain.subnet(2).pool.tao_rao - pool_before.tao_rao;
    assert_eq!(injected, report.emission_rao, "the one subnet left takes the whole block emission");
}

#[test]
fn a_dissolved_netuid_is_reused_by_the_next_registration_and_its_counter_counts_on() {
    // registered_subnet_counter_*: dissolve keeps 1; re-registration reuses netuid 1 (the
    // smallest free) → 2.
    let mut chain = chain_with(0, 0);
    chain.step_block();
    let (coldkey, hotkey) = keys(&mut chain, 10_000 * TAO);
    assert_eq!(chain.register_network(coldkey, hotkey).unwrap().netuid, 1);
    assert_eq!(chain.register_network(coldkey, hotkey).unwrap().netuid, 2);
    chain.dissolve_network(1).unwrap();
    assert_eq!(chain.registered_subnet_counter(1), 1);
    assert_eq!(chain.register_network(coldkey, hotkey).unwrap().netuid, 1);
    assert_eq!(chain.registered_subnet_counter(1), 2);
    assert_eq!(chain.register_network(coldkey, hotkey).unwrap().netuid, 3);
    let netuids: Vec<u16> = chain.subnets().iter().map(|subnet| subnet.netuid).collect();
    assert_eq!(netuids, vec![1, 2, 3]);
}

#[test]
fn a_new_subnet_on_a_dissolved_netuid_inherits_what_remove_network_leaves() {
    // §2.7: remove_network leaves AdjustmentInterval, AdjustmentAlpha, MinAllowedUids,
    // MaxWeightsLimit and MinNonImmuneUids (the new subnet reads them) and the subnet account's
    // existential deposit; kappa and tempo are wiped (the new subnet has the defaults).
    let mut chain = head_chain(100 * TAO);
    chain.set_network_registration_parameters(NetworkRegistrationParameters {
        existential_deposit_rao: 500,
        ..mock_parameters(100 * TAO)
    });
    chain.step_block();
    let (coldkey, hotkey) = keys(&mut chain, 10_000 * TAO);
    let netuid = chain.register_network(coldkey, hotkey).unwrap().netuid;
    let tuned = Hyperparameters {
        adjustment_interval: 7,
        max_weights_limit: 1_000,
        min_non_immune_uids: 3,
        kappa: 40_000,
        tempo: 99,
        ..chain.subnet(netuid).metagraph.hyperparameters.clone()
    };
    chain.set_hyperparameters(netuid, tuned).unwrap();
    let dissolution = chain.dissolve_network(netuid).unwrap();
    assert_eq!(dissolution.account_left_rao, 500);
    assert_eq!(chain.register_network(coldkey, hotkey).unwrap().netuid, netuid);
    let h = &chain.subnet(netuid).metagraph.hyperparameters;
    assert_eq!((h.adjustment_interval, h.max_weights_limit, h.min_non_immune_uids), (7, 1_000, 3));
    assert_eq!((h.kappa, h.tempo), (32_767, 360));
    assert_eq!(chain.subnet_account_rao(netuid), 500);
    // The next dissolution counts the kept deposit in the account again: the pot (all the
    // protocol's, no stakers) is recycled whole and the deposit stays.
    let again = chain.dissolve_network(netuid).unwrap();
    assert_eq!((again.protocol_share_rao, again.recycled_rao), (again.pot_rao, again.pot_rao));
    assert_eq!(again.account_left_rao, 500);
    assert_eq!(chain.conservation(), Ok(()));
}

#[test]
fn a_registration_at_the_limit_prunes_the_cheapest_subnet_and_takes_its_netuid() {
    // register_network_prunes_and_recycles_netuid: SubnetLimit 2, n1 and n2 registered at block
    // 0 with moving price 0, b = imm + 100 → n1 is pruned and its netuid reused; still 2
    // subnets; n2 untouched.
    let mut chain = head_chain(100 * TAO);
    chain.set_network_registration_parameters(NetworkRegistrationParameters {
        subnet_limit: 2,
        ..mock_parameters(100 * TAO)
    });
    genesis_subnet(&mut chain, 100 * TAO, 100 * TAO);
    genesis_subnet(&mut chain, 100 * TAO, 100 * TAO);
    let n2 = chain.subnet(2).clone();
    chain.block = IMMUNITY + 100;
    let (coldkey, hotkey) = keys(&mut chain, 1_000 * TAO);
    let registered = chain.register_network(coldkey, hotkey).unwrap();
    assert_eq!(registered.netuid, 1);
    assert_eq!(registered.pruned.as_ref().map(|d| d.netuid), Some(1));
    assert_eq!(chain.subnets().len(), 2);
    assert_eq!((chain.subnet(1).owner_coldkey, chain.subnet(1).registered_at_block), (coldkey, IMMUNITY + 100));
    assert_eq!((chain.subnet(2).pool.clone(), chain.subnet(2).registered_at_block), (n2.pool, 0));
    assert_eq!(chain.conservation(), Ok(()));
}

#[test]
fn the_prune_candidate_on_the_chain_follows_price_then_registration_then_netuid() {
    // prune_selection_complex_state_exhaustive on the living chain: n1 [0] 25, n2 [0] 25, n3 [1]
    // 100, n4 [2] 1, n5 [imm+5] 0, n6 [imm+6] 0; a dissolved subnet leaves the candidates.
    let mut chain = chain_with(0, 0);
    for (registered_at, price) in [(0, 25), (0, 25), (1, 100), (2, 1), (IMMUNITY + 5, 0), (IMMUNITY + 6, 0)] {
        let netuid = genesis_subnet(&mut chain, TAO, TAO);
        let subnet = chain.subnet_mut(netuid);
        subnet.registered_at_block = registered_at;
        subnet.ema_price = U64F64::from_num(price);
    }
    let price =
        |chain: &mut Chain, netuid: u16, price: u64| chain.subnet_mut(netuid).ema_price = U64F64::from_num(price);
    chain.block = IMMUNITY + 10;
    assert_eq!(chain.network_to_prune(), Some(4));
    price(&mut chain, 4, 25);
    assert_eq!(chain.network_to_prune(), Some(1));
    chain.block = 2 * IMMUNITY + 10;
    assert_eq!(chain.network_to_prune(), Some(5));
    chain.dissolve_network(5).unwrap();
    assert_eq!(chain.network_to_prune(), Some(6));
    price(&mut chain, 6, 100);
    price(&mut chain, 3, 1);
    assert_eq!(chain.network_to_prune(), Some(3));
    price(&mut chain, 2, 1);
    assert_eq!(chain.network_to_prune(), Some(2));
}

#[test]
fn a_registration_that_fails_after_its_prune_rolls_the_prune_back() {
    // §2.5-4 runs after the prune: a caller whose balance covers λ (step 8) but not λ above the
    // existential deposit has nothing to transfer → InsufficientBalance, and the whole call,
    // prune included, is undone: the candidate is still there and no book moved.
    let mut chain = head_chain(100);
    chain.set_network_registration_parameters(NetworkRegistrationParameters {
        subnet_limit: 1,
        existential_deposit_rao: 500,
        ..mock_parameters(100)
    });
    let netuid = genesis_subnet(&mut chain, 1_000, 1_000);
    let holder = staker(&mut chain, netuid, 10);
    chain.block = IMMUNITY + 100;
    let (caller, caller_hotkey) = keys(&mut chain, 200);
    let (issuance_rao, lock) = (chain.total_issuance_rao, chain.network_lock);
    assert_eq!(chain.register_network(caller, caller_hotkey), Err(Refused::InsufficientBalance));
    assert_eq!((chain.subnets().len(), chain.subnet(netuid).registered_at_block), (1, 0));
    assert_eq!(chain.subnet_stakes(netuid).count(), 1);
    assert_eq!((chain.total_issuance_rao, chain.network_lock), (issuance_rao, lock));
    assert_eq!(balances(&chain, &[holder, caller]), vec![TAO, 200]);
}

#[test]
fn a_caller_paid_by_the_prune_can_lock_what_it_was_paid() {
    // The same caller staking on the candidate: the prune pays it 1 000 RAO before the transfer,
    // so τ = min(λ, balance − ED) > 0 and the registration goes through.
    let mut chain = head_chain(100);
    chain.set_network_registration_parameters(NetworkRegistrationParameters {
        subnet_limit: 1,
        existential_deposit_rao: 500,
        ..mock_parameters(100)
    });
    let netuid = genesis_subnet(&mut chain, 1_000, 1_000);
    let (caller, caller_hotkey) = keys(&mut chain, 200);
    chain.stake_alpha_at_genesis(caller, caller_hotkey, netuid, 10).unwrap();
    chain.block = IMMUNITY + 100;
    let registered = chain.register_network(caller, caller_hotkey).unwrap();
    let payout = StakerPayout { hotkey: caller_hotkey, coldkey: caller, alpha_rao: 10, tao_rao: 1_000, paid: true };
    assert_eq!(registered.pruned.unwrap().payouts, vec![payout]);
    assert_eq!((registered.netuid, registered.locked_rao), (netuid, 100));
    assert_eq!(chain.accounts.balance(caller), 200 + 1_000 - 100);
    assert_eq!(chain.conservation(), Ok(()));
}

#[test]
fn tokens_are_conserved_every_block_while_registrations_outrun_the_subnet_limit() {
    // Registrations every 50 blocks at a limit of 3, with emission, stake and epochs: subnets are
    // pruned and their netuids reused, and the books hold after every block and every call.
    let mut chain = head_chain(100 * TAO);
    chain.set_network_registration_parameters(NetworkRegistrationParameters {
        subnet_limit: 3,
        immunity_period_blocks: 120,
        existential_deposit_rao: 500,
        ..mock_parameters(100 * TAO)
    });
    let (staker_coldkey, staker_hotkey) = keys(&mut chain, 100_000 * TAO);
    let (owner, owner_hotkey) = keys(&mut chain, 1_000_000 * TAO);
    let (mut pruned, mut registered) = (0, 0);
    for block in 1..=1_000u64 {
        chain.step_block();
        if block % 50 == 0 {
            let done = chain.register_network(owner, owner_hotkey).unwrap();
            registered += 1;
            pruned += usize::from(done.pruned.is_some());
            chain.start_call(owner, done.netuid).unwrap();
            chain.add_stake(staker_coldkey, staker_hotkey, done.netuid, (block / 50) * TAO).unwrap();
        }
        assert_eq!(chain.conservation(), Ok(()), "after block {block}");
    }
    assert_eq!((registered, pruned, chain.subnets().len()), (20, 17, 3));
}
