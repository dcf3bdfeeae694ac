//! The report built from a hand-made run of a tiny scenario: 2 honest validators and a weight
//! copier, 2 good miners, a weak one and a random one (unregistered before the last epoch).

use std::fmt;

use hdrhistogram::Histogram;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use tensorsim_actors::ml::task::ModelSpec;
use tensorsim_actors::protocol::EpochFacts;
use tensorsim_chain::accounts::HotkeyId;
use tensorsim_chain::yuma::EpochOutput;

use super::document::Decimal6;
use super::*;
use crate::record::{EpochRecord, LostMessages, MessageCounts, ModelRecord, NodeRecord, NodeStats, WallSeconds};

const SCENARIO: &str = "
version: 1
name: tiny
seed: 3
duration: {blocks: 100}
subnets:
  - name: digits
    task: digits
    validators:
      - {name: honest, count: 2, stake_tao: 1000}
      - {name: copier, count: 1, policy: weight_copier, stake_tao: 500}
    miners:
      - {name: good, count: 2}
      - {name: weak, count: 1}
      - {name: random, count: 1, policy: random}
expect:
  - {observable: incentive_share, group: good, min: 0.5}
  - {observable: incentive_share, group: weak, max: 0.1}
";

fn plan() -> Plan {
    Plan::parse(SCENARIO, None).expect("the tiny scenario is valid")
}

fn hotkey(plan: &Plan, name: &str) -> HotkeyId {
    HotkeyId(plan.node_named(name).expect("a node of the scenario"))
}

/// An epoch at `block` of the UIDs `names`, with these outputs by UID.
fn epoch(plan: &Plan, block: u64, names: &[&str], incentive: &[u16], dividends_and_stake: &[u16]) -> EpochRecord {
    let n = names.len();
    let output = EpochOutput {
        active: vec![true; n],
        validator_permit: dividends_and_stake.iter().map(|&d| d > 0).collect(),
        stake_weight: dividends_and_stake.to_vec(),
        consensus: vec![0; n],
        incentive: incentive.to_vec(),
        dividends: dividends_and_stake.to_vec(),
        validator_trust: vec![0; n],
        emission_rao: vec![1_000; n],
        server_emission_rao: vec![0; n],
        validator_emission_rao: vec![0; n],
        pruning_score: vec![0; n],
        bonds: Vec::new(),
        weights_within_clipping: vec![None; n],
    };
    let facts = EpochFacts {
        netuid: 1,
        output,
        hotkeys: names.iter().map(|name| hotkey(plan, name)).collect(),
        hyperparameters: plan.subnets[0].hyperparameters.clone(),
        pays_alpha: true,
        pool_tao_rao: 2_000,
        pool_alpha_rao: 1_000,
        ema_price: 1.5,
    };
    EpochRecord { block, total_issuance_rao: 7_000, facts, bond_sums: vec![0; n] }
}

fn model(held_out_accuracy: f64, held_out_nll: f64) -> Option<ModelRecord> {
    let spec = ModelSpec { hidden: 8, epochs: 2, data_percent: 50 };
    Some(ModelRecord { spec, held_out_accuracy, held_out_nll })
}

/// The run: `random/0` earns all incentive in the first half (which does not count), then is
/// pruned; in the second half `good` earns 40 000 of 60 000 incentive, `weak` the rest.
fn record(plan: &Plan) -> RunRecord {
    let all = ["honest/0", "honest/1", "copier/0", "good/0", "good/1", "weak/0", "random/0"];
    let first = epoch(plan, 40, &all, &[0, 0, 0, 0, 0, 0, 65_535], &[30_000, 20_000, 0, 0, 0, 0, 0]);
    let second = epoch(plan, 90, &all[..6], &[0, 0, 0, 30_000, 10_000, 20_000], &[30_000, 20_000, 0, 0, 0, 0]);
    record_of(plan, vec![first, second])
}

