//! `tensorsim replay` never panics, whatever the input (`shared/spec/replay-format.md`: bad input
//! is an error naming the field, never a panic).
//!
//! Two sources of input:
//! - the conformance cases, mutated at random (bytes cut, dropped, duplicated or replaced, numbers
//!   swapped for extreme integers, keys swapped): mostly malformed or out-of-range files, which
//!   must come back as `Err`;
//! - cases built from random steps of every kind with small hyperparameters: mostly well-formed,
//!   so the driver and the epoch run deep, and an `Ok` output is checked against the steps.
//!
//! Each input goes through what the command does with it: parse, run, render, and check against
//! `expected` when the case has it. A panic is caught and reported with the input that caused it.

mod common;
#[path = "../../actors/chain/tests/support/mod.rs"]
mod support;

use std::sync::LazyLock;

use common::{catching_panics, conformance_cases, fuzz_config};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde_json::{Value, json};
use support::{stake_rao, u16_edgy};
use tensorsim::replay::{self, Action, InputError, ReplayCase, ReplayOutput, check};

/// The conformance cases, `(file name, text)`, read once.
static CONFORMANCE: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
    let cases: Vec<(String, String)> = conformance_cases()
        .iter()
        .map(|path| (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(path).unwrap()))
        .collect();
    assert!(!cases.is_empty(), "no conformance cases in scenarios/conformance");
    cases
});

/// How far a text got through the driver.
enum Outcome {
    NotParsed,
    Ran { case: Box<ReplayCase>, result: Result<ReplayOutput, InputError> },
}

/// What `tensorsim replay --check` does with a text: parse, run, render, check. A panic comes
/// back as `Err` with its message.
fn drive(text: &str) -> Result<Outcome, String> {
    catching_panics(|| {
        let Ok(case) = ReplayCase::parse(text, None) else {
            return Outcome::NotParsed;
        };
        let result = replay::run(&case);
        if let Ok(output) = &result {
            replay::to_json(output);
            if let Some(expected) = &case.expected {
                check::check(expected, output);
            }
        }
        Outcome::Ran { case: Box::new(case), result }
    })
}

