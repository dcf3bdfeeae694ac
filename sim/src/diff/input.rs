//! What `tensorsim diff` was given: a run report or a replay output, told apart by their keys
//! (a report has `tensorsim.report_version`, a replay output `epochs` and no `tensorsim`), so that
//! two of a kind are compared and a mix is refused with the reason.

use std::path::Path;

use serde::Deserialize;
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

/// The keys that tell the kinds apart; every other key is the kind's own reader's business.
#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    tensorsim: Option<IgnoredAny>,
    #[serde(default)]
    epochs: Option<IgnoredAny>,
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
    if text.trim_start().chars().next().is_some_and(|c| c != '{') {
        return Err("not a JSON object: a run report and a replay output are objects".to_string());
    }
    let probe: Probe = report_in::from_json(text)?;
    match (probe.tensorsim, probe.epochs) {
        (Some(_), _) => report_in::parse(text).map(Input::Report),
        (None, Some(_)) => replay_in::parse(text).map(Input::Replay),
        (None, None) => {
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