/// A run of `plan` (every node's hotkey its node id, models for `good` and `weak`) with these
/// epochs and nothing else of note.
fn record_of(plan: &Plan, epochs: Vec<EpochRecord>) -> RunRecord {
    let nodes = plan
        .nodes
        .iter()
        .enumerate()
        .map(|(id, node)| NodeRecord {
            hotkey: (id > 0).then_some(HotkeyId(id as u32)),
            model: match node.name.as_str() {
                "good/0" => model(0.95, 0.2),
                "good/1" => model(0.85, f64::NAN),
                "weak/0" => model(0.5, 1.5),
                _ => None,
            },
            stats: NodeStats::default(),
        })
        .collect();
    RunRecord {
        blocks_produced: 100,
        last_block_at_us: 1_200_000_000,
        total_issuance_rao: 7_000,
        conservation_error: None,
        epochs,
        registrations: Vec::new(),
        reveals: Vec::new(),
        owner_actions: Vec::new(),
        network: Vec::new(),
        lock_costs: Vec::new(),
        nodes,
        owner_hotkeys: (0..plan.subnets.len() as u32).map(|s| HotkeyId(100 + s)).collect(),
        latency_us: (plan.subnets.iter())
            .map(|_| Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid bounds"))
            .collect(),
        messages: MessageCounts {
            sent: 10,
            lost: LostMessages { link: 1, ..LostMessages::default() },
            delivered: 9,
            dropped: 0,
        },
        faults: Vec::new(),
        wall: WallSeconds::default(),
    }
}

fn json(report: &Report) -> Value {
    serde_json::from_str(&report.json).expect("the report is JSON")
}

fn actor<'a>(report: &'a Value, name: &str) -> &'a Value {
    let actors = report["subnets"][0]["actors"].as_array().expect("actors");
    actors.iter().find(|a| a["name"] == name).expect("the actor is in the report")
}

#[test]
fn a_groups_incentive_share_is_its_settled_incentive_over_the_total() {
    let plan = plan();
    let report = json(&build(&plan, SCENARIO, &record(&plan)));
    let shares = &report["subnets"][0]["observables"]["incentive_share"];
    assert_eq!(shares["good"], 0.666667);
    assert_eq!(shares["weak"], 0.333333);
    assert_eq!(shares["random"], 0.0, "incentive of the first half does not count");
    assert_eq!(shares["honest"], 0.0);
}

#[test]
fn an_actor_unregistered_in_the_last_epoch_has_a_null_uid_and_its_last_epoch_block() {
    let plan = plan();
    let report = json(&build(&plan, SCENARIO, &record(&plan)));
    let random = actor(&report, "random/0");
    assert_eq!(random["uid"], Value::Null);
    assert_eq!(random["last_registered_epoch_block"], 40);
    assert_eq!(random["rewards"]["alpha_rao"], 1_000);
    assert_eq!(actor(&report, "weak/0")["uid"], 5);
}

#[test]
fn only_validators_have_stake_queries_and_a_rate_which_is_null_when_undefined() {
    let plan = plan();
    let report = json(&build(&plan, SCENARIO, &record(&plan)));
    let copier = actor(&report, "copier/0");
    assert_eq!(copier["relative_dividend_rate"]["value"], Value::Null, "no stake, no rate");
    assert_eq!(copier["relative_dividend_rate"]["undefined"], "no stake");
    assert_eq!(copier["genesis_stake_rao"], 500_000_000_000_u64);
    assert_eq!(actor(&report, "honest/1")["relative_dividend_rate"]["value"], 1.0);
    let miner = actor(&report, "random/0").as_object().unwrap();
    for key in ["genesis_stake_rao", "queries", "relative_dividend_rate", "model"] {
        assert!(!miner.contains_key(key), "a random miner has no {key}");
    }
    assert_eq!(actor(&report, "good/0")["model"]["hidden"], 8);
}

