//! Stake (spec §6): adding and removing stake through a subnet's pool (or directly on root), alpha
//! a genesis holds without buying it, the stake weight Yuma reads (alpha + τ·root), and delegate
//! takes.

use super::accounts::{ColdkeyId, HotkeyId, InsufficientBalance};
// A subnet's halving curve reads its alpha issuance against the same 21 M as TAO's (§3.1).
use super::block_emission::TOTAL_SUPPLY_RAO;
use super::fixed::I64F64;
use super::profile::Tokenomics;
use super::share_pool::SharePool;
use super::state::Chain;

/// Root is netuid 0: stake there is TAO, with no pool and no metagraph here.
pub const ROOT_NETUID: u16 = 0;

/// Why the chain refuses a stake operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StakeRefused {
    NoSuchSubnet {
        netuid: u16,
    },
    NoSuchHotkey,
    BelowMinimum {
        amount_rao: u64,
        min_rao: u64,
    },
    Balance(InsufficientBalance),
    NotEnoughStake {
        held_rao: u64,
        asked_rao: u64,
    },
    ZeroAmount,
    /// Before dTAO a hotkey's stake is one, on no particular subnet: stake on netuid 0.
    NoSubnetStakeBeforeDtao {
        netuid: u16,
    },
    /// Alpha is issued into a stake only in the chain's genesis.
    AfterGenesis {
        block: u64,
    },
    /// A subnet issues at most 21 M alpha (its halving curve emits nothing beyond).
    AboveAlphaSupply {
        issuance_rao: u64,
        asked_rao: u64,
    },
}

impl std::fmt::Display for StakeRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Self::NoSuchSubnet { netuid } => write!(f, "subnet {netuid} does not exist"),
            Self::NoSuchHotkey => write!(f, "the hotkey does not exist"),
            Self::ZeroAmount => write!(f, "the amount is zero"),
            Self::BelowMinimum { amount_rao, min_rao } => {
                write!(f, "{amount_rao} RAO is below the minimum stake of {min_rao} RAO")
            }
            Self::Balance(e) => write!(f, "balance {} RAO is below the {} RAO asked", e.balance_rao, e.needed_rao),
            Self::NotEnoughStake { held_rao, asked_rao } => {
                write!(f, "stake {held_rao} is below the {asked_rao} asked")
            }
            Self::NoSubnetStakeBeforeDtao { netuid } => {
                write!(f, "before dTAO stake is per hotkey, not per subnet: stake on netuid 0, not {netuid}")
            }
            Self::AfterGenesis { block } => {
                write!(f, "alpha is issued into a stake only at genesis, not at block {block}")
            }
            Self::AboveAlphaSupply { issuance_rao, asked_rao } => write!(
                f,
                "{asked_rao} RAO of alpha over the subnet's issuance of {issuance_rao} RAO exceeds its 21 M alpha"
            ),
        }
    }
}

impl Chain {
    fn check_stake_target(&self, hotkey: HotkeyId, netuid: u16) -> Result<(), StakeRefused> {
        if netuid != ROOT_NETUID && self.profile().tokenomics == Tokenomics::PreDtao {
            return Err(StakeRefused::NoSubnetStakeBeforeDtao { netuid });
        }
        if netuid != ROOT_NETUID && !self.subnet_exists(netuid) {
            return Err(StakeRefused::NoSuchSubnet { netuid });
        }
        if !self.accounts.hotkey_exists(hotkey) {
            return Err(StakeRefused::NoSuchHotkey);
        }
        Ok(())
    }

    /// `add_stake`: `tao_rao` of `coldkey`'s balance staked to `hotkey` on `netuid`, bought as
    /// alpha through the subnet's pool (on root the TAO itself is the stake). Returns the stake
    /// added (alpha, or TAO on root).
    pub fn add_stake(
        &mut self,
        coldkey: ColdkeyId,
        hotkey: HotkeyId,
        netuid: u16,
        tao_rao: u64,
    ) -> Result<u64, StakeRefused> {
        self.check_stake_target(hotkey, netuid)?;
        if tao_rao < self.params.min_stake_rao {
            return Err(StakeRefused::BelowMinimum { amount_rao: tao_rao, min_rao: self.params.min_stake_rao });
        }
        self.accounts.debit(coldkey, tao_rao).map_err(StakeRefused::Balance)?;
        if netuid == ROOT_NETUID {
            self.root.entry(hotkey).or_default().deposit(coldkey, tao_rao);
            return Ok(tao_rao);
        }
        let subnet = self.subnet_mut(netuid);
        subnet.tao_flow_rao += i128::from(tao_rao);
        let alpha = subnet.pool.buy_alpha(tao_rao);
        subnet.alpha_out_rao += alpha;
        self.stakes.entry((netuid, hotkey)).or_default().deposit(coldkey, alpha);
        Ok(alpha)
    }

