//! `tensorsim run`: one scenario through the network, its report written.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use tensorsim::atomic_write::write_atomically;
use tensorsim::scenario::Plan;

use crate::exit::{EXIT_BAD_INPUT, EXIT_FAILURE, fail};
use crate::input::read_scenario_seeded;

#[derive(Args)]
pub(crate) struct RunArgs {
    /// The scenario (YAML)
    scenario: PathBuf,
    /// Seed every random draw with N instead of the scenario's `seed`
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Write report.json, report.md, report.html and the CSV tables into DIR (default: reports/out/<scenario name>, and
    /// reports/out/<scenario name>-seed-<N> under --seed N, so that seeds do not overwrite each other)
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// No progress on standard error
    #[arg(long)]
    quiet: bool,
    /// Print {sha256, report, failures} as one JSON object on standard output instead of the hash line
    #[arg(long)]
    json: bool,
}

#[cfg(not(madsim))]
pub(crate) fn run_command(_args: &RunArgs) -> ExitCode {
    fail(
        EXIT_FAILURE,
        "this tensorsim was built without `--cfg madsim` (.cargo/config.toml sets it; an exported RUSTFLAGS overrides it): it cannot run a network",
    )
}

#[cfg(madsim)]
pub(crate) fn run_command(args: &RunArgs) -> ExitCode {
    let (text, plan) = match read_scenario_seeded(&args.scenario, args.seed) {
        Ok(read) => read,
        Err(message) => return fail(EXIT_BAD_INPUT, &message),
    };
    let default_dir = match args.seed {
        None => plan.scenario.name.clone(),
        Some(seed) => format!("{}-seed-{seed}", plan.scenario.name),
    };
    let out_dir = args.out.clone().unwrap_or_else(|| PathBuf::from("reports/out").join(default_dir));
    let report = match run_and_write(&args.scenario, &text, &plan, &out_dir, args.quiet) {
        Ok(report) => report,
        Err(code) => return code,
    };
    if !args.quiet {
        // Standard error, like the progress: standard output stays the one hash line scripts cut.
        eprint!("{}", report.summary);
        eprintln!(
            "report: {} (report.md, report.html, epochs.csv, actors.csv and actor_series.csv beside it)",
            out_dir.join("report.json").display()
        );
    }
    let report_path = out_dir.join("report.json");
    if args.json {
        let line = RunLine { sha256: &report.sha256, report: &report_path, failures: &report.failures };
        println!("{}", serde_json::to_string(&line).expect("a run line serialises"));
    } else {
        println!("{}  {}", report.sha256, report_path.display());
    }
    for failure in &report.failures {
        eprintln!("{failure}");
    }
    if report.failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(EXIT_FAILURE) }
}

/// What `run --json` prints: the report's hash and path, and the expectations that failed.
#[derive(serde::Serialize)]
struct RunLine<'a> {
    sha256: &'a str,
    report: &'a Path,
    failures: &'a [String],
}

/// Runs `plan` (read from `scenario` as `text`) and writes report.json, report.md, report.html and
/// the CSV tables into `out_dir`: the one run path of `run` and `ab`. `Err` is the exit code, its error line printed.
#[cfg(madsim)]
pub(crate) fn run_and_write(
    scenario: &Path,
    text: &str,
    plan: &Plan,
    out_dir: &Path,
    quiet: bool,
) -> Result<tensorsim::report::Report, ExitCode> {
    let record = match tensorsim::progress::observed(quiet, |progress| tensorsim::network::run(plan, progress)) {
        Ok(record) => record,
        Err(tensorsim::network::RunError::Genesis(message)) => {
            return Err(fail(EXIT_BAD_INPUT, &format!("{}: genesis: {message}", scenario.display())));
        }
        Err(tensorsim::network::RunError::Bug(message)) => {
            return Err(fail(EXIT_FAILURE, &format!("{}: {message} (please report it)", scenario.display())));
        }
    };
    let report = tensorsim::report::build(plan, text, &record);
    std::fs::create_dir_all(out_dir).map_err(|e| fail(EXIT_FAILURE, &format!("{}: {e}", out_dir.display())))?;
    for (file, bytes) in report.files() {
        let path = out_dir.join(file);
        write_atomically(&path, bytes).map_err(|e| fail(EXIT_FAILURE, &format!("{}: {e}", path.display())))?;
    }
    if !quiet {
        let (wall, delivered) = (record.wall, record.messages.delivered);
        let rate = delivered as f64 / wall.network.max(1e-9);
        eprintln!(
            "wall time: training {:.2} s, network {:.2} s ({delivered} messages delivered, {rate:.0} per second)",
            wall.training, wall.network
        );
    }
    if let Some(broken) = &record.conservation_error {
        // The hash line first, as before: the report was written and names where it broke.
        println!("{}  {}", report.sha256, out_dir.join("report.json").display());
        return Err(fail(
            EXIT_FAILURE,
            &format!(
                "conservation broken after block {}: {} (a simulator bug: please report it)",
                broken.block, broken.error
            ),
        ));
    }
    Ok(report)
}
