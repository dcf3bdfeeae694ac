//! Network registration (subnets spec §2): anyone locks TAO to create a subnet. The lock cost
//! doubles at each registration and decays back to the minimum (lock.rs), one registration per
//! global rate-limit window, the new pool seeded at the median price of the subnets that exist
//! (seed.rs), the owner's hotkey as UID 0, emission waiting for the owner's `start_call`
//! (start_call.rs). At the subnet limit the chain picks a subnet (prune.rs) and dissolves it
//! first (removal.rs: what the dissolution pays, by dissolve.rs's pure rules, and what its
//! netuid keeps for the next subnet, kept.rs); the new subnet takes its netuid.

pub mod dissolve;
pub mod kept;
pub mod lock;
pub(crate) mod parameters;
pub mod prune;
mod removal;
pub mod seed;
mod start_call;

pub use parameters::{NetworkLock, NetworkRegistrationParameters};
pub use removal::{Dissolution, DissolveRefused, StakerPayout};
pub use start_call::StartCallRefused;

use super::accounts::{ColdkeyId, HotkeyId};
use super::block_emission::block_emission_for_issuance;
use super::pool::Pool;
use super::profile::{NetworkPoolSeed, Tokenomics};
use super::state::{Chain, SUBNETS_MAX};
use lock::{LockCostInputs, effective_reduction_interval_blocks, lock_cost_rao, rate_limit_passes};
use prune::{NetworkPruneCandidate, network_to_prune};
use seed::{PoolSeedRao, median_price, seed_at_median_price, seed_at_price_one, spot_price};

/// Why the chain refuses `register_network`, in the order of §2.2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetworkRegistrationRefused {
    /// 1. Not a signed origin: here, a coldkey the chain does not know.
    BadOrigin,
    /// The profile has no pools (before dTAO): the spec describes registration with pools only.
    NotModelledBeforeDtao,
    /// 2. The hotkey belongs to another coldkey (a hotkey here always has an owner).
    NonAssociatedColdKey,
    /// 5. Before `NetworkRegistrationStartBlock`.
    SubNetRegistrationDisabled { start_block: u64 },
    /// 6. Within `NetworkRateLimit` blocks of the last registration, by anyone.
    NetworkTxRateLimitExceeded { last_lock_block: u64, rate_limit_blocks: u64 },
    /// 7. At the subnet limit with every subnet immune.
    SubnetLimitReached { subnet_limit: u16 },
    /// The simulator's own bound on subnets (`SUBNETS_MAX`).
    TooManySubnets,
    /// 8. The free balance is below the lock cost.
    CannotAffordLockCost { balance_rao: u64, lock_cost_rao: u64 },
    /// §2.5-4: nothing can move once the existential deposit is kept (after a prune: the whole
    /// call, prune included, rolls back).
    InsufficientBalance,
}

/// A registration that went through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkRegistered {
    pub netuid: u16,
    /// τ: the TAO moved from the caller into the new subnet.
    pub locked_rao: u64,
    /// The subnet the limit pruned first, whose netuid the new one took.
    pub pruned: Option<Dissolution>,
}

impl std::fmt::Display for NetworkRegistrationRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Self::BadOrigin => write!(f, "BadOrigin: not a signed coldkey"),
            Self::NotModelledBeforeDtao => write!(f, "network registration before dTAO is not modelled"),
            Self::NonAssociatedColdKey => write!(f, "NonAssociatedColdKey: the coldkey does not own the hotkey"),
            Self::SubNetRegistrationDisabled { start_block } => {
                write!(f, "SubNetRegistrationDisabled: network registration starts at block {start_block}")
            }
            Self::NetworkTxRateLimitExceeded { last_lock_block, rate_limit_blocks } => write!(
                f,
                "NetworkTxRateLimitExceeded: last registration at block {last_lock_block}, rate limit {rate_limit_blocks} blocks"
            ),
            Self::SubnetLimitReached { subnet_limit } => {
                write!(f, "SubnetLimitReached: {subnet_limit} subnets and none may be pruned")
            }
            Self::TooManySubnets => write!(f, "the simulator holds at most {SUBNETS_MAX} subnets"),
            Self::CannotAffordLockCost { balance_rao, lock_cost_rao } => {
                write!(f, "CannotAffordLockCost: balance {balance_rao} RAO, lock cost {lock_cost_rao} RAO")
            }
            Self::InsufficientBalance => write!(f, "InsufficientBalance: nothing above the existential deposit"),
        }
    }
}

