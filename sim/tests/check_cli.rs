//! `tensorsim check` through the binary: golden files written and then held; a drifted golden
//! named by its earliest epoch, field and UID; determinism across two processes; JUnit XML; bad
//! input refused before anything runs. On the smoke scenario (a fraction of a second a run).

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{assert_refused, scenario, stderr, tensorsim};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tensorsim-check-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `check` of the smoke scenario against goldens in `dir`, runs kept under `dir/out`.
fn check(dir: &Path, extra: &[&str]) -> Output {
    let smoke = scenario("smoke.yaml");
    let (golden, out) = (dir.join("golden"), dir.join("out"));
    let mut args = vec!["check", path(&smoke), "--golden", path(&golden), "--out", path(&out), "--quiet"];
    args.extend_from_slice(extra);
    tensorsim(&args, None)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn update_writes_the_golden_report_and_a_check_against_it_passes_in_two_processes() {
    let dir = temp_dir("update");
    let written = check(&dir, &["--update"]);
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    let golden = std::fs::read(dir.join("golden/smoke.json")).unwrap();
    assert_eq!(golden, std::fs::read(dir.join("out/smoke/a/report.json")).unwrap());
    let checked = check(&dir, &["--determinism", "--junit", path(&dir.join("junit.xml"))]);
    assert_eq!(checked.status.code(), Some(0), "{}{}", stdout(&checked), stderr(&checked));
    let table = stdout(&checked);
    for line in ["ok    smoke", "golden", "determinism", "expectations"] {
        assert!(table.contains(line), "{table}");
    }
    let junit = std::fs::read_to_string(dir.join("junit.xml")).unwrap();
    assert!(junit.contains("tests=\"3\" failures=\"0\""), "{junit}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_drifted_golden_fails_naming_the_epoch_field_and_uid_in_the_table_json_and_junit() {
    let dir = temp_dir("drift");
    assert!(check(&dir, &["--update"]).status.success());
    let golden_path = dir.join("golden/smoke.json");
    let mut golden: serde_json::Value = serde_json::from_slice(&std::fs::read(&golden_path).unwrap()).unwrap();
    let epoch = &mut golden["subnets"][0]["epochs"][2];
    let block = epoch["block"].as_u64().unwrap();
    let dividends = epoch["dividends"][1].as_u64().unwrap();
    epoch["dividends"][1] = (dividends + 7).into();
    std::fs::write(&golden_path, serde_json::to_vec_pretty(&golden).unwrap()).unwrap();

    let junit_path = dir.join("junit.xml");
    let failed = check(&dir, &["--junit", path(&junit_path)]);
    assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));
    let expected = format!("epoch at block {block}, uid 1, field dividends: golden {}, now {dividends}", dividends + 7);
    assert!(stdout(&failed).contains(&expected), "{}", stdout(&failed));
    assert!(std::fs::read_to_string(&junit_path).unwrap().contains(&expected));
    assert!(stderr(&failed).contains("1 of 2 checks failed"), "{}", stderr(&failed));

    let json = check(&dir, &["--json"]);
    let summary: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!((&summary["passed"], &summary["failures"]), (&false.into(), &1.into()));
    assert!(summary["results"][0]["message"].as_str().unwrap().contains(&expected));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_golden_fails_and_says_how_to_write_it() {
    let dir = temp_dir("missing");
    let failed = check(&dir, &[]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(stdout(&failed).contains("no golden report at") && stdout(&failed).contains("--update"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_scenario_or_two_of_one_name_are_refused_before_anything_runs() {
    let dir = temp_dir("bad");
    let missing = dir.join("missing.yaml");
    assert_refused(&tensorsim(&["check", path(&missing)], None), "missing.yaml: cannot read");
    let smoke = scenario("smoke.yaml");
    let twice = tensorsim(&["check", path(&smoke), path(&smoke), "--out", path(&dir)], None);
    assert_refused(&twice, "name \"smoke\" is also");
    // clap's own usage error: several lines, but exit 2 like every bad flag.
    assert_eq!(tensorsim(&["check"], None).status.code(), Some(2));
    assert!(!dir.join("smoke").exists(), "nothing ran");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_example_ci_workflow_is_yaml_and_uses_only_flags_check_has() {
    // The workflow users copy must not rot: every `--flag` on its `tensorsim check` lines is one
    // `check --help` lists.
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/ci/github-actions.yml");
    let text = std::fs::read_to_string(&file).unwrap();
    let _: serde_yaml::Value = serde_yaml::from_str(&text).expect("the workflow is YAML");
    let help = stdout(&tensorsim(&["check", "--help"], None));
    // The last mention is the step that runs it (the first is in the header comment).
    let command = text.rsplit("tensorsim check ").next().expect("the workflow runs tensorsim check");
    let command = command.split("\n\n").next().unwrap();
    let flags: Vec<&str> = command.split_whitespace().filter(|word| word.starts_with("--")).collect();
    assert!(flags.len() >= 4, "{flags:?}");
    for flag in flags {
        assert!(
            help.contains(&format!("{flag} ")) || help.contains(&format!("{flag}\n")),
            "{flag} is not in check --help"
        );
    }
}
