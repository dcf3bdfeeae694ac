//! The run's report: one canonical JSON document (sorted keys, chain units as integers, floats
//! rounded to 6 decimals and printed by one formatter), a Markdown summary of it and an HTML page
//! with charts. All three are rendered from typed sections (`document.rs`) built from the
//! `RunRecord` alone (the page also from the record's latency histogram, whose bins the JSON does
//! not hold). The same seed and scenario give the same bytes; nothing
//! measured in wall time enters them.

mod document;
mod epochs;
mod expectations;
mod format;
mod groups;
mod html;
mod lifecycle;
mod markdown;
mod members;
mod series;
mod stability;
mod stability_rows;
mod subnet;
mod summary;
mod tables;
mod window;

use sha2::{Digest, Sha256};
use tensorsim_chain::accounts::HotkeyId;

pub use html::{RunCharts, SweepCell, SweepView, diff_page, estimate_text, sweep_page};

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
    /// report.html: one self-contained page.
    pub html: String,
    /// The page's charts, for diff.html.
    pub charts: RunCharts,
    pub sha256: String,
    /// Expectations that did not hold, one line each.
    pub failures: Vec<String>,
    /// What `tensorsim run` prints when it ends: expectations' verdicts, each group's shares.
    pub summary: String,
    /// epochs.csv, actors.csv and actor_series.csv.
    pub tables: tables::Tables,
}

impl Report {
    /// Each file of the report (name, bytes), in the order they are written.
    pub fn files(&self) -> [(&'static str, &[u8]); 6] {
        [
            ("report.json", self.json.as_bytes()),
            ("report.md", self.markdown.as_bytes()),
            ("report.html", self.html.as_bytes()),
            ("epochs.csv", self.tables.epochs.as_bytes()),
            ("actors.csv", self.tables.actors.as_bytes()),
            ("actor_series.csv", self.tables.actor_series.as_bytes()),
        ]
    }
}

/// The report of the run `record` of `plan`, read from `scenario_text`.
pub fn build(plan: &Plan, scenario_text: &str, record: &RunRecord) -> Report {
    let (document, failures) = document(plan, scenario_text, record);
    let mut json = serde_json::to_string_pretty(&document).expect("the report serialises");
    json.push('\n');
    let sha256 = hex(&Sha256::digest(json.as_bytes()));
    let markdown = markdown::render(&document, &sha256);
    let summary = summary::render(&document);
    let extras = html::Extras { latency: record.latency_us.iter().map(html::LatencyBins::of).collect() };
    let html = html::render(&document, &extras, &sha256);
    let tables = tables::render(&document);
    Report { json, markdown, html: html.page, charts: html.charts, sha256, failures, summary, tables }
}

/// The document, and the lines of the expectations that failed.
fn document<'a>(plan: &'a Plan, scenario_text: &str, record: &'a RunRecord) -> (Document<'a>, Vec<String>) {
    let lives = lifecycle::lives(plan, record);
    let subnets: Vec<SubnetSection> =
        (0..plan.subnets.len()).map(|index| subnet::section(plan, index, record, lives[index])).collect();
    let actor = |hotkey: HotkeyId| -> Option<&'a str> {
        let node = record.nodes.iter().position(|node| node.hotkey == Some(hotkey))?;
        Some(plan.nodes[node].name.as_str())
    };
    let holder = |hotkey: HotkeyId| match (actor(hotkey), record.owner_hotkeys.iter().position(|&h| h == hotkey)) {
        (Some(name), _) => name.to_string(),
        (None, Some(subnet)) => format!("owner of {}", plan.subnets[subnet].name),
        (None, None) => format!("hotkey {}", hotkey.0),
    };
    let subnet_lifecycle = lifecycle::section(plan, record, &holder, &actor);
    let observables: Vec<_> = subnets.iter().map(|s| &s.observables).collect();
    let (expectations, failures) = expectations::check(plan, &observables);
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
        subnet_lifecycle,
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
