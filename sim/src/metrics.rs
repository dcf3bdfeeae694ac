//! The report's observables, computed from per-epoch vectors: rank agreement (Spearman ρ, Kendall
//! τ-b), a weight copier's relative dividend rate G, stake concentration (Nakamoto coefficients,
//! Gini, HHI, top-k share), shares of sums, ratios and winner stability.
//!
//! Every function is pure and total so that a report is a function of the run alone: no I/O, no
//! hashing containers, sorts that break ties by index (`f64::total_cmp`, stable sorts) and sums
//! taken in one fixed order. No input makes them panic. Inputs are assumed NaN-free; where a NaN
//! (or an infinity, where it has no meaning) slips in, each function documents what it returns
//! rather than letting it poison the report silently.

use std::cmp::Ordering;
use std::fmt;

/// Spearman's rank correlation ρ: the Pearson correlation of the two rank vectors, with tied values
/// given the average of the ranks they span.
///
/// `None` when the lengths differ, when there are fewer than two observations, when either vector
/// is constant (its ranks have no variance, so ρ is undefined) or when either contains a NaN.
/// `-0.0` and `0.0` tie, as they are equal numbers. Ranks are kept doubled as integers, so the
/// sums are exact and only the final division rounds.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || x.len() < 2 || contains_nan(x) || contains_nan(y) {
        return None;
    }
    let ranks_x = centred_doubled_ranks(x);
    let ranks_y = centred_doubled_ranks(y);
    let (mut sum_xy, mut sum_xx, mut sum_yy) = (0_i128, 0_i128, 0_i128);
    for (&rx, &ry) in ranks_x.iter().zip(&ranks_y) {
        sum_xy += rx * ry;
        sum_xx += rx * rx;
        sum_yy += ry * ry;
    }
    if sum_xx == 0 || sum_yy == 0 {
        return None;
    }
    // Cauchy–Schwarz: |Σxy| ≤ √(Σx² Σy²) ≤ max(Σx², Σy²).
    debug_assert!(sum_xy.abs() <= sum_xx.max(sum_yy), "rank covariance bounded by the variances");
    let rho = sum_xy as f64 / (sum_xx as f64 * sum_yy as f64).sqrt();
    // The clamp absorbs the last rounding of the division; the exact value is within [−1, 1].
    Some(rho.clamp(-1.0, 1.0))
}

/// Kendall's τ-b: (concordant − discordant pairs) / √((n₀ − n₁)(n₀ − n₂)), where n₀ − n₁ and
/// n₀ − n₂ count the pairs not tied in x and in y. The tie correction makes a ranking compared
/// with itself score 1 even when it has ties, which τ-a does not.
///
/// `None` on the same degenerate inputs as [`spearman`]: lengths differ, n < 2, a constant vector
/// (every pair tied) or a NaN. O(n²) pairs, which is fine for n ≤ 4096.
pub fn kendall_tau_b(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || x.len() < 2 || contains_nan(x) || contains_nan(y) {
        return None;
    }
    let mut concordance: i128 = 0; // concordant − discordant
    let (mut untied_x, mut untied_y) = (0_u128, 0_u128);
    for (i, (&xi, &yi)) in x.iter().zip(y).enumerate() {
        for (&xj, &yj) in x[i + 1..].iter().zip(&y[i + 1..]) {
            let dx = direction(xi, xj);
            let dy = direction(yi, yj);
            untied_x += u128::from(dx != 0);
            untied_y += u128::from(dy != 0);
            concordance += i128::from(dx * dy);
        }
    }
    if untied_x == 0 || untied_y == 0 {
        return None;
    }
    debug_assert!(concordance.unsigned_abs() <= untied_x.min(untied_y), "a pair counts only if untied in both");
    let tau = concordance as f64 / (untied_x as f64 * untied_y as f64).sqrt();
    Some(tau.clamp(-1.0, 1.0))
}

/// The median: the middle value, or the midpoint of the two middle values for an even count.
///
/// `None` for an empty slice or when any value is not finite (NaN has no place in an order and
/// the midpoint of −∞ and +∞ is undefined). The midpoint is computed without overflow, so the
/// median of two `f64::MAX` is `f64::MAX`.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() || values.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        Some(sorted[middle - 1].midpoint(sorted[middle]))
    } else {
        Some(sorted[middle])
    }
}

/// Below this the honest validators' median dividend rate is "near zero" and G is undefined. A
/// rate is a share of dividends over a share of stake, so 1 is pro rata; 0.01 is one hundredth of
/// it. Below that, G stops measuring copying and measures the honest validators' collapse: a 55 %
/// cabal that starves them reported G = 297. It is also where the u16 quantisation of dividends
/// starts to move G: a validator holding 1/8 of the stake has rate steps of 8/65535 = 1.2·10⁻⁴,
/// over 1 % of a rate of 0.01.
pub const HONEST_RATE_NEAR_ZERO: f64 = 0.01;

