//! From a parsed [`Scenario`] to a [`Plan`], stage by stage: subnets → groups → references →
//! genesis budget → duration → faults → upgrades → expectations. Each stage reads what the ones
//! before it resolved and refuses the first thing wrong with its field's path, so a scenario's
//! errors come in that order.

mod budget;
mod expectations;
mod faults;
mod groups;
mod lookup;
mod references;
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
    let subnets = subnets::resolve(&scenario.subnets, profile)?;
    let nodes = groups::resolve(&scenario.subnets)?;
    references::check(&scenario.subnets, &nodes)?;
    budget::check(&subnets, &nodes)?;
    let blocks = duration_blocks(scenario.duration, &subnets)?;
    let faults::FaultPlan { mut faults, producer_faults } = faults::resolve(&scenario.faults, &nodes)?;
    let upgrades::UpgradePlan { upgrades, announced } = upgrades::resolve(&scenario.upgrades, &subnets)?;
    faults.extend(announced);
    faults.sort_by_key(|fault| fault.at_block);
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
        scenario,
    })
}

/// The lists whose length a run bounds, before anything is built from them.
fn check_sizes(scenario: &Scenario) -> Result<(), ScenarioError> {
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
