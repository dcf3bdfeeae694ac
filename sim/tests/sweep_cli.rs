//! `tensorsim sweep` and `merge` through the binary, on the smoke scenario (a fraction of a second
//! a point): the table, resumption, shards merged into the same bytes as one sweep, and bad input.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{assert_refused, scenario, stderr, tensorsim};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tensorsim-sweep-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A sweep of smoke.yaml over kappa × 2 seeds (4 points), written into `dir`, with `from` → `to`.
fn sweep_file(dir: &Path, from: &str, to: &str) -> PathBuf {
    let text = format!(
        "version: 1\nname: kappa\nscenario: {}\nseeds: [1, 2]\n\
         grid:\n  - {{path: \"subnets[0].hyperparameters.kappa\", values: [32767, 45000]}}\n\
         collect:\n  - {{observable: incentive_share, subnet: digits, group: friends}}\n  \
         - {{observable: validator_stake.gini, subnet: digits}}\n",
        path(&scenario("smoke.yaml"))
    );
    assert!(text.contains(from), "{from:?}");
    let file = dir.join("sweep.yaml");
    std::fs::write(&file, text.replace(from, to)).unwrap();
    file
}

fn sweep(file: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["sweep", path(file), "--out", path(out), "--quiet", "--jobs", "2"];
    args.extend_from_slice(extra);
    tensorsim(&args, None)
}

fn read(file: &Path) -> String {
    std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

#[test]
fn a_sweep_writes_a_row_per_point_and_a_row_per_cell_and_resumes_without_rerunning() {
    let dir = temp_dir("table");
    let (file, out) = (sweep_file(&dir, "", ""), dir.join("out"));
    let first = sweep(&file, &out, &[]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let csv = read(&out.join("sweep.csv"));
    assert_eq!(csv.lines().count(), 1 + 4, "{csv}");
    assert!(csv.starts_with("point,subnets[0].hyperparameters.kappa,seed,digits.incentive_share[friends],"));
    // Kappa changes the runs: the two cells' reports differ (a grid value that did not reach the
    // scenario would give equal hashes).
    let hashes: Vec<&str> = csv.lines().skip(1).map(|l| l.rsplit(',').next().unwrap()).collect();
    assert_ne!(hashes[0], hashes[2], "{csv}");
    let md = read(&out.join("sweep.md"));
    assert!(md.contains("| 32767 | 2 |") && md.contains("| 45000 | 2 |"), "{md}");

    let again = sweep(&file, &out, &[]);
    assert!(stderr(&again).contains("0 points ran, 4 already done"), "{}", stderr(&again));
    assert_eq!(read(&out.join("sweep.csv")), csv);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn three_shards_merged_write_the_bytes_of_one_sweep_and_a_missing_shard_is_named() {
    let dir = temp_dir("shards");
    let file = sweep_file(&dir, "", "");
    let whole = dir.join("whole");
    assert!(sweep(&file, &whole, &[]).status.success());
    let shards: Vec<PathBuf> = (0..3).map(|i| dir.join(format!("shard-{i}"))).collect();
    for (i, shard) in shards.iter().enumerate() {
        let output = sweep(&file, shard, &["--shard", &format!("{i}/3")]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert!(!shard.join("sweep.csv").exists(), "a shard does not merge");
    }
    let merged = dir.join("merged");
    let mut args = vec!["merge", "--out", path(&merged)];
    args.extend(shards.iter().map(|s| path(s)));
    let output = tensorsim(&args, None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for file in ["sweep.csv", "sweep.md", "sweep.html"] {
        assert_eq!(read(&merged.join(file)), read(&whole.join(file)), "{file}");
    }
    let partial = tensorsim(&["merge", path(&shards[0]), path(&shards[2]), "--out", path(&merged)], None);
    // Points 1 (and 4) are shard 1's: 4 points, shard 1 of 3 holds index 1 only.
    assert_refused(&partial, "1 of 4 points have no result (the first: point 1)");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_sweeps_and_flags_are_refused_naming_the_field_before_anything_runs() {
    let dir = temp_dir("bad");
    let out = dir.join("out");
    let cases = [
        ("seeds: [1, 2]", "seeds: [1, 1]", "seeds: a seed is listed twice"),
        ("name: kappa", "name: kappa\ncolour: red", "unknown field `colour`"),
        (
            "hyperparameters.kappa",
            "hyperparameters.kapa",
            "grid cell subnets[0].hyperparameters.kapa=32767: subnets[0].hyperparameters.kapa: unknown",
        ),
        (
            "subnets[0].hyperparameters",
            "subnets[4].hyperparameters",
            "grid[0].path: subnets[4]: the list has 1 entries",
        ),
        ("[32767, 45000]", "[32767, -1]", "grid cell subnets[0].hyperparameters.kappa=-1"),
        ("group: friends", "group: strangers", "collect[0].group: no actor group \"strangers\" on subnet \"digits\""),
        (
            "observable: incentive_share, subnet: digits, group: friends",
            "observable: stability.dividends_settle_epochs, subnet: digits, group: friends",
            "collect[0].group: no fault or upgrade \"friends\" in the scenario",
        ),
        ("observable: validator_stake.gini", "observable: gini", "collect[1].observable: \"gini\" is not one of"),
        ("subnet: digits, group", "subnet: text, group", "collect[0].subnet: no subnet \"text\""),
    ];
    for (from, to, expected) in cases {
        let file = sweep_file(&dir, from, to);
        assert_refused(&sweep(&file, &out, &[]), expected);
    }
    let file = sweep_file(&dir, "", "");
    assert_refused(&sweep(&file, &out, &["--shard", "3/3"]), "--shard 3/3: expected I/N");
    assert_refused(&tensorsim(&["merge", path(&dir.join("nowhere"))], None), "sweep.json: cannot read");
    assert!(!out.exists(), "nothing ran");
    std::fs::remove_dir_all(&dir).unwrap();
}
