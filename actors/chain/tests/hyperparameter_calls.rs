//! Owner and root hyperparameter calls on the living chain (subnets spec §6, the vectors of §7):
//! origins, the owner's per-parameter rate limit, the admin freeze window, bounds with the
//! chain's errors, the dated rules by profile, and the stamps a reused netuid inherits.

mod network_support;

use network_support::{TAO, genesis_subnet, head_chain, keys, mock_chain};
use tensorsim_chain::accounts::ColdkeyId;
use tensorsim_chain::fixed::U64F64;
use tensorsim_chain::hyperparameter_calls::{
    HyperparameterCallRefused as Refused, Origin, SetHyperparameter as Set, StampKey,
};
use tensorsim_chain::hyperparameters::Hyperparameters;
use tensorsim_chain::pool::Pool;
use tensorsim_chain::profile::profile_by_name;
use tensorsim_chain::state::Chain;

/// The admin-utils mock: a subnet of tempo `tempo` created at block 0 (so LEB = 0), the freeze
/// window `window`, under `profile`; returns the chain and the owner.
fn admin_chain(profile: &str, tempo: u16, window: u16) -> (Chain, ColdkeyId) {
    let mut chain = mock_chain(profile_by_name(profile).unwrap(), 100 * TAO);
    chain.admin.admin_freeze_window_blocks = window;
    let (owner, hotkey) = keys(&mut chain, 1_000 * TAO);
    let h = Hyperparameters { tempo, ..Hyperparameters::default() };
    let pool = Pool { tao_rao: 100 * TAO, alpha_rao: 100 * TAO };
    assert_eq!(chain.create_subnet(hotkey, h, pool, U64F64::from_num(0)), Ok(1));
    (chain, owner)
}

fn run_to(chain: &mut Chain, block: u64) {
    while chain.block < block {
        chain.step_block();
    }
}

#[test]
fn the_freeze_window_blocks_root_and_owner_in_the_last_blocks_before_the_epoch() {
    // test_freeze_window_blocks_root_and_owner: T = 10, W = 3, LEB = 0; at b = 8 (2 blocks
    // left) root's sudo_set_min_burn and the owner's reveal interval both fail; at b = 7 both pass.
    let frozen = Err(Refused::AdminActionProhibitedDuringWeightsWindow);
    let (mut chain, owner) = admin_chain("head-2026", 10, 3);
    run_to(&mut chain, 8);
    assert_eq!(chain.set_hyperparameter(Origin::Root, 1, &Set::MinBurn(1_000)), frozen);
    assert_eq!(chain.set_hyperparameter(Origin::Signed(owner), 1, &Set::RevealPeriodEpochs(5)), frozen);
    let (mut chain, owner) = admin_chain("head-2026", 10, 3);
    run_to(&mut chain, 7);
    assert_eq!(chain.set_hyperparameter(Origin::Root, 1, &Set::MinBurn(1_000)), Ok(()));
    assert_eq!(chain.set_hyperparameter(Origin::Signed(owner), 1, &Set::RevealPeriodEpochs(5)), Ok(()));
    let h = &chain.subnet(1).metagraph.hyperparameters;
    assert_eq!((h.min_burn, h.reveal_period_epochs), (1_000, 5));
}

