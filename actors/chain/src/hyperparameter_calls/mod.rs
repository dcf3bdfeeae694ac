//! Subnet hyperparameters set by extrinsic (subnets spec §6): the owner's (or root's) calls,
//! checked in the chain's order with the chain's errors — the origin (owner coldkey or root,
//! anyone else `BadOrigin`), the owner's per-subnet per-parameter rate limit (Tempo ×
//! `OwnerHyperparamRateLimit`, stamped on success), the admin freeze window before each epoch,
//! the subnet's existence and the value's bounds (calls.rs) — then written.
//!
//! Profiles keep their dated rules: the rate limits and the freeze window exist from 2025-09-03
//! (`OwnerRules`); `set_tempo` and `set_activity_cutoff_factor` from dynamic tempo (May 2026,
//! the HEAD cadence). The spec gives no older table of origins and bounds, so older profiles
//! use HEAD's without the limits and the window.

pub mod calls;
pub mod owner_calls;
pub mod rules;
pub mod window;

use super::accounts::ColdkeyId;
use super::network_registration::lock::rate_limit_passes;
use super::schedule::{Cadence, legacy_blocks_until_next_epoch};
use super::state::Chain;
use calls::BoundsContext;
pub use calls::{Caller, Check, RateLimitFamily, SetHyperparameter};
pub use rules::{AdminParameters, HyperparameterCallRefused, Origin, OwnerRules, StampKey};
use window::admin_window_frozen;

/// The tempo and freeze inputs of a netuid with no subnet: storage defaults (`DefaultTempo`,
/// LEB 0, no pending epoch).
const DEFAULT_TEMPO: u16 = 360;

impl Chain {
    /// A hyperparameter call (§6.4, §6.5) signed by `origin` on `netuid`: the checks in the
    /// call's order, then the write, then (owner path) the rate-limit stamp. A refused call
    /// changes nothing. A call the chain makes without an existence check on a netuid that has
    /// no subnet is accepted and, as there is nothing of the model to write, changes nothing.
    pub fn set_hyperparameter(
        &mut self,
        origin: Origin,
        netuid: u16,
        call: &SetHyperparameter,
    ) -> Result<(), HyperparameterCallRefused> {
        let profile = self.profile();
        let dynamic_tempo = profile.cadence == Cadence::Head;
        if call.needs_dynamic_tempo() && !dynamic_tempo {
            return Err(HyperparameterCallRefused::NotInRuntime { profile: profile.name });
        }
        let owner = self.check_origin(origin, netuid, call.caller())?;
        self.check_call(owner, netuid, call)?;
        if self.subnet_exists(netuid) {
            self.write_hyperparameter(netuid, call, dynamic_tempo)?;
        }
        let stamped = owner.filter(|_| profile.owner_calls.rate_limits_and_freeze_window);
        if let Some(key) = stamped.and_then(|coldkey| stamp_key(call, coldkey)) {
            self.owner_call_stamps.insert((netuid, key), self.block);
        }
        Ok(())
    }

    /// `ensure_subnet_owner_or_root` / `ensure_root`: `Some(owner)` on the owner path.
    fn check_origin(
        &self,
        origin: Origin,
        netuid: u16,
        caller: Caller,
    ) -> Result<Option<ColdkeyId>, HyperparameterCallRefused> {
        match (origin, caller) {
            (Origin::Root, _) => Ok(None),
            (Origin::Signed(coldkey), Caller::OwnerOrRoot)
                if self.subnet_exists(netuid) && self.subnet(netuid).owner_coldkey == coldkey =>
            {
                Ok(Some(coldkey))
            }
            (Origin::Signed(_), _) => Err(HyperparameterCallRefused::BadOrigin),
        }
    }

    /// The call's checks after the origin, in its order.
    fn check_call(
        &self,
        owner: Option<ColdkeyId>,
        netuid: u16,
        call: &SetHyperparameter,
    ) -> Result<(), HyperparameterCallRefused> {
        let limited = self.profile().owner_calls.rate_limits_and_freeze_window;
        let default_hyperparameters;
        let (hyperparameters, n) = if self.subnet_exists(netuid) {
            let subnet = self.subnet(netuid);
            (&subnet.metagraph.hyperparameters, subnet.metagraph.n())
        } else {
            default_hyperparameters = self.profile().new_subnet_hyperparameters();
            (&default_hyperparameters, 0)
        };
        for check in call.checks(owner.is_none()) {
            match check {
                Check::RateLimit => match owner {
                    Some(coldkey) if limited => self.check_rate_limit(netuid, coldkey, call)?,
                    _ => {}
                },
                Check::Window if limited => self.check_freeze_window(netuid)?,
                Check::WindowOwnerOnly if limited && owner.is_some() => self.check_freeze_window(netuid)?,
                Check::Window | Check::WindowOwnerOnly => {}
                // Root (netuid 0) exists on chain; its hyperparameters are not modelled.
                Check::Exists if netuid != 0 && !self.subnet_exists(netuid) => {
                    return Err(HyperparameterCallRefused::SubnetDoesNotExist);
                }
                Check::Exists => {}
                Check::Bounds => {
                    let root = owner.is_none();
                    call.check_bounds(&BoundsContext { hyperparameters, n, netuid, root })?
                }
            }
        }
        Ok(())
    }

