//! Checks a replay output against the `expected` entries of a conformance case
//! (`scenarios/conformance/README.md`): exact u16/RAO vectors and bond rows, `*_share` values and
//! bond cells within the entry's tolerance, the indices of rejected steps.

use serde_json::Value;

use crate::replay::epoch::{EpochRecord, ReplayOutput};

/// Every failed expectation, one line each; empty when all hold. Returns the number of
/// expectations checked alongside.
pub fn check(expected: &Value, output: &ReplayOutput) -> (usize, Vec<String>) {
    let mut checked = 0;
    let mut failures = Vec::new();
    let Some(entries) = expected.as_array() else {
        return (0, vec!["expected: not a list".into()]);
    };
    for (e, entry) in entries.iter().enumerate() {
        let mut fail = |message: String| failures.push(format!("expected[{e}]: {message}"));
        let Some(entry) = entry.as_object() else {
            fail("not an object".into());
            continue;
        };
        if let Some(want) = entry.get("rejected_steps") {
            checked += 1;
            let mut got: Vec<u64> = output.rejected.iter().map(|r| r.step as u64).collect();
            got.sort_unstable();
            let want: Option<Vec<u64>> = want.as_array().and_then(|a| a.iter().map(Value::as_u64).collect());
            if want.as_ref() != Some(&got) {
                fail(format!("rejected steps {got:?}, expected {want:?}"));
            }
            continue;
        }
        let Some(index) = entry.get("epoch_index").and_then(Value::as_u64) else {
            fail("no epoch_index and no rejected_steps".into());
            continue;
        };
        let Some(record) = output.epochs.get(index as usize) else {
            fail(format!("epoch_index {index}: the replay ran {} epochs", output.epochs.len()));
            continue;
        };
        let uids: Option<Vec<usize>> = entry
            .get("uids")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_u64).map(|u| u as usize).collect());
        let tolerance = entry.get("tolerance").and_then(Value::as_f64).unwrap_or(0.0);
        for (key, want) in entry {
            let message = match key.as_str() {
                "epoch_index" | "uids" | "tolerance" | "basis" | "note" => continue,
                "block" => {
                    (want.as_u64() != Some(record.block)).then(|| format!("block {}, expected {want}", record.block))
                }
                "bonds" => check_bonds(record, uids.as_deref(), want),
                "bonds_cells" => check_cells(record, want, |got, want| got == want.round() as u64, "exactly"),
                "bonds_share_cells" => check_cells(
                    record,
                    want,
                    |got, want| (got as f64 / 65535.0 - want).abs() <= tolerance,
                    "as a share",
                ),
                _ => match key.strip_suffix("_share") {
                    Some(field) => check_shares(record, field, uids.as_deref(), want, tolerance),
                    None => check_vector(record, key, uids.as_deref(), want),
                },
            };
            checked += 1;
            if let Some(message) = message {
                fail(format!("epoch {index}: {message}"));
            }
        }
    }
    (checked, failures)
}

/// The named per-UID vector as JSON numbers or booleans; `None` if there is no such field.
fn vector(record: &EpochRecord, field: &str) -> Option<Vec<Value>> {
    let e = &record.output;
    let numbers = |v: &[u16]| v.iter().map(|&x| Value::from(x)).collect();
    let rao = |v: &[u64]| v.iter().map(|&x| Value::from(x)).collect();
    let flags = |v: &[bool]| v.iter().map(|&x| Value::from(x)).collect();
    Some(match field {
        "active" => flags(&e.active),
        "validator_permit" => flags(&e.validator_permit),
        "stake_weight" => numbers(&e.stake_weight),
        "consensus" => numbers(&e.consensus),
        "incentive" => numbers(&e.incentive),
        "dividends" => numbers(&e.dividends),
        "validator_trust" => numbers(&e.validator_trust),
        "emission_rao" => rao(&e.emission_rao),
        "server_emission_rao" => rao(&e.server_emission_rao),
        "validator_emission_rao" => rao(&e.validator_emission_rao),
        _ => return None,
    })
}

fn select<T: Clone>(all: &[T], uids: Option<&[usize]>) -> Option<Vec<T>> {
    match uids {
        None => Some(all.to_vec()),
        Some(uids) => uids.iter().map(|&u| all.get(u).cloned()).collect(),
    }
}

fn check_vector(record: &EpochRecord, field: &str, uids: Option<&[usize]>, want: &Value) -> Option<String> {
    let Some(all) = vector(record, field) else {
        return Some(format!("unknown expectation key `{field}`"));
    };
    let got = select(&all, uids);
    (got.as_ref().map(|g| Value::Array(g.clone())).as_ref() != Some(want)).then(|| {
        format!(
            "{field} {}, expected {want}",
            got.map_or("(uids out of range)".into(), |g| Value::Array(g).to_string())
        )
    })
}