#[test]
fn the_owner_rate_limit_is_two_tempos_per_parameter_and_stamps_only_success() {
    // test_owner_hyperparam_update_rate_limit_enforced / _by_tempo: T = 1, W = 0 → 2 blocks: set
    // at b0; refused at b0 and b0 + 1; allowed at b0 + 2.
    let (mut chain, owner) = admin_chain("head-2026", 1, 0);
    run_to(&mut chain, 5);
    let owner = Origin::Signed(owner);
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::Rho(11)), Ok(()));
    let limited = Err(Refused::TxRateLimitExceeded { last_block: 5, limit_blocks: 2 });
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::Rho(12)), limited);
    run_to(&mut chain, 6);
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::Rho(12)), limited);
    run_to(&mut chain, 7);
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::Rho(13)), Ok(()));
    assert_eq!(chain.subnet(1).metagraph.hyperparameters.rho, 13);
    // A refused owner call stamps nothing; root neither checks nor stamps.
    run_to(&mut chain, 9);
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::ImmuneOwnerUidsLimit(11)), Err(Refused::InvalidValue));
    assert_eq!(chain.owner_call_stamp(1, StampKey::Hyperparameter("immune_owner_uids_limit")), 0);
    assert_eq!(chain.set_hyperparameter(Origin::Root, 1, &Set::Rho(14)), Ok(()));
    assert_eq!(chain.owner_call_stamp(1, StampKey::Hyperparameter("rho")), 7);
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::Rho(15)), Ok(()));
}

#[test]
fn each_parameter_has_its_own_rate_limit() {
    // test_owner_hyperparam_rate_limit_independent_per_param: the reveal interval is blocked
    // while rho can still be set, then rho is blocked for itself.
    let (mut chain, owner) = admin_chain("head-2026", 10, 0);
    run_to(&mut chain, 1);
    let owner = Origin::Signed(owner);
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::RevealPeriodEpochs(2)), Ok(()));
    let limited = Err(Refused::TxRateLimitExceeded { last_block: 1, limit_blocks: 20 });
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::RevealPeriodEpochs(3)), limited);
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::Rho(5)), Ok(()));
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::Rho(6)), limited);
}

#[test]
fn the_weights_version_key_waits_five_tempos() {
    // test_sudo_set_weights_version_key_rate_limit: T = 10 → 50 blocks; set at 1, a retry fails,
    // allowed at 51.
    let (mut chain, owner) = admin_chain("head-2026", 10, 0);
    run_to(&mut chain, 1);
    let owner = Origin::Signed(owner);
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::WeightsVersionKey(1)), Ok(()));
    let limited = Err(Refused::TxRateLimitExceeded { last_block: 1, limit_blocks: 50 });
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::WeightsVersionKey(2)), limited);
    run_to(&mut chain, 50);
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::WeightsVersionKey(2)), limited);
    run_to(&mut chain, 51);
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::WeightsVersionKey(2)), Ok(()));
    assert_eq!(chain.subnet(1).metagraph.hyperparameters.weights_version_key, 2);
}

#[test]
fn root_sets_the_activity_cutoff_factor_through_the_freeze_window_and_the_owner_does_not() {
    // do_set_activity_cutoff_factor_works_for_root_bypassing_freeze_window.
    let (mut chain, owner) = admin_chain("head-2026", 10, 3);
    run_to(&mut chain, 8);
    let frozen = Err(Refused::AdminActionProhibitedDuringWeightsWindow);
    assert_eq!(chain.set_hyperparameter(Origin::Signed(owner), 1, &Set::ActivityCutoffFactorMilli(20_000)), frozen);
    assert_eq!(chain.set_hyperparameter(Origin::Root, 1, &Set::ActivityCutoffFactorMilli(20_000)), Ok(()));
    assert_eq!(chain.subnet(1).metagraph.hyperparameters.activity_cutoff(), 200);
    let out_of_bounds = Err(Refused::ActivityCutoffFactorMilliOutOfBounds);
    assert_eq!(chain.set_hyperparameter(Origin::Root, 1, &Set::ActivityCutoffFactorMilli(999)), out_of_bounds);
}

