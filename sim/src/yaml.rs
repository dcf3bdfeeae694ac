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

/// The deepest nesting of flow collections (`[…]`, `{…}`) a document may have. A scenario needs
/// a handful; the parser's scanner is quadratic in this depth (100 000 levels took 37 s to
/// refuse), so deeper documents are refused before parsing.
pub const FLOW_DEPTH_MAX: usize = 64;

/// Parses `text` strictly (the types reject unknown keys), naming the field that failed. Enums
/// are written as one-key maps (`duration: {tempos: 20}`) or plain names (`policy: honest`),
/// not as YAML tags.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    check_flow_depth(text)?;
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

/// Where lexing stands between two characters of [`check_flow_depth`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lex {
    /// Where a node may start (after an indicator, a new line, or the start).
    NodeStart,
    /// Inside a plain scalar, or after a node.
    Inside,
    DoubleQuoted,
    SingleQuoted,
    Comment,
}

/// `Err` at the first `[` or `{` that opens a flow collection deeper than [`FLOW_DEPTH_MAX`].
/// A light lexer: brackets count only where a node starts, never inside a quoted string, a
/// plain scalar or a comment; it errs on the side of letting the parser decide.
fn check_flow_depth(text: &str) -> Result<(), YamlError> {
    let (mut lex, mut depth, mut line, mut column) = (Lex::NodeStart, 0usize, 1usize, 0usize);
    let mut chars = text.chars().peekable();
    let mut previous = '\n';
    while let Some(c) = chars.next() {
        column += 1;
        let next = chars.peek().copied().unwrap_or('\n');
        let blank_after = next.is_whitespace();
        lex = match (lex, c) {
            (_, '\n') if lex != Lex::DoubleQuoted && lex != Lex::SingleQuoted => Lex::NodeStart,
            (Lex::Comment, _) => Lex::Comment,
            (Lex::DoubleQuoted, '\\') => {
                chars.next();
                Lex::DoubleQuoted
            }
            (Lex::DoubleQuoted, '"') | (Lex::SingleQuoted, '\'') => Lex::Inside,
            (Lex::DoubleQuoted | Lex::SingleQuoted, _) => lex,
            (_, '#') if previous.is_whitespace() => Lex::Comment,
            (_, c) if c.is_whitespace() => lex,
            (Lex::NodeStart, '"') => Lex::DoubleQuoted,
            (Lex::NodeStart, '\'') => Lex::SingleQuoted,
            (Lex::NodeStart, '[' | '{') => {
                depth += 1;
                if depth > FLOW_DEPTH_MAX {
                    return Err(YamlError {
                        path: String::new(),
                        line: Some(line),
                        column: Some(column),
                        message: format!("flow collections nested deeper than {FLOW_DEPTH_MAX} levels"),
                    });
                }
                Lex::NodeStart
            }
            (Lex::NodeStart, '-' | '?') if blank_after => Lex::NodeStart,
            (_, ']' | '}') if depth > 0 => {
                depth -= 1;
                Lex::Inside
            }
            (_, ',') if depth > 0 => Lex::NodeStart,
            (_, ':') if blank_after || (depth > 0 && matches!(next, ',' | '[' | ']' | '{' | '}')) => Lex::NodeStart,
            (Lex::NodeStart | Lex::Inside, _) => Lex::Inside,
        };
        if c == '\n' {
            (line, column) = (line + 1, 0);
        }
        previous = c;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{FLOW_DEPTH_MAX, check_flow_depth};

    fn nested(depth: usize) -> String {
        format!("version: 1\nseed: {}{}\n", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn flow_collections_as_deep_as_the_limit_are_left_to_the_parser() {
        assert_eq!(check_flow_depth(&nested(FLOW_DEPTH_MAX)), Ok(()));
    }

    #[test]
    fn flow_collections_deeper_than_the_limit_are_refused_where_the_limit_is_crossed() {
        let error = check_flow_depth(&nested(100_000)).unwrap_err();
        assert_eq!((error.line, error.column), (Some(2), Some(6 + FLOW_DEPTH_MAX + 1)));
        assert_eq!(
            error.to_string(),
            format!("line 2 column {}: flow collections nested deeper than 64 levels", 7 + FLOW_DEPTH_MAX)
        );
    }

    #[test]
    fn brackets_in_strings_comments_and_plain_scalars_are_not_nesting() {
        let brackets = "[".repeat(2 * FLOW_DEPTH_MAX);
        for text in [
            format!("name: \"{brackets}\"\n"),
            format!("name: '{brackets}'\n"),
            format!("name: it's {brackets}\n"),
            format!("seed: 1 # {brackets}\n"),
            format!("name: a{brackets}\n"),
            format!("name: \"a \\\" {brackets}\"\n"),
        ] {
            assert_eq!(check_flow_depth(&text), Ok(()), "{text}");
        }
    }

    #[test]
    fn sibling_collections_do_not_add_up() {
        let siblings = format!("a: [{}]\n", vec!["[1, {b: [2]}]"; 2 * FLOW_DEPTH_MAX].join(", "));
        assert_eq!(check_flow_depth(&siblings), Ok(()));
    }

    #[test]
    fn block_sequences_of_flow_collections_count_each_level() {
        let text = format!("a:\n  - {}\n", "{b: ".repeat(FLOW_DEPTH_MAX + 1));
        assert!(check_flow_depth(&text).is_err());
    }
}
