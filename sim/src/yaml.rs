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

/// The deepest path `set_path` follows: scenario fields nest a handful of levels.
const PATH_SEGMENTS_MAX: usize = 16;

/// `text` (a YAML document) with the value at `path` replaced by `value` (a mapping's last key
/// may be new: `subnets[0].hyperparameters.kappa` on a subnet that sets none), written back as
/// YAML. `path` is keys joined by `.`, list entries as `[index]`. The error says where the path
/// left the document.
pub fn set_path(text: &str, path: &str, value: &serde_json::Value) -> Result<String, String> {
    check_flow_depth(text).map_err(|e| e.to_string())?;
    let mut document: backend::Value = backend::from_str(text).map_err(|e| e.to_string())?;
    let segments = path_segments(path)?;
    let mut node = &mut document;
    for (index, segment) in segments.iter().enumerate() {
        let last = index + 1 == segments.len();
        let so_far = || segments[..=index].iter().map(Segment::to_string).collect::<String>();
        node = match (segment, node) {
            (Segment::Key(key), backend::Value::Mapping(map)) => {
                let key = backend::Value::String(key.to_string());
                if last && !map.contains_key(&key) {
                    map.insert(key.clone(), backend::Value::Null);
                }
                map.get_mut(&key).ok_or_else(|| format!("{}: no such key", so_far().trim_start_matches('.')))?
            }
            (Segment::Index(i), backend::Value::Sequence(list)) => {
                let len = list.len();
                list.get_mut(*i)
                    .ok_or_else(|| format!("{}: the list has {len} entries", so_far().trim_start_matches('.')))?
            }
            (_, other) => {
                let kind = match other {
                    backend::Value::Mapping(_) => "a mapping",
                    backend::Value::Sequence(_) => "a list",
                    _ => "a plain value",
                };
                return Err(format!("{}: the document has {kind} here", so_far().trim_start_matches('.')));
            }
        };
    }
    *node = backend::to_value(value).map_err(|e| e.to_string())?;
    backend::to_string(&document).map_err(|e| e.to_string())
}

/// A step of a `set_path` path.
#[derive(Debug, PartialEq)]
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

impl std::fmt::Display for Segment<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Segment::Key(key) => write!(f, ".{key}"),
            Segment::Index(index) => write!(f, "[{index}]"),
        }
    }
}

fn path_segments(path: &str) -> Result<Vec<Segment<'_>>, String> {
    let bad = || {
        format!(
            "{path:?} is not a path (keys joined by '.', list entries as [index]: subnets[0].hyperparameters.kappa)"
        )
    };
    let mut segments = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = part.split_once('[').map_or((part, ""), |(key, rest)| (key, rest));
        let key_ok = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !key_ok {
            return Err(bad());
        }
        segments.push(Segment::Key(key));
        while !rest.is_empty() {
            let (index, after) = rest.split_once(']').ok_or_else(bad)?;
            segments.push(Segment::Index(index.parse().map_err(|_| bad())?));
            rest = match after {
                "" => "",
                more => more.strip_prefix('[').ok_or_else(bad)?,
            };
        }
    }
    if segments.len() > PATH_SEGMENTS_MAX {
        return Err(format!("{path:?} is deeper than {PATH_SEGMENTS_MAX} steps"));
    }
    Ok(segments)
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
    use super::{FLOW_DEPTH_MAX, backend, check_flow_depth, set_path};

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
    #[test]
    fn set_path_replaces_a_nested_value_and_adds_a_missing_last_key() {
        let text = "subnets:\n  - name: a\n    hyperparameters: {tempo: 10}\n    miners: [{count: 2}, {count: 3}]\n";
        let set = set_path(text, "subnets[0].miners[1].count", &serde_json::json!(8)).unwrap();
        let set = set_path(&set, "subnets[0].hyperparameters.kappa", &serde_json::json!(40000)).unwrap();
        let value: serde_json::Value = backend::from_str(&set).unwrap();
        assert_eq!(value["subnets"][0]["miners"][1]["count"], 8);
        assert_eq!(value["subnets"][0]["miners"][0]["count"], 2);
        assert_eq!(value["subnets"][0]["hyperparameters"], serde_json::json!({"tempo": 10, "kappa": 40000}));
    }

    #[test]
    fn set_path_says_where_the_path_leaves_the_document() {
        let text = "subnets:\n  - name: a\n";
        let one = serde_json::json!(1);
        assert_eq!(set_path(text, "subnets[3].name", &one).unwrap_err(), "subnets[3]: the list has 1 entries");
        assert_eq!(set_path(text, "subnets.name", &one).unwrap_err(), "subnets.name: the document has a list here");
        assert_eq!(set_path(text, "nets[0].x", &one).unwrap_err(), "nets: no such key");
        for bad in ["", "a..b", "a[x]", "a[1", "a[1]b", "a b"] {
            assert!(set_path(text, bad, &one).unwrap_err().contains("is not a path"), "{bad:?}");
        }
    }
}
