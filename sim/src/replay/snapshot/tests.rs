use serde_json::{Value, json};
use tensorsim_chain::profile::{HEAD, profile_by_name};

use super::*;

/// A snapshot of four UIDs at block 1000: two validators weighting two miners, one validator
/// whose weights are older than the activity cutoff (tempo 10: 138 blocks).
fn fixture() -> Value {
    let neuron = |uid: u16, stake_rao: u64, last_update: u64, weights: Value, bonds: Value| {
        json!({"uid": uid, "hotkey": format!("5Hotkey{uid}"), "stake_rao": stake_rao, "validator_permit": stake_rao > 0,
               "last_update": last_update, "registered_at": 10, "weights": weights, "bonds": bonds})
    };
    json!({
        "snapshot_version": 1,
        "netuid": 7,
        "block": 1000,
        "hyperparameters": {"tempo": 10, "max_allowed_validators": 2, "yuma3": true},
        "neurons": [
            neuron(0, 600_000_000_000, 995, json!([[2, 65535], [3, 30000]]), json!([[2, 20000], [3, 9000]])),
            neuron(1, 400_000_000_000, 500, json!([[2, 20000], [3, 65535]]), json!([[2, 5000]])),
            neuron(2, 0, 10, json!([]), json!([])),
            neuron(3, 0, 10, json!([]), json!([])),
        ]
    })
}

fn parse(snapshot: &Value) -> Result<Snapshot, InputError> {
    Snapshot::parse(&snapshot.to_string())
}

/// The snapshot with `pointer` (a JSON pointer) set to `value`, parsed: its error.
fn refused_with(pointer: &str, value: Value) -> InputError {
    let mut snapshot = fixture();
    *snapshot.pointer_mut(pointer).unwrap_or_else(|| panic!("{pointer} is in the fixture")) = value;
    parse(&snapshot).expect_err(pointer)
}

fn settings(profile: &'static Profile, epochs: u64, snapshot: &Snapshot) -> SnapshotRun {
    SnapshotRun { profile, epochs, hyperparameters: snapshot.hyperparameters.clone(), emission_rao: None }
}

#[test]
fn a_snapshot_is_parsed_into_neurons_hotkeys_and_its_rows() {
    let snapshot = parse(&fixture()).unwrap();
    assert_eq!((snapshot.netuid, snapshot.block, snapshot.neurons.len()), (7, 1000, 4));
    assert_eq!(snapshot.hotkeys[3], "5Hotkey3");
    assert_eq!(snapshot.neurons[0].weights, vec![(2, 65535), (3, 30000)]);
    assert_eq!(snapshot.neurons[1].bonds, vec![(2, 5000)]);
    assert_eq!(snapshot.neurons[1].init.last_update, 500);
    assert!(snapshot.neurons[0].validator_permit && !snapshot.neurons[2].validator_permit);
    assert_eq!(snapshot.hyperparameters.tempo, 10);
    assert!(
        snapshot.case_name().starts_with("snapshot of netuid 7 at block 1000 (sha256 "),
        "{}",
        snapshot.case_name()
    );
}

#[test]
fn a_snapshot_with_a_bad_top_level_field_is_refused_naming_it() {
    assert_eq!(refused_with("/snapshot_version", json!(2)).path, "snapshot_version");
    assert_eq!(refused_with("/netuid", json!(70000)).path, "netuid");
    assert_eq!(refused_with("/block", json!(-1)).path, "block");
    let error = refused_with("/hyperparameters", json!({"kapa": 1}));
    assert!(error.to_string().starts_with("hyperparameters.kapa: unknown field `kapa`"), "{error}");
    let error = refused_with("/hyperparameters", json!({"bonds_moving_average": 1_000_001}));
    assert_eq!(error.path, "hyperparameters.bonds_moving_average");
    let error = refused_with("/hyperparameters", json!({"owner_uid": 4}));
    assert_eq!(error.to_string(), "hyperparameters.owner_uid: uid 4 is not registered (n = 4)");
    let mut extra = fixture();
    extra["network"] = json!("finney");
    assert!(parse(&extra).unwrap_err().message.starts_with("unknown field `network`"));
    let mut missing = fixture();
    missing.as_object_mut().unwrap().remove("hyperparameters");
    assert!(parse(&missing).unwrap_err().message.contains("missing field `hyperparameters`"));
    assert_eq!(Snapshot::parse("[1]").unwrap_err().path, "");
}

