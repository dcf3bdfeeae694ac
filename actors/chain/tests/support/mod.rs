//! Test support shared by the chain's property tests and the simulator's replay fuzz (which
//! includes this file by path: a strategy or a check of the epoch's output exists once).

#![allow(dead_code)] // each including test uses part of it

use proptest::prelude::*;
use tensorsim_chain::yuma::EpochOutput;

/// The largest stake of one UID in the common range: about the total alpha of a large subnet.
pub const STAKE_LARGE_RAO: u64 = 20_000_000_000_000_000;

/// A u16 with its edges (0, the midpoint, the maximum) as likely as any other value.
pub fn u16_edgy() -> impl Strategy<Value = u16> {
    prop_oneof![Just(0u16), Just(32_767), Just(65_535), any::<u16>()]
}

/// A stake: often zero or dust, often large, sometimes exactly the large end.
pub fn stake_rao() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => Just(0u64),
        3 => 1u64..=1_000,
        3 => 0u64..=STAKE_LARGE_RAO,
        1 => Just(STAKE_LARGE_RAO),
    ]
}

/// `Err` unless every per-UID vector of `out` (and its bonds table) has one entry per UID.
pub fn one_entry_per_uid(out: &EpochOutput, n: usize) -> Result<(), TestCaseError> {
    let lengths = [
        ("active", out.active.len()),
        ("validator_permit", out.validator_permit.len()),
        ("stake_weight", out.stake_weight.len()),
        ("consensus", out.consensus.len()),
        ("incentive", out.incentive.len()),
        ("dividends", out.dividends.len()),
        ("validator_trust", out.validator_trust.len()),
        ("emission_rao", out.emission_rao.len()),
        ("server_emission_rao", out.server_emission_rao.len()),
        ("validator_emission_rao", out.validator_emission_rao.len()),
        ("pruning_score", out.pruning_score.len()),
        ("bonds", out.bonds.len()),
        ("weights_within_clipping", out.weights_within_clipping.len()),
    ];
    for (field, len) in lengths {
        prop_assert_eq!(len, n, "{} has {} entries for {} UIDs", field, len, n);
    }
    Ok(())
}
