//! Subnets that come and go: where and when each subnet of the scenario lived (which records
//! are its: a netuid the chain gives again belongs to the next subnet after the prune), and the
//! report's section of the run's registrations, prunes and lock cost over block ranges.

use std::collections::BTreeSet;

use tensorsim_actors::protocol::NetworkFacts;
use tensorsim_chain::accounts::HotkeyId;
use tensorsim_chain::network_registration::Dissolution;

use super::document::{
    LifecycleSection, LivingRow, LockCostRange, NetworkEvent, NetworkEventRow, PayoutRow, PeriodRow, PruneRow,
    RegisteredRow, RegistrationItems,
};
use crate::record::{NetworkRecord, RunRecord};
use crate::scenario::Plan;

/// Where and when a subnet of the scenario lived: the chain's records of its netuid after its
/// registration block (its epochs run from the next block; a genesis subnet's from block 1) up
/// to its prune's block included (that block's epochs and extrinsics ran before the prune).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Life {
    /// `None`: the subnet never existed.
    pub netuid: Option<u16>,
    pub registered_at_block: u64,
    pub pruned_at_block: Option<u64>,
}

impl Life {
    /// Whether a record of `netuid` at `block` is this subnet's.
    pub fn holds(&self, netuid: u16, block: u64) -> bool {
        self.netuid == Some(netuid)
            && block > self.registered_at_block
            && self.pruned_at_block.is_none_or(|pruned| block <= pruned)
    }
}

/// Each subnet's life, in the scenario's order.
pub fn lives(plan: &Plan, record: &RunRecord) -> Vec<Life> {
    let mut lives: Vec<Life> = (plan.subnets.iter())
        .map(|subnet| Life { netuid: subnet.netuid, registered_at_block: 0, pruned_at_block: None })
        .collect();
    for NetworkRecord { block, facts } in &record.network {
        match facts {
            NetworkFacts::Registered { subnet, netuid, .. } => {
                lives[*subnet].netuid = Some(*netuid);
                lives[*subnet].registered_at_block = *block;
            }
            NetworkFacts::Pruned { subnet, .. } => lives[*subnet].pruned_at_block = Some(*block),
            NetworkFacts::Refused { .. } | NetworkFacts::StakeRefused { .. } => {}
        }
    }
    lives
}

/// The section, when the scenario registers a subnet mid-run or sets network registration's
/// items; `holder` names a hotkey (an actor, a subnet's owner).
pub fn section<'a>(
    plan: &'a Plan,
    record: &'a RunRecord,
    holder: &dyn Fn(HotkeyId) -> String,
    actor: &dyn Fn(HotkeyId) -> Option<&'a str>,
) -> Option<LifecycleSection<'a>> {
    let registers = plan.subnets.iter().any(|subnet| subnet.registration.is_some());
    if !registers && plan.scenario.network.subnets.is_none() {
        return None;
    }
    let p = &plan.network_registration;
    Some(LifecycleSection {
        events: record.network.iter().map(|r| event_row(plan, r, holder, actor)).collect(),
        periods: periods(plan, record),
        registration: RegistrationItems {
            immunity_period_blocks: p.immunity_period_blocks,
            lock_reduction_interval_blocks: p.lock_reduction_interval_blocks,
            min_lock_cost_rao: p.min_lock_cost_rao,
            rate_limit_blocks: p.rate_limit_blocks,
            subnet_limit: p.subnet_limit,
        },
    })
}

fn event_row<'a>(
    plan: &'a Plan,
    record: &'a NetworkRecord,
    holder: &dyn Fn(HotkeyId) -> String,
    actor: &dyn Fn(HotkeyId) -> Option<&'a str>,
) -> NetworkEventRow<'a> {
    let name = |subnet: usize| plan.subnets[subnet].name.as_str();
    let verdict = |outcome: &Result<(), String>| outcome.clone().err().unwrap_or_else(|| "accepted".to_string());
    let (subnet, event) = match &record.facts {
        NetworkFacts::Registered {
            subnet,
            netuid,
            locked_rao,
            pool_tao_rao,
            pool_alpha_rao,
            start_call,
            configured,
        } => {
            let row = RegisteredRow {
                hyperparameters: verdict(configured),
                locked_rao: *locked_rao,
                netuid: *netuid,
                pool_alpha_rao: *pool_alpha_rao,
                pool_tao_rao: *pool_tao_rao,
                start_call: verdict(start_call),
            };
            (*subnet, NetworkEvent::Registered(row))
        }
        NetworkFacts::Refused { subnet, error, lock_cost_rao } => {
            (*subnet, NetworkEvent::Refused { error, lock_cost_rao: *lock_cost_rao })
        }
        NetworkFacts::Pruned { subnet, by, dissolution } => {
            (*subnet, NetworkEvent::Pruned(prune_row(name(*by), dissolution, holder)))
        }
        NetworkFacts::StakeRefused { subnet, hotkey, error } => {
            (*subnet, NetworkEvent::StakeRefused { actor: actor(*hotkey), error })
        }
    };
    NetworkEventRow { block: record.block, event, subnet: name(subnet) }
}

