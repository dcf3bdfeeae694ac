//! `tensorsim replay`: a scripted case, or a metagraph snapshot, through the chain model.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use tensorsim::atomic_write::write_atomically;
use tensorsim::replay::{self, ReplayError};

use crate::exit::{EXIT_BAD_INPUT, EXIT_FAILURE, fail};
use crate::input::read_case;

#[derive(Args)]
pub(crate) struct ReplayArgs {
    /// The case file (JSON), or `-` for standard input
    #[arg(required_unless_present = "metagraph", conflicts_with = "metagraph")]
    case: Option<PathBuf>,
    /// Write the output to FILE (whole or not at all) instead of standard output
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Also check the output against the case's `expected` entries (conformance files carry them);
    /// exit 1 if any fails. Epoch cases only
    #[arg(long, conflicts_with = "metagraph")]
    check: bool,
    /// Run under this protocol profile instead of the case's (`tensorsim profiles` lists them)
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Start from a metagraph snapshot (JSON, or `-`) instead of a case: a live subnet's state,
    /// replayed for --epochs epochs with its weights held fixed
    #[arg(long, value_name = "SNAPSHOT", requires = "epochs")]
    metagraph: Option<PathBuf>,
    /// How many epochs to replay from the snapshot
    #[arg(long, value_name = "N")]
    epochs: Option<u64>,
    /// A hyperparameter over the snapshot's (`kappa=40000`; the value is read as JSON, else as a
    /// string); repeatable
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// RAO each epoch distributes (default: the snapshot's tempo × 10^9, one alpha per block)
    #[arg(long, value_name = "RAO")]
    emission_rao: Option<u64>,
}

pub(crate) fn replay_command(args: &ReplayArgs) -> ExitCode {
    // clap's `requires` does not hold these to --metagraph beside a case (which conflicts with it).
    if args.metagraph.is_none() && (args.epochs.is_some() || !args.set.is_empty() || args.emission_rao.is_some()) {
        return fail(EXIT_BAD_INPUT, "--epochs, --set and --emission-rao replay a snapshot: they need --metagraph");
    }
    let Some(path) = args.metagraph.as_ref().or(args.case.as_ref()) else {
        // clap requires one of the two.
        return fail(EXIT_BAD_INPUT, "replay needs a case file or --metagraph SNAPSHOT");
    };
    let name = path.display().to_string();
    let text = match read_case(path) {
        Ok(text) => text,
        Err(message) => return fail(EXIT_BAD_INPUT, &format!("{name}: {message}")),
    };
    let profile = match args.profile.as_deref().map(|p| replay::profile_named(p, "--profile")).transpose() {
        Ok(profile) => profile,
        Err(error) => return fail(EXIT_BAD_INPUT, &error.to_string()),
    };
    let outcome = match args.metagraph {
        Some(_) => snapshot_settings(args, profile).and_then(|settings| replay::run_snapshot(&text, &settings)),
        None => replay::run_file(&text, profile, args.check),
    };
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(error) => return replay_failed(&name, &error),
    };
    for warning in &outcome.warnings {
        eprintln!("warning: {name}: {warning}");
    }
    if let Err(message) = emit(args, &outcome.json) {
        return fail(EXIT_FAILURE, &message);
    }
    let replay::StepsRefused { refused, steps } = outcome.refused;
    if refused > 0 {
        eprintln!("{name}: the chain refused {refused} of {steps} steps (listed under `rejected`, with the reason)");
    }
    match outcome.check {
        None => ExitCode::SUCCESS,
        Some(Ok(checked)) => {
            eprintln!("{name}: all {checked} expectations hold");
            ExitCode::SUCCESS
        }
        Some(Err(error)) => replay_failed(&name, &error),
    }
}

/// What `--epochs`, `--set` and `--emission-rao` ask of a snapshot replay.
fn snapshot_settings(
    args: &ReplayArgs,
    profile: Option<&'static tensorsim_chain::profile::Profile>,
) -> Result<replay::SnapshotSettings, ReplayError> {
    let mut overrides = serde_json::Map::new();
    for set in &args.set {
        let (key, value) = tensorsim::hyperparameter_overrides::parse_assignment(set)
            .map_err(|message| ReplayError::Input(replay::InputError::new("", message)))?;
        overrides.insert(key, value);
    }
    // clap requires --epochs with --metagraph.
    let epochs = args.epochs.unwrap_or(0);
    Ok(replay::SnapshotSettings { profile, epochs, overrides, emission_rao: args.emission_rao })
}

/// Reports a failed replay of the case `name`: bad input exits 2, a failed check or a simulator
/// bug 1.
fn replay_failed(name: &str, error: &ReplayError) -> ExitCode {
    let code = match error {
        ReplayError::Input(_) | ReplayError::CheckOfChainCase | ReplayError::NoExpectations => EXIT_BAD_INPUT,
        ReplayError::ExpectationsFailed { failures, .. } => {
            for failure in failures {
                eprintln!("{name}: {failure}");
            }
            EXIT_FAILURE
        }
        ReplayError::Conservation(_) => EXIT_FAILURE,
    };
    fail(code, &format!("{name}: {error}"))
}

/// Writes the output where the arguments say: a file atomically, or standard output.
fn emit(args: &ReplayArgs, json: &str) -> Result<(), String> {
    match &args.out {
        Some(path) => write_atomically(path, json.as_bytes()).map_err(|e| format!("{}: {e}", path.display())),
        None => io::stdout().lock().write_all(json.as_bytes()).map_err(|e| format!("standard output: {e}")),
    }
}
