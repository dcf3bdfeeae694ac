//! A subnet's metagraph: the UID table (per-UID storage of spec §2.1/§2.8, weights, bonds, the
//! epoch's stored outputs) and the extrinsics that change it:
//! `set_weights` (§5.1), stake changes, registration into a slot (§4.1), bonds reset.
//!
//! A call the chain itself refuses returns `Err` with the chain's reason and changes nothing.
//! A call that names a UID the subnet does not have is a caller bug, reported as its own error
//! kind so a driver can tell the two apart.

use std::fmt;

mod commit_reveal;

use commit_reveal::CommitQueues;
pub use commit_reveal::{CommitRefused, TimelockedReveals, UNREVEALED_COMMITS_MAX, WeightsPayload, commit_hash};

use super::fixed::{I64F64, is_max_weight_limited, u16_max_upscale};
use super::hyperparameters::{Hyperparameters, InvalidHyperparameter};
use super::profile::{self, Profile};
use super::yuma::{self, EpochInputs, EpochOutput, Era};

/// The largest total stake weight a subnet holds: the integer range of I64F64, in which the
/// chain sums and normalises stake (§2.2). Real totals are below 2.5·10^16 RAO.
pub const STAKE_TOTAL_MAX_RAO: u64 = i64::MAX as u64;

/// `Err` when a subnet's total stake weight would leave the range the chain sums it in.
fn within_stake_limit(total_rao: u128) -> Result<(), InvalidCall> {
    if total_rao > u128::from(STAKE_TOTAL_MAX_RAO) {
        return Err(InvalidCall::StakeTotalTooLarge { total_rao });
    }
    Ok(())
}

/// A neuron as a replay or scenario declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NeuronInit {
    pub stake_rao: u64,
    pub registered_at: u64,
    pub last_update: u64,
}

/// A neuron as a snapshot of a live subnet holds it: what `NeuronInit` declares, and the permit
/// and the weights and bonds rows the chain stores for it (columns ascending, values as stored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeuronState {
    pub init: NeuronInit,
    pub validator_permit: bool,
    pub weights: Vec<(u16, u16)>,
    pub bonds: Vec<(u16, u16)>,
}

/// Why a row cannot be one the chain stores in a subnet of n UIDs: the epoch reads rows with
/// columns strictly ascending and below n.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowError {
    TooLong {
        len: usize,
        n: usize,
    },
    /// The entry at `position` names a UID the subnet does not have.
    OutOfRange {
        position: usize,
        uid: u16,
        n: usize,
    },
    /// The entry at `position` is not above the one before it (equal: a UID twice).
    NotAscending {
        position: usize,
        uid: u16,
        previous: u16,
    },
}

impl RowError {
    /// The entry the error is about, when it is one entry.
    pub fn position(&self) -> Option<usize> {
        match self {
            Self::TooLong { .. } => None,
            Self::OutOfRange { position, .. } | Self::NotAscending { position, .. } => Some(*position),
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::TooLong { len, n } => write!(f, "{len} entries, more than the subnet's {n} UIDs"),
            Self::OutOfRange { uid, n, .. } => write!(f, "uid {uid} is out of range (n = {n})"),
            Self::NotAscending { uid, previous, .. } if uid == previous => write!(f, "uid {uid} appears twice"),
            Self::NotAscending { uid, previous, .. } => {
                write!(f, "uid {uid} comes after uid {previous} (a row lists its UIDs in ascending order)")
            }
        }
    }
}

/// `Ok` when `row` is a row the chain could store in a subnet of `n` UIDs.
pub fn check_row(row: &[(u16, u16)], n: usize) -> Result<(), RowError> {
    if row.len() > n {
        return Err(RowError::TooLong { len: row.len(), n });
    }
    let mut previous: Option<u16> = None;
    for (position, &(uid, _)) in row.iter().enumerate() {
        if usize::from(uid) >= n {
            return Err(RowError::OutOfRange { position, uid, n });
        }
        if let Some(previous) = previous.filter(|&previous| uid <= previous) {
            return Err(RowError::NotAscending { position, uid, previous });
        }
        previous = Some(uid);
    }
    Ok(())
}

/// Why the chain refuses `set_weights` (spec §5.1), in the order it checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WeightsRefused {
    CommitRevealEnabled,
    LengthMismatch {
        dests: usize,
        values: usize,
    },
    MoreWeightsThanUids {
        len: usize,
        n: usize,
    },
    StakeBelowThreshold {
        stake_rao: u64,
        threshold_rao: u64,
    },
    VersionKeyTooLow {
        given: u64,
        required: u64,
    },
    RateLimited {
        blocks_since_update: u64,
        limit: u64,
    },
    NoValidatorPermit {
        uid: u16,
    },
    DuplicateUid {
        uid: u16,
    },
    /// `min` is `min(n, min_allowed_weights)`, the bound in force.
    TooFewWeights {
        len: usize,
        min: usize,
        min_allowed_weights: u16,
    },
    MaxWeightExceeded {
        limit: u16,
    },
    /// A sealed (timelocked) payload names a UID the subnet does not have.
    UnknownDest {
        uid: u16,
        n: usize,
    },
}

