//! The `tensorsim` command line.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use tensorsim::atomic_write::write_atomically;
use tensorsim::replay::{self, CASE_BYTES_MAX, ReplayError};
use tensorsim::scenario::Plan;

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
    /// Replay a scripted case: one subnet epoch by epoch, or the whole chain block by block
    #[command(
        long_about = "Replay a scripted case: one subnet epoch by epoch (an epoch case), or the whole chain block by \
        block (a chain case, one with a top-level `chain` object).\n\n\
        An epoch case (JSON) gives `name`, `hyperparameters` (snake_case names of the spec; an absent key takes the \
        value of a subnet created at HEAD), `neurons` (UID i = neurons[i]: stake_rao, registered_at, last_update) \
        and `steps`, each {\"block\": b, <kind>: {...}} with blocks never decreasing and one kind of:\n  \
        epoch {emission_rao}                 run the Yuma epoch now and record its outputs\n  \
        set_weights {uid, dests, values}     the extrinsic, with every check of the chain\n  \
        set_stake {uid, stake_rao}           replace a stake weight\n  \
        register {uid, stake_rao}            a new neuron takes slot uid (uid = n appends)\n  \
        reset_bonds {uid}                    the miner's bond reset\n\
        Its output (JSON, same bytes for the same case) has one record per epoch: block, active, \
        validator_permit, stake_weight, consensus, incentive, dividends, validator_trust (u16), emission_rao, \
        server_emission_rao, validator_emission_rao (RAO), bonds (rows of [uid, u16]); and `rejected`: the steps \
        the chain refused, with its reason.\n\n\
        A chain case gives `name`, `chain` {network, coldkeys [{balance_rao}], hotkeys [{coldkey}], subnets \
        [{owner_hotkey, hyperparameters, pool_tao_rao, pool_alpha_rao, ema_price, start_call}], record_epochs} \
        and `steps`, each with an optional \"block\" (the chain first runs up to it) and one kind of:\n  \
        run_blocks {blocks, record_every}    run blocks, recording the books every record_every blocks\n  \
        stake / unstake {coldkey, hotkey, netuid, tao_rao / stake_rao}\n  \
        register {coldkey, hotkey, netuid}   burned registration\n  \
        root_register {hotkey}, set_root_weights {hotkey, dests, values}   the root network\n  \
        set_weights, commit_weights, commit_timelocked_weights, reveal_weights\n  \
                                             {hotkey, netuid, dests, values, version_key, salt}\n  \
        upgrade {profile, hyperparameters}   a runtime upgrade, with its migrations\n\
        Its output adds `netuid` to every epoch record, `blocks` (issuance and every subnet's pool, burn, \
        moving price, epoch index) and `reveals_refused`. Token conservation is checked after every block.\n\n\
        Examples: scenarios/conformance/ (epoch cases), scenarios/chain/ (chain cases)."
    )]
    Replay(ReplayArgs),
    /// Run a scenario: the whole network (chain, validators, miners with real models, faults)
    #[command(
        long_about = "Run a scenario: the chain, its validators and its miners (each training a real model) on a \
        deterministic simulated network (madsim), with the scenario's fault plan, from one seed.\n\n\
        Writes DIR/report.json (canonical: the same seed and scenario give the same bytes), DIR/report.md and \
        the CSV tables DIR/epochs.csv, DIR/actors.csv and DIR/actor_series.csv, and prints the report's SHA-256. Exits 1 if an `expect:` condition fails or a chain invariant broke, \
        2 on a bad scenario or flag.\n\n\
        The scenario format: `tensorsim schema` prints its JSON Schema; scenarios/ has examples \
        (scenarios/baseline.yaml is the default scenario)."
    )]
    Run(RunArgs),
    /// Compare two run reports observable by observable; exit 1 when a threshold is exceeded
    #[command(
        long_about = "Compare two run reports (report.json of `tensorsim run` or `ab`) observable by observable: \
        per subnet and group incentive_share, reward_share, relative_dividend_rate (G); per subnet \
        incentive_accuracy_spearman, query_timeout_rate, winner_flips, validator_stake (Gini, Nakamoto \
        coefficients), the stability means (stability.incentive_kendall_tau_mean, \
        stability.within_clipping_stake_share_mean, stability.validator_trust_stake_mean); per subnet and fault \
        or upgrade stability.dividends_settle_epochs and stability.bonds_settle_epochs (`group` names the event: \
        \"crash honest/3 at block 2000\"); per epoch the UIDs whose consensus, incentive or dividends changed most (u16). The largest \
        relative change comes first. Prints a table and writes diff.json and diff.md.\n\n\
        Reports of different scenarios (name or file hash) are refused unless --force.\n\n\
        A thresholds file (YAML or JSON) holds the diff to bounds:\n  \
        thresholds:\n    \
        - {observable: incentive_share, group: miners, max_absolute: 0.01}\n    \
        - {observable: relative_dividend_rate, max_relative: 0.05}     # every group, every subnet\n    \
        - {observable: validator_stake.gini, subnet: digits, max_absolute: 0.02}\n    \
        - {observable: incentive, max_absolute: 2000}                  # any UID in any epoch, u16\n\
        Exit codes: 0 compared (within the thresholds, when given); 1 a threshold exceeded (each listed, \
        the first named) or an output not written; 2 bad input (a file, a field, different scenarios)."
    )]
    Diff(DiffArgs),
    /// Run a scenario under two variants (profiles, hyperparameters) and diff their reports
    #[command(long_about = "Run one scenario, with one seed, under two variants and compare them: \
        `--profile A --profile B` runs it under each profile; `--set key=value` (repeatable) sets a \
        hyperparameter on every subnet of the second variant, which has the (first) --profile, or the \
        scenario's, when only one or none is given. Writes DIR/A/ and DIR/B/ (each run's report.json, report.md \
        and CSV tables), DIR/diff.json and DIR/diff.md, and prints the diff (see `tensorsim diff --help`). Exit codes as `diff`'s; the runs' \
        failed expectations are printed, not an exit code.")]
    Ab(AbArgs),
    /// Check a scenario file without running it
    Validate {
        /// The scenario (YAML)
        scenario: PathBuf,
    },
    /// Print the JSON Schema of scenario files (for editors)
    Schema,
    /// List the protocol profiles (the chain's rules as of a date) that --profile and cases name
    Profiles,
}

