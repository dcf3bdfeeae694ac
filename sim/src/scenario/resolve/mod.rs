//! From a parsed [`Scenario`] to a [`Plan`], stage by stage: subnets → network registration →
//! stakes → groups → references → genesis budget → duration → faults → upgrades → owner actions
//! → expectations.
//! Each stage reads what the ones before it resolved and refuses the first thing wrong with its field's path, so a scenario's
//! errors come in that order.

mod budget;
mod expectations;
mod faults;
#[cfg(test)]
mod fixtures;
mod groups;
mod lookup;
mod owner_actions;
mod references;
mod registration;
mod stakes;
mod subnets;
mod upgrades;

use crate::scenario::error::{ScenarioError, invalid};
use crate::scenario::plan::{FAULTS_MAX, Plan, SUBNETS_MAX, SubnetPlan};
use crate::scenario::types::{Duration, Scenario};

/// The most blocks a run lasts (about 3.8 simulated years).
const BLOCKS_MAX: u64 = 10_000_000;

/// The plan `scenario` asks for, or the first thing wrong with it; `seed` overrides the file's.
pub(super) fn resolve(scenario: Scenario, seed: Option<u64>) -> Result<Plan, ScenarioError> {
    let profile = lookup::profile_named(&scenario.profile, "profile")?;
    check_sizes(&scenario)?;
    let mut subnets = subnets::resolve(&scenario.subnets, profile)?;
    let network_registration = registration::resolve(&scenario, &mut subnets, profile)?;
    let stakes = stakes::resolve(&scenario.subnets, &subnets, profile)?;
    let nodes = groups::resolve(&scenario.subnets, &stakes)?;
    references::check(&scenario.subnets, &nodes)?;
    budget::check(&subnets, &nodes)?;
    let blocks = duration_blocks(scenario.duration, &subnets)?;
    registration::check_blocks(&subnets, blocks)?;
    let faults::FaultPlan { mut faults, producer_faults } = faults::resolve(&scenario.faults, &nodes)?;
    let upgrades::UpgradePlan { upgrades, announced } = upgrades::resolve(&scenario.upgrades, &subnets)?;
    faults.extend(announced);
    faults.sort_by_key(|fault| fault.at_block);
    let owner_actions = owner_actions::resolve(&scenario.subnets, blocks)?;
    expectations::check(&scenario.expect, &subnets, &nodes)?;
    Ok(Plan {
        seed: seed.unwrap_or(scenario.seed),
        profile,
        blocks,
        block_time_ms: scenario.network.block_time_ms.get(),
        subnets,
        nodes,
        faults,
        producer_faults,
        upgrades,
        owner_actions,
        network_registration,
        scenario,
    })
}

/// The lists whose length a run bounds, before anything is built from them; and the name, which
/// names the output folder (`reports/out/<name>`) and a golden file, so it must be a file name.
fn check_sizes(scenario: &Scenario) -> Result<(), ScenarioError> {
    let name = &scenario.name;
    let file_name = name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if name.is_empty() || name.len() > 64 || !file_name || name.starts_with('.') {
        return invalid(
            "name",
            format!("{name:?}: use 1 to 64 letters, digits, '_', '-' or '.' (a file name, not starting with '.')"),
        );
    }
    if scenario.subnets.is_empty() {
        return invalid("subnets", "a scenario needs at least one subnet");
    }
    if scenario.subnets.len() > SUBNETS_MAX {
        return invalid("subnets", format!("{} subnets exceed the limit {SUBNETS_MAX}", scenario.subnets.len()));
    }
    if scenario.faults.len() > FAULTS_MAX {
        return invalid("faults", format!("{} faults exceed the limit {FAULTS_MAX}", scenario.faults.len()));
    }
    Ok(())
}

