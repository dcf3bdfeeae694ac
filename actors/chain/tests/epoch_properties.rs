//! Properties of the Yuma epoch (spec §2) over random valid inputs, under every era in `ERAS`,
//! with and without liquid alpha.
//!
//! The conformance cases pin exact numbers on a few hand-made subnets; these properties cover the
//! rest of the input space: no panic, the output shapes, the bounds that flooring guarantees
//! (u16 proportions and RAO amounts never sum above their whole), the permit rule of §2.2.5 and
//! the bond storage rule of §2.8 recomputed independently, and determinism (the epoch is a pure
//! function: no hidden state between calls).

mod support;

use std::fmt;

use proptest::option;
use proptest::prelude::*;
use proptest::sample::Index;
use support::{STAKE_LARGE_RAO, stake_rao, u16_edgy};
use tensorsim_chain::fixed::{I32F32, I64F64};
use tensorsim_chain::yuma::{
    Consensus, ERAS, EpochInputs, EpochOutput, EpochRules, Era, Layout, LiquidAlpha, dense, epoch, era_by_name,
};

/// The largest subnet generated: big enough for top-k to cut (K ≤ 64 is generated too), small
/// enough for hundreds of cases in a debug build.
const UIDS_MAX: usize = 48;

/// One epoch's inputs, owned (`EpochInputs` borrows its per-UID slices).
#[derive(Clone)]
struct Case {
    block: u64,
    last_update: Vec<u64>,
    registered_at: Vec<u64>,
    stake_rao: Vec<u64>,
    validator_permit: Vec<bool>,
    weights: Vec<Vec<(u16, u16)>>,
    bonds: Vec<Vec<(u16, u16)>>,
    first_commit_block: Option<Vec<u64>>,
    owner_uid: Option<u16>,
    settings: Settings,
}

/// One field per line with its vector inline: proptest prints a failing case with `{:#?}`,
/// which would put every element of every vector on its own line.
impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        writeln!(f, "Case {{ n: {}", self.n())?;
        writeln!(f, "  block: {}", self.block)?;
        writeln!(f, "  last_update: {:?}", self.last_update)?;
        writeln!(f, "  registered_at: {:?}", self.registered_at)?;
        writeln!(f, "  stake_rao: {:?}", self.stake_rao)?;
        writeln!(f, "  validator_permit: {:?}", self.validator_permit)?;
        writeln!(f, "  weights: {:?}", self.weights)?;
        writeln!(f, "  bonds: {:?}", self.bonds)?;
        writeln!(f, "  first_commit_block: {:?}", self.first_commit_block)?;
        writeln!(f, "  owner_uid: {:?}", self.owner_uid)?;
        write!(f, "  settings: {:?} }}", self.settings)
    }
}

/// The scalar inputs, none of which depend on n.
#[derive(Clone, Debug)]
struct Settings {
    tempo: u16,
    activity_cutoff: u64,
    last_mechanism_step_block: u64,
    stake_threshold_rao: u64,
    max_allowed_validators: u16,
    kappa: u16,
    bonds_penalty: u16,
    bonds_moving_average: u64,
    liquid_alpha: LiquidAlpha,
    emission_rao: u64,
}

impl Case {
    fn n(&self) -> usize {
        self.stake_rao.len()
    }

    fn stake(&self) -> Vec<I64F64> {
        self.stake_rao.iter().map(|&rao| I64F64::from_num(rao)).collect()
    }

    fn inputs<'a>(&'a self, stake: &'a [I64F64], liquid_alpha: bool) -> EpochInputs<'a> {
        let s = &self.settings;
        EpochInputs {
            block: self.block,
            tempo: s.tempo,
            activity_cutoff: s.activity_cutoff,
            last_mechanism_step_block: s.last_mechanism_step_block,
            last_update: &self.last_update,
            registered_at: &self.registered_at,
            stake,
            validator_permit: &self.validator_permit,
            weights: &self.weights,
            bonds: &self.bonds,
            first_commit_block: self.first_commit_block.as_deref(),
            owner_uid: self.owner_uid,
            stake_threshold_rao: s.stake_threshold_rao,
            max_allowed_validators: s.max_allowed_validators,
            kappa: s.kappa,
            bonds_penalty: s.bonds_penalty,
            bonds_moving_average: s.bonds_moving_average,
            liquid_alpha: liquid_alpha.then_some(s.liquid_alpha),
            emission_rao: s.emission_rao,
            rules: EpochRules::HEAD,
        }
    }