#[derive(Args)]
struct RunArgs {
    /// The scenario (YAML)
    scenario: PathBuf,
    /// Seed every random draw with N instead of the scenario's `seed`
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Write report.json, report.md and the CSV tables into DIR (default: reports/out/<scenario name>, and
    /// reports/out/<scenario name>-seed-<N> under --seed N, so that seeds do not overwrite each other)
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// No progress on standard error
    #[arg(long)]
    quiet: bool,
}

#[derive(Args)]
struct DiffArgs {
    /// The first report (A), report.json
    a: PathBuf,
    /// The second report (B), compared against A
    b: PathBuf,
    /// Hold the diff to the thresholds in FILE (YAML or JSON); exit 1 when one is exceeded
    #[arg(long, value_name = "FILE")]
    thresholds: Option<PathBuf>,
    /// Compare reports of different scenarios (a warning says so)
    #[arg(long)]
    force: bool,
    /// Write diff.json and diff.md into DIR (default: the folder of B's report)
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

#[derive(Args)]
struct AbArgs {
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
    /// Write A/, B/, diff.json and diff.md into DIR (default: reports/out/<scenario name>-ab)
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Hold the diff to the thresholds in FILE, as `diff --thresholds`
    #[arg(long, value_name = "FILE")]
    thresholds: Option<PathBuf>,
    /// No progress on standard error
    #[arg(long)]
    quiet: bool,
}

#[derive(Args)]
struct ReplayArgs {
    /// The case file (JSON), or `-` for standard input
    case: PathBuf,
    /// Write the output to FILE (whole or not at all) instead of standard output
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Also check the output against the case's `expected` entries (conformance files carry them);
    /// exit 1 if any fails. Epoch cases only
    #[arg(long)]
    check: bool,
    /// Run under this protocol profile instead of the case's (`tensorsim profiles` lists them)
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
}

fn main() -> ExitCode {
    // candle must stay on one thread: its pool would panic inside the simulated runtime, and
    // without RAYON_NUM_THREADS it re-reads /proc/cpuinfo on every matmul. The user's values
    // are overridden so that any environment gives the same report.
    // SAFETY: no other thread exists yet, so nothing reads the environment concurrently.
    #[allow(unsafe_code)]
    unsafe {
        std::env::set_var("RAYON_NUM_THREADS", "1");
        std::env::set_var("CANDLE_NUM_THREADS", "1");
    }
    // Logs (RUST_LOG=info shows the faults as they apply) go to standard error without
    // timestamps, so that a log is as reproducible as the run. Without RUST_LOG no subscriber is
    // installed: madsim opens a span per task poll, and even filtered out they cost a third of a run.
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_default_env() {
        tracing_subscriber::fmt().with_env_filter(filter).without_time().with_writer(io::stderr).init();
    }
    match Cli::parse().command {
        Command::Replay(args) => replay_command(&args),
        Command::Run(args) => run_command(&args),
        Command::Diff(args) => diff_command(&args),
        Command::Ab(args) => ab_command(&args),
        Command::Validate { scenario } => match read_scenario(&scenario) {
            Ok((_, plan)) => {
                let actors = plan.nodes.len() - 1;
                println!(
                    "{}: valid ({} subnets, {actors} actors, {} blocks, {} faults, {} upgrades)",
                    scenario.display(),
                    plan.subnets.len(),
                    plan.blocks,
                    plan.scenario.faults.len(),
                    plan.scenario.upgrades.len()
                );
                ExitCode::SUCCESS
            }
            Err(message) => fail(EXIT_BAD_INPUT, &message),
        },
        Command::Schema => {
            let schema = schemars::schema_for!(tensorsim::scenario::Scenario);
            let text = serde_json::to_string_pretty(&schema).expect("the schema serialises") + "\n";
            match io::stdout().lock().write_all(text.as_bytes()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(EXIT_FAILURE, &format!("standard output: {e}")),
            }
        }
        Command::Profiles => profiles_command(),
    }
}

/// Reads and checks a scenario; the error names the file and the field.
fn read_scenario(path: &Path) -> Result<(String, Plan), String> {
    read_scenario_seeded(path, None)
}

fn read_scenario_seeded(path: &Path, seed: Option<u64>) -> Result<(String, Plan), String> {
    let name = path.display();
    let text =
        read_text(path, tensorsim::scenario::SCENARIO_BYTES_MAX, "a scenario").map_err(|m| format!("{name}: {m}"))?;
    let plan = Plan::parse(&text, seed).map_err(|e| format!("{name}: {e}"))?;
    for warning in plan.warnings() {
        eprintln!("warning: {name}: {warning}");
    }
    Ok((text, plan))
}

#[cfg(not(madsim))]
fn run_command(_args: &RunArgs) -> ExitCode {
    fail(
        EXIT_FAILURE,
        "this tensorsim was built without `--cfg madsim` (.cargo/config.toml sets it; an exported RUSTFLAGS overrides it): it cannot run a network",
    )
}

#[cfg(madsim)]
fn run_command(args: &RunArgs) -> ExitCode {
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
            "report: {} (report.md, epochs.csv, actors.csv and actor_series.csv beside it)",
            out_dir.join("report.json").display()
        );
    }
    println!("{}  {}", report.sha256, out_dir.join("report.json").display());
    for failure in &report.failures {
        eprintln!("{failure}");
    }
    if report.failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(EXIT_FAILURE) }
}

