//! The stake-weighted median (spec §2.4.1): a deterministic quickselect with the middle element
//! as pivot, on raw I32F32 bits.
//!
//! Why folding zeros is exact: with exact sums (the raw values are integers and the stakes sum to
//! about 1, far from saturation) the quickselect returns the smallest value v with
//! `S(x ≤ v) > m` (or the largest value if there is none), where `S` sums the stake of the items
//! at or below v. That depends on the multiset of (value, stake), not on the order or the pivots.
//! So the validators of a column with weight 0 (absent or explicit) can enter as one item of
//! value 0 carrying their summed stake; a sparse column then costs its entries, not all
//! validators. `tests::folded_equals_spec_algorithm` checks this against the verbatim algorithm.

/// Reusable buffers for [`weighted_median`], so a column costs no allocation.
#[derive(Default)]
pub struct MedianScratch {
    /// The items of the current round (the first round reads the column in place).
    values: Vec<i64>,
    stakes: Vec<i64>,
    /// Where a round compacts the side it keeps; swapped with the above after it.
    kept_values: Vec<i64>,
    kept_stakes: Vec<i64>,
}

/// The spec's quickselect over the items `(values[k], stakes[k])` (raw I32F32 bits): lower bound
/// 0, upper bound `hi`, threshold `m`. The items are read in place; later rounds work in `scratch`.
pub fn weighted_median(values: &[i64], stakes: &[i64], m: i64, hi: i64, scratch: &mut MedianScratch) -> i64 {
    assert_eq!(values.len(), stakes.len(), "one stake per value");
    // The spec adds stakes saturating. With non-negative stakes whose total fits far inside i64
    // (they are proportions summing to about 1.0 = 2^32) no partial sum can saturate, so the
    // rounds below add plainly, which lets the counting pass vectorise.
    let total = stakes.iter().try_fold(0i64, |sum, &stake| if stake >= 0 { sum.checked_add(stake) } else { None });
    assert!(
        total.is_some_and(|t| t < 1 << 62),
        "weighted_median: stakes must be non-negative, total far below i64::MAX"
    );
    let MedianScratch { values: round_values, stakes: round_stakes, kept_values, kept_stakes } = scratch;
    let (mut lo, mut hi) = (0i64, hi);
    let mut in_place = true;
    // Each round removes the pivot at least, so the loop ends; the bound is the spec's safety.
    for _ in 0..=values.len() {
        let (values, stakes) =
            if in_place { (values, stakes) } else { (round_values.as_slice(), round_stakes.as_slice()) };
        let len = values.len();
        match len {
            0 => return 0,
            1 => return values[0],
            _ => {}
        }
        let pivot = values[len / 2];
        // Count both sides without storing anything (items strictly below and above the pivot;
        // equal items belong to neither).
        let (mut lower_stake, mut upper_stake, mut lower_len, mut upper_len) = (0i64, 0i64, 0usize, 0usize);
        for (&value, &stake) in values.iter().zip(stakes) {
            let below = value < pivot;
            let above = value > pivot;
            lower_stake += stake & -i64::from(below);
            upper_stake += stake & -i64::from(above);
            lower_len += usize::from(below);
            upper_len += usize::from(above);
        }
        let keep_lower = lower_len > 0 && m < lo.saturating_add(lower_stake);
        if keep_lower {
            hi = lo.saturating_add(lower_stake);
        } else if upper_len > 0 && hi.saturating_sub(upper_stake) <= m {
            lo = hi.saturating_sub(upper_stake);
        } else {
            return pivot;
        }
        keep_in_order(
            values,
            stakes,
            kept_values,
            kept_stakes,
            |value| {
                if keep_lower { value < pivot } else { value > pivot }
            },
        );
        std::mem::swap(round_values, kept_values);
        std::mem::swap(round_stakes, kept_stakes);
        in_place = false;
    }
    0
}

