//! The chain replay output as text: fixed key order, stable bytes.

use std::fmt::Write;

use super::super::output::{epoch_fields, json_string};
use super::ChainReplayOutput;

/// The chain replay output: fixed key order, stable bytes.
pub fn to_json(output: &ChainReplayOutput) -> String {
    let mut out = String::from("{\n");
    let _ = writeln!(out, "  \"name\": {},", json_string(&output.name));
    out.push_str("  \"epochs\": [");
    for (k, record) in output.epochs.iter().enumerate() {
        out.push_str(if k == 0 { "\n" } else { ",\n" });
        out.push_str("    {\n");
        let _ = writeln!(out, "      \"netuid\": {},", record.netuid);
        let _ = writeln!(out, "      \"block\": {},", record.block);
        epoch_fields(&mut out, &record.output);
        out.push_str("    }");
    }
    out.push_str(if output.epochs.is_empty() { "],\n" } else { "\n  ],\n" });
    out.push_str("  \"blocks\": [");
    for (k, record) in output.blocks.iter().enumerate() {
        out.push_str(if k == 0 { "\n" } else { ",\n" });
        let _ = write!(
            out,
            "    {{\"block\": {}, \"profile\": {}, \"total_issuance_rao\": {}, \"block_emission_rao\": {}, \"subnets\": [",
            record.block,
            json_string(record.profile),
            record.total_issuance_rao,
            record.block_emission_rao
        );
        for (i, s) in record.subnets.iter().enumerate() {
            let _ = write!(
                out,
                "{}{{\"netuid\": {}, \"n\": {}, \"epoch_index\": {}, \"pool_tao_rao\": {}, \"pool_alpha_rao\": {}, \
                 \"alpha_out_rao\": {}, \"burn_rao\": {}, \"ema_price\": {}, \"pending_tao_rao\": {}, \
                 \"emission_value_rao\": {}}}",
                if i == 0 { "" } else { ", " },
                s.netuid,
                s.n,
                s.epoch_index,
                s.pool_tao_rao,
                s.pool_alpha_rao,
                s.alpha_out_rao,
                s.burn_rao,
                serde_json::Value::from(s.ema_price),
                s.pending_tao_rao,
                s.emission_value_rao
            );
        }
        out.push_str("]}");
    }
    out.push_str(if output.blocks.is_empty() { "],\n" } else { "\n  ],\n" });
    let rejected: Vec<String> = output
        .rejected
        .iter()
        .map(|r| format!("{{\"step\": {}, \"error\": {}}}", r.step, json_string(&r.error)))
        .collect();
    list(&mut out, "rejected", &rejected, true);
    let reveals: Vec<String> = output
        .reveals_refused
        .iter()
        .map(|r| {
            format!(
                "{{\"block\": {}, \"netuid\": {}, \"uid\": {}, \"error\": {}}}",
                r.block,
                r.netuid,
                r.uid,
                json_string(&r.error)
            )
        })
        .collect();
    list(&mut out, "reveals_refused", &reveals, false);
    out.push_str("}\n");
    out
}

fn list(out: &mut String, key: &str, items: &[String], comma: bool) {
    let end = if comma { "," } else { "" };
    if items.is_empty() {
        let _ = writeln!(out, "  \"{key}\": []{end}");
        return;
    }
    let _ = writeln!(out, "  \"{key}\": [");
    for (k, item) in items.iter().enumerate() {
        let _ = writeln!(out, "    {item}{}", if k + 1 < items.len() { "," } else { "" });
    }
    let _ = writeln!(out, "  ]{end}");
}
