use std::collections::BTreeMap;

use crate::diff::compare::{UID_CHANGES_PER_EPOCH, compare};
use crate::diff::model::Diff;
use crate::diff::report_in::{
    ActorIn, EpochIn, ObservablesIn, REPORT_VERSION_READ, RateIn, ReportIn, RunIn, SettleIn, SettledIn, StabilityIn,
    StakeIn, SubnetIn, VersionIn,
};
use crate::diff::thresholds::{self, Threshold};
use crate::diff::{Rendered, report_in};

/// A one-subnet report of scenario `smoke` with these miner groups' incentive shares.
fn report(shares: &[(&str, f64)]) -> ReportIn {
    let share: BTreeMap<String, Option<f64>> = shares.iter().map(|(g, v)| (g.to_string(), Some(*v))).collect();
    let epoch = EpochIn {
        block: 20,
        consensus: vec![0; 4],
        dividends: vec![0; 4],
        hotkeys: vec![100, 101, 102, 103],
        incentive: vec![0; 4],
    };
    let actors = (0..4).map(|i| ActorIn { hotkey: 100 + i, name: format!("miners/{i}") }).collect();
    ReportIn {
        expectations: Vec::new(),
        run: RunIn { profile: "head-2026".into(), scenario: "smoke".into(), scenario_sha256: "ab".repeat(32), seed: 7 },
        subnets: vec![SubnetIn {
            actors,
            epochs: vec![epoch],
            hyperparameters: BTreeMap::from([("kappa".to_string(), 32_767.into()), ("tempo".to_string(), 20.into())]),
            name: "digits".into(),
            observables: ObservablesIn {
                incentive_accuracy_spearman: Some(0.9),
                incentive_share: share.clone(),
                query_timeout_rate: Some(0.01),
                relative_dividend_rate: BTreeMap::from([("copier".to_string(), RateIn { value: Some(0.8) })]),
                reward_share: share,
                validator_stake: Some(StakeIn {
                    gini: Some(0.4),
                    nakamoto_coefficient_kappa: 3,
                    nakamoto_coefficient_majority: 2,
                }),
                winner_flips: 2,
            },
            stability: Some(StabilityIn {
                incentive_kendall_tau_mean: Some(0.95),
                settling: vec![SettleIn {
                    block: 2000,
                    bonds: SettledIn { epochs: None },
                    dividends: SettledIn { epochs: Some(8) },
                    event: "crash honest/3".into(),
                }],
                validator_trust_stake_mean: Some(0.99),
                within_clipping_stake_share_mean: Some(0.0),
            }),
        }],
        tensorsim: VersionIn { report_version: REPORT_VERSION_READ },
    }
}

fn diff(a: &ReportIn, b: &ReportIn) -> Diff {
    compare(("a.json", a), ("b.json", b), false).expect("one scenario")
}

fn threshold(observable: &str, group: Option<&str>, max_absolute: Option<f64>, max_relative: Option<f64>) -> Threshold {
    Threshold {
        observable: observable.into(),
        subnet: None,
        group: group.map(str::to_string),
        max_absolute,
        max_relative,
    }
}

#[test]
fn observables_come_largest_relative_change_first_and_a_value_appearing_from_zero_before_any() {
    let a = report(&[("up", 0.1), ("slight", 0.5), ("new", 0.0), ("down", 0.3)]);
    let b = report(&[("up", 0.2), ("slight", 0.55), ("new", 0.01), ("down", 0.15)]);
    let d = diff(&a, &b);
    let order: Vec<String> =
        d.observables.iter().filter(|r| r.observable == "incentive_share").map(|r| r.label()).collect();
    assert_eq!(
        order,
        ["incentive_share[new]", "incentive_share[up]", "incentive_share[down]", "incentive_share[slight]"]
    );
    let up = d.observables.iter().find(|r| r.label() == "incentive_share[up]").unwrap();
    assert_eq!((up.absolute_change, up.relative_change), (Some(0.1), Some(1.0)));
    let down = d.observables.iter().find(|r| r.label() == "incentive_share[down]").unwrap();
    assert_eq!(down.relative_change, Some(-0.5), "relative to |a|, signed");
    let new = d.observables.iter().find(|r| r.label() == "incentive_share[new]").unwrap();
    assert_eq!(new.relative_change, None, "no ratio from zero");
}

