//! The chain's `exp` (spec §1.2): substrate-fixed's `transcendental::exp` into I32F32, a Taylor
//! series `1 + x + Σ_{i=2}^{31} term_i` with `term_i = (term_{i-1} · x) / i`, each step floored,
//! and `1 / series(|x|)` for negative x. It is inaccurate for large |x| and the chain uses it as
//! is, so we must too.
//!
//! Liquid alpha evaluates it once per weight entry, so this version is built for speed while
//! staying bit-identical to the crate (tested below over random inputs):
//! - on non-negative raw values `((t · x) >> 32) / i` is `⌊t · x / 2^32⌋ / i`, an integer
//!   division by a literal constant once the loop is unrolled, which the compiler turns into a
//!   multiply;
//! - once a term is exactly zero every later term is zero, so the series stops there;
//! - [`exp_safe_many`] runs the series of several values in lockstep: each series is a chain of
//!   dependent multiplies, and interleaving independent chains keeps the multiplier busy.

use substrate_fixed::types::I32F32;

/// exp(1) as the crate stores it: e with 23 fractional bits (I9F23), widened to I32F32.
const E_RAW: i64 = 0x15B_F0A8 << 9;
/// 20 in I32F32: the clamp of [`exp_safe`].
const TWENTY_RAW: i64 = 20 << 32;

/// The series left the range of I32F32 (where the crate's `exp` returns `Err(())`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overflow;

/// `exp(x)` exactly as `substrate_fixed::transcendental::exp::<I32F32, I32F32>`; `Err` where the
/// crate overflows.
pub fn exp(x: I32F32) -> Result<I32F32, Overflow> {
    let raw = x.to_bits();
    if raw == 0 {
        return Ok(I32F32::from_bits(1 << 32));
    }
    if raw == 1 << 32 {
        return Ok(I32F32::from_bits(E_RAW));
    }
    let negative = raw < 0;
    let magnitude = raw.checked_abs().ok_or(Overflow)? as u64;
    let series = series(magnitude).ok_or(Overflow)?;
    if negative {
        // 1 / series: (1 << 32 << 32) / series, truncated; series ≥ 1.0 so it cannot overflow.
        let quotient = (1u128 << 64) / u128::from(series);
        return Ok(I32F32::from_bits(quotient as i64));
    }
    Ok(I32F32::from_bits(series as i64))
}

/// `exp_safe` of subtensor's math: clamp x to [-20, 20], then [`exp`]; on an error 0 for x ≤ 0
/// and I32F32::MAX otherwise (unreachable after the clamp, kept for fidelity).
pub fn exp_safe(x: I32F32) -> I32F32 {
    let clamped = I32F32::from_bits(x.to_bits().clamp(-TWENTY_RAW, TWENTY_RAW));
    match exp(clamped) {
        Ok(value) => value,
        Err(Overflow) if x.to_bits() <= 0 => I32F32::from_bits(0),
        Err(Overflow) => I32F32::max_value(),
    }
}

/// Lanes of [`exp_safe_many`]: enough independent series to cover the multiply latency.
const LANES: usize = 8;

/// `exp_safe` of each value, appended to `out`; equal to [`exp_safe`] value by value.
pub fn exp_safe_many(xs: &[I32F32], out: &mut Vec<I32F32>) {
    for chunk in xs.chunks(LANES) {
        // After the clamp to [-20, 20] nothing in the series can overflow (the largest term is
        // 20^20/20! ≈ 4.3·10^7, the sum exp(20) ≈ 4.8·10^8), so the lanes need no checks.
        let mut clamped = [0i64; LANES];
        let mut magnitudes = [0u64; LANES];
        for ((raw, magnitude), x) in clamped.iter_mut().zip(&mut magnitudes).zip(chunk) {
            *raw = x.to_bits().clamp(-TWENTY_RAW, TWENTY_RAW);
            *magnitude = raw.unsigned_abs();
        }
        let clamped = &clamped[..chunk.len()];
        let sums = series_lanes(&magnitudes);
        out.extend(clamped.iter().zip(sums).map(|(&raw, sum)| {
            I32F32::from_bits(match raw {
                0 => 1 << 32,
                E_ARGUMENT_RAW => E_RAW,
                _ if raw < 0 => ((1u128 << 64) / u128::from(sum)) as i64,
                _ => sum as i64,
            })
        }));
    }
}

