//! Chain cases of random genesis and random steps of every kind: the replay never panics and never
//! breaks conservation (`run` checks it after every block), whatever the script asks for. Indexes,
//! netuids and amounts range past what exists, so refusals and input errors are exercised too.

mod common;

use common::{catching_panics, fuzz_config, profile_name};
use proptest::prelude::*;
use serde_json::{Value, json};
use tensorsim::replay::chain::{ChainCase, ChainReplayError, run};
use tensorsim::replay::to_json;

const TAO: u64 = 1_000_000_000;

fn amount() -> impl Strategy<Value = u64> {
    prop_oneof![Just(0u64), 1..10 * TAO, Just(u64::MAX), 1..2_000_000u64]
}

fn weights_call() -> impl Strategy<Value = Value> {
    (0..8usize, 0..5u16, prop::collection::vec(0..14u16, 0..6), prop::collection::vec(any::<u16>(), 0..6), 0..3u64, prop::collection::vec(any::<u16>(), 0..2))
        .prop_map(|(hotkey, netuid, dests, values, version_key, salt)| {
            json!({"hotkey": hotkey, "netuid": netuid, "dests": dests, "values": values, "version_key": version_key, "salt": salt})
        })
}

fn step() -> impl Strategy<Value = Value> {
    // Now and then an index past the declared accounts; netuid 0 is root, 4 may not exist.
    let account =
        (prop_oneof![49 => 0..6usize, 1 => Just(6usize)], prop_oneof![49 => 0..8usize, 1 => Just(8usize)], 0..5u16);
    prop_oneof![
        (1..400u64, 0..3u64)
            .prop_map(|(blocks, every)| json!({"run_blocks": {"blocks": blocks, "record_every": every * 100}})),
        (account.clone(), amount())
            .prop_map(|((c, h, n), a)| json!({"stake": {"coldkey": c, "hotkey": h, "netuid": n, "tao_rao": a}})),
        (account.clone(), amount())
            .prop_map(|((c, h, n), a)| json!({"unstake": {"coldkey": c, "hotkey": h, "netuid": n, "stake_rao": a}})),
        account.clone().prop_map(|(c, h, n)| json!({"register": {"coldkey": c, "hotkey": h, "netuid": n}})),
        account.clone().prop_map(|(_, h, _)| json!({"root_register": {"hotkey": h}})),
        (account, prop::collection::vec(0..5u16, 0..4), prop::collection::vec(any::<u16>(), 0..4)).prop_map(
            |((_, h, _), dests, values)| json!({"set_root_weights": {"hotkey": h, "dests": dests, "values": values}})
        ),
        weights_call().prop_map(|call| json!({"set_weights": call})),
        weights_call().prop_map(|call| json!({"commit_weights": call})),
        weights_call().prop_map(|call| json!({"reveal_weights": call})),
        weights_call().prop_map(|call| json!({"commit_timelocked_weights": call})),
        profile_name().prop_map(|profile| json!({"upgrade": {"profile": profile}})),
        (1..50u16, any::<bool>())
            .prop_map(|(tempo, cr)| json!({"upgrade": {"hyperparameters": {"tempo": tempo, "commit_reveal": cr}}})),
        network_step(),
    ]
}

