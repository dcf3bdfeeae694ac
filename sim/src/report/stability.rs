//! Consensus stability as pure functions of per-epoch vectors: how much successive incentive
//! rankings agree (Kendall τ-b), how validator trust is spread (five numbers), how much of the
//! voting stake agrees with consensus (within clipping), and when per-validator series settle
//! after an event. No I/O, sums in one fixed order, no input panics.

use crate::metrics;

/// Settled: every value of the stretch within this share of the stretch's mean.
pub const SETTLE_TOLERANCE: f64 = 0.01;
/// A settled stretch has at least this many epochs: one epoch always equals its own mean, and
/// two or three close values at the end of a run are the least that says anything.
pub const SETTLE_EPOCHS_MIN: usize = 3;
/// Settling is read over at most this many epochs after the event: it measures the event's
/// transient, not the slow drift of a long run (stakes compounding their own dividends over
/// months move every share by more than the tolerance, whatever happened at the event).
pub const SETTLE_HORIZON_EPOCHS: usize = 100;

/// Kendall τ-b between two successive epochs' incentive, over the UIDs present in both that kept
/// their hotkey (a UID that changed hands is another neuron: its rank is not the old one's).
/// `None` when fewer than two UIDs pair or either ranking is all ties.
pub fn successive_kendall_tau<K: PartialEq>(previous: (&[K], &[u16]), current: (&[K], &[u16])) -> Option<f64> {
    let (hotkeys_before, incentive_before) = previous;
    let (hotkeys_now, incentive_now) = current;
    let n = [hotkeys_before.len(), incentive_before.len(), hotkeys_now.len(), incentive_now.len()];
    let (x, y): (Vec<f64>, Vec<f64>) = (0..n.into_iter().min().unwrap_or(0))
        .filter(|&uid| hotkeys_before[uid] == hotkeys_now[uid])
        .map(|uid| (f64::from(incentive_before[uid]), f64::from(incentive_now[uid])))
        .unzip();
    metrics::kendall_tau_b(&x, &y)
}

/// The least, the quartiles, the median and the greatest of a sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FiveNumbers {
    pub min: f64,
    pub p25: f64,
    pub median: f64,
    pub p75: f64,
    pub max: f64,
}

/// The five numbers of `values`, quantiles by linear interpolation between order statistics
/// (position (n − 1)·q, numpy's and R's default): the median is the midpoint of the two middle
/// values for an even count, as `metrics::median` has it. `None` when empty or any value is not
/// finite.
pub fn five_numbers(values: &[f64]) -> Option<FiveNumbers> {
    if values.is_empty() || values.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let position = (sorted.len() - 1) as f64 * q;
        let (low, fraction) = (position.floor() as usize, position.fract());
        let high = (low + 1).min(sorted.len() - 1);
        sorted[low] + (sorted[high] - sorted[low]) * fraction
    };
    Some(FiveNumbers { min: sorted[0], p25: at(0.25), median: at(0.5), p75: at(0.75), max: sorted[sorted.len() - 1] })
}

/// The stake-weighted mean of the voters' values: `votes` are (stake, value), one per voter.
/// With a value of 1 for a voter within clipping and 0 for one clipped, the share of the voting
/// stake within clipping; with validator trust, the stake-weighted share of weight that
/// survived clipping. `None` without voting stake.
pub fn stake_weighted_mean(votes: &[(u64, f64)]) -> Option<f64> {
    let total: u128 = votes.iter().map(|&(stake, _)| u128::from(stake)).sum();
    let weighted: f64 = votes.iter().map(|&(stake, value)| stake as f64 * value).sum();
    (total > 0).then(|| weighted / total as f64)
}

/// Why series never settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unsettled {
    /// Fewer epochs followed than a settled stretch needs.
    TooFewEpochs { epochs: usize },
    /// Even the shortest stretch at the end has a value beyond tolerance: the first such series.
    StillMoving { series: usize },
}

