//! `tensorsim consensus-map` through the binary: a small grid's outputs, the same bytes on any
//! thread count, and bad flags refused on one line.

mod common;

use std::path::{Path, PathBuf};

use common::{assert_refused, tensorsim};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tensorsim-consensus-map-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temporary path")
}

/// σ 0.4 and β ∈ {0, 1} on S_H = 0.6 with W_H, W_C ∈ {0, 1/2, 1}: 18 epochs.
const SMALL: [&str; 10] = ["--sigma", "0.4", "--beta", "0,1", "--stakes", "0.6", "--steps", "2", "--seed", "3"];

#[test]
fn a_small_map_writes_its_four_files_and_the_same_bytes_on_one_thread_or_three() {
    let (one, three) = (temp_dir("one"), temp_dir("three"));
    for (dir, threads) in [(&one, "1"), (&three, "3")] {
        let mut args = vec!["consensus-map", "--quiet", "--threads", threads, "--out", path(dir)];
        args.extend(SMALL);
        let output = tensorsim(&args, None);
        assert!(output.status.success(), "{}", common::stderr(&output));
        assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 4, "the four paths");
    }
    for file in ["map.csv", "retention.csv", "map.md", "reproduction.md"] {
        let a = std::fs::read(one.join(file)).unwrap();
        assert_eq!(a, std::fs::read(three.join(file)).unwrap(), "{file}");
    }
    let csv = std::fs::read_to_string(one.join("map.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 18);
    assert!(csv.lines().nth(1).unwrap().starts_with("0.4,0,0.5,0.6,0,0,0,"), "{csv}");
    // The published figure at σ = 0.4, β = 1 is set beside ours.
    let markdown = std::fs::read_to_string(one.join("map.md")).unwrap();
    assert!(markdown.contains("| 0.4 | 1 | 0.5 |") && markdown.contains("| 0.73 |"), "{markdown}");
    let reproduction = std::fs::read_to_string(one.join("reproduction.md")).unwrap();
    assert!(reproduction.contains("| σ = 0.4, β = 1 | 0.73 |"), "{reproduction}");
    assert!(reproduction.contains("| β = 0 (σ = 0.4) | 0.78 |"), "{reproduction}");
}

#[test]
fn bad_flags_are_refused_on_one_line_naming_the_flag() {
    let out = temp_dir("bad");
    for (flags, expected) in [
        (&["--sigma", "x"][..], "--sigma x: \"x\" is not a decimal in [0, 10]"),
        (&["--beta", "0,1.5"], "--beta 0,1.5: \"1.5\" is not a decimal in [0, 1]"),
        (&["--kappa", "0.5,0.5"], "--kappa 0.5,0.5: 0.5 is given twice"),
        (&["--stakes", "1"], "--stakes 1: \"1\" is not a decimal in (0, 1)"),
        (&["--steps", "0"], "--steps 0: expected 1 to 1000"),
        (&["--repeats", "0"], "--repeats 0: expected 1 to 1000"),
        (&["--threads", "0"], "--threads 0: expected 1 to 256"),
        (&["--steps", "1000", "--repeats", "1000"], "epochs, more than 10000000"),
        (&["--steps", "many"], "invalid value 'many' for '--steps <N>'"),
        (&["--sigmas", "0.4"], "unexpected argument '--sigmas'"),
    ] {
        let mut args = vec!["consensus-map", "--out", path(&out)];
        args.extend(flags);
        assert_refused(&tensorsim(&args, None), expected);
    }
    assert!(!out.exists(), "nothing written on bad input");
}