impl Chain {
    /// `get_network_lock_cost` at the current block (§2.3), its interval scaled by the block
    /// emission of the current issuance.
    pub fn network_lock_cost_rao(&self) -> u64 {
        let emission_rao = block_emission_for_issuance(self.total_issuance_rao);
        let inputs = LockCostInputs {
            last_lock_cost_rao: self.network_lock.last_lock_cost_rao,
            min_lock_cost_rao: self.network_registration.min_lock_cost_rao,
            last_lock_block: self.network_lock.last_lock_block,
            effective_interval_blocks: effective_reduction_interval_blocks(
                self.network_registration.lock_reduction_interval_blocks,
                emission_rao,
            ),
        };
        lock_cost_rao(inputs, self.block)
    }

    /// Sets the network items (root's global setters); the last lock cost starts at the new
    /// minimum if no subnet was registered yet (`NetworkLastLockCost` defaults to the minimum).
    pub fn set_network_registration_parameters(&mut self, parameters: NetworkRegistrationParameters) {
        if self.network_lock.last_lock_block == 0 {
            self.network_lock.last_lock_cost_rao = parameters.min_lock_cost_rao;
        }
        self.network_registration = parameters;
    }

    /// The subnet a registration at the limit would dissolve now (§3), if any.
    pub fn network_to_prune(&self) -> Option<u16> {
        let candidates: Vec<NetworkPruneCandidate> = self
            .subnets
            .iter()
            .map(|subnet| NetworkPruneCandidate {
                netuid: subnet.netuid,
                moving_price: subnet.ema_price,
                registered_at_block: subnet.registered_at_block,
            })
            .collect();
        network_to_prune(&candidates, self.network_registration.immunity_period_blocks, self.block)
    }

    /// How many times a subnet was registered on `netuid` (`RegisteredSubnetCounter`, §2.5-7).
    pub fn registered_subnet_counter(&self, netuid: u16) -> u32 {
        self.registered_subnet_counter.get(&netuid).copied().unwrap_or(0)
    }

    /// `register_network` (§2.5): after the checks of §2.2, the prune candidate (at the limit) is
    /// dissolved and its netuid reused (else the smallest free one), the coldkey's lock moves into
    /// the new subnet's pool, seeded by the profile's rule; `hotkey` is UID 0 and the owner; the
    /// lock cost doubles from here. A refused call changes nothing, a prune included.
    pub fn register_network(
        &mut self,
        coldkey: ColdkeyId,
        hotkey: HotkeyId,
    ) -> Result<NetworkRegistered, NetworkRegistrationRefused> {
        let (lock_cost_rao, candidate) = self.check_register_network(coldkey, hotkey)?;
        let pruned = candidate.map(|netuid| self.plan_dissolution(netuid).expect("a prune candidate can be dissolved"));
        // §2.5-4 runs after the prune, so the caller's balance counts what the prune pays it; a
        // keep-alive transfer, so the existential deposit stays behind.
        let balance_rao = self.accounts.balance(coldkey) + pruned.as_ref().map_or(0, |d| d.paid_to(coldkey));
        let locked_rao =
            lock_cost_rao.min(balance_rao.saturating_sub(self.network_registration.existential_deposit_rao));
        if locked_rao == 0 {
            return Err(NetworkRegistrationRefused::InsufficientBalance);
        }
        let netuid = match &pruned {
            Some(dissolution) => {
                self.apply_dissolution(dissolution);
                dissolution.netuid
            }
            None => self.next_netuid(),
        };
        // §2.5-2: the median is a snapshot after the prune, before the new subnet exists.
        let median = median_price(self.subnets.iter().map(|s| spot_price(s.pool.tao_rao, s.pool.alpha_rao)));
        let min_lock_rao = self.network_registration.min_lock_cost_rao;
        let seed = match self.profile().network_registration.pool_seed {
            NetworkPoolSeed::PriceOne => seed_at_price_one(locked_rao, min_lock_rao),
            NetworkPoolSeed::MedianPrice => seed_at_median_price(locked_rao, min_lock_rao, median),
        };
        self.accounts.debit(coldkey, locked_rao).expect("the balance covers the lock");
        self.account_for_seed(locked_rao, seed);
        self.network_lock = NetworkLock { last_lock_cost_rao: locked_rao, last_lock_block: self.block };
        let pool = Pool { tao_rao: seed.tao_rao, alpha_rao: seed.alpha_rao };
        self.create_registered_subnet(netuid, hotkey, pool, locked_rao);
        *self.registered_subnet_counter.entry(netuid).or_insert(0) += 1;
        Ok(NetworkRegistered { netuid, locked_rao, pruned })
    }