#[test]
fn every_observable_of_the_brief_is_compared_per_group_and_per_subnet() {
    let d = diff(&report(&[("miners", 0.5)]), &report(&[("miners", 0.5)]));
    let labels: Vec<String> = d.observables.iter().map(|r| r.label()).collect();
    for expected in [
        "incentive_share[miners]",
        "reward_share[miners]",
        "relative_dividend_rate[copier]",
        "incentive_accuracy_spearman",
        "query_timeout_rate",
        "winner_flips",
        "validator_stake.gini",
        "validator_stake.nakamoto_coefficient_majority",
        "validator_stake.nakamoto_coefficient_kappa",
        "stability.incentive_kendall_tau_mean",
        "stability.validator_trust_stake_mean",
        "stability.within_clipping_stake_share_mean",
        "stability.dividends_settle_epochs[crash honest/3 at block 2000]",
        "stability.bonds_settle_epochs[crash honest/3 at block 2000]",
    ] {
        assert!(labels.contains(&expected.to_string()), "{expected} missing from {labels:?}");
    }
}

#[test]
fn a_report_compared_with_itself_is_all_zeros_and_within_the_tightest_thresholds() {
    let a = report(&[("miners", 0.7), ("random", 0.0)]);
    let d = diff(&a, &a);
    // Zeros, or null in both (bonds that never settled).
    let unchanged = |r: &crate::diff::model::ObservableChange| {
        r.magnitude() == 0.0 && (r.absolute_change == Some(0.0) || (r.a, r.b) == (None, None))
    };
    assert!(d.observables.iter().all(unchanged), "{d:?}");
    assert!(d.epochs.iter().all(|e| e.largest.is_empty() && e.incentive_max_change == 0));
    let tightest = [
        threshold("incentive_share", None, Some(0.0), None),
        threshold("relative_dividend_rate", None, None, Some(0.0)),
        threshold("incentive", None, Some(0.0), None),
    ];
    assert_eq!(thresholds::exceeded(&d, &tightest), Vec::<String>::new());
}

#[test]
fn reports_of_different_scenarios_are_refused_with_the_reason_unless_forced() {
    let a = report(&[("miners", 0.5)]);
    let mut renamed = report(&[("miners", 0.5)]);
    renamed.run.scenario = "baseline".into();
    let refusal = compare(("a", &a), ("b", &renamed), false).unwrap_err();
    assert!(refusal.0.contains("\"smoke\" and \"baseline\""), "{refusal:?}");
    let mut edited = report(&[("miners", 0.5)]);
    edited.run.scenario_sha256 = "cd".repeat(32);
    let refusal = compare(("a", &a), ("b", &edited), false).unwrap_err();
    assert!(refusal.0.contains("scenario_sha256"), "{refusal:?}");
    let forced = compare(("a", &a), ("b", &edited), true).expect("--force compares");
    assert!(forced.forced);
    assert!(!diff(&a, &a).forced);
}

#[test]
fn the_largest_uid_changes_are_kept_largest_first_with_the_actor_holding_the_uid() {
    let a = report(&[("miners", 0.5)]);
    let mut b = report(&[("miners", 0.5)]);
    let epoch = &mut b.subnets[0].epochs[0];
    // 4 UIDs × 3 outputs = 12 changes; the smallest two drop out of the 10 listed.
    epoch.consensus = vec![1, 2, 3, 4];
    epoch.incentive = vec![100, 200, 300, 400];
    epoch.dividends = vec![7, 8, 10, 5000];
    // UID 3 changed hands to a hotkey of no actor in B.
    epoch.hotkeys[3] = 999;
    let d = diff(&a, &b);
    let largest = &d.epochs[0].largest;
    assert_eq!(largest.len(), UID_CHANGES_PER_EPOCH);
    assert_eq!((largest[0].field, largest[0].uid, largest[0].change), ("dividends", 3, 5000));
    assert_eq!(largest[0].actor_a.as_deref(), Some("miners/3"));
    assert_eq!(largest[0].actor_b, None);
    assert_eq!(largest[0].actor(), "miners/3 → -");
    assert_eq!((largest[1].field, largest[1].uid, largest[1].actor()), ("incentive", 3, "miners/3 → -".to_string()));
    assert_eq!((largest[2].field, largest[2].uid, largest[2].actor()), ("incentive", 2, "miners/2".to_string()));
    assert!(largest.windows(2).all(|w| w[0].change.abs() >= w[1].change.abs()));
    assert!(!largest.iter().any(|c| c.field == "consensus" && c.change == 1), "the smallest dropped");
    assert_eq!((d.epochs[0].consensus_max_change, d.epochs[0].dividends_max_change), (4, 5000));
}

