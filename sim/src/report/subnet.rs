//! One subnet's section of the report: its actors over the run, its observables, its queries and
//! its epochs. The observables are computed from unrounded values; only the document rounds.

use std::collections::BTreeMap;

use hdrhistogram::Histogram;
use tensorsim_actors::miner::policies::MinerPolicySpec;
use tensorsim_actors::validator::policies::ValidatorPolicySpec;
use tensorsim_chain::accounts::HotkeyId;

use super::document::{
    ActorRole, ActorRow, ByGroup, Decimal6, EpochRow, LatencyMs, ModelRow, Observables, QueryCounts, SubnetQueries,
    SubnetSection,
};
use crate::metrics;
use crate::record::{EpochRecord, NodeRecord, RunRecord};
use crate::scenario::{NodePlan, Plan, Role, SubnetPlan};

/// A u16 share of the chain as a fraction of 1.
fn share(x: u16) -> f64 {
    f64::from(x) / 65_535.0
}

/// One actor's outputs over the run's second half, where its scores have settled.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Settled {
    incentive: f64,
    dividends: f64,
    stake: f64,
    /// Over the whole run.
    rewards_rao: u64,
    /// The UID in the last epoch, if still registered then.
    final_uid: Option<u16>,
    /// The last epoch (block) it was registered in.
    last_registered_block: Option<u64>,
}

fn settle(epochs: &[&EpochRecord], hotkey: HotkeyId, half_block: u64) -> Settled {
    let mut settled = Settled::default();
    let mut counted = 0u32;
    for epoch in epochs {
        let Some(uid) = epoch.hotkeys.iter().position(|&h| h == hotkey) else {
            continue;
        };
        settled.rewards_rao += epoch.output.emission_rao[uid];
        settled.last_registered_block = Some(epoch.block);
        if epoch.block > half_block {
            counted += 1;
            settled.incentive += share(epoch.output.incentive[uid]);
            settled.dividends += share(epoch.output.dividends[uid]);
            settled.stake += share(epoch.output.stake_weight[uid]);
        }
    }
    let last = epochs.last().and_then(|e| e.hotkeys.iter().position(|&h| h == hotkey));
    settled.final_uid = last.map(|uid| uid as u16);
    if counted > 0 {
        let n = f64::from(counted);
        (settled.incentive, settled.dividends, settled.stake) =
            (settled.incentive / n, settled.dividends / n, settled.stake / n);
    }
    settled
}

/// A validator's facts beyond every actor's.
struct ValidatorFacts {
    genesis_stake_rao: u64,
    /// Honest validators are the reference of G.
    honest: bool,
    /// G; `None` when undefined.
    relative_dividend_rate: Option<f64>,
}

/// One actor of the subnet, unrounded.
struct Member<'a> {
    node: &'a NodePlan,
    record: &'a NodeRecord,
    policy: &'static str,
    /// An honest miner's model counts in the incentive–accuracy correlation.
    honest_miner: bool,
    validator: Option<ValidatorFacts>,
    settled: Settled,
}

/// The subnet's actors in node order, G included.
fn members<'a>(plan: &'a Plan, index: usize, record: &'a RunRecord, epochs: &[&EpochRecord]) -> Vec<Member<'a>> {
    let half_block = plan.blocks / 2;
    let mut members: Vec<Member> = (plan.nodes.iter().zip(&record.nodes))
        .filter_map(|(node, node_record)| {
            let (policy, honest_miner, validator) = match &node.role {
                Role::Validator { subnet, policy, stake_rao } if *subnet == index => {
                    let honest = matches!(policy, ValidatorPolicySpec::Honest);
                    let facts = ValidatorFacts { genesis_stake_rao: *stake_rao, honest, relative_dividend_rate: None };
                    (policy.name(), false, Some(facts))
                }
                Role::Miner { subnet, policy, .. } if *subnet == index => {
                    (policy.name(), matches!(policy, MinerPolicySpec::Honest), None)
                }
                _ => return None,
            };
            let hotkey = node_record.hotkey.expect("actors have hotkeys");
            let settled = settle(epochs, hotkey, half_block);
            Some(Member { node, record: node_record, policy, honest_miner, validator, settled })
        })
        .collect();
    rate_validators(&mut members);
    members
}

