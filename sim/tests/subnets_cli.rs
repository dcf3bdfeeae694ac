//! Subnets that come and go in a whole-network run, through the binary (scenarios/subnets.yaml):
//! registrations refused and accepted by the chain, a prune that hands its netuid to the new
//! subnet, actors that join it, the owner's calls in and out of the freeze window; and the
//! scenario fields of it refused as bad input (exit 2, one line).

mod common;

use common::{assert_refused, scenario, stderr, tensorsim};

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tensorsim-subnets-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_subnet_registered_mid_run_prunes_one_takes_its_netuid_and_its_actors_join() {
    let dir = temp_dir("run");
    let path = scenario("subnets.yaml");
    let run = |out: &str| {
        let output =
            tensorsim(&["run", path.to_str().unwrap(), "--out", dir.join(out).to_str().unwrap(), "--quiet"], None);
        assert!(output.status.success(), "{}", stderr(&output));
        std::fs::read(dir.join(out).join("report.json")).unwrap()
    };
    let bytes = run("a");
    assert_eq!(bytes, run("b"), "the same bytes in two processes");
    let report: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(report["chain"]["conservation"], "held after every block");
    let events: Vec<(u64, &str, String)> = (report["subnet_lifecycle"]["events"].as_array().unwrap().iter())
        .map(|e| {
            let kind = ["registered", "refused", "pruned"].into_iter().find(|k| e.get(*k).is_some()).unwrap();
            let error =
                e[kind]["error"].as_str().map_or(String::new(), |error| error.split(':').next().unwrap().into());
            (e["block"].as_u64().unwrap(), e["subnet"].as_str().unwrap(), format!("{kind} {error}"))
        })
        .collect();
    let expected = [
        (40, "early", "refused SubnetLimitReached"),
        (120, "alpha", "pruned "),
        (120, "newcomer", "registered "),
        (150, "poor", "refused CannotAffordLockCost"),
    ];
    assert_eq!(events, expected.map(|(block, subnet, what)| (block, subnet, what.to_string())));
    let subnet = |name: &str| {
        report["subnets"].as_array().unwrap().iter().find(|s| s["name"] == name).expect("a subnet of the scenario")
    };
    let epochs = |name: &str| -> Vec<u64> {
        subnet(name)["epochs"].as_array().unwrap().iter().map(|e| e["block"].as_u64().unwrap()).collect()
    };
    // Netuid 1 is alpha's up to the prune, newcomer's after it.
    assert!(epochs("alpha").last().is_some_and(|&block| block <= 120));
    assert!(epochs("newcomer").first().is_some_and(|&block| block > 120));
    assert_eq!((subnet("alpha")["netuid"].as_u64(), subnet("newcomer")["netuid"].as_u64()), (Some(1), Some(1)));
    assert!(subnet("early")["netuid"].is_null() && epochs("early").is_empty());
    // Its validators and miners join from the block after its registration.
    let joined: Vec<(u64, &str)> = (subnet("newcomer")["registrations"].as_array().unwrap().iter())
        .map(|r| (r["block"].as_u64().unwrap(), r["actor"].as_str().unwrap()))
        .collect();
    let names = ["n_honest/0", "n_honest/1", "n_miners/0", "n_miners/1", "n_miners/2", "n_miners/3"];
    assert_eq!(joined, names.map(|name| (121, name)));
    // The owner's kappa is root's only, in the window and out of it; immunity_period shows both.
    let verdicts: Vec<(u64, String)> = (subnet("newcomer")["owner_actions"].as_array().unwrap().iter())
        .map(|a| (a["block"].as_u64().unwrap(), a["verdict"].as_str().unwrap().split(':').next().unwrap().to_string()))
        .collect();
    let expected = [
        (142, "accepted"),
        (145, "BadOrigin"),
        (155, "BadOrigin"),
        (155, "AdminActionProhibitedDuringWeightsWindow"),
        (162, "accepted"),
    ];
    assert_eq!(verdicts, expected.map(|(block, verdict)| (block, verdict.to_string())));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_registrations_are_refused_with_the_field() {
    let good = std::fs::read_to_string(scenario("subnets.yaml")).unwrap();
    assert!(tensorsim(&["validate", scenario("subnets.yaml").to_str().unwrap()], None).status.success());
    let cases = [
        (
            "register_at_block: 40",
            "register_at_block: 401",
            "subnets[2].register_at_block: 401 is not a block of the run (1..=400)",
        ),
        ("register_at_block: 40", "register_at_block: 0", "subnets[2].register_at_block: 0 is not a block of the run"),
        (
            "register_at_block: 150",
            "register_at_block: 150\n    pool_tao: 500",
            "subnets[4].pool_tao: a subnet registered mid-run is seeded by its owner's lock",
        ),
        (
            "{name: n_honest, count: 2, stake_tao: 100}",
            "{name: n_honest, count: 2, stake_share: 0.5}",
            "subnets[3].validators[0].stake_share: a subnet registered mid-run has no alpha before its validators buy it",
        ),
        ("{limit: 2,", "{limit: 0,", "network.subnets.limit: 0 is outside 1..=1024"),
        ("{limit: 2,", "{limt: 2,", "network.subnets.limt: unknown field `limt`"),
        (
            "owner_balance_tao: 150",
            "owner_balance_tao: -1",
            "owner_balance_tao: -1 is not a finite non-negative number",
        ),
        (
            "set: {kappa: 40000}}                  # BadOrigin: root only, window open",
            "set: {kapa: 40000}}",
            "subnets[3].owner_actions[1].set: not a hyperparameter an extrinsic sets: unknown variant `kapa`",
        ),
        (
            "set: {immunity_period: 100}}          # frozen: 4 blocks before the epoch",
            "set: {immunity_period: true}}",
            "subnets[3].owner_actions[3].set.immunity_period: invalid type: boolean `true`, expected u16",
        ),
        (
            "profile: head-2026",
            "profile: legacy-2024",
            "subnets[2].register_at_block: network registration before dTAO is not modelled",
        ),
    ];
    let dir = temp_dir("bad");
    for (from, to, expected) in cases {
        assert!(good.contains(from), "{from:?} is in subnets.yaml");
        let path = dir.join("bad.yaml");
        std::fs::write(&path, good.replacen(from, to, 1)).unwrap();
        for command in ["validate", "run"] {
            assert_refused(&tensorsim(&[command, path.to_str().unwrap()], None), expected);
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