/// Copies the items whose value passes `keep` into `kept_*`, in their order, without branches
/// (which side an item falls on is a coin flip, so a branch would mispredict half the time).
#[inline]
fn keep_in_order(
    values: &[i64],
    stakes: &[i64],
    kept_values: &mut Vec<i64>,
    kept_stakes: &mut Vec<i64>,
    keep: impl Fn(i64) -> bool,
) {
    kept_values.resize(values.len(), 0);
    kept_stakes.resize(values.len(), 0);
    let mut kept = 0;
    for (&value, &stake) in values.iter().zip(stakes) {
        kept_values[kept] = value;
        kept_stakes[kept] = stake;
        kept += usize::from(keep(value));
    }
    kept_values.truncate(kept);
    kept_stakes.truncate(kept);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::fixed::I32F32;
    use proptest::prelude::*;

    /// §2.4.1 verbatim: index lists over all items, zeros included one by one.
    pub(crate) fn spec_weighted_median(stake: &[i64], score: &[i64], m: i64, hi: i64) -> i64 {
        let mut partition: Vec<usize> = (0..stake.len()).collect();
        let (mut lo, mut hi) = (0i64, hi);
        let mut iterations = 0;
        loop {
            if iterations > stake.len() {
                return 0;
            }
            iterations += 1;
            if partition.is_empty() {
                return 0;
            }
            if partition.len() == 1 {
                return score[partition[0]];
            }
            let pivot = score[partition[partition.len() / 2]];
            let lower: Vec<usize> = partition.iter().copied().filter(|&k| score[k] < pivot).collect();
            let upper: Vec<usize> = partition.iter().copied().filter(|&k| score[k] > pivot).collect();
            let lower_stake = lower.iter().fold(0i64, |acc, &k| acc.saturating_add(stake[k]));
            let upper_stake = upper.iter().fold(0i64, |acc, &k| acc.saturating_add(stake[k]));
            if m < lo.saturating_add(lower_stake) && !lower.is_empty() {
                partition = lower;
                hi = lo.saturating_add(lower_stake);
            } else if hi.saturating_sub(upper_stake) <= m && !upper.is_empty() {
                partition = upper;
                lo = hi.saturating_sub(upper_stake);
            } else {
                return pivot;
            }
        }
    }

    fn run(stake: &[i64], score: &[i64], m: i64, hi: i64) -> i64 {
        weighted_median(score, stake, m, hi, &mut MedianScratch::default())
    }

    fn f(x: f32) -> i64 {
        I32F32::from_num(x).to_bits()
    }

    #[test]
    fn vector_math_weighted_median_scalar() {
        // Stakes are f32 literals as I32F32, normalised first; minority = 1 − 0.51; hi = Σ stake.
        let cases: [(&[f32], &[f32], f32); 12] = [
            (&[], &[], 0.0),
            (&[0.51], &[1.0], 1.0),
            (&[0.49, 0.51], &[0.5, 1.0], 1.0),
            (&[0.51, 0.49], &[0.5, 1.0], 0.5),
            (&[0.49, 0.0, 0.51], &[0.5, 0.7, 1.0], 1.0),
            (&[0.49, 0.01, 0.5], &[0.5, 0.7, 1.0], 0.7),
            (&[0.49, 0.51, 0.0], &[0.5, 0.7, 1.0], 0.7),
            (&[0.0, 0.49, 0.51], &[0.5, 0.7, 1.0], 1.0),
            (&[0.0, 0.49, 0.0, 0.51], &[0.5, 0.5, 1.0, 1.0], 1.0),
            (&[0.0, 0.49, 0.0, 0.51, 0.0], &[0.5, 0.5, 1.0, 1.0, 0.5], 1.0),
            (&[0.2, 0.2, 0.2, 0.2, 0.2], &[0.8, 0.2, 1.0, 0.6, 0.4], 0.6),
            (&[0.1; 10], &[0.8, 0.8, 0.2, 0.2, 1.0, 1.0, 0.6, 0.6, 0.4, 0.4], 0.6),
        ];
        let minority = I32F32::from_num(1) - I32F32::from_num(0.51f32);
        for (stake, score, want) in cases {
            let mut stake: Vec<I32F32> = stake.iter().map(|&s| I32F32::from_num(s)).collect();
            crate::fixed::normalize(&mut stake);
            let stake: Vec<i64> = stake.iter().map(|s| s.to_bits()).collect();
            let score: Vec<i64> = score.iter().map(|&x| f(x)).collect();
            let hi = stake.iter().sum();
            assert_eq!(run(&stake, &score, minority.to_bits(), hi), f(want), "stake {stake:?} score {score:?}");
            assert_eq!(spec_weighted_median(&stake, &score, minority.to_bits(), hi), f(want));
        }
    }

    /// Stakes that sum to about 1.0 (as normalised stakes do), values in [0, 1] with many ties.
    fn column() -> impl Strategy<Value = (Vec<i64>, Vec<i64>, i64)> {
        (1usize..24).prop_flat_map(|len| {
            (
                proptest::collection::vec(1i64..=(1 << 32), len),
                proptest::collection::vec(prop_oneof![Just(0i64), 0i64..4, 0i64..=(1 << 32)], len),
                -(1i64 << 32)..=(2i64 << 32),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]

        #[test]
        fn equals_spec_algorithm((stake, score, m) in column()) {
            let hi: i64 = stake.iter().sum();
            prop_assert_eq!(run(&stake, &score, m, hi), spec_weighted_median(&stake, &score, m, hi));
        }

        #[test]
        fn folded_equals_spec_algorithm((stake, score, m) in column()) {
            // Fold every zero-valued item into one item carrying their summed stake.
            let hi: i64 = stake.iter().sum();
            let zero_stake: i64 = stake.iter().zip(&score).filter(|(_, x)| **x == 0).map(|(s, _)| s).sum();
            let mut folded_stake = Vec::new();
            let mut folded_score = Vec::new();
            if score.contains(&0) {
                folded_stake.push(zero_stake);
                folded_score.push(0);
            }
            for (&s, &x) in stake.iter().zip(&score) {
                if x != 0 {
                    folded_stake.push(s);
                    folded_score.push(x);
                }
            }
            prop_assert_eq!(
                run(&folded_stake, &folded_score, m, hi),
                spec_weighted_median(&stake, &score, m, hi)
            );
        }
    }
}
