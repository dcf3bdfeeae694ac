//! `tensorsim sweep`: a base scenario over a grid × seeds, in worker processes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::exit::{EXIT_BAD_INPUT, EXIT_FAILURE, fail};

#[derive(Args)]
pub(crate) struct SweepArgs {
    /// The sweep file (YAML)
    sweep: PathBuf,
    /// How many points run at once (default: the machine's cores)
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Run only the I-th of N disjoint slices of the points (0-based), for a batch engine's array job
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// Write the points and the merged table into DIR (default: reports/out/sweep-<name>)
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// No progress on standard error
    #[arg(long)]
    quiet: bool,
}

pub(crate) fn sweep_command(args: &SweepArgs) -> ExitCode {
    use tensorsim::sweep::{self, Shard};
    let read = args
        .shard
        .as_deref()
        .map_or(Ok(Shard::WHOLE), Shard::parse)
        .and_then(|shard| Ok((shard, sweep::read(&args.sweep)?)));
    let (shard, plan) = match read {
        Ok(read) => read,
        Err(message) => return fail(EXIT_BAD_INPUT, &message),
    };
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => return fail(EXIT_FAILURE, &format!("cannot find this program's file to run the points: {e}")),
    };
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("reports/out").join(format!("sweep-{}", plan.name)));
    let jobs = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let mut bars = tensorsim::progress::Progress::new(args.quiet);
    let outcome =
        sweep::run(&plan, shard, &exe, &out, jobs, &mut |done, total| bars.update("points", done as u64, total as u64));
    bars.finish();
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(message) => return fail(EXIT_FAILURE, &message),
    };
    for failure in &outcome.failures {
        eprintln!("point {}: {}", failure.index, failure.message);
    }
    eprintln!("{} points ran, {} already done, {} failed", outcome.ran, outcome.skipped, outcome.failures.len());
    if !outcome.failures.is_empty() {
        return fail(
            EXIT_FAILURE,
            &format!("{} points failed; run the sweep again to retry them", outcome.failures.len()),
        );
    }
    if shard != Shard::WHOLE {
        println!("{}", out.display());
        return ExitCode::SUCCESS;
    }
    match sweep::merge(std::slice::from_ref(&out), &out) {
        Ok(written) => {
            written.iter().for_each(|path| println!("{}", path.display()));
            ExitCode::SUCCESS
        }
        Err(message) => fail(EXIT_FAILURE, &message),
    }
}
