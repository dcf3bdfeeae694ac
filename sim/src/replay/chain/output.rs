//! What a chain replay records, in the output's key order (the field order of each type).

use serde::Serialize;
use tensorsim_chain::yuma::EpochOutput;

use crate::replay::output::{Rejected, epoch_fields};

/// An epoch of the chain replay: which subnet, when, what it wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChainEpochRecord {
    pub netuid: u16,
    pub block: u64,
    #[serde(flatten, serialize_with = "epoch_fields")]
    pub output: EpochOutput,
}

/// The books of one subnet at a recorded block.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubnetBooks {
    pub netuid: u16,
    pub n: usize,
    pub epoch_index: u64,
    pub pool_tao_rao: u64,
    pub pool_alpha_rao: u64,
    pub alpha_out_rao: u64,
    pub burn_rao: u64,
    pub ema_price: f64,
    /// Before dTAO: TAO accrued for the next epoch, and the root epoch's value per block.
    pub pending_tao_rao: u64,
    pub emission_value_rao: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BlockRecord {
    pub block: u64,
    pub profile: &'static str,
    pub total_issuance_rao: u64,
    pub block_emission_rao: u64,
    /// In a case with network steps: what a registration would lock at this block (absent in
    /// other cases, whose output is as it was).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_lock_cost_rao: Option<u64>,
    pub subnets: Vec<SubnetBooks>,
    /// What the network step that wrote this record did (a record written by `run_blocks` has
    /// none, and then no key).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub network_events: Vec<NetworkEvent>,
}

/// A subnet registered, pruned or dissolved by step `step`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NetworkEvent {
    pub step: usize,
    #[serde(flatten)]
    pub kind: NetworkEventKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkEventKind {
    /// The lock paid and the pool it seeded.
    Registered { netuid: u16, coldkey: usize, hotkey: usize, locked_rao: u64, pool_tao_rao: u64, pool_alpha_rao: u64 },
    /// Dissolved by a registration at the subnet limit, before it.
    Pruned(DissolutionRecord),
    /// Dissolved by root.
    Dissolved(DissolutionRecord),
}

/// Where a dissolved subnet's pool went (subnets spec §4.2–4.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DissolutionRecord {
    pub netuid: u16,
    pub pot_rao: u64,
    pub protocol_share_rao: u64,
    pub owner_refund_rao: u64,
    pub recycled_rao: u64,
    pub payouts: Vec<PayoutRecord>,
}

/// One staking position's payout; `paid` false: the transfer failed and the TAO was recycled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PayoutRecord {
    pub hotkey: usize,
    pub coldkey: usize,
    pub alpha_rao: u64,
    pub tao_rao: u64,
    pub paid: bool,
}