/// Each validator's G against the honest validators' dividends per stake.
fn rate_validators(members: &mut [Member]) {
    let honest: Vec<(f64, f64)> = members
        .iter()
        .filter(|m| m.validator.as_ref().is_some_and(|v| v.honest))
        .map(|m| (m.settled.dividends, m.settled.stake))
        .collect();
    for member in members {
        let Settled { dividends, stake, .. } = member.settled;
        if let Some(validator) = &mut member.validator {
            validator.relative_dividend_rate = metrics::relative_dividend_rate(dividends, stake, &honest);
        }
    }
}

fn actor_row<'a>(member: &Member<'a>) -> ActorRow<'a> {
    let (stats, settled) = (&member.record.stats, &member.settled);
    let validator = member.validator.as_ref();
    ActorRow {
        crashes: stats.crashes,
        dividends_mean: Decimal6::round(settled.dividends),
        duplicate_answers: (stats.answers_duplicate > 0).then_some(stats.answers_duplicate),
        extrinsics_ok: &stats.extrinsics_ok,
        extrinsics_refused: &stats.extrinsics_refused,
        genesis_stake_rao: validator.map(|v| v.genesis_stake_rao),
        group: &member.node.group,
        incentive_mean: Decimal6::round(settled.incentive),
        last_registered_epoch_block: settled.last_registered_block,
        malformed_answers: (stats.answers_malformed > 0).then_some(stats.answers_malformed),
        model: member.record.model.map(|model| ModelRow {
            data_percent: model.spec.data_percent,
            epochs: model.spec.epochs,
            held_out_accuracy: Decimal6::round(model.held_out_accuracy),
            held_out_nll: Decimal6::round(model.held_out_nll),
            hidden: model.spec.hidden,
        }),
        name: &member.node.name,
        policy: member.policy,
        queries: validator.map(|_| QueryCounts {
            answered: stats.queries_answered,
            refused: stats.queries_refused,
            timed_out: stats.queries_timed_out,
        }),
        relative_dividend_rate: validator.map(|v| Decimal6::of(v.relative_dividend_rate)),
        rewards_rao: settled.rewards_rao,
        role: if validator.is_some() { ActorRole::Validator } else { ActorRole::Miner },
        stake_weight_mean: Decimal6::round(settled.stake),
        uid: settled.final_uid,
    }
}

/// Each group's share of a total, 0 for every group when the total is 0.
fn shares(by_group: &BTreeMap<&str, f64>) -> ByGroup {
    // Summed in group order, so the total (and the bytes) never depend on node order.
    let total: f64 = by_group.values().sum();
    by_group
        .iter()
        .map(|(&group, &x)| (group.to_string(), Decimal6::round(if total > 0.0 { x / total } else { 0.0 })))
        .collect()
}