#[test]
fn a_failed_expectation_gives_one_line_and_a_passed_one_none() {
    let plan = plan();
    let report = build(&plan, SCENARIO, &record(&plan));
    assert_eq!(
        report.failures,
        ["expectation failed: incentive_share[weak] on digits is 0.333333 (min None, max Some(0.1))"]
    );
    let rows = &json(&report)["expectations"];
    assert_eq!(rows[0]["pass"], true);
    assert_eq!(rows[1]["pass"], false);
    assert_eq!(rows[1]["observable"], "incentive_share[weak]");
    assert!(report.markdown.contains("| incentive_share[weak] | digits | 0.3333 | – | 0.1000 | **FAIL** |"));
}

#[test]
fn a_miners_duplicate_and_malformed_answers_are_shown_only_when_there_are_some() {
    let plan = plan();
    let mut record = record(&plan);
    let good = plan.node_named("good/0").unwrap() as usize;
    record.nodes[good].stats.answers_duplicate = 3;
    let report = json(&build(&plan, SCENARIO, &record));
    assert_eq!(actor(&report, "good/0")["duplicate_answers"], 3);
    let weak = actor(&report, "weak/0").as_object().unwrap();
    assert!(!weak.contains_key("duplicate_answers") && !weak.contains_key("malformed_answers"));
}

#[test]
fn a_miner_groups_duplicate_answers_are_summed_over_its_miners_and_an_expectation_reads_them() {
    let scenario = SCENARIO.replace(
        "expect:\n",
        "expect:\n  - {observable: duplicate_answers, group: good, max: 0}\n  \
         - {observable: duplicate_answers, group: weak, max: 0}\n",
    );
    let plan = Plan::parse(&scenario, None).expect("a valid scenario");
    let mut record = record(&plan);
    for (name, count) in [("good/0", 3), ("good/1", 2)] {
        record.nodes[plan.node_named(name).unwrap() as usize].stats.answers_duplicate = count;
    }
    let report = build(&plan, &scenario, &record);
    let json = json(&report);
    let by_group = &json["subnets"][0]["observables"]["duplicate_answers"];
    assert_eq!(*by_group, serde_json::json!({"good": 5, "random": 0, "weak": 0}), "miner groups only, zeros too");
    let rows = &json["expectations"];
    assert_eq!((rows[0]["value"].as_f64(), rows[0]["pass"].as_bool()), (Some(5.0), Some(false)));
    assert_eq!((rows[1]["value"].as_f64(), rows[1]["pass"].as_bool()), (Some(0.0), Some(true)));
}

#[test]
fn an_expectation_relative_to_another_group_reads_the_quotient_and_fails_against_zero() {
    let scenario = SCENARIO.replace(
        "expect:\n",
        "expect:\n  - {observable: incentive_share, group: weak, relative_to: good, max: 0.5}\n  \
         - {observable: incentive_share, group: weak, relative_to: random, max: 100}\n",
    );
    let plan = Plan::parse(&scenario, None).expect("a valid scenario");
    let report = build(&plan, &scenario, &record(&plan));
    let rows = &json(&report)["expectations"];
    // The printed values' quotient, as a reader would check it: 0.333333 / 0.666667 = 0.49999925.
    assert_eq!(
        (rows[0]["observable"].as_str(), rows[0]["value"].as_f64()),
        (Some("incentive_share[weak/good]"), Some(0.499999))
    );
    assert_eq!(rows[0]["pass"], true);
    assert_eq!((rows[1]["value"].clone(), rows[1]["pass"].clone()), (Value::Null, Value::Bool(false)));
    assert!(
        report.failures.contains(
            &"expectation failed: incentive_share[weak/random] on digits is undefined (min None, max Some(100.0))"
                .to_string()
        )
    );
}

#[test]
fn a_float_is_rounded_to_six_decimals_and_a_nan_becomes_null() {
    let print = |x: f64| serde_json::to_string(&Decimal6::round(x)).unwrap();
    assert_eq!(print(0.123_456_7), "0.123457");
    assert_eq!(print(2.0), "2.0");
    assert_eq!(print(f64::NAN), "null");
    assert_eq!(print(f64::INFINITY), "null");
    assert_eq!(print(1e303), "null", "a value whose scaled form overflows has no 6-decimal form");
    let plan = plan();
    let report = json(&build(&plan, SCENARIO, &record(&plan)));
    assert_eq!(actor(&report, "good/1")["model"]["held_out_nll"], Value::Null);
}

