//! `tensorsim replay` through the binary: every conformance case, determinism, rejections, and
//! bad input (exit 2, one line naming the field, never a panic).

mod common;

use common::{assert_refused, conformance_cases, scenario, stderr, tensorsim};

#[test]
fn every_conformance_case_holds_through_the_binary() {
    let cases = conformance_cases();
    assert!(cases.len() >= 20, "the conformance cases live in scenarios/conformance ({} found)", cases.len());
    let mut expectations = 0;
    for case in &cases {
        let output = tensorsim(&["replay", "--check", case.to_str().unwrap()], None);
        let err = stderr(&output);
        assert!(output.status.success(), "{}:\n{err}", case.display());
        let checked: usize = err
            .rsplit("all ")
            .next()
            .and_then(|tail| tail.split_whitespace().next())
            .and_then(|count| count.parse().ok())
            .unwrap_or_else(|| panic!("{}: no expectation count in {err:?}", case.display()));
        assert!(checked > 0, "{}: no expectations checked", case.display());
        expectations += checked;
    }
    assert!(expectations >= 600, "only {expectations} expectations checked");
}

#[test]
fn output_is_the_same_bytes_every_time_and_on_every_path() {
    let case = scenario("conformance").join("epoch_yuma3_kappa_moves_first.json");
    let case = case.to_str().unwrap();
    let first = tensorsim(&["replay", case], None);
    let second = tensorsim(&["replay", case], None);
    assert!(first.status.success());
    assert_eq!(first.stdout, second.stdout);
    let from_stdin = tensorsim(&["replay", "-"], Some(&std::fs::read(case).unwrap()));
    assert_eq!(first.stdout, from_stdin.stdout);
    let out = std::env::temp_dir().join(format!("tensorsim-replay-{}.json", std::process::id()));
    let written = tensorsim(&["replay", case, "--out", out.to_str().unwrap()], None);
    assert!(written.status.success(), "{}", stderr(&written));
    assert!(written.stdout.is_empty());
    assert_eq!(std::fs::read(&out).unwrap(), first.stdout);
    std::fs::remove_file(out).unwrap();
}

#[test]
fn chain_refusals_are_recorded_not_fatal() {
    let case = br#"{
        "name": "refusals",
        "hyperparameters": {"commit_reveal": false, "weights_set_rate_limit": 0, "min_allowed_weights": 2},
        "neurons": [{"stake_rao": 10, "registered_at": 0, "last_update": 0},
                    {"stake_rao": 0, "registered_at": 0, "last_update": 0},
                    {"stake_rao": 0, "registered_at": 0, "last_update": 0}],
        "steps": [
            {"block": 1, "set_weights": {"uid": 0, "dests": [1, 2], "values": [1, 1]}},
            {"block": 1, "epoch": {"emission_rao": 1000}},
            {"block": 2, "set_weights": {"uid": 0, "dests": [1], "values": [1]}},
            {"block": 2, "set_weights": {"uid": 0, "dests": [1, 1], "values": [1, 1]}},
            {"block": 2, "set_weights": {"uid": 1, "dests": [0, 2], "values": [1, 1]}},
            {"block": 2, "set_weights": {"uid": 0, "dests": [1, 2], "values": [1]}},
            {"block": 2, "set_weights": {"uid": 0, "dests": [1, 2], "values": [1, 1]}},
            {"block": 2, "epoch": {"emission_rao": 1000}}
        ]
    }"#;
    let output = tensorsim(&["replay", "-"], Some(case));
    assert!(output.status.success(), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rejected: Vec<(u64, String)> = value["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["step"].as_u64().unwrap(), r["error"].as_str().unwrap().to_owned()))
        .collect();
    let steps: Vec<u64> = rejected.iter().map(|r| r.0).collect();
    // Step 0: no permit before the first epoch. 2: too few. 3: duplicate. 4: no permit. 5: lengths.
    assert_eq!(steps, vec![0, 2, 3, 4, 5], "{rejected:?}");
    assert!(rejected[1].1.contains("too few weights: 1 < min_allowed_weights 2"), "{rejected:?}");
    assert_eq!(value["epochs"].as_array().unwrap().len(), 2);
    assert_eq!(value["epochs"][1]["incentive"], serde_json::json!([0, 32767, 32767]));
}

/// A case on standard input refused as bad input: `error: -: <path>: <what>`.
fn assert_case_refused(case: &[u8], field_and_message: &str) {
    let output = tensorsim(&["replay", "-"], Some(case));
    assert_refused(&output, field_and_message);
    assert!(stderr(&output).starts_with("error: -: "), "{}", stderr(&output));
}

const NEURONS: &str = r#"[{"stake_rao": 10, "registered_at": 0, "last_update": 0},
                          {"stake_rao": 0, "registered_at": 0, "last_update": 0}]"#;

