//! The `tensorsim` command line.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use tensorsim::atomic_write::write_atomically;
use tensorsim::replay::{self, CASE_BYTES_MAX, ReplayCase, check};

/// Exit code for bad input: a scenario, a replay case or a flag (clap uses 2 for flags too).
const EXIT_BAD_INPUT: u8 = 2;
/// Exit code for a failed check or an output that could not be written.
const EXIT_FAILURE: u8 = 1;

#[derive(Parser)]
#[command(
    name = "tensorsim",
    version,
    about = "A deterministic simulator and testbed of the Bittensor protocol",
    long_about = "A deterministic simulator and testbed of the Bittensor protocol.\n\n\
        Exit codes: 0 success; 1 a check failed or an output could not be written; \
        2 bad input (a case file, a scenario or a flag), with a one-line error naming the field."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Replay a scripted case on one subnet and print the chain's stored outputs after every epoch
    #[command(
        long_about = "Replay a scripted case on one subnet and print the chain's stored outputs after every epoch.\n\n\
        The case (JSON) gives `name`, `hyperparameters` (snake_case names of the spec; an absent key takes the \
        value of a subnet created at HEAD), `neurons` (UID i = neurons[i]: stake_rao, registered_at, last_update) \
        and `steps`, each {\"block\": b, <kind>: {...}} with blocks never decreasing and one kind of:\n  \
        epoch {emission_rao}                 run the Yuma epoch now and record its outputs\n  \
        set_weights {uid, dests, values}     the extrinsic, with every check of the chain\n  \
        set_stake {uid, stake_rao}           replace a stake weight\n  \
        register {uid, stake_rao}            a new neuron takes slot uid (uid = n appends)\n  \
        reset_bonds {uid}                    the miner's bond reset\n\n\
        The output (JSON, same bytes for the same case) has one record per epoch: block, active, \
        validator_permit, stake_weight, consensus, incentive, dividends, validator_trust (u16), emission_rao, \
        server_emission_rao, validator_emission_rao (RAO), bonds (rows of [uid, u16]); and `rejected`: the steps \
        the chain refused, with its reason. Examples: scenarios/conformance/."
    )]
    Replay(ReplayArgs),
}

#[derive(Args)]
struct ReplayArgs {
    /// The case file (JSON), or `-` for standard input
    case: PathBuf,
    /// Write the output to FILE (whole or not at all) instead of standard output
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Also check the output against the case's `expected` entries (conformance files carry them);
    /// exit 1 if any fails
    #[arg(long)]
    check: bool,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Replay(args) => replay_command(&args),
    }
}

fn replay_command(args: &ReplayArgs) -> ExitCode {
    let name = args.case.display();
    let text = match read_case(&args.case) {
        Ok(text) => text,
        Err(message) => return fail(EXIT_BAD_INPUT, &format!("{name}: {message}")),
    };
    let result = ReplayCase::parse(&text).and_then(|case| replay::run(&case).map(|output| (case, output)));
    let (case, output) = match result {
        Ok(done) => done,
        Err(error) => return fail(EXIT_BAD_INPUT, &format!("{name}: {error}")),
    };
    let json = replay::to_json(&output);
    let written = match &args.out {
        Some(path) => write_atomically(path, json.as_bytes()).map_err(|e| format!("{}: {e}", path.display())),
        None => io::stdout().lock().write_all(json.as_bytes()).map_err(|e| format!("standard output: {e}")),
    };
    if let Err(message) = written {
        return fail(EXIT_FAILURE, &message);
    }
    if args.check {
        let Some(expected) = &case.expected else {
            return fail(EXIT_BAD_INPUT, &format!("{name}: --check needs an `expected` list in the case"));
        };
        let (checked, failures) = check::check(expected, &output);
        for failure in &failures {
            eprintln!("{name}: {failure}");
        }
        if !failures.is_empty() {
            return fail(EXIT_FAILURE, &format!("{name}: {} of {checked} expectations failed", failures.len()));
        }
        eprintln!("{name}: all {checked} expectations hold");
    }
    ExitCode::SUCCESS
}

/// Reads a case, refusing anything larger than a case can sensibly be.
fn read_case(path: &Path) -> Result<String, String> {
    let mut bytes = Vec::new();
    let limit = CASE_BYTES_MAX + 1;
    let read = if path.as_os_str() == "-" {
        io::stdin().lock().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|file| file.take(limit).read_to_end(&mut bytes))
    };
    read.map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > CASE_BYTES_MAX {
        return Err(format!("larger than {} MiB, the limit for a replay case", CASE_BYTES_MAX >> 20));
    }
    String::from_utf8(bytes).map_err(|e| format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
}

fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}