/// Runs `plan` (read from `scenario` as `text`) and writes report.json, report.md and the CSV
/// tables into `out_dir`: the one run path of `run` and `ab`. `Err` is the exit code, its error line printed.
#[cfg(madsim)]
fn run_and_write(
    scenario: &Path,
    text: &str,
    plan: &Plan,
    out_dir: &Path,
    quiet: bool,
) -> Result<tensorsim::report::Report, ExitCode> {
    use std::io::IsTerminal;
    let show = !quiet && io::stderr().is_terminal();
    let mut last_shown = 0;
    let mut progress = |phase: &str, done: u64, total: u64| {
        if show && (done == total || done >= last_shown + total.div_ceil(20)) {
            last_shown = done;
            eprint!("\r{phase}: {done}/{total}   ");
            if done == total {
                eprintln!();
            }
        }
    };
    let record = match tensorsim::network::run(plan, &mut progress) {
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

fn diff_command(args: &DiffArgs) -> ExitCode {
    let thresholds = match args.thresholds.as_deref().map(tensorsim::diff::read_thresholds).transpose() {
        Ok(thresholds) => thresholds,
        Err(message) => return fail(EXIT_BAD_INPUT, &message),
    };
    let rendered = match tensorsim::diff::diff_files(&args.a, &args.b, args.force) {
        Ok(rendered) => rendered,
        Err(message) => return fail(EXIT_BAD_INPUT, &message),
    };
    if rendered.diff.forced {
        eprintln!("warning: the reports are of different scenarios, compared under --force");
    }
    // Beside B: in `ab`'s layout and in a CI job's, B is the run under test.
    let out = args.out.clone().unwrap_or_else(|| match args.b.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    });
    finish_diff(&rendered, &out, thresholds.as_deref())
}

/// Writes the diff into `out`, prints its table, and holds it to `thresholds`: exit 1 when one is
/// exceeded, each exceeded one listed on standard error.
fn finish_diff(
    rendered: &tensorsim::diff::Rendered,
    out: &Path,
    thresholds: Option<&[tensorsim::diff::thresholds::Threshold]>,
) -> ExitCode {
    if let Err(message) = rendered.write(out) {
        return fail(EXIT_FAILURE, &message);
    }
    if let Err(e) = io::stdout().lock().write_all(rendered.table.as_bytes()) {
        return fail(EXIT_FAILURE, &format!("standard output: {e}"));
    }
    println!("diff: {} and diff.md", out.join("diff.json").display());
    let exceeded = thresholds.map_or_else(Vec::new, |t| tensorsim::diff::thresholds::exceeded(&rendered.diff, t));
    for line in &exceeded {
        eprintln!("threshold exceeded: {line}");
    }
    match exceeded.first() {
        None => ExitCode::SUCCESS,
        Some(first) => {
            fail(EXIT_FAILURE, &format!("{} changes exceed their thresholds, the first: {first}", exceeded.len()))
        }
    }
}

/// A `--set key=value`: the value as JSON (`40000`, `true`), else as a string (a name).
fn parse_set(text: &str) -> Result<(String, serde_json::Value), String> {
    let (key, value) = text
        .split_once('=')
        .filter(|(key, _)| !key.is_empty())
        .ok_or_else(|| format!("--set {text}: expected KEY=VALUE"))?;
    let value = serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::String(value.to_string()));
    Ok((key.to_string(), value))
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
        let (key, value) = parse_set(set)?;
        b.hyperparameters.insert(key, value);
    }
    Ok([Variant { profile: args.profile.first().cloned(), ..Variant::default() }, b])
}

