//! `tensorsim diff`: two run reports compared observable by observable (per group: incentive,
//! reward and G; per subnet: stake concentration, Spearman, winner flips, timeouts, consensus
//! stability; per fault or upgrade: the epochs until dividends and bonds settled) and epoch by
//! epoch (the UIDs whose consensus, incentive or dividends moved most), largest relative change
//! first; held to a thresholds file when one is given. It reads report.json through its own
//! `Deserialize` types (`report_in`), never the report's internals, so it compares reports of
//! any run of this report version, including ones written by another build.

pub mod compare;
pub mod model;
pub mod render;
pub mod report_in;
pub mod thresholds;

use std::path::Path;

use crate::atomic_write::write_atomically;
use crate::diff::model::Diff;

/// A diff, rendered for each reader.
pub struct Rendered {
    pub diff: Diff,
    /// diff.json: canonical (keys sorted), ends with a newline.
    pub json: String,
    pub markdown: String,
    pub table: String,
}

impl Rendered {
    pub fn of(diff: Diff) -> Self {
        let mut json = serde_json::to_string_pretty(&diff).expect("a diff serialises");
        json.push('\n');
        Self { markdown: render::markdown(&diff), table: render::table(&diff), json, diff }
    }

    /// Writes diff.json and diff.md into `dir` (created if missing), each whole or not at all.
    pub fn write(&self, dir: &Path) -> Result<(), String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for (file, text) in [("diff.json", &self.json), ("diff.md", &self.markdown)] {
            let path = dir.join(file);
            write_atomically(&path, text.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(())
    }
}

/// Why a diff did not compare: bad input (a file, a field) or a refusal (different scenarios).
/// Both are exit 2.
pub type DiffError = String;

/// Reads the two reports and compares them; the error is one line naming the file and field.
pub fn diff_files(a: &Path, b: &Path, force: bool) -> Result<Rendered, DiffError> {
    let report_a = report_in::read(a)?;
    let report_b = report_in::read(b)?;
    let (name_a, name_b) = (a.display().to_string(), b.display().to_string());
    let diff = compare::compare((&name_a, &report_a), (&name_b, &report_b), force)
        .map_err(|refusal| format!("{name_a} and {name_b}: {}", refusal.0))?;
    Ok(Rendered::of(diff))
}

/// Reads a thresholds file; the error names the file and the field.
pub fn read_thresholds(path: &Path) -> Result<Vec<thresholds::Threshold>, String> {
    let name = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
    thresholds::parse(&text).map_err(|message| format!("{name}: {message}"))
}

#[cfg(test)]
mod tests;
