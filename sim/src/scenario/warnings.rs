//! What a valid scenario says that will have no effect: a fault or an upgrade after the run's
//! last block, a hyperparameter the profile does not read, a subnet limit the profile does not
//! check, an owner's call before its subnet exists. Not errors (the run is still what the
//! file asks for), but a researcher should hear of them before reading a report that lacks them.

use super::plan::Plan;
use super::types::FaultSpec;

impl FaultSpec {
    /// The block the fault starts at.
    pub fn at_block(&self) -> u64 {
        match self {
            Self::Crash { at_block, .. }
            | Self::Offline { at_block, .. }
            | Self::Partition { at_block, .. }
            | Self::Link { at_block, .. }
            | Self::ClockSkew { at_block, .. }
            | Self::BlockProducer { at_block, .. } => at_block.get(),
        }
    }
}

impl Plan {
    /// One line each, naming the field: what the scenario sets that the run will not do.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = self.after_the_end();
        // A setting the first profile ignores may matter after an upgrade to another one.
        let upgraded_profile = self.upgrades.iter().any(|u| u.profile.is_some_and(|p| !std::ptr::eq(p, self.profile)));
        if !upgraded_profile {
            warnings.extend(self.ignored_by_the_profile());
            let limit = self.scenario.network.subnets.and_then(|subnets| subnets.limit);
            if limit.is_some() && !self.profile.network_registration.subnet_limit {
                warnings.push(format!(
                    "network.subnets.limit has no effect under profile {}: it checks no subnet limit (from 2025-09-24)",
                    self.profile.name
                ));
            }
        }
        warnings.extend(self.owner_actions_before_registration());
        warnings
    }

    /// Owners' calls before their subnet's registration: the chain refuses each.
    fn owner_actions_before_registration(&self) -> Vec<String> {
        let subnets = self.scenario.subnets.iter().enumerate();
        let registered = subnets.filter_map(|(i, spec)| spec.register_at_block.map(|at| (i, spec, at.get())));
        registered
            .flat_map(|(i, spec, at)| {
                (spec.owner_actions.iter().enumerate()).filter(move |(_, a)| a.at_block.get() < at).map(move |(j, a)| {
                    format!(
                        "subnets[{i}].owner_actions[{j}].at_block: {} is before the subnet's register_at_block {at}; the chain refuses it (SubnetNotExists)",
                        a.at_block.get()
                    )
                })
            })
            .collect()
    }

    /// Faults and upgrades at or after the last block. One applies once its block is produced:
    /// at the last block, it would change nothing that the run still does.
    fn after_the_end(&self) -> Vec<String> {
        let late = |path: String, at_block: u64| {
            (at_block >= self.blocks).then(|| {
                format!(
                    "{path}.at_block: {at_block} is not before the run's last block {}; it never takes effect",
                    self.blocks
                )
            })
        };
        let faults = self.scenario.faults.iter().enumerate();
        let upgrades = self.scenario.upgrades.iter().enumerate();
        faults
            .filter_map(|(f, fault)| late(format!("faults[{f}]"), fault.at_block()))
            .chain(upgrades.filter_map(|(u, upgrade)| late(format!("upgrades[{u}]"), upgrade.at_block.get())))
            .collect()
    }

    /// Hyperparameters a subnet sets that the profile does not read.
    fn ignored_by_the_profile(&self) -> Vec<String> {
        let subnets = self.scenario.subnets.iter().zip(&self.subnets).enumerate();
        subnets
            .flat_map(|(index, (spec, subnet))| {
                let ignored = self.profile.ignored(&subnet.hyperparameters);
                ignored.into_iter().filter(|field| spec.hyperparameters.contains_key(*field)).map(move |field| {
                    format!(
                        "subnets[{index}].hyperparameters.{field} has no effect under profile {}",
                        self.profile.name
                    )
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::Plan;

    const SCENARIO: &str = "version: 1
name: w
seed: 1
profile: PROFILE
duration: {blocks: 100}
subnets:
  - name: s
    task: digits
    hyperparameters: {tempo: 10, yuma3: true}
    validators: [{name: v, count: 1, stake_tao: 1000}]
    miners: [{name: m, count: 2}]
faults:
  - crash: {node: v/0, at_block: 50, restart_at_block: 60}
  - offline: {node: m/0, at_block: 101}
upgrades:
  - {at_block: 99, hyperparameters: {kappa: 40000}}
  - {at_block: 200, hyperparameters: {kappa: 30000}}
";

    fn warnings(profile: &str) -> Vec<String> {
        Plan::parse(&SCENARIO.replace("PROFILE", profile), None).unwrap().warnings()
    }

    #[test]
    fn faults_and_upgrades_after_the_last_block_are_named_and_those_within_are_not() {
        assert_eq!(
            warnings("head-2026"),
            [
                "faults[1].at_block: 101 is not before the run's last block 100; it never takes effect",
                "upgrades[1].at_block: 200 is not before the run's last block 100; it never takes effect",
            ]
        );
    }

    #[test]
    fn a_hyperparameter_is_not_called_ineffective_when_an_upgrade_moves_to_a_profile_that_reads_it() {
        let upgraded = SCENARIO
            .replace("PROFILE", "dtao-2025")
            .replace("{at_block: 99, hyperparameters: {kappa: 40000}}", "{at_block: 50, profile: head-2026}");
        let warnings = Plan::parse(&upgraded, None).unwrap().warnings();
        assert!(warnings.iter().all(|w| !w.contains("yuma3")), "{warnings:?}");
    }

    #[test]
    fn an_owners_call_before_its_subnet_exists_and_a_limit_the_profile_does_not_check_are_named() {
        let late = SCENARIO
            .replace("PROFILE", "yuma3-2025")
            .replace("duration:", "network: {subnets: {limit: 3}}\nduration:")
            .replace(
                "    hyperparameters:",
                "    register_at_block: 30\n    owner_actions: [{at_block: 20, set: {rho: 2}}, {at_block: 30, set: {rho: 3}}]\n    hyperparameters:",
            );
        let warnings = Plan::parse(&late, None).unwrap().warnings();
        let expected = [
            "network.subnets.limit has no effect under profile yuma3-2025: it checks no subnet limit (from 2025-09-24)",
            "subnets[0].owner_actions[0].at_block: 20 is before the subnet's register_at_block 30; the chain refuses it (SubnetNotExists)",
        ];
        assert_eq!(&warnings[2..], expected);
    }

    #[test]
    fn a_hyperparameter_the_profile_ignores_is_named_when_the_scenario_sets_it() {
        let warnings = warnings("dtao-2025");
        assert_eq!(warnings.last().unwrap(), "subnets[0].hyperparameters.yuma3 has no effect under profile dtao-2025");
        assert_eq!(warnings.len(), 3);
    }
}