/// The run's length in blocks; a tempo of the first subnet is its tempo and its epoch block.
fn duration_blocks(duration: Duration, subnets: &[SubnetPlan]) -> Result<u64, ScenarioError> {
    let tempo = u64::from(subnets[0].hyperparameters.tempo);
    let blocks = match duration {
        Duration::Tempos(tempos) => tempos.get() * (tempo + 1),
        Duration::Blocks(blocks) => blocks.get(),
    };
    if blocks > BLOCKS_MAX {
        return invalid("duration", format!("{blocks} blocks exceed the limit 10^7"));
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::fixtures::{error, scenario, scenario_changed, scenario_with};
    use super::resolve;
    use crate::scenario::plan::{NodeFault, Role};

    #[test]
    fn a_scenario_resolves_to_the_chain_then_its_groups_in_scenario_order() {
        let plan = resolve(scenario(), None).unwrap();
        let names: Vec<&str> = plan.nodes.iter().map(|node| node.name.as_str()).collect();
        let expected = [
            "chain",
            "honest/0",
            "honest/1",
            "cabal/0",
            "miners/0",
            "miners/1",
            "miners/2",
            "friends/0",
            "copycat/0",
            "sniper/0",
        ];
        assert_eq!(names, expected);
        assert!(matches!(plan.nodes[0].role, Role::Chain));
        assert!(matches!(plan.nodes[3].role, Role::Validator { subnet: 0, .. }));
        assert!(matches!(plan.nodes[9].role, Role::Miner { subnet: 0, .. }));
        assert_eq!((plan.seed, plan.profile.name, plan.block_time_ms), (1, "head-2026", 12_000));
    }

    #[test]
    fn the_seed_given_overrides_the_files() {
        assert_eq!(resolve(scenario(), Some(99)).unwrap().seed, 99);
    }

    #[test]
    fn an_unknown_profile_is_refused_with_the_profiles_there_are() {
        let scenario = scenario_with("duration:", "profile: head-2027\nduration:");
        assert_eq!(
            error(resolve(scenario, None)),
            "profile: unknown profile \"head-2027\"; the profiles are legacy-2024, dtao-2025, yuma3-2025, flow-2026, head-2026"
        );
    }

    #[test]
    fn a_scenario_name_that_is_not_a_file_name_is_refused() {
        // The name becomes reports/out/<name> and a golden file: `../x` would write elsewhere.
        for bad in ["../escape", "a/b", ".hidden", ""] {
            let mut scenario = scenario();
            scenario.name = bad.to_string();
            assert!(error(resolve(scenario, None)).starts_with("name: "), "{bad:?}");
        }
        let mut scenario = scenario();
        scenario.name = "v1.2_sweep-3".to_string();
        assert!(resolve(scenario, None).is_ok());
    }

    #[test]
    fn a_scenario_without_subnets_is_refused() {
        let scenario: crate::scenario::types::Scenario =
            crate::yaml::from_str("version: 1\nname: x\nseed: 1\nduration: {blocks: 5}\nsubnets: []").unwrap();
        assert_eq!(error(resolve(scenario, None)), "subnets: a scenario needs at least one subnet");
    }

    #[test]
    fn more_faults_than_the_limit_are_refused_before_anything_is_resolved() {
        let many = "  - offline: {node: ghost, at_block: 1}\n".repeat(10_001);
        let scenario = scenario_with("faults:\n", &format!("faults:\n{many}"));
        assert_eq!(error(resolve(scenario, None)), "faults: 10002 faults exceed the limit 10000");
    }

    #[test]
    fn a_tempo_of_the_duration_is_the_first_subnets_tempo_and_its_epoch_block() {
        assert_eq!(resolve(scenario(), None).unwrap().blocks, 2 * 11);
    }

    #[test]
    fn a_duration_above_ten_million_blocks_is_refused() {
        let scenario = scenario_changed(&[("{tempos: 2}", "{tempos: 100000}"), ("tempo: 10,", "tempo: 200,")]);
        assert_eq!(error(resolve(scenario, None)), "duration: 20100000 blocks exceed the limit 10^7");
    }

    #[test]
    fn an_upgrade_comes_after_the_faults_of_its_block() {
        let scenario = scenario_with("restart_at_block: 8", "restart_at_block: 10");
        let plan = resolve(scenario, None).unwrap();
        let schedule: Vec<(u64, &str)> =
            plan.faults.iter().map(|fault| (fault.at_block, fault.description.as_str())).collect();
        assert_eq!(
            schedule,
            [(5, "crash miners/1"), (10, "restart miners/1"), (10, "runtime upgrade: 1 hyperparameters set")]
        );
        assert_eq!(plan.faults[2].fault, NodeFault::Chain);
        assert_eq!(plan.upgrades.len(), 1);
    }
}
