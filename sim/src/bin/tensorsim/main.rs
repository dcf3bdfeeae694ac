//! The `tensorsim` command line: the commands and their flags (clap) here, each command's work
//! in its own module.

mod ab;
mod check;
mod consensus_map;
mod diff;
mod exit;
mod input;
mod replay;
mod run;
mod sweep;

use ab::{AbArgs, ab_command};
use check::{CheckArgs, check_command};
use consensus_map::{ConsensusMapArgs, consensus_map_command};
use diff::{DiffArgs, diff_command};
use exit::{EXIT_BAD_INPUT, EXIT_FAILURE, fail};
use input::read_scenario;
use replay::{ReplayArgs, replay_command};
use run::{RunArgs, run_command};
use sweep::{SweepArgs, sweep_command};

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
