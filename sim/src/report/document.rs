//! The report's JSON document as types. Fields are declared in alphabetical order: serde writes
//! them in declaration order, and report.json has its keys sorted (a test checks every object).

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

/// A float as the report prints it: rounded to 6 decimals, `null` when not finite (and by
/// default).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
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
    /// Subnets that came and went: only when the scenario registers a subnet mid-run or sets
    /// the chain's network registration items (`network.subnets`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_lifecycle: Option<LifecycleSection<'a>>,
    pub subnets: Vec<SubnetSection<'a>>,
    pub tensorsim: Version,
}

/// Subnets that came and went over the run (subnets spec §2–4).
#[derive(Serialize)]
pub struct LifecycleSection<'a> {
    /// Every registration (accepted or refused), prune and refused stake, in block order.
    pub events: Vec<NetworkEventRow<'a>>,
    /// Stretches of blocks over which the same subnets lived, each begun by the registrations
    /// and prunes of its first block (the first by genesis).
    pub periods: Vec<PeriodRow<'a>>,
    /// The chain's network registration items of the run.
    pub registration: RegistrationItems,
}

#[derive(Serialize)]
pub struct RegistrationItems {
    pub immunity_period_blocks: u64,
    pub lock_reduction_interval_blocks: u64,
    pub min_lock_cost_rao: u64,
    pub rate_limit_blocks: u64,
    pub subnet_limit: u16,
}

/// Blocks over which the same subnets lived.
#[derive(Serialize)]
pub struct PeriodRow<'a> {
    /// TAO the prunes that began the period paid out: stakers' payouts that went through and
    /// owners' refunds.
    pub dissolution_payouts_rao: u64,
    pub from_block: u64,
    /// At the end of `from_block` and of `to_block`; between them it only falls.
    pub lock_cost_rao: LockCostRange,
    /// Subnets the subnet limit pruned at `from_block`.
    pub prunes: usize,
    /// Subnets registered at `from_block`.
    pub registrations: usize,
    /// Registrations the chain refused during the period.
    pub registrations_refused: usize,
    /// The subnets living over the period, by netuid.
    pub subnets: Vec<LivingRow<'a>>,
    pub to_block: u64,
}

#[derive(Serialize)]
pub struct LockCostRange {
    pub from: u64,
    pub to: u64,
}

#[derive(Serialize)]
pub struct LivingRow<'a> {
    pub name: &'a str,
    pub netuid: u16,
}

/// Something that happened to a subnet of the scenario: one key says what.
#[derive(Serialize)]
pub struct NetworkEventRow<'a> {
    pub block: u64,
    #[serde(flatten)]
    pub event: NetworkEvent<'a>,
    pub subnet: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkEvent<'a> {
    /// The subnet limit dissolved the subnet for another's registration.
    Pruned(PruneRow<'a>),
    /// The chain refused its owner's `register_network`: its error, at this lock cost.
    Refused { error: &'a str, lock_cost_rao: u64 },
    /// Its owner's `register_network` went through.
    Registered(RegisteredRow),
    /// A validator that joined could not buy its stake.
    StakeRefused { actor: Option<&'a str>, error: &'a str },
}

#[derive(Serialize)]
pub struct RegisteredRow {
    /// The scenario's hyperparameters over the chain's: `accepted`, or why not.
    pub hyperparameters: String,
    /// What left the owner for the pool.
    pub locked_rao: u64,
    pub netuid: u16,
    pub pool_alpha_rao: u64,
    pub pool_tao_rao: u64,
    /// The owner's `start_call`: `accepted` or the chain's refusal.
    pub start_call: String,
}

/// A dissolution (subnets spec §4): the pool's TAO shared among its stakers by largest
/// remainder, the protocol's share and failed payouts recycled.
#[derive(Serialize)]
pub struct PruneRow<'a> {
    /// The subnet whose registration pruned it.
    pub by: &'a str,
    pub netuid: u16,
    pub owner_refund_rao: u64,
    /// Payouts that went through, summed.
    pub paid_rao: u64,
    pub payouts: Vec<PayoutRow>,
    /// The pool's TAO.
    pub pot_rao: u64,
    pub protocol_share_rao: u64,
    pub recycled_rao: u64,
}

