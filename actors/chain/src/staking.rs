//! Stake (spec §6): adding and removing stake through a subnet's pool (or directly on root), the
//! stake weight Yuma reads (alpha + τ·root), and delegate takes.

use super::accounts::{ColdkeyId, HotkeyId, InsufficientBalance};
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
        let weights: Vec<I64F64> = self.subnet(netuid).hotkeys.iter().map(|&h| self.stake_weight(h, netuid)).collect();
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
