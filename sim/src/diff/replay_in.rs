//! The part of a replay output (`shared/spec/replay-format.md`: an epoch case's, a snapshot
//! replay's, or a chain case's with its `netuid`) that `tensorsim diff` reads, as types. Unknown
//! fields are allowed (the output has more, and a chain case's has `blocks`); every field read is
//! required, so an output that lost one is refused with the field's path.

use serde::Deserialize;
use tensorsim_chain::hyperparameters::UIDS_MAX;

use crate::diff::report_in::from_json;

#[derive(Debug, Deserialize)]
pub struct ReplayIn {
    pub name: String,
    pub epochs: Vec<ReplayEpochIn>,
}

/// One epoch record: its per-UID outputs (u16, and RAO for `emission_rao`).
#[derive(Debug, Deserialize)]
pub struct ReplayEpochIn {
    pub block: u64,
    /// A chain case's subnet; absent in an epoch case's output.
    #[serde(default)]
    pub netuid: Option<u16>,
    pub consensus: Vec<u16>,
    pub incentive: Vec<u16>,
    pub dividends: Vec<u16>,
    pub validator_trust: Vec<u16>,
    pub emission_rao: Vec<u64>,
}

/// Parses a replay output; the error names the field (`epochs[3].dividends`).
pub fn parse(text: &str) -> Result<ReplayIn, String> {
    let replay: ReplayIn = from_json(text)?;
    for (e, epoch) in replay.epochs.iter().enumerate() {
        check_epoch(epoch).map_err(|(field, message)| format!("epochs[{e}].{field}: {message}"))?;
    }
    Ok(replay)
}

/// An epoch's vectors have one entry per UID, all as many, at most `UIDS_MAX` (the UID a diff
/// names must fit its u16).
fn check_epoch(epoch: &ReplayEpochIn) -> Result<(), (&'static str, String)> {
    let n = epoch.consensus.len();
    let lengths = [
        ("consensus", n),
        ("incentive", epoch.incentive.len()),
        ("dividends", epoch.dividends.len()),
        ("validator_trust", epoch.validator_trust.len()),
        ("emission_rao", epoch.emission_rao.len()),
    ];
    for (field, len) in lengths {
        if len > usize::from(UIDS_MAX) {
            return Err((field, format!("{len} UIDs exceed the limit {UIDS_MAX}")));
        }
        if len != n {
            return Err((field, format!("{len} UIDs where consensus has {n}")));
        }
    }
    Ok(())
}

/// The per-UID outputs a replay diff compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplayField {
    Consensus,
    Incentive,
    Dividends,
    ValidatorTrust,
    EmissionRao,
}

impl ReplayField {
    pub const ALL: [Self; 5] =
        [Self::Consensus, Self::Incentive, Self::Dividends, Self::ValidatorTrust, Self::EmissionRao];

    /// The output's key.
    pub fn name(self) -> &'static str {
        match self {
            Self::Consensus => "consensus",
            Self::Incentive => "incentive",
            Self::Dividends => "dividends",
            Self::ValidatorTrust => "validator_trust",
            Self::EmissionRao => "emission_rao",
        }
    }

    pub fn by_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.name() == name)
    }
}

impl ReplayEpochIn {
    /// The per-UID values of `field`, widened to u64.
    pub fn values(&self, field: ReplayField) -> Vec<u64> {
        let widen = |values: &[u16]| values.iter().map(|&v| u64::from(v)).collect();
        match field {
            ReplayField::Consensus => widen(&self.consensus),
            ReplayField::Incentive => widen(&self.incentive),
            ReplayField::Dividends => widen(&self.dividends),
            ReplayField::ValidatorTrust => widen(&self.validator_trust),
            ReplayField::EmissionRao => self.emission_rao.clone(),
        }
    }
}
