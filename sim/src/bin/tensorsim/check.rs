//! `tensorsim check`: shipped scenarios held to their golden reports and expectations.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use tensorsim::atomic_write::write_atomically;

use crate::exit::{EXIT_BAD_INPUT, EXIT_FAILURE, fail};
use crate::input::read_scenario_seeded;

#[derive(Args)]
pub(crate) struct CheckArgs {
    /// The scenarios (YAML) to check
    #[arg(required = true)]
    scenarios: Vec<PathBuf>,
    /// The golden reports' folder
    #[arg(long, value_name = "DIR", default_value = "reports/golden")]
    golden: PathBuf,
    /// Run each scenario twice, in two processes at once, and require the same bytes
    #[arg(long)]
    determinism: bool,
    /// Write the results as JUnit XML to FILE (for GitHub's and GitLab's test views)
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Rewrite the golden files from these runs instead of comparing with them
    #[arg(long)]
    update: bool,
    /// Seed every scenario with N instead of its `seed` (golden files <name>-seed-<N>.json)
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Keep the runs' reports in DIR/<name>/a (and b)
    #[arg(long, value_name = "DIR", default_value = "reports/out/check")]
    out: PathBuf,
    /// Print the results as JSON on standard output instead of a table
    #[arg(long)]
    json: bool,
    /// No progress on standard error
    #[arg(long)]
    quiet: bool,
}

pub(crate) fn check_command(args: &CheckArgs) -> ExitCode {
    use tensorsim::check::{self, junit};
    let cases = match check_cases(args) {
        Ok(cases) => cases,
        Err(message) => return fail(EXIT_BAD_INPUT, &message),
    };
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => return fail(EXIT_FAILURE, &format!("cannot find this program's file to run the scenarios: {e}")),
    };
    let options = check::Options { exe, out: args.out.clone(), determinism: args.determinism, update: args.update };
    let mut bars = tensorsim::progress::Progress::new(args.quiet);
    let mut results = Vec::new();
    for (done, case) in cases.iter().enumerate() {
        bars.update("scenarios", done as u64, cases.len() as u64);
        bars.message(&case.name);
        results.extend(check::check(case, &options));
    }
    bars.update("scenarios", cases.len() as u64, cases.len() as u64);
    bars.finish();
    if let Some(path) = &args.junit
        && let Err(e) = write_atomically(path, junit::render(&results).as_bytes())
    {
        return fail(EXIT_FAILURE, &format!("{}: {e}", path.display()));
    }
    let summary = check::Summary::of(&results);
    let printed = if args.json {
        serde_json::to_string_pretty(&summary).expect("a check summary serialises") + "\n"
    } else {
        check_table(&results, args.update)
    };
    if let Err(e) = io::stdout().lock().write_all(printed.as_bytes()) {
        return fail(EXIT_FAILURE, &format!("standard output: {e}"));
    }
    if summary.passed {
        return ExitCode::SUCCESS;
    }
    fail(EXIT_FAILURE, &format!("{} of {} checks failed", summary.failures, summary.tests))
}

/// The cases `check`'s arguments name, each scenario read and checked first: a bad one is refused
/// before anything runs.
fn check_cases(args: &CheckArgs) -> Result<Vec<tensorsim::check::Case>, String> {
    let mut cases: Vec<tensorsim::check::Case> = Vec::new();
    for scenario in &args.scenarios {
        let (_, plan) = read_scenario_seeded(scenario, args.seed)?;
        let name = match args.seed {
            None => plan.scenario.name.clone(),
            Some(seed) => format!("{}-seed-{seed}", plan.scenario.name),
        };
        if let Some(other) = cases.iter().find(|case| case.name == name) {
            let (this, other) = (scenario.display(), other.scenario.display());
            return Err(format!("{this}: name {name:?} is also {other}'s, and names the golden file"));
        }
        let golden = args.golden.join(format!("{name}.json"));
        cases.push(tensorsim::check::Case { name, scenario: scenario.clone(), seed: args.seed, golden });
    }
    Ok(cases)
}

/// One line per test case: verdict, scenario, check, and a failure's message.
fn check_table(results: &[tensorsim::check::junit::TestCase], update: bool) -> String {
    let mut table = String::new();
    for case in results {
        let verdict = match (&case.failure, case.check, update) {
            (Some(_), ..) => "FAIL",
            (None, "golden", true) => "wrote",
            (None, ..) => "ok",
        };
        table.push_str(&format!("{verdict:<5} {:<24} {:<12} {:>7.1} s", case.scenario, case.check, case.time_s));
        if let Some(failure) = &case.failure {
            table.push_str(&format!("  {}", failure.message));
            for line in failure.details.lines() {
                table.push_str(&format!("\n        {line}"));
            }
        }
        table.push('\n');
    }
    table
}
