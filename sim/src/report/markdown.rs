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
}

fn group_rows<'a>(actors: &[ActorRow<'a>]) -> BTreeMap<&'a str, GroupRow> {
    let mut groups: BTreeMap<&str, GroupRow> = BTreeMap::new();
    for actor in actors {
        let row = groups.entry(actor.group).or_default();
        row.role = actor.role.name();
        row.policy = actor.policy;
        row.count += 1;
        row.accuracy.extend(actor.model.as_ref().and_then(|m| m.held_out_accuracy.value()));
    }
    groups
}

/// TAO or alpha from RAO, to 4 decimals.
fn tokens(rao: u64) -> String {
    format!("{:.4}", rao as f64 / 1e9)
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
        "Window: the {} epochs after block {} (the run's first half is warm-up); shares, G, winner flips and \
         means read it.\n",
        obs.window.epochs, obs.window.after_block
    );
    let _ = writeln!(
        md,
        "- Spearman ρ (held-out accuracy, mean incentive) over honest miners: {}; winner flips: {}",
        number(obs.incentive_accuracy_spearman.value()),
        obs.winner_flips
    );
    queries(md, subnet);
    if let Some(stake) = &obs.validator_stake {
        let _ = writeln!(
            md,
            "- Validators' stake at the last epoch ({} validators): Nakamoto coefficient {} (majority), {} at κ; \
             Gini {}, HHI {}, top-1 share {}",
            stake.validators,
            stake.nakamoto_coefficient_majority,
            stake.nakamoto_coefficient_kappa,
            number(stake.gini.value()),
            number(stake.hhi.value()),
            number(stake.top_1_share.value())
        );
    }
    chain_state(md, subnet);
    let _ = writeln!(md, "- Epochs recorded: {}\n", subnet.epochs.len());
    groups(md, subnet);
    rates_by_epoch(md, subnet);
}

fn queries(md: &mut String, subnet: &SubnetSection) {
    let q = &subnet.queries;
    let _ = writeln!(
        md,
        "- Queries: {} answered, {} refused, {} timed out (timeout rate {}); answers credited nothing: {} malformed, \
         {} duplicate",
        q.answered,
        q.refused,
        q.timed_out,
        number(subnet.observables.query_timeout_rate.value()),
        q.malformed,
        q.duplicate
    );
    if let Some(latency) = &q.latency_ms {
        let _ = writeln!(
            md,
            "- Query latency (ms, answered queries): p50 {} · p90 {} · p99 {} · max {}",
            number(latency.p50.value()),
            number(latency.p90.value()),
            number(latency.p99.value()),
            number(latency.max.value())
        );
    }
}

/// The pool, prices and issuance at the last epoch; hyperparameter changes; registrations.
fn chain_state(md: &mut String, subnet: &SubnetSection) {
    if let Some(last) = subnet.epochs.last() {
        let _ = writeln!(
            md,
            "- At the last epoch (block {}): pool {} TAO and {} alpha, price {} (moving {}) TAO per alpha; total \
             issuance {} TAO",
            last.block,
            tokens(last.pool_tao_rao),
            tokens(last.pool_alpha_rao),
            number(last.price.value()),
            number(last.ema_price.value()),
            tokens(last.total_issuance_rao)
        );
    }
    let changes: Vec<String> = (subnet.hyperparameter_changes.iter())
        .map(|c| format!("{} {} → {} from the epoch at block {}", c.name, c.old, c.new, c.block))
        .collect();
    if !changes.is_empty() {
        let _ = writeln!(md, "- Hyperparameter changes: {}", changes.join("; "));
    }
    let lags: Vec<u64> = subnet.epochs.iter().flat_map(|e| e.reveals.iter().map(|r| r.lag_blocks)).collect();
    if let (Some(min), Some(max)) = (lags.iter().min(), lags.iter().max()) {
        let _ = writeln!(md, "- Commit → reveal lag: {} reveals, {min}–{max} blocks", lags.len());
    }
    let actions: Vec<String> = (subnet.owner_actions.iter())
        .map(|a| format!("{} at block {}: {}", a.set, a.block, a.verdict.split(':').next().unwrap_or_default()))
        .collect();
    if !actions.is_empty() {
        let _ = writeln!(md, "- Owner actions: {}", actions.join("; "));
    }
    let registrations = &subnet.registrations;
    if !registrations.is_empty() {
        let pruned = registrations.iter().filter(|r| r.replaced_hotkey.is_some()).count();
        let burned: u64 = registrations.iter().map(|r| r.burn_rao).sum();
        let _ = writeln!(
            md,
            "- Registrations: {} ({pruned} of them pruned a UID's holder), {} TAO burned",
            registrations.len(),
            tokens(burned)
        );
    }
}

fn groups(md: &mut String, subnet: &SubnetSection) {
    let obs = &subnet.observables;
    let _ = writeln!(
        md,
        "| group | role | policy | count | mean accuracy | incentive share | reward share | G |\n|---|---|---|---|---|---|---|---|"
    );
    for (name, row) in &group_rows(&subnet.actors) {
        let share = |by_group: &ByGroup| number(by_group.get(*name).and_then(|d| d.value()));
        let g = obs.relative_dividend_rate.get(*name).map_or(String::new(), |rate| number(rate.value.value()));
        let _ = writeln!(
            md,
            "| {name} | {} | {} | {} | {} | {} | {} | {g} |",
            row.role,
            row.policy,
            row.count,
            mean(&row.accuracy),
            share(&obs.incentive_share),
            share(&obs.reward_share),
        );
    }
    md.push('\n');
}

/// G per epoch of each validator group whose G says something (not the honest reference).
fn rates_by_epoch(md: &mut String, subnet: &SubnetSection) {
    let honest: Vec<&str> = (subnet.actors.iter())
        .filter(|a| a.role.name() == "validator" && a.policy == "honest")
        .map(|a| a.group)
        .collect();
    let groups: Vec<&String> = (subnet.epochs.iter().flat_map(|e| e.relative_dividend_rate.keys()))
        .filter(|g| !honest.contains(&g.as_str()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for group in groups {
        let values: Vec<String> = (subnet.epochs.iter())
            .map(|e| number(e.relative_dividend_rate.get(group).and_then(|rate| rate.value.value())))
            .collect();
        let _ = writeln!(md, "G of {group} per epoch (– where undefined): {}\n", values.join(", "));
    }
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
