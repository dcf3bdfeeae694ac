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
    /// The items a long column is narrowed to, in turns (a narrowing reads one, writes the other).
    narrowed: [Items; 2],
    /// The quickselect's: the items of the current round, and where a round compacts the side
    /// it keeps (swapped after it).
    round: Items,
    kept: Items,
}

/// Items in buffers that only grow: the first `len` are the items (no pass refills the rest).
#[derive(Default)]
struct Items {
    values: Vec<i64>,
    stakes: Vec<i64>,
    len: usize,
}

impl Items {
    /// Room for `capacity` items, the buffers as slices to write into.
    fn room(&mut self, capacity: usize) -> (&mut [i64], &mut [i64]) {
        if self.values.len() < capacity {
            self.values.resize(capacity, 0);
            self.stakes.resize(capacity, 0);
        }
        (&mut self.values[..capacity], &mut self.stakes[..capacity])
    }

    fn values(&self) -> &[i64] {
        &self.values[..self.len]
    }

    fn stakes(&self) -> &[i64] {
        &self.stakes[..self.len]
    }
}

/// Items at least this many are narrowed first (see [`narrow`]).
const NARROWED_LEN_MIN: usize = 48;
/// Items sampled to guess where the answer lies, and how many sample positions either side of
/// the guess the narrowed range reaches.
const SAMPLES: usize = 16;
const SAMPLE_MARGIN: usize = 2;

/// The spec's quickselect over the items `(values[k], stakes[k])` (raw I32F32 bits): lower bound
/// 0, upper bound `hi`, threshold `m`. Stakes must be non-negative and below 2^40 (they are
/// proportions, at most 1.0 = 2^32).
///
/// When `hi` is the items' total stake (as consensus passes it) the answer is the smallest value
/// v with `S(x ≤ v) > m`, or the largest value if there is none (module doc); many items are
/// then narrowed to those around a guess of that value first, as long as that halves them at
/// least, which leaves the quickselect a few dozen items instead of hundreds.
pub fn weighted_median(values: &[i64], stakes: &[i64], m: i64, hi: i64, scratch: &mut MedianScratch) -> i64 {
    weighted_median_of(values, &Stakes::new(stakes), m, hi, scratch)
}

/// Item stakes checked for [`weighted_median`]'s bounds, with their total: the columns of the
/// dense path share one set of item stakes, checked and summed once for all of them.
pub struct Stakes<'a> {
    stakes: &'a [i64],
    total: i64,
}

impl<'a> Stakes<'a> {
    pub fn new(stakes: &'a [i64]) -> Self {
        // The spec adds stakes saturating. With stakes in [0, 2^40) and fewer than 2^20 of them
        // no partial sum comes near saturation, so every sum is plain, which lets it vectorise.
        let bits = stakes.iter().fold(0u64, |bits, &stake| bits | stake as u64);
        assert!(bits < 1 << 40 && stakes.len() < 1 << 20, "weighted_median: stakes must lie in [0, 2^40)");
        Stakes { stakes, total: stakes.iter().sum() }
    }
}

/// [`weighted_median`] with its stakes checked already.
pub fn weighted_median_of(values: &[i64], stakes: &Stakes, m: i64, hi: i64, scratch: &mut MedianScratch) -> i64 {
    let Stakes { stakes, total } = *stakes;
    assert_eq!(values.len(), stakes.len(), "one stake per value");
    let MedianScratch { narrowed: [first, second], round, kept } = scratch;
    if values.len() < NARROWED_LEN_MIN || hi != total {
        return quickselect(values, stakes, m, hi, round, kept);
    }
    let (mut m, mut total) = (m, total);
    let (mut input, mut output) = (first, second);
    let mut len = values.len();
    for turn in 0.. {
        let (values, stakes) = if turn == 0 { (values, stakes) } else { (input.values(), input.stakes()) };
        let (lower, upper) = guess_bounds(values, stakes, m, total);
        match narrow(values, stakes, m, lower, upper, output) {
            Side::Largest(value) => return value,
            Side::Items { base, stake } => (m, total) = (m - base, stake),
        }
        if output.len < NARROWED_LEN_MIN || 2 * output.len > len {
            break;
        }
        len = output.len;
        std::mem::swap(&mut input, &mut output);
    }
    quickselect(output.values(), output.stakes(), m, total, round, kept)
}