    fn run(&self, era: &dyn Era, liquid_alpha: bool) -> EpochOutput {
        let stake = self.stake();
        epoch(era, &self.inputs(&stake, liquid_alpha))
    }
}

// ---------------------------------------------------------------------------------------------
// Generators

/// A block number: mostly a small window, so that activity, the outdated mask, the commit mask
/// and "recently registered" all go both ways; sometimes anywhere, to reach the u64 edges.
fn block_number() -> impl Strategy<Value = u64> {
    prop_oneof![
        8 => 0u64..64,
        1 => any::<u64>(),
        1 => prop_oneof![Just(u64::MAX), Just(u64::MAX - 1)],
    ]
}

/// A u16 proportion or parameter, weighted towards the values with their own code paths.
/// The shape of a stored weight or bond row.
#[derive(Clone, Copy, Debug)]
enum RowKind {
    Empty,
    Sparse,
    Half,
    Dense,
    /// Present entries, every one an explicit zero (they differ from absent ones, §1.3).
    Zeros,
}

/// A stored row drawn for `UIDS_MAX` columns and cut to n later. Each column is one raw u32: its
/// low byte decides presence against the kind's density, its high half is the value. (One
/// integer per cell keeps generation fast in a debug build; a union strategy per cell made it
/// the bulk of the runtime.) Raw 0 is a present zero, so rows shrink towards empty or all-zero.
fn raw_row() -> impl Strategy<Value = (RowKind, Vec<u32>)> {
    let kind = prop_oneof![
        1 => Just(RowKind::Empty),
        2 => Just(RowKind::Sparse),
        2 => Just(RowKind::Half),
        2 => Just(RowKind::Dense),
        1 => Just(RowKind::Zeros),
    ];
    (kind, proptest::collection::vec(any::<u32>(), UIDS_MAX))
}

/// The row's entries in columns < n: ascending and unique by construction.
fn decode_row((kind, cells): &(RowKind, Vec<u32>), n: usize) -> Vec<(u16, u16)> {
    let density = match kind {
        RowKind::Empty => 0,
        RowKind::Sparse => 40, // of 256: about 15 %
        RowKind::Half | RowKind::Zeros => 128,
        RowKind::Dense => 256,
    };
    cells[..n]
        .iter()
        .enumerate()
        .filter(|&(_, raw)| raw & 0xff < density)
        .map(|(j, raw)| (j as u16, if matches!(kind, RowKind::Zeros) { 0 } else { entry_value((raw >> 16) as u16) }))
        .collect()
}

/// A stored weight or bond value from a raw u16, with the edges often: 0 (an explicit zero),
/// 65535, and small values next to big ones.
fn entry_value(raw: u16) -> u16 {
    match raw % 8 {
        0 => 0,
        1 => 65_535,
        2 => 1 + raw % 10,
        _ => raw,
    }
}

/// The stored weight or bond table for n UIDs: a row each, or sometimes fewer rows (the epoch
/// accepts `len ≤ n` and reads a missing row as empty).
fn decode_table(raw: &[(RowKind, Vec<u32>)], rows_kept: Option<Index>, n: usize) -> Vec<Vec<(u16, u16)>> {
    let len = rows_kept.map_or(n, |kept| kept.index(n));
    raw[..len].iter().map(|row| decode_row(row, n)).collect()
}

fn liquid_alpha() -> impl Strategy<Value = LiquidAlpha> {
    // The chain requires α_lo ≤ α_hi; equal bounds are the fixed-rate special case.
    let bounds = prop_oneof![
        any::<u16>().prop_map(|a| (a, a)),
        (any::<u16>(), any::<u16>()).prop_map(|(a, b)| (a.min(b), a.max(b))),
    ];
    let steepness = prop_oneof![Just(0i16), Just(1_000), Just(i16::MIN), Just(i16::MAX), any::<i16>()];
    (bounds, steepness).prop_map(|((alpha_low, alpha_high), steepness)| LiquidAlpha {
        alpha_low,
        alpha_high,
        steepness,
    })
}

