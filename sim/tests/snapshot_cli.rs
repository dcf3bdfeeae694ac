//! `tensorsim replay --metagraph` and `tensorsim diff` of replay outputs through the binary: a
//! 256-UID snapshot written here (64 validators, 192 miners, noisy weights, bonds) replayed under
//! two profiles and under a `--set`, the diff naming the UIDs whose dividends move most; the same
//! snapshot gives the same bytes; bad snapshots and mixed inputs exit 2 with one line; the Python
//! script's snapshots replay.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{assert_refused, stderr, tensorsim};
use serde::Serialize;
use serde_json::Value;

const VALIDATORS: u16 = 64;
const UIDS: u16 = 256;
const BLOCK: u64 = 5_000_000;
const RAO_PER_TAO: u64 = 1_000_000_000;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tensorsim-snapshot-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn json(file: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap()
}

/// SplitMix64: a small deterministic stream, so the snapshot is the same on every run.
struct Stream(u64);

impl Stream {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }
}

/// The snapshot format as this test writes it: its own types, so that a renamed field in the
/// parser fails here.
#[derive(Serialize)]
struct SnapshotOut {
    snapshot_version: u64,
    netuid: u16,
    block: u64,
    hyperparameters: Value,
    neurons: Vec<NeuronOut>,
}

#[derive(Serialize)]
struct NeuronOut {
    uid: u16,
    hotkey: String,
    stake_rao: u64,
    validator_permit: bool,
    last_update: u64,
    registered_at: u64,
    weights: Vec<(u16, u16)>,
    bonds: Vec<(u16, u16)>,
}

/// A hotkey-like string of 48 base-58 characters starting with 5, as ss58 addresses do.
fn hotkey(stream: &mut Stream) -> String {
    const BASE58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let tail: String = (0..47).map(|_| BASE58[stream.below(58) as usize] as char).collect();
    format!("5{tail}")
}

/// A validator's weights over the miners: each miner's quality (rising with its UID) with ±25 %
/// noise, a tenth of the entries explicit zeros; four validators (56..60) weight only their own
/// ten miners, a cabal; max-upscaled as the chain stores them.
fn weights_row(uid: u16, stream: &mut Stream) -> Vec<(u16, u16)> {
    let raw: Vec<(u16, u64)> = (VALIDATORS..UIDS)
        .map(|miner| {
            let quality = 100 + 4 * u64::from(miner - VALIDATORS);
            let cabal = (56..60).contains(&uid);
            let value = if cabal {
                if miner < VALIDATORS + 10 { 1_000 } else { 0 }
            } else if stream.below(10) == 0 {
                0
            } else {
                quality * (75 + stream.below(51)) / 100
            };
            (miner, value)
        })
        .collect();
    let max = raw.iter().map(|&(_, v)| v).max().unwrap().max(1);
    raw.into_iter().map(|(miner, v)| (miner, (v * 65_535 / max) as u16)).collect()
}

/// The 256-UID snapshot: validators 0..64 with 1 000 to 100 000 TAO of stake weight (four of them,
/// 60..64, stale beyond the activity cutoff), miners 64..256 with a little stake, some registered
/// within the last tempo; validators hold bonds to the miners they weight.
fn snapshot_256() -> String {
    let mut stream = Stream(2026);
    let mut neurons = Vec::new();
    for uid in 0..UIDS {
        let validator = uid < VALIDATORS;
        let weights = if validator { weights_row(uid, &mut stream) } else { Vec::new() };
        let bonds = weights
            .iter()
            .filter(|&&(_, w)| w > 0)
            .map(|&(miner, w)| (miner, (u64::from(w) * (20 + stream.below(30)) / 100) as u16))
            .collect();
        let stake_tao = if validator { 1_000 + stream.below(99_000) } else { stream.below(500) };
        let last_update = match uid {
            60..64 => BLOCK - 20_000,
            _ if validator => BLOCK - stream.below(360),
            _ => BLOCK - 400_000 + stream.below(1_000),
        };
        let registered_at = if !validator && uid % 50 == 0 { BLOCK - 100 } else { last_update.min(BLOCK - 500_000) };
        neurons.push(NeuronOut {
            uid,
            hotkey: hotkey(&mut stream),
            stake_rao: stake_tao * RAO_PER_TAO,
            validator_permit: validator,
            last_update: last_update.max(registered_at),
            registered_at,
            weights,
            bonds,
        });
    }
    let hyperparameters = serde_json::json!({
        "tempo": 360, "kappa": 32767, "bonds_moving_average": 900000, "yuma3": true, "liquid_alpha": false,
        "max_allowed_uids": 256, "max_allowed_validators": 64, "activity_cutoff": 5000, "commit_reveal": true
    });
    let snapshot = SnapshotOut { snapshot_version: 1, netuid: 7, block: BLOCK, hyperparameters, neurons };
    serde_json::to_string_pretty(&snapshot).unwrap()
}

