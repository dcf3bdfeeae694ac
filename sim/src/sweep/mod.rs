//! `tensorsim sweep` and `tensorsim merge`: a base scenario run over a grid of its fields × seeds
//! in parallel worker processes, resumable, sharded for a batch engine (`--shard I/N`: Slurm job
//! arrays, Kubernetes indexed jobs), and merged into one table whatever the sharding.
//!
//! spec.rs reads the sweep file and builds every point's scenario; runner.rs runs points;
//! point.rs is what a point and a sweep leave on disk; table.rs and stats.rs make the merged
//! outputs; `merge` here puts shards together.

pub mod point;
pub mod runner;
pub mod spec;
pub mod stats;
pub mod table;

use std::path::{Path, PathBuf};

use crate::atomic_write::write_atomically;
use point::{Manifest, PointResult, point_dir, read_json, write_json};

/// A shard: the points whose index is `index` modulo `count` (0-based, as Slurm's array task IDs
/// from `--array=0-(N-1)` and Kubernetes' completion indices are).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Reads `I/N`; the error names the flag.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || {
            format!(
                "--shard {text}: expected I/N with 0 ≤ I < N ≤ 100000 (Slurm: $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)"
            )
        };
        let (index, count) = text.split_once('/').ok_or_else(bad)?;
        let (index, count): (usize, usize) = (index.parse().map_err(|_| bad())?, count.parse().map_err(|_| bad())?);
        if count == 0 || index >= count || count > spec::POINTS_MAX {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    pub fn holds(&self, point: usize) -> bool {
        point % self.count == self.index
    }
}

/// Reads a sweep file and its base scenario (relative to it); the error names the file and field.
pub fn read(path: &Path) -> Result<spec::Sweep, String> {
    let name = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
    let file: spec::SweepFile = crate::yaml::from_str(&text).map_err(|e| format!("{name}: {e}"))?;
    let base = path.parent().unwrap_or(Path::new(".")).join(&file.scenario);
    let base_text = std::fs::read_to_string(&base).map_err(|e| format!("{name}: scenario: {}: {e}", base.display()))?;
    spec::resolve(file, &text, &base_text).map_err(|e| format!("{name}: {e}"))
}

/// What a sweep's run left to say.
pub struct Outcome {
    pub ran: usize,
    pub skipped: usize,
    pub failures: Vec<runner::PointFailure>,
}

/// Runs the points of `shard` not yet finished in `dir`, and writes the manifest.
pub fn run(
    sweep: &spec::Sweep,
    shard: Shard,
    exe: &Path,
    dir: &Path,
    jobs: usize,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Outcome, String> {
    write_json(&dir.join("sweep.json"), &Manifest::of(sweep))?;
    let held: Vec<usize> = (0..sweep.points.len()).filter(|&i| shard.holds(i)).collect();
    let pending: Vec<usize> =
        held.iter().copied().filter(|&i| !runner::finished(sweep, &sweep.points[i], dir)).collect();
    let total = pending.len();
    progress(0, total);
    let failures = runner::run(sweep, &pending, exe, dir, jobs, &mut |done| progress(done, total));
    Ok(Outcome { ran: total - failures.len(), skipped: held.len() - total, failures })
}

/// Merges the shard folders `dirs` into `out`: sweep.csv, sweep.md and sweep.html, the same bytes one
/// unsharded sweep writes. Every point must be in some folder, of this sweep.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<Vec<PathBuf>, String> {
    let first = dirs.first().ok_or("merge: name at least one sweep folder")?;
    let manifest: Manifest = read_json(&first.join("sweep.json"))?;
    for dir in &dirs[1..] {
        let other: Manifest = read_json(&dir.join("sweep.json"))?;
        if other != manifest {
            return Err(format!("{}: another sweep than {}'s (sweep.json differs)", dir.display(), first.display()));
        }
    }
    let results = collect_results(dirs, &manifest)?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut written = Vec::new();
    let files = [
        ("sweep.csv", table::csv(&manifest, &results)),
        ("sweep.md", table::markdown(&manifest, &results)),
        ("sweep.html", table::html(&manifest, &results)),
    ];
    for (file, text) in files {
        let path = out.join(file);
        write_atomically(&path, text.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// Every point's result, from whichever folder has it, in point order.
fn collect_results(dirs: &[PathBuf], manifest: &Manifest) -> Result<Vec<PointResult>, String> {
    let mut results = Vec::with_capacity(manifest.points);
    let mut missing = Vec::new();
    for index in 0..manifest.points {
        let found = dirs.iter().map(|dir| point_dir(dir, index).join("result.json")).find(|path| path.exists());
        let Some(path) = found else {
            missing.push(index);
            continue;
        };
        let result: PointResult = read_json(&path)?;
        if result.sweep_sha256 != manifest.sha256 || result.index != index {
            return Err(format!("{}: a result of another sweep or point", path.display()));
        }
        results.push(result);
    }
    if let Some(first) = missing.first() {
        return Err(format!(
            "{} of {} points have no result (the first: point {first}); run the missing shards, or the sweep again",
            missing.len(),
            manifest.points
        ));
    }
    Ok(results)
}