    /// The owner path's rate limit (§6.2): passes iff never stamped or `b − last ≥ limit`.
    fn check_rate_limit(
        &self,
        netuid: u16,
        owner: ColdkeyId,
        call: &SetHyperparameter,
    ) -> Result<(), HyperparameterCallRefused> {
        let Some(key) = stamp_key(call, owner) else { return Ok(()) };
        let tempo = u64::from(self.subnet(netuid).metagraph.hyperparameters.tempo);
        let limit_blocks = match key {
            StampKey::Hyperparameter(_) => tempo * u64::from(self.admin.owner_hyperparam_rate_limit_tempos),
            StampKey::WeightsVersionKey(_) => tempo.saturating_mul(self.admin.weights_version_key_rate_limit_tempos),
            // `TempoUpdate`: MIN_TEMPO blocks.
            StampKey::Tempo(_) => 360,
            StampKey::SubnetOwnerHotkey => rules::OWNER_HOTKEY_RATE_LIMIT_BLOCKS,
        };
        let last_block = self.owner_call_stamps.get(&(netuid, key)).copied().unwrap_or(0);
        if rate_limit_passes(last_block, limit_blocks, self.block) {
            Ok(())
        } else {
            Err(HyperparameterCallRefused::TxRateLimitExceeded { last_block, limit_blocks })
        }
    }

    /// §6.3 at the current block, by the subnet's cadence (storage defaults for a netuid with no
    /// subnet).
    fn check_freeze_window(&self, netuid: u16) -> Result<(), HyperparameterCallRefused> {
        let block = self.block;
        let (tempo, until_epoch, pending_epoch_at) = if self.subnet_exists(netuid) {
            let subnet = self.subnet(netuid);
            let tempo = subnet.metagraph.hyperparameters.tempo;
            (tempo, subnet.scheduler.blocks_until_next_epoch(tempo, block), subnet.scheduler.pending_epoch_at)
        } else {
            let until_epoch = match self.profile().cadence {
                Cadence::Head => u64::from(DEFAULT_TEMPO).saturating_sub(block),
                Cadence::Legacy => legacy_blocks_until_next_epoch(netuid, DEFAULT_TEMPO, block),
            };
            (DEFAULT_TEMPO, until_epoch, 0)
        };
        if admin_window_frozen(tempo, until_epoch, pending_epoch_at, block, self.admin.admin_freeze_window_blocks) {
            return Err(HyperparameterCallRefused::AdminActionProhibitedDuringWeightsWindow);
        }
        Ok(())
    }

    /// Writes the value through the metagraph's checks; a tempo change under dynamic tempo resets
    /// `LastEpochBlock` to this block (`apply_tempo_with_cycle_reset`); the emission switch is
    /// the subnet's.
    fn write_hyperparameter(
        &mut self,
        netuid: u16,
        call: &SetHyperparameter,
        dynamic_tempo: bool,
    ) -> Result<(), HyperparameterCallRefused> {
        let mut hyperparameters = self.subnet(netuid).metagraph.hyperparameters.clone();
        call.apply(&mut hyperparameters, dynamic_tempo);
        self.set_hyperparameters(netuid, hyperparameters)
            .map_err(|invalid| HyperparameterCallRefused::OutsideModel(invalid.to_string()))?;
        let block = self.block;
        let subnet = self.subnet_mut(netuid);
        match *call {
            SetHyperparameter::Tempo(_) if dynamic_tempo => subnet.scheduler.last_epoch_block = block,
            SetHyperparameter::SubnetEmissionEnabled(enabled) => subnet.emission_enabled = enabled,
            _ => {}
        }
        Ok(())
    }

    /// The last block the owner path stamped for `key` on `netuid` (0: never).
    pub fn owner_call_stamp(&self, netuid: u16, key: StampKey) -> u64 {
        self.owner_call_stamps.get(&(netuid, key)).copied().unwrap_or(0)
    }

    /// A dissolution wipes `TransactionKeyLastBlock[(·, netuid, ·)]` and keeps the per-parameter
    /// and owner hotkey stamps (§4.4, §2.7), which the next owner of the netuid inherits.
    pub(super) fn wipe_owner_transaction_stamps(&mut self, netuid: u16) {
        self.owner_call_stamps.retain(|&(stamped, key), _| stamped != netuid || key.kept_by_netuid());
    }
}

/// Where `call`'s owner path is stamped.
fn stamp_key(call: &SetHyperparameter, owner: ColdkeyId) -> Option<StampKey> {
    call.rate_limit_family().map(|family| match family {
        RateLimitFamily::Hyperparameter(name) => StampKey::Hyperparameter(name),
        RateLimitFamily::WeightsVersionKey => StampKey::WeightsVersionKey(owner),
        RateLimitFamily::Tempo => StampKey::Tempo(owner),
    })
}