#[test]
fn hyperparameters_that_differ_at_genesis_are_listed_and_shown_above_the_table() {
    let a = report(&[("miners", 0.5)]);
    let mut b = report(&[("miners", 0.5)]);
    b.subnets[0].hyperparameters.insert("kappa".into(), 40_000.into());
    b.subnets[0].hyperparameters.insert("yuma3".into(), true.into());
    let d = diff(&a, &b);
    let names: Vec<(&str, Option<String>)> =
        d.hyperparameters.iter().map(|h| (h.name.as_str(), h.a.as_ref().map(|v| v.to_string()))).collect();
    assert_eq!(names, [("kappa", Some("32767".to_string())), ("yuma3", None)]);
    let table = Rendered::of(d).table;
    assert!(
        table.contains("\nhyperparameters at genesis: digits kappa 32767 → 40000, digits yuma3 - → true\n"),
        "{table}"
    );
    assert!(diff(&a, &a).hyperparameters.is_empty());
}

#[test]
fn a_threshold_holds_within_its_bound_and_is_exceeded_beyond_it_naming_the_row() {
    let a = report(&[("miners", 0.5), ("random", 0.1)]);
    let b = report(&[("miners", 0.52), ("random", 0.1)]);
    let d = diff(&a, &b);
    let within = [threshold("incentive_share", Some("miners"), Some(0.02), None)];
    assert!(thresholds::exceeded(&d, &within).is_empty());
    let beyond = [
        threshold("incentive_share", Some("random"), Some(0.0), None),
        threshold("incentive_share", Some("miners"), None, Some(0.03)),
        threshold("reward_share", None, Some(0.01), None),
    ];
    let exceeded = thresholds::exceeded(&d, &beyond);
    assert_eq!(exceeded.len(), 2, "{exceeded:?}");
    assert!(
        exceeded[0].starts_with("incentive_share[miners] max_relative 0.03: digits incentive_share[miners] 0.5 → 0.52")
    );
    assert!(exceeded[1].starts_with("reward_share max_absolute 0.01: digits reward_share[miners]"), "{exceeded:?}");
}

#[test]
fn a_threshold_on_an_epoch_output_sees_a_change_the_list_of_ten_left_out() {
    let a = report(&[("miners", 0.5)]);
    let mut b = report(&[("miners", 0.5)]);
    let epoch = &mut b.subnets[0].epochs[0];
    // Two UIDs more in B (absent in A, counted from 0): 12 large changes fill the list of 10.
    epoch.consensus = vec![60_000; 6];
    epoch.dividends = vec![60_000; 6];
    epoch.incentive = vec![0, 0, 0, 3000];
    let d = diff(&a, &b);
    assert!(d.epochs[0].largest.iter().all(|c| c.field != "incentive"), "consensus and dividends fill the list");
    let exceeded = thresholds::exceeded(&d, &[threshold("incentive", None, Some(2000.0), None)]);
    assert_eq!(exceeded.len(), 1);
    assert!(exceeded[0].contains("|Δ| 3000 > 2000"), "{exceeded:?}");
    assert!(thresholds::exceeded(&d, &[threshold("incentive", None, Some(3000.0), None)]).is_empty());
}

