//! Yuma Consensus: the epoch as a pure function of its inputs (spec §2).
//!
//! The shared steps of every era live in their own modules (`stake`, `masks`, `consensus`,
//! `emission`, `bonds`); what an era changes is how bonds and dividends come out of the
//! consensus (§2.5 original Yuma, §2.6 Yuma3). Each era is one file implementing [`Era`], listed
//! in [`ERAS`]; a protocol profile picks the era of a subnet (`Profile::era`).

pub mod bonds;
pub mod consensus;
pub mod dense;
pub mod emission;
mod era;
pub mod liquid_alpha;
pub mod liquid_alpha_v1;
pub mod masks;
pub mod matrix;
pub mod median;
mod original;
pub mod stake;
mod yuma3;

use crate::fixed::{I32F32, I64F64, fixed_proportion_to_u16, u16_proportion_to_fixed};
pub use era::{Bonds, BondsInputs, BondsOutcome, EpochRules, Era, Weights, WeightsIn};
pub use liquid_alpha::LiquidAlpha;
pub use original::OriginalYuma;
pub use yuma3::Yuma3;

/// Everything one epoch reads (spec §2.1). Per-UID slices all have length n.
#[derive(Clone, Copy, Debug)]
pub struct EpochInputs<'a> {
    pub block: u64,
    pub tempo: u16,
    pub activity_cutoff: u64,
    /// `LastMechansimStepBlock`, 0 before any epoch was recorded by the coinbase.
    pub last_mechanism_step_block: u64,
    pub last_update: &'a [u64],
    pub registered_at: &'a [u64],
    /// Raw stake weight per UID (alpha + τ·root, RAO), spec §6.1.
    pub stake: &'a [I64F64],
    /// Permits stored by the previous epoch.
    pub validator_permit: &'a [bool],
    /// Stored weight rows, columns ascending, values already max-upscaled.
    pub weights: &'a [Vec<(u16, u16)>],
    /// Stored bond rows, columns ascending.
    pub bonds: &'a [Vec<(u16, u16)>],
    /// Commit-reveal column mask input (§2.3.5), `None` when commit-reveal is off.
    pub first_commit_block: Option<&'a [u64]>,
    pub owner_uid: Option<u16>,
    pub stake_threshold_rao: u64,
    pub max_allowed_validators: u16,
    pub kappa: u16,
    pub bonds_penalty: u16,
    pub bonds_moving_average: u64,
    /// Liquid alpha settings when it is on (only Yuma3 reads them at HEAD).
    pub liquid_alpha: Option<LiquidAlpha>,
    pub emission_rao: u64,
    /// Which of the epoch's rules of record are in force (a protocol profile's choice).
    pub rules: EpochRules,
}

impl EpochInputs<'_> {
    pub fn n(&self) -> usize {
        self.stake.len()
    }

    fn assert_consistent(&self) {
        let n = self.n();
        assert!(n <= usize::from(u16::MAX) + 1, "UIDs are u16");
        assert_eq!(self.last_update.len(), n, "last_update per UID");
        assert_eq!(self.registered_at.len(), n, "registered_at per UID");
        assert_eq!(self.validator_permit.len(), n, "validator_permit per UID");
        assert!(self.weights.len() <= n && self.bonds.len() <= n, "no rows beyond n");
        if let Some(blocks) = self.first_commit_block {
            assert_eq!(blocks.len(), n, "first_commit_block per UID");
        }
    }
}

/// What the epoch writes (spec §2.8), one entry per UID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochOutput {
    pub active: Vec<bool>,
    /// New permits, stored and used by the next epoch.
    pub validator_permit: Vec<bool>,
    pub stake_weight: Vec<u16>,
    pub consensus: Vec<u16>,
    pub incentive: Vec<u16>,
    pub dividends: Vec<u16>,
    pub validator_trust: Vec<u16>,
    pub emission_rao: Vec<u64>,
    pub server_emission_rao: Vec<u64>,
    pub validator_emission_rao: Vec<u64>,
    /// Legacy `PruningScores` (max-upscaled combined emission share).
    pub pruning_score: Vec<u16>,
    /// The whole bonds table after the epoch: the row of each new permit holder replaced, the row
    /// of a UID that lost its permit cleared, every other row as it was.
    pub bonds: Vec<Vec<(u16, u16)>>,
    /// Whether each UID's weights lay within clipping (`consensus::within_clipping`; `None`: it
    /// cast none). Not stored by the chain: what a report reads about agreement with consensus.
    pub weights_within_clipping: Vec<Option<bool>>,
}

/// Every era, by name.
pub const ERAS: &[&dyn Era] = &[&OriginalYuma, &Yuma3];