/// The network steps: registrations (a small limit makes them prune), start calls, root's
/// dissolutions and hyperparameter calls, by owners, strangers and root, in and out of bounds.
fn network_step() -> impl Strategy<Value = Value> {
    let name = prop::sample::select(vec![
        "kappa",
        "rho",
        "tempo",
        "bonds_moving_average",
        "max_allowed_uids",
        "min_allowed_uids",
        "alpha_values",
        "liquid_alpha",
        "activity_cutoff_factor_milli",
        "burn_half_life",
        "min_burn",
        "weights_version_key",
    ]);
    let value = prop_oneof![
        any::<u16>().prop_map(|v| json!(v)),
        Just(json!(975_001)),
        Just(json!(true)),
        (any::<u16>(), any::<u16>()).prop_map(|(a, b)| json!([a, b])),
    ];
    prop_oneof![
        (0..6usize, 0..8usize).prop_map(|(c, h)| json!({"register_network": {"coldkey": c, "hotkey": h}})),
        (0..6usize, 0..6u16).prop_map(|(c, n)| json!({"start_call": {"coldkey": c, "netuid": n}})),
        (0..6u16).prop_map(|n| json!({"dissolve_network": {"netuid": n}})),
        (prop::option::of(0..6usize), 0..6u16, name, value).prop_map(|(coldkey, netuid, name, value)| {
            let origin = coldkey.map_or(json!(true), |c| json!(c));
            let key = if coldkey.is_some() { "coldkey" } else { "root" };
            json!({"set_hyperparameter": {key: origin, "netuid": netuid, "name": name, "value": value}})
        }),
    ]
}

fn subnet() -> impl Strategy<Value = Value> {
    (0..8usize, 1..20u16, 1..12u16, any::<bool>(), 2..5u16, 0..3u64, amount(), amount(), 0..4u32).prop_map(
        |(owner, tempo, max_uids, cr, version, rate_limit, tao, alpha, price)| {
            json!({
                "owner_hotkey": owner,
                "hyperparameters": {"tempo": tempo, "max_allowed_uids": max_uids, "commit_reveal": cr,
                                    "commit_reveal_version": version, "weights_set_rate_limit": rate_limit,
                                    "immunity_period": 20, "min_non_immune_uids": 1, "burn": TAO / 100},
                "pool_tao_rao": tao.min(1_000 * TAO),
                "pool_alpha_rao": alpha.min(1_000 * TAO),
                "ema_price": f64::from(price) / 2.0,
            })
        },
    )
}

fn case() -> impl Strategy<Value = Value> {
    (
        profile_name(),
        prop::collection::vec(0..100_000 * TAO, 6),
        prop::collection::vec(0..6usize, 8),
        prop::collection::vec(subnet(), 0..4),
        prop::collection::vec((prop::option::of(0..40u64), step()), 0..40),
    )
        .prop_map(|(profile, balances, hotkeys, subnets, steps)| {
            let mut block = 0;
            let steps: Vec<Value> = steps
                .into_iter()
                .map(|(advance, mut step)| {
                    if let Some(advance) = advance {
                        block += advance;
                        step["block"] = json!(block);
                    }
                    block += step["run_blocks"]["blocks"].as_u64().unwrap_or(0);
                    step
                })
                .collect();
            json!({
                "name": "fuzz",
                "profile": profile,
                "chain": {
                    "network": {"subnet_limit": 3, "network_immunity_period": 30, "network_rate_limit": 5,
                                "network_min_lock_cost": TAO, "admin_freeze_window": 3},
                    "coldkeys": balances.iter().map(|b| json!({"balance_rao": b})).collect::<Vec<_>>(),
                    "hotkeys": hotkeys.iter().map(|c| json!({"coldkey": c})).collect::<Vec<_>>(),
                    "subnets": subnets,
                },
                "steps": steps,
            })
        })
}

proptest! {
    #![proptest_config(fuzz_config(500))]

    #[test]
    fn random_chain_scripts_never_panic_and_conserve_tokens(case in case()) {
        let text = case.to_string();
        let outcome = catching_panics(|| {
            let parsed = ChainCase::parse(&text, None)?;
            run(&parsed).map(|output| to_json(&output))
        });
        match outcome {
            Err(message) => panic!("panicked: {message}\n{text}"),
            Ok(Err(ChainReplayError::Conservation { block, message })) => {
                panic!("conservation broken at block {block}: {message}\n{text}")
            }
            Ok(Err(ChainReplayError::Input(error))) => {
                prop_assert!(!error.to_string().is_empty());
            }
            Ok(Ok(json)) => {
                let value: Value = serde_json::from_str(&json).unwrap();
                prop_assert!(value["blocks"].is_array());
            }
        }
    }
}