/// Where [`narrow`] left the answer.
enum Side {
    /// In the items it wrote, at threshold `m − base`, their total stake `stake`.
    Items { base: i64, stake: i64 },
    /// No value reaches the threshold: the answer is the largest value.
    Largest(i64),
}

/// The items on the answer's side of `lower ..= upper` (those below it, within it or above it)
/// into `out`: with `base` the stake of the items below that side, `S(x ≤ v) = base +
/// S_side(x ≤ v)` for every v on it, so the answer is the side's own at threshold `m − base`
/// (`hi` the total stake). Any bounds give the same answer; good ones leave few items.
fn narrow(values: &[i64], stakes: &[i64], m: i64, lower: i64, upper: i64, out: &mut Items) -> Side {
    // One pass: the stake below and within the range, the items within kept in order.
    let (out_values, out_stakes) = out.room(values.len());
    let (mut below_stake, mut within_stake, mut below_len, mut within_len) = (0i64, 0i64, 0usize, 0usize);
    for (&value, &stake) in values.iter().zip(stakes) {
        let below = value < lower;
        let within = !below & (value <= upper);
        below_stake += stake & -i64::from(below);
        within_stake += stake & -i64::from(within);
        below_len += usize::from(below);
        out_values[within_len] = value;
        out_stakes[within_len] = stake;
        within_len += usize::from(within);
    }
    let above_len = values.len() - below_len - within_len;
    if below_len > 0 && below_stake > m {
        out.len = keep_in_order(values, stakes, out, |value| value < lower);
        Side::Items { base: 0, stake: below_stake }
    } else if within_len > 0 && below_stake + within_stake > m {
        out.len = within_len;
        Side::Items { base: below_stake, stake: within_stake }
    } else if above_len > 0 {
        out.len = keep_in_order(values, stakes, out, |value| value >= lower && value > upper);
        let total: i64 = stakes.iter().sum();
        Side::Items { base: below_stake + within_stake, stake: total - below_stake - within_stake }
    } else {
        // Nothing above the range and no answer below or in it: S of everything is ≤ m.
        Side::Largest(values.iter().copied().max().unwrap_or(0))
    }
}

/// One narrowing by `lower ..= upper`, then the quickselect: [`weighted_median`]'s answer for
/// any bounds (`hi` the total stake).
#[cfg(test)]
fn narrowed_median(values: &[i64], stakes: &[i64], m: i64, lower: i64, upper: i64) -> i64 {
    let (mut items, mut round, mut kept) = (Items::default(), Items::default(), Items::default());
    match narrow(values, stakes, m, lower, upper, &mut items) {
        Side::Largest(value) => value,
        Side::Items { base, stake } => {
            quickselect(items.values(), items.stakes(), m - base, stake, &mut round, &mut kept)
        }
    }
}

/// Bounds around the value where `S(x ≤ v)` passes `m`, guessed from evenly spaced items: the
/// sample sorted by value, the sample position where its own cumulative stake passes the same
/// share of its total, `SAMPLE_MARGIN` positions either side (unbounded past the sample's ends).
fn guess_bounds(values: &[i64], stakes: &[i64], m: i64, total: i64) -> (i64, i64) {
    let mut sample = [(0i64, 0i64); SAMPLES];
    for (t, item) in sample.iter_mut().enumerate() {
        let k = (2 * t + 1) * values.len() / (2 * SAMPLES);
        *item = (values[k], stakes[k]);
    }
    sample.sort_unstable_by_key(|item| item.0);
    let sample_total: i64 = sample.iter().map(|item| item.1).sum();
    let mut cumulative = 0i64;
    // S_sample(≤ v) / sample_total > m / total, in integers (both sides below 2^100).
    let position = sample
        .iter()
        .position(|&(_, stake)| {
            cumulative += stake;
            i128::from(cumulative) * i128::from(total) > i128::from(m) * i128::from(sample_total)
        })
        .unwrap_or(SAMPLES - 1);
    let lower = position.checked_sub(SAMPLE_MARGIN).map_or(i64::MIN, |k| sample[k].0);
    let upper = sample.get(position + SAMPLE_MARGIN).map_or(i64::MAX, |item| item.0);
    (lower, upper)
}

