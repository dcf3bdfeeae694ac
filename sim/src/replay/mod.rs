//! `tensorsim replay`: a scripted case, run deterministically, its output written in the format
//! of `shared/spec/replay-format.md`. An epoch case drives one subnet epoch by epoch; a chain case
//! (one with a top-level `chain` object) drives the living chain block by block.
//!
//! A metagraph snapshot (`--metagraph`) is a third start: a live subnet's state, replayed epoch by
//! epoch into an epoch case's output.
//!
//! The modules depend one way: `case` (shared input) and `output` (the writer) use no other;
//! `epoch` and `chain` use those two; `check` and `snapshot` use `epoch`; this file uses them all.

mod case;
pub mod chain;
pub mod check;
mod epoch;
mod output;
pub mod snapshot;

use std::fmt;

use tensorsim_chain::profile::Profile;

pub use case::{CASE_BYTES_MAX, InputError, OUTPUT_VALUES_MAX, STEPS_MAX, profile_named};
use chain::{ChainCase, ChainReplayError};
pub use epoch::{Action, EpochRecord, ReplayCase, ReplayOutput, Step, run};
pub use output::{Rejected, to_json};

/// A replay that ran: its output, and what the command says about it on standard error.
#[derive(Debug)]
pub struct ReplayOutcome {
    /// The output document (the contract's bytes).
    pub json: String,
    /// Settings of the case its profile ignores, one line each.
    pub warnings: Vec<String>,
    /// How many of the case's steps the chain refused, of how many: a case whose every call was
    /// refused (weights before the first epoch, which gives the permits) should not pass quietly.
    pub refused: StepsRefused,
    /// Under `--check`: how many expectations hold, or why the check failed. The command reports
    /// it after writing the output, which stands either way.
    pub check: Option<Result<usize, ReplayError>>,
}

/// Steps the chain refused (`rejected` in the output), of all the case's steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepsRefused {
    pub refused: usize,
    pub steps: usize,
}

/// Why a replay fails. `Display` gives the message after the case's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplayError {
    /// The case is bad input.
    Input(InputError),
    /// `--check` of a chain case: only epoch cases carry expectations.
    CheckOfChainCase,
    /// `--check` of a case without an `expected` list.
    NoExpectations,
    /// Expectations of the case do not hold: one line each.
    ExpectationsFailed { checked: usize, failures: Vec<String> },
    /// A token invariant broke (the chain replay's `Conservation`): a bug of the simulator, not of
    /// the case.
    Conservation(ChainReplayError),
}

impl From<InputError> for ReplayError {
    fn from(error: InputError) -> Self {
        Self::Input(error)
    }
}

impl From<ChainReplayError> for ReplayError {
    fn from(error: ChainReplayError) -> Self {
        match error {
            ChainReplayError::Input(error) => Self::Input(error),
            conservation @ ChainReplayError::Conservation { .. } => Self::Conservation(conservation),
        }
    }
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::Input(error) => write!(f, "{error}"),
            Self::CheckOfChainCase => f.write_str("--check applies to epoch cases; this is a chain case"),
            Self::NoExpectations => f.write_str("--check needs an `expected` list in the case"),
            Self::ExpectationsFailed { checked, failures } => {
                write!(f, "{} of {checked} expectations failed", failures.len())
            }
            Self::Conservation(broken) => write!(f, "{broken} (a simulator bug: please report it)"),
        }
    }
}

/// Runs the case in `text` under `profile` (the command line's, over the case's own) and writes
/// its output; with `check`, checks the output against the case's expectations.
pub fn run_file(text: &str, profile: Option<&'static Profile>, check: bool) -> Result<ReplayOutcome, ReplayError> {
    if is_chain_case(text) {
        if check {
            return Err(ReplayError::CheckOfChainCase);
        }
        let case = ChainCase::parse(text, profile)?;
        let output = chain::run(&case)?;
        let refused = StepsRefused { refused: output.rejected.len(), steps: case.steps.len() };
        return Ok(ReplayOutcome { json: to_json(&output), warnings: Vec::new(), refused, check: None });
    }
    let case = ReplayCase::parse(text, profile)?;
    let output = epoch::run(&case)?;
    let warnings = ignored_settings(case.profile, &case.hyperparameters);
    let check = check.then(|| check_expectations(&case, &output));
    let refused = StepsRefused { refused: output.rejected.len(), steps: case.steps.len() };
    Ok(ReplayOutcome { json: to_json(&output), warnings, refused, check })
}

/// What `--metagraph SNAPSHOT --epochs N` asks besides the snapshot's text.
#[derive(Clone, Debug, Default)]
pub struct SnapshotSettings {
    /// `--profile`; HEAD when absent.
    pub profile: Option<&'static Profile>,
    pub epochs: u64,
    /// `--set key=value`, in order (a key set twice takes its last value).
    pub overrides: serde_json::Map<String, serde_json::Value>,
    pub emission_rao: Option<u64>,
}

