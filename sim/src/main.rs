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
        upgrade {profile, hyperparameters}   a runtime upgrade, with its migrations\n  \
        register_network {coldkey, hotkey}   lock TAO for a new subnet (at the subnet limit: prune first)\n  \
        start_call {coldkey, netuid}         the owner starts its subnet's emission\n  \
        dissolve_network {netuid}            root dissolves a subnet, its stakers paid out\n  \
        set_hyperparameter {coldkey | root: true, netuid, name, value}\n  \
                                             an owner's or root's call, through the chain's checks\n\
        Its output adds `netuid` to every epoch record, `blocks` (issuance and every subnet's pool, burn, \
        moving price, epoch index; in a case that registers or dissolves subnets also the lock cost, and \
        a record at each such step with what it did: registered, pruned, dissolved, payouts) and \
        `reveals_refused`. Token conservation is checked after every block.\n\n\
        A metagraph snapshot (`--metagraph SNAPSHOT --epochs N`, instead of a case) is a live subnet's state at a \
        block: `snapshot_version` (1), `netuid`, `block`, `hyperparameters` (the epoch case's names) and `neurons`, \
        UID i = neurons[i]: {uid, hotkey, stake_rao, validator_permit, last_update, registered_at, weights [[uid, \
        u16]], bonds [[uid, u16]]} (scripts/metagraph_snapshot.py writes one from a node with the bittensor SDK). \
        The replay runs N epochs at the profile's cadence after the snapshot's block (every tempo blocks at \
        head-2026, tempo + 1 before), each distributing --emission-rao (default: tempo × 10^9 RAO, one alpha a \
        block). Weights and stake are held as in the snapshot; a UID active at the snapshot stays as recent as it \
        was (its validator keeps setting the same weights); bonds, permits and the outputs evolve. --set key=value \
        changes a hyperparameter over the snapshot's. The output is an epoch case's, named by the netuid, the \
        block and the snapshot's hash, so two replays of one snapshot under two profiles (or --set) diff with \
        `tensorsim diff A.json B.json --metagraph SNAPSHOT`.\n\n\
        Examples: scenarios/conformance/ (epoch cases), scenarios/chain/ (chain cases)."
    )]
    Replay(ReplayArgs),
    /// Run a scenario: the whole network (chain, validators, miners with real models, faults)
    #[command(
        long_about = "Run a scenario: the chain, its validators and its miners (each training a real model) on a \
        deterministic simulated network (madsim), with the scenario's fault plan, from one seed.\n\n\
        Writes DIR/report.json (canonical: the same seed and scenario give the same bytes), DIR/report.md and \
        DIR/report.html (one self-contained page with charts), the CSV tables DIR/epochs.csv, DIR/actors.csv and \
        DIR/actor_series.csv, and prints the report's SHA-256. Exits 1 if an `expect:` condition fails or a chain invariant broke, \
        2 on a bad scenario or flag.\n\n\
        The scenario format: `tensorsim schema` prints its JSON Schema; scenarios/ has examples \
        (scenarios/baseline.yaml is the default scenario)."
    )]
    Run(RunArgs),
    /// Compare two run reports (or two replay outputs); exit 1 when a threshold is exceeded
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
        Two replay outputs (of `tensorsim replay`) are compared epoch by epoch and UID by UID: consensus, \
        incentive, dividends, validator_trust (u16) and emission_rao (RAO), the largest change first by its \
        share of the whole (of 65535, or of the epoch's emission); each field's largest change, then the largest \
        overall. Outputs of different cases (`name`) are refused unless --force; --metagraph SNAPSHOT names the \
        UIDs of two snapshot replays by their hotkeys. A run report beside a replay output is refused.\n\n\
        A thresholds file (YAML or JSON) holds the diff to bounds:\n  \
        thresholds:\n    \
        - {observable: incentive_share, group: miners, max_absolute: 0.01}\n    \
        - {observable: relative_dividend_rate, max_relative: 0.05}     # every group, every subnet\n    \
        - {observable: validator_stake.gini, subnet: digits, max_absolute: 0.02}\n    \
        - {observable: incentive, max_absolute: 2000}                  # any UID in any epoch, u16\n\
        (replay outputs: consensus, incentive, dividends, validator_trust, emission_rao with max_absolute)\n\
        Exit codes: 0 compared (within the thresholds, when given); 1 a threshold exceeded (each listed, \
        the first named) or an output not written; 2 bad input (a file, a field, different scenarios or cases, \
        a run report beside a replay output)."
    )]
    Diff(DiffArgs),
    /// Run a scenario under two variants (profiles, hyperparameters) and diff their reports
    #[command(long_about = "Run one scenario, with one seed, under two variants and compare them: \
        `--profile A --profile B` runs it under each profile; `--set key=value` (repeatable) sets a \
        hyperparameter on every subnet of the second variant, which has the (first) --profile, or the \
        scenario's, when only one or none is given. Writes DIR/A/ and DIR/B/ (each run's report.json, report.md, \
        report.html and CSV tables), DIR/diff.json, DIR/diff.md and DIR/diff.html (both runs' charts side by side), \
        and prints the diff (see `tensorsim diff --help`). Exit codes as `diff`'s; the runs' \
        failed expectations are printed, not an exit code.")]
    Ab(AbArgs),
    /// Re-run scenarios and hold their reports to golden files; exit 1 on drift
    #[command(long_about = "Re-run scenarios and hold each report to its golden file, \
        GOLDEN/<scenario name>.json (<name>-seed-<N>.json under --seed N). Each scenario runs as `tensorsim run` \
        in a child process; a mismatch names the earliest differing epoch, field and UID and how many values \
        differ. --determinism runs each scenario twice at once in two processes and requires the same bytes. \
        Each scenario gives up to three test cases, golden, determinism and expectations (its `expect:` \
        block), written as JUnit XML under --junit and as JSON under --json.\n\n\
        After an intended change of behaviour, --update rewrites the golden files from this build's runs \
        (commit them with the reason).\n\n\
        Exit codes: 0 every check passed; 1 one failed (each listed); 2 bad input (a scenario, a flag).")]
    Check(CheckArgs),
    /// Run a scenario over a grid of its fields × seeds, in parallel processes; resumable, shardable
    #[command(long_about = "Run a base scenario over a grid of its fields × seeds, each point a `tensorsim run` \
        in a worker process (--jobs at a time), and merge the points' observables into DIR/sweep.csv (a row per \
        point), DIR/sweep.md (a row per grid cell: mean ± 95 % interval over the seeds) and DIR/sweep.html (each \
        observable as a heat map over the first two axes).\n\n\
        A sweep file (YAML):\n  \
        version: 1\n  \
        name: sybils-by-rule\n  \
        scenario: ../adversaries.yaml             # relative to the sweep file\n  \
        seeds: {first: 1, count: 3}               # or a list: [1, 2, 3]\n  \
        grid:                                     # scenario fields by path, each over its values\n    \
        - {path: subnets[0].validation.duplicates, values: [none, round, history]}\n    \
        - {path: subnets[0].miners[1].count, values: [2, 4, 8]}\n  \
        collect:                                  # observables of each point's report\n    \
        - {observable: incentive_share, subnet: digits, group: sybils}\n    \
        - {observable: validator_stake.gini, subnet: digits}\n\n\
        Every point's scenario is built and checked before anything runs. Each point's run and result stay in \
        DIR/points/<index>/; a point with a result is skipped when the sweep runs again (an interrupted sweep \
        resumes), unless the sweep file or the base scenario changed. --shard I/N runs only the points whose \
        index is I modulo N (0 ≤ I < N) and does not merge: `tensorsim merge` puts the shards' folders \
        together, into the same bytes one unsharded sweep writes.\n\n\
        Exit codes: 0 every point ran; 1 a point failed (listed; run again to retry it); 2 bad input.")]
    Sweep(SweepArgs),
    /// Merge the folders of a sharded sweep into sweep.csv, sweep.md and sweep.html
    #[command(long_about = "Merge the folders of a sharded sweep (`tensorsim sweep --shard I/N --out DIR_I`) \
        into OUT/sweep.csv, OUT/sweep.md and OUT/sweep.html: the same bytes one unsharded sweep writes. Every point must have \
        its result in one of the folders, and every folder must be of the same sweep (its sweep.json). \
        Exit codes: 0 merged; 2 a folder or point missing or of another sweep.")]
    Merge {
        /// The shards' output folders
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Write sweep.csv, sweep.md and sweep.html into DIR (default: the first folder)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Map honest-majority retention with one chain epoch per grid point (no network)
    #[command(long_about = "Map honest-majority retention as subtensor's docs/consensus.md does (\"Monte Carlo \
        simulations\"), with no network: per grid point, a network of 512 UIDs (64 validators) is drawn, an \
        honest side of S_H of the stake and UIDs putting W_H of its weight on honest servers and a cabal putting \
        W_C on its own (stakes ~ N(1, 0.3²), weights ~ N(1, σ²), clamped at 0 and normalised per side and \
        quadrant), and one epoch of the chain model (profile dtao-2025: original Yuma with the bonds penalty, \
        bit-exact) gives E_H, the honest share of emission. The default grid is upstream's \
        (map_consensus_guarantees): S_H ∈ {0.51, 0.55, 0.6, …, 0.95, 0.99}, W_H and W_C in steps of 0.02, κ = \
        0.5, over σ ∈ {0, 0.2, 0.4} × β ∈ {0, 0.5, 1}: 257 499 epochs.\n\n\
        Writes DIR/map.csv (E_H at every point), DIR/retention.csv (the W_H each σ, β, κ and S_H needs to keep \
        E_H ≥ S_H against the worst W_C), DIR/map.md (those readings, beside the published figures) and \
        DIR/reproduction.md (the table of reports/reproductions.md). The same flags give the same bytes, \
        whatever --threads.\n\n\
        Exit codes: 0 written; 1 an output could not be written; 2 a bad flag.")]
    ConsensusMap(ConsensusMapArgs),
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