#[cfg(not(madsim))]
fn ab_command(_args: &AbArgs) -> ExitCode {
    fail(EXIT_FAILURE, "this tensorsim was built without `--cfg madsim`: it cannot run a network")
}

#[cfg(madsim)]
fn ab_command(args: &AbArgs) -> ExitCode {
    let name = args.scenario.display().to_string();
    let prepared = (|| {
        let variants = ab_variants(args)?;
        let thresholds = args.thresholds.as_deref().map(tensorsim::diff::read_thresholds).transpose()?;
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
    }
    let (a, b) = (out.join("A").join("report.json"), out.join("B").join("report.json"));
    match tensorsim::diff::diff_files(&a, &b, false) {
        Ok(rendered) => finish_diff(&rendered, &out, thresholds.as_deref()),
        // Both reports were just written from one scenario: a refusal here is a bug.
        Err(message) => fail(EXIT_FAILURE, &format!("{message} (please report it)")),
    }
}

fn profiles_command() -> ExitCode {
    let mut text = String::new();
    for profile in &tensorsim_chain::profile::PROFILES {
        let default = if std::ptr::eq(profile, tensorsim_chain::profile::HEAD) { " (default)" } else { "" };
        text.push_str(&format!("{}{default}\n  as of {}\n  {}\n", profile.name, profile.as_of, profile.summary));
    }
    match io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(EXIT_FAILURE, &format!("standard output: {e}")),
    }
}

fn replay_command(args: &ReplayArgs) -> ExitCode {
    let name = args.case.display().to_string();
    let text = match read_case(&args.case) {
        Ok(text) => text,
        Err(message) => return fail(EXIT_BAD_INPUT, &format!("{name}: {message}")),
    };
    let profile = match args.profile.as_deref().map(|p| replay::profile_named(p, "--profile")).transpose() {
        Ok(profile) => profile,
        Err(error) => return fail(EXIT_BAD_INPUT, &error.to_string()),
    };
    let outcome = match replay::run_file(&text, profile, args.check) {
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

/// Reads a case, refusing anything larger than a case can sensibly be.
fn read_case(path: &Path) -> Result<String, String> {
    read_text(path, CASE_BYTES_MAX, "a replay case")
}

/// Reads a UTF-8 file (or standard input for `-`) of at most `max` bytes.
fn read_text(path: &Path, max: u64, what: &str) -> Result<String, String> {
    let mut bytes = Vec::new();
    let limit = max + 1;
    let read = if path.as_os_str() == "-" {
        io::stdin().lock().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|file| file.take(limit).read_to_end(&mut bytes))
    };
    read.map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(format!("larger than {} MiB, the limit for {what}", max >> 20));
    }
    String::from_utf8(bytes).map_err(|e| format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
}

fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}