/// The spec's quickselect proper (see [`weighted_median`]); the items are read in place, later
/// rounds work in `round` and `kept`.
fn quickselect(values: &[i64], stakes: &[i64], m: i64, hi: i64, round: &mut Items, kept: &mut Items) -> i64 {
    let (mut lo, mut hi) = (0i64, hi);
    let mut in_place = true;
    // Each round removes the pivot at least, so the loop ends; the bound is the spec's safety.
    for _ in 0..=values.len() {
        let (values, stakes) = if in_place { (values, stakes) } else { (round.values(), round.stakes()) };
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
            kept.len = keep_in_order(values, stakes, kept, |value| value < pivot);
        } else if upper_len > 0 && hi.saturating_sub(upper_stake) <= m {
            lo = hi.saturating_sub(upper_stake);
            kept.len = keep_in_order(values, stakes, kept, |value| value > pivot);
        } else {
            return pivot;
        }
        std::mem::swap(round, kept);
        in_place = false;
    }
    0
}

/// Copies the items whose value passes `keep` into `kept`, in their order, without branches
/// (which side an item falls on is a coin flip, so a branch would mispredict half the time);
/// returns how many.
#[inline]
fn keep_in_order(values: &[i64], stakes: &[i64], kept: &mut Items, keep: impl Fn(i64) -> bool) -> usize {
    let (kept_values, kept_stakes) = kept.room(values.len());
    let mut len = 0;
    for (&value, &stake) in values.iter().zip(stakes) {
        kept_values[len] = value;
        kept_stakes[len] = stake;
        len += usize::from(keep(value));
    }
    len
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

    /// A long column (the dense path's 256 voters and beyond), values clustered with many ties,
    /// a threshold anywhere from below 0 to above the total.
    fn long_column() -> impl Strategy<Value = (Vec<i64>, Vec<i64>, i64)> {
        (1usize..400).prop_flat_map(|len| {
            (
                proptest::collection::vec(prop_oneof![Just(0i64), 0i64..=(1 << 32)], len),
                proptest::collection::vec(
                    prop_oneof![Just(0i64), 0i64..4, 1_000_000i64..1_000_010, 0i64..=(1 << 32)],
                    len,
                ),
                prop_oneof![-(1i64 << 33)..=(1i64 << 33), 0i64..=(400i64 << 32), Just(0), Just(-1)],
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3_000))]

        #[test]
        fn long_columns_give_the_spec_algorithms_answer((stake, score, m) in long_column()) {
            let hi: i64 = stake.iter().sum();
            prop_assert_eq!(run(&stake, &score, m, hi), spec_weighted_median(&stake, &score, m, hi));
        }

        /// Narrowing is exact for any bounds: good guesses only make it faster.
        #[test]
        fn any_bounds_narrow_to_the_spec_algorithms_answer(
            (stake, score, m) in long_column(),
            bounds in (any::<proptest::sample::Index>(), any::<proptest::sample::Index>(), any::<i64>(), any::<i64>()),
            from_values in (any::<bool>(), any::<bool>()),
        ) {
            let hi: i64 = stake.iter().sum();
            let (first, second, a, b) = bounds;
            let lower = if from_values.0 { score[first.index(score.len())] } else { a };
            let upper = if from_values.1 { score[second.index(score.len())] } else { b };
            let narrowed = narrowed_median(&score, &stake, m, lower, upper);
            prop_assert_eq!(narrowed, spec_weighted_median(&stake, &score, m, hi), "bounds {} ..= {}", lower, upper);
        }
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
