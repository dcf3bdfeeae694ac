//! What `tensorsim diff` was given: a run report or a replay output, told apart by their keys
//! (a report has `tensorsim.report_version`, a replay output `epochs` and no `tensorsim`), so that
//! two of a kind are compared and a mix is refused with the reason.

use std::collections::BTreeMap;
use std::path::Path;

use serde::de::IgnoredAny;

use crate::diff::replay_in::{self, ReplayIn};
use crate::diff::report_in::{self, ReportIn};

/// The most bytes a diffed file may have: the largest shipped scenario's report is a few MiB,
/// a 10^6-block chain replay's output some hundred; a file much larger is neither.
const INPUT_BYTES_MAX: u64 = 512 << 20;

#[derive(Debug)]
pub enum Input {
    Report(ReportIn),
    Replay(ReplayIn),
}

impl Input {
    /// What the file is, as a sentence names it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Report(_) => "a run report",
            Self::Replay(_) => "a replay output",
        }
    }
}

/// Reads the file at `path` as a report or a replay output; the error is one line naming the
/// file and the field.
pub fn read(path: &Path) -> Result<Input, String> {
    let name = path.display();
    let text = read_bounded(path, INPUT_BYTES_MAX, "more than a report or a replay output")
        .map_err(|message| format!("{name}: {message}"))?;
    parse(&text).map_err(|message| format!("{name}: {message}"))
}

/// Parses a report or a replay output; the error names the field.
pub fn parse(text: &str) -> Result<Input, String> {
    // The top-level keys tell the kinds apart (their values are each kind's reader's business).
    // This fails on text that is not JSON (said so) or on a JSON value that is no object.
    let keys: BTreeMap<String, IgnoredAny> = report_in::from_json(text).map_err(|error| {
        if error.starts_with("not JSON") {
            error
        } else {
            "not a JSON object: a run report and a replay output are objects".to_string()
        }
    })?;
    match (keys.contains_key("tensorsim"), keys.contains_key("epochs")) {
        (true, _) => report_in::parse(text).map(Input::Report),
        (false, true) => replay_in::parse(text).map(Input::Replay),
        (false, false) => {
            Err("neither a run report (no `tensorsim.report_version`) nor a replay output (no `epochs`)".to_string())
        }
    }
}

/// The UTF-8 text of the file at `path`, refused beyond `max_bytes` (`what` says why that is
/// too large).
pub(super) fn read_bounded(path: &Path, max_bytes: u64, what: &str) -> Result<String, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut bytes = Vec::new();
    file.take(max_bytes + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > max_bytes {
        return Err(format!("larger than {} MiB, {what}", max_bytes >> 20));
    }
    String::from_utf8(bytes).map_err(|e| format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
}
