//! A sweep file and what it resolves to: the base scenario, the grid (scenario fields by path ×
//! their values) × seeds, and the observables to collect; every point's scenario built and
//! checked before anything runs, so a bad value is refused at once with its grid entry.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::diff::values::{OBSERVABLES, is_group_observable};
use crate::record::event_label;
use crate::scenario::Plan;

/// The most points a sweep runs (grid cells × seeds): a month of baseline runs on one core.
pub const POINTS_MAX: usize = 100_000;
const AXES_MAX: usize = 8;
const VALUES_MAX: usize = 1_000;
const SEEDS_MAX: u64 = 10_000;
const COLLECT_MAX: usize = 64;

/// A sweep (schema v1).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SweepFile {
    pub version: u64,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The base scenario, relative to the sweep file.
    pub scenario: String,
    /// The seeds each grid cell runs with: a list, or `{first, count}`.
    pub seeds: Seeds,
    /// The axes: each sets one scenario field (by path) to each of its values.
    #[serde(default)]
    pub grid: Vec<Axis>,
    /// What each point's report gives the sweep's table.
    pub collect: Vec<Collect>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Seeds {
    List(Vec<u64>),
    Range { first: u64, count: u64 },
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Axis {
    /// A scenario field: keys joined by `.`, list entries as `[index]`
    /// (`subnets[0].hyperparameters.kappa`).
    pub path: String,
    pub values: Vec<serde_json::Value>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Collect {
    /// An observable of the report (`incentive_share`, `relative_dividend_rate`,
    /// `validator_stake.gini`, …).
    pub observable: String,
    /// The subnet, by name.
    pub subnet: String,
    /// The actor group, for the group observables.
    #[serde(default)]
    pub group: Option<String>,
}

impl Collect {
    /// The column's name: `digits.incentive_share[sybils]`.
    pub fn column(&self) -> String {
        match &self.group {
            Some(group) => format!("{}.{}[{group}]", self.subnet, self.observable),
            None => format!("{}.{}", self.subnet, self.observable),
        }
    }
}

/// A sweep resolved: every point's scenario text, checked.
#[derive(Clone, Debug)]
pub struct Sweep {
    pub name: String,
    /// The axes' paths, in the file's order (the table's first columns).
    pub axes: Vec<String>,
    pub collect: Vec<Collect>,
    pub points: Vec<Point>,
    /// SHA-256 of the sweep file and the base scenario: a point's result belongs to this sweep
    /// only if it carries this hash (resumption and merging check it).
    pub sha256: String,
}

/// One run: a grid cell at one seed.
#[derive(Clone, Debug)]
pub struct Point {
    pub index: usize,
    /// The cell's index in the grid (the same for every seed of the cell).
    pub cell: usize,
    /// The axes' values, as JSON.
    pub values: Vec<serde_json::Value>,
    pub seed: u64,
    /// The base scenario with the cell's values set.
    pub scenario_text: String,
}

/// Resolves `file` over the base scenario's `base_text`; the error names the field.
pub fn resolve(file: SweepFile, sweep_text: &str, base_text: &str) -> Result<Sweep, String> {
    check_file(&file)?;
    let seeds = seeds(&file.seeds)?;
    let cells = cells(&file.grid)?;
    let points_count = cells.len().saturating_mul(seeds.len());
    if points_count > POINTS_MAX {
        return Err(format!(
            "grid: {} cells × {} seeds exceed the limit {POINTS_MAX} points",
            cells.len(),
            seeds.len()
        ));
    }
    let mut points = Vec::with_capacity(points_count);
    for (cell, values) in cells.into_iter().enumerate() {
        let scenario_text = cell_scenario(&file.grid, &values, base_text)?;
        let plan = Plan::parse(&scenario_text, None)
            .map_err(|e| format!("grid cell {}: {e}", cell_label(&file.grid, &values)))?;
        check_collect(&file.collect, &plan)?;
        for &seed in &seeds {
            points.push(Point {
                index: points.len(),
                cell,
                values: values.clone(),
                seed,
                scenario_text: scenario_text.clone(),
            });
        }
    }
    let mut hasher = Sha256::new();
    hasher.update(sweep_text.as_bytes());
    hasher.update([0]);
    hasher.update(base_text.as_bytes());
    Ok(Sweep {
        name: file.name,
        axes: file.grid.iter().map(|axis| axis.path.clone()).collect(),
        collect: file.collect,
        points,
        sha256: crate::report::hex(&hasher.finalize()),
    })
}

fn check_file(file: &SweepFile) -> Result<(), String> {
    if file.version != 1 {
        return Err(format!("version: {} is not a sweep version this tensorsim reads (1)", file.version));
    }
    let name_ok = !file.name.is_empty()
        && file.name.len() <= 64
        && file.name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
    if !name_ok {
        return Err(format!("name: {:?}: use 1 to 64 letters, digits, '_' or '-'", file.name));
    }
    if file.grid.len() > AXES_MAX {
        return Err(format!("grid: {} axes exceed the limit {AXES_MAX}", file.grid.len()));
    }
    for (index, axis) in file.grid.iter().enumerate() {
        if axis.values.is_empty() || axis.values.len() > VALUES_MAX {
            return Err(format!("grid[{index}].values: give 1 to {VALUES_MAX} values"));
        }
        if file.grid[..index].iter().any(|other| other.path == axis.path) {
            return Err(format!("grid[{index}].path: {} is already an axis", axis.path));
        }
    }
    if file.collect.is_empty() || file.collect.len() > COLLECT_MAX {
        return Err(format!("collect: give 1 to {COLLECT_MAX} observables"));
    }
    Ok(())
}

fn seeds(seeds: &Seeds) -> Result<Vec<u64>, String> {
    let list = match seeds {
        Seeds::List(list) => list.clone(),
        Seeds::Range { first, count } if *count <= SEEDS_MAX => {
            let last = first.checked_add(count.saturating_sub(1)).ok_or("seeds.first: the range passes 2^64")?;
            (*first..=last).take(*count as usize).collect()
        }
        Seeds::Range { .. } => return Err(format!("seeds.count: more than {SEEDS_MAX}")),
    };
    if list.is_empty() || list.len() as u64 > SEEDS_MAX {
        return Err(format!("seeds: give 1 to {SEEDS_MAX} seeds"));
    }
    if list.iter().collect::<BTreeSet<_>>().len() != list.len() {
        return Err("seeds: a seed is listed twice".to_string());
    }
    Ok(list)
}

/// Every combination of the axes' values, the last axis varying fastest.
fn cells(grid: &[Axis]) -> Result<Vec<Vec<serde_json::Value>>, String> {
    let mut cells: Vec<Vec<serde_json::Value>> = vec![Vec::new()];
    for axis in grid {
        if cells.len().saturating_mul(axis.values.len()) > POINTS_MAX {
            return Err(format!("grid: more than {POINTS_MAX} cells"));
        }
        cells = cells
            .into_iter()
            .flat_map(|cell| axis.values.iter().map(move |value| [cell.clone(), vec![value.clone()]].concat()))
            .collect();
    }
    Ok(cells)
}

fn cell_scenario(grid: &[Axis], values: &[serde_json::Value], base_text: &str) -> Result<String, String> {
    let mut text = base_text.to_string();
    for (index, (axis, value)) in grid.iter().zip(values).enumerate() {
        text = crate::yaml::set_path(&text, &axis.path, value).map_err(|e| format!("grid[{index}].path: {e}"))?;
    }
    Ok(text)
}

/// `path=value, path=value` for error messages and tables.
pub fn cell_label(grid_paths: &[Axis], values: &[serde_json::Value]) -> String {
    let pairs: Vec<String> =
        grid_paths.iter().zip(values).map(|(axis, value)| format!("{}={value}", axis.path)).collect();
    if pairs.is_empty() { "(the base scenario)".to_string() } else { pairs.join(", ") }
}

fn check_collect(collect: &[Collect], plan: &Plan) -> Result<(), String> {
    for (index, entry) in collect.iter().enumerate() {
        if !OBSERVABLES.contains(&entry.observable.as_str()) {
            let known = OBSERVABLES.join(", ");
            return Err(format!("collect[{index}].observable: {:?} is not one of {known}", entry.observable));
        }
        let subnet = plan.subnets.iter().position(|s| s.name == entry.subnet);
        let Some(subnet) = subnet else {
            return Err(format!("collect[{index}].subnet: no subnet {:?} in the scenario", entry.subnet));
        };
        match (&entry.group, is_group_observable(&entry.observable)) {
            (None, true) => return Err(format!("collect[{index}].group: {} is per group: name one", entry.observable)),
            (Some(_), false) => return Err(format!("collect[{index}].group: {} has no groups", entry.observable)),
            (Some(event), true) if entry.observable.ends_with("_settle_epochs") && !has_event(plan, event) => {
                return Err(format!(
                    "collect[{index}].group: no fault or upgrade {event:?} in the scenario (one is named as \
                     \"crash honest/3 at block 2000\")"
                ));
            }
            (Some(_), true) if entry.observable.ends_with("_settle_epochs") => {}
            (Some(group), true) if !has_group(plan, subnet, group) => {
                return Err(format!("collect[{index}].group: no actor group {group:?} on subnet {:?}", entry.subnet));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Whether the scenario has a fault or upgrade named `event` as a settle observable's group is.
fn has_event(plan: &Plan, event: &str) -> bool {
    plan.faults.iter().any(|fault| event_label(&fault.description, fault.at_block) == event)
}

fn has_group(plan: &Plan, subnet: usize, group: &str) -> bool {
    use crate::scenario::Role;
    plan.nodes.iter().any(|node| {
        node.group == group
            && matches!(node.role, Role::Validator { subnet: s, .. } | Role::Miner { subnet: s, .. } if s == subnet)
    })
}