#[test]
fn dropped_messages_are_reported_only_when_there_are_some() {
    let plan = plan();
    let mut record = record(&plan);
    let quiet = build(&plan, SCENARIO, &record);
    assert!(!quiet.json.contains("messages_dropped"));
    assert!(quiet.markdown.contains("10 messages sent, 9 delivered; 1 lost (1 on links, 0 to offline nodes"));
    record.messages.dropped = 4;
    let dropped = build(&plan, SCENARIO, &record);
    assert_eq!(json(&dropped)["network"]["messages_dropped"], 4);
    assert!(dropped.markdown.contains("9 delivered, 4 dropped by full queues; 1 lost"));
}

#[test]
fn query_latency_is_null_without_answers_and_in_milliseconds_with_them() {
    let plan = plan();
    let mut record = record(&plan);
    let silent = build(&plan, SCENARIO, &record);
    assert_eq!(json(&silent)["subnets"][0]["queries"]["latency_ms"], Value::Null);
    assert!(!silent.markdown.contains("Query latency"));
    for us in [1_000, 2_000, 3_000] {
        record.latency_us[0].record(us).unwrap();
    }
    let answered = build(&plan, SCENARIO, &record);
    let latency = &json(&answered)["subnets"][0]["queries"]["latency_ms"];
    assert_eq!((latency["count"].as_u64(), latency["p50"].as_f64()), (Some(3), Some(2.0)));
    assert!(answered.markdown.contains("- Query latency (ms, answered queries): p50 2 · p90 "));
}

#[test]
fn the_markdown_has_one_row_per_group_with_its_mean_accuracy_and_shares() {
    let plan = plan();
    let markdown = build(&plan, SCENARIO, &record(&plan)).markdown;
    assert!(markdown.starts_with("# tensorsim report: tiny\n\nseed 3 · profile `head-2026` · 100 blocks (1200 s"));
    let rows: Vec<&str> = markdown.lines().filter(|line| line.starts_with("| good ")).collect();
    // The window is the epoch at block 90: six UIDs paid 1 000 each.
    assert_eq!(rows, ["| good | miner | honest | 2 | 0.9000 | 0.6667 | 0.3333 |  |"]);
    assert!(markdown.contains("| honest | validator | honest | 2 | – | 0 | 0.3333 | 1 |"), "{markdown}");
}

