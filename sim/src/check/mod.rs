//! `tensorsim check`: the shipped scenarios re-run and held to their golden reports. Each scenario
//! runs in a child process (`tensorsim run`, so a check sees exactly what a user's run writes);
//! under `--determinism` twice, at once, in two processes, and the two reports must be the same
//! bytes. A golden mismatch is explained by the earliest differing epoch, field and UID
//! (`difference`); results go to the terminal, to JUnit XML (`junit`) and to JSON.

pub mod difference;
pub mod junit;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde::Serialize;

use crate::atomic_write::write_atomically;
use junit::{Failure, TestCase};

/// How many lines of a child's standard error a failure quotes.
const STDERR_LINES_MAX: usize = 20;

/// One scenario to check.
#[derive(Debug, Clone)]
pub struct Case {
    /// The scenario's `name` (with `-seed-N` under a seed): names the golden file and the runs.
    pub name: String,
    pub scenario: PathBuf,
    pub seed: Option<u64>,
    /// `<golden dir>/<name>.json`.
    pub golden: PathBuf,
}

/// What to do with each case.
#[derive(Debug, Clone)]
pub struct Options {
    /// The `tensorsim` binary the runs use (the running one).
    pub exe: PathBuf,
    /// Runs go to `<out>/<name>/a` (and `b`).
    pub out: PathBuf,
    pub determinism: bool,
    /// Write the golden files from this run instead of comparing with them.
    pub update: bool,
}

/// One run of a scenario in a child process.
struct Run {
    report: Result<Vec<u8>, String>,
    /// The run's exit code: 0, or 1 when an expectation failed (the report is written).
    exit_code: Option<i32>,
    stderr: String,
    time_s: f64,
}

/// Checks `case`: its test cases, golden first.
pub fn check(case: &Case, options: &Options) -> Vec<TestCase> {
    let dir = options.out.join(&case.name);
    let started = Instant::now();
    let runs: Vec<Run> = if options.determinism {
        let children = [spawn(case, options, &dir.join("a")), spawn(case, options, &dir.join("b"))];
        children.into_iter().map(|child| finish(child, started)).collect()
    } else {
        vec![finish(spawn(case, options, &dir.join("a")), started)]
    };
    let time_s = started.elapsed().as_secs_f64();
    let mut cases = vec![golden_case(case, &runs[0], options.update, time_s)];
    if let [a, b] = &runs[..] {
        cases.push(determinism_case(case, a, b, time_s));
    }
    cases.push(expectations_case(case, &runs[0]));
    cases
}

type Child = Result<(std::process::Child, PathBuf), String>;

fn spawn(case: &Case, options: &Options, out: &Path) -> Child {
    let mut command = Command::new(&options.exe);
    command.arg("run").arg(&case.scenario).arg("--quiet").arg("--out").arg(out);
    if let Some(seed) = case.seed {
        command.arg("--seed").arg(seed.to_string());
    }
    command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
    let child = command.spawn().map_err(|e| format!("cannot start {}: {e}", options.exe.display()))?;
    Ok((child, out.join("report.json")))
}

fn finish(child: Child, started: Instant) -> Run {
    let failed = |message: String| Run { report: Err(message), exit_code: None, stderr: String::new(), time_s: 0.0 };
    let (child, report_path) = match child {
        Ok(spawned) => spawned,
        Err(message) => return failed(message),
    };
    let output = match child.wait_with_output() {
        Ok(output) => output,
        Err(e) => return failed(format!("the run did not finish: {e}")),
    };
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let exit_code = output.status.code();
    let report = match exit_code {
        Some(0 | 1) => std::fs::read(&report_path).map_err(|e| format!("{}: {e}", report_path.display())),
        Some(code) => Err(format!("the run exited {code}: {}", last_line(&stderr))),
        None => Err(format!("the run was killed ({}): {}", output.status, last_line(&stderr))),
    };
    Run { report, exit_code, stderr, time_s: started.elapsed().as_secs_f64() }
}

