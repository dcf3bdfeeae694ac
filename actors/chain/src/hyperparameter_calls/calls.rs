//! The per-subnet hyperparameter setters the model has (subnets spec §6.4, §6.5): who may call
//! each, in which order the chain checks it, its rate-limit family, its bounds with the chain's
//! error, and what it writes.
//!
//! Rows of §6.4 not modelled (the model has no such state): `sudo_set_mechanism_count`,
//! `sudo_set_mechanism_emission_split`, `sudo_trim_to_max_allowed_uids` (one mechanism only),
//! `sudo_set_min_childkey_take_per_subnet` (no child keys), `sudo_set_toggle_transfer`,
//! `sudo_set_recycle_or_burn`, `sudo_set_owner_cut_enabled`, `sudo_set_owner_cut_auto_lock_enabled`,
//! `sudo_set_subnet_owner_hotkey`, `trigger_epoch`, `set_subnet_identity`, `update_symbol`, the
//! root-claim threshold and voting-power calls. `max_weights_limit` has no setter at HEAD.

use serde::{Deserialize, Serialize};

use super::rules::HyperparameterCallRefused as Refused;
use crate::hyperparameters::Hyperparameters;

/// One hyperparameter call and its value, named as the spec's hyperparameters are (the serde
/// name: `{"kappa": 40000}`, `{"alpha_values": [low, high]}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SetHyperparameter {
    // Owner or root (admin-utils, rate-limited per parameter on the owner path).
    ServingRateLimit(u64),
    MaxDifficulty(u64),
    /// Its own rate limit: `Tempo × WeightsVersionKeyRateLimit` (5 tempos).
    WeightsVersionKey(u64),
    AdjustmentAlpha(u64),
    ImmunityPeriod(u16),
    MinAllowedWeights(u16),
    MaxAllowedUids(u16),
    Rho(u16),
    /// Deprecated: the HEAD epoch reads `activity_cutoff_factor_milli` (see `apply`).
    ActivityCutoff(u16),
    MinBurn(u64),
    MaxBurn(u64),
    BondsMovingAverage(u64),
    BondsPenalty(u16),
    CommitReveal(bool),
    LiquidAlpha(bool),
    /// `(alpha_low, alpha_high)`.
    AlphaValues(u16, u16),
    RevealPeriodEpochs(u64),
    AlphaSigmoidSteepness(i16),
    Yuma3(bool),
    BondsReset(bool),
    ImmuneOwnerUidsLimit(u16),
    BurnHalfLife(u16),
    BurnIncreaseMult(f64),
    /// The owner's `set_tempo` (bounded, its own limit), or root's `sudo_set_tempo` (no bounds).
    Tempo(u16),
    /// `set_activity_cutoff_factor`: root bypasses the window and the limit.
    ActivityCutoffFactorMilli(u32),
    // Root only.
    Kappa(u16),
    WeightsSetRateLimit(u64),
    AdjustmentInterval(u16),
    MinDifficulty(u64),
    TargetRegistrationsPerInterval(u16),
    Difficulty(u64),
    MaxAllowedValidators(u16),
    MaxRegistrationsPerBlock(u16),
    MinAllowedUids(u16),
    MinNonImmuneUids(u16),
    CommitRevealVersion(u16),
    /// `sudo_set_subnet_emission_enabled`: the subnet's TAO-side emission (off at registration
    /// at HEAD); a flag of the subnet, not of its hyperparameters.
    SubnetEmissionEnabled(bool),
}

/// Who may make a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caller {
    OwnerOrRoot,
    RootOnly,
}

/// Where the owner path's last call is stamped (§6.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RateLimitFamily {
    /// `OwnerHyperparamUpdate(h)`: `Tempo × OwnerHyperparamRateLimit`, per subnet and parameter,
    /// kept when the subnet is dissolved.
    Hyperparameter(&'static str),
    /// `SetWeightsVersionKey`: `Tempo × WeightsVersionKeyRateLimit`, per owner and subnet.
    WeightsVersionKey,
    /// `TempoUpdate`: `MIN_TEMPO` (360) blocks, per owner and subnet.
    Tempo,
}

/// One check of a call, in the order the chain makes them (after the origin).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Owner path only.
    RateLimit,
    /// The admin freeze window, on both paths.
    Window,
    /// The admin freeze window on the owner path only.
    WindowOwnerOnly,
    /// `SubnetDoesNotExist`.
    Exists,
    Bounds,
}

use Check::{Bounds, Exists, RateLimit, Window, WindowOwnerOnly};

