//! `tensorsim run`, `validate` and `schema` through the binary: a whole network run is the same
//! bytes in two processes and differs under another seed; faults and policies show in the
//! report; bad scenarios exit 2 with one line naming the field (and the line where YAML knows).

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{assert_refused, scenario, stderr, tensorsim};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tensorsim-run-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(scenario: &Path, out: &Path, extra: &[&str]) -> (Output, Vec<u8>) {
    let mut args = vec!["run", scenario.to_str().unwrap(), "--out", out.to_str().unwrap(), "--quiet"];
    args.extend_from_slice(extra);
    let output = tensorsim(&args, None);
    let report = std::fs::read(out.join("report.json")).unwrap_or_default();
    (output, report)
}

#[test]
fn a_run_is_the_same_bytes_in_two_processes_and_another_seed_differs() {
    let dir = temp_dir("determinism");
    let smoke = scenario("smoke.yaml");
    let (first, a) = run(&smoke, &dir.join("a"), &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let (second, b) = run(&smoke, &dir.join("b"), &[]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(!a.is_empty() && a == b, "same seed, same report bytes");
    // The printed hash is the report's SHA-256.
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert_eq!(stdout.split_whitespace().next().unwrap().len(), 64, "{stdout}");
    assert_eq!(
        String::from_utf8_lossy(&first.stdout).split_whitespace().next(),
        String::from_utf8_lossy(&second.stdout).split_whitespace().next()
    );
    let (other, c) = run(&smoke, &dir.join("c"), &["--seed", "8"]);
    assert!(other.status.success(), "{}", stderr(&other));
    assert_ne!(a, c, "another seed, another run");
    assert!(dir.join("a/report.md").exists());
    let page = |run: &str| std::fs::read(dir.join(run).join("report.html")).unwrap();
    assert!(page("a") == page("b"), "same seed, same report.html bytes");
    // The CSV tables are beside the report, the same bytes in both processes; epochs.csv has a
    // row per subnet, epoch and UID under its header.
    for table in ["epochs.csv", "actors.csv", "actor_series.csv"] {
        let (x, y) = (std::fs::read(dir.join("a").join(table)), std::fs::read(dir.join("b").join(table)));
        assert!(x.as_ref().is_ok_and(|x| !x.is_empty()) && x.ok() == y.ok(), "{table}: same bytes");
    }
    let report: serde_json::Value = serde_json::from_slice(&a).unwrap();
    let uids: usize = (report["subnets"].as_array().unwrap().iter())
        .flat_map(|s| s["epochs"].as_array().unwrap())
        .map(|e| e["hotkeys"].as_array().unwrap().len())
        .sum();
    let epochs_csv = std::fs::read_to_string(dir.join("a/epochs.csv")).unwrap();
    assert!(epochs_csv.starts_with("subnet,netuid,epoch,block,uid,"), "{epochs_csv:.80}");
    assert_eq!(epochs_csv.lines().count(), 1 + uids);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_report_shows_the_faults_the_policies_and_the_books() {
    let dir = temp_dir("report");
    let (output, bytes) = run(&scenario("smoke.yaml"), &dir, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(report["chain"]["conservation"], "held after every block");
    let faults: Vec<&str> = report["faults"].as_array().unwrap().iter().map(|f| f["fault"].as_str().unwrap()).collect();
    for expected in [
        "crash honest/0",
        "restart honest/0",
        "late/0 offline",
        "partition noisy | miners+chain",
        "block producer stalls 60000 ms",
        "runtime upgrade: 1 hyperparameters set",
    ] {
        assert!(faults.contains(&expected), "{expected} in {faults:?}");
    }
    let subnet = &report["subnets"][0];
    let actor = |name: &str| subnet["actors"].as_array().unwrap().iter().find(|a| a["name"] == name).unwrap().clone();
    // The copycat serves its target's model from block 20: validators find its answers copies,
    // and it earns under a tenth of its target. (20 blocks leave the target few rows answered
    // before the copy: until the copy answers one of them a validator may take it for the
    // original, so the target's answers are judged copies a few times, far fewer than the copy's.)
    let duplicates = |name: &str| actor(name)["duplicate_answers"].as_u64().unwrap_or(0);
    assert!(
        duplicates("copycat/0") > 3 * duplicates("miners/5"),
        "{} vs {}",
        duplicates("copycat/0"),
        duplicates("miners/5")
    );
    let rewards = |name: &str| actor(name)["rewards"]["alpha_rao"].as_u64().unwrap();
    assert!(rewards("copycat/0") * 10 < rewards("miners/5"), "{} vs {}", rewards("copycat/0"), rewards("miners/5"));
    // Messages the fault plan cut off are counted, each for its reason.
    let lost = &report["network"]["messages_lost"];
    for reason in ["link", "offline", "partition", "crashed"] {
        assert!(lost[reason].as_u64().unwrap() > 0, "{reason} in {lost}");
    }
    // The upgrade of kappa is in force from the next epoch, and listed.
    assert_eq!(subnet["epochs"].as_array().unwrap().last().unwrap()["kappa"], 40_000);
    assert_eq!(subnet["hyperparameter_changes"][0]["name"], "kappa");
    assert_eq!(actor("honest/0")["crashes"], 1);
    // The skewed validator's queries are refused by miners (nonce outside the 4 s window).
    assert!(actor("honest/2")["queries"]["refused"].as_u64().unwrap() > 0);
    // The sniper registered late, into a UID the chain freed for it.
    assert!(actor("sniper/0")["last_registered_epoch_block"].as_u64().is_some());
    // The stall shows in the chain's time: 126 blocks of 12 s, plus a minute, plus slow blocks.
    let seconds = report["run"]["virtual_seconds"].as_f64().unwrap();
    assert!(seconds > 126.0 * 12.0 + 60.0, "{seconds}");
    let spearman = subnet["observables"]["incentive_accuracy_spearman"].as_f64().unwrap();
    assert!(spearman > 0.5, "better models earn more even in a small noisy run: {spearman}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_profile_runs_the_smoke_scenario_with_emission_reaching_miners_and_validators() {
    let smoke = std::fs::read_to_string(scenario("smoke.yaml")).unwrap();
    assert!(!smoke.contains("\nprofile:"), "smoke.yaml takes the default profile");
    for profile in tensorsim_chain::profile::PROFILES {
        let dir = temp_dir(&format!("profile-{}", profile.name));
        let path = dir.join("smoke.yaml");
        std::fs::write(&path, smoke.replace("\nduration:", &format!("\nprofile: {}\nduration:", profile.name)))
            .unwrap();
        let (output, bytes) = run(&path, &dir.join("out"), &[]);
        assert!(output.status.success(), "{}: {}", profile.name, stderr(&output));
        let report: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(report["run"]["profile"], profile.name);
        assert_eq!(report["chain"]["conservation"], "held after every block", "{}", profile.name);
        // Before dTAO emission reaches a subnet only through root weights (set at genesis).
        let rewards = |group: &str| report["subnets"][0]["observables"]["reward_share"][group].as_f64().unwrap();
        assert!(rewards("miners") > 0.05 && rewards("honest") > 0.05, "{}: {report:#}", profile.name);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn validators_reveal_their_own_hash_commits_under_commit_reveal_v2() {
    let dir = temp_dir("v2");
    let text = std::fs::read_to_string(scenario("smoke.yaml")).unwrap();
    let v2 = text.replace("max_allowed_uids: 26}", "max_allowed_uids: 26, commit_reveal_version: 2}");
    assert_ne!(v2, text);
    std::fs::write(dir.join("v2.yaml"), v2).unwrap();
    let (output, bytes) = run(&dir.join("v2.yaml"), &dir.join("out"), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let honest = &report["subnets"][0]["actors"][0];
    assert_eq!(honest["name"], "honest/0");
    let reveals = honest["extrinsics_ok"]["reveal_weights"].as_u64().unwrap_or(0);
    assert!(reveals >= 5, "honest/0 revealed {reveals} commits: {honest}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A scenario refused as bad input by `validate` and by `run`.
fn assert_scenario_refused(text: &str, expected: &str) {
    let dir = temp_dir("bad");
    let path = dir.join("bad.yaml");
    std::fs::write(&path, text).unwrap();
    for command in ["validate", "run"] {
        let output = tensorsim(
            &[command, path.to_str().unwrap(), "--out", dir.join("out").to_str().unwrap()]
                [..if command == "run" { 4 } else { 2 }],
            None,
        );
        assert_refused(&output, expected);
    }
    assert!(!dir.join("out/report.json").exists(), "no report for a bad scenario");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_scenarios_are_refused_with_the_field_and_the_line() {
    let good = std::fs::read_to_string(scenario("smoke.yaml")).unwrap();
    assert!(tensorsim(&["validate", scenario("smoke.yaml").to_str().unwrap()], None).status.success());
    // (what the file says, what a mistake makes of it, what the error must say)
    let cases = [
        ("seed: 7", "seed: 7\ncolour: blue", "line 7 column 1: colour: unknown field `colour`"),
        ("name: honest, count: 3", "name: honest, count: 0", "subnets[0].validators[0].count: 0 is outside 1..=4096"),
        ("version: 1", "version: 2", "version: 2 is outside 1..=1"),
        ("duration: {tempos: 6}", "duration: {forever: true}", "duration.forever: unknown variant `forever`"),
        (
            "target: miners/5",
            "target: miners/50",
            "subnets[0].miners[3].policy.copycat.target: no node or group \"miners/50\"",
        ),
        ("tempo: 20,", "tempo: 20, kapa: 3,", "subnets[0].hyperparameters.kapa: unknown field `kapa`"),
        ("max_allowed_uids: 26", "max_allowed_uids: 5", "max_allowed_uids: 5 UIDs cannot hold"),
        ("loss: 0.2", "loss: 1.5", "1.5 is not a probability"),
        ("node: honest/0, at_block: 30", "node: chain, at_block: 30", "faults[0].crash.node: the chain does not crash"),
        (
            "restart_at_block: 45",
            "restart_at_block: 25",
            "faults[0].crash.restart_at_block: 25 is not after at_block 30",
        ),
        ("name: lazy", "name: honest", "\"honest\" is taken"),
        ("target: miners/5", "target: copycat/0", "is not one miner (group/index) of this subnet that trains"),
        ("stake_tao: 1500", "stake_tao: 20900000", "more than the 21 M supply"),
        (
            "tempo: 20,",
            "tempo: 20, owner_uid: 3,",
            "subnets[0].hyperparameters.owner_uid: the subnet owner is not an actor",
        ),
        ("duration:", "profile: head-2027\nduration:", "profile: unknown profile \"head-2027\""),
        (
            "stake_tao: 1500",
            "stake_tao: 1500, stake_alpha: 1500",
            "subnets[0].validators[1].stake_alpha: a validator group states one of stake_tao, stake_alpha or stake_share",
        ),
        ("stake_tao: 1500", "stake_share: 1.5", "subnets[0].validators[1].stake_share: 1.5 is not a share in (0, 1]"),
        (
            "stake_tao: 1500}\n      - {name: follower, count: 1, policy: consensus_copier, stake_tao: 500}",
            "stake_share: 0.6}\n      - {name: follower, count: 1, policy: consensus_copier, stake_share: 0.6}",
            "subnets[0].validators[2].stake_share: the shares of this subnet's validator groups sum to 1.2, more than 1",
        ),
        ("seed: 7", "seed: 7\nreport: {bond: true}", "report.bond: unknown field `bond`"),
        (
            "seed: 7",
            "seed: 7\nexpect: [{observable: incentive_share, group: sybils, relative_to: ghosts, max: 1}]",
            "expect[0].relative_to: no actor group \"ghosts\" on subnet \"digits\"",
        ),
    ];
    for (from, to, expected) in cases {
        assert!(good.contains(from), "{from:?} is in smoke.yaml");
        assert_scenario_refused(&good.replace(from, to), expected);
    }
    let legacy = good.replace("\nduration:", "\nprofile: legacy-2024\nduration:");
    assert_scenario_refused(
        &legacy.replace("stake_tao: 1500", "stake_alpha: 1500"),
        "subnets[0].validators[1].stake_alpha: legacy-2024 has no alpha",
    );
    assert_scenario_refused("version: 1\nname: x\n", "missing field `seed`");
    assert_scenario_refused("{{{", "line 1");
    // The YAML scanner is quadratic in nesting depth (37 s for this one): refused before parsing.
    let deep = format!("version: 1\nname: x\nsubnets: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    assert_scenario_refused(&deep, "line 3 column 74: flow collections nested deeper than 64 levels");
}

#[test]
fn a_share_and_alpha_stated_in_a_run_are_what_validators_hold_and_the_books_balance_after_every_block() {
    let dir = temp_dir("stakes");
    let path = dir.join("stakes.yaml");
    let smoke = std::fs::read_to_string(scenario("smoke.yaml")).unwrap();
    let stated = smoke
        .replace("policy: weight_copier, stake_tao: 1500}", "policy: weight_copier, stake_share: 0.2}")
        .replace("cabal: {miners: [friends]}}, stake_tao: 800}", "cabal: {miners: [friends]}}, stake_alpha: 700}");
    std::fs::write(&path, stated).unwrap();
    let (output, bytes) = run(&path, &dir.join("out"), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    // Alpha issued into stakes outside the chain's books (issuance, alpha outstanding) breaks
    // conservation in the first block, and the run stops.
    assert_eq!(report["chain"]["conservation"], "held after every block");
    let subnet = &report["subnets"][0];
    let actor = |name: &str| subnet["actors"].as_array().unwrap().iter().find(|a| a["name"] == name).unwrap().clone();
    assert_eq!(actor("cabal/0")["genesis_alpha_rao"], 700_000_000_000_u64);
    assert!(actor("cabal/0").get("genesis_stake_rao").is_none());
    // The copier is UID 3; at the first epoch it holds its 0.2 within the u16's flooring.
    assert_eq!(actor("copier/0")["uid"], 3);
    let first = subnet["epochs"][0]["stake_weight"][3].as_u64().unwrap();
    assert!((13_106..=13_107).contains(&first), "0.2 of 65 535 is 13 107: {first}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_fault_after_the_last_block_is_valid_but_warned_about() {
    let dir = temp_dir("late-fault");
    let path = dir.join("late.yaml");
    let smoke = std::fs::read_to_string(scenario("smoke.yaml")).unwrap();
    std::fs::write(&path, smoke.replace("at_block: 30, restart_at_block: 45", "at_block: 300")).unwrap();
    let output = tensorsim(&["validate", path.to_str().unwrap()], None);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output)
            .contains("faults[0].at_block: 300 is not before the run's last block 126; it never takes effect"),
        "{}",
        stderr(&output)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("9 faults, 1 upgrades"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_genesis_the_chain_refuses_is_bad_input() {
    let good = std::fs::read_to_string(scenario("smoke.yaml")).unwrap();
    let dir = temp_dir("genesis");
    let path = dir.join("dust.yaml");
    // Below the chain's minimum stake (2 000 000 RAO): valid YAML, refused at genesis.
    std::fs::write(&path, good.replace("stake_tao: 1500", "stake_tao: 0.000001")).unwrap();
    let output = tensorsim(&["run", path.to_str().unwrap(), "--out", dir.join("out").to_str().unwrap()], None);
    assert_refused(&output, "copier/0: cannot stake at genesis");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_schema_describes_every_scenario_key() {
    let output = tensorsim(&["schema"], None);
    assert!(output.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let properties = schema["properties"].as_object().unwrap();
    for key in ["version", "seed", "duration", "network", "subnets", "faults", "upgrades", "expect", "report"] {
        assert!(properties.contains_key(key), "{key}");
    }
    let committed = std::fs::read(scenario("scenario.schema.json")).unwrap();
    assert_eq!(committed, output.stdout, "scenarios/scenario.schema.json is `tensorsim schema` (regenerate it)");
}

#[test]
fn a_run_without_quiet_shows_its_summary_and_writes_the_same_report() {
    // Without --quiet the progress is observed from inside the simulation, where madsim refuses
    // to start a thread: a progress bar started there made every such run a "bug" (exit 1).
    let dir = temp_dir("loud");
    let smoke = common::scenario("smoke.yaml");
    let (quiet, quiet_report) = run(&smoke, &dir.join("quiet"), &[]);
    assert!(quiet.status.success());
    let loud = tensorsim(&["run", smoke.to_str().unwrap(), "--out", dir.join("loud").to_str().unwrap()], None);
    assert_eq!(loud.status.code(), Some(0), "{}", stderr(&loud));
    let summary = stderr(&loud);
    assert!(summary.contains("wall time: training") && summary.contains("report: "), "{summary}");
    assert_eq!(std::fs::read(dir.join("loud/report.json")).unwrap(), quiet_report);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The links are the scenario's, nothing added: before issue 12 madsim's network put its own
/// pauses (at least 1 ms on sending and on receiving) and wire latency under every hop, so a
/// round trip over two 7 ms links took 18 ms and more. A node handles its mailbox at most once a
/// millisecond, so a hop may be up to 1 ms late, never early.
#[test]
fn a_query_over_fixed_latency_links_takes_twice_the_latency_and_the_miners_compute_time() {
    let dir = temp_dir("latency");
    let path = dir.join("latency.yaml");
    let text = "version: 1\nname: latency\nseed: 3\nduration: {blocks: 60}\n\
                network: {latency: {fixed: {ms: 7}}, loss: 0}\n\
                subnets:\n  - name: digits\n    task: digits\n    hyperparameters: {tempo: 20}\n\
                \x20   validators: [{name: v, count: 2, stake_tao: 1000}]\n\
                \x20   miners: [{name: m, count: 6}]\n";
    std::fs::write(&path, text).unwrap();
    let (output, bytes) = run(&path, &dir.join("out"), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let queries = &report["subnets"][0]["queries"];
    assert!(queries["answered"].as_u64().unwrap() > 100, "{queries}");
    let latency_ms = |field: &str| queries["latency_ms"][field].as_f64().unwrap();
    // The miner's compute time (200 µs of handling and the model) is well under 1 ms.
    assert!(latency_ms("p50") >= 14.2 && latency_ms("max") < 15.0, "{queries}");
    std::fs::remove_dir_all(&dir).unwrap();
}