fn check_shares(
    record: &EpochRecord,
    field: &str,
    uids: Option<&[usize]>,
    want: &Value,
    tolerance: f64,
) -> Option<String> {
    let Some(all) = vector(record, field) else {
        return Some(format!("unknown expectation key `{field}_share`"));
    };
    let Some(selected) = select(&all, uids) else {
        return Some(format!("{field}_share: uids out of range"));
    };
    let got: Vec<f64> = selected.iter().filter_map(Value::as_f64).map(|x| x / 65535.0).collect();
    let Some(want) = want.as_array().and_then(|a| a.iter().map(Value::as_f64).collect::<Option<Vec<f64>>>()) else {
        return Some(format!("{field}_share: expected a list of numbers, found {want}"));
    };
    let holds = got.len() == want.len() && got.iter().zip(&want).all(|(g, w)| (g - w).abs() <= tolerance);
    (!holds).then(|| format!("{field} shares {got:.4?}, expected {want:?} ± {tolerance}"))
}

fn bond_rows(record: &EpochRecord, uids: Option<&[usize]>) -> Option<Vec<Value>> {
    let rows: Vec<Value> = record
        .output
        .bonds
        .iter()
        .map(|row| Value::Array(row.iter().map(|&(j, b)| Value::from(vec![u64::from(j), u64::from(b)])).collect()))
        .collect();
    select(&rows, uids)
}

fn check_bonds(record: &EpochRecord, uids: Option<&[usize]>, want: &Value) -> Option<String> {
    let got = bond_rows(record, uids).map(Value::Array);
    (got.as_ref() != Some(want)).then(|| format!("bonds {}, expected {want}", got.unwrap_or(Value::Null)))
}

fn check_cells(record: &EpochRecord, want: &Value, holds: impl Fn(u64, f64) -> bool, how: &str) -> Option<String> {
    let mut wrong = Vec::new();
    let Some(cells) = want.as_array() else {
        return Some(format!("bond cells: expected a list, found {want}"));
    };
    for cell in cells {
        let numbers: Option<Vec<f64>> = cell.as_array().and_then(|a| a.iter().map(Value::as_f64).collect());
        let Some(&[i, j, value]) = numbers.as_deref() else {
            return Some(format!("bond cell {cell} is not [i, j, value]"));
        };
        let got = record
            .output
            .bonds
            .get(i as usize)
            .and_then(|row| row.iter().find(|&&(column, _)| f64::from(column) == j))
            .map_or(0, |&(_, b)| u64::from(b));
        if !holds(got, value) {
            wrong.push(format!("({i}, {j}) = {got}, expected {value} {how}"));
        }
    }
    (!wrong.is_empty()).then(|| format!("bond cells {}", wrong.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn output() -> ReplayOutput {
        crate::replay::epoch::sample_output()
    }

    #[test]
    fn holding_expectations_pass() {
        let expected = json!([
            {"epoch_index": 0, "block": 3, "dividends": [65535, 0], "active": [true, true], "basis": "asserted"},
            {"epoch_index": 0, "uids": [1], "incentive": [65535], "bonds": [[]]},
            {"epoch_index": 0, "dividends_share": [1.0, 0.0], "tolerance": 0.001},
            {"epoch_index": 0, "bonds_cells": [[0, 1, 6640], [1, 0, 0]]},
            {"epoch_index": 0, "bonds_share_cells": [[0, 1, 0.1013]], "tolerance": 0.001},
            {"rejected_steps": [4]}
        ]);
        let (checked, failures) = check(&expected, &output());
        assert_eq!(failures, Vec::<String>::new());
        assert_eq!(checked, 9);
    }

    #[test]
    fn every_kind_of_wrong_value_is_caught() {
        let wrong = [
            json!([{"epoch_index": 0, "dividends": [65534, 0]}]),
            json!([{"epoch_index": 0, "block": 4}]),
            json!([{"epoch_index": 0, "uids": [0], "bonds": [[[1, 6641]]]}]),
            json!([{"epoch_index": 0, "dividends_share": [0.9, 0.1], "tolerance": 0.001}]),
            json!([{"epoch_index": 0, "bonds_cells": [[0, 1, 6639]]}]),
            json!([{"epoch_index": 0, "bonds_share_cells": [[0, 1, 0.2]], "tolerance": 0.001}]),
            json!([{"epoch_index": 1, "dividends": [0, 0]}]),
            json!([{"epoch_index": 0, "dividend": [65535, 0]}]),
            json!([{"rejected_steps": []}]),
            json!([{"note": "no index"}]),
            json!([{"epoch_index": 0, "dividends_share": "all of it"}]),
            json!([{"epoch_index": 0, "bonds_cells": [[0, 1]]}]),
            json!([{"epoch_index": 0, "uids": [7], "dividends": [0]}]),
        ];
        for expected in wrong {
            let (_, failures) = check(&expected, &output());
            assert_eq!(failures.len(), 1, "{expected} must fail once, got {failures:?}");
        }
    }
}
