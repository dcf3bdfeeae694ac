//! Stage 2, network registration: the chain's items for subnets that come and go (the
//! scenario's `network.subnets` over the runtime's values), and each subnet registered mid-run:
//! its block, what its owner holds to pay the lock, the stakes its validators can buy when they
//! join (TAO only: no alpha exists before the subnet does), and room for its owner's UID 0.
//! Whether the chain registers it is the chain's verdict at that block (reported), not a
//! scenario error.

use tensorsim_chain::hyperparameters::Hyperparameters;
use tensorsim_chain::network_registration::NetworkRegistrationParameters;
use tensorsim_chain::profile::{Profile, Tokenomics};

use super::subnets::genesis_neurons;
use crate::scenario::error::{ScenarioError, invalid};
use crate::scenario::plan::{GENESIS_TAO_MAX, RAO_PER_TAO, RegistrationPlan, SubnetPlan};
use crate::scenario::types::{Scenario, SubnetRegistrationSpec};

/// The network items, and each registered subnet's [`RegistrationPlan`] written into its plan.
pub(super) fn resolve(
    scenario: &Scenario,
    subnets: &mut [SubnetPlan],
    profile: &Profile,
) -> Result<NetworkRegistrationParameters, ScenarioError> {
    let parameters = parameters(scenario.network.subnets.unwrap_or_default());
    for (index, (spec, subnet)) in scenario.subnets.iter().zip(subnets.iter_mut()).enumerate() {
        let Some(at_block) = spec.register_at_block else { continue };
        let path = format!("subnets[{index}]");
        if profile.tokenomics == Tokenomics::PreDtao {
            return invalid(
                format!("{path}.register_at_block"),
                format!("network registration before dTAO is not modelled (profile {})", profile.name),
            );
        }
        for (g, group) in spec.validators.iter().enumerate() {
            let stated = [("stake_alpha", group.stake_alpha.is_some()), ("stake_share", group.stake_share.is_some())];
            if let Some((field, _)) = stated.iter().find(|(_, given)| *given) {
                return invalid(
                    format!("{path}.validators[{g}].{field}"),
                    "a subnet registered mid-run has no alpha before its validators buy it: state stake_tao",
                );
            }
        }
        let uids = genesis_neurons(spec) + 1;
        if uids > u64::from(subnet.hyperparameters.max_allowed_uids) {
            return invalid(
                format!("{path}.hyperparameters.max_allowed_uids"),
                format!(
                    "{} UIDs cannot hold the owner's UID 0 and the {} actors registered as it appears",
                    subnet.hyperparameters.max_allowed_uids,
                    uids - 1
                ),
            );
        }
        let owner_balance_tao = match spec.owner_balance_tao {
            Some(tao) => tao.0.min(GENESIS_TAO_MAX),
            None => 2.0 * parameters.min_lock_cost_rao as f64 / RAO_PER_TAO,
        };
        subnet.registration = Some(RegistrationPlan {
            at_block: at_block.get(),
            owner_balance_rao: (owner_balance_tao * RAO_PER_TAO) as u64,
            overrides: spec.hyperparameters.clone(),
        });
    }
    Ok(parameters)
}

/// The runtime's items (subnets spec §1) with the scenario's over them.
fn parameters(spec: SubnetRegistrationSpec) -> NetworkRegistrationParameters {
    let mut parameters = NetworkRegistrationParameters::from_hyperparameters(&Hyperparameters::default());
    if let Some(limit) = spec.limit {
        parameters.subnet_limit = limit.get() as u16;
    }
    if let Some(blocks) = spec.immunity_period_blocks {
        parameters.immunity_period_blocks = blocks.get();
    }
    if let Some(blocks) = spec.rate_limit_blocks {
        parameters.rate_limit_blocks = blocks.get();
    }
    if let Some(tao) = spec.min_lock_cost_tao {
        parameters.min_lock_cost_rao = (tao.0.min(GENESIS_TAO_MAX) * RAO_PER_TAO) as u64;
    }
    if let Some(blocks) = spec.lock_reduction_interval_blocks {
        parameters.lock_reduction_interval_blocks = blocks.get();
    }
    parameters
}