#[test]
fn a_value_that_becomes_undefined_exceeds_any_bound() {
    let a = report(&[("miners", 0.5)]);
    let mut b = report(&[("miners", 0.5)]);
    b.subnets[0].observables.relative_dividend_rate.insert("copier".into(), RateIn { value: None });
    let d = diff(&a, &b);
    let exceeded = thresholds::exceeded(&d, &[threshold("relative_dividend_rate", None, Some(100.0), None)]);
    assert_eq!(exceeded.len(), 1);
    assert!(exceeded[0].contains("0.8 → null"), "{exceeded:?}");
}

#[test]
fn thresholds_files_are_read_from_yaml_or_json_and_bad_entries_refused_with_their_field() {
    let yaml = "thresholds:\n  - {observable: incentive_share, group: miners, max_absolute: 0.01}\n";
    let json = r#"{"thresholds": [{"observable": "winner_flips", "subnet": "digits", "max_relative": 0.5}]}"#;
    assert_eq!(thresholds::parse(yaml).unwrap()[0].group.as_deref(), Some("miners"));
    assert_eq!(thresholds::parse(json).unwrap()[0].subnet.as_deref(), Some("digits"));
    let refused = |text: &str, expected: &str| {
        let error = thresholds::parse(text).unwrap_err();
        assert!(error.contains(expected), "{error:?} should contain {expected:?}");
    };
    refused("thresholds: [{observable: incentive_shares, max_absolute: 1}]", "thresholds[0].observable: unknown");
    refused("thresholds: [{observable: winner_flips}]", "thresholds[0].max_absolute: a threshold needs");
    refused("thresholds: [{observable: winner_flips, group: x, max_absolute: 1}]", "thresholds[0].group");
    refused("thresholds: [{observable: incentive, max_relative: 1}]", "thresholds[0].max_relative");
    refused("thresholds: [{observable: gini, max_absolute: -1}]", "thresholds[0].observable");
    refused("thresholds: [{observable: winner_flips, max_absolute: -1}]", "thresholds[0].max_absolute: must be");
    refused("thresholds: [{observable: winner_flips, max: 1}]", "unknown field `max`");
}

#[test]
fn settle_epochs_are_paired_by_event_and_a_threshold_can_name_the_event() {
    let a = report(&[("miners", 0.5)]);
    let mut b = report(&[("miners", 0.5)]);
    let stability = b.subnets[0].stability.as_mut().unwrap();
    stability.settling[0].dividends.epochs = Some(11);
    stability.settling.push(SettleIn {
        block: 2400,
        bonds: SettledIn { epochs: Some(1) },
        dividends: SettledIn { epochs: Some(1) },
        event: "restart honest/3".into(),
    });
    let d = diff(&a, &b);
    let row = |label: &str| d.observables.iter().find(|r| r.label() == label).unwrap_or_else(|| panic!("{label}"));
    let crash = row("stability.dividends_settle_epochs[crash honest/3 at block 2000]");
    assert_eq!((crash.a, crash.b, crash.absolute_change), (Some(8.0), Some(11.0), Some(3.0)));
    let restart = row("stability.bonds_settle_epochs[restart honest/3 at block 2400]");
    assert_eq!((restart.a, restart.b), (None, Some(1.0)), "an event of B only");
    let event = Some("crash honest/3 at block 2000");
    let exceeded = thresholds::exceeded(&d, &[threshold("stability.dividends_settle_epochs", event, Some(2.0), None)]);
    assert_eq!(exceeded.len(), 1, "{exceeded:?}");
    assert!(exceeded[0].contains("8 → 11"), "{exceeded:?}");
    assert!(thresholds::exceeded(&d, &[threshold("stability.bonds_settle_epochs", event, Some(0.0), None)]).is_empty());
    let file = "thresholds: [{observable: stability.dividends_settle_epochs, group: crash honest/3 at block 2000, max_absolute: 2}]";
    assert_eq!(thresholds::parse(file).unwrap()[0].group.as_deref(), event);
}

