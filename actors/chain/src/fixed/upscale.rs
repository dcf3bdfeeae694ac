//! Max-upscale to u16 (spec §1.4) and the max-weight-limit check (§5.1.9). These run once per
//! extrinsic, so they are written with the crate's own operations, branch for branch.

use super::encoding::fixed_from_u16;
use substrate_fixed::types::I32F32;

const U16_MAX_FIXED: I32F32 = I32F32::from_bits(65535 << 32);
const UPSCALE_BRANCH: I32F32 = I32F32::from_bits(32768 << 32);

/// Max-upscale a fixed vector to u16: m = max(v); m = 0 → `⌊v·65535⌋`; m > 32768 →
/// `round(v · (65535 / m))`; otherwise `round((v · 65535) / m)`. `round` is half away from zero;
/// the result saturates to u16. The branch decides the rounding, so both are kept.
pub fn max_upscale_to_u16(values: &[I32F32]) -> Vec<u16> {
    let Some(&max) = values.iter().max() else {
        return Vec::new();
    };
    if max == I32F32::from_num(0) {
        return values.iter().map(|v| v.saturating_mul(U16_MAX_FIXED).saturating_to_num::<u16>()).collect();
    }
    if max > UPSCALE_BRANCH {
        let ratio = U16_MAX_FIXED.saturating_div(max);
        values.iter().map(|v| v.saturating_mul(ratio).round().saturating_to_num::<u16>()).collect()
    } else {
        values
            .iter()
            .map(|v| v.saturating_mul(U16_MAX_FIXED).saturating_div(max).round().saturating_to_num::<u16>())
            .collect()
    }
}

/// Max-upscale of raw u16 weight values, as `set_weights` stores them (spec §5.1.9).
pub fn u16_max_upscale(values: &[u16]) -> Vec<u16> {
    let fixed: Vec<I32F32> = values.iter().map(|&v| fixed_from_u16(v)).collect();
    max_upscale_to_u16(&fixed)
}

/// True iff the largest normalised value is within `limit / 65535` (spec §5.1.9; 65535 = no limit).
pub fn is_max_weight_limited(values: &[u16], limit: u16) -> bool {
    if limit == u16::MAX {
        return true;
    }
    let Some(&max) = values.iter().max() else {
        return true;
    };
    let sum: I32F32 = values.iter().map(|&v| fixed_from_u16(v)).sum();
    let max_normalised = if sum == I32F32::from_num(0) { fixed_from_u16(max) } else { fixed_from_u16(max) / sum };
    max_normalised <= fixed_from_u16(limit) / U16_MAX_FIXED
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: f32) -> I32F32 {
        I32F32::from_num(x)
    }

    #[test]
    fn vector_math_vec_max_upscale_to_u16() {
        let max = I32F32::max_value();
        let cases: Vec<(Vec<I32F32>, Vec<u16>)> = vec![
            (vec![], vec![]),
            (vec![f(0.0)], vec![0]),
            (vec![f(0.0), f(0.0)], vec![0, 0]),
            (vec![f(0.0), f(1.0)], vec![0, 65535]),
            (vec![f(0.0), f(1e-9)], vec![0, 65535]),
            (vec![f(0.0), f(1.6e-5), f(1.0)], vec![0, 1, 65535]),
            (vec![f(1e-9), f(1e-9)], vec![65535, 65535]),
            (
                [1e-6, 6e-6, 7e-6, 0.0001, 0.001, 0.01, 0.1, 0.2, 0.3, 0.4].iter().map(|&x| f(x)).collect(),
                vec![0, 1, 1, 16, 164, 1638, 16384, 32768, 49151, 65535],
            ),
            (vec![f(16384.0)], vec![65535]),
            (vec![f(32768.0)], vec![65535]),
            (vec![f(32769.0)], vec![65535]),
            (vec![f(65535.0)], vec![65535]),
            (vec![max], vec![65535]),
            (vec![f(0.0), f(1.0), f(65535.0)], vec![0, 1, 65535]),
            ([0.0, 0.5, 1.0, 1.5, 2.0, 32768.0].iter().map(|&x| f(x)).collect(), vec![0, 1, 2, 3, 4, 65535]),
            (
                [0.0, 0.5, 1.0, 1.5, 2.0, 32768.0, 32769.0].iter().map(|&x| f(x)).collect(),
                vec![0, 1, 2, 3, 4, 65533, 65535],
            ),
            (vec![f(0.0), f(1.0), f(32768.0), f(32769.0), max], vec![0, 0, 1, 1, 65535]),
        ];
        for (input, want) in cases {
            assert_eq!(max_upscale_to_u16(&input), want, "input {input:?}");
        }
    }

    #[test]
    fn vector_math_vec_u16_max_upscale_to_u16() {
        let cases: [(&[u16], &[u16]); 10] = [
            (&[], &[]),
            (&[0], &[0]),
            (&[0, 0], &[0, 0]),
            (&[1], &[65535]),
            (&[0, 1], &[0, 65535]),
            (&[65534], &[65535]),
            (&[65535], &[65535]),
            (&[65535, 65535], &[65535, 65535]),
            (&[0, 1, 65534], &[0, 1, 65535]),
            (&[0, 1, 2, 3, 4, 65533, 65535], &[0, 1, 2, 3, 4, 65533, 65535]),
        ];
        for (input, want) in cases {
            assert_eq!(u16_max_upscale(input), want, "input {input:?}");
        }
    }

    #[test]
    fn vector_math_check_vec_max_limited() {
        let cases: [(&[u16], u16, bool); 11] = [
            (&[], 0, true),
            (&[], 65535, true),
            (&[65535], 65535, true),
            (&[65535], 65534, false),
            (&[65535], 0, false),
            (&[0], 65535, true),
            (&[0, 65535], 65535, true),
            (&[0, 65535, 65535], 32767, false),
            (&[0, 65535, 65535], 32768, true),
            (&[0, 65535, 65535, 65535], 21844, false),
            (&[0, 65535, 65535, 65535], 21845, true),
        ];
        for (values, limit, want) in cases {
            assert_eq!(is_max_weight_limited(values, limit), want, "{values:?} limit {limit}");
        }
    }

    #[test]
    fn round_half_away_from_zero_on_the_small_branch() {
        // Vector edge_upscale_round_half_away: [6, 1] → 1·65535/6 = 10922.5 → 10923.
        assert_eq!(u16_max_upscale(&[6, 1]), vec![65535, 10923]);
    }
}
