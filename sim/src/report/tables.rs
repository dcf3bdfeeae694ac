//! The report as CSV tables for pandas and spreadsheets, rendered from the same document as
//! report.json (so they never say something it does not): epochs.csv, one row per subnet, epoch
//! and UID; actors.csv, one row per actor; actor_series.csv, one row per actor and epoch. Each
//! has a header row, even when it has no other; fields are quoted only where the RFC needs it;
//! lines end in `\n`; an absent value is an empty field.

use std::collections::BTreeMap;

use serde::Serialize;

use super::document::{ActorRow, Decimal6, Document, EpochRow, Paid, SubnetSection};

/// The three tables' text.
pub struct Tables {
    pub epochs: String,
    pub actors: String,
    pub actor_series: String,
}

pub fn render(document: &Document) -> Tables {
    let subnets = &document.subnets;
    Tables {
        epochs: table(|push| subnets.iter().for_each(|subnet| epoch_rows(subnet, push))),
        actors: table(|push| {
            for subnet in subnets {
                subnet.actors.iter().for_each(|actor| push(actor_row(subnet, actor)));
            }
        }),
        actor_series: table(|push| subnets.iter().for_each(|subnet| series_rows(subnet, push))),
    }
}

/// One UID at one epoch: every per-UID field of the epoch, in chain units.
#[derive(Default, Serialize)]
struct EpochCsvRow<'a> {
    subnet: &'a str,
    netuid: u16,
    /// The epoch's position in the run (0 is the first), as in report.json's list.
    epoch: usize,
    block: u64,
    uid: usize,
    hotkey: u32,
    /// The scenario's actor holding the hotkey, if any.
    actor: Option<&'a str>,
    group: Option<&'a str>,
    active: bool,
    validator_permit: bool,
    stake_weight: u16,
    consensus: u16,
    incentive: u16,
    dividends: u16,
    validator_trust: u16,
    weights_within_clipping: Option<bool>,
    bond_sum: u64,
    /// `alpha` or `tao`: the token the three emissions are in.
    token: &'a str,
    emission_rao: u64,
    server_emission_rao: u64,
    validator_emission_rao: u64,
}

/// An epoch's amounts, and the token they are in.
fn amounts<'a>(paid: &Paid<'a>) -> (&'a [u64], &'static str) {
    match paid {
        Paid::AlphaRao(amounts) => (amounts, "alpha"),
        Paid::TaoRao(amounts) => (amounts, "tao"),
    }
}

fn epoch_rows<'a>(subnet: &'a SubnetSection<'a>, push: &mut dyn FnMut(EpochCsvRow<'a>)) {
    let actors: BTreeMap<u32, &ActorRow> = subnet.actors.iter().map(|a| (a.hotkey, a)).collect();
    for (e, epoch) in subnet.epochs.iter().enumerate() {
        for uid in 0..epoch.hotkeys.len() {
            push(epoch_row(subnet, &actors, e, epoch, uid));
        }
    }
}

fn epoch_row<'a>(
    subnet: &'a SubnetSection<'a>,
    actors: &BTreeMap<u32, &'a ActorRow<'a>>,
    e: usize,
    epoch: &'a EpochRow<'a>,
    uid: usize,
) -> EpochCsvRow<'a> {
    let (emission, token) = amounts(&epoch.emission);
    let at = |values: &[u64]| values.get(uid).copied().unwrap_or(0);
    let actor = actors.get(&epoch.hotkeys[uid]);
    EpochCsvRow {
        subnet: subnet.name,
        netuid: subnet.netuid.expect("a subnet with epochs held a netuid"),
        epoch: e,
        block: epoch.block,
        uid,
        hotkey: epoch.hotkeys[uid],
        actor: actor.map(|a| a.name),
        group: actor.map(|a| a.group),
        active: epoch.active[uid],
        validator_permit: epoch.validator_permit[uid],
        stake_weight: epoch.stake_weight[uid],
        consensus: epoch.consensus[uid],
        incentive: epoch.incentive[uid],
        dividends: epoch.dividends[uid],
        validator_trust: epoch.validator_trust[uid],
        weights_within_clipping: epoch.weights_within_clipping.get(uid).copied().flatten(),
        bond_sum: at(epoch.bond_sums),
        token,
        emission_rao: at(emission),
        server_emission_rao: at(amounts(&epoch.server_emission).0),
        validator_emission_rao: at(amounts(&epoch.validator_emission).0),
    }
}