fn settings() -> BoxedStrategy<Settings> {
    (
        prop_oneof![Just(0u16), Just(1), Just(360), any::<u16>()],
        prop_oneof![Just(0u64), 1u64..=64, Just(5_000), any::<u64>(), Just(u64::MAX)],
        prop_oneof![Just(0u64), block_number()],
        prop_oneof![
            2 => Just(0u64),
            2 => 0u64..=1_000,
            2 => 0u64..=STAKE_LARGE_RAO,
            1 => Just(u64::MAX), // above every stake: only the owner is spared
        ],
        0u16..=64,
        u16_edgy(),
        u16_edgy(),
        prop_oneof![Just(0u64), Just(900_000), Just(1_000_000), 0u64..=1_000_000],
        liquid_alpha(),
        prop_oneof![Just(0u64), Just(1_000_000_000), Just(u64::MAX / 2), Just(u64::MAX), any::<u64>()],
    )
        .prop_map(
            |(
                tempo,
                activity_cutoff,
                last_mechanism_step_block,
                stake_threshold_rao,
                max_allowed_validators,
                kappa,
                bonds_penalty,
                bonds_moving_average,
                liquid_alpha,
                emission_rao,
            )| Settings {
                tempo,
                activity_cutoff,
                last_mechanism_step_block,
                stake_threshold_rao,
                max_allowed_validators,
                kappa,
                bonds_penalty,
                bonds_moving_average,
                liquid_alpha,
                emission_rao,
            },
        )
        .boxed()
}

/// Where the epoch's block lies.
#[derive(Clone, Copy, Debug)]
enum BlockChoice {
    /// At or after every last update and registration, by this many blocks (the chain's case).
    AtOrAfterAll(u64),
    /// Anywhere: the epoch must not assume blocks are ordered.
    Any(u64),
}

