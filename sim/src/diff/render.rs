//! A diff as people read it: a table on the terminal, and diff.md; of run reports and of replay
//! outputs.

use std::cmp::Reverse;

use crate::diff::model::{Diff, EpochDiff, ObservableChange, ReplayDiff, ReplayUidChange, UidChange, UidChangeAt};

/// How many UID changes the terminal shows, over all epochs.
const UID_CHANGES_SHOWN: usize = 10;

/// The terminal's table: every observable, then the largest UID changes over all epochs.
pub fn table(diff: &Diff) -> String {
    let mut text = format!("{}\n\n", heading(diff));
    let mut rows = vec![header(&["subnet", "observable", "A", "B", "Δ", "Δ %"])];
    rows.extend(diff.observables.iter().map(observable_cells));
    text.push_str(&aligned(&rows));
    let largest = largest_uid_changes(diff);
    if largest.is_empty() {
        text.push_str("\nno UID's consensus, incentive or dividends changed in any epoch\n");
    } else {
        text.push_str("\nlargest changes by UID (u16), over all epochs:\n");
        let mut rows = vec![header(&["subnet", "epoch", "block", "field", "uid", "actor", "A", "B", "Δ"])];
        rows.extend(largest.iter().map(|(epoch, change)| uid_cells(epoch, change)));
        text.push_str(&aligned(&rows));
    }
    for note in &diff.unmatched {
        text.push_str(&format!("not compared: {note}\n"));
    }
    text
}

/// diff.md: the same tables in Markdown, and every epoch's list.
pub fn markdown(diff: &Diff) -> String {
    let mut text = format!("# Diff\n\n{}\n\n## Observables (largest relative change first)\n\n", heading(diff));
    text.push_str(&markdown_table(
        &["subnet", "observable", "A", "B", "Δ", "Δ %"],
        diff.observables.iter().map(observable_cells),
    ));
    text.push_str("\n## Largest changes by UID, epoch by epoch (u16)\n");
    for epoch in diff.epochs.iter().filter(|e| !e.largest.is_empty()) {
        text.push_str(&format!(
            "\n### {} epoch {} (block {} in A, {} in B)\n\n",
            epoch.subnet, epoch.epoch, epoch.block_a, epoch.block_b
        ));
        let cells = epoch.largest.iter().map(|c| uid_cells(epoch, c)[3..].to_vec());
        text.push_str(&markdown_table(&["field", "uid", "actor", "A", "B", "Δ"], cells));
    }
    if diff.epochs.iter().all(|e| e.largest.is_empty()) {
        text.push_str("\nNo UID's consensus, incentive or dividends changed in any epoch.\n");
    }
    if !diff.unmatched.is_empty() {
        text.push_str("\n## Not compared\n\n");
        text.extend(diff.unmatched.iter().map(|note| format!("- {note}\n")));
    }
    text
}

pub fn heading(diff: &Diff) -> String {
    let forced = if diff.forced { " (different scenarios, compared under --force)" } else { "" };
    let (a, b) = (&diff.a, &diff.b);
    let mut text = format!(
        "A: {} ({}, seed {}, {})\nB: {} ({}, seed {}, {}){forced}",
        a.scenario, a.profile, a.seed, a.path, b.scenario, b.profile, b.seed, b.path
    );
    // What made the runs differ besides the profile: an `ab --set` shows nowhere else.
    if !diff.hyperparameters.is_empty() {
        let show = |v: &Option<serde_json::Value>| v.as_ref().map_or("-".to_string(), |v| v.to_string());
        let changes: Vec<String> = diff
            .hyperparameters
            .iter()
            .map(|h| format!("{} {} {} → {}", h.subnet, h.name, show(&h.a), show(&h.b)))
            .collect();
        text.push_str(&format!("\nhyperparameters at genesis: {}", changes.join(", ")));
    }
    text
}

fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

