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
    /// An anchor (`&a`) or a tag (`!t`) before a node: the node still starts after it.
    Property,
    DoubleQuoted,
    /// Just after a backslash in a double-quoted string: the next character is escaped.
    DoubleQuotedEscape,
    SingleQuoted,
    Comment,
    /// The content of a block scalar (`|`, `>`): every line more indented than `parent`.
    BlockScalar {
        parent: usize,
    },
}

/// `Err` at the first `[` or `{` that opens a flow collection deeper than [`FLOW_DEPTH_MAX`].
/// A light lexer: brackets count only where a node starts, never inside a quoted string, a plain
/// scalar, a block scalar or a comment; it errs on the side of letting the parser decide.
fn check_flow_depth(text: &str) -> Result<(), YamlError> {
    let (mut lex, mut depth) = (Lex::NodeStart, 0usize);
    for (index, line) in text.split('\n').enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        lex = match lex {
            Lex::BlockScalar { parent } if line.trim().is_empty() || indent > parent => continue,
            Lex::DoubleQuoted | Lex::DoubleQuotedEscape => Lex::DoubleQuoted,
            Lex::SingleQuoted => lex,
            _ => Lex::NodeStart,
        };
        let chars: Vec<char> = line.chars().collect();
        for (column, &c) in chars.iter().enumerate() {
            let previous = if column == 0 { ' ' } else { chars[column - 1] };
            let next = chars.get(column + 1).copied().unwrap_or(' ');
            lex = step(lex, c, previous, next, &mut depth, indent);
            if depth > FLOW_DEPTH_MAX {
                let message = format!("flow collections nested deeper than {FLOW_DEPTH_MAX} levels");
                return Err(YamlError {
                    path: String::new(),
                    line: Some(index + 1),
                    column: Some(column + 1),
                    message,
                });
            }
        }
    }
    Ok(())
}

/// One character of [`check_flow_depth`]: the state after `c`, with `depth` counted.
fn step(lex: Lex, c: char, previous: char, next: char, depth: &mut usize, indent: usize) -> Lex {
    let blank_after = next.is_whitespace();
    match (lex, c) {
        (Lex::Comment | Lex::BlockScalar { .. }, _) => lex,
        (Lex::DoubleQuotedEscape, _) => Lex::DoubleQuoted,
        (Lex::DoubleQuoted, '\\') => Lex::DoubleQuotedEscape,
        (Lex::DoubleQuoted, '"') => Lex::Inside,
        (Lex::SingleQuoted, '\'') => Lex::Inside,
        (Lex::DoubleQuoted | Lex::SingleQuoted, _) => lex,
        (Lex::Property, c) if c.is_whitespace() => Lex::NodeStart,
        (Lex::Property, _) => lex,
        (_, '#') if previous.is_whitespace() => Lex::Comment,
        (_, c) if c.is_whitespace() => lex,
        (Lex::NodeStart, '"') => Lex::DoubleQuoted,
        (Lex::NodeStart, '\'') => Lex::SingleQuoted,
        (Lex::NodeStart, '&' | '!') => Lex::Property,
        (Lex::NodeStart, '|' | '>') if *depth == 0 => Lex::BlockScalar { parent: indent },
        (Lex::NodeStart, '[' | '{') => {
            *depth += 1;
            Lex::NodeStart
        }
        (Lex::NodeStart, '-' | '?') if blank_after => Lex::NodeStart,
        (_, ']' | '}') if *depth > 0 => {
            *depth -= 1;
            Lex::Inside
        }
        (_, ',') if *depth > 0 => Lex::NodeStart,
        (_, ':') if blank_after || (*depth > 0 && matches!(next, ',' | '[' | ']' | '{' | '}')) => Lex::NodeStart,
        (Lex::NodeStart | Lex::Inside, _) => Lex::Inside,
    }
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
            format!("name: \"a \\\\\"\nseed: 1 # {brackets}\n"),
        ] {
            assert_eq!(check_flow_depth(&text), Ok(()), "{text}");
        }
    }

    #[test]
    fn anchors_and_tags_before_a_collection_do_not_hide_its_depth() {
        for property in ["&a ", "!t "] {
            let text = format!("seed: {}\n", format!("{property}[").repeat(FLOW_DEPTH_MAX + 1));
            assert!(check_flow_depth(&text).is_err(), "{property}");
        }
    }

    #[test]
    fn an_escaped_backslash_ends_no_string_early_and_hides_no_depth() {
        // `"a\\"` is a string holding one backslash: the brackets after it are nesting.
        let text = format!("name: \"a\\\\\"\nseed: {}\n", "[".repeat(FLOW_DEPTH_MAX + 1));
        assert!(check_flow_depth(&text).is_err());
    }

    #[test]
    fn block_scalar_lines_are_text_not_nesting() {
        let lines = format!("  [todo {}\n", "[".repeat(8)).repeat(2 * FLOW_DEPTH_MAX);
        let text = format!("description: |\n{lines}\nseed: 1\n");
        assert_eq!(check_flow_depth(&text), Ok(()));
        // After the scalar ends (a line as indented as its key), nesting counts again.
        let after = format!("description: >-\n  text\nseed: {}\n", "[".repeat(FLOW_DEPTH_MAX + 1));
        assert!(check_flow_depth(&after).is_err());
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