/// The first index k from which every series stays settled: for each series, every value from k
/// to its end (or to `SETTLE_HORIZON_EPOCHS`, when longer) within `SETTLE_TOLERANCE` of their mean, or within `floor` of it when that is
/// larger (the values' resolution: a series of 0s and 1s at a mean of 0.5 is as settled as its
/// integers can be); and at least `SETTLE_EPOCHS_MIN` values from k on. Every series has one
/// value per epoch after the event. O(epochs × series): each series' sums, maxima and minima
/// from each index to the end are built once.
pub fn settled_from(series: &[Vec<f64>], floor: f64) -> Result<usize, Unsettled> {
    let epochs = series.iter().map(Vec::len).min().unwrap_or(0).min(SETTLE_HORIZON_EPOCHS);
    let Some(last_start) = epochs.checked_sub(SETTLE_EPOCHS_MIN) else {
        return Err(Unsettled::TooFewEpochs { epochs });
    };
    let tails: Vec<Tails> = series.iter().map(|values| Tails::of(&values[..epochs])).collect();
    let holds = |tail: &Tails, k: usize| {
        let mean = tail.sum[k] / (epochs - k) as f64;
        let tolerance = (SETTLE_TOLERANCE * mean.abs()).max(floor);
        tail.max[k] - mean <= tolerance && mean - tail.min[k] <= tolerance
    };
    match (0..=last_start).find(|&k| tails.iter().all(|tail| holds(tail, k))) {
        Some(k) => Ok(k),
        None => {
            let series = tails.iter().position(|tail| !holds(tail, last_start)).unwrap_or(0);
            Err(Unsettled::StillMoving { series })
        }
    }
}

/// Each index's sum, greatest and least value from it to the end.
struct Tails {
    sum: Vec<f64>,
    max: Vec<f64>,
    min: Vec<f64>,
}

impl Tails {
    fn of(values: &[f64]) -> Self {
        let n = values.len();
        let (mut sum, mut max, mut min) = (vec![0.0; n], vec![f64::NEG_INFINITY; n], vec![f64::INFINITY; n]);
        for k in (0..n).rev() {
            let (s, hi, lo) =
                if k + 1 < n { (sum[k + 1], max[k + 1], min[k + 1]) } else { (0.0, values[k], values[k]) };
            sum[k] = s + values[k];
            max[k] = hi.max(values[k]);
            min[k] = lo.min(values[k]);
        }
        Self { sum, max, min }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: Option<f64>, expected: f64) {
        let actual = actual.expect("a value");
        assert!((actual - expected).abs() < 1e-12, "{actual} ≠ {expected}");
    }

    #[test]
    fn kendall_tau_of_successive_epochs_pairs_uids_that_kept_their_hotkey() {
        // UIDs 0–4 with hotkeys 10–14; UID 2 changed hands (hotkey 99) and UID 5 is new, so
        // neither counts. The pairs left: x = (4, 3, 2, 1), y = (4, 2, 3, 1) over UIDs 0, 1, 3, 4.
        // Of the 6 pairs, only (UID 1, UID 3) swaps order: τ = (5 − 1) / 6 = 2/3, no ties.
        let before = ([10, 11, 12, 13, 14].as_slice(), [4, 3, 9, 2, 1].as_slice());
        let now = ([10, 11, 99, 13, 14, 15].as_slice(), [4, 2, 0, 3, 1, 7].as_slice());
        close(successive_kendall_tau(before, now), 2.0 / 3.0);
    }

    #[test]
    fn kendall_tau_of_successive_epochs_corrects_for_the_tied_zeros_of_validators() {
        // x = (0, 0, 1, 2), y = (0, 0, 2, 1): 6 pairs; (0,1) tied in both; (2,3) discordant;
        // the 4 others concordant. Untied in x: 5, in y: 5. τ-b = (4 − 1) / √(5·5) = 0.6.
        let hotkeys = [1, 2, 3, 4];
        close(successive_kendall_tau((&hotkeys, &[0, 0, 1, 2]), (&hotkeys, &[0, 0, 2, 1])), 0.6);
    }

    #[test]
    fn kendall_tau_is_undefined_when_a_ranking_is_all_ties_or_one_uid_pairs() {
        assert_eq!(successive_kendall_tau((&[1, 2], &[5, 5]), (&[1, 2], &[1, 2])), None);
        assert_eq!(successive_kendall_tau((&[1, 2], &[1, 2]), (&[1, 3], &[1, 2])), None);
        assert_eq!(successive_kendall_tau::<u32>((&[], &[]), (&[], &[])), None);
    }

