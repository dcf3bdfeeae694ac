//! Activity, stake and validator permits (spec §2.2).

use crate::fixed::{I32F32, I64F64, i64f64_to_i32f32, normalize, normalize_i64f64};

/// `active_i ⇔ ¬(LU_i + cutoff < b)`: inactive once a whole cutoff has passed since the last
/// weight update, strictly (§2.2.1).
pub fn activity(last_update: &[u64], block: u64, activity_cutoff: u64) -> Vec<bool> {
    last_update.iter().map(|&lu| lu.saturating_add(activity_cutoff) >= block).collect()
}

/// The stake vector **s** (§2.2.2–3): raw stake weights below the threshold are zeroed (except
/// the owner's), normalised in I64F64, then narrowed to I32F32 by dropping 32 fractional bits.
pub fn stake_weights(stake: &[I64F64], stake_threshold_rao: u64, owner_uid: Option<u16>) -> Vec<I32F32> {
    let mut filtered: Vec<I64F64> = stake
        .iter()
        .enumerate()
        .map(|(uid, &s)| {
            let is_owner = owner_uid.is_some_and(|owner| usize::from(owner) == uid);
            let below = s.saturating_to_num::<u64>() < stake_threshold_rao;
            if below && !is_owner { I64F64::from_num(0) } else { s }
        })
        .collect();
    normalize_i64f64(&mut filtered);
    filtered.into_iter().map(i64f64_to_i32f32).collect()
}

/// Top-k by stable ascending sort: the first n − k positions lose (ties keep UID order, so among
/// equal values the higher UIDs win). Every position wins when n < k.
pub fn is_topk(values: &[I32F32], k: usize) -> Vec<bool> {
    let n = values.len();
    let mut result = vec![true; n];
    if n < k {
        return result;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&uid| values[uid]); // `sort_by_key` is stable.
    for &uid in &order[..n - k] {
        result[uid] = false;
    }
    result
}

/// New validator permits (§2.2.5): top-k of stake, non-zero stake only when `need_stake` (since
/// 2025-05-28; before, a UID without stake could hold a permit), and the owner always.
pub fn new_validator_permits(
    stake_weight: &[I32F32],
    max_allowed_validators: u16,
    owner_uid: Option<u16>,
    need_stake: bool,
) -> Vec<bool> {
    let mut permits = is_topk(stake_weight, usize::from(max_allowed_validators));
    if need_stake {
        for (permit, s) in permits.iter_mut().zip(stake_weight) {
            *permit &= s.to_bits() != 0;
        }
    }
    force_owner(&mut permits, owner_uid);
    permits
}

/// The owner UID always holds a permit at HEAD (§2.2.4–5, §6.2).
pub fn force_owner(permits: &mut [bool], owner_uid: Option<u16>) {
    if let Some(permit) = owner_uid.and_then(|owner| permits.get_mut(usize::from(owner))) {
        *permit = true;
    }
}

/// Active stake **a** (§2.2.6): s, zero where inactive or without a permit in force, normalised.
pub fn active_stake(stake_weight: &[I32F32], active: &[bool], permit_in_force: &[bool]) -> Vec<I32F32> {
    let mut a: Vec<I32F32> = stake_weight
        .iter()
        .zip(active.iter().zip(permit_in_force))
        .map(|(&s, (&active, &permit))| if active && permit { s } else { I32F32::from_num(0) })
        .collect();
    normalize(&mut a);
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vector_math_is_topk() {
        let v = |xs: &[f64]| -> Vec<I32F32> { xs.iter().map(|&x| I32F32::from_num(x)).collect() };
        let seq: Vec<f64> = (0..10).map(f64::from).collect();
        let cases: Vec<(Vec<I32F32>, usize, Vec<bool>)> = vec![
            (vec![], 5, vec![]),
            (v(&seq), 0, vec![false; 10]),
            (v(&seq), 5, [vec![false; 5], vec![true; 5]].concat()),
            (v(&seq), 10, vec![true; 10]),
            (v(&seq), 100, vec![true; 10]),
            (v(&[9., 8., 7., 6., 5., 4., 3., 2., 1., 0.]), 5, [vec![true; 5], vec![false; 5]].concat()),
            (
                v(&[9., 0., 8., 1., 7., 2., 6., 3., 5., 4.]),
                5,
                vec![true, false, true, false, true, false, true, false, true, false],
            ),
            (
                [0.9f32, 0., 0.8, 0.1, 0.7, 0.2, 0.6, 0.3, 0.5, 0.4].iter().map(|&x| I32F32::from_num(x)).collect(),
                5,
                vec![true, false, true, false, true, false, true, false, true, false],
            ),
            (v(&[0., 1., 2., 3., 4., 5., 5., 5., 5., 6.]), 5, [vec![false; 5], vec![true; 5]].concat()),
        ];
        for (values, k, want) in cases {
            assert_eq!(is_topk(&values, k), want, "{values:?} k {k}");
        }
        // derived_tie_rule: among equal values the higher index wins.
        assert_eq!(is_topk(&v(&[5., 5., 5.]), 1), vec![false, false, true]);
    }

    #[test]
    fn zero_stake_never_gets_a_permit_but_the_owner_does() {
        let s = [I32F32::from_num(0), I32F32::from_num(0.5), I32F32::from_num(0.5)];
        assert_eq!(new_validator_permits(&s, 64, None, true), vec![false, true, true]);
        assert_eq!(new_validator_permits(&s, 64, Some(0), true), vec![true, true, true]);
        assert_eq!(new_validator_permits(&s, 1, None, true), vec![false, false, true]);
    }

    #[test]
    fn activity_is_strict() {
        // LU 2, cutoff 10: active at block 12, inactive at 13 (edge_activity_cutoff_boundary).
        assert_eq!(activity(&[2], 12, 10), vec![true]);
        assert_eq!(activity(&[2], 13, 10), vec![false]);
        assert_eq!(activity(&[u64::MAX], u64::MAX, 10), vec![true]);
    }

    #[test]
    fn threshold_keeps_equal_stake_and_spares_the_owner() {
        let stake = [I64F64::from_num(1000), I64F64::from_num(999), I64F64::from_num(999)];
        let s = stake_weights(&stake, 1000, Some(2));
        assert_eq!(s[1], I32F32::from_num(0));
        assert!(s[0] > I32F32::from_num(0) && s[2] > I32F32::from_num(0));
    }
}
