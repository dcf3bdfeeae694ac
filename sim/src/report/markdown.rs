//! The report for people (and CI step summaries): rendered from the same document as the JSON,
//! so it can never say something the JSON does not.

use std::fmt::Write;

use super::document::{
    ActorRole, ActorRow, ByGroup, Decimal6, Document, ExpectationRow, FaultRow, LifecycleSection, NetworkEvent,
    Settled, SubnetSection,
};
use super::format::{mean, netuid, number, tokens};
use super::groups::{group_rows, rated_groups};

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

/// Subnets that came and went: the periods, then each event.
fn lifecycle(md: &mut String, section: &LifecycleSection) {
    let r = &section.registration;
    let _ = writeln!(
        md,
        "## Subnets that come and go\n\nSubnet limit {}, immunity {} blocks, rate limit {} blocks, minimum lock {} TAO, \
         lock reduction interval {} blocks.\n",
        r.subnet_limit,
        r.immunity_period_blocks,
        r.rate_limit_blocks,
        tokens(r.min_lock_cost_rao),
        r.lock_reduction_interval_blocks
    );
    let _ = writeln!(
        md,
        "| blocks | subnets alive (netuid) | lock cost (TAO) | registered | pruned | payouts (TAO) | refused |\n\
         |---|---|---|---|---|---|---|"
    );
    for p in &section.periods {
        let alive: Vec<String> = p.subnets.iter().map(|s| format!("{} ({})", s.name, s.netuid)).collect();
        let _ = writeln!(
            md,
            "| {}–{} | {} | {} → {} | {} | {} | {} | {} |",
            p.from_block,
            p.to_block,
            alive.join(", "),
            tokens(p.lock_cost_rao.from),
            tokens(p.lock_cost_rao.to),
            p.registrations,
            p.prunes,
            tokens(p.dissolution_payouts_rao),
            p.registrations_refused
        );
    }
    md.push('\n');
    for e in &section.events {
        let what = match &e.event {
            NetworkEvent::Registered(r) => format!(
                "registered on netuid {}, locking {} TAO (pool {} TAO, {} alpha); start_call {}; hyperparameters {}",
                r.netuid,
                tokens(r.locked_rao),
                tokens(r.pool_tao_rao),
                tokens(r.pool_alpha_rao),
                r.start_call,
                r.hyperparameters
            ),
            NetworkEvent::Refused { error, lock_cost_rao } => {
                format!("registration refused at a lock cost of {} TAO: {error}", tokens(*lock_cost_rao))
            }
            NetworkEvent::Pruned(p) => format!(
                "pruned from netuid {} for {}: pot {} TAO, {} TAO paid to {} stakers, owner refund {}, protocol share {}, \
                 recycled {}",
                p.netuid,
                p.by,
                tokens(p.pot_rao),
                tokens(p.paid_rao),
                p.payouts.iter().filter(|payout| payout.paid).count(),
                tokens(p.owner_refund_rao),
                tokens(p.protocol_share_rao),
                tokens(p.recycled_rao)
            ),
            NetworkEvent::StakeRefused { actor, error } => {
                format!("{} joined but could not stake: {error}", actor.unwrap_or("an actor"))
            }
        };
        let _ = writeln!(md, "- Block {}: {} {what}", e.block, e.subnet);
    }
    md.push('\n');
}

fn subnet(md: &mut String, subnet: &SubnetSection) {
    let _ = writeln!(md, "## Subnet {} (netuid {}, {})\n", subnet.name, netuid(subnet.netuid), subnet.task);
    if let Some(block) = subnet.registered_at_block {
        let _ = writeln!(md, "Registered by its owner at block {block}.\n");
    }
    if let Some(block) = subnet.pruned_at_block {
        let _ = writeln!(md, "Pruned at block {block} (the subnet limit).\n");
    }
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
    stability(md, subnet);
    validator_series(md, subnet);
}

/// At most this many epochs in the stability table: a long run's table would bury the rest.
const STABILITY_ROWS_MAX: usize = 12;

