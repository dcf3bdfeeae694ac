//! `tensorsim replay --metagraph`: a live subnet's snapshot replayed epoch by epoch under a
//! protocol profile, its weights held as the snapshot has them. The output is an epoch case's
//! (`shared/spec/replay-format.md`), so every reader of replay outputs reads it.
//!
//! What moves from epoch to epoch is what the epoch writes: bonds, permits and the outputs.
//! Weights and stake stay as in the snapshot, and every UID that was active at the snapshot stays
//! as recent as it was (its `last_update` moves with the epochs: its validator keeps setting the
//! same weights at its pace), so that N epochs show where the rules take this subnet's weights.

mod input;

use tensorsim_chain::hyperparameters::Hyperparameters;
use tensorsim_chain::metagraph::{InvalidCall, Metagraph};
use tensorsim_chain::profile::Profile;
use tensorsim_chain::schedule::Cadence;

pub use input::{SNAPSHOT_VERSION, Snapshot};

use crate::replay::case::{InputError, OUTPUT_VALUES_MAX};
use crate::replay::epoch::{EpochRecord, ReplayOutput};

/// The most epochs one replay runs (a year of 360-block tempos is 7 300).
pub const EPOCHS_MAX: u64 = 100_000;
/// The default emission per block: one alpha (10^9 RAO), a subnet's block emission before its
/// first halving. An epoch distributes `tempo` blocks of it.
pub const BLOCK_EMISSION_RAO: u64 = 1_000_000_000;

/// What the command line asks of a snapshot replay.
#[derive(Clone, Debug)]
pub struct SnapshotRun {
    pub profile: &'static Profile,
    pub epochs: u64,
    /// The snapshot's, with `--set` over them ([`hyperparameters_in_force`]).
    pub hyperparameters: Hyperparameters,
    /// RAO per epoch; `tempo × BLOCK_EMISSION_RAO` when absent.
    pub emission_rao: Option<u64>,
}

/// The snapshot's hyperparameters with `overrides` (`--set key=value`) over them; the error names
/// the key (`--set kappa`).
pub fn hyperparameters_in_force(
    snapshot: &Snapshot,
    overrides: &serde_json::Map<String, serde_json::Value>,
) -> Result<Hyperparameters, InputError> {
    crate::hyperparameter_overrides::with_overrides(&snapshot.hyperparameters, overrides)
        .map_err(|(field, message)| InputError::new(format!("--set {field}"), message))
}

/// Runs `settings.epochs` epochs from `snapshot`. Deterministic: the output is a function of the
/// snapshot and the settings.
pub fn run(snapshot: &Snapshot, settings: &SnapshotRun) -> Result<ReplayOutput, InputError> {
    if settings.hyperparameters.tempo == 0 {
        return Err(InputError::new("hyperparameters.tempo", "0: a subnet of tempo 0 runs no epoch"));
    }
    check_epochs(snapshot, settings.epochs)?;
    let mut metagraph =
        Metagraph::from_state(settings.hyperparameters.clone(), &snapshot.neurons).map_err(invalid_state)?;
    metagraph.set_profile(settings.profile);
    let h = &metagraph.hyperparameters;
    let interval = match settings.profile.cadence {
        Cadence::Head => u64::from(h.tempo),
        Cadence::Legacy => u64::from(h.tempo) + 1,
    };
    let emission_rao = settings.emission_rao.unwrap_or(u64::from(h.tempo) * BLOCK_EMISSION_RAO);
    let cutoff = h.activity_cutoff();
    // The UIDs active at the snapshot, with the block of their weights there.
    let recent: Vec<(u16, u64)> = (0..metagraph.n())
        // At most max_allowed_uids ≤ UIDS_MAX UIDs: the index fits a u16.
        .map(|uid| (uid as u16, metagraph.last_update()[uid]))
        .filter(|&(_, last_update)| last_update.saturating_add(cutoff) >= snapshot.block)
        .collect();
    let mut output = ReplayOutput { name: snapshot.case_name(), epochs: Vec::new(), rejected: Vec::new() };
    for k in 1..=settings.epochs {
        let elapsed = k * interval;
        let block = snapshot.block.checked_add(elapsed).ok_or_else(|| {
            InputError::new(
                "--epochs",
                format!("{} epochs from block {} pass the last block", settings.epochs, snapshot.block),
            )
        })?;
        for &(uid, last_update) in &recent {
            metagraph.set_last_update(uid, last_update + elapsed).map_err(invalid_state)?;
        }
        let record = metagraph.run_epoch(block, emission_rao);
        // As the coinbase records the epoch's distribution (the next epoch's "last tempo").
        metagraph.set_last_mechanism_step_block(block);
        output.epochs.push(EpochRecord { block, output: record });
    }
    Ok(output)
}

/// Refuses a number of epochs out of range, or one whose output could pass the output limit
/// (each epoch writes a value per UID and per stored weight and bond at most).
fn check_epochs(snapshot: &Snapshot, epochs: u64) -> Result<(), InputError> {
    if epochs == 0 || epochs > EPOCHS_MAX {
        return Err(InputError::new("--epochs", format!("{epochs} is outside 1..={EPOCHS_MAX}")));
    }
    let entries: usize = snapshot.neurons.iter().map(|neuron| neuron.weights.len() + neuron.bonds.len()).sum();
    let per_epoch = snapshot.neurons.len() + entries;
    let values = (epochs as usize).saturating_mul(per_epoch);
    if values > OUTPUT_VALUES_MAX {
        return Err(InputError::new(
            "--epochs",
            format!(
                "{epochs} epochs of {} UIDs and {entries} stored weights and bonds could write {values} values, above \
                 the limit of {OUTPUT_VALUES_MAX}",
                snapshot.neurons.len()
            ),
        ));
    }
    Ok(())
}

/// A state the snapshot's checks let through but the hyperparameters in force (after `--set`)
/// refuse.
fn invalid_state(invalid: InvalidCall) -> InputError {
    match invalid {
        InvalidCall::Hyperparameter(invalid) => {
            InputError::new(format!("hyperparameters.{}", invalid.field), invalid.message)
        }
        InvalidCall::UnknownUid { .. } => InputError::new("hyperparameters.owner_uid", invalid.to_string()),
        InvalidCall::Row { table, uid, error } => input::row_error(&format!("neurons[{uid}].{table}"), error),
        _ => InputError::new("neurons", invalid.to_string()),
    }
}

#[cfg(test)]
mod tests;
