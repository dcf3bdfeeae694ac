//! The marks on every time axis: the faults as applied and the runtime upgrades (which the report
//! lists among them), each a dashed vertical line with a short tag (F1, U1) that the page's table
//! explains.

use super::super::document::Document;
use crate::scenario::UPGRADE_DESCRIPTION_PREFIX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    Fault,
    Upgrade,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub block: u64,
    pub kind: MarkKind,
    /// `F1`, `U1`: what a chart writes above its line.
    pub tag: String,
    /// What happened, for the table.
    pub text: String,
}

/// The run's faults (F1, F2, …) and upgrades (U1, …), in the order they were applied.
pub(super) fn marks(document: &Document) -> Vec<Mark> {
    let (mut faults, mut upgrades) = (0, 0);
    let mut marks: Vec<Mark> = (document.faults.iter())
        .map(|row| {
            let upgrade = row.fault.starts_with(UPGRADE_DESCRIPTION_PREFIX);
            let (kind, count, letter) =
                if upgrade { (MarkKind::Upgrade, &mut upgrades, 'U') } else { (MarkKind::Fault, &mut faults, 'F') };
            *count += 1;
            Mark { block: row.block, kind, tag: format!("{letter}{count}"), text: row.fault.to_string() }
        })
        .collect();
    let upgrade_blocks: Vec<u64> = marks.iter().filter(|m| m.kind == MarkKind::Upgrade).map(|m| m.block).collect();
    for (i, mark) in marks.iter_mut().filter(|m| m.kind == MarkKind::Upgrade).enumerate() {
        let until = upgrade_blocks.get(i + 1).copied().unwrap_or(u64::MAX);
        mark.text.push_str(&changes_made(document, mark.block, until));
    }
    marks
}

/// The hyperparameter changes of every subnet that an upgrade at `from` made: those first in
/// force at an epoch from its block until the next upgrade's.
fn changes_made(document: &Document, from: u64, until: u64) -> String {
    let mut text = String::new();
    for subnet in &document.subnets {
        for c in subnet.hyperparameter_changes.iter().filter(|c| (from..until).contains(&c.block)) {
            text.push_str(&format!(
                "; {}: {} {} → {} from the epoch at block {}",
                subnet.name, c.name, c.old, c.new, c.block
            ));
        }
    }
    text
}
