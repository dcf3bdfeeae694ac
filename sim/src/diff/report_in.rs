//! The part of report.json that `tensorsim diff` reads, as types. Unknown fields are allowed: a
//! diff reads a few observables of a large document, and the report's other sections may grow
//! without a diff noticing. Every field read is required, so a report that lost one is refused
//! with the field's path, never compared as if it were zero.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::DeserializeOwned;

/// The report format's version this diff understands (`tensorsim.report_version`).
pub const REPORT_VERSION_READ: u64 = crate::report::REPORT_VERSION;

#[derive(Debug, Deserialize)]
pub struct ReportIn {
    pub expectations: Vec<ExpectationIn>,
    pub run: RunIn,
    pub subnets: Vec<SubnetIn>,
    pub tensorsim: VersionIn,
}

/// An `expect:` verdict (a sweep counts the failed ones).
#[derive(Debug, Deserialize)]
pub struct ExpectationIn {
    pub pass: bool,
}

#[derive(Debug, Deserialize)]
pub struct RunIn {
    pub profile: String,
    pub scenario: String,
    pub scenario_sha256: String,
    pub seed: u64,
}

#[derive(Debug, Deserialize)]
pub struct VersionIn {
    pub report_version: u64,
}

#[derive(Debug, Deserialize)]
pub struct SubnetIn {
    pub actors: Vec<ActorIn>,
    pub epochs: Vec<EpochIn>,
    /// At genesis, by the chain's names; values of several types (numbers, flags), as the
    /// report writes them, compared whole.
    pub hyperparameters: BTreeMap<String, serde_json::Value>,
    pub name: String,
    pub observables: ObservablesIn,
    /// Absent from version 2 reports written before it (the key was added, none changed):
    /// such a subnet's stability is listed as not compared.
    pub stability: Option<StabilityIn>,
}

#[derive(Debug, Deserialize)]
pub struct StabilityIn {
    pub incentive_kendall_tau_mean: Option<f64>,
    pub settling: Vec<SettleIn>,
    pub validator_trust_stake_mean: Option<f64>,
    pub within_clipping_stake_share_mean: Option<f64>,
}

/// After one event (a fault, an upgrade): when dividends and bond sums settled.
#[derive(Debug, Deserialize)]
pub struct SettleIn {
    pub block: u64,
    pub bonds: SettledIn,
    pub dividends: SettledIn,
    pub event: String,
}

impl SettleIn {
    /// The event as a diff names it: `crash honest/3 at block 2000`.
    pub fn label(&self) -> String {
        crate::record::event_label(&self.event, self.block)
    }
}

/// `epochs` is `null` when the run ended unsettled.
#[derive(Debug, Deserialize)]
pub struct SettledIn {
    pub epochs: Option<u64>,
}

#[derive(Debug, Deserialize)]
pub struct ActorIn {
    pub hotkey: u32,
    pub name: String,
}

#[derive(Debug, Deserialize)]
pub struct EpochIn {
    pub block: u64,
    pub consensus: Vec<u16>,
    pub dividends: Vec<u16>,
    pub hotkeys: Vec<u32>,
    pub incentive: Vec<u16>,
}

#[derive(Debug, Deserialize)]
pub struct ObservablesIn {
    pub incentive_accuracy_spearman: Option<f64>,
    pub incentive_share: BTreeMap<String, Option<f64>>,
    pub query_timeout_rate: Option<f64>,
    pub relative_dividend_rate: BTreeMap<String, RateIn>,
    pub reward_share: BTreeMap<String, Option<f64>>,
    pub validator_stake: Option<StakeIn>,
    pub winner_flips: u64,
}

/// G: `value` is `null` when undefined (the report says why beside it).
#[derive(Debug, Deserialize)]
pub struct RateIn {
    pub value: Option<f64>,
}

#[derive(Debug, Deserialize)]
pub struct StakeIn {
    pub gini: Option<f64>,
    pub nakamoto_coefficient_kappa: u64,
    pub nakamoto_coefficient_majority: u64,
}

/// Only the version, read first: a report of another version may lack or rename any other field,
/// and "wrong version" says more than the first field that moved.
#[derive(Deserialize)]
struct VersionOnly {
    tensorsim: VersionIn,
}

/// Parses a report's text; the error names the field (`subnets[0].observables.winner_flips`).
pub fn parse(text: &str) -> Result<ReportIn, String> {
    let version: VersionOnly = from_json(text)?;
    let found = version.tensorsim.report_version;
    if found != REPORT_VERSION_READ {
        return Err(format!(
            "tensorsim.report_version: {found}, this tensorsim reads version {REPORT_VERSION_READ} (re-run both with one tensorsim)"
        ));
    }
    let report: ReportIn = from_json(text)?;
    check_uids(&report)?;
    Ok(report)
}

/// A subnet holds at most `UIDS_MAX` UIDs: a longer epoch row is no report of a chain, and a
/// UID past it would not fit the u16 the diff names it by.
fn check_uids(report: &ReportIn) -> Result<(), String> {
    let max = usize::from(tensorsim_chain::hyperparameters::UIDS_MAX);
    for (s, subnet) in report.subnets.iter().enumerate() {
        for (e, epoch) in subnet.epochs.iter().enumerate() {
            let rows = [
                ("consensus", epoch.consensus.len()),
                ("dividends", epoch.dividends.len()),
                ("hotkeys", epoch.hotkeys.len()),
                ("incentive", epoch.incentive.len()),
            ];
            if let Some((field, n)) = rows.into_iter().find(|&(_, n)| n > max) {
                return Err(format!("subnets[{s}].epochs[{e}].{field}: {n} UIDs exceed the limit {max}"));
            }
        }
    }
    Ok(())
}

/// Parses JSON into `T`; the error names the field, or says where the text stops being JSON.
pub(super) fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let deserializer = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        // A syntax error has no field: "not JSON" and where says more than the path `.`.
        if inner.is_syntax() || inner.is_eof() {
            format!("not JSON ({inner})")
        } else if path.is_empty() || path == "." {
            inner.to_string()
        } else {
            format!("{path}: {inner}")
        }
    })
}