pub fn observable_cells(row: &ObservableChange) -> Vec<String> {
    let show = |v: Option<f64>| v.map_or("null".to_string(), |v| v.to_string());
    let relative = match (row.relative_change, row.a, row.b) {
        (Some(r), _, _) => format!("{:+.2} %", r * 100.0),
        (None, None, None) => "-".to_string(),
        // From zero, or defined in one run only: no ratio says how large that is.
        (None, _, _) => "new".to_string(),
    };
    let absolute = row.absolute_change.map_or("-".to_string(), |d| format!("{d:+}"));
    vec![row.subnet.clone(), row.label(), show(row.a), show(row.b), absolute, relative]
}

pub fn uid_cells(epoch: &EpochDiff, c: &UidChange) -> Vec<String> {
    let show = |v: Option<u16>| v.map_or("-".to_string(), |v| v.to_string());
    vec![
        epoch.subnet.clone(),
        epoch.epoch.to_string(),
        epoch.block_b.to_string(),
        c.field.to_string(),
        c.uid.to_string(),
        c.actor(),
        show(c.a),
        show(c.b),
        format!("{:+}", c.change),
    ]
}

/// Every epoch's listed changes, the largest first (ties in epoch order).
pub fn largest_uid_changes(diff: &Diff) -> Vec<(&EpochDiff, &UidChange)> {
    let mut all: Vec<_> = diff.epochs.iter().flat_map(|e| e.largest.iter().map(move |c| (e, c))).collect();
    all.sort_by_key(|(_, c)| Reverse(c.change.unsigned_abs()));
    all.truncate(UID_CHANGES_SHOWN);
    all
}

/// Columns padded to their widest cell (by characters: Δ and → are one each).
fn aligned(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| rows.iter().filter_map(|r| r.get(i)).map(|c| c.chars().count()).max().unwrap_or(0))
        .collect();
    let mut text = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell}{}", " ".repeat(width - cell.chars().count())))
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    text
}

