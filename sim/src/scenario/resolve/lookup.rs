//! What the names and overrides of a scenario resolve to: a profile, the nodes of a name,
//! hyperparameters with overrides over them.

use tensorsim_actors::protocol::NodeId;
use tensorsim_chain::hyperparameters::Hyperparameters;
use tensorsim_chain::profile::{self, Profile};

use crate::scenario::error::{ScenarioError, invalid};
use crate::scenario::plan::NodePlan;

pub(super) type Overrides = serde_json::Map<String, serde_json::Value>;

/// The profile `name` names.
pub(super) fn profile_named(name: &str, path: &str) -> Result<&'static Profile, ScenarioError> {
    match profile::profile_by_name(name) {
        Some(profile) => Ok(profile),
        None => invalid(path, format!("unknown profile {name:?}; the profiles are {}", profile::profile_names())),
    }
}

/// `name` as nodes: `chain`, a group, or one `group/index`.
pub(super) fn nodes_named(nodes: &[NodePlan], name: &str, path: &str) -> Result<Vec<NodeId>, ScenarioError> {
    let found: Vec<NodeId> =
        nodes.iter().enumerate().filter(|(_, n)| n.name == name || n.group == name).map(|(i, _)| i as NodeId).collect();
    if found.is_empty() {
        return invalid(path, format!("no node or group {name:?}"));
    }
    Ok(found)
}

/// `names` (at `path[i]`) as nodes, in order.
pub(super) fn nodes_named_all(nodes: &[NodePlan], names: &[String], path: &str) -> Result<Vec<NodeId>, ScenarioError> {
    let mut all = Vec::new();
    for (i, name) in names.iter().enumerate() {
        all.extend(nodes_named(nodes, name, &format!("{path}[{i}]"))?);
    }
    Ok(all)
}

/// The owner's UID is the chain's, not the scenario's: its overrides cannot set it.
pub(super) fn refuse_owner_uid(overrides: &Overrides, path: &str) -> Result<(), ScenarioError> {
    if overrides.contains_key("owner_uid") {
        return invalid(
            format!("{path}.owner_uid"),
            "the subnet owner is not an actor of the scenario; it cannot be set",
        );
    }
    Ok(())
}

/// `base` with the scenario's overrides (at `path`), checked as the chain checks them.
pub(super) fn patched(
    base: &Hyperparameters,
    overrides: &Overrides,
    path: &str,
) -> Result<Hyperparameters, ScenarioError> {
    crate::hyperparameter_overrides::with_overrides(base, overrides)
        .or_else(|(field, message)| invalid(format!("{path}.{field}"), message))
}