/// A case of n UIDs. Every per-UID input is drawn for `UIDS_MAX` UIDs and cut to n, rather than
/// drawn after n (`prop_flat_map`): that way n and every element shrink independently, and a
/// failure shrinks to a small subnet.
// Boxed, like `settings`: the unboxed value trees of this nesting overflow a test thread's
// stack in a debug build.
fn case() -> BoxedStrategy<Case> {
    let per_uid = |s: BoxedStrategy<u64>| proptest::collection::vec(s, UIDS_MAX);
    let table = || (proptest::collection::vec(raw_row(), UIDS_MAX), option::weighted(0.1, any::<Index>()));
    (
        1..=UIDS_MAX,
        per_uid(block_number().boxed()),
        per_uid(block_number().boxed()),
        per_uid(stake_rao().boxed()),
        // Sometimes one UID tops the total up to i64::MAX, the most stake a subnet holds.
        option::weighted(0.1, any::<Index>()),
        proptest::collection::vec(any::<bool>(), UIDS_MAX),
        table(),
        table(),
        option::of(per_uid(prop_oneof![Just(u64::MAX), block_number()].boxed())),
        option::of(any::<Index>()),
        prop_oneof![(0u64..=16).prop_map(BlockChoice::AtOrAfterAll), block_number().prop_map(BlockChoice::Any)],
        settings(),
    )
        .prop_map(
            |(
                n,
                last_update,
                registered_at,
                stake_rao,
                top_up,
                validator_permit,
                (weights, weight_rows_kept),
                (bonds, bond_rows_kept),
                first_commit_block,
                owner,
                block,
                settings,
            )| {
                let last_update = last_update[..n].to_vec();
                let registered_at = registered_at[..n].to_vec();
                let mut stake_rao = stake_rao[..n].to_vec();
                if let Some(uid) = top_up.map(|index| index.index(n)) {
                    let others: u64 = stake_rao.iter().enumerate().filter(|&(i, _)| i != uid).map(|(_, &s)| s).sum();
                    stake_rao[uid] = i64::MAX as u64 - others;
                }
                let block = match block {
                    BlockChoice::AtOrAfterAll(after) => {
                        let latest = last_update.iter().chain(&registered_at).copied().max().unwrap_or(0);
                        latest.saturating_add(after)
                    }
                    BlockChoice::Any(block) => block,
                };
                Case {
                    block,
                    last_update,
                    registered_at,
                    stake_rao,
                    validator_permit: validator_permit[..n].to_vec(),
                    weights: decode_table(&weights, weight_rows_kept, n),
                    bonds: decode_table(&bonds, bond_rows_kept, n),
                    first_commit_block: first_commit_block.map(|blocks| blocks[..n].to_vec()),
                    owner_uid: owner.map(|index| index.index(n) as u16),
                    settings,
                }
            },
        )
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// The spec's rules, recomputed from the inputs alone

/// **s** (§2.2.2–3): stake below the threshold zeroed except the owner's, normalised in I64F64
/// (truncating division), narrowed to I32F32 by dropping 32 fractional bits.
fn spec_stake_weights(case: &Case) -> Vec<I32F32> {
    let filtered: Vec<I64F64> = case
        .stake_rao
        .iter()
        .enumerate()
        .map(|(i, &rao)| {
            let is_owner = case.owner_uid == Some(i as u16);
            if !is_owner && rao < case.settings.stake_threshold_rao {
                I64F64::from_num(0)
            } else {
                I64F64::from_num(rao)
            }
        })
        .collect();
    let total: I64F64 = filtered.iter().copied().sum();
    filtered
        .into_iter()
        .map(|x| if total == I64F64::from_num(0) { x } else { x / total })
        .map(|x| I32F32::from_bits((x.to_bits() >> 32) as i64))
        .collect()
}

/// `⌊x · 65535⌋` (§1.4).
fn spec_proportion_to_u16(x: I32F32) -> u16 {
    ((i128::from(x.to_bits()) * 65_535) >> 32).clamp(0, 65_535) as u16
}

/// New permits (§2.2.5): non-zero s; if n ≥ K, a stable ascending sort by s and the first n − K
/// lose (so among equal stakes the higher UIDs win); then the owner's is forced on.
fn spec_new_permits(case: &Case, s: &[I32F32]) -> Vec<bool> {
    let n = s.len();
    let k = usize::from(case.settings.max_allowed_validators);
    let mut permits: Vec<bool> = s.iter().map(|x| x.to_bits() != 0).collect();
    if n >= k {
        let mut ascending: Vec<usize> = (0..n).collect();
        ascending.sort_by_key(|&i| s[i]);
        for &i in &ascending[..n - k] {
            permits[i] = false;
        }
    }
    if let Some(owner) = case.owner_uid {
        permits[usize::from(owner)] = true;
    }
    permits
}

// ---------------------------------------------------------------------------------------------
// Properties

fn u16_sum(values: &[u16]) -> u64 {
    values.iter().map(|&x| u64::from(x)).sum()
}

fn rao_sum(values: &[u64]) -> u128 {
    values.iter().map(|&x| u128::from(x)).sum()
}

/// Every property of one output. `Err` names the first one violated.
fn check_output(case: &Case, out: &EpochOutput) -> Result<(), TestCaseError> {
    let n = case.n();

    // Shapes: one entry per UID in every vector, one bond row per UID.
    support::one_entry_per_uid(out, n)?;
    for (i, row) in out.bonds.iter().enumerate() {
        prop_assert!(row.iter().all(|&(j, _)| usize::from(j) < n), "bond row {} has a column >= n: {:?}", i, row);
        prop_assert!(row.windows(2).all(|w| w[0].0 < w[1].0), "bond row {} not strictly ascending: {:?}", i, row);
    }

    // §2.2.1: inactive exactly when LU + cutoff < b (u128: no overflow to reason about).
    for (i, &active) in out.active.iter().enumerate() {
        let inactive =
            u128::from(case.last_update[i]) + u128::from(case.settings.activity_cutoff) < u128::from(case.block);
        prop_assert_eq!(active, !inactive, "active[{}]", i);
    }

    // §2.4.3–4: a row clipping took nothing from keeps its trust Σ_j W_ij, which is 1 less at
    // most one truncation per entry (2^-32 each), so at least 65534 as u16.
    for (i, within) in out.weights_within_clipping.iter().enumerate() {
        if *within == Some(true) {
            prop_assert!(
                out.validator_trust[i] >= 65_534,
                "uid {} within clipping has trust {}",
                i,
                out.validator_trust[i]
            );
        }
    }

    // Normalised vectors floor to u16, so they never sum above 65535 (§1.3, §1.4).
    for (field, values) in
        [("incentive", &out.incentive), ("dividends", &out.dividends), ("stake_weight", &out.stake_weight)]
    {
        prop_assert!(u16_sum(values) <= 65_535, "sum of {} is {} > 65535", field, u16_sum(values));
    }

    // §2.7.4: every RAO amount is floored from a share of E, so no vector pays out more than E.
    let emission = u128::from(case.settings.emission_rao);
    let (combined, server, validator) =
        (rao_sum(&out.emission_rao), rao_sum(&out.server_emission_rao), rao_sum(&out.validator_emission_rao));
    prop_assert!(combined <= emission, "emission_rao sums to {} > E = {}", combined, emission);
    prop_assert!(server <= emission, "server_emission_rao sums to {} > E = {}", server, emission);
    prop_assert!(validator <= emission, "validator_emission_rao sums to {} > E = {}", validator, emission);
    prop_assert!(server + validator <= emission, "server + validator = {} > E = {}", server + validator, emission);

    // §2.2.2–3: the stake weight is ⌊s · 65535⌋ of the spec's s.
    let s = spec_stake_weights(case);
    let want_stake_weight: Vec<u16> = s.iter().map(|&x| spec_proportion_to_u16(x)).collect();
    prop_assert_eq!(&out.stake_weight, &want_stake_weight, "stake_weight");

    // §2.2.5 new permits: the owner always; otherwise only non-zero stake, and at most K of them.
    if let Some(owner) = case.owner_uid {
        prop_assert!(out.validator_permit[usize::from(owner)], "owner {} lost its permit", owner);
    }
    for (i, &permit) in out.validator_permit.iter().enumerate() {
        let is_owner = case.owner_uid == Some(i as u16);
        prop_assert!(!permit || is_owner || s[i].to_bits() != 0, "uid {} has a permit with zero stake weight", i);
    }
    let k = usize::from(case.settings.max_allowed_validators);
    let permits = out.validator_permit.iter().filter(|&&p| p).count();
    // Top-k keeps at most min(n, K); forcing the owner adds one more only if it was not among them.
    let bound = n.min(k + usize::from(case.owner_uid.is_some()));
    prop_assert!(
        permits <= bound,
        "{} permits > bound {} (n {}, K {}, owner {:?})",
        permits,
        bound,
        n,
        k,
        case.owner_uid
    );
    // And the exact set, ties included (higher UIDs win among equal stake).
    prop_assert_eq!(&out.validator_permit, &spec_new_permits(case, &s), "validator_permit (§2.2.5)");

    // §2.8 bond storage: a UID without a new permit keeps its row if it had no permit before and
    // has it cleared if it had one. (New permit holders get the era's computed row.)
    for i in 0..n {
        if out.validator_permit[i] {
            continue;
        }
        let stored = case.bonds.get(i).map_or(&[][..], Vec::as_slice);
        let want = if case.validator_permit[i] { &[][..] } else { stored };
        prop_assert_eq!(&out.bonds[i], want, "bond row {} of a UID without a new permit", i);
    }
    Ok(())
}

/// The eras with and without liquid alpha.
fn configurations() -> impl Iterator<Item = (&'static dyn Era, bool)> {
    ERAS.iter().flat_map(|&era| [(era, false), (era, true)])
}

#[test]
fn the_head_eras_are_all_covered() {
    // The properties run over `ERAS`; this keeps them from silently losing an era of §2.5–2.6.
    let names: Vec<&str> = ERAS.iter().map(|era| era.name()).collect();
    for name in ["original", "yuma3"] {
        assert!(names.contains(&name), "era {name} missing from ERAS {names:?}");
        assert_eq!(era_by_name(name).map(|era| era.name()), Some(name));
    }
}

proptest! {
    // No failure persistence: an integration test has no lib.rs for proptest to put the file
    // beside; a failure prints the shrunk case instead.
    #![proptest_config(ProptestConfig { cases: 600, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn epoch_outputs_are_well_formed_bounded_and_follow_the_permit_and_storage_rules(case in case()) {
        for (era, liquid_alpha) in configurations() {
            let out = case.run(era, liquid_alpha);
            check_output(&case, &out).map_err(|error| {
                TestCaseError::fail(format!("era {} liquid_alpha {}: {}", era.name(), liquid_alpha, error))
            })?;
        }
        // §2.5: original Yuma ignores liquid alpha at HEAD (only Yuma3 reads it).
        let original = era_by_name("original").unwrap();
        prop_assert_eq!(case.run(original, true), case.run(original, false), "original Yuma read liquid alpha");
    }
}