pub fn era_by_name(name: &str) -> Option<&'static dyn Era> {
    ERAS.iter().copied().find(|era| era.name() == name)
}

/// The HEAD epoch (the chain's sparse `epoch_mechanism`) under `era`, its matrices in the layout
/// the density of W picks (`Layout::Auto`).
pub fn epoch(era: &dyn Era, inputs: &EpochInputs) -> EpochOutput {
    Consensus::of(inputs).into_finished(era, inputs.bonds_penalty)
}

/// How the epoch holds its matrices. Both layouts give the same outputs bit for bit; they differ
/// in speed only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Dense when the stored weights fill at least half of their block (`dense::weights::Block`).
    Auto,
    /// Compressed rows (`matrix::SparseMatrix`): a subnet whose validators weight few miners each.
    Sparse,
    /// One row-major block (`dense::DenseMatrix`): validators weighting most of the same miners.
    Dense,
}

/// The epoch before the era's step (spec §2.2–2.4): activity, stake, permits, W, consensus,
/// clipping, trust and incentive, none of which reads the bonds or the bonds penalty. A study of
/// the bonds penalty finishes one `Consensus` once per value and gets what [`epoch`] gives for
/// each ([`Consensus::emission`] alone, when it needs no bonds).
pub struct Consensus<'a> {
    inputs: EpochInputs<'a>,
    active: Vec<bool>,
    stake_weight: Vec<I32F32>,
    new_permits: Vec<bool>,
    active_stake: Vec<I32F32>,
    weights: Weights,
    consensus: Vec<I32F32>,
    clipping: consensus::Clipping,
    recently_registered: Vec<bool>,
}

impl<'a> Consensus<'a> {
    pub fn of(inputs: &EpochInputs<'a>) -> Self {
        Self::with_layout(inputs, Layout::Auto)
    }

    /// [`Consensus::of`] with the matrices in `layout` (the property tests hold the layouts
    /// equal).
    pub fn with_layout(inputs: &EpochInputs<'a>, layout: Layout) -> Self {
        inputs.assert_consistent();

        // §2.2 activity, stake, permits.
        let rules = inputs.rules;
        let exempt_owner = if rules.owner_exemptions { inputs.owner_uid } else { None };
        let threshold_rao = if rules.stake_threshold_and_nonzero_permits { inputs.stake_threshold_rao } else { 0 };
        let active = stake::activity(inputs.last_update, inputs.block, inputs.activity_cutoff);
        let stake_weight = stake::stake_weights(inputs.stake, threshold_rao, exempt_owner);
        let mut permit_in_force = inputs.validator_permit.to_vec();
        stake::force_owner(&mut permit_in_force, exempt_owner);
        let new_permits = stake::new_validator_permits(
            &stake_weight,
            inputs.max_allowed_validators,
            exempt_owner,
            rules.stake_threshold_and_nonzero_permits,
        );
        let active_stake = stake::active_stake(&stake_weight, &active, &permit_in_force);

        // §2.3 weights, §2.4 consensus, clipping, trust, incentive.
        let masks = masks::WeightMasks {
            permit_in_force: &permit_in_force,
            owner_uid: if rules.owner_self_weight { inputs.owner_uid } else { None },
            last_update: inputs.last_update,
            registered_at: inputs.registered_at,
            first_commit_block: inputs.first_commit_block.filter(|_| rules.commit_reveal_mask),
        };
        let kappa = u16_proportion_to_fixed(inputs.kappa);
        let block = dense::weights::Block::of(inputs.weights, &permit_in_force);
        let dense = match layout {
            Layout::Auto => block.is_dense(),
            Layout::Sparse => false,
            Layout::Dense => true,
        };
        let (weights, consensus, clipping) = if dense {
            let weights = dense::weights::masked_weights(inputs.weights, &masks, block);
            let consensus = dense::consensus::consensus(&weights, &active_stake, kappa);
            let clipping = dense::consensus::clipping(&weights, &consensus, &active_stake);
            (Weights::Dense(weights), consensus, clipping)
        } else {
            let weights = masks::masked_weights(inputs.weights, &masks);
            let consensus = consensus::consensus(&weights, &active_stake, kappa);
            let clipped = consensus::clip(&weights, &consensus);
            let clipping = consensus::Clipping::of(&weights, &clipped, &consensus, &active_stake);
            (Weights::Sparse { weights, clipped }, consensus, clipping)
        };
        let recently_registered = bonds::recently_registered(
            inputs.block,
            inputs.tempo,
            inputs.last_mechanism_step_block,
            inputs.registered_at,
        );
        Consensus {
            inputs: *inputs,
            active,
            stake_weight,
            new_permits,
            active_stake,
            weights,
            consensus,
            clipping,
            recently_registered,
        }
    }

