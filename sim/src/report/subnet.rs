//! One subnet's section of the report: its actors over the run, its observables, its queries, its
//! epochs and registrations. Observables are computed from unrounded values; only the document
//! rounds.

use hdrhistogram::Histogram;
use tensorsim_actors::miner::policies::MinerPolicySpec;
use tensorsim_actors::validator::policies::ValidatorPolicySpec;
use tensorsim_chain::accounts::HotkeyId;

use super::document::{
    ActorRole, ActorRow, Decimal6, LatencyMs, ModelRow, OwnerActionRow, QueryCounts, RateRow, RegistrationRow,
    SubnetQueries, SubnetSection,
};
use super::epochs;
use super::lifecycle::Life;
use super::members::{Member, Seating, Settled, ValidatorFacts, settle};
use super::series;
use super::stability_rows;
use super::window;
use crate::record::RunRecord;
use crate::scenario::{GenesisStake, Plan, Role};

/// The subnet's actors in node order (unsettled).
fn members<'a>(plan: &'a Plan, index: usize, record: &'a RunRecord) -> Vec<Member<'a>> {
    (plan.nodes.iter().zip(&record.nodes))
        .filter_map(|(node, node_record)| {
            let (policy, honest_miner, validator) = match &node.role {
                Role::Validator { subnet, policy, stake } if *subnet == index => {
                    let honest = matches!(policy, ValidatorPolicySpec::Honest);
                    (policy.name(), false, Some(ValidatorFacts { genesis_stake: *stake, honest }))
                }
                Role::Miner { subnet, policy, .. } if *subnet == index => {
                    (policy.name(), matches!(policy, MinerPolicySpec::Honest), None)
                }
                _ => return None,
            };
            let hotkey = node_record.hotkey.expect("actors have hotkeys");
            let settled = Settled::default();
            Some(Member { node, record: node_record, hotkey, policy, honest_miner, validator, settled })
        })
        .collect()
}

fn actor_row<'a>(member: &Member<'a>, g: Option<RateRow>) -> ActorRow<'a> {
    let (stats, settled) = (&member.record.stats, &member.settled);
    let validator = member.validator.as_ref();
    let positive = |n: u64| (n > 0).then_some(n);
    ActorRow {
        crashes: stats.crashes,
        dividends_mean: Decimal6::round(settled.mean(settled.dividends)),
        duplicate_answers: positive(stats.answers_duplicate),
        extrinsics_ok: &stats.extrinsics_ok,
        extrinsics_refused: &stats.extrinsics_refused,
        genesis_alpha_rao: validator.and_then(|v| match v.genesis_stake {
            GenesisStake::AlphaRao(alpha_rao) => Some(alpha_rao),
            GenesisStake::TaoRao(_) => None,
        }),
        genesis_stake_rao: validator.and_then(|v| match v.genesis_stake {
            GenesisStake::TaoRao(tao_rao) => Some(tao_rao),
            GenesisStake::AlphaRao(_) => None,
        }),
        group: &member.node.group,
        hotkey: member.hotkey.0,
        incentive_mean: Decimal6::round(settled.mean(settled.incentive)),
        last_registered_epoch_block: settled.last_registered_block,
        malformed_answers: positive(stats.answers_malformed),
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
        relative_dividend_rate: g,
        rewards: settled.rewards,
        role: if validator.is_some() { ActorRole::Validator } else { ActorRole::Miner },
        stake_weight_mean: Decimal6::round(settled.mean(settled.stake)),
        uid: settled.final_uid,
    }
}