#[test]
fn a_report_from_before_the_stability_section_is_compared_without_it() {
    let old: ReportIn = report_in::parse(MINIMAL_REPORT).expect("a version 2 report without stability parses");
    assert!(old.subnets[0].stability.is_none());
    let mut a = report(&[("miners", 0.5)]);
    a.subnets[0].stability = None;
    let d = diff(&a, &report(&[("miners", 0.5)]));
    assert!(d.observables.iter().all(|r| !r.observable.starts_with("stability.")));
    assert_eq!(d.unmatched, ["subnet digits: stability, absent from A (a report from before it)"]);
}

const MINIMAL_REPORT: &str = r#"{
  "expectations": [{"pass": true}],
  "run": {"profile": "head-2026", "scenario": "s", "scenario_sha256": "00", "seed": 1},
  "subnets": [{"actors": [], "epochs": [], "hyperparameters": {}, "name": "n", "observables": {
    "incentive_accuracy_spearman": null, "incentive_share": {}, "query_timeout_rate": 0.0,
    "relative_dividend_rate": {}, "reward_share": {}, "validator_stake": null, "winner_flips": 0}}],
  "tensorsim": {"report_version": 2}
}"#;

#[test]
fn a_report_missing_a_field_or_of_another_version_or_not_json_is_refused_naming_it() {
    assert!(report_in::parse(MINIMAL_REPORT).is_ok(), "the minimal report parses");
    let missing = MINIMAL_REPORT.replace(r#", "winner_flips": 0"#, "");
    let error = report_in::parse(&missing).unwrap_err();
    assert!(error.starts_with("subnets[0].observables: missing field `winner_flips`"), "{error}");
    let wrong_type = MINIMAL_REPORT.replace(r#""seed": 1"#, r#""seed": "one""#);
    assert!(report_in::parse(&wrong_type).unwrap_err().starts_with("run.seed: invalid type"));
    // A report of before issue 9 (version 1) has other keys: refused by its version, not a field.
    let version = MINIMAL_REPORT.replace(r#""report_version": 2"#, r#""report_version": 1"#);
    assert!(
        report_in::parse(&version)
            .unwrap_err()
            .starts_with("tensorsim.report_version: 1, this tensorsim reads version 2")
    );
    assert!(report_in::parse("{\"run\": ").unwrap_err().starts_with("not JSON"));
    let huge = format!("[{}0]", "0,".repeat(4096));
    let epoch = format!(r#"{{"block": 1, "consensus": [], "dividends": [], "hotkeys": [], "incentive": {huge}}}"#);
    let oversized = MINIMAL_REPORT.replace(r#""epochs": []"#, &format!(r#""epochs": [{epoch}]"#));
    assert_eq!(
        report_in::parse(&oversized).unwrap_err(),
        "subnets[0].epochs[0].incentive: 4097 UIDs exceed the limit 4096"
    );
    let error = crate::diff::input::read(std::path::Path::new("/nonexistent/report.json")).unwrap_err();
    assert!(error.starts_with("/nonexistent/report.json: cannot read"), "{error}");
}

#[test]
fn diff_json_has_its_keys_sorted_in_every_object() {
    let mut b = report(&[("miners", 0.6)]);
    b.subnets[0].epochs[0].incentive = vec![1, 0, 0, 0];
    let rendered = Rendered::of(diff(&report(&[("miners", 0.5)]), &b));
    assert_keys_sorted(&rendered.json);
    assert!(rendered.markdown.contains("| digits | incentive_share[miners] | 0.5 | 0.6 | +0.1 | +20.00 % |"));
}

/// Every object of the pretty-printed `json` lists its keys sorted. serde_json's map would sort
/// any input: the order is read from the text, keys at each indentation level in the order written.
pub(super) fn assert_keys_sorted(json: &str) {
    let mut stack: Vec<Vec<String>> = vec![Vec::new()];
    for line in json.lines() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix('"') {
            let key = rest.split('"').next().unwrap().to_string();
            let keys = stack.last_mut().unwrap();
            assert!(keys.last().is_none_or(|last| *last < key), "{key} after {keys:?}");
            keys.push(key);
        }
        if trimmed.ends_with('{') {
            stack.push(Vec::new());
        }
        if trimmed.starts_with('}') {
            stack.pop();
        }
    }
}