/// admin-utils' owner-or-root setters: origin → limit → window → exists → bounds.
const OWNER_SETTER: &[Check] = &[RateLimit, Window, Exists, Bounds];
/// The same without the exists check.
const OWNER_SETTER_ANY_NETUID: &[Check] = &[RateLimit, Window, Bounds];
/// `sudo_set_bonds_moving_average`: the owner's bound before the exists check.
const BONDS_MOVING_AVERAGE: &[Check] = &[RateLimit, Window, Bounds, Exists];
/// The owner's `set_tempo`: bounds → window → limit.
const OWNER_TEMPO: &[Check] = &[Bounds, Window, RateLimit];
/// `set_activity_cutoff_factor`: bounds, then window and limit for the owner only.
const ACTIVITY_FACTOR: &[Check] = &[Bounds, WindowOwnerOnly, RateLimit];
/// Root-only setters gated by the window (§6.5), and those that are not.
const ROOT_GATED: &[Check] = &[Window, Exists, Bounds];
const ROOT_UNGATED: &[Check] = &[Exists, Bounds];

/// The state a call's bounds read.
pub struct BoundsContext<'a> {
    pub hyperparameters: &'a Hyperparameters,
    /// `SubnetworkN`.
    pub n: usize,
    pub netuid: u16,
    pub root: bool,
}

const TAO: u64 = 1_000_000_000;
const MIN_ACTIVITY_CUTOFF: u16 = 360;
const MIN_TEMPO: u16 = 360;
const MAX_TEMPO: u16 = 50_400;
/// `DefaultMaxAllowedUids`.
const DEFAULT_MAX_ALLOWED_UIDS: u16 = 256;
/// ⌊65 535 / 40⌋: the least `alpha_low` and `alpha_high`.
const ALPHA_MIN: u16 = 1_638;