/// One staking position of a dissolved subnet and what it was paid.
#[derive(Serialize)]
pub struct PayoutRow {
    pub alpha_rao: u64,
    /// The actor whose hotkey held it, `owner of <subnet>`, or `hotkey <id>`.
    pub holder: String,
    pub paid: bool,
    pub tao_rao: u64,
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
    /// Each actor's outputs epoch by epoch, by name; lists align with `epochs`.
    pub actor_series: BTreeMap<&'a str, ActorSeries>,
    pub actors: Vec<ActorRow<'a>>,
    pub epochs: Vec<EpochRow<'a>>,
    /// Hyperparameters that changed during the run (an upgrade), as the epochs ran under them.
    pub hyperparameter_changes: Vec<HyperparameterChange>,
    /// At genesis, as the chain names them; a map, so sorted whatever the struct's field order.
    pub hyperparameters: BTreeMap<String, serde_json::Value>,
    pub name: &'a str,
    /// The netuid it held (a subnet registered mid-run: the chain's; `null` if it never was).
    pub netuid: Option<u16>,
    pub observables: Observables,
    /// The owner's hyperparameter calls and the chain's verdicts (absent when the scenario has
    /// none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub owner_actions: Vec<OwnerActionRow>,
    /// The block the subnet limit pruned it at, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pruned_at_block: Option<u64>,
    pub queries: SubnetQueries,
    /// The block its owner registered it at, for a subnet registered mid-run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registered_at_block: Option<u64>,
    /// Burned registrations during the run, a pruned UID's previous holder with them.
    pub registrations: Vec<RegistrationRow<'a>>,
    pub stability: StabilitySection<'a>,
    /// The scenario's stake calls and the chain's verdicts (absent when it has none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stake_actions: Vec<StakeActionRow<'a>>,
    pub task: String,
}

/// One actor's outputs at each epoch of the subnet (`null` where it held no UID), as fractions
/// of 1 (the chain's u16 over 65535).
#[derive(Serialize)]
pub struct ActorSeries {
    pub dividends: Vec<Decimal6>,
    pub incentive: Vec<Decimal6>,
    /// Validators only: G at each epoch (`null` also where undefined; the epochs' group rows
    /// say why).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relative_dividend_rate: Option<Vec<Decimal6>>,
    pub stake_weight: Vec<Decimal6>,
    pub uid: Vec<Option<u16>>,
    pub validator_trust: Vec<Decimal6>,
}

/// Consensus stability over the run: means over the report's window, and how long validators'
/// dividends and bonds took to settle after each fault or upgrade.
#[derive(Serialize)]
pub struct StabilitySection<'a> {
    /// The mean of the window's epochs' τ (those where it is defined).
    pub incentive_kendall_tau_mean: Decimal6,
    /// One row per applied fault (upgrades included), in the order of `faults`.
    pub settling: Vec<SettleRow<'a>>,
    /// The mean of the window's epochs' `validator_trust_stake_mean`.
    pub validator_trust_stake_mean: Decimal6,
    /// The mean of the window's epochs' share (those with voting stake).
    pub within_clipping_stake_share_mean: Decimal6,
}

/// After one event (a fault or an upgrade): when the validators' dividends, and their bond sums,
/// settled (see README).
#[derive(Serialize)]
pub struct SettleRow<'a> {
    /// The event's block; the epochs after it count.
    pub block: u64,
    pub bonds: Settled,
    pub dividends: Settled,
    pub event: &'a str,
}

/// The first epoch after an event from which every validator's series stays within 1 % of its
/// mean over the rest of the run (at most the 100 epochs after the event), or why there is none.
#[derive(Serialize)]
pub struct Settled {
    /// Epochs after the event that ran before the settled stretch began (0: settled from the
    /// first); `null` when the run ends unsettled.
    pub epochs: Option<usize>,
    /// The block of the settled stretch's first epoch.
    pub settled_block: Option<u64>,
    /// Why it never settled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undefined: Option<String>,
}