#[test]
fn kappa_is_root_only_and_strangers_are_bad_origins() {
    // §6.4's last line: no owner setter for kappa (sudo_set_kappa is ensure_root).
    let (mut chain, owner) = admin_chain("head-2026", 360, 10);
    run_to(&mut chain, 1);
    let (stranger, _) = keys(&mut chain, TAO);
    assert_eq!(chain.set_hyperparameter(Origin::Signed(owner), 1, &Set::Kappa(40_000)), Err(Refused::BadOrigin));
    assert_eq!(chain.set_hyperparameter(Origin::Signed(stranger), 1, &Set::Rho(3)), Err(Refused::BadOrigin));
    assert_eq!(chain.set_hyperparameter(Origin::Signed(owner), 7, &Set::Rho(3)), Err(Refused::BadOrigin));
    assert_eq!(chain.set_hyperparameter(Origin::Root, 1, &Set::Kappa(40_000)), Ok(()));
    assert_eq!(chain.subnet(1).metagraph.hyperparameters.kappa, 40_000);
    assert_eq!(chain.set_hyperparameter(Origin::Root, 7, &Set::Kappa(1)), Err(Refused::SubnetDoesNotExist));
}

#[test]
fn only_root_turns_a_registered_subnets_emission_on() {
    // §2.8: a subnet registered at HEAD has SubnetEmissionEnabled = false; only root flips it
    // (root-only since 4d98b85d2), never on root's own netuid.
    let mut chain = head_chain(100 * TAO);
    chain.step_block();
    let (owner, hotkey) = keys(&mut chain, 1_000 * TAO);
    let netuid = chain.register_network(owner, hotkey).unwrap().netuid;
    assert!(!chain.subnet(netuid).emission_enabled);
    let on = Set::SubnetEmissionEnabled(true);
    assert_eq!(chain.set_hyperparameter(Origin::Signed(owner), netuid, &on), Err(Refused::BadOrigin));
    assert_eq!(chain.set_hyperparameter(Origin::Root, 0, &on), Err(Refused::NotPermittedOnRootSubnet));
    assert_eq!(chain.set_hyperparameter(Origin::Root, netuid, &on), Ok(()));
    assert!(chain.subnet(netuid).emission_enabled);
}

#[test]
fn bounds_refuse_with_the_chains_errors_in_the_chains_order() {
    let (mut chain, owner) = admin_chain("head-2026", 360, 0);
    run_to(&mut chain, 1);
    let owner = Origin::Signed(owner);
    let set = |chain: &mut Chain, origin, call| chain.set_hyperparameter(origin, 1, &call);
    // The owner's bonds moving average is capped at 975 000; root's is not.
    assert_eq!(set(&mut chain, owner, Set::BondsMovingAverage(975_001)), Err(Refused::BondsMovingAverageMaxReached));
    assert_eq!(set(&mut chain, Origin::Root, Set::BondsMovingAverage(990_000)), Ok(()));
    assert_eq!(set(&mut chain, owner, Set::BondsMovingAverage(975_000)), Ok(()));
    // Liquid alpha must be on before its values; then 1 638 ≤ low ≤ high.
    assert_eq!(set(&mut chain, owner, Set::AlphaValues(2_000, 3_000)), Err(Refused::LiquidAlphaDisabled));
    assert_eq!(set(&mut chain, owner, Set::LiquidAlpha(true)), Ok(()));
    assert_eq!(set(&mut chain, owner, Set::AlphaValues(2_000, 1_000)), Err(Refused::AlphaHighTooLow));
    assert_eq!(set(&mut chain, owner, Set::AlphaValues(3_000, 2_000)), Err(Refused::AlphaLowOutOfRange));
    assert_eq!(set(&mut chain, owner, Set::AlphaValues(2_000, 3_000)), Ok(()));
    // Max UIDs: at least MinAllowedUids (64) and at most 256.
    assert_eq!(set(&mut chain, owner, Set::MaxAllowedUids(63)), Err(Refused::MaxAllowedUidsLessThanMinAllowedUids));
    let too_many = Err(Refused::MaxAllowedUidsGreaterThanDefaultMaxAllowedUids);
    assert_eq!(set(&mut chain, owner, Set::MaxAllowedUids(257)), too_many);
    assert_eq!(set(&mut chain, owner, Set::RevealPeriodEpochs(101)), Err(Refused::RevealPeriodTooLarge));
    assert_eq!(set(&mut chain, owner, Set::RevealPeriodEpochs(0)), Err(Refused::RevealPeriodTooSmall));
    assert_eq!(set(&mut chain, owner, Set::MinBurn(TAO)), Err(Refused::ValueNotInBounds));
    assert_eq!(set(&mut chain, owner, Set::MaxBurn(TAO / 10)), Err(Refused::ValueNotInBounds));
    assert_eq!(set(&mut chain, owner, Set::AlphaSigmoidSteepness(-1)), Err(Refused::NegativeSigmoidSteepness));
    assert_eq!(set(&mut chain, Origin::Root, Set::AlphaSigmoidSteepness(-1)), Ok(()));
    assert_eq!(set(&mut chain, owner, Set::ActivityCutoff(359)), Err(Refused::ActivityCutoffTooLow));
    assert_eq!(set(&mut chain, owner, Set::BurnHalfLife(0)), Err(Refused::InvalidValue));
    assert_eq!(set(&mut chain, owner, Set::BurnIncreaseMult(3.5)), Err(Refused::InvalidValue));
    assert_eq!(set(&mut chain, owner, Set::Tempo(359)), Err(Refused::TempoOutOfBounds));
    let validators = Err(Refused::MaxValidatorsLargerThanMaxUIds);
    assert_eq!(set(&mut chain, Origin::Root, Set::MaxAllowedValidators(257)), validators);
    let min_uids = Err(Refused::MinAllowedUidsGreaterThanCurrentUids);
    assert_eq!(set(&mut chain, Origin::Root, Set::MinAllowedUids(10)), min_uids);
}

