//! The report for people (and CI step summaries): read from the JSON report, so it can never
//! say something the JSON does not.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::Value;

fn number(value: &Value) -> String {
    match value {
        Value::Null => "–".to_string(),
        Value::Number(n) => {
            n.as_f64().map_or(n.to_string(), |x| if x.fract() == 0.0 { format!("{x}") } else { format!("{x:.4}") })
        }
        other => other.to_string(),
    }
}

/// One row per actor group: who they are, how good their models are, what they earned.
#[derive(Default)]
struct GroupRow {
    role: String,
    policy: String,
    count: u32,
    accuracy: Vec<f64>,
    rewards_rao: u64,
    g: Vec<f64>,
}

pub fn to_markdown(report: &Value, sha256: &str) -> String {
    let mut md = String::new();
    let run = &report["run"];
    let _ = writeln!(md, "# tensorsim report: {}\n", run["scenario"].as_str().unwrap_or(""));
    let _ = writeln!(
        md,
        "seed {} · profile `{}` · {} blocks ({} s simulated) · tensorsim {} · report SHA-256 `{sha256}`\n",
        run["seed"],
        run["profile"].as_str().unwrap_or(""),
        run["blocks_produced"],
        number(&run["virtual_seconds"]),
        report["tensorsim"]["version"].as_str().unwrap_or("")
    );
    let _ = writeln!(md, "Conservation: {}.", report["chain"]["conservation"].as_str().unwrap_or(""));
    let net = &report["network"];
    let _ = writeln!(
        md,
        "Network: {} nodes, {} messages sent, {} lost on links, {} delivered.\n",
        net["nodes"], net["messages_sent"], net["messages_lost"], net["messages_delivered"]
    );
    let expectations = report["expectations"].as_array().cloned().unwrap_or_default();
    if !expectations.is_empty() {
        let _ =
            writeln!(md, "## Expectations\n\n| observable | subnet | value | min | max | |\n|---|---|---|---|---|---|");
        for e in &expectations {
            let verdict = if e["pass"] == Value::Bool(true) { "pass" } else { "**FAIL**" };
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {verdict} |",
                e["observable"].as_str().unwrap_or(""),
                e["subnet"].as_str().unwrap_or(""),
                number(&e["value"]),
                number(&e["min"]),
                number(&e["max"])
            );
        }
        md.push('\n');
    }
    for subnet in report["subnets"].as_array().into_iter().flatten() {
        let _ = writeln!(
            md,
            "## Subnet {} (netuid {}, {})\n",
            subnet["name"].as_str().unwrap_or(""),
            subnet["netuid"],
            subnet["task"].as_str().unwrap_or("")
        );
        let obs = &subnet["observables"];
        let _ = writeln!(
            md,
            "- Spearman ρ (held-out accuracy, incentive) over honest miners: {}",
            number(&obs["incentive_accuracy_spearman"])
        );
        let _ = writeln!(
            md,
            "- Query timeout rate: {}; winner flips: {}; stake Nakamoto coefficient at κ: {}; stake Gini: {}",
            number(&obs["query_timeout_rate"]),
            obs["winner_flips"],
            obs["stake_nakamoto_coefficient"],
            number(&obs["stake_gini"])
        );
        let latency = &subnet["queries"]["latency_ms"];
        if latency.is_object() {
            let _ = writeln!(
                md,
                "- Query latency (ms): p50 {} · p90 {} · p99 {} · max {}",
                number(&latency["p50"]),
                number(&latency["p90"]),
                number(&latency["p99"]),
                number(&latency["max"])
            );
        }
        let _ = writeln!(md, "- Epochs recorded: {}\n", subnet["epochs"].as_array().map_or(0, Vec::len));
        let mut groups: BTreeMap<String, GroupRow> = BTreeMap::new();
        for actor in subnet["actors"].as_array().into_iter().flatten() {
            let row = groups.entry(actor["group"].as_str().unwrap_or("").to_string()).or_default();
            row.role = actor["role"].as_str().unwrap_or("").to_string();
            row.policy = actor["policy"].as_str().unwrap_or("").to_string();
            row.count += 1;
            row.rewards_rao += actor["rewards_rao"].as_u64().unwrap_or(0);
            if let Some(a) = actor["model"]["held_out_accuracy"].as_f64() {
                row.accuracy.push(a);
            }
            if let Some(g) = actor["relative_dividend_rate"].as_f64() {
                row.g.push(g);
            }
        }
        let _ = writeln!(
            md,
            "| group | role | policy | count | mean accuracy | incentive share | reward share | G |\n|---|---|---|---|---|---|---|---|"
        );
        let mean = |v: &[f64]| {
            if v.is_empty() { "–".to_string() } else { format!("{:.4}", v.iter().sum::<f64>() / v.len() as f64) }
        };
        for (name, row) in &groups {
            let _ = writeln!(
                md,
                "| {name} | {} | {} | {} | {} | {} | {} | {} |",
                row.role,
                row.policy,
                row.count,
                mean(&row.accuracy),
                number(&obs["incentive_share"][name]),
                number(&obs["reward_share"][name]),
                mean(&row.g)
            );
        }
        md.push('\n');
    }
    let faults = report["faults"].as_array().cloned().unwrap_or_default();
    if !faults.is_empty() {
        let _ = writeln!(md, "## Faults applied\n\n| block | time (ms) | fault |\n|---|---|---|");
        for f in &faults {
            let _ = writeln!(md, "| {} | {} | {} |", f["block"], f["time_ms"], f["fault"].as_str().unwrap_or(""));
        }
    }
    md
}