fn markdown_table(names: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut text = format!("| {} |\n|{}\n", names.join(" | "), "---|".repeat(names.len()));
    for row in rows {
        text.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    text
}

/// The terminal's table of a replay diff: each field's largest change, then the largest changes by
/// UID over all epochs.
pub fn replay_table(diff: &ReplayDiff) -> String {
    let mut text = format!("{}\n\nlargest change of each field, over all epochs:\n", replay_heading(diff));
    let with_netuid = diff.epochs.iter().any(|e| e.netuid.is_some());
    let columns = replay_columns(with_netuid, diff.hotkeys_from.is_some());
    let mut rows = vec![header(&columns)];
    let changed = diff.fields.iter().filter_map(|field| field.largest.as_ref());
    rows.extend(changed.map(|at| replay_cells(at, with_netuid, diff.hotkeys_from.is_some())));
    text.push_str(&aligned(&rows));
    text.push_str(&unchanged_fields(diff));
    let largest = largest_replay_changes(diff);
    if largest.is_empty() {
        text.push_str("\nno UID's output changed in any epoch\n");
    } else {
        text.push_str(
            "\nlargest changes by UID, over all epochs (share: of 65535, or of the epoch's emission for emission_rao):\n",
        );
        let mut rows = vec![header(&columns)];
        rows.extend(largest.iter().map(|at| replay_cells(at, with_netuid, diff.hotkeys_from.is_some())));
        text.push_str(&aligned(&rows));
    }
    for note in &diff.unmatched {
        text.push_str(&format!("not compared: {note}\n"));
    }
    text
}

/// diff.md of a replay diff: the same tables in Markdown, and every epoch's list.
pub fn replay_markdown(diff: &ReplayDiff) -> String {
    let (with_netuid, with_hotkeys) = (diff.epochs.iter().any(|e| e.netuid.is_some()), diff.hotkeys_from.is_some());
    let columns = replay_columns(with_netuid, with_hotkeys);
    let mut text = format!("# Diff\n\n{}\n\n## Largest change of each field\n\n", replay_heading(diff));
    let changed = diff.fields.iter().filter_map(|field| field.largest.as_ref());
    text.push_str(&markdown_table(&columns, changed.map(|at| replay_cells(at, with_netuid, with_hotkeys))));
    let unchanged = unchanged_fields(diff);
    if !unchanged.is_empty() {
        text.push_str(&format!("\n{unchanged}"));
    }
    text.push_str("\n## Largest changes by UID, epoch by epoch\n");
    for epoch in diff.epochs.iter().filter(|e| !e.largest.is_empty()) {
        let subnet = epoch.netuid.map_or(String::new(), |netuid| format!("netuid {netuid} "));
        text.push_str(&format!(
            "\n### {subnet}epoch {} (block {} in A, {} in B)\n\n",
            epoch.epoch, epoch.block_a, epoch.block_b
        ));
        let at = |change: &ReplayUidChange| UidChangeAt {
            block_b: epoch.block_b,
            change: change.clone(),
            epoch: epoch.epoch,
            netuid: epoch.netuid,
        };
        let cells = epoch.largest.iter().map(|c| replay_cells(&at(c), with_netuid, with_hotkeys));
        text.push_str(&markdown_table(&columns, cells));
    }
    if diff.epochs.iter().all(|e| e.largest.is_empty()) {
        text.push_str("\nNo UID's output changed in any epoch.\n");
    }
    if !diff.unmatched.is_empty() {
        text.push_str("\n## Not compared\n\n");
        text.extend(diff.unmatched.iter().map(|note| format!("- {note}\n")));
    }
    text
}

/// The line naming the fields no UID's value changed in, if any.
fn unchanged_fields(diff: &ReplayDiff) -> String {
    let unchanged: Vec<&str> = diff.fields.iter().filter(|f| f.largest.is_none()).map(|f| f.field).collect();
    if unchanged.is_empty() { String::new() } else { format!("unchanged in every epoch: {}\n", unchanged.join(", ")) }
}

fn replay_heading(diff: &ReplayDiff) -> String {
    let forced = if diff.forced { " (different cases, compared under --force)" } else { "" };
    let (a, b) = (&diff.a, &diff.b);
    let mut text = format!("A: {} ({})\nB: {} ({}){forced}", a.name, a.path, b.name, b.path);
    if let Some(from) = &diff.hotkeys_from {
        text.push_str(&format!("\nUIDs named by the hotkeys of {from}"));
    }
    text
}

fn replay_columns(with_netuid: bool, with_hotkeys: bool) -> Vec<&'static str> {
    let mut columns = vec!["field"];
    columns.extend(with_netuid.then_some("netuid"));
    columns.extend(["epoch", "block", "uid"]);
    columns.extend(with_hotkeys.then_some("hotkey"));
    columns.extend(["A", "B", "Δ", "share"]);
    columns
}

fn replay_cells(at: &UidChangeAt, with_netuid: bool, with_hotkeys: bool) -> Vec<String> {
    let show = |v: Option<u64>| v.map_or("-".to_string(), |v| v.to_string());
    let c = &at.change;
    let mut cells = vec![c.field.to_string()];
    cells.extend(with_netuid.then(|| at.netuid.map_or("-".to_string(), |n| n.to_string())));
    cells.extend([at.epoch.to_string(), at.block_b.to_string(), c.uid.to_string()]);
    cells.extend(with_hotkeys.then(|| c.hotkey.clone().unwrap_or_else(|| "-".to_string())));
    cells.extend([show(c.a), show(c.b), format!("{:+}", c.change), format!("{:.2} %", c.share * 100.0)]);
    cells
}

/// Every epoch's listed changes, the largest share first (ties in epoch order).
fn largest_replay_changes(diff: &ReplayDiff) -> Vec<UidChangeAt> {
    let mut all: Vec<UidChangeAt> = diff
        .epochs
        .iter()
        .flat_map(|e| {
            e.largest.iter().map(|c| UidChangeAt {
                block_b: e.block_b,
                change: c.clone(),
                epoch: e.epoch,
                netuid: e.netuid,
            })
        })
        .collect();
    all.sort_by(|x, y| y.change.share.total_cmp(&x.change.share));
    all.truncate(UID_CHANGES_SHOWN);
    all
}