    /// Alpha `coldkey` holds on `hotkey` in the chain's genesis (its chain spec), not bought: it
    /// stands for alpha the subnet emitted before the chain's recorded history, so it is issued and
    /// outstanding (`SubnetAlphaOut`) as emitted alpha is, and conservation holds. The pool and its
    /// price are untouched and no TAO moves (so no TAO flow either). Only at block 0, and only on a
    /// dTAO chain's subnet (before dTAO stake is TAO on root).
    pub fn stake_alpha_at_genesis(
        &mut self,
        coldkey: ColdkeyId,
        hotkey: HotkeyId,
        netuid: u16,
        alpha_rao: u64,
    ) -> Result<(), StakeRefused> {
        if self.block != 0 {
            return Err(StakeRefused::AfterGenesis { block: self.block });
        }
        if netuid == ROOT_NETUID {
            return Err(StakeRefused::NoSuchSubnet { netuid });
        }
        self.check_stake_target(hotkey, netuid)?;
        if alpha_rao == 0 {
            return Err(StakeRefused::ZeroAmount);
        }
        let subnet = self.subnet_mut(netuid);
        let issuance_rao = subnet.alpha_issuance_rao();
        if issuance_rao.checked_add(alpha_rao).is_none_or(|total| total > TOTAL_SUPPLY_RAO) {
            return Err(StakeRefused::AboveAlphaSupply { issuance_rao, asked_rao: alpha_rao });
        }
        subnet.alpha_issued_rao += u128::from(alpha_rao);
        subnet.alpha_out_rao += alpha_rao;
        self.stakes.entry((netuid, hotkey)).or_default().deposit(coldkey, alpha_rao);
        Ok(())
    }

    /// `remove_stake`: up to `stake_rao` of `coldkey`'s stake on `hotkey` sold back to TAO (on
    /// root returned as it is). Returns the TAO credited.
    pub fn remove_stake(
        &mut self,
        coldkey: ColdkeyId,
        hotkey: HotkeyId,
        netuid: u16,
        stake_rao: u64,
    ) -> Result<u64, StakeRefused> {
        self.check_stake_target(hotkey, netuid)?;
        if stake_rao == 0 {
            return Err(StakeRefused::ZeroAmount);
        }
        let held = self.stake_of(coldkey, hotkey, netuid);
        if held < stake_rao {
            return Err(StakeRefused::NotEnoughStake { held_rao: held, asked_rao: stake_rao });
        }
        let tao = if netuid == ROOT_NETUID {
            self.root.get_mut(&hotkey).expect("held stake has a pool").withdraw(coldkey, stake_rao)
        } else {
            let alpha =
                self.stakes.get_mut(&(netuid, hotkey)).expect("held stake has a pool").withdraw(coldkey, stake_rao);
            let subnet = self.subnet_mut(netuid);
            subnet.alpha_out_rao -= alpha;
            let tao = subnet.pool.sell_alpha(alpha);
            subnet.tao_flow_rao -= i128::from(tao);
            tao
        };
        self.accounts.credit(coldkey, tao);
        Ok(tao)
    }

    /// `move_stake` within one subnet: `alpha_rao` of `coldkey`'s stake on `origin` moved to
    /// `destination`, as alpha (no swap: the pool, its price and the alpha outstanding stay as they
    /// are). Returns the alpha moved.
    pub fn move_stake(
        &mut self,
        coldkey: ColdkeyId,
        (origin, destination): (HotkeyId, HotkeyId),
        netuid: u16,
        alpha_rao: u64,
    ) -> Result<u64, StakeRefused> {
        if netuid == ROOT_NETUID {
            return Err(StakeRefused::NoSuchSubnet { netuid });
        }
        self.check_stake_target(origin, netuid)?;
        self.check_stake_target(destination, netuid)?;
        if alpha_rao == 0 {
            return Err(StakeRefused::ZeroAmount);
        }
        let held = self.stake_of(coldkey, origin, netuid);
        if held < alpha_rao {
            return Err(StakeRefused::NotEnoughStake { held_rao: held, asked_rao: alpha_rao });
        }
        let alpha = self.stakes.get_mut(&(netuid, origin)).expect("held stake has a pool").withdraw(coldkey, alpha_rao);
        self.stakes.entry((netuid, destination)).or_default().deposit(coldkey, alpha);
        Ok(alpha)
    }

