//! What `tensorsim diff` was given: a run report or a replay output, told apart by their keys
//! (a report has `tensorsim.report_version`, a replay output `epochs` and no `tensorsim`), so that
//! two of a kind are compared and a mix is refused with the reason.

use std::collections::BTreeMap;
use std::path::Path;

use serde::de::IgnoredAny;

use crate::diff::report_in;

/// The most bytes a diffed file may have: the largest shipped scenario's report is a few MiB,
/// a 10^6-block chain replay's output some hundred; a file much larger is neither.
const INPUT_BYTES_MAX: u64 = 512 << 20;

/// Which kind a file is, told by its top-level keys alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Report,
    Replay,
}

impl Kind {
    /// The kind as a sentence names it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Report => "a run report",
            Self::Replay => "a replay output",
        }
    }
}

/// A file's text and its kind.
#[derive(Debug)]
pub struct Text {
    pub kind: Kind,
    pub text: String,
}

/// Reads the file at `path` and tells its kind, so that a mix of kinds is refused before either
/// is read in full; the error is one line naming the file.
pub fn read(path: &Path) -> Result<Text, String> {
    let name = path.display();
    let text = read_bounded(path, INPUT_BYTES_MAX, "more than a report or a replay output")
        .map_err(|message| format!("{name}: {message}"))?;
    let kind = kind_of(&text).map_err(|message| format!("{name}: {message}"))?;
    Ok(Text { kind, text })
}

/// The kind of `text`: a report has `tensorsim` (its version), a replay output `epochs`. Fails on
/// text that is not JSON (said so) or on a JSON value that is no object.
pub fn kind_of(text: &str) -> Result<Kind, String> {
    // The keys' values are each kind's reader's business.
    let keys: BTreeMap<String, IgnoredAny> = report_in::from_json(text).map_err(|error| {
        if error.starts_with("not JSON") {
            error
        } else {
            "not a JSON object: a run report and a replay output are objects".to_string()
        }
    })?;
    match (keys.contains_key("tensorsim"), keys.contains_key("epochs")) {
        (true, _) => Ok(Kind::Report),
        (false, true) => Ok(Kind::Replay),
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
