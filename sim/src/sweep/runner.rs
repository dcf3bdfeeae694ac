//! Runs a sweep's points as `tensorsim run` child processes, `jobs` at a time: a worker thread
//! per job takes the next pending point, runs it, and writes its result.json (atomically; a point
//! with one is finished and skipped when the sweep is run again). Results are data of the run
//! alone, never of the order points finished in.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::diff::report_in;
use crate::sweep::point::{PointResult, point_dir, read_json, write_json};
use crate::sweep::spec::{Point, Sweep};

/// A point that did not give a result, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointFailure {
    pub index: usize,
    pub message: String,
}

/// Whether `point` already has its result in `dir` (from an earlier, interrupted sweep).
pub fn finished(sweep: &Sweep, point: &Point, dir: &Path) -> bool {
    let path = point_dir(dir, point.index).join("result.json");
    match read_json::<PointResult>(&path) {
        Ok(result) => result.sweep_sha256 == sweep.sha256 && result.index == point.index,
        Err(_) => false,
    }
}

/// Runs `pending` (indices into `sweep.points`) with `jobs` workers; `progress` hears each point
/// as it ends. Returns the points that failed.
pub fn run(
    sweep: &Sweep,
    pending: &[usize],
    exe: &Path,
    dir: &Path,
    jobs: usize,
    progress: &mut dyn FnMut(usize),
) -> Vec<PointFailure> {
    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::channel::<Result<usize, PointFailure>>();
    let mut failures = Vec::new();
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, pending.len().max(1)) {
            let (sender, next) = (sender.clone(), &next);
            scope.spawn(move || {
                while let Some(&index) = pending.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let outcome = run_point(sweep, &sweep.points[index], exe, dir).map(|()| index);
                    if sender.send(outcome).is_err() {
                        return;
                    }
                }
            });
        }
        drop(sender);
        for (done, outcome) in receiver.into_iter().enumerate() {
            if let Err(failure) = outcome {
                failures.push(failure);
            }
            progress(done + 1);
        }
    });
    failures.sort_by_key(|failure| failure.index);
    failures
}

fn run_point(sweep: &Sweep, point: &Point, exe: &Path, dir: &Path) -> Result<(), PointFailure> {
    let fail = |message: String| PointFailure { index: point.index, message };
    let out = point_dir(dir, point.index);
    std::fs::create_dir_all(&out).map_err(|e| fail(format!("{}: {e}", out.display())))?;
    let scenario = out.join("scenario.yaml");
    crate::atomic_write::write_atomically(&scenario, point.scenario_text.as_bytes())
        .map_err(|e| fail(format!("{}: {e}", scenario.display())))?;
    let output = Command::new(exe)
        .arg("run")
        .arg(&scenario)
        .args(["--quiet", "--seed", &point.seed.to_string(), "--out"])
        .arg(&out)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| fail(format!("cannot start {}: {e}", exe.display())))?;
    // 1 is a failed expectation: the report is written and counts it.
    if !matches!(output.status.code(), Some(0 | 1)) {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().last().unwrap_or("(no message)");
        return Err(fail(format!("the run ended {}: {last}", output.status)));
    }
    let report_path: PathBuf = out.join("report.json");
    let text = std::fs::read_to_string(&report_path).map_err(|e| fail(format!("{}: {e}", report_path.display())))?;
    let report = report_in::parse(&text).map_err(|e| fail(format!("{}: {e}", report_path.display())))?;
    let result = PointResult::of(sweep, point, &report, &text).map_err(fail)?;
    write_json(&out.join("result.json"), &result).map_err(fail)
}
