//! `tensorsim ab`: one scenario under two profiles (or settings), both reports and their diff.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use tensorsim::scenario::Plan;

use crate::exit::{EXIT_BAD_INPUT, EXIT_FAILURE, fail};
use crate::input::read_text;
#[cfg(madsim)]
use crate::{diff::finish_diff, run::run_and_write};

#[derive(Args)]
pub(crate) struct AbArgs {
    /// The scenario (YAML)
    scenario: PathBuf,
    /// A variant's protocol profile: twice for A and B, or once for both (then --set makes B)
    #[arg(long, value_name = "NAME")]
    profile: Vec<String>,
    /// A hyperparameter of variant B, on every subnet (`kappa=40000`; the value is read as JSON,
    /// else as a string)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Seed both runs with N instead of the scenario's `seed`
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Write A/, B/, diff.json, diff.md and diff.html into DIR (default: reports/out/<scenario name>-ab)
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Hold the diff to the thresholds in FILE, as `diff --thresholds`
    #[arg(long, value_name = "FILE")]
    thresholds: Option<PathBuf>,
    /// No progress on standard error
    #[arg(long)]
    quiet: bool,
    /// Print diff.json on standard output instead of the table
    #[arg(long)]
    json: bool,
}

/// The two variants `ab`'s flags ask for: A with the first profile, B with the second (or the
/// first again) and the `--set` values.
fn ab_variants(args: &AbArgs) -> Result<[tensorsim::scenario::Variant; 2], String> {
    use tensorsim::scenario::Variant;
    if args.profile.len() > 2 {
        return Err(format!("--profile: {} given, ab compares two", args.profile.len()));
    }
    if args.profile.len() < 2 && args.set.is_empty() {
        return Err("--profile: ab needs two profiles, or --set values that make the second variant".to_string());
    }
    let mut b = Variant { profile: args.profile.last().cloned(), ..Variant::default() };
    for set in &args.set {
        let (key, value) = tensorsim::hyperparameter_overrides::parse_assignment(set)?;
        b.hyperparameters.insert(key, value);
    }
    Ok([Variant { profile: args.profile.first().cloned(), ..Variant::default() }, b])
}

#[cfg(not(madsim))]
pub(crate) fn ab_command(_args: &AbArgs) -> ExitCode {
    fail(EXIT_FAILURE, "this tensorsim was built without `--cfg madsim`: it cannot run a network")
}

#[cfg(madsim)]
pub(crate) fn ab_command(args: &AbArgs) -> ExitCode {
    let name = args.scenario.display().to_string();
    let prepared = (|| {
        let variants = ab_variants(args)?;
        let thresholds = args.thresholds.as_deref().map(tensorsim::diff::read_thresholds).transpose()?;
        if let (Some(path), Some(thresholds)) = (&args.thresholds, &thresholds) {
            tensorsim::diff::thresholds::check_kind(thresholds, false)
                .map_err(|message| format!("{}: {message}", path.display()))?;
        }
        let text = read_text(&args.scenario, tensorsim::scenario::SCENARIO_BYTES_MAX, "a scenario")
            .map_err(|m| format!("{name}: {m}"))?;
        // Both plans before either run: a bad --set is refused at once, not after run A.
        let mut plans = Vec::new();
        for (label, variant) in ["A", "B"].into_iter().zip(&variants) {
            let plan =
                Plan::parse_variant(&text, args.seed, variant).map_err(|e| format!("{name} (variant {label}): {e}"))?;
            plans.push((label, plan));
        }
        Ok::<_, String>((text, plans, thresholds))
    })();
    let (text, plans, thresholds) = match prepared {
        Ok(prepared) => prepared,
        Err(message) => return fail(EXIT_BAD_INPUT, &message),
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports/out").join(format!("{}-ab", plans[0].1.scenario.name)));
    let mut charts = Vec::new();
    for (label, plan) in &plans {
        if !args.quiet {
            eprintln!("{label}: profile {}, {} blocks", plan.profile.name, plan.blocks);
        }
        let report = match run_and_write(&args.scenario, &text, plan, &out.join(label), args.quiet) {
            Ok(report) => report,
            Err(code) => return code,
        };
        for failure in &report.failures {
            eprintln!("{label}: {failure}");
        }
        charts.push(report.charts);
    }
    let (a, b) = (out.join("A").join("report.json"), out.join("B").join("report.json"));
    let rendered = match tensorsim::diff::diff_files(&a, &b, false, None) {
        Ok(rendered) => rendered,
        // Both reports were just written from one scenario: a refusal here is a bug.
        Err(message) => return fail(EXIT_FAILURE, &format!("{message} (please report it)")),
    };
    let tensorsim::diff::Compared::Reports(diff) = &rendered.compared else {
        return fail(EXIT_FAILURE, "ab's two reports were read as replay outputs (please report it)");
    };
    let html = tensorsim::report::diff_page(&charts[0], &charts[1], diff);
    finish_diff(&rendered, &out, thresholds.as_deref(), args.json, Some(&html))
}