#[test]
fn the_owners_tempo_resets_the_epoch_anchor_and_has_its_own_limit() {
    // st set_tempo: 360 ≤ T ≤ 50 400, then LastEpochBlock = b; TempoUpdate waits 360 blocks.
    let (mut chain, owner) = admin_chain("head-2026", 360, 10);
    run_to(&mut chain, 100);
    let owner = Origin::Signed(owner);
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::Tempo(720)), Ok(()));
    assert_eq!(
        (chain.subnet(1).metagraph.hyperparameters.tempo, chain.subnet(1).scheduler.last_epoch_block),
        (720, 100)
    );
    run_to(&mut chain, 459);
    let limited = Err(Refused::TxRateLimitExceeded { last_block: 100, limit_blocks: 360 });
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::Tempo(400)), limited);
    run_to(&mut chain, 460);
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::Tempo(400)), Ok(()));
}

#[test]
fn before_september_2025_owners_have_no_rate_limit_and_no_freeze_window() {
    // §6.3 history: limits and window since 24db02417 (2025-09-03); yuma3-2025 predates them.
    let (mut chain, owner) = admin_chain("yuma3-2025", 10, 3);
    run_to(&mut chain, 7); // legacy cadence, netuid 1, T = 10: the epoch runs at b = 8
    let owner = Origin::Signed(owner);
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::Rho(1)), Ok(()));
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::Rho(2)), Ok(()));
    assert_eq!(chain.owner_call_stamp(1, StampKey::Hyperparameter("rho")), 0);
    // flow-2026 (2026-03) has both, with the legacy phase for the window; no owner set_tempo yet.
    let (mut chain, owner) = admin_chain("flow-2026", 10, 3);
    run_to(&mut chain, 7);
    let owner = Origin::Signed(owner);
    let frozen = Err(Refused::AdminActionProhibitedDuringWeightsWindow);
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::Rho(1)), frozen);
    run_to(&mut chain, 9);
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::Rho(1)), Ok(()));
    let missing = Err(Refused::NotInRuntime { profile: "flow-2026" });
    assert_eq!(chain.set_hyperparameter(owner, 1, &Set::Tempo(720)), missing);
}

