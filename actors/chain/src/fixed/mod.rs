//! The chain's numbers (spec §1): the fixed-point types of `substrate-fixed` (the crate subtensor
//! itself uses), the chain's conversions between them and u16, and exact kernels for hot loops.
//!
//! Everything here rounds exactly as the chain does: multiplication floors, division truncates,
//! narrowing conversions floor, u16 encodings floor (max-upscale rounds half away from zero).
//! The raw-bit kernels that hot loops use instead of the types' generic operations are tested bit
//! for bit against the crate's own operations.

mod divisor;
mod encoding;
mod exp;
mod upscale;

pub use divisor::Divisor;
pub use encoding::{fixed_from_u16, fixed_proportion_to_u16, u16_proportion_to_fixed};
pub use exp::{Overflow, exp, exp_safe, exp_safe_many, sigmoid_safe};
pub use substrate_fixed::types::{I32F32, I64F64, I96F32, U64F64, U96F32};
pub use upscale::{is_max_weight_limited, max_upscale_to_u16, u16_max_upscale};

/// 1.0 in I32F32.
pub const ONE: I32F32 = I32F32::from_bits(1 << 32);
/// The raw value of 1.0 in I32F32.
pub const ONE_RAW: i64 = 1 << 32;

/// I64F64 → I32F32, dropping 32 fractional bits (floor) and saturating (spec §1.2).
#[inline]
pub fn i64f64_to_i32f32(x: I64F64) -> I32F32 {
    let raw = x.to_bits() >> 32;
    I32F32::from_bits(raw.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
}

/// `a.saturating_mul(b)` on raw I32F32 bits: the exact product floored to 32 fractional bits,
/// clamped to the type's range. Hot loops use this form; the fixed types' generic saturation
/// compiles to a long i128 carry chain.
#[inline(always)]
pub fn mul_raw(a: i64, b: i64) -> i64 {
    // The epoch multiplies non-negative proportions almost always: an unsigned product needs
    // no sign handling and saturates only above i64::MAX.
    if (a | b) >= 0 {
        let product = (u128::from(a as u64) * u128::from(b as u64)) >> 32;
        if product <= i64::MAX as u128 {
            return product as i64;
        }
    }
    ((i128::from(a) * i128::from(b)) >> 32).clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// `x / divisor` on raw I32F32 bits of non-negative values: `⌊x · 2^32 / divisor⌋`, the
/// chain's truncating fixed division. Most numerators are proportions below 1.0, where the
/// shifted numerator fits a u64 and one hardware division does it.
#[inline(always)]
pub fn divide_raw(x: u64, divisor: u64) -> u128 {
    debug_assert!(divisor > 0);
    if x < 1 << 32 { u128::from((x << 32) / divisor) } else { (u128::from(x) << 32) / u128::from(divisor) }
}

/// `x · E` floored to RAO, computed in I96F32 as the chain does for emission amounts (spec §2.7.4).
#[inline]
pub fn share_of_rao(x: I32F32, amount_rao: u64) -> u64 {
    if x.to_bits() <= 0 {
        return 0;
    }
    // I96F32 keeps the 32 fractional bits of x, so the product is raw(x) · E >> 32, floored.
    let product = (x.to_bits() as u128) * u128::from(amount_rao);
    u64::try_from(product >> 32).unwrap_or(u64::MAX)
}

/// `normalize` (spec §1.3): divide by the sum unless the sum is zero. Values are proportions
/// (non-negative); the sum is exact integer addition of raw values.
pub fn normalize(values: &mut [I32F32]) {
    let sum: i64 = values.iter().map(|x| x.to_bits()).sum();
    if sum == 0 {
        return;
    }
    debug_assert!(sum > 0, "normalize: negative sum {sum}");
    let sum = Divisor::new(sum as u64);
    for x in values.iter_mut() {
        debug_assert!(x.to_bits() >= 0);
        *x = I32F32::from_bits(sum.divide_raw(x.to_bits() as u64) as i64);
    }
}

/// `normalize` over I64F64 (stake, spec §2.2.3). Runs once per UID per epoch, so it uses the
/// crate's own 128-bit division: the reference semantics with no kernel to prove.
pub fn normalize_i64f64(values: &mut [I64F64]) {
    let sum: I64F64 = values.iter().copied().sum();
    if sum == I64F64::from_num(0) {
        return;
    }
    for x in values.iter_mut() {
        *x = x.checked_div(sum).unwrap_or(I64F64::from_num(0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn u16_proportions_round_trip_as_on_chain() {
        assert_eq!(u16_proportion_to_fixed(65535), ONE);
        assert_eq!(u16_proportion_to_fixed(0).to_bits(), 0);
        // 32767/65535 = 0.49999237..., floor(32767·2^32/65535)
        assert_eq!(u16_proportion_to_fixed(32767).to_bits(), 2147450879);
        assert_eq!(fixed_proportion_to_u16(ONE), 65535);
        assert_eq!(fixed_proportion_to_u16(I32F32::from_num(2)), 65535);
        assert_eq!(fixed_proportion_to_u16(I32F32::from_num(-1)), 0);
        // The store/load round trip loses a unit: 12603 → 12602 (spec §2.5.7).
        let back = fixed_proportion_to_u16(u16_proportion_to_fixed(12603));
        assert_eq!(back, 12602);
    }

    #[test]
    fn stake_normalisation_precision_vector() {
        // Vector math_u64_stake_normalisation_precision: stakes / 21e15 in I64F64 then I32F32.
        let total = I64F64::from_num(21_000_000_000_000_000u64);
        let cases: [(u64, I64F64, I32F32); 4] = [
            (1, I64F64::from_num(0.0000000000000000476), I32F32::from_num(0)),
            (4889444, I64F64::from_num(0.00000000023283066664), I32F32::from_num(0.0000000002)),
            (10_500_000_000_000_000, I64F64::from_num(0.5), I32F32::from_num(0.5)),
            (21_000_000_000_000_000, I64F64::from_num(1), I32F32::from_num(1)),
        ];
        for (stake, want64, want32) in cases {
            let got = I64F64::from_num(stake) / total;
            assert_eq!(got, want64, "I64F64 of {stake}");
            assert_eq!(i64f64_to_i32f32(got), want32, "I32F32 of {stake}");
        }
    }

    proptest! {
        #[test]
        fn u16_proportion_matches_crate_division(v in any::<u16>()) {
            let reference = I32F32::from_num(v) / I32F32::from_num(65535);
            prop_assert_eq!(u16_proportion_to_fixed(v), reference);
        }

        #[test]
        fn proportion_to_u16_matches_crate(raw in 0i64..=(1i64 << 40)) {
            let x = I32F32::from_bits(raw);
            let reference: u16 = x.saturating_mul(I32F32::from_num(65535)).saturating_to_num::<u16>();
            prop_assert_eq!(fixed_proportion_to_u16(x), reference);
        }

        #[test]
        fn narrowing_matches_crate(raw in any::<i128>()) {
            let x = I64F64::from_bits(raw >> 20);
            let reference = I32F32::saturating_from_num(x);
            // The crate's saturating conversion floors like ours (drops fractional bits).
            prop_assert_eq!(i64f64_to_i32f32(x), reference);
        }

        #[test]
        fn normalize_matches_crate_division(values in proptest::collection::vec(0i64..=(1i64 << 34), 0..40)) {
            let mut fast: Vec<I32F32> = values.iter().map(|&r| I32F32::from_bits(r)).collect();
            let sum: I32F32 = fast.iter().copied().sum();
            let reference: Vec<I32F32> = if sum == I32F32::from_num(0) {
                fast.clone()
            } else {
                fast.iter().map(|&x| x / sum).collect()
            };
            normalize(&mut fast);
            prop_assert_eq!(fast, reference);
        }

        #[test]
        fn divide_raw_matches_crate_division(x in 0i64..=i64::MAX, divisor in 1i64..=i64::MAX, small in 0i64..(1 << 33)) {
            for (x, divisor) in [(x, divisor), (small, divisor), (small, small.max(1)), (x, small.max(1))] {
                // The crate's I32F32 `/`, where the quotient fits the type.
                if let Some(q) = I32F32::from_bits(x).checked_div(I32F32::from_bits(divisor)) {
                    prop_assert_eq!(divide_raw(x as u64, divisor as u64), q.to_bits() as u128);
                }
            }
        }

        #[test]
        fn mul_raw_matches_crate_saturating_mul(a in any::<i64>(), b in any::<i64>(), small in -(1i64 << 34)..(1i64 << 34)) {
            for (a, b) in [(a, b), (a, small), (small, b), (small, small)] {
                let reference = I32F32::from_bits(a).saturating_mul(I32F32::from_bits(b)).to_bits();
                prop_assert_eq!(mul_raw(a, b), reference);
            }
        }

        #[test]
        fn share_of_rao_matches_i96f32(raw in 0i64..=(1i64 << 33), amount in any::<u64>()) {
            let x = I32F32::from_bits(raw);
            let reference: u64 = (I96F32::from_num(x) * I96F32::from_num(amount)).saturating_to_num::<u64>();
            prop_assert_eq!(share_of_rao(x, amount), reference);
        }
    }
}