fn prune_row<'a>(by: &'a str, dissolution: &Dissolution, holder: &dyn Fn(HotkeyId) -> String) -> PruneRow<'a> {
    PruneRow {
        by,
        netuid: dissolution.netuid,
        owner_refund_rao: dissolution.owner_refund_rao,
        paid_rao: payouts_paid_rao(dissolution),
        payouts: (dissolution.payouts.iter())
            .map(|payout| PayoutRow {
                alpha_rao: payout.alpha_rao,
                holder: holder(payout.hotkey),
                paid: payout.paid,
                tao_rao: payout.tao_rao,
            })
            .collect(),
        pot_rao: dissolution.pot_rao,
        protocol_share_rao: dissolution.protocol_share_rao,
        recycled_rao: dissolution.recycled_rao,
    }
}

/// The stakers' payouts of a dissolution that went through.
fn payouts_paid_rao(dissolution: &Dissolution) -> u64 {
    dissolution.payouts.iter().filter(|p| p.paid).map(|p| p.tao_rao).sum()
}

/// The run cut where the living subnets changed: a period from block 1, and one from each block
/// where a subnet was registered or pruned, to the block before the next.
fn periods<'a>(plan: &'a Plan, record: &RunRecord) -> Vec<PeriodRow<'a>> {
    let last_block = record.blocks_produced;
    let changes = (record.network.iter())
        .filter(|r| matches!(r.facts, NetworkFacts::Registered { .. } | NetworkFacts::Pruned { .. }))
        .map(|r| r.block);
    let starts: Vec<u64> = std::iter::once(1).chain(changes).collect::<BTreeSet<u64>>().into_iter().collect();
    let mut living: Vec<Option<u16>> = plan.subnets.iter().map(|subnet| subnet.netuid).collect();
    let mut rows = Vec::with_capacity(starts.len());
    for (i, &from_block) in starts.iter().enumerate().filter(|&(_, &from)| from <= last_block) {
        let to_block = starts.get(i + 1).map_or(last_block, |next| next - 1);
        let at = |block: u64| record.network.iter().filter(move |r| r.block == block);
        let (mut prunes, mut registrations, mut dissolution_payouts_rao) = (0, 0, 0);
        for r in at(from_block) {
            match &r.facts {
                NetworkFacts::Registered { subnet, netuid, .. } => {
                    registrations += 1;
                    living[*subnet] = Some(*netuid);
                }
                NetworkFacts::Pruned { subnet, dissolution, .. } => {
                    prunes += 1;
                    dissolution_payouts_rao += payouts_paid_rao(dissolution) + dissolution.owner_refund_rao;
                    living[*subnet] = None;
                }
                NetworkFacts::Refused { .. } | NetworkFacts::StakeRefused { .. } => {}
            }
        }
        let registrations_refused = (record.network.iter())
            .filter(|r| (from_block..=to_block).contains(&r.block) && matches!(r.facts, NetworkFacts::Refused { .. }))
            .count();
        let mut subnets: Vec<LivingRow> = (living.iter().zip(&plan.subnets))
            .filter_map(|(netuid, subnet)| netuid.map(|netuid| LivingRow { name: &subnet.name, netuid }))
            .collect();
        subnets.sort_by_key(|row| row.netuid);
        rows.push(PeriodRow {
            dissolution_payouts_rao,
            from_block,
            lock_cost_rao: LockCostRange { from: lock_cost_at(record, from_block), to: lock_cost_at(record, to_block) },
            prunes,
            registrations,
            registrations_refused,
            subnets,
            to_block,
        });
    }
    rows
}

/// The lock cost at the end of `block`: the record samples every period's ends (the latest
/// sample before it otherwise).
fn lock_cost_at(record: &RunRecord, block: u64) -> u64 {
    (record.lock_costs.iter().rev()).find(|sample| sample.block <= block).map_or(0, |sample| sample.lock_cost_rao)
}

#[cfg(test)]
mod tests {
    use super::Life;

    #[test]
    fn a_life_holds_its_netuids_records_after_its_registration_up_to_its_prune() {
        let life = Life { netuid: Some(3), registered_at_block: 50, pruned_at_block: Some(80) };
        // The registration's block ran its epochs before the registration; the prune's ran them
        // before the prune.
        let held: Vec<u64> = [49, 50, 51, 80, 81].into_iter().filter(|&b| life.holds(3, b)).collect();
        assert_eq!(held, [51, 80]);
        assert!(!life.holds(2, 60), "another netuid");
        let never = Life { netuid: None, registered_at_block: 0, pruned_at_block: None };
        assert!(!never.holds(3, 60));
        let genesis = Life { netuid: Some(1), registered_at_block: 0, pruned_at_block: None };
        assert!(genesis.holds(1, 1) && genesis.holds(1, 10_000_000));
    }
}
