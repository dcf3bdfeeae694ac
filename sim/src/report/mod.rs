//! The run's report: one canonical JSON document (sorted keys, chain units as integers, floats
//! rounded to 6 decimals and printed by one formatter), and a Markdown summary of it. Both are
//! rendered from typed sections (`document.rs`) built from the `RunRecord` alone. The same seed
//! and scenario give the same bytes; nothing measured in wall time enters it.

mod document;
mod epochs;
mod expectations;
mod markdown;
mod members;
mod readings;
mod subnet;
mod summary;
mod window;

use sha2::{Digest, Sha256};

use crate::record::{AppliedFault, RunRecord};
use crate::scenario::Plan;
use document::{
    ChainSection, Decimal6, Document, FaultRow, LostRow, NetworkSection, RunSection, SubnetSection, Version,
};

/// The report format's version (its keys and their meaning). 2 since issue 9: per-epoch hotkeys,
/// pool, prices and emission by token, validator stake concentration, losses by reason, rewards
/// by token, the window, duplicate answers (version 1's `stake_gini`, `rewards_rao` and a number
/// for `messages_lost` are gone).
pub const REPORT_VERSION: u64 = 2;

pub struct Report {
    pub json: String,
    pub markdown: String,
    pub sha256: String,
    /// Expectations that did not hold, one line each.
    pub failures: Vec<String>,
    /// What `tensorsim run` prints when it ends: expectations' verdicts, each group's shares.
    pub summary: String,
}

/// The report of the run `record` of `plan`, read from `scenario_text`.
pub fn build(plan: &Plan, scenario_text: &str, record: &RunRecord) -> Report {
    let (document, failures) = document(plan, scenario_text, record);
    let mut json = serde_json::to_string_pretty(&document).expect("the report serialises");
    json.push('\n');
    let sha256 = hex(&Sha256::digest(json.as_bytes()));
    let markdown = markdown::render(&document, &sha256);
    let summary = summary::render(&document);
    Report { json, markdown, sha256, failures, summary }
}

/// The document, and the lines of the expectations that failed.
fn document<'a>(plan: &'a Plan, scenario_text: &str, record: &'a RunRecord) -> (Document<'a>, Vec<String>) {
    let subnets: Vec<SubnetSection> =
        (0..plan.subnets.len()).map(|index| subnet::section(plan, index, record)).collect();
    let (expectations, failures) = expectations::check(plan, &subnets);
    let document = Document {
        chain: ChainSection {
            conservation: match &record.conservation_error {
                None => "held after every block".to_string(),
                Some(broken) => format!("broken after block {}: {}", broken.block, broken.error),
            },
            total_issuance_rao: record.total_issuance_rao,
        },
        expectations,
        faults: record.faults.iter().map(fault_row).collect(),
        network: NetworkSection {
            messages_delivered: record.messages.delivered,
            messages_dropped: record.messages.dropped,
            messages_lost: LostRow::of(record.messages.lost),
            messages_sent: record.messages.sent,
            nodes: plan.nodes.len(),
        },
        run: RunSection {
            blocks: plan.blocks,
            blocks_produced: record.blocks_produced,
            profile: plan.profile.name,
            scenario: &plan.scenario.name,
            scenario_sha256: hex(&Sha256::digest(scenario_text.as_bytes())),
            seed: plan.seed,
            virtual_seconds: Decimal6::round(record.last_block_at_us as f64 / 1e6),
        },
        subnets,
        tensorsim: Version { report_version: REPORT_VERSION, version: env!("CARGO_PKG_VERSION") },
    };
    (document, failures)
}

fn fault_row(fault: &AppliedFault) -> FaultRow<'_> {
    FaultRow { block: fault.block, fault: &fault.description, time_ms: fault.at_us / 1_000 }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
