//! Registration (spec §4): burned registration into a subnet, the burn price, and which UID a
//! newcomer replaces when the subnet is full.

pub mod burn;

use super::accounts::{ColdkeyId, HotkeyId};
use super::profile::Pruning;
use super::state::Chain;

/// Why the chain refuses a registration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistrationRefused {
    NoSuchSubnet { netuid: u16 },
    NotHotkeyOwner,
    AlreadyRegistered { uid: u16 },
    CannotPayBurn { balance_rao: u64, burn_rao: u64 },
    NoSlots,
    NoPruneCandidate,
}

impl std::fmt::Display for RegistrationRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Self::NoSuchSubnet { netuid } => write!(f, "subnet {netuid} does not exist"),
            Self::NotHotkeyOwner => write!(f, "the coldkey does not own the hotkey"),
            Self::AlreadyRegistered { uid } => {
                write!(f, "the hotkey is already registered as uid {uid}")
            }
            Self::CannotPayBurn { balance_rao, burn_rao } => {
                write!(f, "balance {balance_rao} RAO cannot pay the burn of {burn_rao} RAO")
            }
            Self::NoSlots => write!(f, "max_allowed_uids is 0"),
            Self::NoPruneCandidate => write!(f, "the subnet is full and no UID may be replaced"),
        }
    }
}

impl Chain {
    /// `burned_register` (§4.1): the coldkey pays the current burn, which buys alpha in the
    /// subnet's pool that is then taken out of circulation; the hotkey takes the next UID, or
    /// replaces the one §4.2 chooses; the burn price jumps. Returns the UID.
    pub fn burned_register(
        &mut self,
        coldkey: ColdkeyId,
        hotkey: HotkeyId,
        netuid: u16,
    ) -> Result<u16, RegistrationRefused> {
        if !self.subnet_exists(netuid) {
            return Err(RegistrationRefused::NoSuchSubnet { netuid });
        }
        if !self.accounts.hotkey_exists(hotkey) || self.accounts.owner_of(hotkey) != coldkey {
            return Err(RegistrationRefused::NotHotkeyOwner);
        }
        let block = self.block;
        let subnet = self.subnet(netuid);
        if let Some(uid) = subnet.uid_of(hotkey) {
            return Err(RegistrationRefused::AlreadyRegistered { uid });
        }
        let burn = subnet.burn_rao;
        let balance = self.accounts.balance(coldkey);
        if balance < burn {
            return Err(RegistrationRefused::CannotPayBurn { balance_rao: balance, burn_rao: burn });
        }
        let max_uids = usize::from(subnet.metagraph.hyperparameters.max_allowed_uids);
        if max_uids == 0 {
            return Err(RegistrationRefused::NoSlots);
        }
        let uid = if subnet.hotkeys.len() < max_uids {
            subnet.hotkeys.len() as u16
        } else {
            self.prune_candidate(netuid, block).ok_or(RegistrationRefused::NoPruneCandidate)?
        };

        self.accounts.debit(coldkey, burn).expect("balance checked");
        let is_owner = hotkey == self.subnet(netuid).owner_hotkey;
        let legacy_pruning = self.profile().pruning == Pruning::PruningScore;
        let subnet = self.subnet_mut(netuid);
        if legacy_pruning && usize::from(uid) < subnet.hotkeys.len() {
            // The pruned UID is marked so the next registration before an epoch picks another.
            subnet.metagraph.set_pruning_score(uid, u16::MAX);
        }
        let burned_alpha = subnet.pool.buy_alpha(burn);
        subnet.alpha_recycled_rao += u128::from(burned_alpha);
        subnet.metagraph.register(uid, 0, block).expect("the slot was chosen from the subnet's own UIDs");
        if usize::from(uid) == subnet.hotkeys.len() {
            subnet.hotkeys.push(hotkey);
        } else {
            subnet.hotkeys[usize::from(uid)] = hotkey;
        }
        if is_owner {
            subnet.metagraph.hyperparameters.owner_uid = Some(uid);
        }
        subnet.burn_rao = subnet.burn.bump(burn);
        Ok(uid)
    }