/// The old report took stake concentration over every UID: miners' few u16 of stake weight
/// (their incentive, staked to their hotkeys) made the Gini measure how many miners there are.
/// Over the three validators of [30 000, 20 000, 10 000]: Gini (−2·1 + 0·2 + 2·3)/(3·6) = 2/9;
/// exactly half is no majority, so 2; at κ = 32767/65535 the largest reaches it alone, 1. Over
/// every UID (three miners of 1) the largest holds 30 000/60 003 < κ: 2.
#[test]
fn validator_stake_is_measured_over_the_validator_actors_at_the_kappa_in_force() {
    let plan = plan();
    let mut record = record(&plan);
    record.epochs[1].facts.output.stake_weight = vec![30_000, 20_000, 10_000, 1, 1, 1];
    let report = json(&build(&plan, SCENARIO, &record));
    let stake = &report["subnets"][0]["epochs"][1]["validator_stake"];
    assert_eq!(stake["validators"], 3);
    assert_eq!(stake["gini"], 0.222222);
    assert_eq!(
        (stake["nakamoto_coefficient_majority"].as_u64(), stake["nakamoto_coefficient_kappa"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(stake["top_1_share"], 0.5);
    assert_eq!(report["subnets"][0]["observables"]["validator_stake"], *stake, "the observables read the last epoch");
    // An upgrade moved kappa to 45 000 (0.687) before the epoch: the two largest are needed. The
    // old report read the plan's kappa and said 1.
    record.epochs[1].facts.hyperparameters.kappa = 45_000;
    let report = json(&build(&plan, SCENARIO, &record));
    let epoch = &report["subnets"][0]["epochs"][1];
    assert_eq!(
        (epoch["kappa"].as_u64(), epoch["validator_stake"]["nakamoto_coefficient_kappa"].as_u64()),
        (Some(45_000), Some(2))
    );
}

#[test]
fn a_hyperparameter_change_is_listed_once_at_the_first_epoch_that_ran_under_it() {
    let plan = plan();
    let mut record = record(&plan);
    record.epochs[1].facts.hyperparameters.kappa = 45_000;
    let built = build(&plan, SCENARIO, &record);
    let changes = &json(&built)["subnets"][0]["hyperparameter_changes"];
    assert_eq!(*changes, serde_json::json!([{"block": 90, "name": "kappa", "new": 45_000, "old": 32_767}]));
    assert!(built.markdown.contains("- Hyperparameter changes: kappa 32767 → 45000 from the epoch at block 90\n"));
}

/// The old G of this epoch was (0.1526/0.1526)/0.001 = 1 000: honest validators paid a thousandth
/// of their share of stake are no reference.
#[test]
fn g_per_epoch_is_null_with_its_reason_when_the_honest_validators_earn_next_to_nothing() {
    let plan = plan();
    let mut record = record(&plan);
    let output = &mut record.epochs[1].facts.output;
    output.stake_weight = vec![30_000, 20_000, 10_000, 0, 0, 0];
    output.dividends = vec![30, 20, 10_000, 0, 0, 0];
    let report = json(&build(&plan, SCENARIO, &record));
    let g = &report["subnets"][0]["epochs"][1]["relative_dividend_rate"]["copier"];
    assert_eq!(g["value"], Value::Null);
    let reason = "the honest validators' median dividend rate 0.001000 is below 0.01 of a pro-rata share";
    assert_eq!(g["undefined"], reason);
    assert_eq!(report["subnets"][0]["observables"]["relative_dividend_rate"]["copier"]["undefined"], reason);
    // The first epoch: the copier had no stake.
    assert_eq!(report["subnets"][0]["epochs"][0]["relative_dividend_rate"]["copier"]["undefined"], "no stake");
}

#[test]
fn g_per_epoch_is_the_groups_dividends_per_stake_over_the_honest_median() {
    let plan = plan();
    let mut record = record(&plan);
    let output = &mut record.epochs[1].facts.output;
    output.stake_weight = vec![20_000, 20_000, 10_000, 0, 0, 0];
    // Honest rates 1.5 and 1.0 (median 1.25); the copier's 0.5: G = 0.4.
    output.dividends = vec![30_000, 20_000, 5_000, 0, 0, 0];
    let report = json(&build(&plan, SCENARIO, &record));
    assert_eq!(report["subnets"][0]["epochs"][1]["relative_dividend_rate"]["copier"]["value"], 0.4);
    assert_eq!(report["subnets"][0]["observables"]["relative_dividend_rate"]["copier"]["value"], 0.4);
}

/// UID 3 wins both window epochs, but it changed hands between them: one flip by hotkey, none by
/// UID (the old count).
#[test]
fn winner_flips_follow_hotkeys_within_the_window() {
    let plan = plan();
    let mut record = record(&plan);
    let mut third = record.epochs[1].clone();
    third.block = 95;
    third.facts.hotkeys[3] = hotkey(&plan, "random/0");
    record.epochs.push(third);
    let report = json(&build(&plan, SCENARIO, &record));
    let observables = &report["subnets"][0]["observables"];
    assert_eq!(observables["winner_flips"], 1);
    assert_eq!(observables["window"], serde_json::json!({"after_block": 50, "epochs": 2}));
}

#[test]
fn an_epoch_names_its_token_hotkeys_pool_and_prices() {
    let plan = plan();
    let mut record = record(&plan);
    record.epochs[0].facts.pays_alpha = false;
    let report = json(&build(&plan, SCENARIO, &record));
    let epochs = &report["subnets"][0]["epochs"];
    assert_eq!(epochs[0]["emission"]["tao_rao"][0], 1_000, "before dTAO an epoch pays TAO");
    assert_eq!(epochs[1]["emission"]["alpha_rao"][0], 1_000);
    assert_eq!(epochs[1]["server_emission"]["alpha_rao"][0], 0);
    assert_eq!((epochs[1]["price"].as_f64(), epochs[1]["ema_price"].as_f64()), (Some(2.0), Some(1.5)));
    assert_eq!(
        (epochs[1]["pool_tao_rao"].as_u64(), epochs[1]["total_issuance_rao"].as_u64()),
        (Some(2_000), Some(7_000))
    );
    assert_eq!(epochs[1]["hotkeys"][3], hotkey(&plan, "good/0").0);
    assert_eq!(actor(&report, "good/0")["hotkey"], hotkey(&plan, "good/0").0);
    let random = &actor(&report, "random/0")["rewards"];
    assert_eq!((random["tao_rao"].as_u64(), random.get("alpha_rao")), (Some(1_000), None));
    assert!(epochs[1].get("bonds").is_none(), "bonds only when the scenario asks");
}

/// A timelocked reveal counts in the epoch of its block (the chain opens it before the epoch
/// runs); a validator's reveal extrinsic in an epoch's block counts in the next one.
#[test]
fn an_epoch_lists_the_reveals_it_is_the_first_to_read_with_their_lag() {
    let plan = plan();
    let mut record = record(&plan);
    let reveal = |block, uid, commit_block, by_extrinsic| crate::record::RevealRecord {
        block,
        facts: tensorsim_actors::protocol::RevealFacts { netuid: 1, uid, commit_block, by_extrinsic },
    };
    record.reveals =
        vec![reveal(40, 0, 30, false), reveal(40, 1, 25, true), reveal(41, 2, 35, true), reveal(90, 0, 70, false)];
    let built = build(&plan, SCENARIO, &record);
    let epochs = &json(&built)["subnets"][0]["epochs"];
    let uids = |e: usize| -> Vec<u64> {
        epochs[e]["reveals"].as_array().unwrap().iter().map(|r| r["uid"].as_u64().unwrap()).collect()
    };
    assert_eq!((uids(0), uids(1)), (vec![0], vec![1, 2, 0]));
    assert_eq!(epochs[1]["reveals"][0], serde_json::json!({"commit_block": 25, "lag_blocks": 15, "uid": 1}));
    assert!(built.markdown.contains("- Commit → reveal lag: 4 reveals, 6–20 blocks\n"));
}

#[test]
fn bonds_are_in_the_report_when_the_scenario_asks_for_them() {
    let scenario = format!("{SCENARIO}report: {{bonds: true}}\n");
    let plan = Plan::parse(&scenario, None).expect("a valid scenario");
    let mut record = record(&plan);
    record.epochs[1].facts.output.bonds = vec![vec![(3, 65_535)], vec![]];
    let report = json(&build(&plan, &scenario, &record));
    assert_eq!(report["subnets"][0]["epochs"][1]["bonds"], serde_json::json!([[[3, 65_535]], []]));
    assert_eq!(report["subnets"][0]["epochs"][0]["bonds"], serde_json::json!([]));
}

#[test]
fn a_registration_names_who_registered_whom_it_pruned_and_the_burn() {
    let plan = plan();
    let mut record = record(&plan);
    let facts = tensorsim_actors::protocol::RegistrationFacts {
        netuid: 1,
        uid: 6,
        hotkey: hotkey(&plan, "weak/0"),
        replaced: Some(hotkey(&plan, "random/0")),
        burn_rao: 2_500_000_000,
    };
    record.registrations.push(crate::record::RegistrationRecord { block: 60, facts });
    let built = build(&plan, SCENARIO, &record);
    let row = &json(&built)["subnets"][0]["registrations"][0];
    assert_eq!((row["actor"].as_str(), row["replaced_actor"].as_str()), (Some("weak/0"), Some("random/0")));
    assert_eq!(
        (row["block"].as_u64(), row["uid"].as_u64(), row["burn_rao"].as_u64()),
        (Some(60), Some(6), Some(2_500_000_000))
    );
    assert!(built.markdown.contains("- Registrations: 1 (1 of them pruned a UID's holder), 2.5000 TAO burned\n"));
}

fn owner_action(block: u64, verdict: Result<(), String>) -> crate::record::OwnerActionRecord {
    let call = tensorsim_chain::hyperparameter_calls::SetHyperparameter::BondsMovingAverage(975_000);
    crate::record::OwnerActionRecord {
        block,
        facts: tensorsim_actors::protocol::OwnerActionFacts { subnet: 0, netuid: Some(1), call, verdict },
    }
}

#[test]
fn an_owners_calls_are_listed_with_the_chains_verdicts_and_absent_without_any() {
    let plan = plan();
    let mut record = record(&plan);
    assert!(json(&build(&plan, SCENARIO, &record))["subnets"][0].get("owner_actions").is_none());
    record.owner_actions.push(owner_action(20, Ok(())));
    record.owner_actions.push(owner_action(21, Err("TxRateLimitExceeded: last set at block 20".into())));
    let report = json(&build(&plan, SCENARIO, &record));
    let rows = &report["subnets"][0]["owner_actions"];
    assert_eq!(
        rows,
        &serde_json::json!([
            {"block": 20, "set": {"bonds_moving_average": 975000}, "verdict": "accepted"},
            {"block": 21, "set": {"bonds_moving_average": 975000}, "verdict": "TxRateLimitExceeded: last set at block 20"}
        ])
    );
    let markdown = build(&plan, SCENARIO, &record).markdown;
    let line = "- Owner actions: {\"bonds_moving_average\":975000} at block 20: accepted; \
                {\"bonds_moving_average\":975000} at block 21: TxRateLimitExceeded\n";
    assert!(markdown.contains(line), "{markdown}");
}

/// Deserialises any JSON, refusing an object whose keys are not in ascending order.
struct SortedKeys;

impl<'de> Deserialize<'de> for SortedKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SortedKeysVisitor)
    }
}

