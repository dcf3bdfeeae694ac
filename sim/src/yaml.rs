//! The one place that knows which YAML library reads scenarios. serde_yaml is frozen upstream;
//! its maintained fork serde_norway has the same API, so a switch is the `use` below.

use serde::de::DeserializeOwned;
use serde_yaml as backend;

/// Where and why a document failed to parse: the field path, the line and column, the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, "line {line} column {column}: ")?;
        }
        if !self.path.is_empty() && self.path != "." {
            write!(f, "{}: ", self.path)?;
        }
        write!(f, "{}", self.message)
    }
}

/// Parses `text` strictly (the types reject unknown keys), naming the field that failed. Enums
/// are written as one-key maps (`duration: {tempos: 20}`) or plain names (`policy: honest`),
/// not as YAML tags.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    let mut track = serde_path_to_error::Track::new();
    let deserializer = serde_path_to_error::Deserializer::new(backend::Deserializer::from_str(text), &mut track);
    backend::with::singleton_map_recursive::deserialize(deserializer).map_err(|error: backend::Error| {
        let tracked = track.path().to_string();
        let location = error.location();
        // The library writes "path: message at line L column C"; we print the parts our way.
        let mut message = error.to_string();
        if let Some(at) = message.rfind(" at line ") {
            message.truncate(at);
        }
        // The library's own path stops at the enclosing map for errors of our checks; the
        // tracked one reaches the field.
        let mut path = tracked;
        if let Some((head, rest)) = message.split_once(": ")
            && !head.contains(' ')
        {
            if path.is_empty() || path == "?" {
                path = head.to_string();
            }
            message = rest.to_string();
        }
        YamlError {
            path,
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
            message,
        }
    })
}