/// A timelocked commit the chain opened and refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RevealRefused {
    pub block: u64,
    pub netuid: u16,
    pub uid: u16,
    pub error: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChainReplayOutput {
    pub name: String,
    pub epochs: Vec<ChainEpochRecord>,
    pub blocks: Vec<BlockRecord>,
    pub rejected: Vec<Rejected>,
    pub reveals_refused: Vec<RevealRefused>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::output::to_json;

    fn epoch_output() -> EpochOutput {
        EpochOutput {
            active: vec![true],
            validator_permit: vec![true],
            stake_weight: vec![65535],
            consensus: vec![0],
            incentive: vec![0],
            dividends: vec![65535],
            validator_trust: vec![0],
            emission_rao: vec![7],
            server_emission_rao: vec![0],
            validator_emission_rao: vec![7],
            pruning_score: vec![65535],
            bonds: vec![vec![]],
            weights_within_clipping: vec![None],
        }
    }

    fn books(netuid: u16, ema_price: f64) -> SubnetBooks {
        SubnetBooks {
            netuid,
            n: 2,
            epoch_index: 3,
            pool_tao_rao: 4,
            pool_alpha_rao: 5,
            alpha_out_rao: 6,
            burn_rao: 7,
            ema_price,
            pending_tao_rao: 8,
            emission_value_rao: 9,
        }
    }

    #[test]
    fn a_chain_output_has_expanded_epoch_records_and_one_line_per_block_and_refusal() {
        let output = ChainReplayOutput {
            name: "c".into(),
            epochs: vec![ChainEpochRecord { netuid: 1, block: 2, output: epoch_output() }],
            blocks: vec![
                BlockRecord {
                    block: 10,
                    profile: "head-2026",
                    total_issuance_rao: 11,
                    block_emission_rao: 12,
                    network_lock_cost_rao: None,
                    subnets: vec![books(1, 1.0), books(2, 0.5001883752634787)],
                    network_events: vec![],
                },
                BlockRecord {
                    block: 20,
                    profile: "head-2026",
                    total_issuance_rao: 21,
                    block_emission_rao: 0,
                    network_lock_cost_rao: None,
                    subnets: vec![],
                    network_events: vec![],
                },
            ],
            rejected: vec![Rejected { step: 0, error: "no".into() }],
            reveals_refused: vec![RevealRefused { block: 5, netuid: 1, uid: 0, error: "late".into() }],
        };
        let books = |netuid: u16, price: &str| {
            format!(
                "{{\"netuid\": {netuid}, \"n\": 2, \"epoch_index\": 3, \"pool_tao_rao\": 4, \"pool_alpha_rao\": 5, \
                 \"alpha_out_rao\": 6, \"burn_rao\": 7, \"ema_price\": {price}, \"pending_tao_rao\": 8, \
                 \"emission_value_rao\": 9}}"
            )
        };
        let expected = format!(
            r#"{{
  "name": "c",
  "epochs": [
    {{
      "netuid": 1,
      "block": 2,
      "active": [true],
      "validator_permit": [true],
      "stake_weight": [65535],
      "consensus": [0],
      "incentive": [0],
      "dividends": [65535],
      "validator_trust": [0],
      "emission_rao": [7],
      "server_emission_rao": [0],
      "validator_emission_rao": [7],
      "bonds": [[]]
    }}
  ],
  "blocks": [
    {{"block": 10, "profile": "head-2026", "total_issuance_rao": 11, "block_emission_rao": 12, "subnets": [{}, {}]}},
    {{"block": 20, "profile": "head-2026", "total_issuance_rao": 21, "block_emission_rao": 0, "subnets": []}}
  ],
  "rejected": [
    {{"step": 0, "error": "no"}}
  ],
  "reveals_refused": [
    {{"block": 5, "netuid": 1, "uid": 0, "error": "late"}}
  ]
}}
"#,
            books(1, "1.0"),
            books(2, "0.5001883752634787")
        );
        assert_eq!(to_json(&output), expected);
    }

    #[test]
    fn a_network_steps_record_adds_the_lock_cost_and_its_events_on_its_line() {
        let dissolution = DissolutionRecord {
            netuid: 1,
            pot_rao: 10,
            protocol_share_rao: 3,
            owner_refund_rao: 0,
            recycled_rao: 2,
            payouts: vec![PayoutRecord { hotkey: 4, coldkey: 2, alpha_rao: 5, tao_rao: 7, paid: true }],
        };
        let registered = NetworkEventKind::Registered {
            netuid: 1,
            coldkey: 3,
            hotkey: 6,
            locked_rao: 100,
            pool_tao_rao: 100,
            pool_alpha_rao: 50,
        };
        let record = BlockRecord {
            block: 9,
            profile: "head-2026",
            total_issuance_rao: 1,
            block_emission_rao: 2,
            network_lock_cost_rao: Some(200),
            subnets: vec![],
            network_events: vec![
                NetworkEvent { step: 4, kind: NetworkEventKind::Pruned(dissolution) },
                NetworkEvent { step: 4, kind: registered },
            ],
        };
        let output = ChainReplayOutput {
            name: "c".into(),
            epochs: vec![],
            blocks: vec![record],
            rejected: vec![],
            reveals_refused: vec![],
        };
        let line = "{\"block\": 9, \"profile\": \"head-2026\", \"total_issuance_rao\": 1, \"block_emission_rao\": 2, \
                    \"network_lock_cost_rao\": 200, \"subnets\": [], \"network_events\": [{\"step\": 4, \"pruned\": \
                    {\"netuid\": 1, \"pot_rao\": 10, \"protocol_share_rao\": 3, \"owner_refund_rao\": 0, \
                    \"recycled_rao\": 2, \"payouts\": [{\"hotkey\": 4, \"coldkey\": 2, \"alpha_rao\": 5, \
                    \"tao_rao\": 7, \"paid\": true}]}}, {\"step\": 4, \"registered\": {\"netuid\": 1, \
                    \"coldkey\": 3, \"hotkey\": 6, \"locked_rao\": 100, \"pool_tao_rao\": 100, \
                    \"pool_alpha_rao\": 50}}]}";
        let json = to_json(&output);
        assert!(json.contains(&format!("\n    {line}\n")), "{json}");
    }
}
