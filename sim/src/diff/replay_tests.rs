use crate::diff::Rendered;
use crate::diff::compare::Refusal;
use crate::diff::input::{self, Kind};
use crate::diff::model::{Compared, ReplayDiff};
use crate::diff::replay_compare::{Hotkeys, compare};
use crate::diff::replay_in::{self, ReplayEpochIn, ReplayIn};
use crate::diff::tests::assert_keys_sorted;
use crate::diff::thresholds::{self, Threshold};

/// An epoch of three UIDs at `block`, every field zero but `dividends` and `emission_rao`.
fn epoch(block: u64, dividends: [u16; 3], emission_rao: [u64; 3]) -> ReplayEpochIn {
    ReplayEpochIn {
        block,
        netuid: None,
        consensus: vec![0; 3],
        incentive: vec![0; 3],
        dividends: dividends.to_vec(),
        validator_trust: vec![0; 3],
        emission_rao: emission_rao.to_vec(),
    }
}

fn replay(name: &str, epochs: Vec<ReplayEpochIn>) -> ReplayIn {
    ReplayIn { name: name.to_string(), epochs }
}

fn diff(a: &ReplayIn, b: &ReplayIn) -> Result<ReplayDiff, Refusal> {
    compare(("a.json", a), ("b.json", b), false, None)
}

fn threshold(observable: &str, max_absolute: f64) -> Threshold {
    Threshold {
        observable: observable.into(),
        subnet: None,
        group: None,
        max_absolute: Some(max_absolute),
        max_relative: None,
    }
}

