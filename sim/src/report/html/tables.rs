//! The page's text and tables, from the document: the run, the expectations' verdicts, the marks
//! on the time axes, and per subnet its facts, its groups and its hyperparameter changes.

use super::super::document::{ByGroup, Document, ExpectationRow, LifecycleSection, NetworkEvent, SubnetSection};
use super::super::format::{mean, netuid, number, tokens};
use super::super::groups::group_rows;
use super::marks::{Mark, MarkKind};
use super::page::{Cell, escape, table};

/// The heading and the run's facts.
pub(super) fn run_header(document: &Document, sha256: &str) -> String {
    let run = &document.run;
    let net = &document.network;
    let lost = &net.messages_lost;
    let dropped = match net.messages_dropped {
        0 => String::new(),
        n => format!(", {n} dropped by full queues"),
    };
    format!(
        "<h1>tensorsim report: {}</h1>\n\
         <p class=\"meta\">seed {} · profile <code>{}</code> · {} blocks ({} s simulated) · tensorsim {} · \
         report.json SHA-256 <code>{sha256}</code></p>\n\
         <p class=\"meta\">Conservation: {}. Network: {} nodes, {} messages sent, {} delivered{dropped}; {} lost \
         ({} on links, {} to offline nodes, {} across partitions, {} to crashed nodes).</p>\n",
        escape(run.scenario),
        run.seed,
        escape(run.profile),
        run.blocks_produced,
        number(run.virtual_seconds.value()),
        escape(document.tensorsim.version),
        escape(&document.chain.conservation),
        net.nodes,
        net.messages_sent,
        net.messages_delivered,
        lost.total(),
        lost.link,
        lost.offline,
        lost.partition,
        lost.crashed
    )
}

pub(super) fn expectations(rows: &[ExpectationRow]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let passed = rows.iter().filter(|e| e.pass).count();
    let cells = rows.iter().map(|e| {
        vec![
            Cell::text(e.subnet),
            Cell::text(e.observable.as_str()),
            Cell::number(number(e.value.value())),
            Cell::number(number(e.min)),
            Cell::number(number(e.max)),
            if e.pass { Cell::class("pass", "pass") } else { Cell::class("FAIL", "fail") },
        ]
    });
    format!(
        "<h2>Expectations: {passed} of {} hold</h2>\n{}",
        rows.len(),
        table(&["subnet", "observable", "value", "min", "max", "verdict"], cells)
    )
}

/// What each tag on the time axes stands for.
pub(super) fn marks(marks: &[Mark]) -> String {
    if marks.is_empty() {
        return "<p class=\"meta\">No fault and no upgrade: the time axes carry no mark.</p>\n".to_string();
    }
    let cells = marks.iter().map(|m| {
        let (kind, class) = match m.kind {
            MarkKind::Fault => ("fault", "fault"),
            MarkKind::Upgrade => ("upgrade", "upgrade"),
        };
        vec![
            Cell::class(m.tag.as_str(), class),
            Cell::number(m.block.to_string()),
            Cell::text(kind),
            Cell::text(m.text.as_str()),
        ]
    });
    format!("<h3>Marks on the time axes (dashed lines)</h3>\n{}", table(&["tag", "block", "kind", "what"], cells))
}

/// Subnets that came and went: the periods over which the same subnets lived, then each event.
pub(super) fn lifecycle(section: &LifecycleSection) -> String {
    let r = &section.registration;
    let periods = section.periods.iter().map(|p| {
        let alive: Vec<String> = p.subnets.iter().map(|s| format!("{} ({})", s.name, s.netuid)).collect();
        vec![
            Cell::number(format!("{}–{}", p.from_block, p.to_block)),
            Cell::text(alive.join(", ")),
            Cell::number(format!("{} → {}", tokens(p.lock_cost_rao.from), tokens(p.lock_cost_rao.to))),
            Cell::number(p.registrations.to_string()),
            Cell::number(p.prunes.to_string()),
            Cell::number(tokens(p.dissolution_payouts_rao)),
            Cell::number(p.registrations_refused.to_string()),
        ]
    });
    let events = section.events.iter().map(|e| {
        let (kind, what) = match &e.event {
            NetworkEvent::Registered(r) => (
                "registered",
                format!(
                    "netuid {}, {} TAO locked; start_call {}; hyperparameters {}",
                    r.netuid,
                    tokens(r.locked_rao),
                    r.start_call,
                    r.hyperparameters
                ),
            ),
            NetworkEvent::Refused { error, lock_cost_rao } => {
                ("refused", format!("at a lock cost of {} TAO: {error}", tokens(*lock_cost_rao)))
            }
            NetworkEvent::Pruned(p) => (
                "pruned",
                format!(
                    "netuid {} for {}: pot {} TAO, {} TAO paid to stakers, protocol share {}, recycled {}",
                    p.netuid,
                    p.by,
                    tokens(p.pot_rao),
                    tokens(p.paid_rao),
                    tokens(p.protocol_share_rao),
                    tokens(p.recycled_rao)
                ),
            ),
            NetworkEvent::StakeRefused { actor, error } => {
                ("stake refused", format!("{}: {error}", actor.unwrap_or("an actor")))
            }
        };
        vec![Cell::number(e.block.to_string()), Cell::text(e.subnet), Cell::text(kind), Cell::text(what)]
    });
    format!(
        "<h2>Subnets that come and go</h2>\n<p class=\"meta\">Subnet limit {}, immunity {} blocks, rate limit {} \
         blocks, minimum lock {} TAO, lock reduction interval {} blocks.</p>\n{}{}",
        r.subnet_limit,
        r.immunity_period_blocks,
        r.rate_limit_blocks,
        tokens(r.min_lock_cost_rao),
        r.lock_reduction_interval_blocks,
        table(
            &[
                "blocks",
                "subnets alive (netuid)",
                "lock cost (TAO)",
                "registered",
                "pruned",
                "payouts (TAO)",
                "refused"
            ],
            periods
        ),
        table(&["block", "subnet", "event", "what"], events)
    )
}

