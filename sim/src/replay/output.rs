//! The replay output as text: fixed key order, one epoch field per line with its vector inline,
//! so the same case gives the same bytes and a diff of two outputs reads field by field.

use std::fmt::{Display, Write};

use tensorsim_chain::yuma::EpochOutput;

use super::ReplayOutput;

pub fn to_json(output: &ReplayOutput) -> String {
    let mut out = String::new();
    out.push_str("{\n");
    let _ = writeln!(out, "  \"name\": {},", json_string(&output.name));
    if output.epochs.is_empty() {
        out.push_str("  \"epochs\": [],\n");
    } else {
        out.push_str("  \"epochs\": [\n");
        for (k, record) in output.epochs.iter().enumerate() {
            out.push_str("    {\n");
            let _ = writeln!(out, "      \"block\": {},", record.block);
            epoch_fields(&mut out, &record.output);
            out.push_str(if k + 1 < output.epochs.len() { "    },\n" } else { "    }\n" });
        }
        out.push_str("  ],\n");
    }
    if output.rejected.is_empty() {
        out.push_str("  \"rejected\": []\n");
    } else {
        out.push_str("  \"rejected\": [\n");
        for (k, rejected) in output.rejected.iter().enumerate() {
            let comma = if k + 1 < output.rejected.len() { "," } else { "" };
            let _ = writeln!(
                out,
                "    {{\"step\": {}, \"error\": {}}}{comma}",
                rejected.step,
                json_string(&rejected.error)
            );
        }
        out.push_str("  ]\n");
    }
    out.push_str("}\n");
    out
}

/// The fields of an epoch record after its block, one per line, the last (bonds) without a comma.
pub(super) fn epoch_fields(out: &mut String, e: &EpochOutput) {
    field(out, "active", &inline(&e.active));
    field(out, "validator_permit", &inline(&e.validator_permit));
    field(out, "stake_weight", &inline(&e.stake_weight));
    field(out, "consensus", &inline(&e.consensus));
    field(out, "incentive", &inline(&e.incentive));
    field(out, "dividends", &inline(&e.dividends));
    field(out, "validator_trust", &inline(&e.validator_trust));
    field(out, "emission_rao", &inline(&e.emission_rao));
    field(out, "server_emission_rao", &inline(&e.server_emission_rao));
    field(out, "validator_emission_rao", &inline(&e.validator_emission_rao));
    let rows: Vec<String> =
        e.bonds.iter().map(|row| inline(&row.iter().map(|&(j, b)| inline(&[j, b])).collect::<Vec<_>>())).collect();
    let _ = writeln!(out, "      \"bonds\": {}", inline(&rows));
}

fn field(out: &mut String, key: &str, value: &str) {
    let _ = writeln!(out, "      \"{key}\": {value},");
}

pub(super) fn inline<T: Display>(items: &[T]) -> String {
    let mut out = String::from("[");
    for (k, item) in items.iter().enumerate() {
        if k > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{item}");
    }
    out.push(']');
    out
}

pub(super) fn json_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_is_valid_json_with_the_documented_keys() {
        let output = crate::replay::sample_output();
        let text = to_json(&output);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["name"], "a \"quoted\" name");
        assert_eq!(value["epochs"][0]["bonds"], serde_json::json!([[[1, 6640]], []]));
        assert_eq!(value["epochs"][0]["active"], serde_json::json!([true, true]));
        assert_eq!(value["rejected"][0]["step"], 4);
        assert!(text.contains("\"stake_weight\": [65535, 0],"));
        assert!(text.contains("\"block\": 3,"));
        let empty = ReplayOutput { name: String::new(), epochs: vec![], rejected: vec![] };
        let value: serde_json::Value = serde_json::from_str(&to_json(&empty)).unwrap();
        assert_eq!(value["epochs"], serde_json::json!([]));
    }
}
