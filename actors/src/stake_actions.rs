//! Stake that moves during a run by the scenario's script, not by an actor's decision: a
//! validator's operator merging its stake into another validator, a delegator staking to a
//! validator and taking it out again. The chain node includes each at its block, after the
//! block's extrinsics, through the chain's own stake calls.

use tensorsim_chain::accounts::{ColdkeyId, HotkeyId};
use tensorsim_chain::state::Chain;

/// One stake call signed by `coldkey`, included at `at_block`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StakeAction {
    pub at_block: u64,
    /// The subnet, by its place in the scenario (its netuid is the chain's at `at_block`).
    pub subnet: usize,
    pub coldkey: ColdkeyId,
    pub call: StakeCall,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StakeCall {
    /// All of the coldkey's stake on `from` moved to `to` (`move_stake`, no swap).
    MoveAll { from: HotkeyId, to: HotkeyId },
    /// `tao_rao` of its balance staked to `hotkey` (`add_stake`, bought through the pool).
    Stake { hotkey: HotkeyId, tao_rao: u64 },
    /// All of its stake on `hotkey` sold back (`remove_stake`).
    UnstakeAll { hotkey: HotkeyId },
}

/// A stake call and what the chain made of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StakeActionFacts {
    /// The subnet, by its place in the scenario.
    pub subnet: usize,
    /// The netuid the call named; `None` when the subnet did not exist then.
    pub netuid: Option<u16>,
    pub coldkey: ColdkeyId,
    pub call: StakeCall,
    /// The alpha moved, staked or unstaked; `Err`: the chain's refusal.
    pub outcome: Result<u64, String>,
}

/// Applies `action` to `chain`, on `netuid` (the chain's for the action's subnet; `None`: the
/// subnet does not exist then, refused as the chain refuses a call naming no subnet).
pub fn apply(chain: &mut Chain, netuid: Option<u16>, action: &StakeAction) -> StakeActionFacts {
    let StakeAction { subnet, coldkey, call, .. } = *action;
    let Some(netuid) = netuid else {
        return StakeActionFacts { subnet, netuid, coldkey, call, outcome: Err("SubnetNotExists".to_string()) };
    };
    let outcome = match call {
        StakeCall::MoveAll { from, to } => {
            chain.move_stake(coldkey, (from, to), netuid, chain.stake_of(coldkey, from, netuid))
        }
        StakeCall::Stake { hotkey, tao_rao } => chain.add_stake(coldkey, hotkey, netuid, tao_rao),
        StakeCall::UnstakeAll { hotkey } => {
            let held = chain.stake_of(coldkey, hotkey, netuid);
            chain.remove_stake(coldkey, hotkey, netuid, held).map(|_| held)
        }
    };
    let outcome = outcome.map_err(|refused| refused.to_string());
    StakeActionFacts { subnet, netuid: Some(netuid), coldkey, call, outcome }
}

#[cfg(test)]
mod tests {
    use tensorsim_chain::fixed::U64F64;
    use tensorsim_chain::hyperparameters::Hyperparameters;
    use tensorsim_chain::pool::Pool;
    use tensorsim_chain::state::NetworkParameters;

    use super::*;

    const TAO: u64 = 1_000_000_000;

    #[test]
    fn a_merge_moves_all_of_one_validators_stake_and_a_delegator_stakes_then_leaves_with_nothing_left() {
        let h = Hyperparameters { commit_reveal: false, ..Hyperparameters::default() };
        let mut chain = Chain::new(NetworkParameters::from_hyperparameters(&h));
        let owner = chain.create_coldkey(2_000 * TAO);
        let owner_hotkey = chain.create_hotkey(owner);
        let pool = Pool { tao_rao: 1_000 * TAO, alpha_rao: 1_000 * TAO };
        let netuid = chain.create_subnet(owner_hotkey, h, pool, U64F64::from_num(1)).unwrap();
        let keys: Vec<(ColdkeyId, HotkeyId)> = (0..2)
            .map(|_| {
                let coldkey = chain.create_coldkey(200 * TAO);
                let hotkey = chain.create_hotkey(coldkey);
                chain.register_at_genesis(coldkey, hotkey, netuid).unwrap();
                chain.add_stake(coldkey, hotkey, netuid, 100 * TAO).unwrap();
                (coldkey, hotkey)
            })
            .collect();
        let [(small, small_hotkey), (_, big_hotkey)] = keys[..] else { unreachable!() };
        let held = chain.stake_of(small, small_hotkey, netuid);
        let merge = StakeAction {
            at_block: 1,
            subnet: 0,
            coldkey: small,
            call: StakeCall::MoveAll { from: small_hotkey, to: big_hotkey },
        };
        assert_eq!(apply(&mut chain, Some(netuid), &merge).outcome, Ok(held));
        assert_eq!((chain.stake_of(small, small_hotkey, netuid), chain.stake_of(small, big_hotkey, netuid)), (0, held));
        let delegator = chain.create_coldkey(50 * TAO);
        let stake = StakeAction {
            at_block: 2,
            subnet: 0,
            coldkey: delegator,
            call: StakeCall::Stake { hotkey: big_hotkey, tao_rao: 50 * TAO },
        };
        let staked = apply(&mut chain, Some(netuid), &stake).outcome.unwrap();
        assert_eq!(chain.stake_of(delegator, big_hotkey, netuid), staked);
        let unstake = StakeAction { call: StakeCall::UnstakeAll { hotkey: big_hotkey }, ..stake };
        assert_eq!(apply(&mut chain, Some(netuid), &unstake).outcome, Ok(staked));
        assert_eq!(chain.stake_of(delegator, big_hotkey, netuid), 0);
        // Nothing left to take out: the chain's refusal, as it words it.
        assert_eq!(apply(&mut chain, Some(netuid), &unstake).outcome, Err("the amount is zero".to_string()));
        assert_eq!(chain.conservation(), Ok(()));
    }
}