struct SortedKeysVisitor;

impl<'de> Visitor<'de> for SortedKeysVisitor {
    type Value = SortedKeys;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SortedKeys, A::Error> {
        let mut previous: Option<String> = None;
        while let Some(key) = map.next_key::<String>()? {
            if let Some(previous) = previous.filter(|p| *p >= key) {
                return Err(de::Error::custom(format!("key {key:?} after {previous:?}")));
            }
            map.next_value::<SortedKeys>()?;
            previous = Some(key);
        }
        Ok(SortedKeys)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SortedKeys, A::Error> {
        while seq.next_element::<SortedKeys>()?.is_some() {}
        Ok(SortedKeys)
    }
    fn visit_bool<E>(self, _: bool) -> Result<SortedKeys, E> {
        Ok(SortedKeys)
    }
    fn visit_u64<E>(self, _: u64) -> Result<SortedKeys, E> {
        Ok(SortedKeys)
    }
    fn visit_i64<E>(self, _: i64) -> Result<SortedKeys, E> {
        Ok(SortedKeys)
    }
    fn visit_f64<E>(self, _: f64) -> Result<SortedKeys, E> {
        Ok(SortedKeys)
    }
    fn visit_str<E>(self, _: &str) -> Result<SortedKeys, E> {
        Ok(SortedKeys)
    }
    fn visit_unit<E>(self) -> Result<SortedKeys, E> {
        Ok(SortedKeys)
    }
}

fn keys_sorted(json: &str) -> Result<(), String> {
    serde_json::from_str::<SortedKeys>(json).map(|_| ()).map_err(|e| e.to_string())
}

#[test]
fn every_object_of_the_report_has_its_keys_in_ascending_order() {
    let plan = plan();
    let mut record = record(&plan);
    // Every optional key present: drops, a latency histogram, a fault.
    record.messages.dropped = 1;
    record.latency_us[0].record(1_000).unwrap();
    record.faults.push(crate::record::AppliedFault { block: 5, at_us: 60_000_000, description: "x".into() });
    record.nodes[4].stats.answers_duplicate = 1;
    record.nodes[4].stats.answers_malformed = 1;
    let facts = tensorsim_actors::protocol::RegistrationFacts {
        netuid: 1,
        uid: 6,
        hotkey: HotkeyId(7),
        replaced: Some(HotkeyId(6)),
        burn_rao: 1,
    };
    record.registrations.push(crate::record::RegistrationRecord { block: 60, facts });
    record.epochs[1].facts.hyperparameters.kappa = 1;
    record.epochs[1].facts.output.weights_within_clipping[0] = Some(true);
    let facts = tensorsim_actors::protocol::RevealFacts { netuid: 1, uid: 0, commit_block: 80, by_extrinsic: false };
    record.reveals.push(crate::record::RevealRecord { block: 90, facts });
    record.owner_actions.push(owner_action(20, Ok(())));
    let scenario = format!("{SCENARIO}report: {{bonds: true}}\n");
    let plan = Plan::parse(&scenario, None).expect("a valid scenario");
    let report = build(&plan, &scenario, &record);
    assert_eq!(keys_sorted(&report.json), Ok(()));
}

#[test]
fn the_key_order_check_finds_a_key_out_of_order_however_deep() {
    assert_eq!(keys_sorted(r#"{"a": [{"b": 1, "c": {"d": null, "e": 2.5}}], "f": "g"}"#), Ok(()));
    let nested = keys_sorted(r#"{"a": [{"c": 1, "b": 2}]}"#).unwrap_err();
    assert!(nested.starts_with(r#"key "b" after "c""#), "{nested}");
}

#[test]
fn the_run_summary_gives_each_expectations_verdict_and_each_groups_shares_validators_first() {
    let plan = plan();
    let summary = build(&plan, SCENARIO, &record(&plan)).summary;
    let lines: Vec<&str> = summary.lines().collect();
    assert_eq!(lines[0], "expectations: 1 of 2 hold");
    assert_eq!(lines[1], "  pass  digits incentive_share[good]: 0.666667 min 0.5");
    assert_eq!(lines[2], "  FAIL  digits incentive_share[weak]: 0.333333 max 0.1");
    assert!(lines[3].starts_with("subnet digits (the 1 epochs after block "), "{summary}");
    let groups: Vec<&str> = lines[5..].iter().map(|l| l.split_whitespace().next().unwrap()).collect();
    assert_eq!(groups, ["copier", "honest", "good", "random", "weak"], "{summary}");
    let good: Vec<&str> = lines[7].split_whitespace().collect();
    assert_eq!(good, ["good", "miner", "0.666667", "0.333333", "-"], "{summary}");
}

/// `tensorsim diff` reads reports through its own types: a report `build` writes must parse.
#[test]
fn a_built_report_is_read_by_the_diffs_types_with_its_observables() {
    let plan = plan();
    let report = build(&plan, SCENARIO, &record(&plan));
    let read = crate::diff::report_in::parse(&report.json).expect("diff reads a built report");
    assert_eq!(read.run.scenario, "tiny");
    let subnet = &read.subnets[0];
    assert_eq!(subnet.observables.incentive_share["good"], Some(0.666667));
    assert_eq!(subnet.observables.relative_dividend_rate["copier"].value, None);
    assert!(subnet.stability.is_some(), "the diff reads the stability section");
    assert_eq!(subnet.epochs.len(), json(&report)["subnets"][0]["epochs"].as_array().unwrap().len());
}

mod html;
mod lifecycle;
mod stability;