#[test]
fn a_new_owner_on_a_reused_netuid_inherits_the_per_parameter_stamps_only() {
    // §2.7: LastRateLimitedBlock[OwnerHyperparamUpdate(netuid, ·)] survives remove_network (the
    // new owner can be limited by the old owner's change); TransactionKeyLastBlock[(·, netuid,
    // ·)] (the weights version key's) does not.
    let mut chain = head_chain(100 * TAO);
    chain.admin.admin_freeze_window_blocks = 0;
    let netuid = genesis_subnet(&mut chain, 100 * TAO, 100 * TAO);
    let old_owner = Origin::Signed(chain.subnet(netuid).owner_coldkey);
    run_to(&mut chain, 10);
    assert_eq!(chain.set_hyperparameter(old_owner, netuid, &Set::Rho(3)), Ok(()));
    assert_eq!(chain.set_hyperparameter(old_owner, netuid, &Set::WeightsVersionKey(3)), Ok(()));
    let Origin::Signed(old_coldkey) = old_owner else { unreachable!() };
    assert_eq!(chain.owner_call_stamp(netuid, StampKey::WeightsVersionKey(old_coldkey)), 10);
    chain.dissolve_network(netuid).unwrap();
    assert_eq!(chain.owner_call_stamp(netuid, StampKey::WeightsVersionKey(old_coldkey)), 0);
    assert_eq!(chain.owner_call_stamp(netuid, StampKey::Hyperparameter("rho")), 10);
    let (new_owner, hotkey) = keys(&mut chain, 1_000 * TAO);
    assert_eq!(chain.register_network(new_owner, hotkey).unwrap().netuid, netuid);
    let new_owner = Origin::Signed(new_owner);
    let limited = Err(Refused::TxRateLimitExceeded { last_block: 10, limit_blocks: 720 });
    assert_eq!(chain.set_hyperparameter(new_owner, netuid, &Set::Rho(4)), limited);
    assert_eq!(chain.set_hyperparameter(new_owner, netuid, &Set::WeightsVersionKey(4)), Ok(()));
    assert_eq!(chain.set_hyperparameter(old_owner, netuid, &Set::Rho(4)), Err(Refused::BadOrigin));
}

#[test]
fn a_trigger_is_refused_when_the_automatic_epoch_is_nearer_than_the_window() {
    // do_trigger_epoch_rejects_when_auto_epoch_already_imminent: T = 10, LEB = 1, b = 5, W = 8:
    // 6 blocks remain, fewer than 8.
    let (mut chain, owner) = admin_chain("head-2026", 10, 8);
    chain.subnet_mut(1).metagraph.hyperparameters.commit_reveal = false;
    run_to(&mut chain, 1);
    chain.subnet_mut(1).scheduler.last_epoch_block = 1;
    run_to(&mut chain, 5);
    assert_eq!(chain.trigger_epoch(owner, 1), Err(Refused::AutoEpochAlreadyImminent));
    assert_eq!(chain.subnet(1).scheduler.pending_epoch_at, 0);
}

#[test]
fn a_trigger_runs_the_epoch_a_window_later_and_freezes_admin_calls_until_then() {
    // The tempo-control vector: commit-reveal off, W = 5 → PendingEpochAt = b + 5.
    let (mut chain, owner) = admin_chain("head-2026", 100, 5);
    chain.subnet_mut(1).metagraph.hyperparameters.commit_reveal = false;
    run_to(&mut chain, 20);
    assert_eq!(chain.trigger_epoch(owner, 1), Ok(()));
    assert_eq!(chain.subnet(1).scheduler.pending_epoch_at, 25);
    // One pending trigger at a time, and the window is closed from the trigger to the epoch.
    assert_eq!(chain.trigger_epoch(owner, 1), Err(Refused::TxRateLimitExceeded { last_block: 20, limit_blocks: 200 }));
    let frozen = Err(Refused::AdminActionProhibitedDuringWeightsWindow);
    assert_eq!(chain.set_hyperparameter(Origin::Signed(owner), 1, &Set::Rho(3)), frozen);
    let epochs_at: Vec<u64> = (21..=26).filter(|_| !chain.step_block().epochs.is_empty()).collect();
    assert_eq!(epochs_at, [25]);
    assert_eq!(chain.subnet(1).scheduler.pending_epoch_at, 0);
    assert_eq!(chain.set_hyperparameter(Origin::Signed(owner), 1, &Set::Rho(3)), Ok(()));
}

