//! What the network-registration tests share: the mock constants of subnets spec §7 and the
//! accounts and genesis subnets the vectors start from.

#![allow(dead_code)] // each including test uses part of it

use tensorsim_chain::accounts::{ColdkeyId, HotkeyId};
use tensorsim_chain::fixed::U64F64;
use tensorsim_chain::hyperparameters::Hyperparameters;
use tensorsim_chain::network_registration::NetworkRegistrationParameters;
use tensorsim_chain::pool::Pool;
use tensorsim_chain::profile::{Profile, profile_by_name};
use tensorsim_chain::state::{Chain, NetworkParameters};

pub const TAO: u64 = 1_000_000_000;
pub const IMMUNITY: u64 = 1_296_000;

/// The mock constants of spec §7: interval 2, rate limit 0, immunity 1 296 000, owner cut 0,
/// existential deposit 1, with the minimum lock given.
pub fn mock_parameters(min_lock_cost_rao: u64) -> NetworkRegistrationParameters {
    NetworkRegistrationParameters {
        min_lock_cost_rao,
        lock_reduction_interval_blocks: 2,
        rate_limit_blocks: 0,
        registration_start_block: 0,
        immunity_period_blocks: IMMUNITY,
        subnet_limit: 128,
        start_call_delay_blocks: 0,
        existential_deposit_rao: 1,
        tao_in_refund_deployment_block: 0,
    }
}

pub fn mock_chain(profile: &'static Profile, min_lock_cost_rao: u64) -> Chain {
    let h = Hyperparameters { subnet_owner_cut: 0, ..Hyperparameters::default() };
    let mut chain = Chain::with_profile(NetworkParameters::from_hyperparameters(&h), profile);
    chain.set_network_registration_parameters(mock_parameters(min_lock_cost_rao));
    chain
}

pub fn head_chain(min_lock_cost_rao: u64) -> Chain {
    mock_chain(profile_by_name("head-2026").unwrap(), min_lock_cost_rao)
}

/// A coldkey credited with `balance_rao` and a hotkey it owns.
pub fn keys(chain: &mut Chain, balance_rao: u64) -> (ColdkeyId, HotkeyId) {
    let coldkey = chain.create_coldkey(balance_rao);
    (coldkey, chain.create_hotkey(coldkey))
}

/// A genesis subnet with the pool given (its moving price 0).
pub fn genesis_subnet(chain: &mut Chain, tao_rao: u64, alpha_rao: u64) -> u16 {
    let (_, hotkey) = keys(chain, tao_rao);
    let pool = Pool { tao_rao, alpha_rao };
    chain.create_subnet(hotkey, Hyperparameters::default(), pool, U64F64::from_num(0)).unwrap()
}
