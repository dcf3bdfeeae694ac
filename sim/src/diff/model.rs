//! diff.json as types. Fields are declared in alphabetical order, as in the report: serde writes
//! them in declaration order, so diff.json's keys are sorted too.

use std::collections::BTreeMap;

use serde::Serialize;

/// The diff format's version (its keys and their meaning).
pub const DIFF_VERSION: u64 = 1;

#[derive(Debug, Serialize)]
pub struct Diff {
    pub a: RunRef,
    pub b: RunRef,
    pub diff_version: u64,
    /// Per subnet and epoch (matched by position), the largest changes by UID.
    pub epochs: Vec<EpochDiff>,
    /// Compared under `--force` although the scenarios differ.
    pub forced: bool,
    /// The genesis hyperparameters that differ (an `ab --set`, or another profile's defaults).
    pub hyperparameters: Vec<HyperparameterDifference>,
    /// Every observable of both reports, the largest relative change first.
    pub observables: Vec<ObservableChange>,
    /// What one report has and the other lacks, left out of the comparison.
    pub unmatched: Vec<String>,
}

/// One hyperparameter of one subnet with another value in each run (`null`: absent in that run).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HyperparameterDifference {
    pub a: Option<serde_json::Value>,
    pub b: Option<serde_json::Value>,
    pub name: String,
    pub subnet: String,
}

/// Which run a side is.
#[derive(Debug, Serialize)]
pub struct RunRef {
    pub path: String,
    pub profile: String,
    pub scenario: String,
    pub scenario_sha256: String,
    pub seed: u64,
}

/// One observable of one subnet (and group) in both runs. Values are as the reports print them;
/// `null` is undefined (G near a zero reference) or absent from that run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ObservableChange {
    pub a: Option<f64>,
    /// b − a; `null` when either side is.
    pub absolute_change: Option<f64>,
    pub b: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub observable: &'static str,
    /// (b − a) / |a|; `null` when a is 0 (and b is not) or either side is `null`, which rank
    /// above every finite change.
    pub relative_change: Option<f64>,
    pub subnet: String,
}

impl ObservableChange {
    /// How large the change is, for ordering: |relative|, infinite when a value appeared from
    /// zero or from undefined (those are the changes a reader must see first).
    pub fn magnitude(&self) -> f64 {
        match (self.a, self.b) {
            (None, None) => 0.0,
            (Some(a), Some(b)) if a == b => 0.0,
            (Some(_), Some(_)) => self.relative_change.map_or(f64::INFINITY, f64::abs),
            _ => f64::INFINITY,
        }
    }

    /// The observable as the report's expectations name it: `incentive_share[miners]`.
    pub fn label(&self) -> String {
        match &self.group {
            Some(group) => format!("{}[{group}]", self.observable),
            None => self.observable.to_string(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct EpochDiff {
    pub block_a: u64,
    pub block_b: u64,
    /// The largest |change| of any UID's consensus (u16), listed in `largest` or not.
    pub consensus_max_change: u32,
    pub dividends_max_change: u32,
    /// The epoch's position in the run (0 is the first).
    pub epoch: usize,
    pub incentive_max_change: u32,
    /// The largest changes by UID over consensus, incentive and dividends, largest first.
    pub largest: Vec<UidChange>,
    pub subnet: String,
}

impl EpochDiff {
    /// The largest |change| of `field` (consensus, incentive or dividends).
    pub fn max_change(&self, field: &str) -> Option<u32> {
        match field {
            "consensus" => Some(self.consensus_max_change),
            "incentive" => Some(self.incentive_max_change),
            "dividends" => Some(self.dividends_max_change),
            _ => None,
        }
    }
}

/// One UID's change in one per-epoch output (u16).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UidChange {
    /// `null` when the UID did not exist in that run's epoch.
    pub a: Option<u16>,
    /// The actor holding the UID in run A's epoch, when it is one of the scenario's.
    pub actor_a: Option<String>,
    pub actor_b: Option<String>,
    pub b: Option<u16>,
    /// b − a, an absent UID counted as 0.
    pub change: i32,
    pub field: &'static str,
    pub uid: u16,
}

impl UidChange {
    /// The actor's name as a table shows it: one name, or "a → b" when the UID changed hands.
    pub fn actor(&self) -> String {
        match (&self.actor_a, &self.actor_b) {
            (Some(a), Some(b)) if a == b => a.clone(),
            (None, None) => "-".to_string(),
            (a, b) => format!("{} → {}", a.as_deref().unwrap_or("-"), b.as_deref().unwrap_or("-")),
        }
    }
}

/// What a diff compared: two run reports, or two replay outputs.
#[derive(Debug)]
pub enum Compared {
    Reports(Diff),
    Replays(ReplayDiff),
}

impl Compared {
    pub fn forced(&self) -> bool {
        match self {
            Self::Reports(diff) => diff.forced,
            Self::Replays(diff) => diff.forced,
        }
    }
}

/// diff.json of two replay outputs: epoch by epoch (per subnet of a chain case), UID by UID.
#[derive(Debug, Serialize)]
pub struct ReplayDiff {
    pub a: ReplayRef,
    pub b: ReplayRef,
    pub diff_version: u64,
    /// Per subnet and epoch (matched by position), the largest changes by UID.
    pub epochs: Vec<ReplayEpochDiff>,
    /// Each field's largest change over all epochs (`largest` is `null` when it never changed).
    pub fields: Vec<FieldLargest>,
    /// Compared under `--force` although the cases differ.
    pub forced: bool,
    /// The snapshot whose hotkeys name the UIDs (`--metagraph`), when one was given.
    pub hotkeys_from: Option<String>,
    /// `replay`: a diff of replay outputs (a diff of run reports has no `kind`).
    pub kind: &'static str,
    /// What one output has and the other lacks, left out of the comparison.
    pub unmatched: Vec<String>,
}

/// Which replay output a side is.
#[derive(Debug, Serialize)]
pub struct ReplayRef {
    pub name: String,
    pub path: String,
}

#[derive(Debug, Serialize)]
pub struct ReplayEpochDiff {
    pub block_a: u64,
    pub block_b: u64,
    /// The epoch's position in its subnet's records (0 is the first).
    pub epoch: usize,
    /// The largest changes by UID over the five fields, the largest share first.
    pub largest: Vec<ReplayUidChange>,
    /// Each changed field's largest change (listed in `largest` or not), by field.
    pub max_change: BTreeMap<&'static str, ReplayUidChange>,
    /// A chain case's subnet; absent for an epoch case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub netuid: Option<u16>,
}

/// One UID's change in one per-epoch output: u16, or RAO for `emission_rao`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReplayUidChange {
    /// `null` when the UID did not exist in that output's epoch.
    pub a: Option<u64>,
    pub b: Option<u64>,
    /// b − a, an absent UID counted as 0.
    pub change: i128,
    pub field: &'static str,
    /// The UID's hotkey in the snapshot, when one names them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hotkey: Option<String>,
    /// |change| as a share of the whole: of 65535 for a u16 output, of the epoch's emission (the
    /// larger of A's and B's sums) for `emission_rao`. Changes rank by it.
    pub share: f64,
    pub uid: u16,
}

/// A field's largest change over all epochs, and where.
#[derive(Debug, Serialize)]
pub struct FieldLargest {
    pub field: &'static str,
    pub largest: Option<UidChangeAt>,
}

/// A UID change with its epoch.
#[derive(Clone, Debug, Serialize)]
pub struct UidChangeAt {
    pub block_b: u64,
    pub change: ReplayUidChange,
    pub epoch: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub netuid: Option<u16>,
}
