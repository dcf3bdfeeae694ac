//! Consensus stability, the actors' series and the CSV tables, built from the tiny run of
//! `super` (its second epoch: honest/0 with stake 30 000, honest/1 with 20 000, the copier
//! with none; miners good/0, good/1 and weak/0 at incentive 30 000, 10 000 and 20 000).

use std::collections::BTreeMap;

use super::*;
use crate::record::AppliedFault;

/// Honest/0 voted within clipping (trust 65 535), honest/1 was clipped (trust 52 428 = 0.8), the
/// copier cast nothing. Within clipping: 30 000 of 50 000 = 0.6; trust by stake
/// (30 000 · 1 + 20 000 · 0.8) / 50 000 = 0.92; the five numbers of (0.8, 1): p25 0.85,
/// median 0.9, p75 0.95. τ against the first epoch's (0, 0, 0, 3, 2, 1) over UIDs 0–5 (UID 6
/// is gone): of 15 pairs, 3 tie in both (the validators), the 9 validator–miner pairs and
/// (3, 4), (3, 5) agree, (4, 5) swaps: τ-b = (11 − 1) / √(12 · 12) = 0.833333.
#[test]
fn an_epochs_stability_reads_the_voters_trust_their_clipping_and_the_ranking_before() {
    let plan = plan();
    let mut record = record(&plan);
    record.epochs[0].facts.output.incentive = vec![0, 0, 0, 3, 2, 1, 65_535];
    let output = &mut record.epochs[1].facts.output;
    output.weights_within_clipping = vec![Some(true), Some(false), None, None, None, None];
    output.validator_trust = vec![65_535, 52_428, 0, 0, 0, 0];
    let report = json(&build(&plan, SCENARIO, &record));
    let epochs = &report["subnets"][0]["epochs"];
    let expected = serde_json::json!({
        "incentive_kendall_tau": 0.833333,
        "validator_trust": {"max": 1.0, "median": 0.9, "min": 0.8, "p25": 0.85, "p75": 0.95},
        "validator_trust_stake_mean": 0.92,
        "voters": 2,
        "within_clipping_stake_share": 0.6,
    });
    assert_eq!(epochs[1]["stability"], expected);
    assert_eq!(epochs[1]["weights_within_clipping"], serde_json::json!([true, false, null, null, null, null]));
    let first = &epochs[0]["stability"];
    assert_eq!((&first["incentive_kendall_tau"], &first["validator_trust"]), (&Value::Null, &Value::Null));
    assert_eq!(first["voters"], 0);
    // The window (after block 50) is the second epoch alone.
    let section = &report["subnets"][0]["stability"];
    assert_eq!(
        (&section["incentive_kendall_tau_mean"], &section["within_clipping_stake_share_mean"]),
        (&serde_json::json!(0.833333), &serde_json::json!(0.6))
    );
}

#[test]
fn an_actors_series_is_keyed_by_its_name_and_null_where_it_held_no_uid() {
    let plan = plan();
    let mut record = record(&plan);
    let output = &mut record.epochs[1].facts.output;
    output.stake_weight = vec![20_000, 20_000, 10_000, 0, 0, 0];
    // Honest rates 1.5 and 1.0 (median 1.25); the copier's 0.5: G = 0.4.
    output.dividends = vec![30_000, 20_000, 5_000, 0, 0, 0];
    let report = json(&build(&plan, SCENARIO, &record));
    let series = &report["subnets"][0]["actor_series"];
    let random = &series["random/0"];
    assert_eq!(
        (&random["incentive"], &random["uid"]),
        (&serde_json::json!([1.0, null]), &serde_json::json!([6, null]))
    );
    assert!(random.get("relative_dividend_rate").is_none(), "G is a validator's");
    assert_eq!(series["copier/0"]["relative_dividend_rate"], serde_json::json!([null, 0.4]));
    assert_eq!(series["honest/1"]["dividends"], serde_json::json!([0.305180, 0.305180]));
    assert_eq!(series["weak/0"]["incentive"], serde_json::json!([0.0, 0.305180]));
}