/// Why G has no value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RateUndefined {
    /// The rated validator had no stake (or a dividend that is not a number).
    NoStake,
    /// No honest validator had stake to compare with.
    NoHonestReference,
    /// The honest validators' median rate was below [`HONEST_RATE_NEAR_ZERO`].
    HonestRateNearZero { median_rate: f64 },
    /// The quotient overflowed.
    NotFinite,
}

impl fmt::Display for RateUndefined {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::NoStake => f.write_str("no stake"),
            Self::NoHonestReference => f.write_str("no honest validator with stake"),
            Self::HonestRateNearZero { median_rate } => write!(
                f,
                "the honest validators' median dividend rate {median_rate:.6} is below {HONEST_RATE_NEAR_ZERO} \
                 of a pro-rata share"
            ),
            Self::NotFinite => f.write_str("not a finite number"),
        }
    }
}

/// A copier's relative dividend rate G = (D_copier / S_copier) / median over honest validators of
/// (D_i / S_i): the copier's return per unit of stake against a typical honest validator's.
/// G ≈ 1 means copying pays as well as validating; G < 1 means a defence works. D and S are
/// shares (of an epoch's dividends and stake, or sums of them over a window), so a rate of 1 is
/// pro rata.
///
/// `honest` holds (dividend, stake) pairs; entries whose stake is not positive and finite, or whose
/// dividend is not finite, are skipped (a validator with no stake has no rate). Undefined, with
/// the reason, when the copier has no stake, no honest entry remains, the median honest rate is
/// near zero ([`HONEST_RATE_NEAR_ZERO`]) or the quotient is not finite.
pub fn relative_dividend_rate(
    copier_dividend: f64,
    copier_stake: f64,
    honest: &[(f64, f64)],
) -> Result<f64, RateUndefined> {
    if !is_positive_amount(copier_stake) || !copier_dividend.is_finite() {
        return Err(RateUndefined::NoStake);
    }
    let honest_rates: Vec<f64> = honest
        .iter()
        .filter(|&&(dividend, stake)| is_positive_amount(stake) && dividend.is_finite())
        .map(|&(dividend, stake)| dividend / stake)
        .collect();
    let typical_rate = median(&honest_rates).ok_or(RateUndefined::NoHonestReference)?;
    if typical_rate.is_nan() || typical_rate < HONEST_RATE_NEAR_ZERO {
        return Err(RateUndefined::HonestRateNearZero { median_rate: typical_rate });
    }
    let g = (copier_dividend / copier_stake) / typical_rate;
    if g.is_finite() { Ok(g) } else { Err(RateUndefined::NotFinite) }
}

/// The standard Nakamoto coefficient: the fewest holders whose combined stake is strictly more
/// than half the total, a majority. Compared exactly, in integers (2 · Σ > total), so two equal
/// holders need both: half is not a majority. 0 when the total is 0.
pub fn nakamoto_coefficient_majority(stakes: &[u64]) -> usize {
    let total: u128 = stakes.iter().map(|&stake| u128::from(stake)).sum();
    let mut largest_first = stakes.to_vec();
    largest_first.sort_by(|a, b| b.cmp(a));
    let mut cumulative: u128 = 0;
    for (holders_before, &stake) in largest_first.iter().enumerate() {
        if 2 * cumulative > total {
            return holders_before;
        }
        cumulative += u128::from(stake);
    }
    if total > 0 { largest_first.len() } else { 0 }
}

/// The Nakamoto coefficient NC_κ: the fewest holders whose combined stake reaches at least the
/// share κ of the total. NC_κ = 1 flags a single holder who decides consensus alone.
///
/// Holders are taken largest first and stake is summed exactly in `u128`; the share is then
/// compared with κ in `f64`, so a share that equals κ as written (1 of 10 against κ = 0.1) reaches
/// it. Returns 0 when the total stake is 0 and when κ ≤ 0 or NaN (no holder is needed to reach
/// it); κ > 1 is treated as 1 (every holder with stake).
pub fn nakamoto_coefficient(stakes: &[u64], kappa: f64) -> usize {
    let total: u128 = stakes.iter().map(|&stake| u128::from(stake)).sum();
    if total == 0 || kappa.is_nan() || kappa <= 0.0 {
        return 0;
    }
    let kappa = kappa.min(1.0);
    let mut largest_first = stakes.to_vec();
    largest_first.sort_by(|a, b| b.cmp(a));
    let mut cumulative: u128 = 0;
    for (holders_before, &stake) in largest_first.iter().enumerate() {
        cumulative += u128::from(stake);
        if cumulative as f64 / total as f64 >= kappa {
            return holders_before + 1;
        }
    }
    // Not reached: the full sum is the total, share 1 ≥ κ.
    largest_first.len()
}

