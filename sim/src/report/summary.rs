//! The few lines `tensorsim run` prints when it ends: each expectation's verdict and, per subnet,
//! each group's shares and G, so that a person sees the run's answer without opening the report.
//! Rendered from the same document as report.json, with its values as printed there.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::document::{ActorRole, Decimal6, Document, SubnetSection};

pub fn render(document: &Document) -> String {
    let mut text = String::new();
    let rows = &document.expectations;
    if !rows.is_empty() {
        let passed = rows.iter().filter(|e| e.pass).count();
        let _ = writeln!(text, "expectations: {passed} of {} hold", rows.len());
        for e in rows {
            let verdict = if e.pass { "pass" } else { "FAIL" };
            let bound = |name: &str, b: Option<f64>| b.map_or(String::new(), |b| format!(" {name} {b}"));
            let _ = writeln!(
                text,
                "  {verdict}  {} {}: {}{}{}",
                e.subnet,
                e.observable,
                show(e.value),
                bound("min", e.min),
                bound("max", e.max)
            );
        }
    }
    for subnet in &document.subnets {
        groups(&mut text, subnet);
    }
    text
}

fn show(value: Decimal6) -> String {
    value.value().map_or("undefined".to_string(), |v| v.to_string())
}

/// The subnet's groups, validators first, with their shares over the window and G.
fn groups(text: &mut String, subnet: &SubnetSection) {
    let obs = &subnet.observables;
    let _ = writeln!(
        text,
        "subnet {} (the {} epochs after block {}):",
        subnet.name, obs.window.epochs, obs.window.after_block
    );
    let mut roles: BTreeMap<&str, ActorRole> = BTreeMap::new();
    for actor in &subnet.actors {
        roles.insert(actor.group, actor.role);
    }
    let mut names: Vec<(&str, ActorRole)> = roles.into_iter().collect();
    names.sort_by_key(|&(name, role)| (role == ActorRole::Miner, name));
    let mut rows = vec![["group", "role", "incentive_share", "reward_share", "G"].map(String::from).to_vec()];
    for (name, role) in names {
        let share = |by_group: &BTreeMap<String, Decimal6>| by_group.get(name).map_or("-".to_string(), |d| show(*d));
        let g = obs.relative_dividend_rate.get(name).map_or("-".to_string(), |rate| show(rate.value));
        rows.push(vec![
            name.to_string(),
            role.name().to_string(),
            share(&obs.incentive_share),
            share(&obs.reward_share),
            g,
        ]);
    }
    let widths: Vec<usize> = (0..5).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    for row in rows {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(cell, &width)| format!("{cell:<width$}")).collect();
        let _ = writeln!(text, "  {}", cells.join("  ").trim_end());
    }
}