/// Replays the snapshot in `text` for `settings.epochs` epochs and writes the output in the epoch
/// case format.
pub fn run_snapshot(text: &str, settings: &SnapshotSettings) -> Result<ReplayOutcome, ReplayError> {
    let snapshot = snapshot::Snapshot::parse(text)?;
    let profile = settings.profile.unwrap_or(tensorsim_chain::profile::HEAD);
    let hyperparameters = snapshot::hyperparameters_in_force(&snapshot, &settings.overrides)?;
    let warnings = ignored_settings(profile, &hyperparameters);
    let run = snapshot::SnapshotRun {
        profile,
        epochs: settings.epochs,
        hyperparameters,
        emission_rao: settings.emission_rao,
    };
    let output = snapshot::run(&snapshot, &run)?;
    let refused = StepsRefused { refused: 0, steps: output.epochs.len() };
    Ok(ReplayOutcome { json: to_json(&output), warnings, refused, check: None })
}

/// The settings `profile` ignores, one warning line each.
fn ignored_settings(
    profile: &Profile,
    hyperparameters: &tensorsim_chain::hyperparameters::Hyperparameters,
) -> Vec<String> {
    profile
        .ignored(hyperparameters)
        .into_iter()
        .map(|field| format!("hyperparameters.{field} has no effect under profile {}", profile.name))
        .collect()
}

/// Which kind a case file is: a chain case has a top-level `chain` object.
fn is_chain_case(text: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Probe {
        chain: Option<serde::de::IgnoredAny>,
    }
    serde_json::from_str::<Probe>(text).is_ok_and(|probe| probe.chain.is_some())
}

fn check_expectations(case: &ReplayCase, output: &ReplayOutput) -> Result<usize, ReplayError> {
    let expected = case.expected.as_ref().ok_or(ReplayError::NoExpectations)?;
    let (checked, failures) = check::check(expected, output);
    if failures.is_empty() { Ok(checked) } else { Err(ReplayError::ExpectationsFailed { checked, failures }) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEURONS: &str = r#"[{"stake_rao": 10, "registered_at": 0, "last_update": 0}]"#;

    fn epoch_case(extra: &str) -> String {
        format!(
            r#"{{"name": "e", "neurons": {NEURONS}, "steps": [{{"block": 1, "epoch": {{"emission_rao": 5}}}}]{extra}}}"#
        )
    }

    #[test]
    fn the_steps_the_chain_refused_are_counted_of_all_steps() {
        let neurons = r#"[{"stake_rao": 10, "registered_at": 0, "last_update": 0}, {"stake_rao": 0, "registered_at": 0, "last_update": 0}]"#;
        // Weights before the first epoch: no validator permit yet, so the chain refuses them.
        let case = format!(
            r#"{{"name": "e", "neurons": {neurons}, "steps": [{{"block": 1, "set_weights": {{"uid": 0, "dests": [1], "values": [1]}}}}, {{"block": 2, "epoch": {{"emission_rao": 5}}}}]}}"#
        );
        let outcome = run_file(&case, None, false).unwrap();
        assert_eq!(outcome.refused, StepsRefused { refused: 1, steps: 2 }, "{}", outcome.json);
        assert_eq!(run_file(&epoch_case(""), None, false).unwrap().refused, StepsRefused { refused: 0, steps: 1 });
    }

    #[test]
    fn a_failed_check_comes_after_the_output_which_stands() {
        let case = epoch_case(r#", "expected": [{"epoch_index": 0, "block": 2}]"#);
        let outcome = run_file(&case, None, true).unwrap();
        assert!(outcome.json.contains("\"block\": 1,"), "{}", outcome.json);
        let Some(Err(ReplayError::ExpectationsFailed { checked: 1, failures })) = outcome.check else {
            panic!("{:?}", outcome.check);
        };
        assert_eq!(failures, vec!["expected[0]: epoch 0: block 1, expected 2"]);
        let holding = epoch_case(r#", "expected": [{"epoch_index": 0, "block": 1}]"#);
        assert_eq!(run_file(&holding, None, true).unwrap().check, Some(Ok(1)));
        assert_eq!(run_file(&holding, None, false).unwrap().check, None);
        assert_eq!(run_file(&epoch_case(""), None, true).unwrap().check, Some(Err(ReplayError::NoExpectations)));
    }

    #[test]
    fn a_chain_case_is_told_by_its_chain_object_and_has_no_check() {
        let case =
            r#"{"name": "c", "chain": {"coldkeys": [], "hotkeys": []}, "steps": [{"run_blocks": {"blocks": 2}}]}"#;
        let outcome = run_file(case, None, false).unwrap();
        assert!(outcome.json.contains("\"blocks\": [\n    {\"block\": 2, "), "{}", outcome.json);
        assert_eq!(run_file(case, None, true).unwrap_err(), ReplayError::CheckOfChainCase);
        let bad = case.replace("\"coldkeys\": []", "\"coldkeys\": 1");
        assert!(matches!(run_file(&bad, None, false), Err(ReplayError::Input(e)) if e.path == "chain.coldkeys"));
    }

    #[test]
    fn settings_a_profile_ignores_are_warned_about() {
        let case = epoch_case(r#", "hyperparameters": {"yuma3": true}"#);
        let dtao = profile_named("dtao-2025", "--profile").unwrap();
        let warnings = run_file(&case, Some(dtao), false).unwrap().warnings;
        assert_eq!(warnings, vec!["hyperparameters.yuma3 has no effect under profile dtao-2025"]);
        assert!(run_file(&case, None, false).unwrap().warnings.is_empty());
    }
}
