//! Scenario schema v1: the YAML a user writes, as types. Unknown keys are refused everywhere;
//! numbers with a range are checked as they are read, so an error names the line, the column and
//! the field. The JSON Schema of `tensorsim schema` is generated from these same types.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
use tensorsim_actors::miner::policies::MinerPolicySpec;
use tensorsim_actors::ml::task::DataExposure;
use tensorsim_actors::validator::duplicates::DuplicateRule;
use tensorsim_actors::validator::policies::ValidatorPolicySpec;

/// An integer in `MIN..=MAX`, refused as it is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, JsonSchema)]
#[schemars(transparent)]
pub struct Bounded<const MIN: u64, const MAX: u64>(pub u64);

impl<'de, const MIN: u64, const MAX: u64> Deserialize<'de> for Bounded<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = u64::deserialize(deserializer)?;
        if !(MIN..=MAX).contains(&value) {
            return Err(serde::de::Error::custom(format!("{value} is outside {MIN}..={MAX}")));
        }
        Ok(Self(value))
    }
}

impl<const MIN: u64, const MAX: u64> Bounded<MIN, MAX> {
    pub fn get(self) -> u64 {
        self.0
    }
}

/// A probability in [0, 1].
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd, JsonSchema)]
#[schemars(transparent)]
pub struct Probability(pub f64);

impl<'de> Deserialize<'de> for Probability {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        if !(0.0..=1.0).contains(&value) {
            return Err(serde::de::Error::custom(format!("{value} is not a probability in [0, 1]")));
        }
        Ok(Self(value))
    }
}

/// A share in (0, 1]: part of a whole, and not nothing.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, JsonSchema)]
#[schemars(transparent)]
pub struct Share(pub f64);

impl<'de> Deserialize<'de> for Share {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        if !(value > 0.0 && value <= 1.0) {
            return Err(serde::de::Error::custom(format!("{value} is not a share in (0, 1]")));
        }
        Ok(Self(value))
    }
}

/// A non-negative finite number.
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd, JsonSchema)]
#[schemars(transparent)]
pub struct NonNegative(pub f64);

impl<'de> Deserialize<'de> for NonNegative {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        if !value.is_finite() || value < 0.0 {
            return Err(serde::de::Error::custom(format!("{value} is not a finite non-negative number")));
        }
        Ok(Self(value))
    }
}

/// Blocks in a run: up to 10^7 (about 3.8 simulated years).
pub type Blocks = Bounded<0, 10_000_000>;
/// Actors in one group.
pub type Count = Bounded<1, 4096>;
/// Milliseconds, up to a simulated day.
pub type Millis = Bounded<0, 86_400_000>;

/// A tensorsim scenario.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The schema version: 1.
    pub version: Bounded<1, 1>,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The seed of every random draw of the run (`--seed` overrides it).
    pub seed: u64,
    /// The protocol profile the chain starts under (`tensorsim profiles` lists them).
    #[serde(default = "default_profile")]
    pub profile: String,
    pub duration: Duration,
    #[serde(default)]
    pub network: NetworkSpec,
    pub subnets: Vec<SubnetSpec>,
    /// Faults applied at given blocks.
    #[serde(default)]
    pub faults: Vec<FaultSpec>,
    /// Runtime upgrades at given blocks.
    #[serde(default)]
    pub upgrades: Vec<UpgradeSpec>,
    /// The observables that decide pass or fail.
    #[serde(default)]
    pub expect: Vec<Expectation>,
    /// What the report holds beyond its default.
    #[serde(default)]
    pub report: ReportSpec,
}

/// Opt-in parts of the report.
#[derive(Clone, Copy, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportSpec {
    /// Every epoch's bonds table (sparse rows by UID): the bulk of a report, so off by default.
    #[serde(default)]
    pub bonds: bool,
}

fn default_profile() -> String {
    "head-2026".to_string()
}

/// How long the run lasts: whole tempos of the first subnet, or blocks.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Duration {
    Tempos(Bounded<1, 100_000>),
    Blocks(Bounded<1, 10_000_000>),
}

/// The network between nodes: the block time and the default link.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    #[serde(default = "default_block_time")]
    pub block_time_ms: Bounded<1, 3_600_000>,
    /// One-way latency of every link (faults may change a link's).
    #[serde(default = "default_latency")]
    pub latency: LatencySpec,
    /// The share of messages every link loses.
    #[serde(default)]
    pub loss: Probability,
    /// The chain's items for subnets that come and go (subnets spec §1): how many subnets it
    /// holds and what registering one costs. Absent: the runtime's values.
    #[serde(default)]
    pub subnets: Option<SubnetRegistrationSpec>,
}

