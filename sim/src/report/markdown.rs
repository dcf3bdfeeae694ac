//! The report for people (and CI step summaries): rendered from the same document as the JSON,
//! so it can never say something the JSON does not.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::document::{ActorRow, ByGroup, Document, ExpectationRow, FaultRow, SubnetSection};

/// A float of the report: whole numbers bare, others to 4 decimals, undefined as a dash.
fn number(x: Option<f64>) -> String {
    match x {
        Some(x) if x.is_finite() => {
            if x.fract() == 0.0 {
                format!("{x}")
            } else {
                format!("{x:.4}")
            }
        }
        _ => "–".to_string(),
    }
}

fn mean(values: &[f64]) -> String {
    if values.is_empty() {
        "–".to_string()
    } else {
        format!("{:.4}", values.iter().sum::<f64>() / values.len() as f64)
    }
}

/// One row per actor group: who they are, how good their models are.
#[derive(Default)]
struct GroupRow {
    role: &'static str,
    policy: &'static str,
    count: u32,
    accuracy: Vec<f64>,
    g: Vec<f64>,
}

fn group_rows<'a>(actors: &[ActorRow<'a>]) -> BTreeMap<&'a str, GroupRow> {
    let mut groups: BTreeMap<&str, GroupRow> = BTreeMap::new();
    for actor in actors {
        let row = groups.entry(actor.group).or_default();
        row.role = actor.role.name();
        row.policy = actor.policy;
        row.count += 1;
        row.accuracy.extend(actor.model.as_ref().and_then(|m| m.held_out_accuracy.value()));
        row.g.extend(actor.relative_dividend_rate.and_then(|g| g.value()));
    }
    groups
}

fn header(md: &mut String, document: &Document, sha256: &str) {
    let run = &document.run;
    let _ = writeln!(md, "# tensorsim report: {}\n", run.scenario);
    let _ = writeln!(
        md,
        "seed {} · profile `{}` · {} blocks ({} s simulated) · tensorsim {} · report SHA-256 `{sha256}`\n",
        run.seed,
        run.profile,
        run.blocks_produced,
        number(run.virtual_seconds.value()),
        document.tensorsim.version
    );
    let _ = writeln!(md, "Conservation: {}.", document.chain.conservation);
    let net = &document.network;
    let dropped = if net.messages_dropped > 0 {
        format!(", {} dropped by full queues", net.messages_dropped)
    } else {
        String::new()
    };
    let lost = &net.messages_lost;
    let _ = writeln!(
        md,
        "Network: {} nodes, {} messages sent, {} delivered{dropped}; {} lost ({} on links, {} to offline nodes, \
         {} across partitions, {} to crashed nodes).\n",
        net.nodes,
        net.messages_sent,
        net.messages_delivered,
        lost.total(),
        lost.link,
        lost.offline,
        lost.partition,
        lost.crashed
    );
}

fn expectations(md: &mut String, rows: &[ExpectationRow]) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(md, "## Expectations\n\n| observable | subnet | value | min | max | |\n|---|---|---|---|---|---|");
    for e in rows {
        let verdict = if e.pass { "pass" } else { "**FAIL**" };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {verdict} |",
            e.observable,
            e.subnet,
            number(e.value.value()),
            number(e.min),
            number(e.max)
        );
    }
    md.push('\n');
}

fn subnet(md: &mut String, subnet: &SubnetSection) {
    let _ = writeln!(md, "## Subnet {} (netuid {}, {})\n", subnet.name, subnet.netuid, subnet.task);
    let obs = &subnet.observables;
    let _ = writeln!(
        md,
        "- Spearman ρ (held-out accuracy, incentive) over honest miners: {}",
        number(obs.incentive_accuracy_spearman.value())
    );
    let _ = writeln!(
        md,
        "- Query timeout rate: {}; winner flips: {}; stake Nakamoto coefficient at κ: {}; stake Gini: {}",
        number(obs.query_timeout_rate.value()),
        obs.winner_flips,
        obs.stake_nakamoto_coefficient,
        number(obs.stake_gini.value())
    );
    if let Some(latency) = &subnet.queries.latency_ms {
        let _ = writeln!(
            md,
            "- Query latency (ms): p50 {} · p90 {} · p99 {} · max {}",
            number(latency.p50.value()),
            number(latency.p90.value()),
            number(latency.p99.value()),
            number(latency.max.value())
        );
    }
    let _ = writeln!(md, "- Epochs recorded: {}\n", subnet.epochs.len());
    let _ = writeln!(
        md,
        "| group | role | policy | count | mean accuracy | incentive share | reward share | G |\n|---|---|---|---|---|---|---|---|"
    );
    for (name, row) in &group_rows(&subnet.actors) {
        let share = |by_group: &ByGroup| number(by_group.get(*name).and_then(|d| d.value()));
        let _ = writeln!(
            md,
            "| {name} | {} | {} | {} | {} | {} | {} | {} |",
            row.role,
            row.policy,
            row.count,
            mean(&row.accuracy),
            share(&obs.incentive_share),
            share(&obs.reward_share),
            mean(&row.g)
        );
    }
    md.push('\n');
}

fn faults(md: &mut String, rows: &[FaultRow]) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(md, "## Faults applied\n\n| block | time (ms) | fault |\n|---|---|---|");
    for f in rows {
        let _ = writeln!(md, "| {} | {} | {} |", f.block, f.time_ms, f.fault);
    }
}

/// The Markdown summary of `document`, whose JSON has the digest `sha256`.
pub fn render(document: &Document, sha256: &str) -> String {
    let mut md = String::new();
    header(&mut md, document, sha256);
    expectations(&mut md, &document.expectations);
    for section in &document.subnets {
        subnet(&mut md, section);
    }
    faults(&mut md, &document.faults);
    md
}
