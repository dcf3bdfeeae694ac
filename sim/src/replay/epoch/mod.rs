//! Epoch cases: one subnet driven by a script of extrinsics and epoch calls, with the chain's
//! stored outputs after every epoch (the contract of `shared/spec/replay-format.md`).
//!
//! A step the chain refuses is recorded in `rejected` and the replay goes on, as on chain. A
//! step that cannot be a chain call at all (a UID the subnet does not have, blocks going back)
//! is an error of the file.

mod input;

use serde::Serialize;
use tensorsim_chain::hyperparameters::UIDS_MAX;
use tensorsim_chain::metagraph::{CallError, InvalidCall, Metagraph, NeuronInit};
use tensorsim_chain::yuma::EpochOutput;

pub use input::{Action, ReplayCase, Step};

use crate::replay::case::{InputError, OUTPUT_VALUES_MAX};
use crate::replay::output::{Rejected, epoch_fields};

/// One epoch's record: the block it ran at and what it wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EpochRecord {
    pub block: u64,
    #[serde(flatten, serialize_with = "epoch_fields")]
    pub output: EpochOutput,
}

/// The output of an epoch case, in the format's key order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReplayOutput {
    pub name: String,
    pub epochs: Vec<EpochRecord>,
    pub rejected: Vec<Rejected>,
}

/// Runs a case. Deterministic: the output is a function of the case alone.
pub fn run(case: &ReplayCase) -> Result<ReplayOutput, InputError> {
    check_limits(case)?;
    let neurons: Vec<NeuronInit> = case
        .neurons
        .iter()
        .map(|n| NeuronInit { stake_rao: n.stake_rao, registered_at: n.registered_at, last_update: n.last_update })
        .collect();
    let mut metagraph = Metagraph::new(case.hyperparameters.clone(), &neurons).map_err(|invalid| match invalid {
        InvalidCall::UnknownUid { .. } => InputError::new("hyperparameters.owner_uid", invalid.to_string()),
        _ => InputError::new("neurons", invalid.to_string()),
    })?;
    metagraph.set_profile(case.profile);

    let mut output = ReplayOutput { name: case.name.clone(), epochs: Vec::new(), rejected: Vec::new() };
    let mut block_previous = 0;
    for (k, step) in case.steps.iter().enumerate() {
        if step.block < block_previous {
            return Err(InputError::new(
                format!("steps[{k}].block"),
                format!("block {} is before the previous step's block {block_previous}", step.block),
            ));
        }
        block_previous = step.block;
        apply(&mut metagraph, k, step, &mut output)?;
    }
    Ok(output)
}

/// Step `k` on the metagraph: an epoch appends its record, a call the chain refuses a rejection.
fn apply(metagraph: &mut Metagraph, k: usize, step: &Step, output: &mut ReplayOutput) -> Result<(), InputError> {
    let at = |field: &str| format!("steps[{k}].{}.{field}", step.action.key());
    match &step.action {
        Action::Epoch(epoch) => {
            let record = metagraph.run_epoch(step.block, epoch.emission_rao);
            output.epochs.push(EpochRecord { block: step.block, output: record });
        }
        Action::SetWeights(call) => {
            let n = metagraph.n();
            if usize::from(call.uid) >= n {
                return Err(InputError::new(at("uid"), InvalidCall::UnknownUid { uid: call.uid, n }.to_string()));
            }
            if let Some((i, &dest)) = call.dests.iter().enumerate().find(|&(_, &dest)| usize::from(dest) >= n) {
                return Err(InputError::new(
                    at(&format!("dests[{i}]")),
                    InvalidCall::UnknownUid { uid: dest, n }.to_string(),
                ));
            }
            match metagraph.set_weights(call.uid, &call.dests, &call.values, call.version_key, step.block) {
                Ok(()) => {}
                Err(CallError::Refused(reason)) => {
                    output.rejected.push(Rejected { step: k, error: reason.to_string() })
                }
                Err(CallError::Invalid(invalid)) => return Err(InputError::new(at("uid"), invalid.to_string())),
            }
        }
        Action::SetStake(call) => {
            metagraph.set_stake(call.uid, call.stake_rao).map_err(|invalid| invalid_at(&at, invalid))?;
        }
        Action::Register(call) => {
            metagraph.register(call.uid, call.stake_rao, step.block).map_err(|invalid| invalid_at(&at, invalid))?;
        }
        Action::ResetBonds(call) => {
            metagraph.reset_bonds(call.uid).map_err(|invalid| invalid_at(&at, invalid))?;
        }
    }
    Ok(())
}