/// Network registration's items (subnets spec §1), each defaulting to the runtime's value.
#[derive(Clone, Copy, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubnetRegistrationSpec {
    /// `SubnetLimit`: subnets beside root. A registration at the limit prunes the subnet of
    /// lowest moving price among those past their immunity (none: refused). Default 128.
    #[serde(default)]
    pub limit: Option<Bounded<1, 1024>>,
    /// `NetworkImmunityPeriod`: a subnet cannot be pruned for this many blocks after its
    /// registration (genesis subnets: after block 0). Default 1 296 000.
    #[serde(default)]
    pub immunity_period_blocks: Option<Blocks>,
    /// `NetworkRateLimit`: blocks between two registrations, by anyone. Default 7 200.
    #[serde(default)]
    pub rate_limit_blocks: Option<Blocks>,
    /// `NetworkMinLockCost`, the floor of the lock cost, in TAO. Default 1 000.
    #[serde(default)]
    pub min_lock_cost_tao: Option<NonNegative>,
    /// `NetworkLockReductionInterval`: the lock cost doubles at a registration and falls back
    /// over this many blocks (scaled by block emission). Default 100 800.
    #[serde(default)]
    pub lock_reduction_interval_blocks: Option<Blocks>,
}

fn default_block_time() -> Bounded<1, 3_600_000> {
    Bounded(12_000)
}

fn default_latency() -> LatencySpec {
    LatencySpec::Uniform { min_ms: NonNegative(5.0), max_ms: NonNegative(60.0) }
}

impl Default for NetworkSpec {
    fn default() -> Self {
        Self { block_time_ms: default_block_time(), latency: default_latency(), loss: Probability(0.0), subnets: None }
    }
}

/// A one-way latency distribution, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum LatencySpec {
    Fixed {
        ms: NonNegative,
    },
    Uniform {
        min_ms: NonNegative,
        max_ms: NonNegative,
    },
    /// Log-normal with this median and the spread σ of the log.
    LogNormal {
        median_ms: NonNegative,
        sigma: NonNegative,
    },
}

impl std::fmt::Display for LatencySpec {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Self::Fixed { ms } => write!(f, "{} ms", ms.0),
            Self::Uniform { min_ms, max_ms } => write!(f, "uniform {}–{} ms", min_ms.0, max_ms.0),
            Self::LogNormal { median_ms, sigma } => write!(f, "log-normal, median {} ms, σ {}", median_ms.0, sigma.0),
        }
    }
}

/// One subnet: its task, hyperparameters and actors.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubnetSpec {
    pub name: String,
    pub task: TaskSpec,
    /// Over the profile's values for a new subnet (snake_case names of the spec, §7).
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub hyperparameters: serde_json::Map<String, serde_json::Value>,
    /// How this subnet's validators query and set weights.
    #[serde(default)]
    pub validation: ValidationSpec,
    pub validators: Vec<ValidatorGroup>,
    pub miners: Vec<MinerGroup>,
    /// The subnet pool at genesis, TAO and alpha (equal: a price of 1); default 100 000. A subnet
    /// registered mid-run has none: its owner's lock seeds its pool.
    #[serde(default)]
    pub pool_tao: Option<NonNegative>,
    /// The subnet appears at this block (1 and later, after the block's extrinsics): its owner
    /// locks TAO through the chain's `register_network` (the lock cost, the rate limit, a prune
    /// at the subnet limit) and calls `start_call`; the chain gives the netuid. Its actors join
    /// from the next block, registered as the chain allows (validators first, each then buying
    /// its `stake_tao` through the new pool). If the chain refuses, the subnet never exists and
    /// its actors never start. Absent: the subnet exists at genesis.
    #[serde(default)]
    pub register_at_block: Option<Blocks>,
    /// The owner's free balance at genesis, in TAO, for a subnet registered mid-run (what pays
    /// its lock). Default: twice the minimum lock cost, enough for the cost right after another
    /// registration.
    #[serde(default)]
    pub owner_balance_tao: Option<NonNegative>,
    /// The subnet owner's hyperparameter calls, each at a block (after that block's
    /// extrinsics), through the chain's checks: the origin (some parameters, kappa among them,
    /// are root's only), the owner's rate limit, the freeze window before each epoch, the bounds.
    /// The report lists each with the chain's verdict.
    #[serde(default)]
    pub owner_actions: Vec<OwnerActionSpec>,
}

/// One hyperparameter call of a subnet's owner.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnerActionSpec {
    /// The block that includes it (1 and later).
    pub at_block: Blocks,
    /// One hyperparameter and its value, e.g. `{bonds_moving_average: 975000}` or
    /// `{alpha_values: [low, high]}`.
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub set: serde_json::Map<String, serde_json::Value>,
}