/// Replays `snapshot` for 20 epochs with `extra` flags into `out`.
fn replay(snapshot: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["replay", "--metagraph", path(snapshot), "--epochs", "20", "--out", path(out)];
    args.extend_from_slice(extra);
    tensorsim(&args, None)
}

/// The largest |B − A| of `field` over all epochs and UIDs of two outputs, the first where it
/// occurs: (epoch, uid, change).
fn largest_change(a: &Value, b: &Value, field: &str) -> (usize, usize, i128) {
    let mut largest = (0, 0, 0i128);
    for (e, (ea, eb)) in a["epochs"].as_array().unwrap().iter().zip(b["epochs"].as_array().unwrap()).enumerate() {
        let (va, vb) = (ea[field].as_array().unwrap(), eb[field].as_array().unwrap());
        for (uid, (x, y)) in va.iter().zip(vb).enumerate() {
            let change = i128::from(y.as_u64().unwrap()) - i128::from(x.as_u64().unwrap());
            if change.abs() > largest.2.abs() {
                largest = (e, uid, change);
            }
        }
    }
    largest
}

#[test]
fn a_256_uid_snapshot_replayed_under_two_profiles_diffs_naming_the_validators_whose_dividends_move_most() {
    let dir = temp_dir("profiles");
    let snapshot = dir.join("snapshot.json");
    std::fs::write(&snapshot, snapshot_256()).unwrap();
    let (a, b) = (dir.join("dtao.json"), dir.join("head.json"));
    for (out, profile) in [(&a, "dtao-2025"), (&b, "head-2026")] {
        let output = replay(&snapshot, out, &["--profile", profile]);
        assert_eq!(output.status.code(), Some(0), "{profile}: {}", stderr(&output));
    }
    let (out_a, out_b) = (json(&a), json(&b));
    assert_eq!(out_a["epochs"].as_array().unwrap().len(), 20);
    assert_eq!(out_b["epochs"][19]["dividends"].as_array().unwrap().len(), 256);
    assert_eq!(out_a["name"], out_b["name"], "one snapshot, one case");
    let output = tensorsim(&["diff", path(&a), path(&b), "--metagraph", path(&snapshot), "--out", path(&dir)], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let table = String::from_utf8_lossy(&output.stdout).into_owned();
    println!("{table}");
    let diff = json(&dir.join("diff.json"));
    let snapshot_json = json(&snapshot);

    // The field summary names the largest dividends change, found here from the two outputs.
    let (epoch, uid, change) = largest_change(&out_a, &out_b, "dividends");
    assert!(change != 0 && uid < usize::from(VALIDATORS), "original Yuma and Yuma3 pay validators differently");
    let dividends = &diff["fields"][2];
    assert_eq!(dividends["field"], "dividends");
    let at = &dividends["largest"];
    assert_eq!((at["epoch"].as_u64(), at["change"]["uid"].as_u64()), (Some(epoch as u64), Some(uid as u64)), "{at}");
    assert_eq!(at["change"]["change"].as_i64(), Some(change as i64));
    assert_eq!(at["change"]["hotkey"], snapshot_json["neurons"][uid]["hotkey"]);
    // Every dividends change listed is a validator's: miners hold no permit, so no dividends.
    for epoch in diff["epochs"].as_array().unwrap() {
        for c in epoch["largest"].as_array().unwrap().iter().filter(|c| c["field"] == "dividends") {
            assert!(c["uid"].as_u64().unwrap() < u64::from(VALIDATORS), "{c}");
        }
    }
    // The table's first row of UID changes is the largest of all, by share: dividends here (a u16
    // of 65535), larger than any emission change (a share of the epoch's emission).
    let first_row = table.lines().skip_while(|l| !l.starts_with("largest changes by UID")).nth(2).unwrap();
    let cells: Vec<&str> = first_row.split_whitespace().collect();
    assert_eq!(cells[0], "dividends", "{table}");
    assert_eq!(cells[3], uid.to_string(), "{table}");
    assert_eq!(cells[4], snapshot_json["neurons"][uid]["hotkey"].as_str().unwrap());
    assert_eq!(cells[7], format!("{change:+}"), "{table}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_set_on_the_snapshot_s_hyperparameters_moves_dividends_and_the_diff_shows_it() {
    let dir = temp_dir("set");
    let snapshot = dir.join("snapshot.json");
    std::fs::write(&snapshot, snapshot_256()).unwrap();
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    assert!(replay(&snapshot, &a, &[]).status.success());
    let output = replay(&snapshot, &b, &["--set", "liquid_alpha=true", "--set", "bonds_moving_average=975000"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let (_, uid, change) = largest_change(&json(&a), &json(&b), "dividends");
    assert!(change != 0 && uid < usize::from(VALIDATORS), "{uid} {change}");
    let (_, _, incentive) = largest_change(&json(&a), &json(&b), "incentive");
    assert_eq!(incentive, 0, "bonds settings move dividends, not incentive");
    let output = tensorsim(&["diff", path(&a), path(&b), "--out", path(&dir)], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(table.contains("unchanged in every epoch: consensus, incentive, validator_trust\n"), "{table}");
    // Held to a bound the change exceeds: exit 1, naming the UID.
    let thresholds = dir.join("t.yaml");
    std::fs::write(&thresholds, "thresholds: [{observable: dividends, max_absolute: 10}]\n").unwrap();
    let output = tensorsim(&["diff", path(&a), path(&b), "--out", path(&dir), "--thresholds", path(&thresholds)], None);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("threshold exceeded: dividends max_absolute 10: epoch "), "{}", stderr(&output));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_same_snapshot_gives_the_same_bytes_in_every_process() {
    let dir = temp_dir("determinism");
    let snapshot = dir.join("snapshot.json");
    std::fs::write(&snapshot, snapshot_256()).unwrap();
    assert_eq!(snapshot_256(), snapshot_256(), "the test writes one snapshot");
    let runs: Vec<Vec<u8>> = (0..2)
        .map(|k| {
            let out = dir.join(format!("{k}.json"));
            assert!(replay(&snapshot, &out, &["--profile", "yuma3-2025"]).status.success());
            std::fs::read(out).unwrap()
        })
        .collect();
    assert_eq!(runs[0], runs[1]);
    let stdout =
        tensorsim(&["replay", "--metagraph", path(&snapshot), "--epochs", "20", "--profile", "yuma3-2025"], None);
    assert_eq!(stdout.stdout, runs[0], "standard output holds the same bytes");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_snapshots_and_flags_are_refused_with_one_line_naming_the_field() {
    let dir = temp_dir("bad");
    let snapshot = dir.join("snapshot.json");
    let good = snapshot_256();
    // The snapshot with `pointer` (a JSON pointer) set to `value`, replayed with `extra` flags.
    let refused = |pointer: &str, value: Value, extra: &[&str], expected: &str| {
        let mut bad: Value = serde_json::from_str(&good).unwrap();
        *bad.pointer_mut(pointer).unwrap_or_else(|| panic!("{pointer}")) = value;
        std::fs::write(&snapshot, bad.to_string()).unwrap();
        let mut args = vec!["replay", "--metagraph", path(&snapshot)];
        args.extend_from_slice(extra);
        if !extra.contains(&"--epochs") {
            args.extend(["--epochs", "2"]);
        }
        assert_refused(&tensorsim(&args, None), expected);
    };
    use serde_json::json;
    refused("/neurons/3/uid", json!(4), &[], "snapshot.json: neurons[3].uid: 4 where 3 belongs");
    refused(
        "/neurons/0/weights/0/0",
        json!(300),
        &[],
        "snapshot.json: neurons[0].weights[0]: uid 300 is out of range (n = 256)",
    );
    refused("/neurons/5/bonds/1", json!([64, 1]), &[], "neurons[5].bonds[1]: uid 64 appears twice");
    refused("/neurons/9/hotkey", json!(""), &[], "neurons[9].hotkey: an empty hotkey");
    refused("/neurons/70/stake_rao", json!(-5), &[], "neurons[70].stake_rao: invalid value");
    refused("/neurons/70/validator_permit", json!("yes"), &[], "neurons[70].validator_permit: invalid type");
    refused("/block", json!(5), &[], "neurons[0].last_update: block");
    refused("/snapshot_version", json!(2), &[], "snapshot_version: 2 is not a version this tensorsim reads (1)");
    refused("/hyperparameters/tempo", json!("x"), &[], "hyperparameters.tempo: invalid type");
    refused("/netuid", json!(1), &["--set", "kappa=70000"], "--set kappa: invalid value");
    refused("/netuid", json!(1), &["--profile", "head-2027"], "--profile: unknown profile \"head-2027\"");
    refused("/netuid", json!(1), &["--epochs", "0"], "--epochs: 0 is outside 1..=100000");
    std::fs::write(&snapshot, &good).unwrap();
    let alone = ["replay", path(&snapshot), "--epochs", "2"];
    assert_refused(
        &tensorsim(&alone, None),
        "--epochs, --set and --emission-rao replay a snapshot: they need --metagraph",
    );
    let output = tensorsim(&["replay", "--metagraph", path(&snapshot)], None);
    assert_eq!(output.status.code(), Some(2), "clap requires --epochs");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_run_report_beside_a_replay_output_and_outputs_of_other_snapshots_are_refused() {
    let dir = temp_dir("mixed");
    let snapshot = dir.join("snapshot.json");
    std::fs::write(&snapshot, snapshot_256()).unwrap();
    let out = dir.join("out.json");
    assert!(replay(&snapshot, &out, &[]).status.success());
    // Told apart by their keys before either is read in full: a mix is refused as a mix.
    let report = dir.join("report.json");
    std::fs::write(&report, r#"{"tensorsim": {"report_version": 2}, "run": {}}"#).unwrap();
    let output = tensorsim(&["diff", path(&report), path(&out), "--out", path(&dir)], None);
    assert_refused(&output, "report.json is a run report and");
    assert_refused(&output, "out.json a replay output: diff compares two run reports or two replay outputs");
    let args = ["diff", path(&report), path(&report), "--metagraph", path(&snapshot), "--out", path(&dir)];
    assert_refused(&tensorsim(&args, None), "the hotkeys of a snapshot name the UIDs of replay outputs");
    // Another snapshot (one stake moved): its replay is another case, and its hotkeys name no UID here.
    let other_snapshot = dir.join("other.json");
    std::fs::write(&other_snapshot, snapshot_256().replacen("\"stake_rao\": ", "\"stake_rao\": 1", 1)).unwrap();
    let other = dir.join("other-out.json");
    assert!(replay(&other_snapshot, &other, &[]).status.success());
    assert_refused(&tensorsim(&["diff", path(&out), path(&other), "--out", path(&dir)], None), "different cases: ");
    let forced = tensorsim(&["diff", path(&out), path(&other), "--out", path(&dir), "--force"], None);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert!(stderr(&forced).starts_with("warning: the replay outputs are of different cases"));
    let args = ["diff", path(&out), path(&out), "--metagraph", path(&other_snapshot), "--out", path(&dir)];
    assert_refused(&tensorsim(&args, None), "not the snapshot the outputs were replayed from");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_snapshot_the_python_script_writes_from_a_metagraph_replays() {
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts");
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("skipped: no python3 to run scripts/metagraph_snapshot.py");
        return;
    }
    let dir = temp_dir("python");
    let snapshot = dir.join("fake.json");
    let program = "import sys; sys.path.insert(0, sys.argv[1]); import test_metagraph_snapshot as t; t.write_fake_snapshot(sys.argv[2])";
    let written = Command::new("python3").args(["-c", program, path(&scripts), path(&snapshot)]).output().unwrap();
    assert!(written.status.success(), "{}", String::from_utf8_lossy(&written.stderr));
    let out = dir.join("out.json");
    let output = tensorsim(&["replay", "--metagraph", path(&snapshot), "--epochs", "3", "--out", path(&out)], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let replayed = json(&out);
    assert_eq!(replayed["epochs"].as_array().unwrap().len(), 3);
    // The fake metagraph's two validators weight three miners: the miners earn, the validators
    // are paid dividends.
    let last = &replayed["epochs"][2];
    let incentive: Vec<u64> = last["incentive"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    assert_eq!(incentive.len(), 5);
    assert!(incentive[2..].iter().all(|&i| i > 0) && incentive[..2] == [0, 0], "{incentive:?}");
    assert!(last["dividends"][0].as_u64().unwrap() > 0);
    std::fs::remove_dir_all(&dir).unwrap();
}