#[test]
fn a_snapshot_of_no_neuron_or_too_many_is_refused() {
    assert_eq!(refused_with("/neurons", json!([])).to_string(), "neurons: a snapshot holds at least one neuron");
    let error = refused_with("/hyperparameters", json!({"max_allowed_uids": 3}));
    assert_eq!(error.to_string(), "neurons: 4 neurons exceed hyperparameters.max_allowed_uids 3");
    let error = refused_with("/hyperparameters", json!({"max_allowed_uids": 4097}));
    assert_eq!(error.path, "hyperparameters.max_allowed_uids");
}

#[test]
fn a_neuron_out_of_uid_order_or_listed_twice_is_refused() {
    let error = refused_with("/neurons/2/uid", json!(3));
    assert_eq!(
        error.to_string(),
        "neurons[2].uid: 3 where 2 belongs (neurons are listed by UID, 0 to n − 1, each once)"
    );
    assert_eq!(refused_with("/neurons/3/uid", json!(2)).path, "neurons[3].uid");
}

#[test]
fn a_bad_hotkey_is_refused_naming_the_neuron() {
    assert_eq!(refused_with("/neurons/1/hotkey", json!("")).to_string(), "neurons[1].hotkey: an empty hotkey");
    let error = refused_with("/neurons/3/hotkey", json!("5Hotkey0"));
    assert_eq!(error.to_string(), "neurons[3].hotkey: \"5Hotkey0\" is also neurons[0]'s");
    assert_eq!(refused_with("/neurons/1/hotkey", json!("5a\nb")).path, "neurons[1].hotkey");
    assert_eq!(refused_with("/neurons/1/hotkey", json!("5".repeat(129))).path, "neurons[1].hotkey");
    assert_eq!(refused_with("/neurons/1/hotkey", json!(5)).path, "neurons[1].hotkey");
}

#[test]
fn a_bad_stake_permit_or_block_is_refused_naming_the_neuron() {
    assert_eq!(refused_with("/neurons/1/stake_rao", json!(-1)).path, "neurons[1].stake_rao");
    assert_eq!(refused_with("/neurons/1/stake_rao", json!(1.5)).path, "neurons[1].stake_rao");
    let error = refused_with("/neurons/1/stake_rao", json!(u64::MAX));
    assert!(error.to_string().starts_with("neurons[1].stake_rao: the total stake passes"), "{error}");
    assert_eq!(refused_with("/neurons/1/validator_permit", json!(1)).path, "neurons[1].validator_permit");
    let error = refused_with("/neurons/2/last_update", json!(1001));
    assert_eq!(error.to_string(), "neurons[2].last_update: block 1001 is after the snapshot's block 1000");
    assert_eq!(refused_with("/neurons/2/registered_at", json!(1001)).path, "neurons[2].registered_at");
    let mut missing = fixture();
    missing["neurons"][2].as_object_mut().unwrap().remove("registered_at");
    assert_eq!(parse(&missing).unwrap_err().path, "neurons[2]");
    let mut extra = fixture();
    extra["neurons"][2]["coldkey"] = json!("5C");
    assert_eq!(parse(&extra).unwrap_err().path, "neurons[2].coldkey");
}

#[test]
fn a_bad_weights_or_bonds_row_is_refused_naming_its_entry() {
    let error = refused_with("/neurons/0/weights", json!([[2, 1], [300, 1]]));
    assert_eq!(error.to_string(), "neurons[0].weights[1]: uid 300 is out of range (n = 4)");
    let error = refused_with("/neurons/0/weights", json!([[2, 1], [2, 5]]));
    assert_eq!(error.to_string(), "neurons[0].weights[1]: uid 2 appears twice");
    let error = refused_with("/neurons/1/bonds", json!([[3, 1], [2, 5]]));
    assert_eq!(
        error.to_string(),
        "neurons[1].bonds[1]: uid 2 comes after uid 3 (a row lists its UIDs in ascending order)"
    );
    let error = refused_with("/neurons/1/bonds", json!([[0, 1], [1, 1], [2, 1], [3, 1], [3, 1]]));
    assert_eq!(error.to_string(), "neurons[1].bonds: 5 entries, more than the subnet's 4 UIDs");
    assert!(refused_with("/neurons/0/weights", json!([[2, 65536]])).path.starts_with("neurons[0].weights[0]"));
    assert!(refused_with("/neurons/0/weights", json!([[2]])).path.starts_with("neurons[0].weights[0]"));
    assert_eq!(refused_with("/neurons/0/bonds", json!({"2": 1})).path, "neurons[0].bonds");
}