impl fmt::Display for WeightsRefused {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::CommitRevealEnabled => write!(f, "commit-reveal is on: weights must arrive by commit and reveal"),
            Self::LengthMismatch { dests, values } => {
                write!(f, "dests has {dests} entries but values has {values}")
            }
            Self::MoreWeightsThanUids { len, n } => write!(f, "too many weights: {len} > {n} UIDs"),
            Self::StakeBelowThreshold { stake_rao, threshold_rao } => {
                write!(f, "stake weight {stake_rao} RAO is below stake_threshold_rao {threshold_rao}")
            }
            Self::VersionKeyTooLow { given, required } => {
                write!(f, "version_key {given} is below weights_version_key {required}")
            }
            Self::RateLimited { blocks_since_update, limit } => write!(
                f,
                "rate limited: {blocks_since_update} blocks since the last update < weights_set_rate_limit {limit}"
            ),
            Self::NoValidatorPermit { uid } => {
                write!(f, "uid {uid} holds no validator permit (only a self-weight is allowed)")
            }
            Self::DuplicateUid { uid } => write!(f, "uid {uid} appears twice in dests"),
            Self::TooFewWeights { len, min, min_allowed_weights } if *min == usize::from(*min_allowed_weights) => {
                write!(f, "too few weights: {len} < min_allowed_weights {min}")
            }
            Self::TooFewWeights { len, min, min_allowed_weights } => {
                write!(f, "too few weights: {len} < {min} (min_allowed_weights {min_allowed_weights}, capped at n)")
            }
            Self::MaxWeightExceeded { limit } => {
                write!(f, "the largest normalised weight is above max_weights_limit {limit}/65535")
            }
            Self::UnknownDest { uid, n } => write!(f, "uid {uid} is not registered (n = {n})"),
        }
    }
}

/// A call that names something the subnet cannot have: not a chain refusal but a caller bug.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InvalidCall {
    Hyperparameter(InvalidHyperparameter),
    UnknownUid {
        uid: u16,
        n: usize,
    },
    SlotBeyondEnd {
        uid: u16,
        n: usize,
    },
    SubnetFull {
        max_allowed_uids: u16,
    },
    OwnerNeverReplaced {
        uid: u16,
    },
    StakeTotalTooLarge {
        total_rao: u128,
    },
    /// A stored row (`table`: weights or bonds) of `uid` that no chain could hold.
    Row {
        table: &'static str,
        uid: u16,
        error: RowError,
    },
}

impl fmt::Display for InvalidCall {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::Hyperparameter(invalid) => write!(f, "{}: {}", invalid.field, invalid.message),
            Self::UnknownUid { uid, n } => write!(f, "uid {uid} is not registered (n = {n})"),
            Self::SlotBeyondEnd { uid, n } => {
                write!(f, "uid {uid} is beyond the next free slot {n} (a new neuron takes uid n or replaces one)")
            }
            Self::SubnetFull { max_allowed_uids } => {
                write!(f, "the subnet is full (max_allowed_uids {max_allowed_uids}): register into an existing uid")
            }
            Self::OwnerNeverReplaced { uid } => write!(f, "uid {uid} is the subnet owner's, which is never replaced"),
            Self::StakeTotalTooLarge { total_rao } => write!(
                f,
                "total stake {total_rao} RAO exceeds {STAKE_TOTAL_MAX_RAO}, the I64F64 range the chain sums stake in"
            ),
            Self::Row { table, uid, error } => write!(f, "{table} row of uid {uid}: {error}"),
        }
    }
}

/// The outcome of an extrinsic: refused by the chain, or not a valid call at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallError<Refused> {
    Refused(Refused),
    Invalid(InvalidCall),
}

impl<R> From<InvalidCall> for CallError<R> {
    fn from(invalid: InvalidCall) -> Self {
        Self::Invalid(invalid)
    }
}

/// How weights reach the chain: the `set_weights` extrinsic, or a commit-reveal reveal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ingress {
    Extrinsic,
    Reveal,
}

