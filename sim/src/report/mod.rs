//! The run's report: one canonical JSON document (sorted keys, chain units as integers, floats
//! rounded to 6 decimals and printed by one formatter), and a Markdown summary of it. The same
//! seed and scenario give the same bytes; nothing measured in wall time enters it.

mod markdown;

use std::collections::BTreeMap;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tensorsim_actors::validator::policies::ValidatorPolicySpec;
use tensorsim_chain::accounts::HotkeyId;

use crate::metrics;
use crate::network::RunResult;
use crate::network::world::EpochRecord;
use crate::scenario::{Expectation, Observable, Plan, Role};

pub use markdown::to_markdown;

/// The report format's version (its keys and their meaning).
pub const REPORT_VERSION: u64 = 1;

/// Rounds to 6 decimals (NaN and infinities become null): the report's only float form.
fn float(x: f64) -> Value {
    if x.is_finite() { json!((x * 1e6).round() / 1e6) } else { Value::Null }
}

fn share(x: u16) -> f64 {
    f64::from(x) / 65_535.0
}

/// One actor's outputs over the run's second half, where its scores have settled.
#[derive(Clone, Copy, Debug, Default)]
struct Settled {
    incentive: f64,
    dividends: f64,
    stake: f64,
    rewards_rao: u64,
    /// The UID in the last epoch, if still registered then.
    final_uid: Option<u16>,
    /// The last epoch (block) it was registered in.
    last_registered_block: Option<u64>,
}

fn settle(epochs: &[&EpochRecord], hotkey: HotkeyId, half_block: u64) -> Settled {
    let mut settled = Settled::default();
    let mut counted = 0u32;
    for epoch in epochs {
        let Some(uid) = epoch.hotkeys.iter().position(|&h| h == hotkey) else {
            continue;
        };
        settled.rewards_rao += epoch.output.emission_rao[uid];
        settled.last_registered_block = Some(epoch.block);
        if epoch.block > half_block {
            counted += 1;
            settled.incentive += share(epoch.output.incentive[uid]);
            settled.dividends += share(epoch.output.dividends[uid]);
            settled.stake += share(epoch.output.stake_weight[uid]);
        }
    }
    let last = epochs.last().and_then(|e| e.hotkeys.iter().position(|&h| h == hotkey));
    settled.final_uid = last.map(|uid| uid as u16);
    if counted > 0 {
        let n = f64::from(counted);
        (settled.incentive, settled.dividends, settled.stake) =
            (settled.incentive / n, settled.dividends / n, settled.stake / n);
    }
    settled
}

pub struct Report {
    pub json: String,
    pub markdown: String,
    pub sha256: String,
    /// Expectations that did not hold, one line each.
    pub failures: Vec<String>,
}