impl SetHyperparameter {
    /// The parameter's name (its serde name).
    pub fn name(&self) -> &'static str {
        use SetHyperparameter as S;
        match self {
            S::ServingRateLimit(_) => "serving_rate_limit",
            S::MaxDifficulty(_) => "max_difficulty",
            S::WeightsVersionKey(_) => "weights_version_key",
            S::AdjustmentAlpha(_) => "adjustment_alpha",
            S::ImmunityPeriod(_) => "immunity_period",
            S::MinAllowedWeights(_) => "min_allowed_weights",
            S::MaxAllowedUids(_) => "max_allowed_uids",
            S::Rho(_) => "rho",
            S::ActivityCutoff(_) => "activity_cutoff",
            S::MinBurn(_) => "min_burn",
            S::MaxBurn(_) => "max_burn",
            S::BondsMovingAverage(_) => "bonds_moving_average",
            S::BondsPenalty(_) => "bonds_penalty",
            S::CommitReveal(_) => "commit_reveal",
            S::LiquidAlpha(_) => "liquid_alpha",
            S::AlphaValues(..) => "alpha_values",
            S::RevealPeriodEpochs(_) => "reveal_period_epochs",
            S::AlphaSigmoidSteepness(_) => "alpha_sigmoid_steepness",
            S::Yuma3(_) => "yuma3",
            S::BondsReset(_) => "bonds_reset",
            S::ImmuneOwnerUidsLimit(_) => "immune_owner_uids_limit",
            S::BurnHalfLife(_) => "burn_half_life",
            S::BurnIncreaseMult(_) => "burn_increase_mult",
            S::Tempo(_) => "tempo",
            S::ActivityCutoffFactorMilli(_) => "activity_cutoff_factor_milli",
            S::Kappa(_) => "kappa",
            S::WeightsSetRateLimit(_) => "weights_set_rate_limit",
            S::AdjustmentInterval(_) => "adjustment_interval",
            S::MinDifficulty(_) => "min_difficulty",
            S::TargetRegistrationsPerInterval(_) => "target_registrations_per_interval",
            S::Difficulty(_) => "difficulty",
            S::MaxAllowedValidators(_) => "max_allowed_validators",
            S::MaxRegistrationsPerBlock(_) => "max_registrations_per_block",
            S::MinAllowedUids(_) => "min_allowed_uids",
            S::MinNonImmuneUids(_) => "min_non_immune_uids",
            S::CommitRevealVersion(_) => "commit_reveal_version",
            S::SubnetEmissionEnabled(_) => "subnet_emission_enabled",
        }
    }

    pub fn caller(&self) -> Caller {
        use SetHyperparameter as S;
        match self {
            S::Kappa(_)
            | S::WeightsSetRateLimit(_)
            | S::AdjustmentInterval(_)
            | S::MinDifficulty(_)
            | S::TargetRegistrationsPerInterval(_)
            | S::Difficulty(_)
            | S::MaxAllowedValidators(_)
            | S::MaxRegistrationsPerBlock(_)
            | S::MinAllowedUids(_)
            | S::MinNonImmuneUids(_)
            | S::CommitRevealVersion(_)
            | S::SubnetEmissionEnabled(_) => Caller::RootOnly,
            _ => Caller::OwnerOrRoot,
        }
    }

    /// The owner path's rate-limit family (root-only calls have none).
    pub fn rate_limit_family(&self) -> Option<RateLimitFamily> {
        match (self, self.caller()) {
            (_, Caller::RootOnly) => None,
            (Self::WeightsVersionKey(_), _) => Some(RateLimitFamily::WeightsVersionKey),
            (Self::Tempo(_), _) => Some(RateLimitFamily::Tempo),
            _ => Some(RateLimitFamily::Hyperparameter(self.name())),
        }
    }

    /// The checks after the origin, in the chain's order, on the root or the owner path.
    pub fn checks(&self, root: bool) -> &'static [Check] {
        use SetHyperparameter as S;
        match self {
            S::ServingRateLimit(_)
            | S::LiquidAlpha(_)
            | S::AlphaValues(..)
            | S::Yuma3(_)
            | S::BondsReset(_)
            | S::ImmuneOwnerUidsLimit(_) => OWNER_SETTER_ANY_NETUID,
            S::BondsMovingAverage(_) => BONDS_MOVING_AVERAGE,
            S::Tempo(_) if root => ROOT_GATED,
            S::Tempo(_) => OWNER_TEMPO,
            S::ActivityCutoffFactorMilli(_) => ACTIVITY_FACTOR,
            S::Kappa(_) | S::WeightsSetRateLimit(_) | S::AdjustmentInterval(_) | S::MinNonImmuneUids(_) => ROOT_UNGATED,
            S::CommitRevealVersion(_) => &[],
            S::MinDifficulty(_)
            | S::TargetRegistrationsPerInterval(_)
            | S::Difficulty(_)
            | S::MaxAllowedValidators(_)
            | S::MaxRegistrationsPerBlock(_)
            | S::MinAllowedUids(_) => ROOT_GATED,
            _ => OWNER_SETTER,
        }
    }

    /// Whether the call exists only in runtimes with dynamic tempo (May 2026, spec §6.4).
    pub fn needs_dynamic_tempo(&self) -> bool {
        matches!(self, Self::ActivityCutoffFactorMilli(_)) || matches!(self, Self::Tempo(_))
    }

    /// The value bounds of §6.4/§6.5, each with the chain's error.
    pub fn check_bounds(&self, ctx: &BoundsContext) -> Result<(), Refused> {
        use SetHyperparameter as S;
        let h = ctx.hyperparameters;
        let ensure = |ok: bool, refused: Refused| if ok { Ok(()) } else { Err(refused) };
        match *self {
            S::ActivityCutoff(v) => ensure(v >= MIN_ACTIVITY_CUTOFF, Refused::ActivityCutoffTooLow),
            S::MinBurn(v) => ensure(v < TAO && v < h.max_burn, Refused::ValueNotInBounds),
            S::MaxBurn(v) => ensure(v > TAO / 10 && v > h.min_burn, Refused::ValueNotInBounds),
            S::BondsMovingAverage(v) => ensure(ctx.root || v <= 975_000, Refused::BondsMovingAverageMaxReached),
            S::MaxAllowedUids(v) => {
                ensure(v >= h.min_allowed_uids, Refused::MaxAllowedUidsLessThanMinAllowedUids)?;
                ensure(ctx.n <= usize::from(v), Refused::MaxAllowedUIdsLessThanCurrentUIds)?;
                ensure(v <= DEFAULT_MAX_ALLOWED_UIDS, Refused::MaxAllowedUidsGreaterThanDefaultMaxAllowedUids)
            }
            S::AlphaValues(low, high) => {
                ensure(h.liquid_alpha, Refused::LiquidAlphaDisabled)?;
                ensure(high >= ALPHA_MIN, Refused::AlphaHighTooLow)?;
                ensure(low >= ALPHA_MIN && low <= high, Refused::AlphaLowOutOfRange)
            }
            S::RevealPeriodEpochs(v) => {
                ensure(v <= 100, Refused::RevealPeriodTooLarge)?;
                ensure(v >= 1, Refused::RevealPeriodTooSmall)
            }
            S::AlphaSigmoidSteepness(v) => ensure(ctx.root || v >= 0, Refused::NegativeSigmoidSteepness),
            S::ImmuneOwnerUidsLimit(v) => ensure((1..=10).contains(&v), Refused::InvalidValue),
            S::BurnHalfLife(v) => {
                ensure(ctx.netuid != 0, Refused::NotPermittedOnRootSubnet)?;
                ensure((1..=36_100).contains(&v), Refused::InvalidValue)
            }
            S::SubnetEmissionEnabled(_) => ensure(ctx.netuid != 0, Refused::NotPermittedOnRootSubnet),
            S::BurnIncreaseMult(v) => {
                ensure(ctx.netuid != 0, Refused::NotPermittedOnRootSubnet)?;
                ensure((1.0..=3.0).contains(&v), Refused::InvalidValue)
            }
            S::Tempo(v) => ensure(ctx.root || (MIN_TEMPO..=MAX_TEMPO).contains(&v), Refused::TempoOutOfBounds),
            S::ActivityCutoffFactorMilli(v) => {
                ensure((1_000..=50_000).contains(&v), Refused::ActivityCutoffFactorMilliOutOfBounds)
            }
            S::MaxAllowedValidators(v) => ensure(v <= h.max_allowed_uids, Refused::MaxValidatorsLargerThanMaxUIds),
            S::MinAllowedUids(v) => {
                ensure(v < h.max_allowed_uids, Refused::MinAllowedUidsGreaterThanMaxAllowedUids)?;
                ensure(usize::from(v) < ctx.n, Refused::MinAllowedUidsGreaterThanCurrentUids)
            }
            _ => Ok(()),
        }
    }

    /// Writes the value. `dynamic_tempo`: the runtime's epoch reads the activity cutoff from its
    /// factor, so the deprecated absolute `activity_cutoff` is stored where the epoch never
    /// reads it (here: not written); before, the epoch reads it.
    pub fn apply(&self, h: &mut Hyperparameters, dynamic_tempo: bool) {
        use SetHyperparameter as S;
        match *self {
            S::ServingRateLimit(v) => h.serving_rate_limit = v,
            S::MaxDifficulty(v) => h.max_difficulty = v,
            S::WeightsVersionKey(v) => h.weights_version_key = v,
            S::AdjustmentAlpha(v) => h.adjustment_alpha = v,
            S::ImmunityPeriod(v) => h.immunity_period = v,
            S::MinAllowedWeights(v) => h.min_allowed_weights = v,
            S::MaxAllowedUids(v) => h.max_allowed_uids = v,
            S::Rho(v) => h.rho = v,
            S::ActivityCutoff(v) if !dynamic_tempo => h.activity_cutoff = Some(u64::from(v)),
            S::ActivityCutoff(_) => {}
            S::MinBurn(v) => h.min_burn = v,
            S::MaxBurn(v) => h.max_burn = v,
            S::BondsMovingAverage(v) => h.bonds_moving_average = v,
            S::BondsPenalty(v) => h.bonds_penalty = v,
            S::CommitReveal(v) => h.commit_reveal = v,
            S::LiquidAlpha(v) => h.liquid_alpha = v,
            S::AlphaValues(low, high) => (h.alpha_low, h.alpha_high) = (low, high),
            S::RevealPeriodEpochs(v) => h.reveal_period_epochs = v,
            S::AlphaSigmoidSteepness(v) => h.alpha_sigmoid_steepness = v,
            S::Yuma3(v) => h.yuma3 = v,
            S::BondsReset(v) => h.bonds_reset = v,
            S::ImmuneOwnerUidsLimit(v) => h.immune_owner_uids_limit = v,
            S::BurnHalfLife(v) => h.burn_half_life = v,
            S::BurnIncreaseMult(v) => h.burn_increase_mult = v,
            S::Tempo(v) => h.tempo = v,
            S::ActivityCutoffFactorMilli(v) => h.activity_cutoff_factor_milli = v,
            S::Kappa(v) => h.kappa = v,
            S::WeightsSetRateLimit(v) => h.weights_set_rate_limit = v,
            S::AdjustmentInterval(v) => h.adjustment_interval = v,
            S::MinDifficulty(v) => h.min_difficulty = v,
            S::TargetRegistrationsPerInterval(v) => h.target_registrations_per_interval = v,
            S::Difficulty(v) => h.difficulty = v,
            S::MaxAllowedValidators(v) => h.max_allowed_validators = v,
            S::MaxRegistrationsPerBlock(v) => h.max_registrations_per_block = v,
            S::MinAllowedUids(v) => h.min_allowed_uids = v,
            S::MinNonImmuneUids(v) => h.min_non_immune_uids = v,
            S::CommitRevealVersion(v) => h.commit_reveal_version = v,
            // Written on the subnet by the caller.
            S::SubnetEmissionEnabled(_) => {}
        }
    }
}
