//! The replay output as text, for both kinds of case: serde serialises the output types (their
//! field order is the key order) through [`LineFormatter`], so the same case gives the same bytes
//! and a diff of two outputs reads record by record, field by field.

use std::io;

use serde::{Serialize, Serializer};
use serde_json::ser::{CharEscape, CompactFormatter, Formatter};
use tensorsim_chain::yuma::EpochOutput;

/// The lists of the document whose records are written one field per line: an epoch record is
/// a dozen per-UID vectors; every other record (a block's books, a refusal) fits on one line.
const EXPANDED_LISTS: &[&str] = &["epochs"];

/// The output document as text, ending with a newline.
pub fn to_json(document: &impl Serialize) -> String {
    let mut bytes = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, LineFormatter::new(EXPANDED_LISTS));
    // Writing to memory cannot fail, and the output types have string keys only.
    document.serialize(&mut serializer).expect("a replay output serialises to JSON");
    bytes.push(b'\n');
    String::from_utf8(bytes).expect("serde_json writes UTF-8")
}

/// A step the chain refused, and its reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rejected {
    pub step: usize,
    pub error: String,
}

/// The fields of an epoch record after its block (and netuid), in output order: the one list of
/// them for both kinds of case. `pruning_score` is the chain's, not the format's.
#[derive(Serialize)]
struct EpochFields<'a> {
    active: &'a [bool],
    validator_permit: &'a [bool],
    stake_weight: &'a [u16],
    consensus: &'a [u16],
    incentive: &'a [u16],
    dividends: &'a [u16],
    validator_trust: &'a [u16],
    emission_rao: &'a [u64],
    server_emission_rao: &'a [u64],
    validator_emission_rao: &'a [u64],
    bonds: &'a [Vec<(u16, u16)>],
}

/// Serialises an epoch's output as the fields of its record (`#[serde(flatten, serialize_with)]`).
pub fn epoch_fields<S: Serializer>(e: &EpochOutput, serializer: S) -> Result<S::Ok, S::Error> {
    EpochFields {
        active: &e.active,
        validator_permit: &e.validator_permit,
        stake_weight: &e.stake_weight,
        consensus: &e.consensus,
        incentive: &e.incentive,
        dividends: &e.dividends,
        validator_trust: &e.validator_trust,
        emission_rao: &e.emission_rao,
        server_emission_rao: &e.server_emission_rao,
        validator_emission_rao: &e.validator_emission_rao,
        bonds: &e.bonds,
    }
    .serialize(serializer)
}

/// The layout of the replay outputs. Expanded (one entry per line, indented two spaces a level):
/// the document object, the values of its fields (its lists: one record per line), and the
/// records of the lists named in `expanded_lists`. Everything deeper is inline: `[1, 2]`,
/// `{"step": 4, "error": "..."}`. An empty container is `[]` or `{}` wherever it stands.
pub struct LineFormatter {
    expanded_lists: &'static [&'static str],
    /// The containers being written, outermost first.
    open: Vec<Container>,
    /// The key of the document field being written: it decides how its list's records look.
    document_key: String,
    in_document_key: bool,
}

struct Container {
    expanded: bool,
    empty: bool,
}

