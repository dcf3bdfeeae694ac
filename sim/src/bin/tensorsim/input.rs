//! Reading what the user names: scenarios, replay cases, any bounded UTF-8 input.

use std::io::{self, Read};
use std::path::Path;

use tensorsim::replay::CASE_BYTES_MAX;
use tensorsim::scenario::Plan;

/// Reads and checks a scenario; the error names the file and the field.
pub(crate) fn read_scenario(path: &Path) -> Result<(String, Plan), String> {
    read_scenario_seeded(path, None)
}

pub(crate) fn read_scenario_seeded(path: &Path, seed: Option<u64>) -> Result<(String, Plan), String> {
    let name = path.display();
    let text =
        read_text(path, tensorsim::scenario::SCENARIO_BYTES_MAX, "a scenario").map_err(|m| format!("{name}: {m}"))?;
    let plan = Plan::parse(&text, seed).map_err(|e| format!("{name}: {e}"))?;
    for warning in plan.warnings() {
        eprintln!("warning: {name}: {warning}");
    }
    Ok((text, plan))
}

/// Reads a case, refusing anything larger than a case can sensibly be.
pub(crate) fn read_case(path: &Path) -> Result<String, String> {
    read_text(path, CASE_BYTES_MAX, "a replay case")
}

/// Reads a UTF-8 file (or standard input for `-`) of at most `max` bytes.
pub(crate) fn read_text(path: &Path, max: u64, what: &str) -> Result<String, String> {
    let mut bytes = Vec::new();
    let limit = max + 1;
    let read = if path.as_os_str() == "-" {
        io::stdin().lock().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|file| file.take(limit).read_to_end(&mut bytes))
    };
    read.map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(format!("larger than {} MiB, the limit for {what}", max >> 20));
    }
    String::from_utf8(bytes).map_err(|e| format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
}