proptest! {
    // Fewer cases: each runs three epochs per configuration, and any hidden state would show on
    // almost every case rather than on rare inputs.
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn epoch_is_a_pure_function_of_its_inputs(case in case(), other in case()) {
        for (era, liquid_alpha) in configurations() {
            let first = case.run(era, liquid_alpha);
            let again = case.run(era, liquid_alpha);
            prop_assert_eq!(&first, &again, "era {} liquid_alpha {}: two calls differ", era.name(), liquid_alpha);
            // Another epoch in between must leave nothing behind (caches, scratch buffers).
            other.run(era, liquid_alpha);
            let after_other = case.run(era, liquid_alpha);
            prop_assert_eq!(&first, &after_other, "era {} liquid_alpha {}: changed by another epoch", era.name(), liquid_alpha);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    /// A study of β finishes one consensus at several bonds penalties: each must be the epoch run
    /// at that penalty, so nothing before the era's step may read it; and its emission alone (no
    /// bond storage) must be the epoch's.
    #[test]
    fn one_consensus_finished_at_each_bonds_penalty_is_the_epoch_at_that_penalty(
        case in case(),
        penalties in proptest::collection::vec(u16_edgy(), 1..4),
    ) {
        let stake = case.stake();
        for (era, liquid_alpha) in configurations() {
            let inputs = case.inputs(&stake, liquid_alpha);
            let consensus = Consensus::of(&inputs);
            for &bonds_penalty in &penalties {
                let alone = epoch(era, &EpochInputs { bonds_penalty, ..inputs });
                let emission = consensus.emission(era, bonds_penalty);
                prop_assert_eq!(&emission.combined_rao, &alone.emission_rao);
                prop_assert_eq!(&emission.server_rao, &alone.server_emission_rao);
                prop_assert_eq!(&emission.validator_rao, &alone.validator_emission_rao);
                prop_assert_eq!(&emission.pruning_score, &alone.pruning_score);
                prop_assert_eq!(consensus.finish(era, bonds_penalty), alone, "era {} β {}", era.name(), bonds_penalty);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Layouts: the dense block and the compressed rows give the same epoch

/// A subnet as validators make one, for the layout property: up to 160 UIDs (more than two
/// passes of the dense medians' 64 columns, and sizes either side of 64 and 128 often), up to
/// 72 validators (the medians of more than 48 items narrow them first), the first `validators`
/// UIDs weighting each column with the given density (in 1/256), some rows
/// all explicit zeros, bonds in steady state or not, sometimes a column's bonds reset, and the
/// masks' inputs drawn so that every mask sometimes cuts. Cells come from a seeded generator: a
/// failing case prints its seed and sizes.
fn subnet_case() -> BoxedStrategy<Case> {
    let n = prop_oneof![3 => 1usize..=160, 1 => prop_oneof![Just(63usize), Just(64), Just(65), Just(128), Just(129)]];
    // Past 48 voters a column's median narrows its items first (`median::weighted_median`).
    let validators = prop_oneof![1 => Just(1usize), 4 => 1usize..=40, 1 => 48usize..=72];
    (n, validators, prop_oneof![Just(256u32), Just(240), Just(128), Just(40), 0u32..=256], any::<u64>())
        .prop_flat_map(|(n, validators, density, seed)| {
            (Just((n, validators.min(n), density, seed)), settings(), option::of(0..n as u16), any::<bool>())
        })
        .prop_map(|((n, validators, density, seed), settings, owner_uid, commit_reveal)| {
            subnet_from_seed(n, validators, density, seed, settings, owner_uid, commit_reveal)
        })
        .boxed()
}

fn subnet_from_seed(
    n: usize,
    validators: usize,
    density: u32,
    seed: u64,
    settings: Settings,
    owner_uid: Option<u16>,
    commit_reveal: bool,
) -> Case {
    use rand_chacha::ChaCha8Rng;
    use rand_chacha::rand_core::{Rng, SeedableRng};
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut chance = |per_256: u32| rng.next_u32() % 256 < per_256;
    let block = 1_000;
    let is_validator: Vec<bool> = (0..n).map(|i| i < validators).collect();
    let validator_permit: Vec<bool> = is_validator.iter().map(|&v| if v { chance(240) } else { chance(8) }).collect();
    let registered_at: Vec<u64> =
        (0..n).map(|_| if chance(16) { block - 1 - u64::from(chance(128)) } else { 0 }).collect();
    let last_update: Vec<u64> = (0..n).map(|_| if chance(16) { 0 } else { block - 1 }).collect();
    // A validator's stake is sometimes 0 (no active stake: it does not vote).
    let zero_stake: Vec<bool> = (0..n).map(|_| chance(12)).collect();
    let reset_column = chance(48).then(|| (rng.next_u32() as usize) % n);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15);
    let stake_rao: Vec<u64> = (0..n)
        .map(|i| match (is_validator[i], zero_stake[i]) {
            (true, false) => 1_000_000_000 + rng.next_u64() % STAKE_LARGE_RAO,
            (true, true) => 0,
            (false, _) => rng.next_u64() % 1_000,
        })
        .collect();
    let mut cell = |present: u32| -> Option<u16> {
        let raw = rng.next_u32();
        (raw % 256 < present).then(|| entry_value((raw >> 16) as u16))
    };
    let mut weights = vec![Vec::new(); n];
    let mut bonds = vec![Vec::new(); n];
    for i in 0..validators {
        let zeros = cell(16).is_some();
        weights[i] = (0..n)
            .filter_map(|j| {
                let present = if is_validator[j] { density / 8 } else { density };
                cell(present).map(|w| (j as u16, if zeros { 0 } else { w }))
            })
            .collect();
        // Bonds where the weights are (steady state), with some more and some missing; a reset
        // (`Metagraph::reset_bonds`) takes one column out of every row.
        let steady = cell(200).is_some();
        bonds[i] = (0..n)
            .filter_map(|j| {
                let weighted = weights[i].iter().any(|&(k, _)| usize::from(k) == j);
                let present = if steady && weighted { 250 } else { 24 };
                cell(present).map(|b| (j as u16, b)).filter(|_| reset_column != Some(j))
            })
            .collect();
    }
    let first_commit_block =
        commit_reveal.then(|| (0..n).map(|_| if cell(32).is_some() { block - 2 } else { u64::MAX }).collect());
    Case {
        block,
        last_update,
        registered_at,
        stake_rao,
        validator_permit,
        weights,
        bonds,
        first_commit_block,
        owner_uid,
        settings,
    }
}

/// A subnet whose `validators` validators (each with a permit and stake, no owner) weight the
/// `miners` miners with `entries` entries in all, at seeded cells: every validator weights at
/// least one miner and every miner has at least one weight, so the dense block is exactly
/// validators × miners and `entries` fills that share of it. Bonds are where the weights are.
fn filled_block_case(validators: usize, miners: usize, entries: usize, seed: u64, settings: Settings) -> Case {
    use rand_chacha::ChaCha8Rng;
    use rand_chacha::rand_core::{Rng, SeedableRng};
    let (n, size) = (validators + miners, validators * miners);
    assert!(validators.max(miners) <= entries && entries <= size, "the block can hold {entries} entries");
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // A cover first (every row and column once), then the other cells in a seeded order.
    let mut filled = vec![false; size];
    for k in 0..validators.max(miners) {
        filled[(k % validators) * miners + k % miners] = true;
    }
    let mut others: Vec<usize> = (0..size).filter(|&cell| !filled[cell]).collect();
    for k in (1..others.len()).rev() {
        others.swap(k, (rng.next_u64() % (k as u64 + 1)) as usize);
    }
    let covered = validators.max(miners);
    for &cell in &others[..entries - covered] {
        filled[cell] = true;
    }
    let mut value = || entry_value(rng.next_u32() as u16);
    let weights: Vec<Vec<(u16, u16)>> = (0..n)
        .map(|i| {
            let row = if i < validators { &filled[i * miners..(i + 1) * miners] } else { &[][..] };
            (0..row.len()).filter(|&k| row[k]).map(|k| ((validators + k) as u16, value())).collect()
        })
        .collect();
    let bonds = weights.iter().map(|row| row.iter().map(|&(j, _)| (j, value())).collect()).collect();
    Case {
        block: 1_000,
        last_update: vec![999; n],
        registered_at: vec![0; n],
        stake_rao: (0..n).map(|i| if i < validators { 1_000_000_000 + 7_919 * i as u64 } else { 0 }).collect(),
        validator_permit: (0..n).map(|i| i < validators).collect(),
        weights,
        bonds,
        first_commit_block: None,
        owner_uid: None,
        settings,
    }
}

/// The dated rules a profile may run (every one off, HEAD, or a random mix).
fn epoch_rules() -> impl Strategy<Value = EpochRules> {
    let all_off = EpochRules {
        owner_exemptions: false,
        stake_threshold_and_nonzero_permits: false,
        commit_reveal_mask: false,
        owner_self_weight: false,
        recently_registered_bonds_mask: false,
        bonds_penalty: false,
        liquid_alpha_v1: true,
    };
    prop_oneof![
        2 => Just(EpochRules::HEAD),
        1 => Just(all_off),
        1 => proptest::array::uniform7(any::<bool>()).prop_map(|b| EpochRules {
            owner_exemptions: b[0],
            stake_threshold_and_nonzero_permits: b[1],
            commit_reveal_mask: b[2],
            owner_self_weight: b[3],
            recently_registered_bonds_mask: b[4],
            bonds_penalty: b[5],
            liquid_alpha_v1: b[6],
        }),
    ]
}

/// Every output of `case` under the dense and the sparse layout, equal in every era, with and
/// without liquid alpha: finished at the case's β and at `other_penalty` from one consensus
/// (each layout's borrowed path, `finish`), finished once by value (`into_finished`: the dense
/// era writes its bonds over W's block), and the emission alone; and the automatic choice
/// (`epoch`) gives the same.
fn layouts_agree(case: &Case, rules: EpochRules, other_penalty: u16) -> Result<(), TestCaseError> {
    let stake = case.stake();
    for (era, liquid_alpha) in configurations() {
        let inputs = EpochInputs { rules, ..case.inputs(&stake, liquid_alpha) };
        let dense = Consensus::with_layout(&inputs, Layout::Dense);
        let sparse = Consensus::with_layout(&inputs, Layout::Sparse);
        for bonds_penalty in [inputs.bonds_penalty, other_penalty] {
            let want = sparse.finish(era, bonds_penalty);
            let context = format!("era {} liquid alpha {} β {}", era.name(), liquid_alpha, bonds_penalty);
            prop_assert_eq!(&dense.finish(era, bonds_penalty), &want, "{}", context);
            prop_assert_eq!(&dense.emission(era, bonds_penalty), &sparse.emission(era, bonds_penalty), "{}", context);
        }
        let want = sparse.finish(era, inputs.bonds_penalty);
        let context = format!("era {} liquid alpha {}", era.name(), liquid_alpha);
        prop_assert_eq!(&dense.into_finished(era, inputs.bonds_penalty), &want, "{} into_finished dense", context);
        prop_assert_eq!(&sparse.into_finished(era, inputs.bonds_penalty), &want, "{} into_finished sparse", context);
        prop_assert_eq!(&epoch(era, &inputs), &want, "{} automatic layout", context);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_dense_and_the_sparse_layout_give_the_same_epoch_on_subnets_of_any_density(
        case in subnet_case(),
        rules in epoch_rules(),
        other_penalty in u16_edgy(),
    ) {
        layouts_agree(&case, rules, other_penalty)?;
    }

    #[test]
    fn the_dense_and_the_sparse_layout_give_the_same_epoch_on_any_input(
        case in case(),
        rules in epoch_rules(),
        other_penalty in u16_edgy(),
    ) {
        layouts_agree(&case, rules, other_penalty)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, failure_persistence: None, ..ProptestConfig::default() })]

    /// The automatic choice is dense from half the block filled (`dense::weights::Block`), and
    /// either side of that line both layouts give the same epoch.
    #[test]
    fn the_layouts_agree_on_blocks_filled_right_at_the_dense_threshold(
        validators in 2usize..=24,
        miners in 2usize..=80,
        above in -1isize..=1,
        seed in any::<u64>(),
        settings in settings(),
        rules in epoch_rules(),
        other_penalty in u16_edgy(),
    ) {
        // Half the block, one entry fewer or one more (never fewer than the cover needs).
        let size = validators * miners;
        let entries = (size.div_ceil(2) as isize + above).clamp(validators.max(miners) as isize, size as isize) as usize;
        let case = filled_block_case(validators, miners, entries, seed, settings);
        let block = dense::weights::Block::of(&case.weights, &case.validator_permit);
        prop_assert_eq!(block.is_dense(), 2 * entries >= size, "{} entries of {}", entries, size);
        layouts_agree(&case, rules, other_penalty)?;
    }
}

/// The benchmark's shape (64 validators weighting 256 miners, every one, bonds in steady state,
/// `benches/epoch.rs`) at HEAD's rules, in both layouts: the sizes the property's cases stay
/// below.
#[test]
fn the_layouts_agree_on_a_subnet_of_the_benchmarks_size() {
    let settings = Settings {
        tempo: 360,
        activity_cutoff: 5_000,
        last_mechanism_step_block: 640,
        stake_threshold_rao: 0,
        max_allowed_validators: 64,
        kappa: 32_767,
        bonds_penalty: 65_535,
        bonds_moving_average: 900_000,
        liquid_alpha: LiquidAlpha { alpha_low: 45_875, alpha_high: 58_982, steepness: 1_000 },
        emission_rao: 1_000_000_000,
    };
    for seed in 0..2 {
        for bonds_penalty in [0, 32_767, 65_535] {
            let settings = Settings { bonds_penalty, ..settings.clone() };
            let case = subnet_from_seed(320, 64, 256, seed, settings, None, false);
            layouts_agree(&case, EpochRules::HEAD, 0).unwrap();
        }
    }
}