fn invalid_at(at: &impl Fn(&str) -> String, invalid: InvalidCall) -> InputError {
    let field = match invalid {
        InvalidCall::StakeTotalTooLarge { .. } => "stake_rao",
        _ => "uid",
    };
    InputError::new(at(field), invalid.to_string())
}

/// Size limits, checked before anything runs, so a huge case is refused rather than run out of
/// memory or time.
fn check_limits(case: &ReplayCase) -> Result<(), InputError> {
    let h = &case.hyperparameters;
    h.validate().map_err(|invalid| InputError::new(format!("hyperparameters.{}", invalid.field), invalid.message))?;
    if case.neurons.len() > usize::from(h.max_allowed_uids) {
        return Err(InputError::new(
            "neurons",
            format!(
                "{} neurons exceed max_allowed_uids {} (the simulator runs subnets of up to {UIDS_MAX} UIDs)",
                case.neurons.len(),
                h.max_allowed_uids
            ),
        ));
    }
    let epochs = case.steps.iter().filter(|step| matches!(step.action, Action::Epoch(_))).count();
    let values = epochs.saturating_mul(usize::from(h.max_allowed_uids));
    if values > OUTPUT_VALUES_MAX {
        return Err(InputError::new(
            "steps",
            format!(
                "{epochs} epochs of up to {} UIDs could write {values} output values, above the limit of {OUTPUT_VALUES_MAX}",
                h.max_allowed_uids
            ),
        ));
    }
    Ok(())
}

/// A small output with every field set, for the tests of the output and of `check`.
#[cfg(test)]
pub(crate) fn sample_output() -> ReplayOutput {
    ReplayOutput {
        name: "a \"quoted\" name".into(),
        epochs: vec![EpochRecord {
            block: 3,
            output: EpochOutput {
                active: vec![true, true],
                validator_permit: vec![true, false],
                stake_weight: vec![65535, 0],
                consensus: vec![0, 65535],
                incentive: vec![0, 65535],
                dividends: vec![65535, 0],
                validator_trust: vec![65535, 0],
                emission_rao: vec![5, 5],
                server_emission_rao: vec![0, 5],
                validator_emission_rao: vec![5, 0],
                pruning_score: vec![65535, 65535],
                bonds: vec![vec![(1, 6640)], vec![]],
                weights_within_clipping: vec![Some(true), None],
            },
        }],
        rejected: vec![Rejected { step: 4, error: "too few weights".into() }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::output::to_json;

    #[test]
    fn an_epoch_output_has_the_format_s_keys_in_order_and_no_pruning_score() {
        let expected = r#"{
  "name": "a \"quoted\" name",
  "epochs": [
    {
      "block": 3,
      "active": [true, true],
      "validator_permit": [true, false],
      "stake_weight": [65535, 0],
      "consensus": [0, 65535],
      "incentive": [0, 65535],
      "dividends": [65535, 0],
      "validator_trust": [65535, 0],
      "emission_rao": [5, 5],
      "server_emission_rao": [0, 5],
      "validator_emission_rao": [5, 0],
      "bonds": [[[1, 6640]], []]
    }
  ],
  "rejected": [
    {"step": 4, "error": "too few weights"}
  ]
}
"#;
        assert_eq!(to_json(&sample_output()), expected);
        let empty = ReplayOutput { name: String::new(), epochs: vec![], rejected: vec![] };
        assert_eq!(to_json(&empty), "{\n  \"name\": \"\",\n  \"epochs\": [],\n  \"rejected\": []\n}\n");
    }
}