/// Six epochs at blocks 10 … 60; a crash at block 15. After it honest/0's dividends run 5 000,
/// 9 000, 10 000, 10 050, 9 950: from the third (block 40) they stay within 1 % of their mean
/// 10 000; from the second the mean is 9 750 and 9 000 is 750 below it. Its bond sum keeps
/// rising by 100: the last three (300, 400, 500) stray 100 from their mean, beyond 4.
#[test]
fn after_a_fault_settling_counts_the_epochs_until_validators_dividends_and_bonds_stay_within_one_percent() {
    let plan = plan();
    let mut record = record(&plan);
    let template = record.epochs[1].clone();
    record.epochs = (0..6_u64)
        .map(|i| {
            let mut epoch = template.clone();
            epoch.block = 10 * (i + 1);
            epoch.facts.output.dividends[0] = [1_000, 5_000, 9_000, 10_000, 10_050, 9_950][i as usize];
            epoch.bond_sums[0] = 100 * i;
            epoch
        })
        .collect();
    record.faults = vec![
        AppliedFault { block: 15, at_us: 0, description: "crash honest/1".into() },
        AppliedFault { block: 55, at_us: 0, description: "restart honest/1".into() },
    ];
    let built = build(&plan, SCENARIO, &record);
    let settling = &json(&built)["subnets"][0]["stability"]["settling"];
    assert_eq!(settling[0]["event"], "crash honest/1");
    assert_eq!(settling[0]["dividends"], serde_json::json!({"epochs": 2, "settled_block": 40}));
    let bonds = &settling[0]["bonds"];
    assert_eq!((&bonds["epochs"], &bonds["settled_block"]), (&Value::Null, &Value::Null));
    assert_eq!(
        bonds["undefined"],
        "the bond sum series of honest/0 still moves beyond 1 % of its mean in the run's last 3 epochs"
    );
    assert_eq!(settling[1]["dividends"]["undefined"], "only 1 epoch ran after it; a settled stretch needs 3");
    assert!(
        built
            .markdown
            .contains("- After crash honest/1 (block 15): dividends settled after 2 epochs (from block 40); "),
        "{}",
        built.markdown
    );
}

/// Parses a CSV table: its header, and its rows as maps from the header's names.
fn parse_csv(text: &str) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut reader = ::csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().expect("a header row").iter().map(str::to_string).collect();
    let rows = (reader.records())
        .map(|record| {
            let record = record.expect("a well-formed row");
            header.iter().cloned().zip(record.iter().map(str::to_string)).collect()
        })
        .collect();
    (header, rows)
}

#[test]
fn epochs_csv_has_one_row_per_epoch_and_uid_with_every_per_uid_field() {
    let plan = plan();
    let mut record = record(&plan);
    record.epochs[1].facts.output.weights_within_clipping[0] = Some(true);
    record.epochs[1].bond_sums[0] = 123;
    let report = build(&plan, SCENARIO, &record);
    let (header, rows) = parse_csv(&report.tables.epochs);
    // 7 UIDs in the first epoch, 6 in the second.
    assert_eq!(rows.len(), 7 + 6);
    for field in ["subnet", "epoch", "block", "uid", "hotkey", "actor", "incentive", "dividends", "bond_sum"] {
        assert!(header.iter().any(|h| h == field), "{field} in {header:?}");
    }
    let honest = &rows[7];
    assert_eq!((honest["epoch"].as_str(), honest["uid"].as_str(), honest["actor"].as_str()), ("1", "0", "honest/0"));
    assert_eq!((honest["weights_within_clipping"].as_str(), honest["bond_sum"].as_str()), ("true", "123"));
    assert_eq!((rows[8]["weights_within_clipping"].as_str(), rows[8]["token"].as_str()), ("", "alpha"));
    assert_eq!(rows[6]["incentive"], "65535", "random/0 at UID 6 in the first epoch");
}

#[test]
fn actors_csv_has_one_row_per_actor_and_actor_series_csv_one_per_actor_and_epoch() {
    let plan = plan();
    let report = build(&plan, SCENARIO, &record(&plan));
    let (_, actors) = parse_csv(&report.tables.actors);
    assert_eq!(actors.len(), 7);
    let copier = actors.iter().find(|a| a["name"] == "copier/0").expect("the copier's row");
    assert_eq!((copier["role"].as_str(), copier["relative_dividend_rate"].as_str()), ("validator", ""));
    assert_eq!(copier["relative_dividend_rate_undefined"], "no stake");
    let (header, series) = parse_csv(&report.tables.actor_series);
    assert_eq!(series.len(), 7 * 2);
    assert_eq!(header[..4], ["subnet", "actor", "epoch", "block"]);
    let random: Vec<&str> = series.iter().filter(|r| r["actor"] == "random/0").map(|r| r["uid"].as_str()).collect();
    assert_eq!(random, ["6", ""]);
}

#[test]
fn a_table_without_rows_still_has_its_header() {
    let plan = plan();
    let mut record = record(&plan);
    record.epochs.clear();
    let report = build(&plan, SCENARIO, &record);
    let (header, rows) = parse_csv(&report.tables.epochs);
    assert!(rows.is_empty());
    assert_eq!(header[0], "subnet");
    assert!(report.tables.epochs.ends_with('\n'));
}