impl LineFormatter {
    pub fn new(expanded_lists: &'static [&'static str]) -> Self {
        Self { expanded_lists, open: Vec::new(), document_key: String::new(), in_document_key: false }
    }

    fn begin<W: ?Sized + io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        let expanded = match self.open.len() {
            0 | 1 => true,
            2 => self.expanded_lists.contains(&self.document_key.as_str()),
            _ => false,
        };
        self.open.push(Container { expanded, empty: true });
        writer.write_all(bracket)
    }

    fn end<W: ?Sized + io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        let container = self.open.pop().expect("serde_json closes only what it opened");
        if container.expanded && !container.empty {
            self.new_line(writer)?;
        }
        writer.write_all(bracket)
    }

    /// Before an array element or an object key.
    fn entry<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        let container = self.open.last_mut().expect("an entry is inside a container");
        container.empty = false;
        if !container.expanded {
            return writer.write_all(if first { b"" } else { b", " });
        }
        if !first {
            writer.write_all(b",")?;
        }
        self.new_line(writer)
    }

    fn new_line<W: ?Sized + io::Write>(&self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b"\n")?;
        for _ in 0..self.open.len() {
            writer.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl Formatter for LineFormatter {
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.begin(writer, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.end(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.entry(writer, first)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.begin(writer, b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.end(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if self.open.len() == 1 {
            self.document_key.clear();
            self.in_document_key = true;
        }
        self.entry(writer, first)
    }

    fn end_object_key<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.in_document_key = false;
        Ok(())
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        if self.in_document_key {
            self.document_key.push_str(fragment);
        }
        writer.write_all(fragment.as_bytes())
    }

    fn write_char_escape<W: ?Sized + io::Write>(&mut self, writer: &mut W, escape: CharEscape) -> io::Result<()> {
        // A key with an escape in it is no list's plain name: marked so that it matches none.
        if self.in_document_key {
            self.document_key.push('\\');
        }
        CompactFormatter.write_char_escape(writer, escape)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    // `json!` objects keep their keys sorted: the expected texts list them in that order.

    #[test]
    fn the_document_and_its_lists_are_one_entry_per_line_and_deeper_values_inline() {
        let document = json!({"blocks": [{"block": 1, "subnets": [{"n": 2}]}, {"block": 2}], "name": "x"});
        let expected = "{\n  \"blocks\": [\n    {\"block\": 1, \"subnets\": [{\"n\": 2}]},\n    {\"block\": 2}\n  ],\n  \
                        \"name\": \"x\"\n}\n";
        assert_eq!(to_json(&document), expected);
    }

    #[test]
    fn records_of_an_expanded_list_are_one_field_per_line_with_their_vectors_inline() {
        let document =
            json!({"epochs": [{"block": 3, "bonds": [[[1, 6640]], []]}, {"block": 4}], "rejected": [{"step": 4}]});
        let expected = "{\n  \"epochs\": [\n    {\n      \"block\": 3,\n      \"bonds\": [[[1, 6640]], []]\n    },\n    \
                        {\n      \"block\": 4\n    }\n  ],\n  \"rejected\": [\n    {\"step\": 4}\n  ]\n}\n";
        assert_eq!(to_json(&document), expected);
    }

    #[test]
    fn empty_containers_are_closed_on_their_line_at_every_depth() {
        let document = json!({"blocks": [{}], "epochs": [], "map": {}, "nested": [[{"a": []}]]});
        let expected = "{\n  \"blocks\": [\n    {}\n  ],\n  \"epochs\": [],\n  \"map\": {},\n  \"nested\": [\n    \
                        [{\"a\": []}]\n  ]\n}\n";
        assert_eq!(to_json(&document), expected);
        assert_eq!(to_json(&json!({})), "{}\n");
    }

    #[test]
    fn strings_are_escaped_as_json_and_a_key_with_an_escape_names_no_list() {
        // "epochs\"" is not "epochs": its records stay inline.
        let document = json!({"epochs\"": [{"a": 1}], "name": "a \"quoted\"\\ name\n\u{1}é"});
        let text = to_json(&document);
        assert!(text.contains(r#""name": "a \"quoted\"\\ name\n\u0001é""#), "{text}");
        assert!(text.contains("[\n    {\"a\": 1}\n  ]"), "{text}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), document);
    }

    #[test]
    fn numbers_print_as_serde_json_prints_them() {
        let document = json!({"blocks": [[u64::MAX, -1, 0.5, 1.0, 0.33358450035130505]]});
        let text = to_json(&document);
        assert!(text.contains("[18446744073709551615, -1, 0.5, 1.0, 0.33358450035130505]"), "{text}");
        #[derive(Serialize)]
        struct Wide {
            value: u128,
            price: f64,
        }
        let wide = to_json(&Wide { value: u128::MAX, price: f64::NAN });
        assert_eq!(wide, format!("{{\n  \"value\": {},\n  \"price\": null\n}}\n", u128::MAX));
    }
}