fn case_with(hyperparameters: &str, neurons: &str, steps: &str) -> Vec<u8> {
    format!(r#"{{"name": "bad", "hyperparameters": {hyperparameters}, "neurons": {neurons}, "steps": {steps}}}"#)
        .into_bytes()
}

#[test]
fn malformed_cases_are_refused_with_the_field() {
    let full = std::fs::read(scenario("conformance").join("epoch_yuma3_kappa_moves_first.json")).unwrap();
    assert_case_refused(&full[..full.len() / 2], "EOF while parsing");
    assert_case_refused(b"", "EOF while parsing");
    assert_case_refused(b"[1, 2]", "a replay case is a JSON object");

    let hp = r#"{"commit_reveal": false, "weights_set_rate_limit": 0}"#;
    let neg = r#"[{"stake_rao": -5, "registered_at": 0, "last_update": 0}]"#;
    assert_case_refused(&case_with(hp, neg, "[]"), "neurons[0].stake_rao: invalid value: integer `-5`, expected u64");
    assert_case_refused(
        &case_with(hp, NEURONS, r#"[{"block": 1, "set_weights": {"uid": 0, "dests": [1, 9], "values": [1, 1]}}]"#),
        "steps[0].set_weights.dests[1]: uid 9 is not registered (n = 2)",
    );
    assert_case_refused(
        &case_with(hp, NEURONS, r#"[{"block": 1, "set_weights": {"uid": 5, "dests": [1], "values": [1]}}]"#),
        "steps[0].set_weights.uid: uid 5 is not registered (n = 2)",
    );
    assert_case_refused(
        &case_with(hp, NEURONS, r#"[{"block": 1, "set_weights": {"uid": 0, "dests": [70000], "values": [1]}}]"#),
        "steps[0].set_weights.dests[0]: invalid value: integer `70000`, expected u16",
    );
    assert_case_refused(
        &case_with(
            hp,
            NEURONS,
            r#"[{"block": 5, "epoch": {"emission_rao": 1}}, {"block": 4, "epoch": {"emission_rao": 1}}]"#,
        ),
        "steps[1].block: block 4 is before the previous step's block 5",
    );
    assert_case_refused(&case_with(r#"{"kapa": 1}"#, NEURONS, "[]"), "hyperparameters.kapa: unknown field `kapa`");
    assert_case_refused(
        &case_with(hp, NEURONS, r#"[{"block": 1, "epoch": {"emission": 1}}]"#),
        "steps[0].epoch.emission: unknown field",
    );
    assert_case_refused(&case_with(hp, NEURONS, r#"[{"block": 1}]"#), "steps[0]: a step needs one of epoch");
    assert_case_refused(
        &case_with(hp, NEURONS, r#"[{"block": 1, "epoch": {"emission_rao": 1}, "reset_bonds": {"uid": 0}}]"#),
        "steps[0]: a step has exactly one of",
    );
    assert_case_refused(
        &case_with(r#"{"alpha_low": 60000, "alpha_high": 100}"#, NEURONS, "[]"),
        "hyperparameters.alpha_low: 60000 is above alpha_high 100",
    );
    assert_case_refused(
        &case_with(r#"{"owner_uid": 3}"#, NEURONS, "[]"),
        "hyperparameters.owner_uid: uid 3 is not registered",
    );
    assert_case_refused(
        &case_with(hp, NEURONS, r#"[{"block": 1, "register": {"uid": 3}}]"#),
        "steps[0].register.uid: uid 3 is beyond the next free slot 2",
    );
    assert_case_refused(
        &case_with(r#"{"owner_uid": 0}"#, NEURONS, r#"[{"block": 1, "register": {"uid": 0}}]"#),
        "steps[0].register.uid: uid 0 is the subnet owner's",
    );
    assert_case_refused(
        &case_with(r#"{"max_allowed_uids": 2}"#, NEURONS, r#"[{"block": 1, "register": {"uid": 2}}]"#),
        "steps[0].register.uid: the subnet is full (max_allowed_uids 2)",
    );
    assert_case_refused(
        &case_with(hp, NEURONS, r#"[{"block": 1, "set_stake": {"uid": 1, "stake_rao": 18446744073709551615}}]"#),
        "steps[0].set_stake.stake_rao: total stake 18446744073709551625 RAO exceeds",
    );
    assert_case_refused(br#"{"name": "x", "neurons": [], "extra": 1}"#, "extra: unknown field `extra`");
    assert_case_refused(br#"{"neurons": []}"#, "missing field `name`");
    assert_case_refused(&[0xff, 0xfe, b'{'], "not UTF-8 text");
}

#[test]
fn a_million_neurons_are_refused_by_limit_not_memory() {
    let neuron = r#"{"stake_rao": 1, "registered_at": 0, "last_update": 0}"#;
    let neurons = format!("[{}]", vec![neuron; 1_000_000].join(","));
    assert_case_refused(
        &case_with("{}", &neurons, "[]"),
        "neurons: 1000000 neurons exceed max_allowed_uids 256 (the simulator runs subnets of up to 4096 UIDs)",
    );
    assert_case_refused(
        &case_with(r#"{"max_allowed_uids": 1000000}"#, "[]", "[]"),
        "hyperparameters.max_allowed_uids: invalid value: integer `1000000`, expected u16",
    );
    assert_case_refused(
        &case_with(r#"{"max_allowed_uids": 65535}"#, "[]", "[]"),
        "hyperparameters.max_allowed_uids: 65535 is outside 1..=4096",
    );
}

#[test]
fn a_huge_file_is_refused_before_it_is_read() {
    let big = vec![b' '; (64 << 20) + 1];
    assert_case_refused(&big, "larger than 64 MiB");
}

#[test]
fn bad_flags_and_missing_files_exit_2() {
    let output = tensorsim(&["replay", "--frobnicate", "x.json"], None);
    assert_eq!(output.status.code(), Some(2));
    assert_refused(&tensorsim(&["replay", "/nonexistent/case.json"], None), "/nonexistent/case.json: cannot read");
    let output = tensorsim(&["replay"], None);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn check_without_expectations_is_bad_input() {
    let output = tensorsim(&["replay", "--check", "-"], Some(&case_with("{}", NEURONS, "[]")));
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--check needs an `expected` list"));
}

#[test]
fn a_profile_selects_the_era_and_says_what_it_ignores() {
    // The kappa case without liquid alpha (dtao-2025's liquid alpha is v1, checked below).
    let text = std::fs::read_to_string(scenario("conformance").join("epoch_yuma3_kappa_moves_first.json")).unwrap();
    let text = text.replacen("\"liquid_alpha\": true", "\"liquid_alpha\": false", 1);
    let dir = std::env::temp_dir().join(format!("tensorsim-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("kappa_no_liquid_alpha.json");
    std::fs::write(&path, &text).unwrap();
    let case = path.to_str().unwrap();
    let head = tensorsim(&["replay", case], None);
    let dtao = tensorsim(&["replay", "--profile", "dtao-2025", case], None);
    assert!(head.status.success() && dtao.status.success(), "{}", stderr(&dtao));
    assert_ne!(head.stdout, dtao.stdout, "Yuma3 and original Yuma differ on this case");
    assert!(stderr(&dtao).contains("hyperparameters.yuma3 has no effect under profile dtao-2025"), "{}", stderr(&dtao));

    // dtao-2025 runs original Yuma: the same outputs as HEAD with Yuma3 switched off (the
    // case has no stake threshold and no zero-stake UID a permit could go to).
    let original = text.replacen("\"yuma3\": true", "\"yuma3\": false", 1);
    assert_ne!(original, text);
    let head_original = tensorsim(&["replay", "-"], Some(original.as_bytes()));
    assert_eq!(String::from_utf8_lossy(&head_original.stdout), String::from_utf8_lossy(&dtao.stdout));

    // The case may name its profile; the flag wins over it.
    let named = text.replacen('{', "{\"profile\": \"dtao-2025\", ", 1);
    assert_eq!(tensorsim(&["replay", "-"], Some(named.as_bytes())).stdout, dtao.stdout);
    let flagged = tensorsim(&["replay", "--profile", "head-2026", "-"], Some(named.as_bytes()));
    assert_eq!(flagged.stdout, head.stdout);

    assert_case_refused(
        named.replacen("dtao-2025", "dtao-2024", 1).as_bytes(),
        "profile: unknown profile \"dtao-2024\"",
    );
    // Liquid alpha under dtao-2025 is v1 (per-column rates in original Yuma). Here it changes
    // nothing: one miner holds all consensus, so the 75 % quantile is 0 and the chain's gate
    // keeps the fixed rate (the rates themselves are tested with the profiles).
    let la = named.replacen("\"liquid_alpha\": false", "\"liquid_alpha\": true", 1);
    let dtao_la = tensorsim(&["replay", "-"], Some(la.as_bytes()));
    assert!(dtao_la.status.success(), "{}", stderr(&dtao_la));
    assert!(dtao_la.stdout == dtao.stdout, "the gate keeps the fixed rate");
    assert_refused(
        &tensorsim(&["replay", "--profile", "nope", case], None),
        "error: --profile: unknown profile \"nope\"; the profiles are legacy-2024, dtao-2025, yuma3-2025, flow-2026, \
         head-2026",
    );
}

fn chain_case(chain: &str, steps: &str) -> Vec<u8> {
    format!(r#"{{"name": "chain", "chain": {chain}, "steps": {steps}}}"#).into_bytes()
}

const GENESIS: &str = r#"{"coldkeys": [{"balance_rao": 1000000000000}], "hotkeys": [{"coldkey": 0}],
    "subnets": [{"owner_hotkey": 0, "pool_tao_rao": 1000000000, "pool_alpha_rao": 1000000000}]}"#;

#[test]
fn malformed_chain_cases_are_refused_with_the_field() {
    assert_case_refused(
        &chain_case(r#"{"coldkeys": [], "hotkeys": [{"coldkey": 3}]}"#, "[]"),
        "chain.hotkeys[0].coldkey: coldkey 3 is not declared",
    );
    assert_case_refused(
        &chain_case(GENESIS, r#"[{"stake": {"coldkey": 0, "hotkey": 5, "netuid": 1, "tao_rao": 1}}]"#),
        "steps[0].stake.hotkey: hotkey 5 is not declared",
    );
    assert_case_refused(
        &chain_case(
            GENESIS,
            r#"[{"block": 5, "run_blocks": {"blocks": 1}}, {"block": 2, "run_blocks": {"blocks": 1}}]"#,
        ),
        "steps[1].block: block 2 is before the chain's block 6",
    );
    assert_case_refused(
        &chain_case(GENESIS, r#"[{"upgrade": {"profile": "head-2027"}}]"#),
        "steps[0].upgrade.profile: unknown profile",
    );
    assert_case_refused(
        &chain_case(GENESIS, r#"[{"upgrade": {"hyperparameters": {"kapa": 1}}}]"#),
        "steps[0].upgrade.hyperparameters.kapa: unknown field",
    );
    assert_case_refused(
        &chain_case(GENESIS, r#"[{"run_blocks": {"blocks": 1000000000}}]"#),
        "steps[0].run_blocks.blocks: the case runs past 100000000 blocks",
    );
    assert_case_refused(
        &chain_case(
            GENESIS,
            r#"[{"run_blocks": {"blocks": 1}, "stake": {"coldkey": 0, "hotkey": 0, "netuid": 1, "tao_rao": 1}}]"#,
        ),
        "steps[0]: a step has exactly one of",
    );
    let poor = GENESIS.replace("1000000000000", "5");
    assert_case_refused(
        &chain_case(&poor, "[]"),
        "chain.subnets[0].pool_tao_rao: the owner's balance 5 RAO cannot pay",
    );
    let bad_tempo = GENESIS.replace(r#""owner_hotkey": 0,"#, r#""owner_hotkey": 0, "hyperparameters": {"tempo": -1},"#);
    assert_case_refused(&chain_case(&bad_tempo, "[]"), "chain.subnets[0].hyperparameters.tempo: invalid value");
    assert_refused(
        &tensorsim(&["replay", "--check", "-"], Some(&chain_case(GENESIS, "[]"))),
        "-: --check applies to epoch cases; this is a chain case",
    );
}

#[test]
fn chain_refusals_are_recorded_and_the_books_are_printed() {
    let steps = r#"[
        {"block": 3, "register": {"coldkey": 0, "hotkey": 0, "netuid": 1}},
        {"register": {"coldkey": 0, "hotkey": 0, "netuid": 1}},
        {"set_weights": {"hotkey": 0, "netuid": 1, "dests": [0], "values": [1]}},
        {"commit_weights": {"hotkey": 0, "netuid": 1, "dests": [0], "values": [1], "salt": [1]}},
        {"block": 103, "commit_timelocked_weights": {"hotkey": 0, "netuid": 1, "dests": [0], "values": [1]}},
        {"run_blocks": {"blocks": 4, "record_every": 2}}
    ]"#;
    let output = tensorsim(&["replay", "-"], Some(&chain_case(GENESIS, steps)));
    assert!(output.status.success(), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rejected: Vec<(u64, &str)> = value["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["step"].as_u64().unwrap(), r["error"].as_str().unwrap()))
        .collect();
    // HEAD subnets run timelocked commit-reveal: set_weights and a hash commit are refused; the
    // timelocked commit is accepted once the rate limit (100 blocks from registration) allows.
    assert_eq!(
        rejected,
        vec![
            (1, "the hotkey is already registered as uid 0"),
            (2, "commit-reveal is on: weights must arrive by commit and reveal"),
            (3, "the subnet runs commit-reveal version 4"),
        ]
    );
    let blocks: Vec<u64> = value["blocks"].as_array().unwrap().iter().map(|b| b["block"].as_u64().unwrap()).collect();
    assert_eq!(blocks, vec![105, 107]);
    assert_eq!(value["blocks"][0]["profile"], "head-2026");
    assert_eq!(value["blocks"][1]["subnets"][0]["n"], 1);
    // One TAO per block minted; issuance is genesis plus 107 blocks, less what was recycled.
    let issuance = value["blocks"][1]["total_issuance_rao"].as_u64().unwrap();
    assert!(issuance <= 1_000_000_000_000 + 107 * 1_000_000_000, "{issuance}");
}

/// A genesis for network steps: coldkey 0 owns subnet 1 and hotkeys 0 and 1; coldkey 1 is a
/// stranger with hotkey 2; the lock costs 100 TAO, at most 2 subnets.
const NETWORK_GENESIS: &str = r#"{"network": {"subnet_limit": 2, "network_min_lock_cost": 100000000000,
    "network_rate_limit": 0, "network_immunity_period": 50},
    "coldkeys": [{"balance_rao": 1000000000000}, {"balance_rao": 1000000000}],
    "hotkeys": [{"coldkey": 0}, {"coldkey": 0}, {"coldkey": 1}],
    "subnets": [{"owner_hotkey": 0, "pool_tao_rao": 1000000000, "pool_alpha_rao": 1000000000}]}"#;

#[test]
fn malformed_network_steps_are_refused_with_the_field() {
    let step = |json: &str| chain_case(NETWORK_GENESIS, &format!("[{json}]"));
    assert_case_refused(
        &step(r#"{"set_hyperparameter": {"coldkey": 0, "netuid": 1, "name": "kapa", "value": 1}}"#),
        "steps[0].set_hyperparameter.name: not a hyperparameter an extrinsic sets: unknown variant `kapa`",
    );
    assert_case_refused(
        &step(r#"{"set_hyperparameter": {"root": true, "netuid": 1, "name": "max_weights_limit", "value": 1}}"#),
        "steps[0].set_hyperparameter.name: not a hyperparameter an extrinsic sets",
    );
    assert_case_refused(
        &step(r#"{"set_hyperparameter": {"coldkey": 0, "netuid": 1, "name": "kappa", "value": true}}"#),
        "steps[0].set_hyperparameter.value: invalid type: boolean `true`, expected u16",
    );
    assert_case_refused(
        &step(r#"{"set_hyperparameter": {"coldkey": 0, "root": true, "netuid": 1, "name": "rho", "value": 1}}"#),
        "steps[0].set_hyperparameter.root: give either a coldkey or root: true",
    );
    assert_case_refused(
        &step(r#"{"set_hyperparameter": {"coldkey": 9, "netuid": 1, "name": "rho", "value": 1}}"#),
        "steps[0].set_hyperparameter.coldkey: coldkey 9 is not declared",
    );
    assert_case_refused(
        &step(r#"{"register_network": {"coldkey": 0}}"#),
        "steps[0].register_network: missing field `hotkey`",
    );
    assert_case_refused(
        &step(r#"{"start_call": {"coldkey": 0, "netuid": 70000}}"#),
        "steps[0].start_call.netuid: invalid value",
    );
    assert_case_refused(
        &step(r#"{"dissolve_network": {"netuid": 1, "coldkey": 0}}"#),
        "steps[0].dissolve_network.coldkey: unknown field `coldkey`",
    );
}

#[test]
fn network_steps_record_the_chains_refusals_and_what_they_did_to_the_subnets() {
    let steps = r#"[
        {"block": 2, "set_hyperparameter": {"coldkey": 1, "netuid": 1, "name": "rho", "value": 5}},
        {"set_hyperparameter": {"coldkey": 0, "netuid": 1, "name": "kappa", "value": 40000}},
        {"set_hyperparameter": {"root": true, "netuid": 1, "name": "kappa", "value": 40000}},
        {"register_network": {"coldkey": 0, "hotkey": 2}},
        {"register_network": {"coldkey": 0, "hotkey": 1}},
        {"start_call": {"coldkey": 1, "netuid": 2}},
        {"start_call": {"coldkey": 0, "netuid": 2}},
        {"register_network": {"coldkey": 0, "hotkey": 1}},
        {"block": 51, "register_network": {"coldkey": 0, "hotkey": 1}},
        {"dissolve_network": {"netuid": 2}},
        {"dissolve_network": {"netuid": 2}},
        {"run_blocks": {"blocks": 1}}
    ]"#;
    let output = tensorsim(&["replay", "-"], Some(&chain_case(NETWORK_GENESIS, steps)));
    assert!(output.status.success(), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rejected: Vec<(u64, String)> = value["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["step"].as_u64().unwrap(), r["error"].as_str().unwrap().split(':').next().unwrap().to_string()))
        .collect();
    let expected = [
        (0, "BadOrigin"),
        (1, "BadOrigin"),
        (3, "NonAssociatedColdKey"),
        (5, "BadOrigin"),
        (7, "SubnetLimitReached"),
        (10, "SubnetNotExists"),
    ];
    assert_eq!(rejected, expected.map(|(step, error)| (step, error.to_string())));
    // A record per registration or dissolution at its block, then the run's last block; every
    // record of this case carries the lock cost.
    let blocks = value["blocks"].as_array().unwrap();
    let at: Vec<u64> = blocks.iter().map(|b| b["block"].as_u64().unwrap()).collect();
    assert_eq!(at, vec![2, 51, 51, 52]);
    assert!(blocks.iter().all(|b| b["network_lock_cost_rao"].is_u64()));
    let event = |record: usize, index: usize| &blocks[record]["network_events"][index];
    assert_eq!(event(0, 0)["step"], 4);
    assert_eq!(event(0, 0)["registered"]["netuid"], 2);
    assert_eq!(event(0, 0)["registered"]["locked_rao"], 100_000_000_000u64);
    // At block 51 the genesis subnet's immunity (50 blocks) is over, subnet 2's (registered at
    // block 2) is not: the genesis subnet is pruned and its netuid taken.
    assert_eq!(event(1, 0)["pruned"]["netuid"], 1);
    assert_eq!(event(1, 1)["registered"]["netuid"], 1);
    assert_eq!(event(2, 0)["dissolved"]["netuid"], 2);
    assert!(blocks[3].get("network_events").is_none());
    let netuids: Vec<u64> =
        blocks[3]["subnets"].as_array().unwrap().iter().map(|s| s["netuid"].as_u64().unwrap()).collect();
    assert_eq!(netuids, vec![1]);
}

#[test]
fn profiles_are_listed_with_their_dates() {
    let output = tensorsim(&["profiles"], None);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    for name in ["legacy-2024", "dtao-2025", "yuma3-2025", "flow-2026", "head-2026 (default)"] {
        assert!(text.lines().any(|line| line == name), "{name} in {text}");
    }
    assert!(text.contains("as of 2024-10"), "{text}");
}