/// The Gini coefficient of holdings, over values sorted ascending x₍₁₎ ≤ … ≤ x₍ₙ₎:
/// G = Σᵢ (2i − n − 1) x₍ᵢ₎ / (n Σ x), equal to the mean absolute difference over twice the mean.
/// 0 is perfect equality; (n − 1)/n is one holder with everything.
///
/// 0 for an empty slice or a zero total. A holding cannot be negative: negative and non-finite
/// values count as 0. Values are scaled by the largest first, so no sum overflows.
pub fn gini(values: &[f64]) -> f64 {
    let mut ascending = holdings(values);
    ascending.sort_by(f64::total_cmp);
    let total: f64 = ascending.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let n = ascending.len() as f64;
    let weighted: f64 = ascending.iter().enumerate().map(|(i, &holding)| ((2 * i + 1) as f64 - n) * holding).sum();
    (weighted / (n * total)).clamp(0.0, 1.0)
}

/// The Herfindahl–Hirschman index: the sum of squared shares of the total, from 1/n (n equal
/// holders) to 1 (one holder). Read 1/HHI as the "effective number" of holders.
///
/// 0 for an empty slice or a zero total; negative and non-finite values count as 0, as in [`gini`].
pub fn hhi(values: &[f64]) -> f64 {
    let holdings = holdings(values);
    let total: f64 = holdings.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let sum_of_squares: f64 = holdings
        .iter()
        .map(|&holding| {
            let share = holding / total;
            share * share
        })
        .sum();
    sum_of_squares.clamp(0.0, 1.0)
}

/// The share of the total held by the `k` largest holders (all of them when `k` ≥ n, giving
/// exactly 1).
///
/// 0 for `k` = 0, an empty slice or a zero total; negative and non-finite values count as 0, as in
/// [`gini`]. The total is summed in the same largest-first order as the top `k`, so the two agree
/// bit for bit when every holder is included.
pub fn top_k_share(values: &[f64], k: usize) -> f64 {
    let mut largest_first = holdings(values);
    largest_first.sort_by(|a, b| b.total_cmp(a));
    let total: f64 = largest_first.iter().sum();
    if k == 0 || total <= 0.0 {
        return 0.0;
    }
    let top: f64 = largest_first.iter().take(k).sum();
    (top / total).clamp(0.0, 1.0)
}

/// The top-ranked UID of one epoch's scores (incentive, say): the highest score, the lowest UID
/// among equal scores, so the winner never depends on iteration order.
///
/// `None` when no score is positive (nobody has been rewarded: no winner) or when the winner's
/// index does not fit a UID. NaN scores are never the winner.
pub fn top_ranked(scores: &[f64]) -> Option<u16> {
    let mut winner: Option<(usize, f64)> = None;
    for (uid, &score) in scores.iter().enumerate() {
        if score > 0.0 && winner.is_none_or(|(_, best)| score > best) {
            winner = Some((uid, score));
        }
    }
    winner.and_then(|(uid, _)| u16::try_from(uid).ok())
}

/// How often the winner changes between epochs (winner flips), given one entry per epoch. A
/// winner is whatever identifies it (a hotkey, so that a UID that changed hands is a new winner).
///
/// An epoch with no winner (`None`) is skipped rather than counted: a change is counted only
/// between two `Some` winners that differ, comparing each winner with the last one seen. So
/// A, None, A is no flip (a gap in measurement is not instability) and A, None, B is one flip
/// (the lead did change, the gap must not hide it).
pub fn ranking_flips<T: PartialEq + Copy>(winners: &[Option<T>]) -> usize {
    let mut flips = 0;
    let mut current: Option<T> = None;
    for &winner in winners.iter().flatten() {
        if current.is_some_and(|previous| previous != winner) {
            flips += 1;
        }
        current = Some(winner);
    }
    flips
}

/// Each group's share of amounts summed over a window: Σ of the group's entries over Σ of all
/// entries, those of no group included. Entries are (group, amount), one per holder and epoch;
/// groups are `0..groups` (an entry of a group beyond them counts in the total only). A sum, not
/// a mean of each holder's mean, so a holder present for part of the window weighs what it
/// held. Sums are exact (`u128`); every share is 0 when the total is 0.
pub fn summed_shares(entries: &[(Option<usize>, u64)], groups: usize) -> Vec<f64> {
    let mut sums = vec![0_u128; groups];
    let mut total: u128 = 0;
    for &(group, amount) in entries {
        total += u128::from(amount);
        if let Some(sum) = group.and_then(|g| sums.get_mut(g)) {
            *sum += u128::from(amount);
        }
    }
    sums.iter().map(|&sum| if total > 0 { sum as f64 / total as f64 } else { 0.0 }).collect()
}

/// `value / reference`, `None` when the reference is 0 (or the quotient is not finite): an
/// observable relative to another group's is undefined when that group has none.
pub fn ratio(value: f64, reference: f64) -> Option<f64> {
    let quotient = value / reference;
    (reference != 0.0 && quotient.is_finite()).then_some(quotient)
}

fn contains_nan(values: &[f64]) -> bool {
    values.iter().any(|v| v.is_nan())
}

fn is_positive_amount(amount: f64) -> bool {
    amount.is_finite() && amount > 0.0
}

/// −1, 0 or 1 as `b` is below, equal to or above `a`; −0.0 equals 0.0.
fn direction(a: f64, b: f64) -> i8 {
    match b.partial_cmp(&a) {
        Some(Ordering::Greater) => 1,
        Some(Ordering::Less) => -1,
        _ => 0,
    }
}