    #[test]
    fn five_numbers_interpolate_between_order_statistics() {
        // Sorted (1, 2, 4, 8): p25 at position 0.75 → 1 + 0.75·1 = 1.75; median at 1.5 → 3;
        // p75 at 2.25 → 4 + 0.25·4 = 5.
        let five = five_numbers(&[8.0, 1.0, 4.0, 2.0]).expect("four values");
        assert_eq!(five, FiveNumbers { min: 1.0, p25: 1.75, median: 3.0, p75: 5.0, max: 8.0 });
        let one = five_numbers(&[0.5]).expect("one value");
        assert_eq!(one, FiveNumbers { min: 0.5, p25: 0.5, median: 0.5, p75: 0.5, max: 0.5 });
    }

    #[test]
    fn five_numbers_of_nothing_or_of_a_nan_are_undefined() {
        assert_eq!(five_numbers(&[]), None);
        assert_eq!(five_numbers(&[1.0, f64::NAN]), None);
    }

    #[test]
    fn the_within_clipping_share_is_the_stake_weighted_mean_of_within_over_the_voters() {
        // 300 of 300 + 100 + 600 within: 0.3. Trust 1, 0.5, 0.9 by the same stakes:
        // (300 + 50 + 540) / 1000 = 0.89.
        close(stake_weighted_mean(&[(300, 1.0), (100, 0.0), (600, 0.0)]), 0.3);
        close(stake_weighted_mean(&[(300, 1.0), (100, 0.5), (600, 0.9)]), 0.89);
        assert_eq!(stake_weighted_mean(&[]), None);
        assert_eq!(stake_weighted_mean(&[(0, 1.0)]), None);
    }

    #[test]
    fn series_settle_at_the_first_epoch_from_which_all_stay_within_one_percent_of_their_mean() {
        // From index 2: (100, 101, 99, 100) has mean 100, every value within 1. From index 1,
        // (90, 100, 101, 99, 100) has mean 98 and 90 is 8 below it. The second series is flat.
        let a = vec![50.0, 90.0, 100.0, 101.0, 99.0, 100.0];
        let b = vec![7.0; 6];
        assert_eq!(settled_from(&[a, b], 0.0), Ok(2));
    }

    #[test]
    fn a_series_still_moving_at_the_end_never_settles_and_is_named() {
        // The last three of the second series, (100, 103, 106), have mean 103: 3 > 1.03.
        let flat = vec![5.0; 5];
        let rising = vec![94.0, 97.0, 100.0, 103.0, 106.0];
        assert_eq!(settled_from(&[flat, rising], 0.0), Err(Unsettled::StillMoving { series: 1 }));
    }

    #[test]
    fn a_series_moving_by_its_resolution_settles_by_the_floor() {
        // Mean 0.5: 1 % is 0.005, the floor of 1 (one u16 unit) admits 0 and 1.
        let flickering = vec![0.0, 1.0, 0.0, 1.0];
        assert_eq!(settled_from(std::slice::from_ref(&flickering), 0.0), Err(Unsettled::StillMoving { series: 0 }));
        assert_eq!(settled_from(&[flickering], 1.0), Ok(0));
    }

    #[test]
    fn a_slow_drift_beyond_the_horizon_does_not_unsettle_a_series_settled_within_it() {
        // A step at the event, then flat for the horizon, then a drift of 5 % a hundred epochs
        // later (stakes compounding over months): settled after the step.
        let mut series = vec![10.0, 50.0];
        series.extend(std::iter::repeat_n(100.0, SETTLE_HORIZON_EPOCHS));
        series.extend((0..200).map(|e| 100.0 + 0.025 * f64::from(e)));
        assert_eq!(settled_from(std::slice::from_ref(&series), 0.0), Ok(2));
    }

    #[test]
    fn fewer_epochs_than_a_settled_stretch_needs_never_settle() {
        assert_eq!(settled_from(&[vec![1.0, 1.0]], 0.0), Err(Unsettled::TooFewEpochs { epochs: 2 }));
    }
}
