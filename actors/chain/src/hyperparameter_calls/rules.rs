//! What the hyperparameter calls' rules are made of, apart from the chain (which holds them):
//! the refusals with the chain's error names, a profile's dated owner rules, the global items the
//! calls read, and where the owner path's rate limits are stamped.

use crate::accounts::ColdkeyId;
use crate::hyperparameters::Hyperparameters;

/// Who signs a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Root,
    Signed(ColdkeyId),
}

/// Why the chain refuses a hyperparameter call: its error names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HyperparameterCallRefused {
    /// Neither the subnet's owner coldkey nor root (or a root-only call signed by the owner).
    BadOrigin,
    TxRateLimitExceeded {
        last_block: u64,
        limit_blocks: u64,
    },
    AdminActionProhibitedDuringWeightsWindow,
    SubnetDoesNotExist,
    NotPermittedOnRootSubnet,
    BondsMovingAverageMaxReached,
    NegativeSigmoidSteepness,
    ValueNotInBounds,
    MaxAllowedUidsLessThanMinAllowedUids,
    MaxAllowedUIdsLessThanCurrentUIds,
    MaxAllowedUidsGreaterThanDefaultMaxAllowedUids,
    MaxValidatorsLargerThanMaxUIds,
    MinAllowedUidsGreaterThanMaxAllowedUids,
    MinAllowedUidsGreaterThanCurrentUids,
    InvalidValue,
    ActivityCutoffTooLow,
    ActivityCutoffFactorMilliOutOfBounds,
    TempoOutOfBounds,
    LiquidAlphaDisabled,
    AlphaHighTooLow,
    AlphaLowOutOfRange,
    RevealPeriodTooLarge,
    RevealPeriodTooSmall,
    /// `trigger_epoch` with commit-reveal on.
    DynamicTempoBlockedByCommitReveal,
    /// `trigger_epoch` with fewer blocks than the freeze window to the automatic epoch.
    AutoEpochAlreadyImminent,
    /// `trigger_epoch` while an epoch is pending (a trigger, or one the per-block cap deferred).
    EpochAlreadyPending {
        at_block: u64,
    },
    /// The owner hotkey named is a neuron of the subnet.
    HotKeyAlreadyRegisteredInSubNet,
    /// The profile's runtime has no such call (it came later).
    NotInRuntime {
        profile: &'static str,
    },
    /// The chain would accept the value, but the simulator cannot run it (e.g. root's bonds
    /// moving average above 10^6).
    OutsideModel(String),
}

impl std::fmt::Display for HyperparameterCallRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Self::BadOrigin => write!(f, "BadOrigin: not root, nor the subnet owner on a call the owner may make"),
            Self::TxRateLimitExceeded { last_block, limit_blocks } => {
                write!(f, "TxRateLimitExceeded: last set at block {last_block}, limit {limit_blocks} blocks")
            }
            Self::NotInRuntime { profile } => write!(f, "the runtime of {profile} has no such call"),
            Self::OutsideModel(why) => write!(f, "accepted by the chain but outside the model: {why}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// The dated rules of owner calls (subnets spec §6.3 history).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OwnerRules {
    /// The owner rate limits and the admin freeze window (since `24db02417`, 2025-09-03).
    pub rate_limits_and_freeze_window: bool,
}

/// The global items the calls read (subnets spec §1); root may change them at any time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdminParameters {
    /// `AdminFreezeWindow` (blocks).
    pub admin_freeze_window_blocks: u16,
    /// `OwnerHyperparamRateLimit` (tempos).
    pub owner_hyperparam_rate_limit_tempos: u16,
    /// `WeightsVersionKeyRateLimit` (tempos).
    pub weights_version_key_rate_limit_tempos: u64,
}

impl AdminParameters {
    /// The freeze window of `h`; the rate limits at their defaults (2 and 5 tempos).
    pub fn from_hyperparameters(h: &Hyperparameters) -> Self {
        Self {
            admin_freeze_window_blocks: h.admin_freeze_window,
            owner_hyperparam_rate_limit_tempos: 2,
            weights_version_key_rate_limit_tempos: 5,
        }
    }
}

/// `DefaultSetSNOwnerHotkeyRateLimit`: blocks between two owner hotkey changes, root's too.
pub const OWNER_HOTKEY_RATE_LIMIT_BLOCKS: u64 = 50_400;

/// Where a rate limit's last block is stamped: `LastRateLimitedBlock[OwnerHyperparamUpdate]`
/// per parameter and `LastRateLimitedBlock[SetSNOwnerHotkey]` (kept when the subnet is
/// dissolved), or `TransactionKeyLastBlock` per owner coldkey (wiped with the subnet).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StampKey {
    Hyperparameter(&'static str),
    WeightsVersionKey(ColdkeyId),
    Tempo(ColdkeyId),
    SubnetOwnerHotkey,
}

impl StampKey {
    /// `LastRateLimitedBlock` keys outlive the subnet (§2.7): its netuid's next owner inherits
    /// them.
    pub fn kept_by_netuid(self) -> bool {
        matches!(self, Self::Hyperparameter(_) | Self::SubnetOwnerHotkey)
    }
}