fn observables(subnet: &SubnetPlan, members: &[Member], epochs: &[&EpochRecord], queries: QueryCounts) -> Observables {
    let mut incentive: BTreeMap<&str, f64> = BTreeMap::new();
    let mut rewards_rao: BTreeMap<&str, u64> = BTreeMap::new();
    let mut rates: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for member in members {
        let group = member.node.group.as_str();
        *incentive.entry(group).or_default() += member.settled.incentive;
        *rewards_rao.entry(group).or_default() += member.settled.rewards_rao;
        if let Some(g) = member.validator.as_ref().and_then(|v| v.relative_dividend_rate) {
            rates.entry(group).or_default().push(g);
        }
    }
    let total_rao: u64 = rewards_rao.values().sum();
    let reward_share = rewards_rao
        .iter()
        .map(|(&group, &x)| {
            (group.to_string(), Decimal6::round(if total_rao > 0 { x as f64 / total_rao as f64 } else { 0.0 }))
        })
        .collect();
    let mean = |g: &Vec<f64>| Decimal6::round(g.iter().sum::<f64>() / g.len() as f64);
    let (accuracy, honest_incentive): (Vec<f64>, Vec<f64>) = members
        .iter()
        .filter(|m| m.honest_miner)
        .filter_map(|m| m.record.model.map(|model| (model.held_out_accuracy, m.settled.incentive)))
        .unzip();
    let asked = queries.answered + queries.timed_out + queries.refused;
    let winners: Vec<Option<u16>> = epochs
        .iter()
        .map(|e| metrics::top_ranked(&e.output.incentive.iter().map(|&x| f64::from(x)).collect::<Vec<_>>()))
        .collect();
    let last_stakes: Vec<u64> =
        epochs.last().map_or_else(Vec::new, |e| e.output.stake_weight.iter().map(|&s| u64::from(s)).collect());
    Observables {
        incentive_accuracy_spearman: Decimal6::of(metrics::spearman(&accuracy, &honest_incentive)),
        incentive_share: shares(&incentive),
        query_timeout_rate: Decimal6::round(if asked > 0 { queries.timed_out as f64 / asked as f64 } else { 0.0 }),
        relative_dividend_rate: rates.iter().map(|(&group, g)| (group.to_string(), mean(g))).collect(),
        reward_share,
        stake_gini: Decimal6::round(metrics::gini(&last_stakes.iter().map(|&s| s as f64).collect::<Vec<_>>())),
        stake_nakamoto_coefficient: metrics::nakamoto_coefficient(&last_stakes, share(subnet.hyperparameters.kappa)),
        winner_flips: metrics::ranking_flips(&winners),
    }
}

/// Queries of every actor of the subnet, summed.
fn query_counts(members: &[Member]) -> QueryCounts {
    let mut counts = QueryCounts::default();
    for stats in members.iter().map(|m| &m.record.stats) {
        counts.answered += stats.queries_answered;
        counts.timed_out += stats.queries_timed_out;
        counts.refused += stats.queries_refused;
    }
    counts
}

fn latency_ms(histogram: &Histogram<u64>) -> Option<LatencyMs> {
    if histogram.is_empty() {
        return None;
    }
    let ms = |us: u64| Decimal6::round(us as f64 / 1_000.0);
    Some(LatencyMs {
        count: histogram.len(),
        max: ms(histogram.max()),
        p50: ms(histogram.value_at_quantile(0.5)),
        p90: ms(histogram.value_at_quantile(0.9)),
        p99: ms(histogram.value_at_quantile(0.99)),
    })
}

fn epoch_row(epoch: &EpochRecord) -> EpochRow<'_> {
    let output = &epoch.output;
    EpochRow {
        block: epoch.block,
        consensus: &output.consensus,
        dividends: &output.dividends,
        emission_rao: &output.emission_rao,
        incentive: &output.incentive,
        stake_weight: &output.stake_weight,
        validator_permit: &output.validator_permit,
        validator_trust: &output.validator_trust,
    }
}

/// The subnet's section; `index` is its place in the plan.
pub fn section<'a>(plan: &'a Plan, index: usize, record: &'a RunRecord) -> SubnetSection<'a> {
    let subnet = &plan.subnets[index];
    let epochs: Vec<&EpochRecord> = record.epochs.iter().filter(|e| e.netuid == subnet.netuid).collect();
    let members = members(plan, index, record, &epochs);
    let queries = query_counts(&members);
    SubnetSection {
        actors: members.iter().map(actor_row).collect(),
        epochs: epochs.iter().map(|epoch| epoch_row(epoch)).collect(),
        hyperparameters: serde_json::to_value(&subnet.hyperparameters)
            .and_then(serde_json::from_value)
            .expect("hyperparameters serialise as a map"),
        name: &subnet.name,
        netuid: subnet.netuid,
        observables: observables(subnet, &members, &epochs, queries),
        queries: SubnetQueries {
            answered: queries.answered,
            latency_ms: latency_ms(&record.latency_us[index]),
            refused: queries.refused,
            timed_out: queries.timed_out,
        },
        task: format!("{:?}", subnet.task).to_lowercase(),
    }
}
