//! `tensorsim diff`: two run reports compared observable by observable (per group: incentive,
//! reward and G; per subnet: stake concentration, Spearman, winner flips, timeouts, consensus
//! stability; per fault or upgrade: the epochs until dividends and bonds settled) and epoch by
//! epoch (the UIDs whose consensus, incentive or dividends moved most), largest relative change
//! first; or two replay outputs compared epoch by epoch and UID by UID (consensus, incentive,
//! dividends, validator trust, emission), largest share first; held to a thresholds file when one
//! is given. It reads both kinds through its own `Deserialize` types (`report_in`, `replay_in`),
//! never the report's internals, so it compares files written by another build.

pub mod compare;
pub mod input;
pub mod model;
pub mod render;
pub mod replay_compare;
pub mod replay_in;
pub mod report_in;
pub mod thresholds;
pub mod values;

use std::path::Path;

use crate::atomic_write::write_atomically;
use crate::diff::input::Kind;
pub use crate::diff::model::Compared;
use crate::diff::model::{Diff, ReplayDiff};
use crate::diff::replay_compare::Hotkeys;
use crate::replay::snapshot::Snapshot;

/// A diff, rendered for each reader.
pub struct Rendered {
    pub compared: Compared,
    /// diff.json: canonical (keys sorted), ends with a newline.
    pub json: String,
    pub markdown: String,
    pub table: String,
}

impl Rendered {
    pub fn of(diff: Diff) -> Self {
        let json = canonical(&diff);
        Self { markdown: render::markdown(&diff), table: render::table(&diff), json, compared: Compared::Reports(diff) }
    }

    pub fn of_replays(diff: ReplayDiff) -> Self {
        let (json, markdown, table) = (canonical(&diff), render::replay_markdown(&diff), render::replay_table(&diff));
        Self { json, markdown, table, compared: Compared::Replays(diff) }
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

fn canonical(diff: &impl serde::Serialize) -> String {
    let mut json = serde_json::to_string_pretty(diff).expect("a diff serialises");
    json.push('\n');
    json
}

/// Why a diff did not compare: bad input (a file, a field) or a refusal (different scenarios or
/// cases, a run report beside a replay output). Both are exit 2.
pub type DiffError = String;

/// Reads the two files (two run reports, or two replay outputs) and compares them; `snapshot`
/// (`--metagraph`) names the UIDs of replay outputs by hotkey. The error is one line naming the
/// file and field.
pub fn diff_files(a: &Path, b: &Path, force: bool, snapshot: Option<&Path>) -> Result<Rendered, DiffError> {
    let (text_a, text_b) = (input::read(a)?, input::read(b)?);
    let (name_a, name_b) = (a.display().to_string(), b.display().to_string());
    if text_a.kind != text_b.kind {
        return Err(format!(
            "{name_a} is {} and {name_b} {}: diff compares two run reports or two replay outputs",
            text_a.kind.name(),
            text_b.kind.name()
        ));
    }
    match text_a.kind {
        Kind::Report => {
            if let Some(snapshot) = snapshot {
                return Err(format!(
                    "--metagraph {}: the hotkeys of a snapshot name the UIDs of replay outputs; {name_a} and {name_b} are run reports",
                    snapshot.display()
                ));
            }
            let report_a = in_file(&name_a, report_in::parse(&text_a.text))?;
            let report_b = in_file(&name_b, report_in::parse(&text_b.text))?;
            let diff = compare::compare((&name_a, &report_a), (&name_b, &report_b), force)
                .map_err(|refusal| format!("{name_a} and {name_b}: {}", refusal.0))?;
            Ok(Rendered::of(diff))
        }
        Kind::Replay => {
            let replay_a = in_file(&name_a, replay_in::parse(&text_a.text))?;
            let replay_b = in_file(&name_b, replay_in::parse(&text_b.text))?;
            let snapshot = snapshot.map(|path| read_snapshot(path, [&replay_a.name, &replay_b.name])).transpose()?;
            let hotkeys = snapshot.as_ref().map(|(from, snapshot)| Hotkeys { from, by_uid: &snapshot.hotkeys });
            let diff = replay_compare::compare((&name_a, &replay_a), (&name_b, &replay_b), force, hotkeys)
                .map_err(|refusal| format!("{name_a} and {name_b}: {}", refusal.0))?;
            Ok(Rendered::of_replays(diff))
        }
    }
}

/// `result`'s error, prefixed with the file it is about.
fn in_file<T>(name: &str, result: Result<T, String>) -> Result<T, String> {
    result.map_err(|message| format!("{name}: {message}"))
}

/// Reads the snapshot at `path` that names the UIDs, refusing one that neither output was
/// replayed from (its hotkeys would name the wrong UIDs).
fn read_snapshot(path: &Path, names: [&String; 2]) -> Result<(String, Snapshot), String> {
    let from = path.display().to_string();
    let text = input::read_bounded(path, crate::replay::CASE_BYTES_MAX, "more than a snapshot")
        .map_err(|e| format!("--metagraph {from}: {e}"))?;
    let snapshot = Snapshot::parse(&text).map_err(|e| format!("--metagraph {from}: {e}"))?;
    let name = snapshot.case_name();
    if !names.contains(&&name) {
        return Err(format!(
            "--metagraph {from}: {name}, not the snapshot the outputs were replayed from ({})",
            names[0]
        ));
    }
    Ok((from, snapshot))
}

/// Reads a thresholds file; the error names the file and the field.
pub fn read_thresholds(path: &Path) -> Result<Vec<thresholds::Threshold>, String> {
    let name = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
    thresholds::parse(&text).map_err(|message| format!("{name}: {message}"))
}

#[cfg(test)]
mod replay_tests;
#[cfg(test)]
mod tests;