    /// What `coldkey`'s stake on `hotkey` is worth on `netuid` (alpha, or TAO on root).
    pub fn stake_of(&self, coldkey: ColdkeyId, hotkey: HotkeyId, netuid: u16) -> u64 {
        let pool = if netuid == ROOT_NETUID { self.root.get(&hotkey) } else { self.stakes.get(&(netuid, hotkey)) };
        pool.map_or(0, |pool| pool.value_of(coldkey))
    }

    /// The total alpha staked to `hotkey` on `netuid`.
    pub fn hotkey_alpha(&self, hotkey: HotkeyId, netuid: u16) -> u64 {
        self.stakes.get(&(netuid, hotkey)).map_or(0, SharePool::total_rao)
    }

    /// The total TAO staked to `hotkey` on root.
    pub fn hotkey_root_tao(&self, hotkey: HotkeyId) -> u64 {
        self.root.get(&hotkey).map_or(0, SharePool::total_rao)
    }

    /// All TAO staked on root.
    pub fn total_root_tao(&self) -> u64 {
        self.root.values().map(SharePool::total_rao).sum()
    }

    /// S = alpha + τ·root (§6.1), in I64F64; before dTAO the hotkey's whole TAO stake.
    pub fn stake_weight(&self, hotkey: HotkeyId, netuid: u16) -> I64F64 {
        if self.profile().tokenomics == Tokenomics::PreDtao {
            return I64F64::from_num(self.hotkey_root_tao(hotkey));
        }
        let root = I64F64::from_num(self.hotkey_root_tao(hotkey)).saturating_mul(self.params.tao_weight());
        I64F64::from_num(self.hotkey_alpha(hotkey, netuid)).saturating_add(root)
    }

    /// Writes every UID's current stake weight into the subnet's metagraph, before anything reads
    /// it (weights checks, the epoch).
    pub fn refresh_stake_weights(&mut self, netuid: u16) {
        let mut weights: Vec<I64F64> =
            self.subnet(netuid).hotkeys.iter().map(|&h| self.stake_weight(h, netuid)).collect();
        if let Some(percentile) = self.subnet(netuid).stake_cap_percentile {
            let metagraph = &self.subnet(netuid).metagraph;
            let validators: Vec<bool> = (metagraph.validator_permit().iter().zip(metagraph.weights()))
                .map(|(&permit, row)| permit && !row.is_empty())
                .collect();
            super::stake_cap::cap_at_percentile(&mut weights, &validators, percentile);
        }
        self.subnet_mut(netuid).metagraph.set_stake_weights(weights).expect("stake weights are bounded by the supply");
    }

    /// A hotkey's take on the dividends it earns, /65535.
    pub fn delegate_take(&self, hotkey: HotkeyId) -> u16 {
        self.delegate_take.get(&hotkey).copied().unwrap_or(self.params.default_delegate_take)
    }

    pub fn set_delegate_take(&mut self, hotkey: HotkeyId, take: u16) {
        self.delegate_take.insert(hotkey, take);
    }
}

#[cfg(test)]
mod tests {
    use super::{ROOT_NETUID, StakeRefused};
    use crate::accounts::{ColdkeyId, HotkeyId};
    use crate::fixed::{I64F64, U64F64};
    use crate::hyperparameters::Hyperparameters;
    use crate::pool::Pool;
    use crate::profile::profile_by_name;
    use crate::state::{Chain, NetworkParameters};

    const TAO: u64 = 1_000_000_000;

    /// A chain under `profile` with one subnet (a pool of 1 000 TAO and alpha, tempo 10) and one
    /// registered validator.
    fn chain_with_validator(profile: &str) -> (Chain, ColdkeyId, HotkeyId) {
        let h = Hyperparameters { tempo: 10, commit_reveal: false, ..Hyperparameters::default() };
        let mut chain =
            Chain::with_profile(NetworkParameters::from_hyperparameters(&h), profile_by_name(profile).unwrap());
        let owner = chain.create_coldkey(10_000 * TAO);
        let owner_hotkey = chain.create_hotkey(owner);
        let pool = Pool { tao_rao: 1_000 * TAO, alpha_rao: 1_000 * TAO };
        let netuid = chain.create_subnet(owner_hotkey, h, pool, U64F64::from_num(1)).unwrap();
        chain.start_emission(netuid);
        let coldkey = chain.create_coldkey(TAO);
        let hotkey = chain.create_hotkey(coldkey);
        chain.register_at_genesis(coldkey, hotkey, netuid).unwrap();
        (chain, coldkey, hotkey)
    }