    /// The checks of §2.2 in order (3 and 4 cannot fail here: the model has no system accounts
    /// and the public calls always name mechanism 1). Returns the lock cost λ, computed before
    /// any prune (§2.2-8), and the subnet to prune at the limit.
    fn check_register_network(
        &self,
        coldkey: ColdkeyId,
        hotkey: HotkeyId,
    ) -> Result<(u64, Option<u16>), NetworkRegistrationRefused> {
        use NetworkRegistrationRefused as Refused;
        if !self.accounts.exists(coldkey) {
            return Err(Refused::BadOrigin);
        }
        if self.profile().tokenomics == Tokenomics::PreDtao {
            return Err(Refused::NotModelledBeforeDtao);
        }
        if !self.accounts.hotkey_exists(hotkey) || self.accounts.owner_of(hotkey) != coldkey {
            return Err(Refused::NonAssociatedColdKey);
        }
        let parameters = &self.network_registration;
        if self.block < parameters.registration_start_block {
            return Err(Refused::SubNetRegistrationDisabled { start_block: parameters.registration_start_block });
        }
        let last_lock_block = self.network_lock.last_lock_block;
        if !rate_limit_passes(last_lock_block, parameters.rate_limit_blocks, self.block) {
            let rate_limit_blocks = parameters.rate_limit_blocks;
            return Err(Refused::NetworkTxRateLimitExceeded { last_lock_block, rate_limit_blocks });
        }
        let at_limit = self.profile().network_registration.subnet_limit
            && self.subnets.len() >= usize::from(parameters.subnet_limit);
        // §2.2-7: at the limit a candidate must exist; nothing is pruned before step 8 passes.
        let limit_reached = Refused::SubnetLimitReached { subnet_limit: parameters.subnet_limit };
        let candidate = if at_limit { Some(self.network_to_prune().ok_or(limit_reached)?) } else { None };
        if candidate.is_none() && self.subnets.len() >= SUBNETS_MAX {
            return Err(Refused::TooManySubnets);
        }
        let lock_cost_rao = self.network_lock_cost_rao();
        let balance_rao = self.accounts.balance(coldkey);
        if balance_rao < lock_cost_rao {
            return Err(Refused::CannotAffordLockCost { balance_rao, lock_cost_rao });
        }
        Ok((lock_cost_rao, candidate))
    }

    /// The TAO books of a seed: the lock left the caller's balance; the pool holds `T`, `τ − T`
    /// is recycled (before median seeding). Where the pool records more than arrived (τ < M,
    /// possible only within the existential deposit of the minimum, §2.5-9), the chain's pool
    /// holds TAO no balance paid for: the model counts that difference as issued, so that the
    /// books say where every RAO is.
    fn account_for_seed(&mut self, locked_rao: u64, seed: PoolSeedRao) {
        let shortfall_rao = (seed.tao_rao + seed.recycled_rao).saturating_sub(locked_rao);
        if shortfall_rao > 0 {
            self.total_issuance_rao += shortfall_rao;
            self.tao_issued_rao += u128::from(shortfall_rao);
        }
        if seed.recycled_rao > 0 {
            self.recycle_tao(seed.recycled_rao);
        }
    }
}
