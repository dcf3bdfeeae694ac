//! Yuma Consensus: the epoch as a pure function of its inputs (spec §2).
//!
//! The shared steps of every era live in their own modules (`stake`, `masks`, `consensus`,
//! `emission`, `bonds`); what an era changes is how bonds and dividends come out of the
//! consensus (§2.5 original Yuma, §2.6 Yuma3). Each era is one file implementing [`Era`], listed
//! in [`ERAS`]; a protocol profile picks the era of a subnet (`Profile::era`).

pub mod bonds;
pub mod consensus;
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
pub use era::{BondsInputs, BondsOutcome, EpochRules, Era};
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

/// The HEAD sparse epoch (`epoch_mechanism`) under `era`.
pub fn epoch(era: &dyn Era, inputs: &EpochInputs) -> EpochOutput {
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

    // §2.3 weights.
    let weights = masks::masked_weights(
        inputs.weights,
        &masks::WeightMasks {
            permit_in_force: &permit_in_force,
            owner_uid: if rules.owner_self_weight { inputs.owner_uid } else { None },
            last_update: inputs.last_update,
            registered_at: inputs.registered_at,
            first_commit_block: inputs.first_commit_block.filter(|_| rules.commit_reveal_mask),
        },
    );

    // §2.4 consensus, clipping, trust, incentive.
    let consensus = consensus::consensus(&weights, &active_stake, u16_proportion_to_fixed(inputs.kappa));
    let clipped_weights = consensus::clip(&weights, &consensus);
    let validator_trust = clipped_weights.row_sums();
    let weights_within_clipping = consensus::within_clipping(&weights, &consensus, &active_stake);
    let incentive = consensus::incentive(&clipped_weights, &active_stake);

    // §2.5 / §2.6 bonds and dividends: the era's rule.
    let recently_registered =
        bonds::recently_registered(inputs.block, inputs.tempo, inputs.last_mechanism_step_block, inputs.registered_at);
    let outcome = era.bonds_and_dividends(&BondsInputs {
        weights: &weights,
        clipped_weights: &clipped_weights,
        consensus: &consensus,
        incentive: &incentive,
        active_stake: &active_stake,
        stored_bonds: inputs.bonds,
        recently_registered: &recently_registered,
        bonds_penalty: inputs.bonds_penalty,
        bonds_moving_average: inputs.bonds_moving_average,
        liquid_alpha: inputs.liquid_alpha,
        last_update: inputs.last_update,
        registered_at: inputs.registered_at,
        rules,
    });
    assert_eq!(outcome.dividends.len(), inputs.n(), "era {} dividends per UID", era.name());
    assert_eq!(outcome.bonds.len(), inputs.n(), "era {} bond rows per UID", era.name());

    // §2.7 emission.
    let split =
        emission::split_emission(&incentive, &outcome.dividends, &active_stake, &stake_weight, inputs.emission_rao);

    // §2.8 bonds storage.
    let bonds = outcome
        .bonds
        .into_iter()
        .enumerate()
        .map(|(i, computed)| {
            if new_permits[i] {
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
        active,
        validator_permit: new_permits,
        stake_weight: to_u16(&stake_weight),
        consensus: to_u16(&consensus),
        incentive: to_u16(&incentive),
        dividends: to_u16(&outcome.dividends),
        validator_trust: to_u16(&validator_trust),
        emission_rao: split.combined_rao,
        server_emission_rao: split.server_rao,
        validator_emission_rao: split.validator_rao,
        pruning_score: split.pruning_score,
        bonds,
        weights_within_clipping,
    }
}