/// The genesis pool of a subnet that does not state one, in TAO.
pub const DEFAULT_POOL_TAO: f64 = 100_000.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskSpec {
    /// Handwritten digit classification (UCI digits, 8×8 pixels, 10 classes).
    Digits,
    /// Next-character prediction on Shakespeare (8 characters of context, 69 symbols); a model's
    /// `epochs` are hundreds of training steps.
    Text,
}

/// The validator loop of a subnet (the subnet template's settings).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidationSpec {
    /// A query round every this many milliseconds.
    #[serde(default = "default_query_interval")]
    pub query_interval_ms: Bounded<1, 86_400_000>,
    /// Miners per round.
    #[serde(default = "default_sample_size")]
    pub sample_size: Bounded<1, 4096>,
    /// Hidden rows per query.
    #[serde(default = "default_rows")]
    pub rows_per_query: Bounded<1, 512>,
    /// A miner that has not answered by then scores 0 for the round.
    #[serde(default = "default_timeout")]
    pub timeout_ms: Bounded<1, 3_600_000>,
    /// The moving average's weight on a new score.
    #[serde(default = "default_score_alpha")]
    pub score_alpha: Probability,
    /// Weights every this many blocks (default: the subnet's tempo).
    #[serde(default)]
    pub weights_interval_blocks: Option<Bounded<1, 1_000_000>>,
    /// A metagraph sync every this many blocks.
    #[serde(default = "default_sync_interval")]
    pub sync_interval_blocks: Bounded<1, 1_000_000>,
    /// How answers that copy another miner's are treated: `history` (the default) compares
    /// answers to the same row across rounds, `round` only within a round, `none` not at all.
    #[serde(default)]
    pub duplicates: DuplicateRule,
    /// Whether the hidden rows stayed private (the default) or leaked to miners, labels and all
    /// (what a `lookup` miner can have memorised).
    #[serde(default)]
    pub data: DataExposure,
}

fn default_query_interval() -> Bounded<1, 86_400_000> {
    Bounded(12_000)
}
fn default_sample_size() -> Bounded<1, 4096> {
    Bounded(16)
}
fn default_rows() -> Bounded<1, 512> {
    Bounded(16)
}
fn default_timeout() -> Bounded<1, 3_600_000> {
    Bounded(12_000)
}
fn default_score_alpha() -> Probability {
    Probability(0.1)
}
fn default_sync_interval() -> Bounded<1, 1_000_000> {
    Bounded(10)
}

impl Default for ValidationSpec {
    fn default() -> Self {
        Self {
            query_interval_ms: default_query_interval(),
            sample_size: default_sample_size(),
            rows_per_query: default_rows(),
            timeout_ms: default_timeout(),
            score_alpha: default_score_alpha(),
            weights_interval_blocks: None,
            sync_interval_blocks: default_sync_interval(),
            duplicates: DuplicateRule::default(),
            data: DataExposure::default(),
        }
    }
}

/// Validators sharing a policy; node names are `name/0`, `name/1`, …
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidatorGroup {
    pub name: String,
    pub count: Count,
    #[serde(default = "honest_validator")]
    pub policy: ValidatorPolicySpec,
    /// TAO each validator stakes at genesis, bought as alpha through its subnet's pool in node
    /// order, so with slippage (before dTAO: TAO staked on root). A group states exactly one of
    /// `stake_tao`, `stake_alpha` and `stake_share`.
    #[serde(default)]
    pub stake_tao: Option<Ladder>,
    /// Alpha each validator holds at genesis, issued to its stake as it is (no pool, no
    /// slippage). dTAO profiles only.
    #[serde(default)]
    pub stake_alpha: Option<Ladder>,
    /// The group's share of its subnet's validator stake weight at genesis, in (0, 1], split
    /// equally among its validators (alpha issued to them; before dTAO, TAO on root). Beside
    /// groups stating `stake_tao` or `stake_alpha` the shares take their part of the total and
    /// those groups hold the rest; when every group states a share they sum to 1 and the
    /// validators hold as much as the pool (`pool_tao`).
    #[serde(default)]
    pub stake_share: Option<Share>,
}

fn honest_validator() -> ValidatorPolicySpec {
    ValidatorPolicySpec::Honest
}

/// Miners sharing a policy and a model recipe; node names are `name/0`, `name/1`, …
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MinerGroup {
    pub name: String,
    pub count: Count,
    #[serde(default = "honest_miner")]
    pub policy: MinerPolicySpec,
    /// The model each miner trains (policies without a model ignore it).
    #[serde(default)]
    pub model: ModelRecipe,
}

fn honest_miner() -> MinerPolicySpec {
    MinerPolicySpec::Honest
}