    #[test]
    fn alpha_held_at_genesis_is_issued_and_staked_as_it_is_and_the_books_balance_after_every_block() {
        let (mut chain, coldkey, hotkey) = chain_with_validator("head-2026");
        chain.stake_alpha_at_genesis(coldkey, hotkey, 1, 500 * TAO).unwrap();
        // Exactly the alpha asked, no swap: a purchase of 500 TAO would have bought 333.3 alpha.
        assert_eq!(chain.stake_of(coldkey, hotkey, 1), 500 * TAO);
        assert_eq!(chain.stake_weight(hotkey, 1), I64F64::from_num(500 * TAO));
        assert_eq!(chain.subnet(1).pool, Pool { tao_rao: 1_000 * TAO, alpha_rao: 1_000 * TAO });
        assert_eq!(chain.accounts.balance(coldkey), TAO);
        // A stake deposited without being issued and counted outstanding breaks both alpha books.
        assert_eq!(chain.conservation(), Ok(()));
        for _ in 0..25 {
            chain.step_block();
            assert_eq!(chain.conservation(), Ok(()), "after block {}", chain.block);
        }
    }

    #[test]
    fn alpha_at_genesis_is_refused_before_dtao_after_block_0_on_root_and_beyond_the_subnets_supply() {
        let (mut legacy, coldkey, hotkey) = chain_with_validator("legacy-2024");
        assert_eq!(
            legacy.stake_alpha_at_genesis(coldkey, hotkey, 1, TAO),
            Err(StakeRefused::NoSubnetStakeBeforeDtao { netuid: 1 })
        );
        let (mut chain, coldkey, hotkey) = chain_with_validator("head-2026");
        assert_eq!(
            chain.stake_alpha_at_genesis(coldkey, hotkey, ROOT_NETUID, TAO),
            Err(StakeRefused::NoSuchSubnet { netuid: 0 })
        );
        assert_eq!(chain.stake_alpha_at_genesis(coldkey, hotkey, 1, 0), Err(StakeRefused::ZeroAmount));
        // The pool holds 1 000 alpha: 20 999 000 more reach the 21 M, one RAO more does not.
        let supply_left = 20_999_000 * TAO;
        assert_eq!(
            chain.stake_alpha_at_genesis(coldkey, hotkey, 1, supply_left + 1),
            Err(StakeRefused::AboveAlphaSupply { issuance_rao: 1_000 * TAO, asked_rao: supply_left + 1 })
        );
        assert_eq!(chain.stake_alpha_at_genesis(coldkey, hotkey, 1, supply_left), Ok(()));
        chain.step_block();
        assert_eq!(chain.stake_alpha_at_genesis(coldkey, hotkey, 1, TAO), Err(StakeRefused::AfterGenesis { block: 1 }));
    }

    #[test]
    fn a_stake_moved_to_another_hotkey_keeps_its_alpha_and_leaves_the_pool_and_the_books_as_they_were() {
        let (mut chain, coldkey, hotkey) = chain_with_validator("head-2026");
        let other_coldkey = chain.create_coldkey(TAO);
        let other = chain.create_hotkey(other_coldkey);
        chain.register_at_genesis(other_coldkey, other, 1).unwrap();
        chain.stake_alpha_at_genesis(coldkey, hotkey, 1, 500 * TAO).unwrap();
        let pool = chain.subnet(1).pool.clone();
        assert_eq!(chain.move_stake(coldkey, (hotkey, other), 1, 200 * TAO), Ok(200 * TAO));
        assert_eq!((chain.stake_of(coldkey, hotkey, 1), chain.stake_of(coldkey, other, 1)), (300 * TAO, 200 * TAO));
        assert_eq!(chain.hotkey_alpha(other, 1), 200 * TAO);
        assert_eq!(chain.subnet(1).pool, pool, "no swap");
        assert_eq!(chain.conservation(), Ok(()));
        assert_eq!(
            chain.move_stake(coldkey, (hotkey, other), 1, 301 * TAO),
            Err(StakeRefused::NotEnoughStake { held_rao: 300 * TAO, asked_rao: 301 * TAO })
        );
        assert_eq!(
            chain.move_stake(coldkey, (hotkey, other), ROOT_NETUID, TAO),
            Err(StakeRefused::NoSuchSubnet { netuid: 0 })
        );
        assert_eq!(chain.move_stake(coldkey, (hotkey, other), 1, 0), Err(StakeRefused::ZeroAmount));
    }
}
