//! The report of a hand-made run in which subnets come and go: a genesis subnet pruned at block
//! 50 for one its owner registers then on the same netuid, and a registration the chain refuses.

use tensorsim_actors::protocol::NetworkFacts;
use tensorsim_chain::accounts::ColdkeyId;
use tensorsim_chain::network_registration::{Dissolution, StakerPayout};

use super::*;
use crate::record::{LockCostSample, NetworkRecord};

const SCENARIO: &str = "
version: 1
name: coming
seed: 3
duration: {blocks: 100}
network: {subnets: {limit: 1, immunity_period_blocks: 10, min_lock_cost_tao: 100}}
subnets:
  - name: digits
    task: digits
    validators: [{name: honest, count: 2, stake_tao: 1000}]
    miners: [{name: good, count: 1}]
  - name: newcomer
    task: digits
    register_at_block: 50
    validators: [{name: fresh, count: 1, stake_tao: 100}]
    miners: [{name: rookie, count: 1}]
  - name: refused
    task: digits
    register_at_block: 70
    validators: [{name: idle, count: 1, stake_tao: 100}]
    miners: [{name: waiting, count: 1}]
";

const TAO: u64 = 1_000_000_000;

fn dissolution(plan: &Plan) -> Dissolution {
    let payout = |name: &str, alpha_rao: u64, tao_rao: u64| StakerPayout {
        hotkey: hotkey(plan, name),
        coldkey: ColdkeyId(0),
        alpha_rao,
        tao_rao,
        paid: true,
    };
    Dissolution {
        netuid: 1,
        owner_coldkey: ColdkeyId(0),
        pot_rao: 1_000 * TAO,
        payouts: vec![payout("honest/0", 300, 300 * TAO), payout("honest/1", 600, 600 * TAO)],
        protocol_share_rao: 100 * TAO,
        owner_refund_rao: 0,
        recycled_rao: 100 * TAO,
        account_left_rao: 0,
    }
}

/// Netuid 1 runs an epoch of `digits` at block 40 and one of `newcomer` at block 90; at block
/// 50 `newcomer` prunes `digits`, at 70 `refused` cannot afford the lock.
fn coming_record(plan: &Plan) -> RunRecord {
    let before = epoch(plan, 40, &["honest/0", "honest/1", "good/0"], &[0, 0, 65_535], &[40_000, 25_535, 0]);
    let after = epoch(plan, 90, &["fresh/0", "rookie/0"], &[0, 65_535], &[65_535, 0]);
    let mut record = record_of(plan, vec![before, after]);
    let pruned = NetworkFacts::Pruned { subnet: 0, by: 1, dissolution: dissolution(plan) };
    let registered = NetworkFacts::Registered {
        subnet: 1,
        netuid: 1,
        locked_rao: 100 * TAO,
        pool_tao_rao: 100 * TAO,
        pool_alpha_rao: 80 * TAO,
        start_call: Ok(()),
        configured: Ok(()),
    };
    let refused = NetworkFacts::Refused {
        subnet: 2,
        error: "CannotAffordLockCost: balance 1 RAO, lock cost 190 RAO".into(),
        lock_cost_rao: 190 * TAO,
    };
    let stake_refused =
        NetworkFacts::StakeRefused { subnet: 1, hotkey: hotkey(plan, "fresh/0"), error: "BelowMinimum".into() };
    record.network = vec![
        NetworkRecord { block: 50, facts: pruned },
        NetworkRecord { block: 50, facts: registered },
        NetworkRecord { block: 51, facts: stake_refused },
        NetworkRecord { block: 70, facts: refused },
    ];
    let sample = |block: u64, tao: u64| LockCostSample { block, lock_cost_rao: tao * TAO };
    record.lock_costs = vec![sample(1, 100), sample(49, 100), sample(50, 200), sample(69, 190), sample(70, 190)];
    record.lock_costs.push(sample(100, 150));
    record
}

#[test]
fn a_netuid_given_again_holds_the_pruned_subnets_epochs_up_to_the_prune_and_the_new_ones_after() {
    let plan = Plan::parse(SCENARIO, None).unwrap();
    let report = json(&build(&plan, SCENARIO, &coming_record(&plan)));
    let subnet = |i: usize| &report["subnets"][i];
    let blocks = |i: usize| -> Vec<u64> {
        subnet(i)["epochs"].as_array().unwrap().iter().map(|e| e["block"].as_u64().unwrap()).collect()
    };
    assert_eq!((blocks(0), blocks(1), blocks(2)), (vec![40], vec![90], vec![]));
    assert_eq!((subnet(0)["netuid"].as_u64(), subnet(0)["pruned_at_block"].as_u64()), (Some(1), Some(50)));
    assert!(subnet(0).get("registered_at_block").is_none(), "a genesis subnet was not registered mid-run");
    assert_eq!((subnet(1)["netuid"].as_u64(), subnet(1)["registered_at_block"].as_u64()), (Some(1), Some(50)));
    assert!(subnet(2)["netuid"].is_null() && subnet(2).get("registered_at_block").is_none());
}

#[test]
fn the_lifecycle_has_a_period_per_set_of_living_subnets_with_its_lock_cost_prunes_and_payouts() {
    let plan = Plan::parse(SCENARIO, None).unwrap();
    let built = build(&plan, SCENARIO, &coming_record(&plan));
    let lifecycle = &json(&built)["subnet_lifecycle"];
    assert_eq!(
        lifecycle["periods"],
        serde_json::json!([
            {"dissolution_payouts_rao": 0, "from_block": 1, "lock_cost_rao": {"from": 100 * TAO, "to": 100 * TAO},
             "prunes": 0, "registrations": 0, "registrations_refused": 0,
             "subnets": [{"name": "digits", "netuid": 1}], "to_block": 49},
            {"dissolution_payouts_rao": 900 * TAO, "from_block": 50, "lock_cost_rao": {"from": 200 * TAO, "to": 150 * TAO},
             "prunes": 1, "registrations": 1, "registrations_refused": 1,
             "subnets": [{"name": "newcomer", "netuid": 1}], "to_block": 100}
        ])
    );
    let pruned = &lifecycle["events"][0];
    assert_eq!((pruned["block"].as_u64(), pruned["subnet"].as_str()), (Some(50), Some("digits")));
    assert_eq!(pruned["pruned"]["by"], "newcomer");
    assert_eq!(pruned["pruned"]["paid_rao"], 900 * TAO);
    assert_eq!(pruned["pruned"]["payouts"][1]["holder"], "honest/1");
    assert_eq!(lifecycle["events"][1]["registered"]["start_call"], "accepted");
    assert_eq!(lifecycle["events"][2]["stake_refused"]["actor"], "fresh/0");
    assert_eq!(lifecycle["events"][3]["refused"]["lock_cost_rao"], 190 * TAO);
    assert_eq!(lifecycle["registration"]["subnet_limit"], 1);
    assert!(built.markdown.contains("| 50–100 | newcomer (1) | 200.0000 → 150.0000 | 1 | 1 | 900.0000 | 1 |\n"));
    assert!(built.markdown.contains("- Block 70: refused registration refused at a lock cost of 190.0000 TAO"));
    assert!(built.html.contains("<h2>Subnets that come and go</h2>"));
    assert_eq!(super::keys_sorted(&built.json), Ok(()));
}

#[test]
fn a_scenario_without_network_registration_has_no_lifecycle() {
    let plan = plan();
    assert!(json(&build(&plan, super::SCENARIO, &record(&plan))).get("subnet_lifecycle").is_none());
}
