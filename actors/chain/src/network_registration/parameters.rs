//! What network registration reads and keeps (subnets spec §1, §2.3): the network items, which
//! are configuration, and the lock state.

use crate::hyperparameters::Hyperparameters;

/// The global items of §1 that network registration reads; configuration, as root may change
/// them at any time (§1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkRegistrationParameters {
    /// `NetworkMinLockCost` (M).
    pub min_lock_cost_rao: u64,
    /// `NetworkLockReductionInterval` (I), before scaling by block emission.
    pub lock_reduction_interval_blocks: u64,
    /// `NetworkRateLimit`.
    pub rate_limit_blocks: u64,
    /// `NetworkRegistrationStartBlock`: registration is disabled before it.
    pub registration_start_block: u64,
    /// `NetworkImmunityPeriod`.
    pub immunity_period_blocks: u64,
    /// `SubnetLimit`: subnets other than root.
    pub subnet_limit: u16,
    /// `StartCallDelay`.
    pub start_call_delay_blocks: u64,
    /// The existential deposit a keep-alive transfer leaves behind (§2.5-4), and a dissolution
    /// in the subnet's account (§4.3).
    pub existential_deposit_rao: u64,
    /// `TaoInRefundDeploymentBlock` (§4.1): a subnet registered after it counts its pool's alpha
    /// in the protocol's share of a dissolution (under profiles that have the rule).
    pub tao_in_refund_deployment_block: u64,
}

impl NetworkRegistrationParameters {
    /// The network items of `h` (the runtime values of §1 by default); the registration start
    /// block, the start-call delay and the refund deployment block are 0, as on a fresh chain.
    pub fn from_hyperparameters(h: &Hyperparameters) -> Self {
        Self {
            min_lock_cost_rao: h.network_min_lock_cost,
            lock_reduction_interval_blocks: h.network_lock_reduction_interval,
            rate_limit_blocks: h.network_rate_limit,
            registration_start_block: 0,
            immunity_period_blocks: h.network_immunity_period,
            subnet_limit: h.subnet_limit,
            start_call_delay_blocks: 0,
            existential_deposit_rao: h.existential_deposit,
            tao_in_refund_deployment_block: 0,
        }
    }
}

/// The lock state of §2.3: `NetworkLastLockCost` (L) and the last-lock block (B_L, 0 = never).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NetworkLock {
    pub last_lock_cost_rao: u64,
    pub last_lock_block: u64,
}
