//! Liquid alpha v1 (spec §2.9, 2024-07-02 → 2025-05-28, original Yuma): one EMA rate per miner
//! column, from a logistic curve of its consensus fitted so that the 75 % quantile of consensus
//! gets `alpha_high` and the 25 % quantile `alpha_low`.
//!
//! All in I32F32 with saturating operations; `ln` and `exp` are substrate-fixed's transcendental
//! functions (0 on error), as the chain used them.

use substrate_fixed::transcendental::{exp, ln};

use super::liquid_alpha::LiquidAlpha;
use crate::fixed::{I32F32, ONE};

const ZERO: I32F32 = I32F32::from_bits(0);

/// The `q` quantile of `values`, linearly interpolated between neighbours of the ascending order
/// (position `q · (n − 1)` as f64, as the chain computes it); 0 for no values.
pub fn quantile(values: &[I32F32], q: f64) -> I32F32 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let Some(last) = sorted.len().checked_sub(1) else {
        return ZERO;
    };
    let position = q * last as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    if low == high {
        return sorted[low];
    }
    let fraction = I32F32::from_num(position - low as f64);
    sorted[low].saturating_add(sorted[high].saturating_sub(sorted[low]).saturating_mul(fraction))
}

fn safe_ln(x: I32F32) -> I32F32 {
    ln::<I32F32, I32F32>(x).unwrap_or(ZERO)
}

fn safe_exp(x: I32F32) -> I32F32 {
    exp::<I32F32, I32F32>(x).unwrap_or(ZERO)
}

/// `calculate_logistic_params`: (a, b) of `α(c) = 1 / (1 + e^(b − a·c))` through
/// (c_high, α_high) and (c_low, α_low); (0, 0) when the quantiles do not spread or a bound is 0.
pub fn logistic_params(alpha_high: I32F32, alpha_low: I32F32, c_high: I32F32, c_low: I32F32) -> (I32F32, I32F32) {
    if c_high <= c_low || alpha_low == ZERO || alpha_high == ZERO {
        return (ZERO, ZERO);
    }
    let odds = |alpha: I32F32| ONE.saturating_div(alpha).saturating_sub(ONE);
    let (ln_high, ln_low) = (safe_ln(odds(alpha_high)), safe_ln(odds(alpha_low)));
    let a = ln_high.saturating_sub(ln_low).saturating_div(c_low.saturating_sub(c_high));
    let b = ln_low.saturating_add(a.saturating_mul(c_low));
    (a, b)
}

/// The per-column rates, or `None` when v1 does not apply (no consensus at all, or the quantiles
/// fail the chain's gate) and the fixed rate stands.
pub fn column_alphas(params: LiquidAlpha, consensus: &[I32F32]) -> Option<Vec<I32F32>> {
    if consensus.iter().all(|&c| c == ZERO) {
        return None;
    }
    let (c_high, c_low) = (quantile(consensus, 0.75), quantile(consensus, 0.25));
    if !(c_high > c_low || c_high != ZERO || c_low < ZERO) {
        return None;
    }
    let bound = |value: u16| I32F32::from_num(value) / I32F32::from_num(u16::MAX);
    let (alpha_low, alpha_high) = (bound(params.alpha_low), bound(params.alpha_high));
    let (a, b) = logistic_params(alpha_high, alpha_low, c_high, c_low);
    let alphas = consensus
        .iter()
        .map(|&c| {
            let curve = ONE.saturating_div(ONE.saturating_add(safe_exp(b.saturating_sub(a.saturating_mul(c)))));
            curve.min(alpha_high).max(alpha_low)
        })
        .collect();
    Some(alphas)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(values: &[f64]) -> Vec<I32F32> {
        values.iter().map(|&v| I32F32::from_num(v)).collect()
    }

    #[test]
    fn quantiles_interpolate_between_neighbours() {
        let values = fixed(&[0.4, 0.1, 0.3, 0.2, 0.0]);
        assert_eq!(quantile(&values, 0.75), I32F32::from_num(0.3));
        assert_eq!(quantile(&values, 0.25), I32F32::from_num(0.1));
        // n = 4: positions 2.25 and 0.75.
        let values = fixed(&[0.0, 0.5, 0.25, 1.0]);
        let high = quantile(&values, 0.75);
        assert!((high.to_num::<f64>() - 0.625).abs() < 1e-9, "{high}");
        assert!((quantile(&values, 0.25).to_num::<f64>() - 0.1875).abs() < 1e-9);
        assert_eq!(quantile(&[], 0.5), ZERO);
    }

    #[test]
    fn the_curve_passes_through_both_quantiles() {
        let (alpha_high, alpha_low) = (I32F32::from_num(0.9), I32F32::from_num(0.7));
        let (c_high, c_low) = (I32F32::from_num(0.6), I32F32::from_num(0.2));
        let (a, b) = logistic_params(alpha_high, alpha_low, c_high, c_low);
        let at = |c: I32F32| 1.0 / (1.0 + (b - a * c).to_num::<f64>().exp());
        assert!((at(c_high) - 0.9).abs() < 1e-6 && (at(c_low) - 0.7).abs() < 1e-6, "a {a} b {b}");
        // No spread: no curve.
        assert_eq!(logistic_params(alpha_high, alpha_low, c_low, c_low), (ZERO, ZERO));
    }

    #[test]
    fn columns_get_rates_within_the_bounds() {
        let params = LiquidAlpha { alpha_low: 45_875, alpha_high: 58_982, steepness: 1_000 };
        assert_eq!(column_alphas(params, &fixed(&[0.0, 0.0])), None);
        let consensus = fixed(&[0.0, 0.1, 0.2, 0.5, 0.9]);
        let alphas = column_alphas(params, &consensus).unwrap();
        let (low, high) = (I32F32::from_num(45_875) / 65_535, I32F32::from_num(58_982) / 65_535);
        assert!(alphas.iter().all(|&a| a >= low && a <= high), "{alphas:?}");
        assert!(alphas.windows(2).all(|pair| pair[0] <= pair[1]), "rising with consensus: {alphas:?}");
        assert_eq!(alphas[0], low, "below the 25 % quantile the low bound holds");
        assert_eq!(alphas[4], high);
        // Equal non-zero consensus: the gate lets it through with a flat curve at the low bound.
        assert_eq!(column_alphas(params, &fixed(&[0.5, 0.5])), Some(vec![low, low]));
    }
}