pub fn build(plan: &Plan, scenario_text: &str, result: &RunResult) -> Report {
    let recorder = result.world.recorder.lock().expect("no poisoned lock");
    let half_block = plan.blocks / 2;
    let mut subnets = Vec::new();
    let mut observables: Vec<BTreeMap<&'static str, Value>> = Vec::new();
    for (index, subnet) in plan.subnets.iter().enumerate() {
        let epochs: Vec<&EpochRecord> = recorder.epochs.iter().filter(|e| e.netuid == subnet.netuid).collect();
        let mut actors = Vec::new();
        let mut honest_accuracy_incentive = Vec::new();
        let mut validator_rates: Vec<(String, String, bool, f64, f64)> = Vec::new();
        let mut group_incentive: BTreeMap<String, f64> = BTreeMap::new();
        let mut group_rewards: BTreeMap<String, u64> = BTreeMap::new();
        let mut total_rewards = 0u64;
        let (mut answered, mut timed_out, mut refused) = (0u64, 0u64, 0u64);
        for (id, node) in plan.nodes.iter().enumerate() {
            let (policy, stake_rao) = match &node.role {
                Role::Validator { subnet: s, policy, stake_rao } if *s == index => (policy.name(), Some(*stake_rao)),
                Role::Miner { subnet: s, policy, .. } if *s == index => (policy.name(), None),
                _ => continue,
            };
            let stats = &recorder.nodes[id];
            answered += stats.queries_answered;
            timed_out += stats.queries_timed_out;
            refused += stats.queries_refused;
            let hotkey = result.hotkeys[id].expect("actors have hotkeys");
            let settled = settle(&epochs, hotkey, half_block);
            total_rewards += settled.rewards_rao;
            *group_incentive.entry(node.group.clone()).or_default() += settled.incentive;
            *group_rewards.entry(node.group.clone()).or_default() += settled.rewards_rao;
            let mut actor = json!({
                "name": node.name,
                "group": node.group,
                "role": if stake_rao.is_some() { "validator" } else { "miner" },
                "policy": policy,
                "uid": settled.final_uid,
                "last_registered_epoch_block": settled.last_registered_block,
                "rewards_rao": settled.rewards_rao,
                "incentive_mean": float(settled.incentive),
                "dividends_mean": float(settled.dividends),
                "stake_weight_mean": float(settled.stake),
                "crashes": stats.crashes,
                "extrinsics_ok": stats.extrinsics_ok,
                "extrinsics_refused": stats.extrinsics_refused,
            });
            if let Some(stake_rao) = stake_rao {
                actor["genesis_stake_rao"] = json!(stake_rao);
                actor["queries"] = json!({"answered": stats.queries_answered, "timed_out": stats.queries_timed_out, "refused": stats.queries_refused});
                let honest = matches!(&node.role, Role::Validator { policy: ValidatorPolicySpec::Honest, .. });
                validator_rates.push((node.name.clone(), node.group.clone(), honest, settled.dividends, settled.stake));
            }
            if let Some(trained) = &result.genesis_models[id] {
                actor["model"] = json!({
                    "hidden": trained.spec.hidden,
                    "epochs": trained.spec.epochs,
                    "data_percent": trained.spec.data_percent,
                    "held_out_accuracy": float(trained.held_out_accuracy),
                    "held_out_nll": float(trained.held_out_nll),
                });
                if policy == "honest" {
                    honest_accuracy_incentive.push((trained.held_out_accuracy, settled.incentive));
                }
            }
            actors.push(actor);
        }
        let honest: Vec<(f64, f64)> = validator_rates.iter().filter(|v| v.2).map(|&(_, _, _, d, s)| (d, s)).collect();
        let mut group_g: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for (actor, (name, group, _, d, s)) in
            actors.iter_mut().filter(|a| a["role"] == "validator").zip(&validator_rates)
        {
            debug_assert_eq!(actor["name"], json!(name));
            let g = metrics::relative_dividend_rate(*d, *s, &honest);
            actor["relative_dividend_rate"] = g.map_or(Value::Null, float);
            if let Some(g) = g {
                group_g.entry(group.clone()).or_default().push(g);
            }
        }
        let (accuracy, incentive): (Vec<f64>, Vec<f64>) = honest_accuracy_incentive.into_iter().unzip();
        let spearman = metrics::spearman(&accuracy, &incentive);
        let total_incentive: f64 = group_incentive.values().sum();
        let queries = answered + timed_out + refused;
        let timeout_rate = if queries > 0 { timed_out as f64 / queries as f64 } else { 0.0 };
        let winners: Vec<Option<u16>> = epochs
            .iter()
            .map(|e| metrics::top_ranked(&e.output.incentive.iter().map(|&x| f64::from(x)).collect::<Vec<_>>()))
            .collect();
        let last_stakes: Vec<u64> =
            epochs.last().map_or_else(Vec::new, |e| e.output.stake_weight.iter().map(|&s| u64::from(s)).collect());
        let kappa = share(subnet.hyperparameters.kappa);
        let mut obs = BTreeMap::new();
        obs.insert("incentive_accuracy_spearman", spearman.map_or(Value::Null, float));
        obs.insert(
            "relative_dividend_rate",
            json!(
                group_g
                    .iter()
                    .map(|(g, v)| (g.clone(), float(v.iter().sum::<f64>() / v.len() as f64)))
                    .collect::<BTreeMap<_, _>>()
            ),
        );
        obs.insert(
            "incentive_share",
            json!(
                group_incentive
                    .iter()
                    .map(|(g, &x)| (g.clone(), float(if total_incentive > 0.0 { x / total_incentive } else { 0.0 })))
                    .collect::<BTreeMap<_, _>>()
            ),
        );
        obs.insert(
            "reward_share",
            json!(
                group_rewards
                    .iter()
                    .map(|(g, &x)| (
                        g.clone(),
                        float(if total_rewards > 0 { x as f64 / total_rewards as f64 } else { 0.0 })
                    ))
                    .collect::<BTreeMap<_, _>>()
            ),
        );
        obs.insert("query_timeout_rate", float(timeout_rate));
        obs.insert("winner_flips", json!(metrics::ranking_flips(&winners)));
        obs.insert("stake_nakamoto_coefficient", json!(metrics::nakamoto_coefficient(&last_stakes, kappa)));
        obs.insert("stake_gini", float(metrics::gini(&last_stakes.iter().map(|&s| s as f64).collect::<Vec<_>>())));
        let histogram = &recorder.latency_us[index];
        let percentile = |q: f64| float(histogram.value_at_quantile(q) as f64 / 1_000.0);
        let latency = if histogram.is_empty() {
            Value::Null
        } else {
            json!({"p50": percentile(0.5), "p90": percentile(0.9), "p99": percentile(0.99), "max": float(histogram.max() as f64 / 1_000.0), "count": histogram.len()})
        };
        let epoch_rows: Vec<Value> = epochs
            .iter()
            .map(|e| {
                json!({
                    "block": e.block,
                    "consensus": e.output.consensus,
                    "incentive": e.output.incentive,
                    "dividends": e.output.dividends,
                    "validator_trust": e.output.validator_trust,
                    "stake_weight": e.output.stake_weight,
                    "emission_rao": e.output.emission_rao,
                    "validator_permit": e.output.validator_permit,
                })
            })
            .collect();
        subnets.push(json!({
            "name": subnet.name,
            "netuid": subnet.netuid,
            "task": format!("{:?}", subnet.task).to_lowercase(),
            "hyperparameters": serde_json::to_value(&subnet.hyperparameters).expect("hyperparameters serialise"),
            "queries": {"answered": answered, "timed_out": timed_out, "refused": refused, "latency_ms": latency},
            "actors": actors,
            "epochs": epoch_rows,
            "observables": obs.clone(),
        }));
        observables.push(obs);
    }
    let (expectations, failures) = check(plan, &observables);
    let faults: Vec<Value> = recorder
        .faults
        .iter()
        .map(|(block, at_us, what)| json!({"block": block, "time_ms": at_us / 1_000, "fault": what}))
        .collect();
    let report = json!({
        "tensorsim": {"version": env!("CARGO_PKG_VERSION"), "report_version": REPORT_VERSION},
        "run": {
            "scenario": plan.scenario.name,
            "scenario_sha256": hex(&Sha256::digest(scenario_text.as_bytes())),
            "seed": plan.seed,
            "profile": plan.profile.name,
            "blocks": plan.blocks,
            "blocks_produced": recorder.block,
            "virtual_seconds": float(recorder.block_at_us as f64 / 1e6),
        },
        "chain": {
            "total_issuance_rao": recorder.total_issuance_rao,
            "conservation": match &recorder.conservation_error {
                None => json!("held after every block"),
                Some((block, error)) => json!(format!("broken after block {block}: {error}")),
            },
        },
        "network": {
            "nodes": plan.nodes.len(),
            "messages_sent": recorder.messages_sent,
            "messages_lost": recorder.messages_lost,
            "messages_delivered": recorder.messages_delivered,
        },
        "faults": faults,
        "subnets": subnets,
        "expectations": expectations,
    });
    let mut json = serde_json::to_string_pretty(&report).expect("the report serialises");
    json.push('\n');
    let sha256 = hex(&Sha256::digest(json.as_bytes()));
    let markdown = to_markdown(&report, &sha256);
    Report { json, markdown, sha256, failures }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every expectation with its value and verdict, and the lines of those that failed.
fn check(plan: &Plan, observables: &[BTreeMap<&'static str, Value>]) -> (Vec<Value>, Vec<String>) {
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for expectation in &plan.scenario.expect {
        let Expectation { observable, subnet, group, min, max } = expectation;
        let index =
            subnet.as_ref().map_or(0, |name| plan.subnets.iter().position(|s| &s.name == name).expect("resolved"));
        let obs = &observables[index];
        let key = match observable {
            Observable::IncentiveAccuracySpearman => "incentive_accuracy_spearman",
            Observable::RelativeDividendRate => "relative_dividend_rate",
            Observable::IncentiveShare => "incentive_share",
            Observable::RewardShare => "reward_share",
            Observable::QueryTimeoutRate => "query_timeout_rate",
        };
        let value = match group {
            Some(group) if obs[key].is_object() => obs[key].get(group).and_then(Value::as_f64),
            _ => obs[key].as_f64(),
        };
        let pass = value.is_some_and(|v| min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m));
        let name = format!("{key}{}", group.as_ref().map_or(String::new(), |g| format!("[{g}]")));
        if !pass {
            let value = value.map_or("undefined".to_string(), |v| v.to_string());
            failures.push(format!(
                "expectation failed: {name} on {} is {value} (min {min:?}, max {max:?})",
                plan.subnets[index].name
            ));
        }
        rows.push(json!({
            "observable": name,
            "subnet": plan.subnets[index].name,
            "min": min, "max": max,
            "value": value.map_or(Value::Null, float),
            "pass": pass,
        }));
    }
    (rows, failures)
}
