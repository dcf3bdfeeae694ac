//! What the integration tests share: running the binary and reading what it says, the scenario
//! files, and the settings and strategies of the fuzz tests. Each test file is its own crate and
//! uses a part of this module (hence `dead_code` allowed).
#![allow(dead_code)]

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::Config;

/// Runs `tensorsim` with `args`, `stdin` on its standard input (none: an empty one).
pub fn tensorsim(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tensorsim"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tensorsim runs");
    let mut pipe = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        // A child that refuses early closes the pipe; that is not a test failure.
        let _ = pipe.write_all(bytes);
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Bad input: exit 2 and exactly one line, `error: ...` containing `expected`; never a panic,
/// nothing on standard output.
pub fn assert_refused(output: &Output, expected: &str) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(2), "expected exit 2, got {:?}: {err}", output.status);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(expected), "{err:?} should contain {expected:?}");
    assert!(output.stdout.is_empty(), "no partial output on bad input");
}

/// A path under the repository's `scenarios/`.
pub fn scenario(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios").join(path)
}

/// The conformance cases (`scenarios/conformance/*.json`), sorted.
pub fn conformance_cases() -> Vec<PathBuf> {
    let dir = scenario("conformance");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    cases.sort();
    cases
}

/// Runs `f`; a panic comes back as `Err` with its message.
pub fn catching_panics<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(non-string panic payload)".into())
    })
}

/// The proptest settings of a fuzz test. No failure persistence: an integration test has no
/// lib.rs for proptest to put the file beside; a failure prints the shrunk input instead.
pub fn fuzz_config(cases: u32) -> Config {
    Config { cases, failure_persistence: None, ..Config::default() }
}

/// The name of a protocol profile, any of them.
pub fn profile_name() -> impl Strategy<Value = &'static str> {
    select(tensorsim_chain::profile::PROFILES.iter().map(|profile| profile.name).collect::<Vec<_>>())
}