    /// The rest of the epoch under `era`, with `bonds_penalty` in place of the inputs' own: §2.5 /
    /// §2.6 bonds and dividends, §2.7 emission, §2.8 storage.
    pub fn finish(&self, era: &dyn Era, bonds_penalty: u16) -> EpochOutput {
        self.finish_with(era, bonds_penalty, self.weights.borrowed())
    }

    /// [`Consensus::finish`] when no other bonds penalty follows: the era may write its bonds
    /// over W's dense block instead of allocating another.
    pub fn into_finished(mut self, era: &dyn Era, bonds_penalty: u16) -> EpochOutput {
        // W moves out (an empty matrix takes its place) for the era to own, while `finish_with`
        // reads the rest of `self`.
        let empty =
            Weights::Sparse { weights: matrix::SparseMatrix::default(), clipped: matrix::SparseMatrix::default() };
        let sparse;
        let weights = match std::mem::replace(&mut self.weights, empty) {
            Weights::Dense(weights) => WeightsIn::Dense(std::borrow::Cow::Owned(weights)),
            Weights::Sparse { weights, clipped } => {
                sparse = (weights, clipped);
                WeightsIn::Sparse { weights: &sparse.0, clipped: &sparse.1 }
            }
        };
        self.finish_with(era, bonds_penalty, weights)
    }

    fn finish_with(&self, era: &dyn Era, bonds_penalty: u16, weights: WeightsIn) -> EpochOutput {
        let inputs = &self.inputs;
        let (outcome, split) = self.bonds_and_emission(era, bonds_penalty, weights);
        let stored = era.stored_bonds(outcome.bonds);
        assert_eq!(stored.len(), inputs.n(), "era {} bond rows per UID", era.name());

        // §2.8 bonds storage.
        let bonds = stored
            .into_iter()
            .enumerate()
            .map(|(i, computed)| {
                if self.new_permits[i] {
                    computed
                } else if inputs.validator_permit[i] {
                    Vec::new()
                } else {
                    inputs.bonds.get(i).cloned().unwrap_or_default()
                }
            })
            .collect();

        let to_u16 = |v: &[I32F32]| -> Vec<u16> { v.iter().map(|&x| fixed_proportion_to_u16(x)).collect() };
        EpochOutput {
            active: self.active.clone(),
            validator_permit: self.new_permits.clone(),
            stake_weight: to_u16(&self.stake_weight),
            consensus: to_u16(&self.consensus),
            incentive: to_u16(&self.clipping.incentive),
            dividends: to_u16(&outcome.dividends),
            validator_trust: to_u16(&self.clipping.validator_trust),
            emission_rao: split.combined_rao,
            server_emission_rao: split.server_rao,
            validator_emission_rao: split.validator_rao,
            pruning_score: split.pruning_score,
            bonds,
            weights_within_clipping: self.clipping.within_clipping.clone(),
        }
    }

    /// The epoch's emission at `bonds_penalty`: what [`Consensus::finish`] computes, but for the
    /// bonds' storage encoding, which no emission reads.
    pub fn emission(&self, era: &dyn Era, bonds_penalty: u16) -> emission::EmissionSplit {
        self.bonds_and_emission(era, bonds_penalty, self.weights.borrowed()).1
    }

    /// §2.5 / §2.6 the era's bonds and dividends, §2.7 the emission split.
    fn bonds_and_emission(
        &self,
        era: &dyn Era,
        bonds_penalty: u16,
        weights: WeightsIn,
    ) -> (BondsOutcome, emission::EmissionSplit) {
        let inputs = &self.inputs;
        let outcome = era.bonds_and_dividends(
            weights,
            &BondsInputs {
                consensus: &self.consensus,
                incentive: &self.clipping.incentive,
                active_stake: &self.active_stake,
                stored_bonds: inputs.bonds,
                recently_registered: &self.recently_registered,
                bonds_penalty,
                bonds_moving_average: inputs.bonds_moving_average,
                liquid_alpha: inputs.liquid_alpha,
                last_update: inputs.last_update,
                registered_at: inputs.registered_at,
                rules: inputs.rules,
            },
        );
        assert_eq!(outcome.dividends.len(), inputs.n(), "era {} dividends per UID", era.name());
        assert_eq!(outcome.bonds.n_rows(), inputs.n(), "era {} bond rows per UID", era.name());
        let split = emission::split_emission(
            &self.clipping.incentive,
            &outcome.dividends,
            &self.active_stake,
            &self.stake_weight,
            inputs.emission_rao,
        );
        (outcome, split)
    }
}