#[derive(Args)]
struct SweepArgs {
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

#[derive(Args)]
struct ConsensusMapArgs {
    /// The weights' noise σ, comma-separated (W'_ij ~ N(1, σ²)); default 0,0.2,0.4
    #[arg(long, value_name = "LIST")]
    sigma: Option<String>,
    /// Bonds penalties β in [0, 1], comma-separated; default 0,0.5,1
    #[arg(long, value_name = "LIST")]
    beta: Option<String>,
    /// κ values in [0, 1], comma-separated; default 0.5 (stored 32767, as upstream's)
    #[arg(long, value_name = "LIST")]
    kappa: Option<String>,
    /// Honest stakes S_H in (0, 1), comma-separated; default 0.51,0.55,0.6,…,0.95,0.99
    #[arg(long, value_name = "LIST")]
    stakes: Option<String>,
    /// W_H and W_C run over k/N, k = 0..=N
    #[arg(long, value_name = "N", default_value_t = 50)]
    steps: u32,
    /// Independent draws of the network per grid point (upstream: one, seeded alike everywhere)
    #[arg(long, value_name = "N", default_value_t = 1)]
    repeats: u32,
    /// The draws' seed
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,
    /// Threads (default: the machine's cores); the output does not depend on it
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Write the outputs into DIR (default: reports/out/consensus-map)
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// No progress on standard error
    #[arg(long)]
    quiet: bool,
}

#[derive(Args)]
struct CheckArgs {
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

#[derive(Args)]
struct DiffArgs {
    /// The first file (A): a run report (report.json) or a replay output
    a: PathBuf,
    /// The second (B), of the same kind, compared against A
    b: PathBuf,
    /// Hold the diff to the thresholds in FILE (YAML or JSON); exit 1 when one is exceeded
    #[arg(long, value_name = "FILE")]
    thresholds: Option<PathBuf>,
    /// Compare reports of different scenarios, or replay outputs of different cases (a warning says so)
    #[arg(long)]
    force: bool,
    /// Write diff.json and diff.md into DIR (default: the folder of B)
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print diff.json on standard output instead of the table
    #[arg(long)]
    json: bool,
    /// Name the UIDs of two snapshot replays by the hotkeys of the snapshot they were replayed from
    #[arg(long, value_name = "SNAPSHOT")]
    metagraph: Option<PathBuf>,
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

#[derive(Args)]
struct ReplayArgs {
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
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return flag_error(&error),
    };
    match cli.command {
        Command::Replay(args) => replay_command(&args),
        Command::Run(args) => run_command(&args),
        Command::Diff(args) => diff_command(&args),
        Command::Ab(args) => ab_command(&args),
        Command::Check(args) => check_command(&args),
        Command::Sweep(args) => sweep_command(&args),
        Command::Merge { dirs, out } => {
            let out = out.unwrap_or_else(|| dirs[0].clone());
            match tensorsim::sweep::merge(&dirs, &out) {
                Ok(written) => {
                    written.iter().for_each(|path| println!("{}", path.display()));
                    ExitCode::SUCCESS
                }
                Err(message) => fail(EXIT_BAD_INPUT, &message),
            }
        }
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
        Command::ConsensusMap(args) => consensus_map_command(&args),
    }
}

/// A flag clap refused, on one line (its message up to the first blank line: the usage and tips
/// after it are dropped), exit 2. `--help` and `--version` print as clap prints them (exit 0), and
/// so does the help a missing subcommand shows (exit 2).
fn flag_error(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            print!("{error}");
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprint!("{error}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
        _ => {
            let text = error.to_string();
            let message: Vec<&str> = text.lines().take_while(|line| !line.trim().is_empty()).map(str::trim).collect();
            eprintln!("{}", message.join(" "));
            ExitCode::from(EXIT_BAD_INPUT)
        }
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
fn run_and_write(
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

fn diff_command(args: &DiffArgs) -> ExitCode {
    let thresholds = match args.thresholds.as_deref().map(tensorsim::diff::read_thresholds).transpose() {
        Ok(thresholds) => thresholds,
        Err(message) => return fail(EXIT_BAD_INPUT, &message),
    };
    let rendered = match tensorsim::diff::diff_files(&args.a, &args.b, args.force, args.metagraph.as_deref()) {
        Ok(rendered) => rendered,
        Err(message) => return fail(EXIT_BAD_INPUT, &message),
    };
    let replays = matches!(rendered.compared, tensorsim::diff::Compared::Replays(_));
    if let (Some(path), Some(thresholds)) = (&args.thresholds, &thresholds)
        && let Err(message) = tensorsim::diff::thresholds::check_kind(thresholds, replays)
    {
        return fail(EXIT_BAD_INPUT, &format!("{}: {message}", path.display()));
    }
    if rendered.compared.forced() {
        let what = if replays { "replay outputs are of different cases" } else { "reports are of different scenarios" };
        eprintln!("warning: the {what}, compared under --force");
    }
    // Beside B: in `ab`'s layout and in a CI job's, B is the run under test.
    let out = args.out.clone().unwrap_or_else(|| match args.b.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    });
    finish_diff(&rendered, &out, thresholds.as_deref(), args.json, None)
}

/// Writes the diff into `out`, prints its table, and holds it to `thresholds`: exit 1 when one is
/// exceeded, each exceeded one listed on standard error. `html`: diff.html too (`ab` has both
/// runs' charts for it).
fn finish_diff(
    rendered: &tensorsim::diff::Rendered,
    out: &Path,
    thresholds: Option<&[tensorsim::diff::thresholds::Threshold]>,
    json: bool,
    html: Option<&str>,
) -> ExitCode {
    if let Err(message) = rendered.write(out) {
        return fail(EXIT_FAILURE, &message);
    }
    if let Some(html) = html {
        let path = out.join("diff.html");
        if let Err(e) = write_atomically(&path, html.as_bytes()) {
            return fail(EXIT_FAILURE, &format!("{}: {e}", path.display()));
        }
    }
    let printed = if json { &rendered.json } else { &rendered.table };
    if let Err(e) = io::stdout().lock().write_all(printed.as_bytes()) {
        return fail(EXIT_FAILURE, &format!("standard output: {e}"));
    }
    if !json {
        let written = if html.is_some() { ", diff.md and diff.html" } else { " and diff.md" };
        println!("diff: {}{written}", out.join("diff.json").display());
    }
    let exceeded =
        thresholds.map_or_else(Vec::new, |t| tensorsim::diff::thresholds::exceeded_in(&rendered.compared, t));
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
fn ab_command(_args: &AbArgs) -> ExitCode {
    fail(EXIT_FAILURE, "this tensorsim was built without `--cfg madsim`: it cannot run a network")
}

#[cfg(madsim)]
fn ab_command(args: &AbArgs) -> ExitCode {
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

fn sweep_command(args: &SweepArgs) -> ExitCode {
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

fn check_command(args: &CheckArgs) -> ExitCode {
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

/// The study the flags ask for: upstream's grid, with each list flag given in place of its list.
fn consensus_study(args: &ConsensusMapArgs) -> Result<tensorsim::consensus_study::grid::Study, String> {
    use tensorsim::consensus_study::grid::{self, Study};
    let (proportion, sigma) = (grid::PROPORTION_PPM, grid::SIGMA_PPM);
    let mut study = Study { seed: args.seed, repeats: args.repeats, steps: args.steps, ..Study::upstream() };
    let lists = [
        ("--sigma", &args.sigma, &mut study.sigmas, sigma, false),
        ("--beta", &args.beta, &mut study.bonds_penalties, proportion, false),
        ("--kappa", &args.kappa, &mut study.kappas, proportion, false),
        ("--stakes", &args.stakes, &mut study.honest_stakes, proportion, true),
    ];
    for (flag, text, values, (min, max), exclusive) in lists {
        if let Some(text) = text {
            *values = grid::parse_list(flag, text, min, max, exclusive)?;
        }
    }
    study.check()?;
    Ok(study)
}

fn consensus_map_command(args: &ConsensusMapArgs) -> ExitCode {
    use tensorsim::consensus_study::{self, output};
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let study = consensus_study(args).and_then(|study| match threads {
        1..=256 => Ok(study),
        _ => Err(format!("--threads {threads}: expected 1 to 256")),
    });
    let study = match study {
        Ok(study) => study,
        Err(message) => return fail(EXIT_BAD_INPUT, &message),
    };
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("reports/out/consensus-map"));
    keep_freed_memory();
    let started = std::time::Instant::now();
    let mut bars = tensorsim::progress::Progress::new(args.quiet);
    let map =
        consensus_study::run(&study, threads, &mut |done, total| bars.update("epochs", done as u64, total as u64));
    bars.finish();
    let seconds = started.elapsed().as_secs_f64();
    let readings = output::Readings::of(&map);
    let files = [
        ("map.csv", output::map_csv(&map)),
        ("retention.csv", output::retention_csv(&study, &readings)),
        ("map.md", output::markdown(&map, &readings)),
        ("reproduction.md", output::reproduction(&study, &readings)),
    ];
    if let Err(e) = std::fs::create_dir_all(&out) {
        return fail(EXIT_FAILURE, &format!("{}: {e}", out.display()));
    }
    for (name, text) in &files {
        let path = out.join(name);
        if let Err(e) = write_atomically(&path, text.as_bytes()) {
            return fail(EXIT_FAILURE, &format!("{}: {e}", path.display()));
        }
        println!("{}", path.display());
    }
    if !args.quiet {
        // Standard error only: the outputs carry no time, so that they are the same bytes.
        eprintln!("{} epochs in {seconds:.1} s on {threads} threads", study.epochs());
    }
    ExitCode::SUCCESS
}

/// Each epoch allocates and frees a few MB of matrices. glibc hands freed memory above its trim
/// threshold back to the kernel and faults it in again on the next epoch: 15.8 M page faults, 9 %
/// of the full map's time. Freeing one block larger than its mmap threshold raises both (glibc's
/// dynamic threshold: the trim threshold becomes twice the block), so the epochs' memory stays
/// with the process. Any other allocator just allocates and frees 16 MB.
fn keep_freed_memory() {
    drop(std::hint::black_box(vec![0u8; 16 << 20]));
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
