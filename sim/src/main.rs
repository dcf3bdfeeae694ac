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
        Writes DIR/report.json (canonical: the same seed and scenario give the same bytes) and DIR/report.md, \
        and prints the report's SHA-256. Exits 1 if an `expect:` condition fails or a chain invariant broke, \
        2 on a bad scenario or flag.\n\n\
        The scenario format: `tensorsim schema` prints its JSON Schema; scenarios/ has examples \
        (scenarios/baseline.yaml is the default scenario)."
    )]
    Run(RunArgs),
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
    /// Write report.json and report.md into DIR (default: reports/out/<scenario name>, and
    /// reports/out/<scenario name>-seed-<N> under --seed N, so that seeds do not overwrite each other)
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
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
    use std::io::IsTerminal;
    let (text, plan) = match read_scenario_seeded(&args.scenario, args.seed) {
        Ok(read) => read,
        Err(message) => return fail(EXIT_BAD_INPUT, &message),
    };
    let default_dir = match args.seed {
        None => plan.scenario.name.clone(),
        Some(seed) => format!("{}-seed-{seed}", plan.scenario.name),
    };
    let out_dir = args.out.clone().unwrap_or_else(|| PathBuf::from("reports/out").join(default_dir));
    let show = !args.quiet && io::stderr().is_terminal();
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
    let record = match tensorsim::network::run(&plan, &mut progress) {
        Ok(record) => record,
        Err(tensorsim::network::RunError::Genesis(message)) => {
            return fail(EXIT_BAD_INPUT, &format!("{}: genesis: {message}", args.scenario.display()));
        }
        Err(tensorsim::network::RunError::Bug(message)) => {
            return fail(EXIT_FAILURE, &format!("{}: {message} (please report it)", args.scenario.display()));
        }
    };
    let report = tensorsim::report::build(&plan, &text, &record);
    if let Err(e) = std::fs::create_dir_all(&out_dir) {
        return fail(EXIT_FAILURE, &format!("{}: {e}", out_dir.display()));
    }
    for (file, bytes) in [("report.json", report.json.as_bytes()), ("report.md", report.markdown.as_bytes())] {
        let path = out_dir.join(file);
        if let Err(e) = write_atomically(&path, bytes) {
            return fail(EXIT_FAILURE, &format!("{}: {e}", path.display()));
        }
    }
    if !args.quiet {
        let (wall, delivered) = (record.wall, record.messages.delivered);
        let rate = delivered as f64 / wall.network.max(1e-9);
        eprintln!(
            "wall time: training {:.2} s, network {:.2} s ({delivered} messages delivered, {rate:.0} per second)",
            wall.training, wall.network
        );
    }
    println!("{}  {}", report.sha256, out_dir.join("report.json").display());
    if let Some(broken) = &record.conservation_error {
        return fail(
            EXIT_FAILURE,
            &format!(
                "conservation broken after block {}: {} (a simulator bug: please report it)",
                broken.block, broken.error
            ),
        );
    }
    for failure in &report.failures {
        eprintln!("{failure}");
    }
    if report.failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(EXIT_FAILURE) }
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