#[test]
fn every_conformance_case_replays_unmutated() {
    // The mutations start from these: each must be a good case, or the fuzzing below would only
    // ever see files that fail early.
    for (name, text) in CONFORMANCE.iter() {
        match drive(text) {
            Ok(Outcome::Ran { result: Ok(_), .. }) => {}
            Ok(Outcome::Ran { result: Err(error), .. }) => panic!("{name}: run failed: {error}"),
            Ok(Outcome::NotParsed) => panic!("{name}: does not parse"),
            Err(message) => panic!("{name}: panicked: {message}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// (a) Mutated conformance cases

/// One edit of the text. Positions are `Index`es, resolved against the text as it is when the
/// edit applies, so every edit is valid whatever came before it.
#[derive(Clone, Debug)]
enum Mutation {
    Truncate(Index),
    Delete {
        at: Index,
        len: usize,
    },
    Duplicate {
        at: Index,
        len: usize,
    },
    Replace {
        at: Index,
        bytes: Vec<u8>,
    },
    /// The k-th integer token (digits, with a leading minus if any) becomes this text.
    ReplaceNumber {
        which: Index,
        with: String,
    },
    /// Two object keys trade places (`"a": 1, "b": 2` → `"b": 1, "a": 2`).
    SwapKeys(Index, Index),
}

/// Integers that sit on a type's edge or just past it: u16, the UID limit, i64, u64, and forms
/// serde_json parses as floats or refuses.
fn number_text() -> impl Strategy<Value = String> {
    let edges = select(vec![
        "0",
        "1",
        "-1",
        "-0",
        "2",
        "65535",
        "65536",
        "4096",
        "4097",
        "1000000",
        "1000001",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "340282366920938463463374607431768211456",
        "1e3",
        "1.5",
        "1e400",
    ]);
    prop_oneof![
        3 => edges.prop_map(str::to_string),
        2 => (0u64..100).prop_map(|x| x.to_string()),
        2 => any::<i64>().prop_map(|x| x.to_string()),
        2 => any::<u64>().prop_map(|x| x.to_string()),
    ]
}

/// Bytes that change how JSON reads, or any printable character.
fn replacement_byte() -> impl Strategy<Value = u8> {
    prop_oneof![select(b"{}[]\":,-.0123456789eE \ntfn".to_vec()), 0x20u8..0x7f, any::<u8>()]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => (any::<Index>(), 1usize..=64).prop_map(|(at, len)| Mutation::Delete { at, len }),
        1 => (any::<Index>(), 1usize..=256).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        1 => (any::<Index>(), proptest::collection::vec(replacement_byte(), 1..=8))
            .prop_map(|(at, bytes)| Mutation::Replace { at, bytes }),
        3 => (any::<Index>(), number_text()).prop_map(|(which, with)| Mutation::ReplaceNumber { which, with }),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapKeys(a, b)),
    ]
}

/// Byte ranges of the integer tokens: a run of digits, with the minus sign before it.
fn number_spans(text: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if text[i].is_ascii_digit() {
            let start = if i > 0 && text[i - 1] == b'-' { i - 1 } else { i };
            while i < text.len() && text[i].is_ascii_digit() {
                i += 1;
            }
            spans.push((start, i));
        } else {
            i += 1;
        }
    }
    spans
}

/// Byte ranges of the object keys: a string (quotes included) followed by a colon.
fn key_spans(text: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if text[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < text.len() && text[i] != b'"' {
            i += if text[i] == b'\\' { 2 } else { 1 };
        }
        let end = (i + 1).min(text.len());
        i = end;
        let next = text[end..].iter().find(|b| !b.is_ascii_whitespace());
        if next == Some(&b':') {
            spans.push((start, end));
        }
    }
    spans
}

fn apply(text: &mut Vec<u8>, mutation: &Mutation) {
    // Index::index needs a non-empty range; an empty text has nothing left to edit.
    if text.is_empty() {
        return;
    }
    let len = text.len();
    match mutation {
        Mutation::Truncate(at) => text.truncate(at.index(len)),
        Mutation::Delete { at, len: count } => {
            let start = at.index(len);
            text.drain(start..(start + count).min(len));
        }
        Mutation::Duplicate { at, len: count } => {
            let start = at.index(len);
            let copy = text[start..(start + count).min(len)].to_vec();
            text.splice(start..start, copy);
        }
        Mutation::Replace { at, bytes } => {
            let start = at.index(len);
            text.splice(start..(start + bytes.len()).min(len), bytes.iter().copied());
        }
        Mutation::ReplaceNumber { which, with } => {
            let spans = number_spans(text);
            if !spans.is_empty() {
                let (start, end) = spans[which.index(spans.len())];
                text.splice(start..end, with.bytes());
            }
        }
        Mutation::SwapKeys(a, b) => {
            let spans = key_spans(text);
            if spans.len() >= 2 {
                let (a, b) = (spans[a.index(spans.len())], spans[b.index(spans.len())]);
                let (first, second) = if a.0 <= b.0 { (a, b) } else { (b, a) };
                if first != second {
                    let (first_key, second_key) = (text[first.0..first.1].to_vec(), text[second.0..second.1].to_vec());
                    // The later span first, so the earlier one's offsets stay valid.
                    text.splice(second.0..second.1, first_key);
                    text.splice(first.0..first.1, second_key);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(fuzz_config(10_000))]

    #[test]
    fn mutated_conformance_cases_never_panic(
        file in any::<Index>(),
        mutations in proptest::collection::vec(mutation(), 1..=4),
    ) {
        let (name, original) = &CONFORMANCE[file.index(CONFORMANCE.len())];
        let mut bytes = original.clone().into_bytes();
        for mutation in &mutations {
            apply(&mut bytes, mutation);
        }
        // A cut or a replaced byte may split a UTF-8 sequence; the command reads text, so does this.
        let text = String::from_utf8_lossy(&bytes);
        if let Err(message) = drive(&text) {
            prop_assert!(false, "{} mutated by {:?} panicked: {}\n--- input ---\n{}", name, mutations, message, text);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// (b) Cases built from random steps

/// A UID for a subnet of n: in range, or one of the three just past the end when the case lets
/// UIDs stray (a single stray UID ends a replay with an error, so most cases do not).
#[derive(Clone, Copy, Debug)]
struct Uid {
    raw: u16,
    past_end: bool,
}

impl Uid {
    fn resolve(self, n: usize, strays: bool) -> u16 {
        let n = n as u16;
        if (strays && self.past_end) || n == 0 { n + self.raw % 3 } else { self.raw % n }
    }
}

fn uid() -> impl Strategy<Value = Uid> {
    (any::<u16>(), prop::bool::weighted(0.1)).prop_map(|(raw, past_end)| Uid { raw, past_end })
}

#[derive(Clone, Debug)]
enum StepKind {
    Epoch {
        emission_rao: u64,
    },
    SetWeights {
        uid: Uid,
        entries: Vec<(Uid, u16)>,
        /// Keep repeated dests (the chain refuses them); otherwise only the first of each.
        duplicates: bool,
        /// A length for values other than that of dests (the chain refuses that too).
        values_len: Option<usize>,
        version_key: u64,
    },
    SetStake {
        uid: Uid,
        stake_rao: u64,
    },
    Register {
        uid: Uid,
        stake_rao: u64,
    },
    ResetBonds {
        uid: Uid,
    },
}

fn step_kind() -> impl Strategy<Value = StepKind> {
    prop_oneof![
        3 => prop_oneof![Just(0u64), Just(1_000_000_000), any::<u64>()].prop_map(|emission_rao| StepKind::Epoch { emission_rao }),
        4 => (
            uid(),
            proptest::collection::vec((uid(), u16_edgy()), 0..=8),
            prop::bool::weighted(0.1),
            proptest::option::weighted(0.05, 0usize..=8),
            prop_oneof![4 => Just(0u64), 1 => 0u64..=3],
        )
            .prop_map(|(uid, entries, duplicates, values_len, version_key)| StepKind::SetWeights {
                uid,
                entries,
                duplicates,
                values_len,
                version_key,
            }),
        1 => (uid(), stake_rao()).prop_map(|(uid, stake_rao)| StepKind::SetStake { uid, stake_rao }),
        1 => (uid(), stake_rao()).prop_map(|(uid, stake_rao)| StepKind::Register { uid, stake_rao }),
        1 => uid().prop_map(|uid| StepKind::ResetBonds { uid }),
    ]
}

/// A replay case as generated: JSON is built from it with the UIDs resolved against n.
#[derive(Clone, Debug)]
struct Structured {
    hyperparameters: Value,
    /// Whether UIDs past the end are drawn (for the `Err` paths of the driver).
    strays: bool,
    owner: Option<Uid>,
    neurons: Vec<(u64, u64, u64)>,
    first_block: u64,
    steps: Vec<(u64, StepKind)>,
}

fn hyperparameters() -> impl Strategy<Value = Value> {
    (
        (
            0u16..=10,
            u16_edgy(),
            u16_edgy(),
            // Now and then one past the valid range, for the validation error.
            prop_oneof![10 => Just(900_000u64), 20 => 0u64..=1_000_000, 1 => Just(1_000_001)],
        ),
        (any::<bool>(), any::<bool>(), any::<u16>(), any::<u16>(), any::<i16>(), prop::bool::weighted(0.05)),
        (proptest::option::of(0u64..=20), prop_oneof![4 => Just(16u16), 1 => 1u16..=16], 0u16..=8, 0u16..=4),
        (
            prop_oneof![4 => Just(65_535u16), 1 => any::<u16>()],
            0u64..=3,
            prop_oneof![4 => Just(0u64), 1 => 1u64..=2],
            prop_oneof![3 => Just(0u64), 1 => 0u64..=1_000],
        ),
        (prop::bool::weighted(0.05), any::<bool>()),
    )
        .prop_map(
            |(
                (tempo, kappa, bonds_penalty, bonds_moving_average),
                (yuma3, liquid_alpha, alpha_a, alpha_b, steepness, alpha_unordered),
                (activity_cutoff, max_allowed_uids, max_allowed_validators, min_allowed_weights),
                (max_weights_limit, weights_set_rate_limit, weights_version_key, stake_threshold_rao),
                (commit_reveal, bonds_reset),
            )| {
                // α_lo ≤ α_hi as the chain requires, but now and then in the drawn order, for the
                // validation error.
                let (alpha_low, alpha_high) =
                    if alpha_unordered { (alpha_a, alpha_b) } else { (alpha_a.min(alpha_b), alpha_a.max(alpha_b)) };
                json!({
                    "tempo": tempo,
                    "kappa": kappa,
                    "bonds_penalty": bonds_penalty,
                    "bonds_moving_average": bonds_moving_average,
                    "yuma3": yuma3,
                    "liquid_alpha": liquid_alpha,
                    "alpha_low": alpha_low,
                    "alpha_high": alpha_high,
                    "alpha_sigmoid_steepness": steepness,
                    "activity_cutoff": activity_cutoff,
                    "max_allowed_uids": max_allowed_uids,
                    "max_allowed_validators": max_allowed_validators,
                    "min_allowed_weights": min_allowed_weights,
                    "max_weights_limit": max_weights_limit,
                    "weights_set_rate_limit": weights_set_rate_limit,
                    "weights_version_key": weights_version_key,
                    "stake_threshold_rao": stake_threshold_rao,
                    "commit_reveal": commit_reveal,
                    "bonds_reset": bonds_reset,
                })
            },
        )
}

fn structured() -> impl Strategy<Value = Structured> {
    (
        hyperparameters(),
        prop::bool::weighted(0.15),
        proptest::option::weighted(0.3, uid()),
        proptest::collection::vec((stake_rao(), 0u64..=10, 0u64..=10), 0..=8),
        // Mostly after the neurons' registrations, so their weights are not all outdated.
        0u64..=30,
        proptest::collection::vec((prop_oneof![8 => 0u64..=3, 1 => 0u64..=100_000], step_kind()), 0..=40),
    )
        .prop_map(|(hyperparameters, strays, owner, neurons, first_block, steps)| Structured {
            hyperparameters,
            strays,
            owner,
            neurons,
            first_block,
            steps,
        })
}

impl Structured {
    /// The case as a replay file. UIDs resolve against the initial n; the subnet only grows, so
    /// a UID in range stays in range.
    fn to_json(&self) -> String {
        let n = self.neurons.len();
        let uid = |uid: &Uid| uid.resolve(n, self.strays);
        let mut hyperparameters = self.hyperparameters.clone();
        hyperparameters["owner_uid"] = json!(self.owner.as_ref().map(uid));
        let neurons: Vec<Value> = self
            .neurons
            .iter()
            .map(|&(stake_rao, registered_at, last_update)| {
                json!({"stake_rao": stake_rao, "registered_at": registered_at, "last_update": last_update})
            })
            .collect();
        let mut block = self.first_block;
        let steps: Vec<Value> = self
            .steps
            .iter()
            .map(|(delta, kind)| {
                block += delta;
                match kind {
                    StepKind::Epoch { emission_rao } => {
                        json!({"block": block, "epoch": {"emission_rao": emission_rao}})
                    }
                    StepKind::SetWeights { uid: caller, entries, duplicates, values_len, version_key } => {
                        let (mut dests, mut values) = (Vec::new(), Vec::new());
                        for (dest, value) in entries {
                            let dest = uid(dest);
                            if *duplicates || !dests.contains(&dest) {
                                dests.push(dest);
                                values.push(*value);
                            }
                        }
                        if let Some(len) = values_len {
                            values.resize(*len, 1);
                        }
                        json!({"block": block, "set_weights": {
                            "uid": uid(caller), "dests": dests, "values": values, "version_key": version_key,
                        }})
                    }
                    StepKind::SetStake { uid: target, stake_rao } => {
                        json!({"block": block, "set_stake": {"uid": uid(target), "stake_rao": stake_rao}})
                    }
                    StepKind::Register { uid: slot, stake_rao } => {
                        // Slot n (of the initial n) appends a UID; slots below it replace one.
                        let slot = if self.strays && slot.past_end { uid(slot) } else { slot.raw % (n as u16 + 1) };
                        json!({"block": block, "register": {"uid": slot, "stake_rao": stake_rao}})
                    }
                    StepKind::ResetBonds { uid: target } => {
                        json!({"block": block, "reset_bonds": {"uid": uid(target)}})
                    }
                }
            })
            .collect();
        let case = json!({"name": "fuzz", "hyperparameters": hyperparameters, "neurons": neurons, "steps": steps});
        serde_json::to_string_pretty(&case).unwrap()
    }
}

/// What an `Ok` output must say about the steps it ran.
fn check_output(case: &ReplayCase, output: &ReplayOutput) -> Result<(), TestCaseError> {
    // One record per epoch step, at that step's block, sized to the subnet at that point (every
    // register succeeded, so one that named slot n appended a UID).
    let mut n = case.neurons.len();
    let mut epochs = output.epochs.iter();
    for (k, step) in case.steps.iter().enumerate() {
        match &step.action {
            Action::Register(register) if usize::from(register.uid) == n => n += 1,
            Action::Epoch(_) => {
                let Some(record) = epochs.next() else {
                    return Err(TestCaseError::fail(format!("no epoch record for step {k}")));
                };
                prop_assert_eq!(record.block, step.block, "block of the epoch of step {}", k);
                support::one_entry_per_uid(&record.output, n)?;
            }
            _ => {}
        }
    }
    let epoch_steps = case.steps.iter().filter(|step| matches!(step.action, Action::Epoch(_))).count();
    prop_assert_eq!(output.epochs.len(), epoch_steps, "one record per epoch step");

    // Rejections: in step order, each once, and only set_weights can be refused by the chain.
    let steps: Vec<usize> = output.rejected.iter().map(|r| r.step).collect();
    prop_assert!(steps.windows(2).all(|w| w[0] < w[1]), "rejected steps not strictly increasing: {:?}", steps);
    for &k in &steps {
        let action = case.steps.get(k).map(|step| step.action.key());
        prop_assert_eq!(action, Some("set_weights"), "rejected step {} is {:?}", k, action);
    }
    Ok(())
}

proptest! {
    #![proptest_config(fuzz_config(2000))]

    #[test]
    fn random_step_scripts_never_panic_and_ok_outputs_match_their_steps(structured in structured()) {
        let text = structured.to_json();
        let (case, result) = match drive(&text) {
            Ok(Outcome::Ran { case, result }) => (case, result),
            // Built from the format's own keys and types: every case must parse (it may still
            // fail to run).
            Ok(Outcome::NotParsed) => {
                let error = ReplayCase::parse(&text, None).unwrap_err();
                return Err(TestCaseError::fail(format!("generated case does not parse: {error}\n--- input ---\n{text}")));
            }
            Err(message) => return Err(TestCaseError::fail(format!("panicked: {message}\n--- input ---\n{text}"))),
        };
        if let Ok(output) = result {
            check_output(&case, &output).map_err(|error| TestCaseError::fail(format!("{error}\n--- input ---\n{text}")))?;
            // Deterministic: the same case gives the same output.
            let again = replay::run(&case);
            prop_assert_eq!(again.as_ref(), Ok(&output), "a second run differs\n--- input ---\n{}", text);
        }
    }
}