/// Consensus stability at one epoch.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EpochStability {
    /// Kendall τ-b of the previous epoch's incentive and this one's, over the UIDs that kept
    /// their hotkey; `null` at the first epoch, or when fewer than 2 UIDs pair or a ranking is
    /// all ties.
    pub incentive_kendall_tau: Decimal6,
    /// The voters' validator trust (fractions of 1); `null` when nobody voted.
    pub validator_trust: Option<FiveNumberRow>,
    /// The voters' trust weighted by their stake weight: the share of the voting stake's weight
    /// that clipping left (1 when nothing was clipped); `null` when nobody voted.
    pub validator_trust_stake_mean: Decimal6,
    /// UIDs whose weights consensus read: active stake and a positive weight.
    pub voters: usize,
    /// Of the voters' stake weight, the share whose weights lay within clipping (nothing of
    /// their row clipped); `null` when nobody voted.
    pub within_clipping_stake_share: Decimal6,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FiveNumberRow {
    pub max: Decimal6,
    pub median: Decimal6,
    pub min: Decimal6,
    pub p25: Decimal6,
    pub p75: Decimal6,
}

/// One hyperparameter's change: the first epoch (its block) that ran under the new value.
#[derive(Serialize)]
pub struct HyperparameterChange {
    pub block: u64,
    pub name: String,
    pub new: serde_json::Value,
    pub old: serde_json::Value,
}

/// An owner's hyperparameter call: `verdict` is `accepted` or the chain's refusal (its error
/// name first, e.g. `AdminActionProhibitedDuringWeightsWindow`).
#[derive(Serialize)]
pub struct OwnerActionRow {
    pub block: u64,
    /// The call as the scenario wrote it: `{bonds_moving_average: 975000}`.
    pub set: serde_json::Value,
    pub verdict: String,
}

/// A stake call of the scenario: `move_stake` (a merge: all of the operator's stake on `from`'s
/// hotkey to `to`'s), `add_stake` or `remove_stake` (a delegator's, all of it, on `to`);
/// `verdict` is `accepted` or the chain's refusal.
#[derive(Serialize)]
pub struct StakeActionRow<'a> {
    /// The alpha moved, bought or sold (absent when refused).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha_rao: Option<u64>,
    pub block: u64,
    pub call: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub verdict: String,
}

#[derive(Serialize)]
pub struct RegistrationRow<'a> {
    /// The actor that registered (`null` for a hotkey of no actor).
    pub actor: Option<&'a str>,
    pub block: u64,
    /// TAO burned to register.
    pub burn_rao: u64,
    pub hotkey: u32,
    /// The actor pruned from the UID, when the subnet was full.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_actor: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_hotkey: Option<u32>,
    pub uid: u16,
}

/// Amounts an epoch paid, by UID, in the token it paid: alpha under dynamic TAO (spec §3.4),
/// TAO before it.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Paid<'a> {
    AlphaRao(&'a [u64]),
    TaoRao(&'a [u64]),
}

/// What an actor earned over the run, by token (a run across the dTAO launch has both).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Rewards {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha_rao: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tao_rao: Option<u64>,
}

/// G: a value, or `null` with the reason it has none.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RateRow {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undefined: Option<String>,
    pub value: Decimal6,
}

/// How concentrated the validators' stake is at one epoch (stake weight, u16 shares, over the
/// subnet's validator actors registered then).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StakeRow {
    pub gini: Decimal6,
    pub hhi: Decimal6,
    /// The fewest validators holding at least κ (the kappa in force) of their stake: who can
    /// set consensus alone.
    pub nakamoto_coefficient_kappa: usize,
    /// The fewest validators holding more than half of their stake.
    pub nakamoto_coefficient_majority: usize,
    pub top_1_share: Decimal6,
    pub top_3_share: Decimal6,
    pub validators: usize,
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

/// One actor over the run; means are over the report's window (`observables.window`), where
/// scores have settled, and over the epochs of it the actor was registered in.
#[derive(Serialize)]
pub struct ActorRow<'a> {
    pub crashes: u64,
    pub dividends_mean: Decimal6,
    /// Miners whose answers validators' duplicate rule found to be copies, how many.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_answers: Option<u64>,
    pub extrinsics_ok: &'a BTreeMap<&'static str, u64>,
    pub extrinsics_refused: &'a BTreeMap<String, u64>,
    /// Validators given alpha at genesis (`stake_alpha`, or `stake_share` on a dTAO chain): that
    /// alpha.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub genesis_alpha_rao: Option<u64>,
    /// Validators staking TAO at genesis (`stake_tao`, or `stake_share` before dTAO): that TAO.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub genesis_stake_rao: Option<u64>,
    pub group: &'a str,
    /// The chain's id of its hotkey (epochs list the hotkey of each UID).
    pub hotkey: u32,
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
    /// Validators only: G over the window, or why it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relative_dividend_rate: Option<RateRow>,
    /// Emission over the whole run.
    pub rewards: Rewards,
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