fn golden_case(case: &Case, run: &Run, update: bool, time_s: f64) -> TestCase {
    let failure = match &run.report {
        Err(message) => Some(failure(message.clone(), &run.stderr)),
        Ok(report) if update => write_golden(&case.golden, report).err().map(|m| failure(m, "")),
        Ok(report) => compare_golden(&case.golden, report),
    };
    TestCase { scenario: case.name.clone(), check: "golden", time_s, failure }
}

fn write_golden(path: &Path, report: &[u8]) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    write_atomically(path, report).map_err(|e| format!("{}: {e}", path.display()))
}

fn compare_golden(path: &Path, report: &[u8]) -> Option<Failure> {
    let golden = match std::fs::read(path) {
        Ok(golden) => golden,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let message = format!("no golden report at {} (write it with --update)", path.display());
            return Some(failure(message, ""));
        }
        Err(e) => return Some(failure(format!("{}: {e}", path.display()), "")),
    };
    if golden == report {
        return None;
    }
    Some(explain_mismatch(&format!("differs from {}", path.display()), &golden, report))
}

fn determinism_case(case: &Case, a: &Run, b: &Run, time_s: f64) -> TestCase {
    let failure = match (&a.report, &b.report) {
        (Ok(a), Ok(b)) if a == b => None,
        (Ok(a), Ok(b)) => Some(explain_mismatch("two processes wrote different reports", a, b)),
        (Err(message), _) => Some(failure(message.clone(), &a.stderr)),
        (_, Err(message)) => Some(failure(message.clone(), &b.stderr)),
    };
    TestCase { scenario: case.name.clone(), check: "determinism", time_s, failure }
}

fn expectations_case(case: &Case, run: &Run) -> TestCase {
    let failure = match (&run.report, run.exit_code) {
        (Ok(_), Some(0)) => None,
        (Ok(_), _) => Some(failure("an expectation failed".to_string(), &run.stderr)),
        (Err(message), _) => Some(failure(message.clone(), &run.stderr)),
    };
    TestCase { scenario: case.name.clone(), check: "expectations", time_s: run.time_s, failure }
}

/// The message of two reports that should be equal: the earliest difference, by name.
fn explain_mismatch(what: &str, golden: &[u8], actual: &[u8]) -> Failure {
    let parse = |bytes: &[u8]| serde_json::from_slice::<serde_json::Value>(bytes);
    match (parse(golden), parse(actual)) {
        (Ok(golden), Ok(actual)) => {
            let found = difference::differences(&golden, &actual);
            match found.first {
                Some(first) => failure(format!("{what}: {} values differ, the first at {first}", found.count), ""),
                // Equal values in other bytes: a change of formatting (the canonical writer).
                None => failure(format!("{what}: the same values in different bytes (formatting)"), ""),
            }
        }
        (Err(e), _) => failure(format!("{what}: the golden file is not JSON ({e})"), ""),
        (_, Err(e)) => failure(format!("{what}: the new report is not JSON ({e})"), ""),
    }
}

fn failure(message: String, stderr: &str) -> Failure {
    let lines: Vec<&str> = stderr.lines().collect();
    let details = lines[lines.len().saturating_sub(STDERR_LINES_MAX)..].join("\n");
    Failure { message, details }
}

fn last_line(text: &str) -> &str {
    text.lines().last().unwrap_or("(no message)")
}

/// The results as `--json` prints them.
#[derive(Serialize)]
pub struct Summary<'a> {
    pub passed: bool,
    pub tests: usize,
    pub failures: usize,
    pub results: Vec<ResultRow<'a>>,
}

#[derive(Serialize)]
pub struct ResultRow<'a> {
    pub scenario: &'a str,
    pub check: &'a str,
    pub passed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'a str>,
}

impl<'a> Summary<'a> {
    pub fn of(cases: &'a [TestCase]) -> Self {
        let results: Vec<ResultRow> = cases
            .iter()
            .map(|case| ResultRow {
                scenario: &case.scenario,
                check: case.check,
                passed: case.failure.is_none(),
                message: case.failure.as_ref().map(|f| f.message.as_str()),
            })
            .collect();
        let failures = results.iter().filter(|row| !row.passed).count();
        Summary { passed: failures == 0, tests: results.len(), failures, results }
    }
}
