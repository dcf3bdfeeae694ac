//! The metagraph snapshot (README: "Starting from a real subnet"): one subnet's stored state at a
//! block, as the Bittensor SDK's metagraph holds it, parsed strictly; every error names its field.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::IgnoredAny;
use sha2::{Digest, Sha256};
use tensorsim_chain::hyperparameters::{Hyperparameters, UIDS_MAX};
use tensorsim_chain::metagraph::{NeuronInit, NeuronState, RowError, STAKE_TOTAL_MAX_RAO, check_row};

use crate::replay::case::{InputError, parse_json};

/// The snapshot format's version (its keys and their meaning).
pub const SNAPSHOT_VERSION: u64 = 1;
/// A hotkey is an ss58 address (48 characters), kept as an opaque string; the bound keeps a wrong
/// field (a whole key file) out.
const HOTKEY_BYTES_MAX: usize = 128;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSnapshot {
    snapshot_version: u64,
    netuid: u16,
    block: u64,
    hyperparameters: Hyperparameters,
    neurons: Vec<RawNeuron>,
    /// Where the snapshot came from (the script writes the network and the SDK's version): not
    /// replay input.
    #[serde(default)]
    #[allow(dead_code)]
    source: Option<IgnoredAny>,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<IgnoredAny>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNeuron {
    uid: u16,
    hotkey: String,
    stake_rao: u64,
    validator_permit: bool,
    last_update: u64,
    registered_at: u64,
    weights: Vec<(u16, u16)>,
    bonds: Vec<(u16, u16)>,
}

/// A parsed snapshot: UID i is `neurons[i]`, held by `hotkeys[i]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub netuid: u16,
    pub block: u64,
    pub hyperparameters: Hyperparameters,
    pub hotkeys: Vec<String>,
    pub neurons: Vec<NeuronState>,
    /// SHA-256 of the file's bytes (hex): tells two snapshots of one netuid and block apart.
    pub sha256: String,
}

impl Snapshot {
    /// Parses and checks a snapshot; the error names the field (`neurons[3].weights[2]`).
    pub fn parse(text: &str) -> Result<Self, InputError> {
        let raw: RawSnapshot = parse_json(text)?;
        if raw.snapshot_version != SNAPSHOT_VERSION {
            return Err(InputError::new(
                "snapshot_version",
                format!("{} is not a version this tensorsim reads ({SNAPSHOT_VERSION})", raw.snapshot_version),
            ));
        }
        let h = &raw.hyperparameters;
        h.validate()
            .map_err(|invalid| InputError::new(format!("hyperparameters.{}", invalid.field), invalid.message))?;
        check_size(raw.neurons.len(), h.max_allowed_uids)?;
        check_neurons(&raw)?;
        if let Some(owner) = h.owner_uid.filter(|&owner| usize::from(owner) >= raw.neurons.len()) {
            return Err(InputError::new(
                "hyperparameters.owner_uid",
                format!("uid {owner} is not registered (n = {})", raw.neurons.len()),
            ));
        }
        let sha256: String = Sha256::digest(text.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect();
        let hotkeys = raw.neurons.iter().map(|neuron| neuron.hotkey.clone()).collect();
        let neurons = raw.neurons.into_iter().map(RawNeuron::into_state).collect();
        Ok(Self {
            netuid: raw.netuid,
            block: raw.block,
            hyperparameters: raw.hyperparameters,
            hotkeys,
            neurons,
            sha256,
        })
    }

    /// The name of a replay from this snapshot (the output's `name`): the same for every profile
    /// and `--set`, so that `diff` pairs their outputs, and another for another snapshot.
    pub fn case_name(&self) -> String {
        format!("snapshot of netuid {} at block {} (sha256 {})", self.netuid, self.block, &self.sha256[..8])
    }
}

impl RawNeuron {
    fn into_state(self) -> NeuronState {
        let init =
            NeuronInit { stake_rao: self.stake_rao, registered_at: self.registered_at, last_update: self.last_update };
        NeuronState { init, validator_permit: self.validator_permit, weights: self.weights, bonds: self.bonds }
    }
}

fn check_size(n: usize, max_allowed_uids: u16) -> Result<(), InputError> {
    let refuse = |message: String| Err(InputError::new("neurons", message));
    if n == 0 {
        return refuse("a snapshot holds at least one neuron".to_string());
    }
    if n > usize::from(UIDS_MAX) {
        return refuse(format!("{n} neurons exceed the limit of {UIDS_MAX} UIDs"));
    }
    if n > usize::from(max_allowed_uids) {
        return refuse(format!("{n} neurons exceed hyperparameters.max_allowed_uids {max_allowed_uids}"));
    }
    Ok(())
}

/// Every neuron's own rules in file order, so the first error is the earliest field.
fn check_neurons(raw: &RawSnapshot) -> Result<(), InputError> {
    let n = raw.neurons.len();
    let mut holders: BTreeMap<&str, usize> = BTreeMap::new();
    let mut stake_total_rao: u128 = 0;
    for (k, neuron) in raw.neurons.iter().enumerate() {
        let at = |field: &str| format!("neurons[{k}].{field}");
        if usize::from(neuron.uid) != k {
            return Err(InputError::new(
                at("uid"),
                format!("{} where {k} belongs (neurons are listed by UID, 0 to n − 1, each once)", neuron.uid),
            ));
        }
        check_hotkey(&neuron.hotkey).map_err(|message| InputError::new(at("hotkey"), message))?;
        if let Some(holder) = holders.insert(&neuron.hotkey, k) {
            return Err(InputError::new(at("hotkey"), format!("{:?} is also neurons[{holder}]'s", neuron.hotkey)));
        }
        stake_total_rao += u128::from(neuron.stake_rao);
        if stake_total_rao > u128::from(STAKE_TOTAL_MAX_RAO) {
            return Err(InputError::new(
                at("stake_rao"),
                format!("the total stake passes {STAKE_TOTAL_MAX_RAO} RAO, the I64F64 range the chain sums stake in"),
            ));
        }
        for (field, value) in [("last_update", neuron.last_update), ("registered_at", neuron.registered_at)] {
            if value > raw.block {
                return Err(InputError::new(
                    at(field),
                    format!("block {value} is after the snapshot's block {}", raw.block),
                ));
            }
        }
        for (field, row) in [("weights", &neuron.weights), ("bonds", &neuron.bonds)] {
            check_row(row, n).map_err(|error| row_error(&at(field), error))?;
        }
    }
    Ok(())
}

fn check_hotkey(hotkey: &str) -> Result<(), String> {
    if hotkey.is_empty() {
        return Err("an empty hotkey".to_string());
    }
    if hotkey.len() > HOTKEY_BYTES_MAX || hotkey.chars().any(char::is_control) {
        return Err(format!(
            "not a hotkey: an ss58 address has no control characters and at most {HOTKEY_BYTES_MAX} bytes"
        ));
    }
    Ok(())
}

/// A row's error at its entry (`neurons[3].weights[2]`), or at the row when it is too long.
pub(super) fn row_error(row_path: &str, error: RowError) -> InputError {
    match error.position() {
        Some(position) => InputError::new(format!("{row_path}[{position}]"), error.to_string()),
        None => InputError::new(row_path, error.to_string()),
    }
}