/// One epoch: its outputs by UID, and the subnet around it.
#[derive(Serialize)]
pub struct EpochRow<'a> {
    pub active: &'a [bool],
    pub block: u64,
    /// Each UID's bond row summed (its stored u16 entries), whatever `report.bonds` says.
    pub bond_sums: &'a [u64],
    /// Only under the scenario's `report: {bonds: true}`: each UID's bonds, sparse (uid, u16).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bonds: Option<&'a [Vec<(u16, u16)>]>,
    pub consensus: &'a [u16],
    pub dividends: &'a [u16],
    /// The moving price the coinbase shares TAO by, TAO per alpha.
    pub ema_price: Decimal6,
    pub emission: Paid<'a>,
    /// The hotkey of each UID (a UID that changed hands changes hotkey).
    pub hotkeys: Vec<u32>,
    pub incentive: &'a [u16],
    /// The kappa the epoch ran under.
    pub kappa: u16,
    pub pool_alpha_rao: u64,
    pub pool_tao_rao: u64,
    /// The pool's spot price, TAO per alpha.
    pub price: Decimal6,
    /// G of each validator group at this epoch.
    pub relative_dividend_rate: BTreeMap<String, RateRow>,
    /// The committed weights revealed since the previous epoch that this epoch is the first to
    /// read, each with its commit → reveal lag.
    pub reveals: Vec<RevealRow>,
    /// The miners' part of `emission` (incentive).
    pub server_emission: Paid<'a>,
    pub stability: EpochStability,
    pub stake_weight: &'a [u16],
    pub total_issuance_rao: u64,
    /// The validators' part of `emission` (their dividends, as paid).
    pub validator_emission: Paid<'a>,
    pub validator_permit: &'a [bool],
    pub validator_stake: StakeRow,
    pub validator_trust: &'a [u16],
    /// Each UID's weights: within clipping (`true`: consensus clipped nothing of its row),
    /// clipped (`false`), or `null` when consensus read none of its (no active stake, no
    /// positive weight).
    pub weights_within_clipping: &'a [Option<bool>],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RevealRow {
    pub commit_block: u64,
    /// Blocks from the commit's to the reveal's.
    pub lag_blocks: u64,
    pub uid: u16,
}

/// Where the report's window-read observables and means are read: the epochs after a block, the
/// run's first half being warm-up (scores settling).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Window {
    pub after_block: u64,
    pub epochs: usize,
}

#[derive(Serialize)]
pub struct Observables {
    /// Each miner group's answers that validators' duplicate rule found to be copies, over the run.
    pub duplicate_answers: BTreeMap<String, u64>,
    /// Over honest miners: held-out accuracy against their mean incentive in the window.
    pub incentive_accuracy_spearman: Decimal6,
    /// Each group's share of all incentive summed over the window.
    pub incentive_share: ByGroup,
    /// Timed out over every query sent (answered, refused or timed out).
    pub query_timeout_rate: Decimal6,
    /// Each validator group's G over the window.
    pub relative_dividend_rate: BTreeMap<String, RateRow>,
    /// Each group's share of all emission summed over the window.
    pub reward_share: ByGroup,
    /// The validators' stake at the last epoch.
    pub validator_stake: Option<StakeRow>,
    pub window: Window,
    /// Changes of the top-incentive hotkey between the window's epochs.
    pub winner_flips: usize,
}

/// Every query validators sent, by outcome: answered with probabilities, refused, or timed out.
/// Malformed and duplicate answers are answers, counted again by what the validators made of them.
#[derive(Serialize)]
pub struct SubnetQueries {
    pub answered: u64,
    pub duplicate: u64,
    /// Over answered queries; `null` when there is none.
    pub latency_ms: Option<LatencyMs>,
    pub malformed: u64,
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
