//! Stage 1, subnets: each subnet's chain side (its netuid, its hyperparameters over the profile's
//! values for a new subnet, its pool), and whether its UIDs hold the neurons genesis registers.
//! A subnet registered mid-run has no netuid and no pool yet (registration.rs resolves the rest).

use tensorsim_chain::profile::Profile;

use super::lookup;
use crate::scenario::error::{ScenarioError, invalid};
use crate::scenario::plan::{GENESIS_TAO_MAX, RAO_PER_TAO, SubnetPlan};
use crate::scenario::types::{DEFAULT_POOL_TAO, SubnetSpec};

/// The subnets, netuid 1 first, in scenario order.
pub(super) fn resolve(specs: &[SubnetSpec], profile: &Profile) -> Result<Vec<SubnetPlan>, ScenarioError> {
    let mut subnets: Vec<SubnetPlan> = Vec::with_capacity(specs.len());
    for (index, spec) in specs.iter().enumerate() {
        let path = format!("subnets[{index}]");
        if subnets.iter().any(|subnet| subnet.name == spec.name) {
            return invalid(format!("{path}.name"), format!("subnet {:?} is named twice", spec.name));
        }
        let genesis_netuid = subnets.iter().filter(|s| s.netuid.is_some()).count() as u16 + 1;
        subnets.push(subnet(genesis_netuid, spec, profile, &path)?);
    }
    Ok(subnets)
}

fn subnet(genesis_netuid: u16, spec: &SubnetSpec, profile: &Profile, path: &str) -> Result<SubnetPlan, ScenarioError> {
    let overrides_path = format!("{path}.hyperparameters");
    lookup::refuse_owner_uid(&spec.hyperparameters, &overrides_path)?;
    let hyperparameters =
        lookup::patched(&profile.new_subnet_hyperparameters(), &spec.hyperparameters, &overrides_path)?;
    let neurons = genesis_neurons(spec);
    if neurons > u64::from(hyperparameters.max_allowed_uids) {
        return invalid(
            format!("{path}.hyperparameters.max_allowed_uids"),
            format!(
                "{} UIDs cannot hold the {neurons} neurons registered at genesis",
                hyperparameters.max_allowed_uids
            ),
        );
    }
    if spec.validators.is_empty() || spec.miners.is_empty() {
        return invalid(path, "a subnet needs at least one validator group and one miner group");
    }
    let registered = spec.register_at_block.is_some();
    let pool_tao = match (registered, spec.pool_tao) {
        (true, Some(_)) => {
            return invalid(format!("{path}.pool_tao"), "a subnet registered mid-run is seeded by its owner's lock");
        }
        (true, None) => 0.0,
        (false, pool_tao) => pool_tao.map_or(DEFAULT_POOL_TAO, |tao| tao.0),
    };
    Ok(SubnetPlan {
        name: spec.name.clone(),
        netuid: (!registered).then_some(genesis_netuid),
        task: spec.task,
        hyperparameters,
        validation: spec.validation.clone(),
        pool_tao_rao: (pool_tao.min(GENESIS_TAO_MAX) * RAO_PER_TAO) as u64,
        registration: None,
    })
}

/// Every validator, and every miner whose policy genesis registers (or, in a subnet registered
/// mid-run, the chain node registers as it appears).
pub(super) fn genesis_neurons(spec: &SubnetSpec) -> u64 {
    let validators: u64 = spec.validators.iter().map(|group| group.count.get()).sum();
    let miners: u64 =
        spec.miners.iter().filter(|group| group.policy.registers_at_genesis()).map(|group| group.count.get()).sum();
    validators + miners
}

#[cfg(test)]
mod tests {
    use tensorsim_chain::profile::profile_by_name;

    use super::resolve;
    use crate::scenario::resolve::fixtures::{error, scenario, scenario_with};
    use crate::scenario::types::Scenario;

    fn subnets(scenario: &Scenario) -> Result<Vec<crate::scenario::plan::SubnetPlan>, crate::scenario::ScenarioError> {
        resolve(&scenario.subnets, profile_by_name("head-2026").unwrap())
    }

    /// The fixture's subnet again, under `name`, after the first.
    fn with_second_subnet(name: &str) -> Scenario {
        let mut scenario = scenario();
        let mut second = scenario.subnets[0].clone();
        second.name = name.to_string();
        scenario.subnets.push(second);
        scenario
    }

    #[test]
    fn subnets_get_netuids_from_one_their_overrides_and_their_pool_in_rao() {
        let subnets = subnets(&with_second_subnet("text")).unwrap();
        assert_eq!(
            subnets.iter().map(|s| (s.name.as_str(), s.netuid)).collect::<Vec<_>>(),
            [("digits", Some(1)), ("text", Some(2))]
        );
        assert_eq!((subnets[0].hyperparameters.tempo, subnets[0].hyperparameters.max_allowed_uids), (10, 16));
        assert_eq!(subnets[0].pool_tao_rao, 100_000_000_000_000);
    }

    #[test]
    fn a_subnet_named_twice_is_refused_at_the_second_name() {
        assert_eq!(error(subnets(&with_second_subnet("digits"))), "subnets[1].name: subnet \"digits\" is named twice");
    }

    #[test]
    fn a_subnet_setting_owner_uid_is_refused() {
        let scenario = scenario_with("tempo: 10,", "tempo: 10, owner_uid: 2,");
        assert_eq!(
            error(subnets(&scenario)),
            "subnets[0].hyperparameters.owner_uid: the subnet owner is not an actor of the scenario; it cannot be set"
        );
    }

    #[test]
    fn a_hyperparameter_the_chain_refuses_is_refused_at_its_field() {
        let scenario = scenario_with("tempo: 10,", "tempo: 10, kappa: 70000,");
        assert_eq!(
            error(subnets(&scenario)),
            "subnets[0].hyperparameters.kappa: invalid value: integer `70000`, expected u16"
        );
    }

    #[test]
    fn uids_fewer_than_the_neurons_of_genesis_are_refused_and_a_sniper_needs_none() {
        // 3 validators and 5 miners at genesis; the sniper registers later.
        assert!(subnets(&scenario_with("max_allowed_uids: 16", "max_allowed_uids: 8")).is_ok());
        assert_eq!(
            error(subnets(&scenario_with("max_allowed_uids: 16", "max_allowed_uids: 7"))),
            "subnets[0].hyperparameters.max_allowed_uids: 7 UIDs cannot hold the 8 neurons registered at genesis"
        );
    }

    #[test]
    fn a_subnet_without_miners_is_refused() {
        let mut scenario = scenario();
        scenario.subnets[0].miners.clear();
        assert_eq!(
            error(subnets(&scenario)),
            "subnets[0]: a subnet needs at least one validator group and one miner group"
        );
    }

    #[test]
    fn a_subnet_without_validators_is_refused() {
        let mut scenario = scenario();
        scenario.subnets[0].validators.clear();
        assert_eq!(
            error(subnets(&scenario)),
            "subnets[0]: a subnet needs at least one validator group and one miner group"
        );
    }
}
