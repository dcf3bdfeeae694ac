//! The report's JSON document as types. Fields are declared in alphabetical order: serde writes
//! them in declaration order, and report.json has its keys sorted (a test checks every object).

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

/// A float as the report prints it: rounded to 6 decimals, `null` when not finite.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decimal6(Option<f64>);

impl Decimal6 {
    pub const NULL: Self = Self(None);

    pub fn round(x: f64) -> Self {
        let rounded = (x * 1e6).round() / 1e6;
        Self(rounded.is_finite().then_some(rounded))
    }

    /// `None` for undefined values (a rank correlation of constant vectors, say).
    pub fn of(x: Option<f64>) -> Self {
        x.map_or(Self::NULL, Self::round)
    }

    /// The rounded value, as the report prints it.
    pub fn value(self) -> Option<f64> {
        self.0
    }
}

impl Serialize for Decimal6 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(x) => serializer.serialize_f64(x),
            None => serializer.serialize_none(),
        }
    }
}

/// Group name → value.
pub type ByGroup = BTreeMap<String, Decimal6>;

#[derive(Serialize)]
pub struct Document<'a> {
    pub chain: ChainSection,
    pub expectations: Vec<ExpectationRow<'a>>,
    pub faults: Vec<FaultRow<'a>>,
    pub network: NetworkSection,
    pub run: RunSection<'a>,
    pub subnets: Vec<SubnetSection<'a>>,
    pub tensorsim: Version,
}

#[derive(Serialize)]
pub struct ChainSection {
    /// "held after every block", or where and how it broke.
    pub conservation: String,
    pub total_issuance_rao: u64,
}

#[derive(Serialize)]
pub struct ExpectationRow<'a> {
    pub max: Option<f64>,
    pub min: Option<f64>,
    /// The observable, with `[group]` for group observables.
    pub observable: String,
    pub pass: bool,
    pub subnet: &'a str,
    pub value: Decimal6,
}

#[derive(Serialize)]
pub struct FaultRow<'a> {
    pub block: u64,
    pub fault: &'a str,
    pub time_ms: u64,
}

#[derive(Serialize)]
pub struct NetworkSection {
    pub messages_delivered: u64,
    /// Only when a full queue dropped some: reports of runs without drops keep their bytes.
    #[serde(skip_serializing_if = "is_zero")]
    pub messages_dropped: u64,
    pub messages_lost: LostRow,
    pub messages_sent: u64,
    pub nodes: usize,
}

/// Messages lost, by why; each counted once (see `record::MessageCounts`).
#[derive(Serialize)]
pub struct LostRow {
    /// The receiver had crashed and not restarted.
    pub crashed: u64,
    /// On their link, by its loss rate.
    pub link: u64,
    /// The sender or the receiver was offline.
    pub offline: u64,
    /// Across a partition.
    pub partition: u64,
}

impl LostRow {
    pub fn of(lost: crate::record::LostMessages) -> Self {
        Self { crashed: lost.crashed, link: lost.link, offline: lost.offline, partition: lost.partition }
    }

    pub fn total(&self) -> u64 {
        self.crashed + self.link + self.offline + self.partition
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[derive(Serialize)]
pub struct RunSection<'a> {
    pub blocks: u64,
    pub blocks_produced: u64,
    pub profile: &'static str,
    pub scenario: &'a str,
    pub scenario_sha256: String,
    pub seed: u64,
    pub virtual_seconds: Decimal6,
}

#[derive(Serialize)]
pub struct Version {
    pub report_version: u64,
    pub version: &'static str,
}

#[derive(Serialize)]
pub struct SubnetSection<'a> {
    pub actors: Vec<ActorRow<'a>>,
    pub epochs: Vec<EpochRow<'a>>,
    /// As the chain names them; a map, so sorted whatever the struct's field order.
    pub hyperparameters: BTreeMap<String, serde_json::Value>,
    pub name: &'a str,
    pub netuid: u16,
    pub observables: Observables,
    pub queries: SubnetQueries,
    pub task: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorRole {
    Validator,
    Miner,
}

impl ActorRole {
    pub fn name(self) -> &'static str {
        match self {
            Self::Validator => "validator",
            Self::Miner => "miner",
        }
    }
}

/// One actor over the run; means are over the run's second half, where scores have settled.
#[derive(Serialize)]
pub struct ActorRow<'a> {
    pub crashes: u64,
    pub dividends_mean: Decimal6,
    /// Miners whose answers validators credited nothing as duplicates, how many.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_answers: Option<u64>,
    pub extrinsics_ok: &'a BTreeMap<&'static str, u64>,
    pub extrinsics_refused: &'a BTreeMap<String, u64>,
    /// Validators only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub genesis_stake_rao: Option<u64>,
    pub group: &'a str,
    pub incentive_mean: Decimal6,
    /// The last epoch (its block) the actor was registered in.
    pub last_registered_epoch_block: Option<u64>,
    /// Miners whose answers validators refused as no probability distribution, how many.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub malformed_answers: Option<u64>,
    /// Miners that serve a model only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelRow>,
    pub name: &'a str,
    pub policy: &'static str,
    /// Validators only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queries: Option<QueryCounts>,
    /// Validators only; `null` for one without a rate (no stake, or no honest reference).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relative_dividend_rate: Option<Decimal6>,
    pub rewards_rao: u64,
    pub role: ActorRole,
    pub stake_weight_mean: Decimal6,
    /// The UID in the last epoch; `null` when not registered then.
    pub uid: Option<u16>,
}

#[derive(Serialize)]
pub struct ModelRow {
    pub data_percent: u8,
    pub epochs: u32,
    pub held_out_accuracy: Decimal6,
    pub held_out_nll: Decimal6,
    pub hidden: usize,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct QueryCounts {
    pub answered: u64,
    pub refused: u64,
    pub timed_out: u64,
}

/// One epoch's outputs, by UID.
#[derive(Serialize)]
pub struct EpochRow<'a> {
    pub block: u64,
    pub consensus: &'a [u16],
    pub dividends: &'a [u16],
    pub emission_rao: &'a [u64],
    pub incentive: &'a [u16],
    pub stake_weight: &'a [u16],
    pub validator_permit: &'a [bool],
    pub validator_trust: &'a [u16],
}

#[derive(Serialize)]
pub struct Observables {
    pub incentive_accuracy_spearman: Decimal6,
    pub incentive_share: ByGroup,
    pub query_timeout_rate: Decimal6,
    pub relative_dividend_rate: ByGroup,
    pub reward_share: ByGroup,
    pub stake_gini: Decimal6,
    pub stake_nakamoto_coefficient: usize,
    pub winner_flips: usize,
}

#[derive(Serialize)]
pub struct SubnetQueries {
    pub answered: u64,
    /// `null` when no query was answered.
    pub latency_ms: Option<LatencyMs>,
    pub refused: u64,
    pub timed_out: u64,
}

#[derive(Serialize)]
pub struct LatencyMs {
    pub count: u64,
    pub max: Decimal6,
    pub p50: Decimal6,
    pub p90: Decimal6,
    pub p99: Decimal6,
}