/// Per-UID outputs of the last epoch, as stored on chain (§2.8).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoredOutputs {
    pub active: Vec<bool>,
    pub stake_weight: Vec<u16>,
    pub consensus: Vec<u16>,
    pub incentive: Vec<u16>,
    pub dividends: Vec<u16>,
    pub validator_trust: Vec<u16>,
    pub emission_rao: Vec<u64>,
    /// Legacy `PruningScores`: kept by a replacement (the pruned UID was set to 65 535).
    pub pruning_score: Vec<u16>,
}

#[derive(Clone, Debug)]
pub struct Metagraph {
    pub hyperparameters: Hyperparameters,
    /// The protocol rules in force (set by the chain, changed by runtime upgrades).
    profile: &'static Profile,
    stake: Vec<I64F64>,
    registered_at: Vec<u64>,
    last_update: Vec<u64>,
    validator_permit: Vec<bool>,
    /// Rows of (uid, value), columns ascending (the chain keeps extrinsic order; no epoch result
    /// depends on the order within a row).
    weights: Vec<Vec<(u16, u16)>>,
    bonds: Vec<Vec<(u16, u16)>>,
    last_mechanism_step_block: u64,
    outputs: StoredOutputs,
    commits: CommitQueues,
}

impl Metagraph {
    /// A subnet with these neurons (UID i = `neurons[i]`), no weights, no bonds, no permits.
    pub fn new(hyperparameters: Hyperparameters, neurons: &[NeuronInit]) -> Result<Self, InvalidCall> {
        hyperparameters.validate().map_err(InvalidCall::Hyperparameter)?;
        let n = neurons.len();
        if n > usize::from(hyperparameters.max_allowed_uids) {
            return Err(InvalidCall::SubnetFull { max_allowed_uids: hyperparameters.max_allowed_uids });
        }
        within_stake_limit(neurons.iter().map(|neuron| u128::from(neuron.stake_rao)).sum())?;
        if let Some(owner) = hyperparameters.owner_uid
            && usize::from(owner) >= n
        {
            return Err(InvalidCall::UnknownUid { uid: owner, n });
        }
        Ok(Self {
            hyperparameters,
            profile: profile::HEAD,
            stake: neurons.iter().map(|neuron| I64F64::from_num(neuron.stake_rao)).collect(),
            registered_at: neurons.iter().map(|neuron| neuron.registered_at).collect(),
            last_update: neurons.iter().map(|neuron| neuron.last_update).collect(),
            validator_permit: vec![false; n],
            weights: vec![Vec::new(); n],
            bonds: vec![Vec::new(); n],
            last_mechanism_step_block: 0,
            commits: CommitQueues::with_uids(n),
            outputs: StoredOutputs {
                active: vec![true; n],
                stake_weight: vec![0; n],
                consensus: vec![0; n],
                incentive: vec![0; n],
                dividends: vec![0; n],
                validator_trust: vec![0; n],
                emission_rao: vec![0; n],
                pruning_score: vec![0; n],
            },
        })
    }

    /// A subnet as a snapshot of a live one holds it: UID i = `neurons[i]`, with its permit and its
    /// stored weights and bonds rows (each checked as the epoch reads it).
    pub fn from_state(hyperparameters: Hyperparameters, neurons: &[NeuronState]) -> Result<Self, InvalidCall> {
        let inits: Vec<NeuronInit> = neurons.iter().map(|neuron| neuron.init).collect();
        let mut metagraph = Self::new(hyperparameters, &inits)?;
        let n = neurons.len();
        for (index, neuron) in neurons.iter().enumerate() {
            // `new` refused more than max_allowed_uids ≤ UIDS_MAX UIDs, so the index fits a u16.
            let uid = index as u16;
            for (table, row) in [("weights", &neuron.weights), ("bonds", &neuron.bonds)] {
                check_row(row, n).map_err(|error| InvalidCall::Row { table, uid, error })?;
            }
        }
        metagraph.validator_permit = neurons.iter().map(|neuron| neuron.validator_permit).collect();
        metagraph.weights = neurons.iter().map(|neuron| neuron.weights.clone()).collect();
        metagraph.bonds = neurons.iter().map(|neuron| neuron.bonds.clone()).collect();
        Ok(metagraph)
    }

    pub fn n(&self) -> usize {
        self.stake.len()
    }