#[test]
fn a_report_and_a_replay_output_are_told_apart_by_their_keys() {
    assert_eq!(input::kind_of(r#"{"name": "c", "epochs": [], "rejected": []}"#), Ok(Kind::Replay));
    assert_eq!(input::kind_of(r#"{"tensorsim": 0, "epochs": 1}"#), Ok(Kind::Report), "told by keys alone");
    let neither = input::kind_of(r#"{"name": "c"}"#).unwrap_err();
    assert_eq!(neither, "neither a run report (no `tensorsim.report_version`) nor a replay output (no `epochs`)");
    let array = input::kind_of(" [1, 2]").unwrap_err();
    assert_eq!(array, "not a JSON object: a run report and a replay output are objects");
    assert!(input::kind_of("{").unwrap_err().starts_with("not JSON"));
}

#[test]
fn a_replay_output_missing_a_field_or_of_uneven_vectors_is_refused_naming_it() {
    let record = r#"{"block": 2, "consensus": [0], "incentive": [0], "dividends": [0], "validator_trust": [0], "emission_rao": [1]}"#;
    let output = |record: &str| format!(r#"{{"name": "c", "epochs": [{record}], "rejected": []}}"#);
    assert!(replay_in::parse(&output(record)).is_ok());
    let error = replay_in::parse(&output(&record.replace(r#", "validator_trust": [0]"#, ""))).unwrap_err();
    assert!(error.starts_with("epochs[0]: missing field `validator_trust`"), "{error}");
    let error =
        replay_in::parse(&output(&record.replace(r#""dividends": [0]"#, r#""dividends": [0, 1]"#))).unwrap_err();
    assert_eq!(error, "epochs[0].dividends: 2 UIDs where consensus has 1");
    let error = replay_in::parse(&output(&record.replace(r#""block": 2"#, r#""block": -2"#))).unwrap_err();
    assert!(error.starts_with("epochs[0].block: invalid value"), "{error}");
}

#[test]
fn changes_rank_by_their_share_of_the_whole_and_each_field_keeps_its_largest() {
    // Dividends move 6554 of 65535 (10.0008 %) for uid 0; emission moves 300 of an epoch of 1000
    // (30 %) for uid 2 and 100 (10 %) for uid 1.
    let a = replay("c", vec![epoch(10, [10000, 0, 0], [500, 200, 300])]);
    let b = replay("c", vec![epoch(10, [16554, 0, 1], [500, 300, 0])]);
    let d = diff(&a, &b).unwrap();
    let order: Vec<(&str, u16, i128)> = d.epochs[0].largest.iter().map(|c| (c.field, c.uid, c.change)).collect();
    assert_eq!(
        order,
        [("emission_rao", 2, -300), ("dividends", 0, 6554), ("emission_rao", 1, 100), ("dividends", 2, 1)]
    );
    assert_eq!(d.epochs[0].largest[0].share, 0.3);
    assert_eq!(d.epochs[0].largest[1].share, 0.100008);
    let dividends = &d.epochs[0].max_change["dividends"];
    assert_eq!((dividends.uid, dividends.a, dividends.b), (0, Some(10000), Some(16554)));
    assert!(!d.epochs[0].max_change.contains_key("consensus"), "an unchanged field has no largest change");
    let fields: Vec<(&str, Option<u16>)> =
        d.fields.iter().map(|f| (f.field, f.largest.as_ref().map(|at| at.change.uid))).collect();
    assert_eq!(
        fields,
        [
            ("consensus", None),
            ("incentive", None),
            ("dividends", Some(0)),
            ("validator_trust", None),
            ("emission_rao", Some(2))
        ]
    );
}

#[test]
fn a_field_s_largest_change_over_all_epochs_is_the_first_of_the_largest() {
    let a = replay("c", vec![epoch(10, [0; 3], [0; 3]), epoch(20, [0; 3], [0; 3]), epoch(30, [0; 3], [0; 3])]);
    let b = replay("c", vec![epoch(10, [5, 0, 0], [0; 3]), epoch(20, [0, 0, 9], [0; 3]), epoch(30, [0, 9, 0], [0; 3])]);
    let d = diff(&a, &b).unwrap();
    let largest = d.fields[2].largest.as_ref().unwrap();
    assert_eq!((largest.epoch, largest.block_b, largest.change.uid, largest.change.change), (1, 20, 2, 9));
    // Each epoch lists its UIDs; the table shows the largest of all first.
    let table = Rendered::of_replays(d).table;
    let first_row = table.lines().skip_while(|l| !l.starts_with("largest changes by UID")).nth(2).unwrap();
    assert!(first_row.starts_with("dividends  1      20     2    0  9  +9"), "{table}");
}

#[test]
fn outputs_of_different_cases_are_refused_unless_forced_and_epoch_counts_may_differ() {
    let a = replay("snapshot of netuid 1", vec![epoch(10, [0; 3], [0; 3])]);
    let b = replay("snapshot of netuid 2", vec![epoch(10, [0; 3], [0; 3]), epoch(20, [0; 3], [0; 3])]);
    let refusal = diff(&a, &b).unwrap_err();
    assert_eq!(
        refusal.0,
        "different cases: \"snapshot of netuid 1\" and \"snapshot of netuid 2\" (--force compares them anyway)"
    );
    let forced = compare(("a", &a), ("b", &b), true, None).unwrap();
    assert!(forced.forced);
    assert_eq!(forced.unmatched, ["the epochs: A has 1 epochs, B 2; the first 1 are compared"]);
}

#[test]
fn a_chain_case_s_epochs_pair_by_netuid_and_position() {
    let on = |netuid: u16, block: u64, dividends: [u16; 3]| ReplayEpochIn {
        netuid: Some(netuid),
        ..epoch(block, dividends, [0; 3])
    };
    let a = replay("chain", vec![on(1, 10, [0; 3]), on(2, 11, [0; 3]), on(1, 20, [0; 3])]);
    let b = replay("chain", vec![on(1, 10, [0; 3]), on(1, 20, [7, 0, 0]), on(3, 11, [0; 3])]);
    let d = diff(&a, &b).unwrap();
    let epochs: Vec<(Option<u16>, usize, u64)> = d.epochs.iter().map(|e| (e.netuid, e.epoch, e.block_b)).collect();
    assert_eq!(epochs, [(Some(1), 0, 10), (Some(1), 1, 20)]);
    assert_eq!(d.epochs[1].largest[0].change, 7);
    assert_eq!(d.unmatched, ["the epochs of netuid 2 only in A", "the epochs of netuid 3 only in B"]);
    assert!(Rendered::of_replays(d).table.contains("field      netuid  epoch"));
}

#[test]
fn hotkeys_name_the_uids_and_diff_json_keeps_its_keys_sorted() {
    let a = replay("c", vec![epoch(10, [0; 3], [0; 3])]);
    let b = replay("c", vec![epoch(10, [0, 40, 0], [0; 3])]);
    let by_uid = ["5A".to_string(), "5B".to_string(), "5C".to_string()];
    let hotkeys = Hotkeys { from: "snap.json", by_uid: &by_uid };
    let d = compare(("a.json", &a), ("b.json", &b), false, Some(hotkeys)).unwrap();
    assert_eq!(d.epochs[0].largest[0].hotkey.as_deref(), Some("5B"));
    let rendered = Rendered::of_replays(d);
    assert_keys_sorted(&rendered.json);
    assert!(rendered.json.contains("\"kind\": \"replay\""));
    assert!(rendered.table.contains("UIDs named by the hotkeys of snap.json"), "{}", rendered.table);
    assert!(
        rendered.markdown.contains("| dividends | 0 | 10 | 1 | 5B | 0 | 40 | +40 | 0.06 % |"),
        "{}",
        rendered.markdown
    );
}

#[test]
fn a_replay_diff_is_held_to_max_absolute_per_field_naming_the_uid() {
    let a = replay("c", vec![epoch(10, [0; 3], [0; 3]), epoch(20, [0; 3], [0; 3])]);
    let b = replay("c", vec![epoch(10, [0, 2000, 3000], [0; 3]), epoch(20, [0; 3], [0, 5, 0])]);
    let compared = Compared::Replays(diff(&a, &b).unwrap());
    let lines = thresholds::exceeded_in(&compared, &[threshold("dividends", 2500.0), threshold("emission_rao", 5.0)]);
    assert_eq!(lines, ["dividends max_absolute 2500: epoch 0 (block 10): |Δ| 3000 > 2500, uid 2 Some(0) → Some(3000)"]);
    assert!(thresholds::exceeded_in(&compared, &[threshold("dividends", 3000.0)]).is_empty());
    assert_eq!(thresholds::exceeded_in(&compared, &[threshold("emission_rao", 4.0)]).len(), 1);
}

#[test]
fn a_threshold_of_the_other_kind_is_refused_naming_its_entry() {
    let replay_only = [threshold("dividends", 1.0), threshold("emission_rao", 1.0)];
    assert_eq!(thresholds::check_kind(&replay_only, true), Ok(()));
    let error = thresholds::check_kind(&replay_only, false).unwrap_err();
    assert!(error.starts_with("thresholds[1].observable: emission_rao is read from replay outputs"), "{error}");
    let error = thresholds::check_kind(&[threshold("winner_flips", 1.0)], true).unwrap_err();
    assert!(error.starts_with("thresholds[0].observable: winner_flips is read from run reports"), "{error}");
    assert!(thresholds::parse("thresholds:\n  - {observable: validator_trust, max_relative: 0.1}\n").is_err());
}
