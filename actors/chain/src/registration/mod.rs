//! Registration (spec §4): burned registration into a subnet, the burn price (HEAD: `burn`;
//! before 2026-04: `interval`, by profile), and which UID a newcomer replaces when the subnet is
//! full (by profile: Emission at HEAD, PruningScore before).

pub mod burn;
pub mod interval;

use self::interval::IntervalRegistration;
use super::accounts::{ColdkeyId, HotkeyId};
use super::profile::{Pruning, RegistrationPrice, Tokenomics};
use super::state::Chain;
use interval::CapReached;

/// Why the chain refuses a registration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistrationRefused {
    NoSuchSubnet {
        netuid: u16,
    },
    NotHotkeyOwner,
    AlreadyRegistered {
        uid: u16,
    },
    CannotPayBurn {
        balance_rao: u64,
        burn_rao: u64,
    },
    NoSlots,
    NoPruneCandidate,
    /// Legacy caps (§4.5): registrations per block or per interval.
    TooManyRegistrations(CapReached),
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
            Self::TooManyRegistrations(CapReached::Block { max }) => {
                write!(f, "max_registrations_per_block {max} reached in this block")
            }
            Self::TooManyRegistrations(CapReached::Interval { max }) => {
                write!(f, "{max} registrations (3 × target_registrations_per_interval) reached in this interval")
            }
        }
    }
}

impl Chain {
    /// `burned_register` (§4.1): the coldkey pays the current burn, which buys alpha in the
    /// subnet's pool that is then taken out of circulation; the hotkey takes the next UID, or
    /// replaces the one the profile's pruning rule chooses. At HEAD the burn price jumps; under
    /// the legacy price the registration is capped per block and interval and counted for the
    /// interval's adjustment instead. Returns the UID.
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
        let legacy_price = self.profile().registration_price == RegistrationPrice::IntervalAdjustment;
        if legacy_price {
            subnet
                .interval
                .check_caps(&subnet.metagraph.hyperparameters)
                .map_err(RegistrationRefused::TooManyRegistrations)?;
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
        let pre_dtao = self.profile().tokenomics == Tokenomics::PreDtao;
        if pre_dtao {
            // No pool to buy into: the burn is burned.
            self.recycle_tao(burn);
        }
        let subnet = self.subnet_mut(netuid);
        if legacy_pruning && usize::from(uid) < subnet.hotkeys.len() {
            // The pruned UID is marked so the next registration before an epoch picks another.
            subnet.metagraph.set_pruning_score(uid, u16::MAX);
        }
        if !pre_dtao {
            let burned_alpha = subnet.pool.buy_alpha(burn);
            subnet.alpha_recycled_rao += u128::from(burned_alpha);
        }
        subnet.metagraph.register(uid, 0, block).expect("the slot was chosen from the subnet's own UIDs");
        if usize::from(uid) == subnet.hotkeys.len() {
            subnet.hotkeys.push(hotkey);
        } else {
            subnet.hotkeys[usize::from(uid)] = hotkey;
        }
        if is_owner {
            subnet.metagraph.hyperparameters.owner_uid = Some(uid);
        }
        if legacy_price {
            subnet.interval.count_burned_registration();
        } else {
            subnet.burn_rao = subnet.burn.bump(burn);
        }
        Ok(uid)
    }

    /// Registration with no burn, no registration caps and the price left as it was: the neurons
    /// a chain's genesis (its chain spec) starts with. Refused only for what no genesis can do
    /// (an unknown subnet or hotkey, a hotkey twice, a subnet with no slot left).
    pub fn register_at_genesis(
        &mut self,
        coldkey: ColdkeyId,
        hotkey: HotkeyId,
        netuid: u16,
    ) -> Result<u16, RegistrationRefused> {
        if !self.subnet_exists(netuid) {
            return Err(RegistrationRefused::NoSuchSubnet { netuid });
        }
        let block = self.block;
        let subnet = self.subnet_mut(netuid);
        let burn = std::mem::replace(&mut subnet.burn_rao, 0);
        let interval = subnet.interval.clone();
        subnet.interval = IntervalRegistration::new(&subnet.metagraph.hyperparameters, block);
        let uid = self.burned_register(coldkey, hotkey, netuid);
        let subnet = self.subnet_mut(netuid);
        subnet.burn_rao = burn;
        subnet.interval = interval;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed::U64F64;
    use crate::hyperparameters::Hyperparameters;
    use crate::pool::Pool;
    use crate::profile::profile_by_name;
    use crate::state::NetworkParameters;

    #[test]
    fn the_legacy_price_caps_registrations_and_adjusts_each_interval() {
        let h =
            Hyperparameters { burn: 1_000_000, min_burn: 1_000, adjustment_interval: 10, ..Hyperparameters::default() };
        let profile = profile_by_name("dtao-2025").unwrap();
        let mut chain = Chain::with_profile(NetworkParameters::from_hyperparameters(&h), profile);
        let owner = chain.create_coldkey(1_000_000_000_000);
        let owner_hotkey = chain.create_hotkey(owner);
        let pool = Pool { tao_rao: 1_000_000_000, alpha_rao: 1_000_000_000 };
        let netuid = chain.create_subnet(owner_hotkey, h, pool, U64F64::from_num(1)).unwrap();
        let hotkeys: Vec<_> = (0..8).map(|_| chain.create_hotkey(owner)).collect();
        chain.step_block();
        chain.burned_register(owner, hotkeys[0], netuid).unwrap();
        // One per block (max_registrations_per_block 1), and the price does not jump.
        let refused = chain.burned_register(owner, hotkeys[1], netuid).unwrap_err();
        assert_eq!(refused, RegistrationRefused::TooManyRegistrations(CapReached::Block { max: 1 }));
        assert_eq!(chain.subnet(netuid).burn_rao, 1_000_000);
        for hotkey in &hotkeys[1..4] {
            chain.step_block();
            chain.burned_register(owner, *hotkey, netuid).unwrap();
        }
        // Four burned registrations by block 5 against a target of 2: at block 10 the burn rises by
        // (4 + 2) / (2 · 2) = 1.5.
        while chain.block < 9 {
            chain.step_block();
        }
        assert_eq!(chain.subnet(netuid).burn_rao, 1_000_000);
        chain.step_block();
        assert_eq!(chain.subnet(netuid).burn_rao, 1_500_000);
        // The next interval counts afresh (its cap of 3 × target is tested with the counters).
        for hotkey in &hotkeys[4..] {
            chain.step_block();
            chain.burned_register(owner, *hotkey, netuid).unwrap();
        }
        assert_eq!(chain.subnet(netuid).interval.registrations_this_interval, 4);
    }
}