/// Average ranks, doubled (so ties' half ranks stay integers) and centred on the mean rank
/// (n + 1)/2: tied values at sorted positions start..end share the rank (start + 1 + end)/2,
/// stored as start + end − n. NaN-free input assumed.
fn centred_doubled_ranks(values: &[f64]) -> Vec<i128> {
    // Adding +0.0 turns −0.0 into 0.0, so `total_cmp` puts equal numbers side by side.
    let key = |i: usize| values[i] + 0.0;
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| key(a).total_cmp(&key(b)).then(a.cmp(&b)));
    let mut ranks = vec![0_i128; n];
    let mut start = 0;
    while start < n {
        let mut end = start + 1;
        while end < n && values[order[end]] == values[order[start]] {
            end += 1;
        }
        let centred = (start + end) as i128 - n as i128;
        for &i in &order[start..end] {
            ranks[i] = centred;
        }
        start = end;
    }
    debug_assert_eq!(ranks.iter().sum::<i128>(), 0, "centred ranks sum to zero");
    ranks
}

/// Holdings fit to sum: non-finite and negative values become 0, and all are scaled by the
/// largest so the total stays finite. Every observable using this is scale-invariant.
fn holdings(values: &[f64]) -> Vec<f64> {
    let cleaned: Vec<f64> = values.iter().map(|&v| if is_positive_amount(v) { v } else { 0.0 }).collect();
    let largest = cleaned.iter().copied().fold(0.0, f64::max);
    if largest > 0.0 { cleaned.iter().map(|&v| v / largest).collect() } else { cleaned }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TOLERANCE: f64 = 1e-12;

    fn assert_close(actual: f64, expected: f64) {
        assert!((actual - expected).abs() <= TOLERANCE, "got {actual}, expected {expected}");
    }

    fn assert_some_close(actual: Option<f64>, expected: f64) {
        match actual {
            Some(value) => assert_close(value, expected),
            None => panic!("got None, expected {expected}"),
        }
    }

    /// Root network, June 2024 (scenario #9): the top five validators at 25 / 13.5 / 11 / 9 /
    /// 6.5 %, in basis points, and the remaining 35 % spread over 35 holders of 1 % each.
    fn root_network_preset() -> Vec<u64> {
        let mut stakes = vec![900, 2500, 650, 1350, 1100]; // unsorted on purpose
        stakes.extend(std::iter::repeat_n(100, 35));
        assert_eq!(stakes.iter().sum::<u64>(), 10_000);
        stakes
    }

    // Spearman ρ.

    #[test]
    fn spearman_is_one_for_any_increasing_relation() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let cubes = [1.0, 8.0, 27.0, 64.0, 125.0];
        assert_eq!(spearman(&x, &cubes), Some(1.0));
    }

    #[test]
    fn spearman_is_minus_one_for_a_reversal() {
        assert_eq!(spearman(&[1.0, 2.0, 3.0, 4.0], &[40.0, 30.0, 20.0, 10.0]), Some(-1.0));
    }

    #[test]
    fn spearman_without_ties_matches_the_d_squared_formula() {
        // d = (−1, 1, −1, 1, 0), Σd² = 4: ρ = 1 − 6·4 / (5·(25 − 1)) = 0.8.
        assert_some_close(spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 1.0, 4.0, 3.0, 5.0]), 0.8);
    }

    #[test]
    fn spearman_gives_ties_the_average_rank() {
        // Ranks of x: 1, 2.5, 2.5, 4; centred: −1.5, 0, 0, 1.5; y centred: −1.5, −0.5, 0.5, 1.5.
        // Σxy = 4.5, Σx² = 4.5, Σy² = 5: ρ = 4.5 / √22.5 = √0.9.
        assert_some_close(spearman(&[1.0, 2.0, 2.0, 3.0], &[1.0, 2.0, 3.0, 4.0]), 0.9_f64.sqrt());
    }

    #[test]
    fn spearman_ties_negative_and_positive_zero() {
        // Ranks of x: 1.5, 1.5, 3 against 1, 2, 3: Σxy = 1.5, Σx² = 1.5, Σy² = 2: ρ = √3 / 2.
        assert_some_close(spearman(&[-0.0, 0.0, 1.0], &[1.0, 2.0, 3.0]), 3.0_f64.sqrt() / 2.0);
    }

    #[test]
    fn spearman_of_two_binary_variables_is_the_phi_coefficient() {
        // 2×2 table a = 2, b = 1, c = 0, d = 2: φ = (ad − bc) / √((a+b)(c+d)(a+c)(b+d)) = 4/6.
        let x = [0.0, 0.0, 0.0, 1.0, 1.0];
        let y = [0.0, 0.0, 1.0, 1.0, 1.0];
        assert_some_close(spearman(&x, &y), 2.0 / 3.0);
    }

    #[test]
    fn spearman_is_undefined_on_degenerate_input() {
        assert_eq!(spearman(&[], &[]), None);
        assert_eq!(spearman(&[1.0], &[1.0]), None);
        assert_eq!(spearman(&[1.0, 2.0], &[1.0]), None);
        assert_eq!(spearman(&[3.0, 3.0, 3.0], &[1.0, 2.0, 3.0]), None);
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[0.5, 0.5, 0.5]), None);
        assert_eq!(spearman(&[1.0, f64::NAN], &[1.0, 2.0]), None);
    }

    // Kendall τ-b.

    #[test]
    fn kendall_counts_concordant_and_discordant_pairs() {
        // Of the 10 pairs, (1,2) and (3,4) are discordant: τ = (8 − 2) / 10.
        assert_some_close(kendall_tau_b(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 1.0, 4.0, 3.0, 5.0]), 0.6);
    }

    #[test]
    fn kendall_is_plus_or_minus_one_for_a_monotone_relation() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(kendall_tau_b(&x, &[1.0, 4.0, 9.0, 16.0]), Some(1.0));
        assert_eq!(kendall_tau_b(&x, &[4.0, 3.0, 2.0, 1.0]), Some(-1.0));
    }

    #[test]
    fn kendall_is_one_for_a_tied_ranking_against_itself() {
        let ranking = [1.0, 1.0, 2.0, 3.0, 3.0];
        assert_eq!(kendall_tau_b(&ranking, &ranking), Some(1.0));
    }

    #[test]
    fn kendall_corrects_for_ties_in_one_variable() {
        // n₀ = 6, n₁ = 1 (the pair 2, 2), n₂ = 0; 5 concordant pairs: τ-b = 5 / √(5·6).
        assert_some_close(kendall_tau_b(&[1.0, 2.0, 2.0, 3.0], &[1.0, 2.0, 3.0, 4.0]), 5.0 / 30.0_f64.sqrt());
    }

    #[test]
    fn kendall_corrects_for_ties_in_both_variables() {
        // n₀ = 6, n₁ = 2, n₂ = 1; the pair (0, 1) is tied in both; 4 concordant: τ-b = 4 / √(4·5).
        assert_some_close(kendall_tau_b(&[1.0, 1.0, 2.0, 2.0], &[1.0, 1.0, 2.0, 3.0]), 2.0 / 5.0_f64.sqrt());
    }

    #[test]
    fn kendall_of_two_binary_variables_is_the_phi_coefficient() {
        // The same 2×2 table as for Spearman: τ-b = 4 / √((10 − 4)(10 − 4)) = φ = 2/3.
        let x = [0.0, 0.0, 0.0, 1.0, 1.0];
        let y = [0.0, 0.0, 1.0, 1.0, 1.0];
        assert_some_close(kendall_tau_b(&x, &y), 2.0 / 3.0);
    }

    #[test]
    fn kendall_is_undefined_on_degenerate_input() {
        assert_eq!(kendall_tau_b(&[], &[]), None);
        assert_eq!(kendall_tau_b(&[1.0], &[1.0]), None);
        assert_eq!(kendall_tau_b(&[1.0, 2.0], &[1.0, 2.0, 3.0]), None);
        assert_eq!(kendall_tau_b(&[0.0, -0.0], &[1.0, 2.0]), None);
        assert_eq!(kendall_tau_b(&[1.0, 2.0], &[f64::NAN, 2.0]), None);
    }

    // Median.

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0]), Some(3.0));
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[-1.0, 1.0]), Some(0.0));
    }

    #[test]
    fn median_does_not_overflow() {
        assert_eq!(median(&[f64::MAX, f64::MAX]), Some(f64::MAX));
    }

    #[test]
    fn median_is_undefined_when_empty_or_not_finite() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[1.0, f64::NAN]), None);
        assert_eq!(median(&[f64::NEG_INFINITY, f64::INFINITY]), None);
    }

    // Relative dividend rate G.

    #[test]
    fn relative_dividend_rate_against_the_median_honest_rate() {
        // Honest rates 0.1, 0.3, 0.4 (median 0.3); the copier's 2/10 = 0.2: G = 2/3.
        let honest = [(1.0, 10.0), (3.0, 10.0), (2.0, 5.0)];
        assert_some_close(relative_dividend_rate(2.0, 10.0, &honest).ok(), 2.0 / 3.0);
    }

    #[test]
    fn relative_dividend_rate_is_one_when_copying_pays_like_validating() {
        // Honest rates 0.1 and 0.3, median 0.2, the copier's rate: G = 1.
        assert_some_close(relative_dividend_rate(1.0, 5.0, &[(1.0, 10.0), (6.0, 20.0)]).ok(), 1.0);
    }

    #[test]
    fn relative_dividend_rate_skips_honest_validators_without_stake() {
        let honest = [(1.0, 10.0), (9.0, 0.0), (3.0, 10.0), (5.0, -1.0), (2.0, 5.0)];
        assert_some_close(relative_dividend_rate(2.0, 10.0, &honest).ok(), 2.0 / 3.0);
    }

    #[test]
    fn relative_dividend_rate_is_undefined_without_a_reference() {
        let honest = [(1.0, 10.0)];
        assert_eq!(relative_dividend_rate(1.0, 0.0, &honest), Err(RateUndefined::NoStake), "copier without stake");
        assert_eq!(relative_dividend_rate(1.0, 10.0, &[]), Err(RateUndefined::NoHonestReference));
        let no_stake = [(1.0, 0.0), (2.0, 0.0)];
        assert_eq!(relative_dividend_rate(1.0, 10.0, &no_stake), Err(RateUndefined::NoHonestReference));
        let unpaid = Err(RateUndefined::HonestRateNearZero { median_rate: 0.0 });
        assert_eq!(relative_dividend_rate(1.0, 10.0, &[(0.0, 10.0), (0.0, 5.0)]), unpaid, "median rate 0");
        assert_eq!(relative_dividend_rate(f64::NAN, 10.0, &honest), Err(RateUndefined::NoStake));
        let overflow = relative_dividend_rate(f64::MAX, f64::MIN_POSITIVE, &honest);
        assert_eq!(overflow, Err(RateUndefined::NotFinite));
    }

    /// The old definition returned G = 300 here: a copier at its pro-rata share against honest
    /// validators paid 0.1 %, 0.2 % and 0.3 % of theirs (what a cabal that starves them gives).
    #[test]
    fn relative_dividend_rate_is_undefined_with_its_reason_when_honest_validators_earn_next_to_nothing() {
        let starved = [(0.001, 1.0), (0.002, 1.0), (0.003, 1.0)];
        let g = relative_dividend_rate(0.6, 1.0, &starved);
        assert_eq!(g, Err(RateUndefined::HonestRateNearZero { median_rate: 0.002 }));
        let reason = g.unwrap_err().to_string();
        assert_eq!(reason, "the honest validators' median dividend rate 0.002000 is below 0.01 of a pro-rata share");
        // At the threshold it is defined: 0.6 / 0.01.
        assert_some_close(relative_dividend_rate(0.6, 1.0, &[(0.01, 1.0)]).ok(), 60.0);
    }

    // Nakamoto coefficient.

    #[test]
    fn nakamoto_of_the_root_network_preset() {
        let stakes = root_network_preset();
        // 25 % alone reaches κ = 0.25; 25 + 13.5 + 11 = 49.5 % < 50 %, adding 9 % reaches it.
        assert_eq!(nakamoto_coefficient(&stakes, 0.25), 1);
        assert_eq!(nakamoto_coefficient(&stakes, 0.5), 4);
        // 65 % in the top five, then 1 % each: 67 % takes seven holders.
        assert_eq!(nakamoto_coefficient(&stakes, 0.67), 7);
    }

    #[test]
    fn nakamoto_is_one_with_a_whale_at_kappa() {
        assert_eq!(nakamoto_coefficient(&[4_000, 6_000], 0.5), 1);
        assert_eq!(nakamoto_coefficient(&[5_000, 5_000], 0.5), 1, "exactly κ reaches κ");
    }

    #[test]
    fn nakamoto_reaches_a_share_equal_to_kappa_as_written() {
        let equal = [1; 10];
        assert_eq!(nakamoto_coefficient(&equal, 0.1), 1);
        assert_eq!(nakamoto_coefficient(&equal, 0.5), 5);
        assert_eq!(nakamoto_coefficient(&equal, 0.51), 6);
    }

    #[test]
    fn nakamoto_at_full_share_counts_holders_with_stake() {
        assert_eq!(nakamoto_coefficient(&[5, 0, 5, 0], 1.0), 2);
        assert_eq!(nakamoto_coefficient(&[5, 0, 5, 0], 7.0), 2, "κ > 1 is treated as 1");
    }

    /// The old report called NC_κ at κ = 0.5 the Nakamoto coefficient; it counts reaching half,
    /// the standard one needs more than half: two equal holders are 1 and 2.
    #[test]
    fn nakamoto_majority_needs_strictly_more_than_half() {
        assert_eq!(nakamoto_coefficient(&[5_000, 5_000], 0.5), 1);
        assert_eq!(nakamoto_coefficient_majority(&[5_000, 5_000]), 2);
        assert_eq!(nakamoto_coefficient_majority(&[5_001, 4_999]), 1);
        // Root preset: 25 + 13.5 + 11 = 49.5 %, adding 9 % is a majority.
        assert_eq!(nakamoto_coefficient_majority(&root_network_preset()), 4);
        let equal = [1; 10];
        assert_eq!((nakamoto_coefficient(&equal, 0.5), nakamoto_coefficient_majority(&equal)), (5, 6));
    }

    #[test]
    fn nakamoto_majority_edge_cases() {
        assert_eq!(nakamoto_coefficient_majority(&[]), 0);
        assert_eq!(nakamoto_coefficient_majority(&[0, 0]), 0);
        assert_eq!(nakamoto_coefficient_majority(&[0, 7, 0]), 1);
        assert_eq!(nakamoto_coefficient_majority(&[u64::MAX; 3]), 2, "sums beyond u64 do not overflow");
    }

    #[test]
    fn nakamoto_edge_cases() {
        assert_eq!(nakamoto_coefficient(&[], 0.5), 0);
        assert_eq!(nakamoto_coefficient(&[0, 0], 0.5), 0);
        assert_eq!(nakamoto_coefficient(&[1, 2], 0.0), 0);
        assert_eq!(nakamoto_coefficient(&[1, 2], -1.0), 0);
        assert_eq!(nakamoto_coefficient(&[1, 2], f64::NAN), 0);
        assert_eq!(nakamoto_coefficient(&[u64::MAX; 3], 0.5), 2, "sums beyond u64 do not overflow");
    }

    // Gini, HHI, top-k share.

    #[test]
    fn gini_of_one_to_five() {
        // Σ|xᵢ − xⱼ| over ordered pairs = 2·(4·1 + 3·2 + 2·3 + 1·4) = 40; mean 3:
        // G = 40 / (2·5²·3) = 4/15.
        assert_close(gini(&[5.0, 1.0, 4.0, 2.0, 3.0]), 4.0 / 15.0);
    }

    #[test]
    fn gini_bounds() {
        assert_eq!(gini(&[5.0, 5.0, 5.0, 5.0]), 0.0, "perfect equality");
        assert_close(gini(&[0.0, 0.0, 10.0, 0.0]), 0.75); // one holder of four: (n − 1)/n
    }

    #[test]
    fn gini_is_scale_invariant_and_finite_for_huge_values() {
        assert_close(gini(&[1e300, 2e300, 3e300, 4e300, 5e300]), 4.0 / 15.0);
        assert_close(gini(&[f64::MAX, 0.0]), 0.5);
    }

    #[test]
    fn gini_edge_cases() {
        assert_eq!(gini(&[]), 0.0);
        assert_eq!(gini(&[0.0, 0.0]), 0.0);
        assert_close(gini(&[-3.0, 10.0]), 0.5); // the negative value counts as 0
        assert_close(gini(&[f64::NAN, f64::INFINITY, 10.0]), 2.0 / 3.0); // as [0, 0, 10]
    }

    #[test]
    fn hhi_of_shares() {
        assert_close(hhi(&[1.0, 1.0, 1.0, 1.0]), 0.25);
        assert_close(hhi(&[7.0]), 1.0);
        assert_close(hhi(&[2.0, 1.0, 1.0]), 0.375); // 0.5² + 0.25² + 0.25²
        // Root preset: 0.0625 + 0.018225 + 0.0121 + 0.0081 + 0.004225 + 35·0.0001 = 0.10865.
        let stakes: Vec<f64> = root_network_preset().iter().map(|&s| s as f64).collect();
        assert_close(hhi(&stakes), 0.10865);
    }

    #[test]
    fn hhi_edge_cases() {
        assert_eq!(hhi(&[]), 0.0);
        assert_eq!(hhi(&[0.0, 0.0]), 0.0);
        assert_close(hhi(&[f64::MAX, f64::MAX]), 0.5);
    }

    #[test]
    fn top_k_share_of_the_root_network_preset() {
        let stakes: Vec<f64> = root_network_preset().iter().map(|&s| s as f64).collect();
        assert_close(top_k_share(&stakes, 1), 0.25);
        assert_close(top_k_share(&stakes, 3), 0.495);
        assert_close(top_k_share(&stakes, 5), 0.65);
        assert_eq!(top_k_share(&stakes, stakes.len()), 1.0);
        assert_eq!(top_k_share(&stakes, usize::MAX), 1.0);
    }

    #[test]
    fn top_k_share_edge_cases() {
        assert_eq!(top_k_share(&[1.0, 2.0], 0), 0.0);
        assert_eq!(top_k_share(&[], 3), 0.0);
        assert_eq!(top_k_share(&[0.0, 0.0], 1), 0.0);
        assert_close(top_k_share(&[3.0, -5.0, 1.0], 1), 0.75);
    }

    // Winner stability.

    #[test]
    fn top_ranked_takes_the_highest_score_and_the_lowest_uid_on_ties() {
        assert_eq!(top_ranked(&[0.1, 0.5, 0.2]), Some(1));
        assert_eq!(top_ranked(&[0.1, 0.5, 0.5]), Some(1));
        assert_eq!(top_ranked(&[f64::NAN, 0.3]), Some(1));
    }

    #[test]
    fn top_ranked_is_none_without_a_rewarded_uid() {
        assert_eq!(top_ranked(&[]), None);
        assert_eq!(top_ranked(&[0.0, 0.0]), None);
        assert_eq!(top_ranked(&[f64::NAN]), None);
        let mut beyond_uids = vec![0.0; 70_000];
        beyond_uids[65_536] = 1.0;
        assert_eq!(top_ranked(&beyond_uids), None);
    }

    #[test]
    fn ranking_flips_counts_changes_of_winner() {
        assert_eq!(ranking_flips::<u16>(&[]), 0);
        assert_eq!(ranking_flips(&[Some(3); 5]), 0);
        assert_eq!(ranking_flips(&[Some(1), Some(2), Some(1)]), 2);
        assert_eq!(ranking_flips(&[Some(1), Some(1), Some(2), Some(2), Some(3)]), 2);
    }

    /// The old definition compared UIDs: UID 5 won twice though its hotkey changed between (a
    /// pruned miner's UID went to a newcomer), which is a flip; hotkey 9 moving from UID 5 to UID 3
    /// (it cannot, but a reordering would) is none.
    #[test]
    fn ranking_flips_follow_what_identifies_the_winner_not_its_slot() {
        let (uids, hotkeys) = ([Some(5_u16), Some(5)], [Some(9_u32), Some(12)]);
        assert_eq!((ranking_flips(&uids), ranking_flips(&hotkeys)), (0, 1));
    }

    #[test]
    fn ranking_flips_skips_epochs_without_a_winner() {
        assert_eq!(ranking_flips::<u16>(&[None, None]), 0);
        assert_eq!(ranking_flips(&[Some(1), None, Some(1)]), 0);
        assert_eq!(ranking_flips(&[Some(1), None, None, Some(2)]), 1);
        assert_eq!(ranking_flips(&[None, Some(3), Some(4), None]), 1);
    }

    // Shares of sums, ratios.

    /// Two epochs; A (group 0) holds everything in the first, A and B (group 1) half each in the
    /// second. Sums: A 1.5 of 2, B 0.5 of 2. The old definition, each actor's mean over the epochs
    /// it was present then shares of those means, gave A 0.75 / 1.25 = 0.6 and B 0.4.
    #[test]
    fn summed_shares_weigh_a_holder_present_for_part_of_the_window_by_what_it_held() {
        let entries = [(Some(0), 2), (Some(0), 1), (Some(1), 1)];
        assert_eq!(summed_shares(&entries, 2), [0.75, 0.25]);
    }

    #[test]
    fn summed_shares_count_holders_of_no_group_in_the_total() {
        let entries = [(Some(0), 1), (None, 2), (Some(7), 1)];
        assert_eq!(summed_shares(&entries, 2), [0.25, 0.0]);
        assert_eq!(summed_shares(&[(Some(0), 0)], 1), [0.0], "a zero total gives zero shares");
        assert_eq!(summed_shares(&[(Some(0), u64::MAX), (Some(1), u64::MAX)], 2), [0.5, 0.5]);
    }

    #[test]
    fn a_ratio_is_undefined_against_a_zero_reference() {
        assert_eq!(ratio(0.3, 0.6), Some(0.5));
        assert_eq!(ratio(0.0, 0.6), Some(0.0));
        assert_eq!(ratio(0.3, 0.0), None);
        assert_eq!(ratio(0.0, 0.0), None);
        assert_eq!(ratio(f64::MAX, 0.5), None);
    }

    // Properties over small integer-valued samples, which are rich in ties.

    fn paired_samples() -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
        (2_usize..40).prop_flat_map(|n| {
            let values = proptest::collection::vec((0_u8..6).prop_map(f64::from), n);
            (values.clone(), values)
        })
    }

    proptest! {
        #[test]
        fn rank_correlations_are_bounded_symmetric_and_agree_on_definedness((x, y) in paired_samples()) {
            let rho = spearman(&x, &y);
            let tau = kendall_tau_b(&x, &y);
            prop_assert_eq!(rho.is_some(), tau.is_some());
            prop_assert_eq!(rho, spearman(&y, &x));
            prop_assert_eq!(tau, kendall_tau_b(&y, &x));
            for value in [rho, tau].into_iter().flatten() {
                prop_assert!((-1.0..=1.0).contains(&value));
            }
            // Reversing the order of observations changes neither.
            let (mut rx, mut ry) = (x.clone(), y.clone());
            rx.reverse();
            ry.reverse();
            prop_assert_eq!(rho, spearman(&rx, &ry));
            prop_assert_eq!(tau, kendall_tau_b(&rx, &ry));
        }

        #[test]
        fn concentration_measures_stay_in_their_ranges(stakes in proptest::collection::vec(0_u64..1_000, 0..40)) {
            let values: Vec<f64> = stakes.iter().map(|&s| s as f64).collect();
            let holders = stakes.iter().filter(|&&s| s > 0).count();
            let n = values.len() as f64;
            prop_assert!(nakamoto_coefficient(&stakes, 0.5) <= holders);
            prop_assert_eq!(nakamoto_coefficient(&stakes, 1.0), holders);
            let g = gini(&values);
            prop_assert!(g >= 0.0 && g <= (n - 1.0).max(0.0) / n.max(1.0) + TOLERANCE);
            let h = hhi(&values);
            if holders > 0 {
                prop_assert!(h >= 1.0 / n - TOLERANCE && h <= 1.0);
                prop_assert!(top_k_share(&values, 1) >= h - TOLERANCE, "the top share bounds the HHI");
            } else {
                prop_assert_eq!(h, 0.0);
            }
        }
    }
}
