//! A subnet's actor groups as the reports people read show them: one row per group, and the
//! validator groups whose G per epoch says something (every group but the honest reference).

use std::collections::{BTreeMap, BTreeSet};

use super::document::{ActorRole, ActorRow, SubnetSection};

/// One row per actor group: who they are, how good their models are.
#[derive(Default)]
pub(super) struct GroupRow {
    pub role: &'static str,
    pub policy: &'static str,
    pub count: u32,
    pub accuracy: Vec<f64>,
}

/// The groups of `actors` by name.
pub(super) fn group_rows<'a>(actors: &[ActorRow<'a>]) -> BTreeMap<&'a str, GroupRow> {
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

/// The validator groups with a G per epoch that are not honest (G's reference), by name.
pub(super) fn rated_groups<'s>(subnet: &'s SubnetSection) -> Vec<&'s str> {
    let honest: BTreeSet<&str> = (subnet.actors.iter())
        .filter(|a| a.role == ActorRole::Validator && a.policy == "honest")
        .map(|a| a.group)
        .collect();
    let rated: BTreeSet<&str> =
        subnet.epochs.iter().flat_map(|e| e.relative_dividend_rate.keys()).map(String::as_str).collect();
    rated.difference(&honest).copied().collect()
}