/// The subnet's heading, facts, group table and hyperparameter changes.
pub(super) fn subnet(subnet: &SubnetSection) -> String {
    let obs = &subnet.observables;
    let mut facts = vec![
        format!(
            "Window: the {} epochs after block {} (the run's first half is warm-up); shares, G and means read it.",
            obs.window.epochs, obs.window.after_block
        ),
        format!(
            "Spearman ρ (held-out accuracy, mean incentive) over honest miners: {}; winner flips: {}.",
            number(obs.incentive_accuracy_spearman.value()),
            obs.winner_flips
        ),
    ];
    let q = &subnet.queries;
    facts.push(format!(
        "Queries: {} answered, {} refused, {} timed out (timeout rate {}); credited nothing: {} malformed, {} \
         duplicate.",
        q.answered,
        q.refused,
        q.timed_out,
        number(obs.query_timeout_rate.value()),
        q.malformed,
        q.duplicate
    ));
    if let Some(block) = subnet.registered_at_block {
        facts.push(format!("Registered by its owner at block {block}."));
    }
    if let Some(block) = subnet.pruned_at_block {
        facts.push(format!("Pruned at block {block} (the subnet limit)."));
    }
    if let Some(last) = subnet.epochs.last() {
        facts.push(format!(
            "At the last epoch (block {}): pool {} TAO and {} alpha, price {} TAO per alpha (moving {}).",
            last.block,
            tokens(last.pool_tao_rao),
            tokens(last.pool_alpha_rao),
            number(last.price.value()),
            number(last.ema_price.value())
        ));
    }
    let items: String = facts.iter().map(|f| format!("<li>{}</li>", escape(f))).collect();
    format!(
        "<h2>Subnet {} (netuid {}, {})</h2>\n<ul class=\"facts\">{items}</ul>\n{}{}",
        escape(subnet.name),
        netuid(subnet.netuid),
        escape(&subnet.task),
        groups(subnet),
        hyperparameter_changes(subnet)
    ) + &owner_actions(subnet)
}

fn owner_actions(subnet: &SubnetSection) -> String {
    if subnet.owner_actions.is_empty() {
        return String::new();
    }
    let cells = subnet.owner_actions.iter().map(|a| {
        vec![Cell::number(a.block.to_string()), Cell::text(a.set.to_string()), Cell::text(a.verdict.as_str())]
    });
    format!("<h3>Owner's calls and the chain's verdicts</h3>\n{}", table(&["block", "set", "verdict"], cells))
}

fn groups(subnet: &SubnetSection) -> String {
    let obs = &subnet.observables;
    let cells = group_rows(&subnet.actors).into_iter().map(|(name, row)| {
        let share = |by_group: &ByGroup| number(by_group.get(name).and_then(|d| d.value()));
        let g = obs.relative_dividend_rate.get(name).map_or(String::new(), |rate| number(rate.value.value()));
        vec![
            Cell::text(name),
            Cell::text(row.role),
            Cell::text(row.policy),
            Cell::number(row.count.to_string()),
            Cell::number(mean(&row.accuracy)),
            Cell::number(share(&obs.incentive_share)),
            Cell::number(share(&obs.reward_share)),
            Cell::number(g),
        ]
    });
    let header = ["group", "role", "policy", "count", "mean accuracy", "incentive share", "reward share", "G"];
    table(&header, cells)
}

fn hyperparameter_changes(subnet: &SubnetSection) -> String {
    if subnet.hyperparameter_changes.is_empty() {
        return String::new();
    }
    let cells = subnet.hyperparameter_changes.iter().map(|c| {
        vec![
            Cell::number(c.block.to_string()),
            Cell::text(c.name.as_str()),
            Cell::text(c.old.to_string()),
            Cell::text(c.new.to_string()),
        ]
    });
    format!(
        "<h3>Hyperparameter changes (from the epoch at the block)</h3>\n{}",
        table(&["block", "name", "old", "new"], cells)
    )
}