/// `shown` of `n` indices, evenly spaced, the first and the last included.
fn evenly_spaced(n: usize, shown: usize) -> Vec<usize> {
    if n <= shown {
        return (0..n).collect();
    }
    let mut indices: Vec<usize> = (0..shown).map(|i| i * (n - 1) / (shown - 1).max(1)).collect();
    indices.dedup();
    indices
}

fn stability(md: &mut String, subnet: &SubnetSection) {
    let s = &subnet.stability;
    let _ = writeln!(
        md,
        "### Consensus stability\n\nOver the window: Kendall τ of successive incentive rankings {} (mean); voters' \
         stake within clipping {}, their trust by stake {} (means).\n",
        number(s.incentive_kendall_tau_mean.value()),
        number(s.within_clipping_stake_share_mean.value()),
        number(s.validator_trust_stake_mean.value())
    );
    let shown = evenly_spaced(subnet.epochs.len(), STABILITY_ROWS_MAX);
    if shown.len() < subnet.epochs.len() {
        let _ = writeln!(md, "{} of {} epochs, evenly spaced:\n", shown.len(), subnet.epochs.len());
    }
    let _ = writeln!(
        md,
        "| block | τ | voters | trust min | p25 | median | p75 | max | within clipping |\n|---|---|---|---|---|---|---|---|---|"
    );
    for epoch in shown.iter().map(|&e| &subnet.epochs[e]) {
        let st = &epoch.stability;
        let trust: Vec<String> = st.validator_trust.as_ref().map_or_else(
            || vec!["–".to_string(); 5],
            |t| [t.min, t.p25, t.median, t.p75, t.max].iter().map(|x| number(x.value())).collect(),
        );
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            epoch.block,
            number(st.incentive_kendall_tau.value()),
            st.voters,
            trust.join(" | "),
            number(st.within_clipping_stake_share.value())
        );
    }
    md.push('\n');
    for row in &s.settling {
        let _ = writeln!(
            md,
            "- After {} (block {}): dividends {}; bond sums {}",
            row.event,
            row.block,
            settled(&row.dividends),
            settled(&row.bonds)
        );
    }
    if !s.settling.is_empty() {
        md.push('\n');
    }
}

fn settled(settled: &Settled) -> String {
    match (settled.epochs, settled.settled_block) {
        (Some(epochs), Some(block)) => format!("settled after {epochs} epochs (from block {block})"),
        _ => format!("did not settle ({})", settled.undefined.as_deref().unwrap_or("no reason given")),
    }
}

/// Each validator's series at the first and the last epoch; every actor's whole series is in
/// report.json and actor_series.csv.
fn validator_series(md: &mut String, subnet: &SubnetSection) {
    let validators: Vec<&ActorRow> = subnet.actors.iter().filter(|a| a.role == ActorRole::Validator).collect();
    if validators.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "Validators, first → last epoch (every actor's series: `actor_series` in report.json, actor_series.csv):\n\n\
         | validator | dividends | stake weight | validator trust | G |\n|---|---|---|---|---|"
    );
    for actor in validators {
        let Some(series) = subnet.actor_series.get(actor.name) else { continue };
        let ends = |values: &[Decimal6]| {
            let at = |x: Option<&Decimal6>| number(x.and_then(|d| d.value()));
            format!("{} → {}", at(values.first()), at(values.last()))
        };
        let g = series.relative_dividend_rate.as_deref().map_or("–".to_string(), ends);
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {g} |",
            actor.name,
            ends(&series.dividends),
            ends(&series.stake_weight),
            ends(&series.validator_trust)
        );
    }
    md.push('\n');
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
    for group in rated_groups(subnet) {
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
    if let Some(section) = &document.subnet_lifecycle {
        lifecycle(&mut md, section);
    }
    for section in &document.subnets {
        subnet(&mut md, section);
    }
    faults(&mut md, &document.faults);
    md
}