#[test]
fn a_trigger_is_the_owners_under_dynamic_tempo_without_commit_reveal_and_one_at_a_time() {
    // With commit-reveal on: DynamicTempoBlockedByCommitReveal (the tempo-control vector).
    let (mut chain, owner) = admin_chain("head-2026", 100, 5);
    chain.subnet_mut(1).metagraph.hyperparameters.commit_reveal = true;
    run_to(&mut chain, 20);
    assert_eq!(chain.trigger_epoch(owner, 1), Err(Refused::DynamicTempoBlockedByCommitReveal));
    chain.subnet_mut(1).metagraph.hyperparameters.commit_reveal = false;
    assert_eq!(chain.trigger_epoch(ColdkeyId(999), 1), Err(Refused::BadOrigin));
    // An epoch the per-block cap deferred is pending too.
    chain.subnet_mut(1).scheduler.pending_epoch_at = 21;
    assert_eq!(chain.trigger_epoch(owner, 1), Err(Refused::EpochAlreadyPending { at_block: 21 }));
    let (mut legacy, owner) = admin_chain("yuma3-2025", 100, 5);
    legacy.subnet_mut(1).metagraph.hyperparameters.commit_reveal = false;
    run_to(&mut legacy, 20);
    assert!(matches!(legacy.trigger_epoch(owner, 1), Err(Refused::NotInRuntime { .. })));
}

#[test]
fn the_owner_hotkey_changes_once_per_50_400_blocks_for_the_owner_and_root_alike() {
    // test_set_sn_owner_hotkey_owner: the first owner call passes, an immediate second is
    // TxRateLimitExceeded (50 400 blocks); root is limited and stamps too.
    let (mut chain, owner) = admin_chain("head-2026", 10, 0);
    run_to(&mut chain, 3);
    let (_, first) = keys(&mut chain, TAO);
    let (_, second) = keys(&mut chain, TAO);
    assert_eq!(chain.set_subnet_owner_hotkey(Origin::Signed(owner), 1, first), Ok(()));
    assert_eq!(chain.subnet(1).owner_hotkey, first);
    let limited = Err(Refused::TxRateLimitExceeded { last_block: 3, limit_blocks: 50_400 });
    assert_eq!(chain.set_subnet_owner_hotkey(Origin::Signed(owner), 1, second), limited);
    assert_eq!(chain.set_subnet_owner_hotkey(Origin::Root, 1, second), limited);
    assert_eq!(chain.set_subnet_owner_hotkey(Origin::Signed(ColdkeyId(999)), 1, second), Err(Refused::BadOrigin));
    assert_eq!(chain.set_subnet_owner_hotkey(Origin::Root, 7, second), Err(Refused::SubnetDoesNotExist));
    chain.block = 3 + 50_400;
    assert_eq!(chain.set_subnet_owner_hotkey(Origin::Root, 1, second), Ok(()));
    assert_eq!(chain.owner_call_stamp(1, StampKey::SubnetOwnerHotkey), 50_403);
    // A neuron of the subnet cannot be the owner hotkey.
    chain.block += 50_400;
    let (coldkey, neuron) = keys(&mut chain, 1_000 * TAO);
    chain.burned_register(coldkey, neuron, 1).unwrap();
    assert_eq!(chain.set_subnet_owner_hotkey(Origin::Root, 1, neuron), Err(Refused::HotKeyAlreadyRegisteredInSubNet));
}