/// 1.0, the argument [`exp`] answers with the stored constant e.
const E_ARGUMENT_RAW: i64 = 1 << 32;

/// The series for up to [`LANES`] magnitudes at most 20, step by step together; a lane whose term
/// reached zero adds zeros from then on, exactly as its own series would stop.
fn series_lanes(x: &[u64; LANES]) -> [u64; LANES] {
    let mut sum = [0u64; LANES];
    let mut term = *x;
    for lane in 0..LANES {
        sum[lane] = x[lane] + (1 << 32);
    }
    macro_rules! steps {
        ($($i:literal)*) => {$(
            let mut any = 0;
            for lane in 0..LANES {
                term[lane] = ((u128::from(term[lane]) * u128::from(x[lane])) >> 32) as u64 / $i;
                sum[lane] += term[lane];
                any |= term[lane];
            }
            if any == 0 {
                return sum;
            }
        )*};
    }
    steps!(2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
    sum
}

/// The consensus sigmoid `1 / (1 + exp_safe(−ρ·(x − κ)))` with saturating steps (legacy Yuma v0
/// consensus and the pre-dTAO root epoch, spec §2.9, §3.6).
pub fn sigmoid_safe(x: I32F32, rho: I32F32, kappa: I32F32) -> I32F32 {
    let one = I32F32::from_bits(1 << 32);
    let offset = x.saturating_sub(kappa);
    let negative_rho = rho.saturating_mul(one.saturating_neg());
    let denominator = exp_safe(negative_rho.saturating_mul(offset)).saturating_add(one);
    one.saturating_div(denominator)
}

/// `1 + x + Σ_{i=2}^{31} term_i` on raw bits of a non-negative x; `None` on I32F32 overflow.
#[inline]
fn series(x: u64) -> Option<u64> {
    const RAW_MAX: u64 = i64::MAX as u64;
    let mut sum = x.checked_add(1 << 32).filter(|&s| s <= RAW_MAX)?;
    let mut term = x;
    macro_rules! steps {
        ($($i:literal)*) => {$(
            // term · x, floored to 32 fractional bits; overflow as the crate's checked_mul.
            let product = (u128::from(term) * u128::from(x)) >> 32;
            if product > u128::from(RAW_MAX) {
                return None;
            }
            term = product as u64 / $i;
            if term == 0 {
                return Some(sum);
            }
            sum = sum.checked_add(term).filter(|&s| s <= RAW_MAX)?;
        )*};
    }
    steps!(2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
    Some(sum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use substrate_fixed::transcendental;

    fn reference(x: I32F32) -> Result<I32F32, Overflow> {
        transcendental::exp::<I32F32, I32F32>(x).map_err(|()| Overflow)
    }

    #[test]
    fn vector_math_exp_safe_series() {
        // Vector math_exp_safe_series: the equalities the upstream test asserts, and the
        // derived values of the re-implementation.
        let one = I32F32::from_num(1);
        assert_eq!(exp_safe(I32F32::from_num(0)), one);
        assert_eq!(exp_safe(one), exp(one).unwrap());
        #[allow(clippy::excessive_precision)]
        // the vector's exact decimal of e with 23 fractional bits
        let e_23_bits = I32F32::from_num(2.71828174591064453125);
        assert_eq!(exp_safe(one), e_23_bits);
        assert_eq!(exp_safe(I32F32::from_num(-21)), exp(I32F32::from_num(-20)).unwrap());
        assert_eq!(exp_safe(I32F32::min_value()), exp(I32F32::from_num(-20)).unwrap());
        assert_eq!(exp_safe(I32F32::from_num(21)), exp(I32F32::from_num(20)).unwrap());
        assert_eq!(exp_safe(I32F32::max_value()), exp(I32F32::from_num(20)).unwrap());
        assert_eq!(exp(I32F32::from_num(-20)).unwrap().to_bits(), 8);
        let e20: f64 = exp(I32F32::from_num(20)).unwrap().to_num();
        assert!((e20 - 481239357.67416286).abs() < 1e-6, "exp(20) = {e20}");
        let e5: f64 = exp(I32F32::from_num(5)).unwrap().to_num();
        assert!((e5 - 148.41315909847617).abs() < 1e-9, "exp(5) = {e5}");
    }

    #[test]
    fn vector_math_sigmoid_safe_legacy_consensus() {
        let (min, max) = (I32F32::min_value(), I32F32::max_value());
        let xs = [
            min,
            I32F32::from_num(0),
            I32F32::from_num(0.4),
            I32F32::from_num(0.5),
            I32F32::from_num(0.6),
            I32F32::from_num(1),
            max,
        ];
        let tiny = 0.0000000019;
        let sets: [(I32F32, I32F32, [f64; 7]); 3] = [
            (max, max, [tiny, tiny, tiny, tiny, tiny, tiny, 0.5]),
            (min, min, [0.5, tiny, tiny, tiny, tiny, tiny, tiny]),
            (
                I32F32::from_num(30),
                I32F32::from_num(0.5),
                [tiny, 3.057e-07, 0.0474258729, 0.5, 0.952574127, 0.9999996943, 0.9999999981],
            ),
        ];
        for (rho, kappa, want) in sets {
            for (&x, want) in xs.iter().zip(want) {
                assert_eq!(sigmoid_safe(x, rho, kappa), I32F32::from_num(want), "x {x} rho {rho} kappa {kappa}");
            }
        }
        let want = [
            tiny,
            1.125e-07,
            6.1442e-06,
            0.0003353502,
            0.017986214,
            0.5,
            0.9820138067,
            0.9996646498,
            0.9999938558,
            0.9999998875,
            0.9999999981,
        ];
        for (step, want) in want.iter().enumerate() {
            let x = I32F32::from_num(step as f32 / 10.0);
            assert_eq!(sigmoid_safe(x, I32F32::from_num(40), I32F32::from_num(0.5)), I32F32::from_num(*want), "x {x}");
        }
    }

    #[test]
    fn edges_match_crate() {
        for raw in [
            0i64,
            1,
            -1,
            1 << 32,
            -(1 << 32),
            (1 << 32) + 1,
            (1 << 32) - 1,
            20 << 32,
            -(20 << 32),
            21 << 32,
            22 << 32,
            -(22 << 32),
            30 << 32,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
        ] {
            let x = I32F32::from_bits(raw);
            assert_eq!(exp(x), reference(x), "exp({x})");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn matches_crate_in_liquid_alpha_range(raw in -(20i64 << 32)..=(20i64 << 32)) {
            let x = I32F32::from_bits(raw);
            prop_assert_eq!(exp(x), reference(x));
        }

        #[test]
        fn matches_crate_everywhere(raw in any::<i64>()) {
            let x = I32F32::from_bits(raw);
            prop_assert_eq!(exp(x), reference(x));
        }

        #[test]
        fn many_equals_one_by_one(raws in proptest::collection::vec(prop_oneof![
            -(21i64 << 32)..=(21i64 << 32),
            Just(0i64),
            Just(1i64 << 32),
            Just(-(1i64 << 32)),
            any::<i64>(),
        ], 0..40)) {
            let xs: Vec<I32F32> = raws.iter().map(|&r| I32F32::from_bits(r)).collect();
            let mut many = Vec::new();
            exp_safe_many(&xs, &mut many);
            let one_by_one: Vec<I32F32> = xs.iter().map(|&x| exp_safe(x)).collect();
            prop_assert_eq!(many, one_by_one);
        }

        #[test]
        fn matches_crate_near_overflow(raw in (21i64 << 32)..(23i64 << 32)) {
            let x = I32F32::from_bits(raw);
            prop_assert_eq!(exp(x), reference(x));
        }
    }
}