    pub fn profile(&self) -> &'static Profile {
        self.profile
    }

    /// Puts the subnet under `profile`'s rules.
    pub fn set_profile(&mut self, profile: &'static Profile) {
        self.profile = profile;
    }

    /// Replaces the hyperparameters, checked.
    pub fn set_hyperparameters(&mut self, hyperparameters: Hyperparameters) -> Result<(), InvalidCall> {
        hyperparameters.validate().map_err(InvalidCall::Hyperparameter)?;
        if let Some(owner) = hyperparameters.owner_uid {
            self.check_uid(owner)?;
        }
        if self.n() > usize::from(hyperparameters.max_allowed_uids) {
            return Err(InvalidCall::SubnetFull { max_allowed_uids: hyperparameters.max_allowed_uids });
        }
        self.hyperparameters = hyperparameters;
        Ok(())
    }

    /// Marks `uid` as the one a legacy registration replaces next (§4.5).
    pub fn set_pruning_score(&mut self, uid: u16, score: u16) {
        self.outputs.pruning_score[usize::from(uid)] = score;
    }

    pub fn outputs(&self) -> &StoredOutputs {
        &self.outputs
    }

    pub fn validator_permit(&self) -> &[bool] {
        &self.validator_permit
    }

    pub fn weights(&self) -> &[Vec<(u16, u16)>] {
        &self.weights
    }

    pub fn bonds(&self) -> &[Vec<(u16, u16)>] {
        &self.bonds
    }

    fn check_uid(&self, uid: u16) -> Result<usize, InvalidCall> {
        let index = usize::from(uid);
        if index < self.n() { Ok(index) } else { Err(InvalidCall::UnknownUid { uid, n: self.n() }) }
    }

    fn is_owner(&self, uid: usize) -> bool {
        self.hyperparameters.owner_uid.is_some_and(|owner| usize::from(owner) == uid)
    }

    /// `set_weights` with the checks of §5.1 in the chain's order; on success the row is stored
    /// max-upscaled (explicit zeros kept) and `last_update = block`.
    pub fn set_weights(
        &mut self,
        uid: u16,
        dests: &[u16],
        values: &[u16],
        version_key: u64,
        block: u64,
    ) -> Result<(), CallError<WeightsRefused>> {
        let row = self.checked_weights(uid, dests, values, version_key, block, Ingress::Extrinsic)?;
        self.weights[usize::from(uid)] = row;
        self.last_update[usize::from(uid)] = block;
        Ok(())
    }

    /// The checks of §5.1 in the chain's order; the row to store when they pass. A reveal skips
    /// the two checks that belong to the extrinsic alone: the commit-reveal refusal and the rate
    /// limit (the commit was rate limited instead).
    fn checked_weights(
        &self,
        uid: u16,
        dests: &[u16],
        values: &[u16],
        version_key: u64,
        block: u64,
        ingress: Ingress,
    ) -> Result<Vec<(u16, u16)>, CallError<WeightsRefused>> {
        let caller = self.check_uid(uid)?;
        for &dest in dests {
            self.check_uid(dest)?;
        }
        let h = &self.hyperparameters;
        let refuse = |reason| Err(CallError::Refused(reason));
        if ingress == Ingress::Extrinsic && h.commit_reveal {
            return refuse(WeightsRefused::CommitRevealEnabled);
        }
        if dests.len() != values.len() {
            return refuse(WeightsRefused::LengthMismatch { dests: dests.len(), values: values.len() });
        }
        if dests.len() > self.n() {
            return refuse(WeightsRefused::MoreWeightsThanUids { len: dests.len(), n: self.n() });
        }
        let is_owner = self.is_owner(caller) && self.profile.epoch_rules.owner_exemptions;
        let stake_rao = self.stake[caller].saturating_to_num::<u64>();
        if !is_owner && stake_rao < h.stake_threshold_rao {
            return refuse(WeightsRefused::StakeBelowThreshold { stake_rao, threshold_rao: h.stake_threshold_rao });
        }
        if h.weights_version_key != 0 && version_key < h.weights_version_key {
            return refuse(WeightsRefused::VersionKeyTooLow { given: version_key, required: h.weights_version_key });
        }
        if ingress == Ingress::Extrinsic {
            self.check_rate_limit(caller, block).map_err(CallError::Refused)?;
        }
        let is_self_weight = dests.len() == 1 && dests[0] == uid;
        if !is_self_weight && !is_owner && !self.validator_permit[caller] {
            return refuse(WeightsRefused::NoValidatorPermit { uid });
        }
        let mut row: Vec<(u16, u16)> = dests.iter().copied().zip(u16_max_upscale(values)).collect();
        row.sort_unstable_by_key(|&(dest, _)| dest);
        if let Some(pair) = row.windows(2).find(|pair| pair[0].0 == pair[1].0) {
            return refuse(WeightsRefused::DuplicateUid { uid: pair[0].0 });
        }
        let min = usize::from(h.min_allowed_weights).min(self.n());
        if !is_self_weight && dests.len() < min {
            return refuse(WeightsRefused::TooFewWeights {
                len: dests.len(),
                min,
                min_allowed_weights: h.min_allowed_weights,
            });
        }
        let upscaled: Vec<u16> = row.iter().map(|&(_, value)| value).collect();
        if !is_self_weight && !is_max_weight_limited(&upscaled, h.max_weights_limit) {
            return refuse(WeightsRefused::MaxWeightExceeded { limit: h.max_weights_limit });
        }
        Ok(row)
    }

    /// §5.1.5: `LastUpdate = 0` or at least `weights_set_rate_limit` blocks since it.
    fn check_rate_limit(&self, caller: usize, block: u64) -> Result<(), WeightsRefused> {
        let last_update = self.last_update[caller];
        let blocks_since_update = block.saturating_sub(last_update);
        let limit = self.hyperparameters.weights_set_rate_limit;
        if last_update != 0 && blocks_since_update < limit {
            return Err(WeightsRefused::RateLimited { blocks_since_update, limit });
        }
        Ok(())
    }

    /// Replaces the stake weight of `uid` (RAO).
    pub fn set_stake(&mut self, uid: u16, stake_rao: u64) -> Result<(), InvalidCall> {
        let index = self.check_uid(uid)?;
        self.check_stake_total(Some(index), stake_rao)?;
        self.stake[index] = I64F64::from_num(stake_rao);
        Ok(())
    }

    /// Replaces every UID's stake weight (alpha + τ·root, I64F64), as the living chain computes
    /// them from its stake pools.
    pub fn set_stake_weights(&mut self, stake: Vec<I64F64>) -> Result<(), InvalidCall> {
        assert_eq!(stake.len(), self.n(), "one stake weight per UID");
        within_stake_limit(stake.iter().map(|s| s.saturating_to_num::<u128>()).sum())?;
        self.stake = stake;
        Ok(())
    }

    /// `BlockAtRegistration` of every UID.
    pub fn registered_at(&self) -> &[u64] {
        &self.registered_at
    }

    /// `LastUpdate` of every UID: the block of its last weights.
    pub fn last_update(&self) -> &[u64] {
        &self.last_update
    }

    /// The weights row of `uid` counts as set at `block` (`LastUpdate`), as when its validator
    /// submits the row it already has again: a replay that holds weights fixed keeps its
    /// validators as recent as they were.
    pub fn set_last_update(&mut self, uid: u16, block: u64) -> Result<(), InvalidCall> {
        let index = self.check_uid(uid)?;
        self.last_update[index] = block;
        Ok(())
    }

    /// Records the block of the coinbase's distribution (`LastMechansimStepBlock`).
    pub fn set_last_mechanism_step_block(&mut self, block: u64) {
        self.last_mechanism_step_block = block;
    }

    fn check_stake_total(&self, replaced: Option<usize>, added_rao: u64) -> Result<(), InvalidCall> {
        let others: u128 = self
            .stake
            .iter()
            .enumerate()
            .filter(|&(index, _)| Some(index) != replaced)
            .map(|(_, s)| s.saturating_to_num::<u128>())
            .sum();
        within_stake_limit(others + u128::from(added_rao))
    }

    /// A new neuron takes slot `uid` at `block` (§4.1): appended when `uid == n`, else it replaces
    /// the occupant. Its own weights and bonds rows are deleted, every weight pointing at it is set
    /// to 0 (kept as an entry), its stored outputs reset; bonds pointing at it stay.
    pub fn register(&mut self, uid: u16, stake_rao: u64, block: u64) -> Result<(), InvalidCall> {
        let index = usize::from(uid);
        let n = self.n();
        if index > n {
            return Err(InvalidCall::SlotBeyondEnd { uid, n });
        }
        if self.is_owner(index) {
            return Err(InvalidCall::OwnerNeverReplaced { uid });
        }
        if index == n {
            if n >= usize::from(self.hyperparameters.max_allowed_uids) {
                return Err(InvalidCall::SubnetFull { max_allowed_uids: self.hyperparameters.max_allowed_uids });
            }
            self.check_stake_total(None, stake_rao)?;
            self.stake.push(I64F64::from_num(stake_rao));
            self.registered_at.push(block);
            self.last_update.push(block);
            self.validator_permit.push(false);
            self.weights.push(Vec::new());
            self.bonds.push(Vec::new());
            self.commits.push_uid();
            let o = &mut self.outputs;
            o.active.push(true);
            o.stake_weight.push(0);
            o.consensus.push(0);
            o.incentive.push(0);
            o.dividends.push(0);
            o.validator_trust.push(0);
            o.emission_rao.push(0);
            o.pruning_score.push(0);
            return Ok(());
        }
        self.check_stake_total(Some(index), stake_rao)?;
        self.stake[index] = I64F64::from_num(stake_rao);
        self.registered_at[index] = block;
        self.last_update[index] = block;
        self.validator_permit[index] = false;
        self.weights[index].clear();
        self.bonds[index].clear();
        self.commits.clear_uid(index);
        for row in &mut self.weights {
            if let Ok(position) = row.binary_search_by_key(&uid, |&(dest, _)| dest) {
                row[position].1 = 0;
            }
        }
        let o = &mut self.outputs;
        o.active[index] = true;
        o.stake_weight[index] = 0;
        o.consensus[index] = 0;
        o.incentive[index] = 0;
        o.dividends[index] = 0;
        o.validator_trust[index] = 0;
        o.emission_rao[index] = 0;
        Ok(())
    }

    /// `do_reset_bonds` for the neuron at `uid`: with `bonds_reset` on, its column is removed from
    /// every bond row; with it off, nothing happens (and nothing is refused).
    pub fn reset_bonds(&mut self, uid: u16) -> Result<(), InvalidCall> {
        self.check_uid(uid)?;
        if self.hyperparameters.bonds_reset {
            for row in &mut self.bonds {
                row.retain(|&(column, _)| column != uid);
            }
        }
        Ok(())
    }

    /// The inputs of an epoch at `block` distributing `emission_rao`.
    pub fn epoch_inputs(&self, block: u64, emission_rao: u64) -> EpochInputs<'_> {
        let h = &self.hyperparameters;
        EpochInputs {
            block,
            tempo: h.tempo,
            activity_cutoff: h.activity_cutoff(),
            last_mechanism_step_block: self.last_mechanism_step_block,
            last_update: &self.last_update,
            registered_at: &self.registered_at,
            stake: &self.stake,
            validator_permit: &self.validator_permit,
            weights: &self.weights,
            bonds: &self.bonds,
            first_commit_block: h.commit_reveal.then_some(self.commits.first_block()),
            owner_uid: h.owner_uid,
            stake_threshold_rao: h.stake_threshold_rao,
            max_allowed_validators: h.max_allowed_validators,
            kappa: h.kappa,
            bonds_penalty: h.bonds_penalty,
            bonds_moving_average: h.bonds_moving_average,
            liquid_alpha: h.liquid_alpha(),
            emission_rao,
            rules: self.profile.epoch_rules,
        }
    }

    /// Runs the epoch as subtensor's `epoch(netuid, emission)` does, under the era the profile
    /// and hyperparameters select, and stores what it writes (§2.8). Like that function it does
    /// not record `LastMechansimStepBlock` (the coinbase does).
    pub fn run_epoch(&mut self, block: u64, emission_rao: u64) -> EpochOutput {
        self.run_epoch_with(self.profile.era(&self.hyperparameters), block, emission_rao)
    }

    pub fn run_epoch_with(&mut self, era: &dyn Era, block: u64, emission_rao: u64) -> EpochOutput {
        let output = yuma::epoch(era, &self.epoch_inputs(block, emission_rao));
        self.validator_permit.clone_from(&output.validator_permit);
        self.bonds.clone_from(&output.bonds);
        self.outputs = StoredOutputs {
            active: output.active.clone(),
            stake_weight: output.stake_weight.clone(),
            consensus: output.consensus.clone(),
            incentive: output.incentive.clone(),
            dividends: output.dividends.clone(),
            validator_trust: output.validator_trust.clone(),
            emission_rao: output.emission_rao.clone(),
            pruning_score: output.pruning_score.clone(),
        };
        output
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subnet(n: usize, hyperparameters: Hyperparameters, stake_rao: &[u64]) -> Metagraph {
        let neurons: Vec<NeuronInit> = (0..n)
            .map(|uid| NeuronInit {
                stake_rao: stake_rao.get(uid).copied().unwrap_or(0),
                registered_at: 0,
                last_update: 0,
            })
            .collect();
        Metagraph::new(hyperparameters, &neurons).unwrap()
    }

    fn open() -> Hyperparameters {
        Hyperparameters { commit_reveal: false, weights_set_rate_limit: 0, ..Hyperparameters::default() }
    }

    fn refused(result: Result<(), CallError<WeightsRefused>>) -> WeightsRefused {
        match result {
            Err(CallError::Refused(reason)) => reason,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn vector_set_weights_storage_max_upscale() {
        // Weights summing past u16::MAX are stored max-upscaled, not normalised.
        let mut s = subnet(2, Hyperparameters { min_allowed_weights: 2, ..open() }, &[1_000, 0]);
        s.run_epoch(1, 0); // grants uid 0 its permit
        s.set_weights(0, &[0, 1], &[65535, 65535], 0, 2).unwrap();
        assert_eq!(s.weights()[0], vec![(0, 65535), (1, 65535)]);
    }

    #[test]
    fn vector_set_weights_check_length() {
        let mut s = subnet(7, Hyperparameters { min_allowed_weights: 3, ..open() }, &[0, 1_000]);
        s.run_epoch(1, 0);
        let reason = refused(s.set_weights(1, &[1, 2], &[1, 2], 0, 2));
        assert_eq!(reason, WeightsRefused::TooFewWeights { len: 2, min: 3, min_allowed_weights: 3 });
        // A self-weight passes the length rule (and needs no permit).
        s.set_weights(3, &[3], &[1], 0, 2).unwrap();
        // min(n, min_allowed_weights): with 7 UIDs a bound of 10 means 7.
        s.hyperparameters.min_allowed_weights = 10;
        let reason = refused(s.set_weights(1, &[1, 2, 3, 4, 5, 6], &[1; 6], 0, 2));
        assert_eq!(reason.to_string(), "too few weights: 6 < 7 (min_allowed_weights 10, capped at n)");
        s.set_weights(1, &[0, 1, 2, 3, 4, 5, 6], &[1; 7], 0, 2).unwrap();
    }

    #[test]
    fn checks_run_in_the_chains_order() {
        let mut s = subnet(3, Hyperparameters { commit_reveal: true, ..open() }, &[1_000, 0, 0]);
        assert_eq!(refused(s.set_weights(0, &[1], &[1], 0, 1)), WeightsRefused::CommitRevealEnabled);
        s.hyperparameters.commit_reveal = false;
        assert_eq!(
            refused(s.set_weights(0, &[1], &[1, 2], 0, 1)),
            WeightsRefused::LengthMismatch { dests: 1, values: 2 }
        );
        s.hyperparameters.stake_threshold_rao = 1_001;
        assert!(matches!(refused(s.set_weights(0, &[1], &[1], 0, 1)), WeightsRefused::StakeBelowThreshold { .. }));
        s.hyperparameters.stake_threshold_rao = 0;
        s.hyperparameters.weights_version_key = 5;
        assert!(matches!(refused(s.set_weights(0, &[1], &[1], 4, 1)), WeightsRefused::VersionKeyTooLow { .. }));
        s.hyperparameters.weights_version_key = 0;
        assert_eq!(refused(s.set_weights(0, &[1], &[1], 0, 1)), WeightsRefused::NoValidatorPermit { uid: 0 });
        s.run_epoch(1, 0);
        assert_eq!(refused(s.set_weights(0, &[1, 1], &[1, 2], 0, 1)), WeightsRefused::DuplicateUid { uid: 1 });
        s.set_weights(0, &[2, 1], &[0, 7], 0, 5).unwrap();
        // Stored sorted by column, max-upscaled, explicit zero kept; last_update = block.
        assert_eq!(s.weights()[0], vec![(1, 65535), (2, 0)]);
        s.hyperparameters.weights_set_rate_limit = 100;
        assert_eq!(
            refused(s.set_weights(0, &[1], &[1], 0, 104)),
            WeightsRefused::RateLimited { blocks_since_update: 99, limit: 100 }
        );
        s.set_weights(0, &[1], &[1], 0, 105).unwrap();
        s.hyperparameters.max_weights_limit = 32768;
        assert_eq!(
            refused(s.set_weights(0, &[1, 2], &[3, 1], 0, 205)),
            WeightsRefused::MaxWeightExceeded { limit: 32768 }
        );
        // A name the subnet does not have is no refusal but an invalid call.
        assert_eq!(
            s.set_weights(0, &[9], &[1], 0, 300),
            Err(CallError::Invalid(InvalidCall::UnknownUid { uid: 9, n: 3 }))
        );
    }

    #[test]
    fn the_owner_needs_no_permit_and_no_stake() {
        let owner = Hyperparameters { owner_uid: Some(1), stake_threshold_rao: 10, ..open() };
        let mut s = subnet(3, owner, &[1_000, 0, 0]);
        s.set_weights(1, &[0, 2], &[1, 1], 0, 1).unwrap();
    }

    #[test]
    fn replacement_zeroes_incoming_weights_and_clears_own_rows() {
        let mut s = subnet(3, open(), &[1_000, 1_000, 0]);
        s.run_epoch(1, 0);
        s.set_weights(0, &[1, 2], &[1, 1], 0, 2).unwrap();
        s.set_weights(1, &[0, 2], &[1, 1], 0, 2).unwrap();
        s.run_epoch(3, 1_000_000);
        assert!(s.bonds()[0].iter().any(|&(j, _)| j == 2), "validator 0 bonds to uid 2");
        s.register(2, 5, 10).unwrap();
        assert_eq!(s.weights()[0], vec![(1, 65535), (2, 0)], "incoming weight zeroed, entry kept");
        assert_eq!(s.weights()[2], vec![]);
        assert!(s.bonds()[0].iter().any(|&(j, _)| j == 2), "bonds pointing at the slot stay");
        assert_eq!(s.outputs().incentive[2], 0);
        assert!(!s.validator_permit()[2]);
        s.register(3, 0, 11).unwrap();
        assert_eq!(s.n(), 4);
        assert_eq!(s.register(5, 0, 12), Err(InvalidCall::SlotBeyondEnd { uid: 5, n: 4 }));
    }

    #[test]
    fn bonds_reset_removes_the_column_only_when_on() {
        let mut s = subnet(3, open(), &[1_000, 0, 0]);
        s.run_epoch(1, 0);
        s.set_weights(0, &[1, 2], &[1, 1], 0, 2).unwrap();
        s.run_epoch(3, 1_000_000);
        let before = s.bonds().to_vec();
        s.reset_bonds(2).unwrap();
        assert_eq!(s.bonds(), before, "bonds_reset off: nothing happens");
        s.hyperparameters.bonds_reset = true;
        s.reset_bonds(2).unwrap();
        assert!(s.bonds().iter().all(|row| row.iter().all(|&(j, _)| j != 2)));
        assert!(s.bonds()[0].iter().any(|&(j, _)| j == 1));
    }

    #[test]
    fn invalid_hyperparameters_are_refused_at_creation() {
        let h = Hyperparameters { bonds_moving_average: 1_000_001, ..open() };
        let error = Metagraph::new(h, &[]).unwrap_err();
        assert!(matches!(&error, InvalidCall::Hyperparameter(invalid) if invalid.field == "bonds_moving_average"));
    }

    fn state(stake_rao: u64, weights: Vec<(u16, u16)>, bonds: Vec<(u16, u16)>) -> NeuronState {
        let init = NeuronInit { stake_rao, registered_at: 1, last_update: 2 };
        NeuronState { init, validator_permit: stake_rao > 0, weights, bonds }
    }

    #[test]
    fn a_subnet_from_a_snapshot_holds_its_permits_weights_and_bonds_and_runs_on_them() {
        let neurons = [
            state(1_000, vec![(1, 65535), (2, 0)], vec![(1, 30_000)]),
            state(0, vec![], vec![]),
            state(0, vec![], vec![]),
        ];
        let mut s = Metagraph::from_state(open(), &neurons).unwrap();
        assert_eq!(s.validator_permit(), [true, false, false]);
        assert_eq!(s.weights()[0], vec![(1, 65535), (2, 0)], "the explicit zero is kept");
        assert_eq!(s.bonds()[0], vec![(1, 30_000)]);
        assert_eq!((s.registered_at()[0], s.last_update()[0]), (1, 2));
        // The permit from the snapshot is in force at once: no epoch needed to grant it.
        let output = s.run_epoch(3, 1_000_000);
        assert_eq!(output.incentive[1], 65535);
        s.set_last_update(0, 9).unwrap();
        assert_eq!(s.last_update()[0], 9);
        assert_eq!(s.set_last_update(3, 9), Err(InvalidCall::UnknownUid { uid: 3, n: 3 }));
    }

    #[test]
    fn a_snapshot_row_the_epoch_could_not_read_is_refused_naming_its_entry() {
        let bad = |weights: Vec<(u16, u16)>, bonds: Vec<(u16, u16)>| {
            Metagraph::from_state(open(), &[state(1, weights, bonds), state(0, vec![], vec![])]).unwrap_err()
        };
        let error = bad(vec![(0, 1), (2, 1)], vec![]);
        let expected = RowError::OutOfRange { position: 1, uid: 2, n: 2 };
        assert_eq!(error, InvalidCall::Row { table: "weights", uid: 0, error: expected });
        assert_eq!(error.to_string(), "weights row of uid 0: uid 2 is out of range (n = 2)");
        let error = bad(vec![], vec![(1, 5), (1, 6)]);
        assert_eq!(error.to_string(), "bonds row of uid 0: uid 1 appears twice");
        let error = bad(vec![(1, 5), (0, 6)], vec![]);
        assert_eq!(
            error.to_string(),
            "weights row of uid 0: uid 0 comes after uid 1 (a row lists its UIDs in ascending order)"
        );
        assert_eq!(check_row(&[(0, 1), (1, 1), (0, 1)], 2), Err(RowError::TooLong { len: 3, n: 2 }));
        assert_eq!(check_row(&[], 0), Ok(()));
    }

    #[test]
    fn stake_total_is_bounded() {
        let mut s = subnet(2, open(), &[STAKE_TOTAL_MAX_RAO, 0]);
        assert!(matches!(s.set_stake(1, 1), Err(InvalidCall::StakeTotalTooLarge { .. })));
        s.set_stake(0, 0).unwrap();
        s.set_stake(1, STAKE_TOTAL_MAX_RAO).unwrap();
    }
}
