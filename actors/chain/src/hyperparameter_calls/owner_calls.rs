//! The owner's calls that set no hyperparameter (subnets spec §6.4): `trigger_epoch`, an epoch
//! `AdminFreezeWindow` blocks from now (dynamic tempo only), and the subnet owner hotkey, where
//! the owner cut is staked.

use super::rules::{HyperparameterCallRefused as Refused, OWNER_HOTKEY_RATE_LIMIT_BLOCKS, Origin, StampKey};
use crate::accounts::{ColdkeyId, HotkeyId};
use crate::network_registration::lock::rate_limit_passes;
use crate::schedule::Cadence;
use crate::state::Chain;

/// `trigger_epoch`'s stamp: `OwnerHyperparamUpdate(TriggerEpoch)`, per subnet (kept by a
/// dissolved netuid, as every per-parameter stamp).
const TRIGGER_EPOCH: StampKey = StampKey::Hyperparameter("trigger_epoch");

impl Chain {
    /// `trigger_epoch` (call 141), the owner's only (root is `BadOrigin`): `PendingEpochAt =
    /// b + AdminFreezeWindow`, so the epoch runs that many blocks on (the next block's when the
    /// window is 0) and the window is closed until it does. Checks, in the order the spec lists
    /// them after the origin and the owner's rate limit (two tempos, as every owner parameter):
    /// commit-reveal off, no epoch pending (the spec names no error for it: `EpochAlreadyPending`
    /// is the model's), at least the window's blocks to the automatic epoch. No freeze check.
    pub fn trigger_epoch(&mut self, coldkey: ColdkeyId, netuid: u16) -> Result<(), Refused> {
        if self.profile().cadence != Cadence::Head {
            return Err(Refused::NotInRuntime { profile: self.profile().name });
        }
        if !self.subnet_exists(netuid) || self.subnet(netuid).owner_coldkey != coldkey {
            return Err(Refused::BadOrigin);
        }
        let (block, window) = (self.block, u64::from(self.admin.admin_freeze_window_blocks));
        let limited = self.profile().owner_calls.rate_limits_and_freeze_window;
        let subnet = self.subnet(netuid);
        let tempo = subnet.metagraph.hyperparameters.tempo;
        let last_block = self.owner_call_stamp(netuid, TRIGGER_EPOCH);
        let limit_blocks = u64::from(tempo) * u64::from(self.admin.owner_hyperparam_rate_limit_tempos);
        if limited && !rate_limit_passes(last_block, limit_blocks, block) {
            return Err(Refused::TxRateLimitExceeded { last_block, limit_blocks });
        }
        if subnet.metagraph.hyperparameters.commit_reveal {
            return Err(Refused::DynamicTempoBlockedByCommitReveal);
        }
        if subnet.scheduler.pending_epoch_at > 0 {
            return Err(Refused::EpochAlreadyPending { at_block: subnet.scheduler.pending_epoch_at });
        }
        if subnet.scheduler.blocks_until_next_epoch(tempo, block) < window {
            return Err(Refused::AutoEpochAlreadyImminent);
        }
        self.subnet_mut(netuid).scheduler.pending_epoch_at = block + window;
        if limited {
            self.owner_call_stamps.insert((netuid, TRIGGER_EPOCH), block);
        }
        Ok(())
    }

    /// `sudo_set_subnet_owner_hotkey` (call 64, alias 67), by the owner or root: the hotkey the
    /// owner cut is staked to from then on. Order: origin, the subnet's existence, the rate limit
    /// (50 400 blocks, root's calls too, stamped by both; kept by a dissolved netuid), the
    /// hotkey (not a neuron of the subnet; the model has no system accounts, and a hotkey it does
    /// not know can hold no stake), the stamp and the write. The rate limit is dated as the
    /// owner's others (from 2025-09-03).
    pub fn set_subnet_owner_hotkey(&mut self, origin: Origin, netuid: u16, hotkey: HotkeyId) -> Result<(), Refused> {
        let exists = self.subnet_exists(netuid);
        if let Origin::Signed(coldkey) = origin
            && !(exists && self.subnet(netuid).owner_coldkey == coldkey)
        {
            return Err(Refused::BadOrigin);
        }
        if !exists {
            return Err(Refused::SubnetDoesNotExist);
        }
        let block = self.block;
        let last_block = self.owner_call_stamp(netuid, StampKey::SubnetOwnerHotkey);
        let limited = self.profile().owner_calls.rate_limits_and_freeze_window;
        if limited && !rate_limit_passes(last_block, OWNER_HOTKEY_RATE_LIMIT_BLOCKS, block) {
            return Err(Refused::TxRateLimitExceeded { last_block, limit_blocks: OWNER_HOTKEY_RATE_LIMIT_BLOCKS });
        }
        if self.subnet(netuid).uid_of(hotkey).is_some() {
            return Err(Refused::HotKeyAlreadyRegisteredInSubNet);
        }
        if !self.accounts.hotkey_exists(hotkey) {
            return Err(Refused::OutsideModel("a hotkey the chain does not know holds no stake".to_string()));
        }
        if limited {
            self.owner_call_stamps.insert((netuid, StampKey::SubnetOwnerHotkey), block);
        }
        self.subnet_mut(netuid).owner_hotkey = hotkey;
        Ok(())
    }
}