    /// Registration with no burn, for tests that start from registered neurons.
    #[cfg(test)]
    pub(crate) fn burned_register_free(&mut self, coldkey: ColdkeyId, hotkey: HotkeyId, netuid: u16) -> u16 {
        let burn = std::mem::replace(&mut self.subnet_mut(netuid).burn_rao, 0);
        let uid = self.burned_register(coldkey, hotkey, netuid).expect("free registration");
        self.subnet_mut(netuid).burn_rao = burn;
        uid
    }

    /// The UID a newcomer replaces in a full subnet, by the rule of the profile in force.
    pub fn prune_candidate(&self, netuid: u16, block: u64) -> Option<u16> {
        match self.profile().pruning {
            Pruning::Emission => self.prune_candidate_by_emission(netuid, block),
            Pruning::PruningScore => self.prune_candidate_by_score(netuid, block),
        }
    }

    /// Until 2025-10-28 (§4.5): the lowest `PruningScore` among non-immune UIDs, ties to the
    /// earliest registration (then the lower UID); if every UID is immune, the same among them.
    /// The subnet owner's hotkey is never replaced.
    fn prune_candidate_by_score(&self, netuid: u16, block: u64) -> Option<u16> {
        let subnet = self.subnet(netuid);
        let h = &subnet.metagraph.hyperparameters;
        let registered_at = subnet.metagraph.registered_at();
        let score = &subnet.metagraph.outputs().pruning_score;
        let key = |uid: u16| (score[usize::from(uid)], registered_at[usize::from(uid)], uid);
        let immune = |uid: u16| block.saturating_sub(registered_at[usize::from(uid)]) < u64::from(h.immunity_period);
        let candidates =
            (0..subnet.hotkeys.len() as u16).filter(|&uid| subnet.hotkeys[usize::from(uid)] != subnet.owner_hotkey);
        let (immune_uids, free_uids): (Vec<u16>, Vec<u16>) = candidates.partition(|&uid| immune(uid));
        free_uids
            .into_iter()
            .min_by_key(|&uid| key(uid))
            .or_else(|| immune_uids.into_iter().min_by_key(|&uid| key(uid)))
    }

    /// HEAD (§4.2): never the owner's immortal hotkeys; among the rest the lowest (Emission,
    /// registration block, UID), from the non-immune UIDs while more than `min_non_immune_uids`
    /// of them remain, else from the immune ones.
    fn prune_candidate_by_emission(&self, netuid: u16, block: u64) -> Option<u16> {
        let subnet = self.subnet(netuid);
        let h = &subnet.metagraph.hyperparameters;
        let registered_at = subnet.metagraph.registered_at();
        let emission = &subnet.metagraph.outputs().emission_rao;

        // Owner-immortal: the owner's hotkey first, then its other hotkeys here, oldest first.
        let mut owned: Vec<u16> = (0..subnet.hotkeys.len() as u16)
            .filter(|&uid| self.accounts.owner_of(subnet.hotkeys[usize::from(uid)]) == subnet.owner_coldkey)
            .collect();
        owned.sort_by_key(|&uid| {
            (subnet.hotkeys[usize::from(uid)] != subnet.owner_hotkey, registered_at[usize::from(uid)], uid)
        });
        owned.truncate(usize::from(h.immune_owner_uids_limit));

        let key = |uid: u16| (emission[usize::from(uid)], registered_at[usize::from(uid)], uid);
        let immune = |uid: u16| block.saturating_sub(registered_at[usize::from(uid)]) < u64::from(h.immunity_period);
        let candidates = (0..subnet.hotkeys.len() as u16).filter(|uid| !owned.contains(uid));
        let (immune_uids, free_uids): (Vec<u16>, Vec<u16>) = candidates.partition(|&uid| immune(uid));
        if free_uids.len() > usize::from(h.min_non_immune_uids) {
            return free_uids.into_iter().min_by_key(|&uid| key(uid));
        }
        immune_uids.into_iter().min_by_key(|&uid| key(uid))
    }
}
