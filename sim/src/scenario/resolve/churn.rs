//! A subnet's miner churn (part of stage 1, before genesis counts who registers): `leave` and
//! `join` name miner groups of the subnet, different ones, at least one of them; newcomers are a
//! group genesis would otherwise register (a sniper keeps its own block).

use crate::scenario::error::{ScenarioError, invalid};
use crate::scenario::types::SubnetSpec;

pub(super) fn check(spec: &SubnetSpec, path: &str) -> Result<(), ScenarioError> {
    let Some(churn) = &spec.churn else { return Ok(()) };
    let path = format!("{path}.churn");
    if churn.leave.is_none() && churn.join.is_none() {
        return invalid(path, "churn needs a group that leaves, one that joins, or both");
    }
    for (field, name) in [("leave", &churn.leave), ("join", &churn.join)] {
        let Some(name) = name else { continue };
        let Some(group) = spec.miners.iter().find(|group| &group.name == name) else {
            return invalid(format!("{path}.{field}"), format!("no miner group {name:?} on this subnet"));
        };
        if field == "join" && !group.policy.registers_at_genesis() {
            return invalid(
                format!("{path}.join"),
                format!("{name:?} registers late by its policy ({}): it cannot join by churn too", group.policy.name()),
            );
        }
    }
    if churn.leave.is_some() && churn.leave == churn.join {
        return invalid(format!("{path}.join"), "a group cannot both leave and join");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::scenario::resolve::fixtures::{error, scenario_with};
    use crate::scenario::resolve::subnets;
    use crate::scenario::types::Scenario;
    use tensorsim_chain::profile::profile_by_name;

    fn checked(scenario: &Scenario) -> Result<(), crate::scenario::ScenarioError> {
        subnets::resolve(&scenario.subnets, profile_by_name("head-2026").unwrap()).map(|_| ())
    }

    /// The fixture with `churn` set on its subnet.
    fn with_churn(churn: &str) -> Scenario {
        let hyperparameters = "    hyperparameters: {tempo: 10, max_allowed_uids: 16}\n";
        scenario_with(hyperparameters, &format!("{hyperparameters}    churn: {churn}\n"))
    }

    #[test]
    fn a_churn_of_two_miner_groups_of_the_subnet_is_accepted() {
        assert_eq!(checked(&with_churn("{every_blocks: 10, leave: miners, join: copycat}")), Ok(()));
        assert_eq!(checked(&with_churn("{every_blocks: 10, join: miners}")), Ok(()));
    }

    #[test]
    fn a_churn_naming_no_group_or_one_of_another_kind_is_refused() {
        assert_eq!(
            error(checked(&with_churn("{every_blocks: 10}"))),
            "subnets[0].churn: churn needs a group that leaves, one that joins, or both"
        );
        assert_eq!(
            error(checked(&with_churn("{every_blocks: 10, leave: honest}"))),
            "subnets[0].churn.leave: no miner group \"honest\" on this subnet"
        );
        assert_eq!(
            error(checked(&with_churn("{every_blocks: 10, leave: miners, join: miners}"))),
            "subnets[0].churn.join: a group cannot both leave and join"
        );
        assert_eq!(
            error(checked(&with_churn("{every_blocks: 10, join: sniper}"))),
            "subnets[0].churn.join: \"sniper\" registers late by its policy (sniper): it cannot join by churn too"
        );
    }
}