/// One actor: its row of report.json without the nested maps (extrinsics by call).
#[derive(Default, Serialize)]
struct ActorCsvRow<'a> {
    subnet: &'a str,
    name: &'a str,
    group: &'a str,
    role: &'a str,
    policy: &'a str,
    hotkey: u32,
    uid: Option<u16>,
    incentive_mean: Decimal6,
    dividends_mean: Decimal6,
    stake_weight_mean: Decimal6,
    relative_dividend_rate: Option<Decimal6>,
    relative_dividend_rate_undefined: Option<&'a str>,
    rewards_alpha_rao: Option<u64>,
    rewards_tao_rao: Option<u64>,
    genesis_stake_rao: Option<u64>,
    genesis_alpha_rao: Option<u64>,
    crashes: u64,
    queries_answered: Option<u64>,
    queries_refused: Option<u64>,
    queries_timed_out: Option<u64>,
    duplicate_answers: Option<u64>,
    malformed_answers: Option<u64>,
    held_out_accuracy: Option<Decimal6>,
    held_out_nll: Option<Decimal6>,
    last_registered_epoch_block: Option<u64>,
}

fn actor_row<'a>(subnet: &'a SubnetSection<'a>, a: &'a ActorRow<'a>) -> ActorCsvRow<'a> {
    let g = a.relative_dividend_rate.as_ref();
    ActorCsvRow {
        subnet: subnet.name,
        name: a.name,
        group: a.group,
        role: a.role.name(),
        policy: a.policy,
        hotkey: a.hotkey,
        uid: a.uid,
        incentive_mean: a.incentive_mean,
        dividends_mean: a.dividends_mean,
        stake_weight_mean: a.stake_weight_mean,
        relative_dividend_rate: g.map(|g| g.value),
        relative_dividend_rate_undefined: g.and_then(|g| g.undefined.as_deref()),
        rewards_alpha_rao: a.rewards.alpha_rao,
        rewards_tao_rao: a.rewards.tao_rao,
        genesis_stake_rao: a.genesis_stake_rao,
        genesis_alpha_rao: a.genesis_alpha_rao,
        crashes: a.crashes,
        queries_answered: a.queries.map(|q| q.answered),
        queries_refused: a.queries.map(|q| q.refused),
        queries_timed_out: a.queries.map(|q| q.timed_out),
        duplicate_answers: a.duplicate_answers,
        malformed_answers: a.malformed_answers,
        held_out_accuracy: a.model.as_ref().map(|m| m.held_out_accuracy),
        held_out_nll: a.model.as_ref().map(|m| m.held_out_nll),
        last_registered_epoch_block: a.last_registered_epoch_block,
    }
}

/// One actor at one epoch: its `actor_series` entries (fractions of 1).
#[derive(Default, Serialize)]
struct SeriesCsvRow<'a> {
    subnet: &'a str,
    actor: &'a str,
    epoch: usize,
    block: u64,
    uid: Option<u16>,
    incentive: Decimal6,
    dividends: Decimal6,
    validator_trust: Decimal6,
    stake_weight: Decimal6,
    /// Validators only.
    relative_dividend_rate: Option<Decimal6>,
}

fn series_rows<'a>(subnet: &'a SubnetSection<'a>, push: &mut dyn FnMut(SeriesCsvRow<'a>)) {
    for (&actor, series) in &subnet.actor_series {
        for (e, epoch) in subnet.epochs.iter().enumerate() {
            push(SeriesCsvRow {
                subnet: subnet.name,
                actor,
                epoch: e,
                block: epoch.block,
                uid: series.uid[e],
                incentive: series.incentive[e],
                dividends: series.dividends[e],
                validator_trust: series.validator_trust[e],
                stake_weight: series.stake_weight[e],
                relative_dividend_rate: series.relative_dividend_rate.as_ref().map(|g| g[e]),
            });
        }
    }
}

/// The rows `write_rows` pushes, as CSV under their header (the row type's field names).
fn table<T: Serialize + Default>(write_rows: impl FnOnce(&mut dyn FnMut(T))) -> String {
    let mut writer = builder(false).from_writer(header::<T>().into_bytes());
    write_rows(&mut |row| writer.serialize(row).expect("a flat row serialises as CSV"));
    let bytes = writer.into_inner().expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8")
}

/// The header line of `T`'s table: csv writes it before a first row, so it is cut from a
/// default row's table (a table with no rows still has it).
fn header<T: Serialize + Default>() -> String {
    let mut writer = builder(true).from_writer(Vec::new());
    writer.serialize(T::default()).expect("a flat row serialises as CSV");
    let text = String::from_utf8(writer.into_inner().expect("writing to memory cannot fail")).expect("UTF-8");
    text.lines().next().map_or(String::new(), |line| format!("{line}\n"))
}

fn builder(has_headers: bool) -> csv::WriterBuilder {
    let mut builder = csv::WriterBuilder::new();
    builder.has_headers(has_headers).terminator(csv::Terminator::Any(b'\n'));
    builder
}