/// How a miner's model is built. Each value is one number for the whole group, or a
/// `{from, to}` ladder spread evenly over the group's miners (so quality really differs).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelRecipe {
    /// Hidden units (1..=512).
    #[serde(default = "default_hidden")]
    pub hidden: Ladder,
    /// Passes over the training rows (digits), or hundreds of training steps (text).
    #[serde(default = "default_epochs")]
    pub epochs: Ladder,
    /// The share of the public rows the miner trains on, in percent (1..=100).
    #[serde(default = "default_data_percent")]
    pub data_percent: Ladder,
}

fn default_hidden() -> Ladder {
    Ladder::One(NonNegative(32.0))
}
fn default_epochs() -> Ladder {
    Ladder::One(NonNegative(10.0))
}
fn default_data_percent() -> Ladder {
    Ladder::One(NonNegative(100.0))
}

impl Default for ModelRecipe {
    fn default() -> Self {
        Self { hidden: default_hidden(), epochs: default_epochs(), data_percent: default_data_percent() }
    }
}

/// One value, or values spread evenly from `from` (the group's first) to `to` (its last).
#[derive(Clone, Copy, Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(untagged, expecting = "a number, or {from: number, to: number}")]
pub enum Ladder {
    One(NonNegative),
    Spread { from: NonNegative, to: NonNegative },
}

impl Ladder {
    /// The value of member `index` of `count`.
    pub fn at(&self, index: u64, count: u64) -> f64 {
        match *self {
            Self::One(value) => value.0,
            Self::Spread { from, to } if count > 1 => from.0 + (to.0 - from.0) * index as f64 / (count - 1) as f64,
            Self::Spread { from, .. } => from.0,
        }
    }

    pub fn max(&self) -> f64 {
        match *self {
            Self::One(value) => value.0,
            Self::Spread { from, to } => from.0.max(to.0),
        }
    }

    pub fn min(&self) -> f64 {
        match *self {
            Self::One(value) => value.0,
            Self::Spread { from, to } => from.0.min(to.0),
        }
    }
}

/// A fault, applied at a block. `node` names a node (`group/index`), a whole group, or `chain`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum FaultSpec {
    /// The node's process dies (its memory is lost; its disk is kept) and, if given, restarts.
    Crash { node: String, at_block: Blocks, restart_at_block: Option<Blocks> },
    /// The node is cut off the network (it keeps running) until `until_block`.
    Offline { node: String, at_block: Blocks, until_block: Option<Blocks> },
    /// Nodes in different sides cannot reach each other until `heal_at_block`.
    Partition { sides: Vec<Vec<String>>, at_block: Blocks, heal_at_block: Option<Blocks> },
    /// The links from `from` to `to` (one way) get this latency and loss until `until_block`.
    Link {
        from: Vec<String>,
        to: Vec<String>,
        at_block: Blocks,
        until_block: Option<Blocks>,
        latency: Option<LatencySpec>,
        loss: Option<Probability>,
    },
    /// The node's clock runs `offset_ms` off and drifts `drift_ppm` from `at_block` on.
    ClockSkew {
        node: String,
        at_block: Blocks,
        offset_ms: i64,
        #[serde(default)]
        drift_ppm: i64,
    },
    /// The block producer stalls for `stall_ms` after `at_block`, or produces every
    /// `block_time_ms` from `at_block` to `until_block`.
    BlockProducer {
        at_block: Blocks,
        #[serde(default)]
        stall_ms: Option<Millis>,
        #[serde(default)]
        block_time_ms: Option<Bounded<1, 3_600_000>>,
        #[serde(default)]
        until_block: Option<Blocks>,
    },
}

/// A runtime upgrade at the end of `at_block`: the profile and hyperparameters from then on.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpgradeSpec {
    pub at_block: Blocks,
    #[serde(default)]
    pub profile: Option<String>,
    /// Over every subnet's current values.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub hyperparameters: serde_json::Map<String, serde_json::Value>,
}

/// A pass/fail condition on an observable of the report.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    pub observable: Observable,
    /// The subnet (by name) the observable is read on; the first when absent.
    #[serde(default)]
    pub subnet: Option<String>,
    /// The actor group, for group observables.
    #[serde(default)]
    pub group: Option<String>,
    /// Another group of the subnet: the value is then the group's observable divided by this
    /// group's (undefined, so failing, when this group's is 0), as `incentive_share[sybils/solo]`.
    #[serde(default)]
    pub relative_to: Option<String>,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Observable {
    /// Spearman's ρ between honest miners' held-out accuracy and their mean incentive.
    IncentiveAccuracySpearman,
    /// A validator group's G: its dividends per stake over the honest validators' median.
    RelativeDividendRate,
    /// A group's share of all incentive over the run's second half.
    IncentiveShare,
    /// A group's share of the emission paid to the subnet's actors.
    RewardShare,
    /// The share of queries that got no answer in time.
    QueryTimeoutRate,
    /// A miner group's answers that validators' duplicate rule found to be copies, over the run.
    DuplicateAnswers,
}