/// Each registration at a block the run reaches.
pub(super) fn check_blocks(subnets: &[SubnetPlan], blocks: u64) -> Result<(), ScenarioError> {
    for (index, subnet) in subnets.iter().enumerate() {
        let Some(registration) = &subnet.registration else { continue };
        if registration.at_block == 0 || registration.at_block > blocks {
            return invalid(
                format!("subnets[{index}].register_at_block"),
                format!("{} is not a block of the run (1..={blocks})", registration.at_block),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use tensorsim_chain::profile::profile_by_name;

    use super::{check_blocks, resolve};
    use crate::scenario::plan::SubnetPlan;
    use crate::scenario::resolve::fixtures::{error, scenario_changed, scenario_with};
    use crate::scenario::resolve::subnets;
    use crate::scenario::types::Scenario;

    fn registered(scenario: &Scenario, profile: &str) -> Result<Vec<SubnetPlan>, crate::scenario::ScenarioError> {
        let profile = profile_by_name(profile).unwrap();
        let mut plans = subnets::resolve(&scenario.subnets, profile)?;
        resolve(scenario, &mut plans, profile)?;
        Ok(plans)
    }

    /// The fixture's subnet, registered at block 5 by its owner.
    fn late(extra: &str) -> Scenario {
        scenario_with("    hyperparameters:", &format!("    register_at_block: 5\n{extra}    hyperparameters:"))
    }

    #[test]
    fn a_subnet_registered_mid_run_has_no_netuid_and_its_owner_holds_twice_the_minimum_lock() {
        let scenario = scenario_changed(&[
            ("duration:", "network: {subnets: {min_lock_cost_tao: 250, limit: 3}}\nduration:"),
            ("    hyperparameters:", "    register_at_block: 5\n    hyperparameters:"),
        ]);
        let plans = registered(&scenario, "head-2026").unwrap();
        let registration = plans[0].registration.as_ref().unwrap();
        assert_eq!((plans[0].netuid, plans[0].pool_tao_rao), (None, 0));
        assert_eq!((registration.at_block, registration.owner_balance_rao), (5, 500_000_000_000));
        assert_eq!(registration.overrides["tempo"], 10);
    }

    #[test]
    fn the_network_items_are_the_runtimes_but_where_the_scenario_sets_them() {
        let scenario = scenario_with(
            "duration:",
            "network: {subnets: {limit: 2, immunity_period_blocks: 600, rate_limit_blocks: 50, lock_reduction_interval_blocks: 900}}\nduration:",
        );
        let profile = profile_by_name("head-2026").unwrap();
        let mut plans = subnets::resolve(&scenario.subnets, profile).unwrap();
        let parameters = resolve(&scenario, &mut plans, profile).unwrap();
        assert_eq!(parameters.subnet_limit, 2);
        assert_eq!(parameters.immunity_period_blocks, 600);
        assert_eq!(parameters.rate_limit_blocks, 50);
        assert_eq!(parameters.lock_reduction_interval_blocks, 900);
        assert_eq!(parameters.min_lock_cost_rao, 1_000_000_000_000, "the runtime's 1 000 TAO");
        assert!(plans[0].registration.is_none());
    }

    #[test]
    fn a_registered_subnet_with_a_pool_or_alpha_stakes_is_refused_at_the_field() {
        assert_eq!(
            error(registered(&late("    pool_tao: 5000\n"), "head-2026")),
            "subnets[0].pool_tao: a subnet registered mid-run is seeded by its owner's lock"
        );
        let alpha = scenario_changed(&[
            ("stake_tao: 100}", "stake_alpha: 100}"),
            ("    hyperparameters:", "    register_at_block: 5\n    hyperparameters:"),
        ]);
        assert_eq!(
            error(registered(&alpha, "head-2026")),
            "subnets[0].validators[1].stake_alpha: a subnet registered mid-run has no alpha before its validators buy it: state stake_tao"
        );
    }

    #[test]
    fn a_registered_subnet_needs_a_uid_for_its_owner_and_pools_after_dtao() {
        // 3 validators and 5 miners join (the sniper registers itself), beside the owner's UID 0.
        let full = scenario_changed(&[
            ("max_allowed_uids: 16", "max_allowed_uids: 8"),
            ("    hyperparameters:", "    register_at_block: 5\n    hyperparameters:"),
        ]);
        assert_eq!(
            error(registered(&full, "head-2026")),
            "subnets[0].hyperparameters.max_allowed_uids: 8 UIDs cannot hold the owner's UID 0 and the 8 actors registered as it appears"
        );
        assert_eq!(
            error(registered(&late(""), "legacy-2024")),
            "subnets[0].register_at_block: network registration before dTAO is not modelled (profile legacy-2024)"
        );
    }

    #[test]
    fn a_registration_after_the_last_block_is_refused() {
        let plans = registered(&late(""), "head-2026").unwrap();
        assert_eq!(check_blocks(&plans, 5), Ok(()));
        assert_eq!(error(check_blocks(&plans, 4)), "subnets[0].register_at_block: 5 is not a block of the run (1..=4)");
    }
}