#[test]
fn the_epochs_run_at_the_profile_s_cadence_after_the_snapshot_s_block() {
    let snapshot = parse(&fixture()).unwrap();
    let blocks = |name: &str| -> Vec<u64> {
        let output = run(&snapshot, &settings(profile_by_name(name).unwrap(), 3, &snapshot)).unwrap();
        output.epochs.iter().map(|epoch| epoch.block).collect()
    };
    assert_eq!(blocks("head-2026"), vec![1010, 1020, 1030]);
    assert_eq!(blocks("yuma3-2025"), vec![1011, 1022, 1033], "the legacy cadence: every tempo + 1 blocks");
}

#[test]
fn a_uid_active_at_the_snapshot_stays_active_and_an_inactive_one_stays_inactive() {
    let snapshot = parse(&fixture()).unwrap();
    // 30 epochs of 10 blocks: far past uid 0's 5 blocks of age plus the 138-block cutoff.
    let output = run(&snapshot, &settings(HEAD, 30, &snapshot)).unwrap();
    assert!(output.epochs.iter().all(|epoch| epoch.output.active[0] && !epoch.output.active[1]));
    // Only the active validator's weights count: the miner it weights most leads.
    let last = &output.epochs[29].output;
    assert!(last.incentive[2] > last.incentive[3], "{:?}", last.incentive);
    assert_eq!(last.dividends[1], 0);
}

#[test]
fn the_default_emission_is_the_tempo_s_blocks_of_one_alpha_and_a_flag_replaces_it() {
    let snapshot = parse(&fixture()).unwrap();
    let paid = |emission_rao: Option<u64>| -> u64 {
        let run_settings = SnapshotRun { emission_rao, ..settings(HEAD, 1, &snapshot) };
        run(&snapshot, &run_settings).unwrap().epochs[0].output.emission_rao.iter().sum()
    };
    // The chain floors each UID's share: at most a RAO per UID is lost.
    let default = paid(None);
    assert!((10 * BLOCK_EMISSION_RAO - 4..=10 * BLOCK_EMISSION_RAO).contains(&default), "{default}");
    let given = paid(Some(1_000_000));
    assert!((1_000_000 - 4..=1_000_000).contains(&given), "{given}");
}

#[test]
fn epochs_out_of_range_and_bad_overrides_are_refused_naming_the_flag() {
    let snapshot = parse(&fixture()).unwrap();
    assert_eq!(run(&snapshot, &settings(HEAD, 0, &snapshot)).unwrap_err().path, "--epochs");
    assert_eq!(run(&snapshot, &settings(HEAD, EPOCHS_MAX + 1, &snapshot)).unwrap_err().path, "--epochs");
    let overrides = |pairs: Value| -> Result<Hyperparameters, InputError> {
        hyperparameters_in_force(&snapshot, pairs.as_object().unwrap())
    };
    assert_eq!(overrides(json!({"kappa": 40000})).unwrap().kappa, 40000);
    assert!(overrides(json!({"kapa": 1})).unwrap_err().to_string().starts_with("--set kapa: unknown field"));
    assert_eq!(overrides(json!({"kappa": -1})).unwrap_err().path, "--set kappa");
    assert_eq!(overrides(json!({"alpha_low": 60000})).unwrap_err().path, "--set alpha_low");
    let tempo_zero =
        SnapshotRun { hyperparameters: overrides(json!({"tempo": 0})).unwrap(), ..settings(HEAD, 1, &snapshot) };
    assert_eq!(run(&snapshot, &tempo_zero).unwrap_err().path, "hyperparameters.tempo");
    let too_small = SnapshotRun {
        hyperparameters: overrides(json!({"max_allowed_uids": 2})).unwrap(),
        ..settings(HEAD, 1, &snapshot)
    };
    assert_eq!(run(&snapshot, &too_small).unwrap_err().path, "neurons");
}

#[test]
fn the_same_snapshot_gives_the_same_output_and_another_snapshot_another_name() {
    let snapshot = parse(&fixture()).unwrap();
    let once = run(&snapshot, &settings(HEAD, 5, &snapshot)).unwrap();
    assert_eq!(once, run(&snapshot, &settings(HEAD, 5, &snapshot)).unwrap());
    let mut other = fixture();
    other["neurons"][0]["stake_rao"] = json!(600_000_000_001u64);
    assert_ne!(parse(&other).unwrap().case_name(), snapshot.case_name());
    let dtao = run(&snapshot, &settings(profile_by_name("dtao-2025").unwrap(), 5, &snapshot)).unwrap();
    assert_eq!(dtao.name, once.name, "one snapshot, one name under every profile");
}
