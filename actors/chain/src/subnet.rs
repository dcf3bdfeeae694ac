//! A subnet on the living chain: its metagraph (the UID table the epoch reads), its pool, the
//! emission waiting for its epoch, its epoch schedule, its registration price and its alpha books.

use super::accounts::{ColdkeyId, HotkeyId};
use super::fixed::{I64F64, U64F64};
use super::metagraph::Metagraph;
use super::pool::Pool;
use super::registration::burn::BurnPolicy;
use super::registration::interval::IntervalRegistration;
use super::schedule::EpochScheduler;

/// Alpha emitted to a subnet and not yet paid out: drained at its epoch (§3.4.4–5).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PendingEmission {
    pub server_rao: u64,
    pub validator_rao: u64,
    pub root_alpha_rao: u64,
    pub owner_cut_rao: u64,
}

impl PendingEmission {
    pub fn total_rao(&self) -> u128 {
        u128::from(self.server_rao)
            + u128::from(self.validator_rao)
            + u128::from(self.root_alpha_rao)
            + u128::from(self.owner_cut_rao)
    }
}

/// A subnet on the living chain: its metagraph and epoch state, pool, pending emission, epoch
/// schedule, burn price and alpha books.
#[derive(Clone, Debug)]
pub struct Subnet {
    pub netuid: u16,
    pub owner_coldkey: ColdkeyId,
    pub owner_hotkey: HotkeyId,
    /// Per-UID storage, weights, bonds and the epoch.
    pub metagraph: Metagraph,
    /// The hotkey of each UID.
    pub hotkeys: Vec<HotkeyId>,
    pub pool: Pool,
    /// `SubnetAlphaOut`: alpha outside the pool (stakes, pending emission, protocol alpha).
    pub alpha_out_rao: u64,
    /// Alpha the protocol bought with excess TAO (§3.4.3).
    pub protocol_alpha_rao: u64,
    pub pending: PendingEmission,
    pub scheduler: EpochScheduler,
    pub burn_rao: u64,
    pub burn: BurnPolicy,
    /// The legacy price's counters and difficulty (§4.5), kept under every profile.
    pub interval: IntervalRegistration,
    /// The moving price the coinbase shares TAO by (§3.5).
    pub ema_price: U64F64,
    /// Set by `start_call`: the subnet emits from then on.
    pub first_emission_block: Option<u64>,
    pub emission_enabled: bool,
    /// The share of the last epoch's miner emission that went to the owner's own hotkeys.
    pub miner_burned: U64F64,
    /// Before dTAO: TAO emission accrued since the last epoch, not yet minted (§3.6).
    pub pending_tao_rao: u64,
    /// Net TAO staked into the subnet this block (in − out), and its moving average (§3.4.6).
    pub tao_flow_rao: i128,
    pub ema_tao_flow: I64F64,
    /// Every alpha ever created on this subnet, and every alpha taken out of circulation.
    pub alpha_issued_rao: u128,
    pub alpha_recycled_rao: u128,
    /// `NetworkRegisteredAt` (subnets spec §2.5-7): pruning's immunity and tie-break read it.
    pub registered_at_block: u64,
    /// `SubnetLocked`: the TAO its owner locked to create it (a genesis subnet: its pool's TAO).
    pub locked_rao: u64,
    /// A what-if, not a subtensor rule (`stake_cap`): stake weights held to this percentile.
    pub stake_cap_percentile: Option<u8>,
}

impl Subnet {
    /// Alpha issuance as the halving curve reads it: in the pool plus outstanding.
    pub fn alpha_issuance_rao(&self) -> u64 {
        self.pool.alpha_rao.saturating_add(self.alpha_out_rao)
    }

    pub fn uid_of(&self, hotkey: HotkeyId) -> Option<u16> {
        self.hotkeys.iter().position(|&h| h == hotkey).map(|uid| uid as u16)
    }

    /// Puts new alpha into circulation outside the pool: what an epoch's payout gives beyond
    /// what it drained (the validators' rescaling, §3.4.5), which the chain credits as stake.
    pub(super) fn issue_alpha(&mut self, alpha_rao: u64) {
        self.alpha_out_rao += alpha_rao;
        self.alpha_issued_rao += u128::from(alpha_rao);
    }

    /// Takes alpha out of circulation (recycled: issuance falls, so it can be emitted again).
    pub(super) fn recycle_alpha(&mut self, alpha_rao: u64) {
        self.alpha_out_rao -= alpha_rao;
        self.alpha_recycled_rao += u128::from(alpha_rao);
    }
}
