//! A point's result (`points/<index>/result.json`) and the sweep's manifest (`sweep.json`): what a
//! shard leaves behind, all that merging reads. Both carry the sweep's hash, so results of another
//! sweep (an edited file, another base scenario) are never mixed in.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::atomic_write::write_atomically;
use crate::diff::report_in::ReportIn;
use crate::diff::values::observable_values;
use crate::sweep::spec::{Collect, Point, Sweep};

/// The version of sweep.json and result.json.
pub const SWEEP_FORMAT: u64 = 1;
/// A result or manifest is small; a file much larger is not one.
const FILE_BYTES_MAX: u64 = 16 << 20;

/// What a sweep is, as its outputs need it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: u64,
    pub name: String,
    pub sha256: String,
    pub axes: Vec<String>,
    pub columns: Vec<String>,
    pub points: usize,
}

impl Manifest {
    pub fn of(sweep: &Sweep) -> Self {
        Manifest {
            format: SWEEP_FORMAT,
            name: sweep.name.clone(),
            sha256: sweep.sha256.clone(),
            axes: sweep.axes.clone(),
            columns: sweep.collect.iter().map(Collect::column).collect(),
            points: sweep.points.len(),
        }
    }
}

/// One point's outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointResult {
    pub sweep_sha256: String,
    pub index: usize,
    pub cell: usize,
    pub seed: u64,
    pub values: Vec<serde_json::Value>,
    /// The collected observables in `collect`'s order; `null` where the report has it undefined.
    pub observables: Vec<Option<f64>>,
    pub expectations_failed: usize,
    pub report_sha256: String,
}

impl PointResult {
    /// The result of `point` from its run's report (`report_text`, parsed as `report`).
    pub fn of(sweep: &Sweep, point: &Point, report: &ReportIn, report_text: &str) -> Result<Self, String> {
        let observables = sweep.collect.iter().map(|c| collect(report, c)).collect::<Result<Vec<_>, _>>()?;
        Ok(PointResult {
            sweep_sha256: sweep.sha256.clone(),
            index: point.index,
            cell: point.cell,
            seed: point.seed,
            values: point.values.clone(),
            observables,
            expectations_failed: report.expectations.iter().filter(|e| !e.pass).count(),
            report_sha256: crate::report::hex(&<sha2::Sha256 as sha2::Digest>::digest(report_text.as_bytes())),
        })
    }
}

fn collect(report: &ReportIn, entry: &Collect) -> Result<Option<f64>, String> {
    let subnet = report.subnets.iter().find(|s| s.name == entry.subnet);
    let subnet = subnet.ok_or_else(|| format!("the report has no subnet {:?}", entry.subnet))?;
    let values = observable_values(&subnet.observables, subnet.stability.as_ref());
    let found = values.iter().find(|v| v.observable == entry.observable && v.group == entry.group);
    // A group that earned nothing may be absent from a share map: its value is undefined.
    Ok(found.and_then(|v| v.value))
}

/// `<dir>/points/<index, 6 digits>`.
pub fn point_dir(dir: &Path, index: usize) -> PathBuf {
    dir.join("points").join(format!("{index:06}"))
}

pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), String> {
    let mut text = serde_json::to_string_pretty(value).expect("sweep files serialise");
    text.push('\n');
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    write_atomically(path, text.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads a sweep.json or result.json; the error names the file and the field.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, String> {
    use std::io::Read;
    let name = path.display();
    let file = std::fs::File::open(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
    let mut text = String::new();
    file.take(FILE_BYTES_MAX).read_to_string(&mut text).map_err(|e| format!("{name}: cannot read: {e}"))?;
    let deserializer = &mut serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(deserializer).map_err(|e| format!("{name}: {e}"))
}
