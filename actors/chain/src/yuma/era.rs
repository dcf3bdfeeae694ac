//! What an era is: the one step of the epoch that changed between eras (how bonds and dividends
//! follow from consensus), the inputs it reads and what it returns, and the dated rules of the
//! epoch that a protocol profile switches within an era. The eras (`original.rs`, `yuma3.rs`)
//! implement [`Era`]; `mod.rs` lists them and runs the epoch around them.

use std::borrow::Cow;

use super::dense::DenseMatrix;
use super::liquid_alpha::LiquidAlpha;
use super::matrix::SparseMatrix;
use crate::fixed::I32F32;

/// Rules of the epoch that changed over time within an era (spec §2.9): the protocol profile in
/// force decides each. `HEAD` has every rule of today.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EpochRules {
    /// The owner UID always holds a permit and is never threshold-filtered (2026-04-22).
    pub owner_exemptions: bool,
    /// Stakes below `stake_threshold_rao` count as 0, and only non-zero stake earns a permit
    /// (2025-05-28).
    pub stake_threshold_and_nonzero_permits: bool,
    /// Weights committed before a UID's registration do not apply to it (§2.3.5, 2025-07-23).
    pub commit_reveal_mask: bool,
    /// The diagonal mask spares the owner's self-weight (2025-03-19).
    pub owner_self_weight: bool,
    /// Bonds to UIDs registered since the last epoch are dropped by column (2025-03-28); before,
    /// bond (i, j) was dropped when `LU_i ≤ R_j`, as the outdated weights are.
    pub recently_registered_bonds_mask: bool,
    /// Bonds are bought with weights interpolated towards the clipped ones by `bonds_penalty`
    /// (dTAO, 2025-02-13); before, with the clipped weights.
    pub bonds_penalty: bool,
    /// With liquid alpha on, original Yuma runs the per-column rate of 2024 (v1; until 2025-05-28,
    /// when liquid alpha moved to Yuma3).
    pub liquid_alpha_v1: bool,
}

impl EpochRules {
    pub const HEAD: Self = Self {
        owner_exemptions: true,
        stake_threshold_and_nonzero_permits: true,
        commit_reveal_mask: true,
        owner_self_weight: true,
        recently_registered_bonds_mask: true,
        bonds_penalty: true,
        liquid_alpha_v1: false,
    };
}

/// W (row-normalised after the masks) and W̄ (clipped at consensus) as the epoch holds them.
pub enum Weights {
    Sparse {
        weights: SparseMatrix,
        clipped: SparseMatrix,
    },
    /// W as a dense block; W̄ follows from W and consensus entry by entry (`consensus::clipped`).
    Dense(DenseMatrix),
}

impl Weights {
    pub fn borrowed(&self) -> WeightsIn<'_> {
        match self {
            Weights::Sparse { weights, clipped } => WeightsIn::Sparse { weights, clipped },
            Weights::Dense(weights) => WeightsIn::Dense(Cow::Borrowed(weights)),
        }
    }
}

/// The weights an era's bond rule reads: an owned dense block is the era's to write over (its
/// bonds take W's place, `dense::bonds::EraBlock::into_rows`).
pub enum WeightsIn<'a> {
    Sparse { weights: &'a SparseMatrix, clipped: &'a SparseMatrix },
    Dense(Cow<'a, DenseMatrix>),
}

/// What an era's bond rule reads besides the weights.
pub struct BondsInputs<'a> {
    pub consensus: &'a [I32F32],
    pub incentive: &'a [I32F32],
    pub active_stake: &'a [I32F32],
    pub stored_bonds: &'a [Vec<(u16, u16)>],
    /// Columns whose stored bonds are ignored (registered since the last epoch).
    pub recently_registered: &'a [bool],
    pub bonds_penalty: u16,
    pub bonds_moving_average: u64,
    pub liquid_alpha: Option<LiquidAlpha>,
    /// For the dated bond rules (the bonds mask before 2025-03-28 reads them).
    pub last_update: &'a [u64],
    pub registered_at: &'a [u64],
    pub rules: EpochRules,
}

/// What an era's bond rule gives back.
pub struct BondsOutcome {
    /// Normalised dividends per UID.
    pub dividends: Vec<I32F32>,
    /// The computed bonds of every UID, before [`Era::stored_bonds`] encodes them.
    pub bonds: Bonds,
}

/// Computed bonds, on the path the weights took.
pub enum Bonds {
    Sparse(SparseMatrix),
    Dense(DenseMatrix),
}

impl Bonds {
    pub fn n_rows(&self) -> usize {
        match self {
            Bonds::Sparse(bonds) => bonds.n_rows(),
            Bonds::Dense(bonds) => bonds.n_rows(),
        }
    }
}

/// One era of Yuma Consensus: how bonds and dividends follow from the epoch's consensus.
pub trait Era: Sync {
    /// The name a scenario or protocol profile selects the era by.
    fn name(&self) -> &'static str;
    fn bonds_and_dividends(&self, weights: WeightsIn, inputs: &BondsInputs) -> BondsOutcome;
    /// The computed bonds as the chain stores them, a row per UID. Nothing of the epoch's
    /// emission reads this, so a caller that wants only the emission skips it.
    fn stored_bonds(&self, bonds: Bonds) -> Vec<Vec<(u16, u16)>>;
}
