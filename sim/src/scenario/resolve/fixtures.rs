//! A small valid scenario for the stages' tests, and the same with one mistake in it.

use tensorsim_chain::profile::profile_by_name;

use super::{groups, stakes, subnets};
use crate::scenario::error::ScenarioError;
use crate::scenario::plan::NodePlan;
use crate::scenario::types::Scenario;

/// One subnet: 3 validators (2 honest, a cabal of `friends`), 6 miners (a copycat of `miners/0`
/// and a sniper among them); a crash, an upgrade, an expectation.
const SCENARIO: &str = "
version: 1
name: unit
seed: 1
duration: {tempos: 2}
subnets:
  - name: digits
    task: digits
    hyperparameters: {tempo: 10, max_allowed_uids: 16}
    validators:
      - {name: honest, count: 2, stake_tao: 1000}
      - {name: cabal, count: 1, policy: {cabal: {miners: [friends]}}, stake_tao: 100}
    miners:
      - {name: miners, count: 3}
      - {name: friends, count: 1}
      - {name: copycat, count: 1, policy: {copycat: {target: miners/0}}}
      - {name: sniper, count: 1, policy: {sniper: {register_at_block: 5}}}
faults:
  - crash: {node: miners/1, at_block: 5, restart_at_block: 8}
upgrades:
  - {at_block: 10, hyperparameters: {kappa: 40000}}
expect:
  - {observable: incentive_share, group: miners, min: 0.1}
";

/// [`SCENARIO`] with each `from` (which it must hold) replaced by its `to`, parsed.
pub fn scenario_changed(changes: &[(&str, &str)]) -> Scenario {
    let mut text = SCENARIO.to_string();
    for (from, to) in changes {
        assert!(text.contains(from), "{from:?} is in the fixture");
        text = text.replacen(from, to, 1);
    }
    crate::yaml::from_str(&text).expect("the changed fixture parses")
}

pub fn scenario_with(from: &str, to: &str) -> Scenario {
    scenario_changed(&[(from, to)])
}

pub fn scenario() -> Scenario {
    scenario_changed(&[])
}

/// The error a stage gave, which must be one.
pub fn error<T: std::fmt::Debug>(result: Result<T, ScenarioError>) -> String {
    result.expect_err("the stage refuses it").0
}

/// The scenario's nodes, through the stages before them (subnets, stakes, groups) under HEAD,
/// which must accept it up to the groups stage.
pub fn nodes(scenario: &Scenario) -> Vec<NodePlan> {
    let profile = profile_by_name("head-2026").unwrap();
    let subnets = subnets::resolve(&scenario.subnets, profile).expect("the subnets resolve");
    let stakes = stakes::resolve(&scenario.subnets, &subnets, profile).expect("the stakes resolve");
    groups::resolve(&scenario.subnets, &stakes).expect("the groups resolve")
}
