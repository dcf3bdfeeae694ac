//! `tensorsim ab` and `tensorsim diff` through the binary: ab writes both runs and their diff; a
//! report diffed with itself is all zeros; thresholds decide the exit code; bad input exits 2
//! with one line naming the file and the field.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{assert_refused, scenario, stderr, tensorsim};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tensorsim-diff-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `ab` on the smoke scenario under yuma3-2025 (A) and head-2026 (B), into `dir`.
fn ab(dir: &Path, extra: &[&str]) -> Output {
    let smoke = scenario("smoke.yaml");
    let mut args =
        vec!["ab", path(&smoke), "--profile", "yuma3-2025", "--profile", "head-2026", "--out", path(dir), "--quiet"];
    args.extend_from_slice(extra);
    tensorsim(&args, None)
}

fn json(file: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap()
}

#[test]
fn ab_runs_the_scenario_under_both_profiles_and_writes_both_reports_and_their_diff() {
    let dir = temp_dir("ab");
    let output = ab(&dir, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let files = ["A/report.json", "A/report.md", "A/report.html", "B/report.json", "B/report.md", "B/report.html"];
    let tables = ["A/epochs.csv", "A/actors.csv", "A/actor_series.csv", "B/epochs.csv", "B/actors.csv"];
    for file in files.into_iter().chain(tables).chain(["diff.json", "diff.md", "diff.html"]) {
        assert!(dir.join(file).exists(), "{file} missing");
    }
    assert_eq!(json(&dir.join("A/report.json"))["run"]["profile"], "yuma3-2025");
    assert_eq!(json(&dir.join("B/report.json"))["run"]["profile"], "head-2026");
    let diff = json(&dir.join("diff.json"));
    assert_eq!((&diff["a"]["profile"], &diff["b"]["profile"]), (&"yuma3-2025".into(), &"head-2026".into()));
    // Two eras of Yuma on one seed: something moves, and the table shows it.
    let changed = diff["observables"].as_array().unwrap().iter().filter(|r| r["absolute_change"] != 0.0).count();
    assert!(changed > 0, "{diff}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("incentive_share[miners]") && stdout.contains("largest changes by UID"), "{stdout}");
    assert!(stdout.contains("stability.incentive_kendall_tau_mean"), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_report_diffed_with_itself_is_all_zeros_and_exits_0() {
    let dir = temp_dir("self");
    assert!(ab(&dir, &[]).status.success());
    let a = dir.join("A/report.json");
    let out = dir.join("self");
    let output = tensorsim(&["diff", path(&a), path(&a), "--out", path(&out)], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let diff = json(&out.join("diff.json"));
    let rows = diff["observables"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["absolute_change"] == 0.0 || r["a"].is_null() && r["b"].is_null()), "{diff}");
    assert!(diff["epochs"].as_array().unwrap().iter().all(|e| e["largest"].as_array().unwrap().is_empty()));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_threshold_exceeded_exits_1_listing_each_and_naming_the_first() {
    let dir = temp_dir("thresholds");
    let thresholds = dir.join("thresholds.yaml");
    std::fs::write(
        &thresholds,
        "thresholds:\n  - {observable: incentive_share, group: sybils, max_absolute: 0.001}\n  \
         - {observable: incentive, max_absolute: 100}\n  - {observable: query_timeout_rate, max_absolute: 1}\n",
    )
    .unwrap();
    let output = ab(&dir, &["--thresholds", path(&thresholds)]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    let listed = err.lines().filter(|l| l.starts_with("threshold exceeded: ")).count();
    assert!(listed >= 2, "{err}");
    let last = err.lines().last().unwrap();
    assert!(
        last.starts_with("error: ") && last.contains("the first: incentive_share[sybils] max_absolute 0.001"),
        "{err}"
    );
    // The same two reports under a loose bound: exit 0.
    let loose = dir.join("loose.yaml");
    std::fs::write(&loose, "thresholds: [{observable: incentive_share, max_absolute: 1}]\n").unwrap();
    let (a, b) = (dir.join("A/report.json"), dir.join("B/report.json"));
    let output = tensorsim(&["diff", path(&a), path(&b), "--thresholds", path(&loose)], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn reports_of_different_scenarios_are_refused_unless_forced() {
    let dir = temp_dir("scenarios");
    assert!(ab(&dir, &[]).status.success());
    let a = dir.join("A/report.json");
    let other = dir.join("other.json");
    let text = std::fs::read_to_string(&a).unwrap().replace("\"scenario\": \"smoke\"", "\"scenario\": \"smoky\"");
    std::fs::write(&other, text).unwrap();
    let output = tensorsim(&["diff", path(&a), path(&other), "--out", path(&dir)], None);
    assert_refused(&output, "different scenarios: \"smoke\" and \"smoky\" (--force compares them anyway)");
    let output = tensorsim(&["diff", path(&a), path(&other), "--out", path(&dir), "--force"], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).starts_with("warning: the reports are of different scenarios"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_reports_thresholds_and_variants_are_refused_with_one_line_naming_the_file_and_field() {
    let dir = temp_dir("bad");
    let report = dir.join("report.json");
    std::fs::write(&report, r#"{"tensorsim": {"report_version": 2}, "run": {}}"#).unwrap();
    let missing = dir.join("missing.json");
    assert_refused(&tensorsim(&["diff", path(&missing), path(&report)], None), "missing.json: cannot read");
    assert_refused(&tensorsim(&["diff", path(&report), path(&report)], None), "report.json: run: missing field");
    let not_json = dir.join("not.json");
    std::fs::write(&not_json, "report").unwrap();
    assert_refused(&tensorsim(&["diff", path(&not_json), path(&report)], None), "not.json: not JSON");
    let thresholds = dir.join("t.yaml");
    std::fs::write(&thresholds, "thresholds: [{observable: nope, max_absolute: 1}]\n").unwrap();
    let args = ["diff", path(&report), path(&report), "--thresholds", path(&thresholds)];
    assert_refused(&tensorsim(&args, None), "t.yaml: thresholds[0].observable: unknown observable \"nope\"");
    let smoke = scenario("smoke.yaml");
    let set = ["ab", path(&smoke), "--profile", "head-2026", "--set", "kappa=-1", "--out", path(&dir)];
    assert_refused(&tensorsim(&set, None), "(variant B): subnets[0].hyperparameters.kappa");
    let alone = ["ab", path(&smoke), "--profile", "head-2026", "--out", path(&dir)];
    assert_refused(&tensorsim(&alone, None), "--profile: ab needs two profiles");
    assert!(!dir.join("A").exists(), "nothing ran");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn ab_with_set_changes_the_hyperparameter_in_b_only_and_the_diff_names_it() {
    let dir = temp_dir("set");
    let smoke = scenario("smoke.yaml");
    let output = tensorsim(&["ab", path(&smoke), "--set", "kappa=40000", "--out", path(&dir), "--quiet"], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let kappa =
        |side: &str| json(&dir.join(side).join("report.json"))["subnets"][0]["hyperparameters"]["kappa"].clone();
    assert_eq!((kappa("A"), kappa("B")), (32_767.into(), 40_000.into()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("hyperparameters at genesis: digits kappa 32767 → 40000\n"), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}