/// Queries of every actor of the subnet, by outcome, each counted once.
fn queries(members: &[Member], histogram: &Histogram<u64>) -> SubnetQueries {
    let mut queries = SubnetQueries {
        answered: 0,
        duplicate: 0,
        latency_ms: latency_ms(histogram),
        malformed: 0,
        refused: 0,
        timed_out: 0,
    };
    for stats in members.iter().map(|m| &m.record.stats) {
        queries.answered += stats.queries_answered;
        queries.timed_out += stats.queries_timed_out;
        queries.refused += stats.queries_refused;
        queries.malformed += stats.answers_malformed;
        queries.duplicate += stats.answers_duplicate;
    }
    queries
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

/// The subnet's registrations, with the actors behind the hotkeys.
fn registrations<'a>(record: &RunRecord, life: Life, members: &[Member<'a>]) -> Vec<RegistrationRow<'a>> {
    let actor = |hotkey: HotkeyId| members.iter().find(|m| m.hotkey == hotkey).map(|m| m.node.name.as_str());
    (record.registrations.iter().filter(|r| life.holds(r.facts.netuid, r.block)))
        .map(|r| RegistrationRow {
            actor: actor(r.facts.hotkey),
            block: r.block,
            burn_rao: r.facts.burn_rao,
            hotkey: r.facts.hotkey.0,
            replaced_actor: r.facts.replaced.and_then(actor),
            replaced_hotkey: r.facts.replaced.map(|h| h.0),
            uid: r.facts.uid,
        })
        .collect()
}

/// The owner's calls on the subnet, with the chain's verdicts.
fn owner_actions(record: &RunRecord, index: usize) -> Vec<OwnerActionRow> {
    (record.owner_actions.iter().filter(|action| action.facts.subnet == index))
        .map(|action| OwnerActionRow {
            block: action.block,
            set: serde_json::to_value(&action.facts.call).expect("a call serialises"),
            verdict: match &action.facts.verdict {
                Ok(()) => "accepted".to_string(),
                Err(refused) => refused.clone(),
            },
        })
        .collect()
}

/// The subnet's section; `index` is its place in the plan, `life` where and when it lived.
pub fn section<'a>(plan: &'a Plan, index: usize, record: &'a RunRecord, life: Life) -> SubnetSection<'a> {
    let subnet = &plan.subnets[index];
    let mut members = members(plan, index, record);
    let hotkeys: Vec<HotkeyId> = members.iter().map(|m| m.hotkey).collect();
    let seating =
        Seating::new(record.epochs.iter().filter(|e| life.holds(e.facts.netuid, e.block)).collect(), &hotkeys);
    let after_block = window::warm_up_blocks(plan);
    for (m, member) in members.iter_mut().enumerate() {
        member.settled = settle(&seating, m, after_block);
    }
    let rates = window::actor_rates(&members);
    let queries = queries(&members, &record.latency_us[index]);
    let genesis_hyperparameters = epochs::as_map(&subnet.hyperparameters);
    let stability = stability_rows::measures(&seating);
    SubnetSection {
        actor_series: series::actor_series(&seating, &members),
        actors: members.iter().zip(rates).map(|(member, g)| actor_row(member, g)).collect(),
        epochs: epochs::rows(
            &seating,
            &members,
            &epochs::RowContext {
                reveals: record.reveals.iter().filter(|r| life.holds(r.facts.netuid, r.block)).collect(),
                stability: &stability,
                with_bonds: plan.scenario.report.bonds,
            },
        ),
        hyperparameter_changes: epochs::hyperparameter_changes(&genesis_hyperparameters, &seating.epochs),
        hyperparameters: genesis_hyperparameters,
        name: &subnet.name,
        netuid: life.netuid,
        observables: window::observables(&seating, &members, after_block, &queries),
        owner_actions: owner_actions(record, index),
        pruned_at_block: life.pruned_at_block,
        queries,
        registered_at_block: (subnet.registration.is_some() && life.netuid.is_some())
            .then_some(life.registered_at_block),
        registrations: registrations(record, life, &members),
        stability: stability_rows::section(&seating, &members, &stability, after_block, &record.faults),
        task: format!("{:?}", subnet.task).to_lowercase(),
    }
}
