//! Exact fixed-point division by a divisor shared by many numerators.
//!
//! The epoch divides every weight by its row sum and every bond by its column sum. On raw
//! I32F32 bits the chain's division is `⌊x · 2^32 / s⌋` (a 128-bit integer division, ~40–90
//! cycles here). [`Reciprocal`] estimates the quotient with one f64 multiply and then fixes it
//! with the exact integer remainder, so the result is the chain's bit for bit whatever the float
//! rounding was: the float only picks the candidate, integers decide.

/// `⌊x · 2^32 / divisor⌋` for non-negative raw values: the raw bits of the I32F32 division
/// `x / divisor`, without a 128-bit division.
#[derive(Clone, Copy, Debug)]
pub struct Reciprocal {
    divisor: u64,
    /// 2^32 / divisor, rounded; only used to estimate.
    scale: f64,
}

impl Reciprocal {
    pub fn new(divisor: u64) -> Self {
        assert!(divisor > 0, "Reciprocal of zero");
        Self { divisor, scale: 4_294_967_296.0 / divisor as f64 }
    }

    /// `⌊x · 2^32 / divisor⌋`, exact for every `x`.
    #[inline]
    pub fn divide_raw(&self, x: u64) -> u128 {
        let numerator = u128::from(x) << 32;
        let divisor = u128::from(self.divisor);
        // The estimate has a relative error below 2^-51; for quotients under 2^50 it is off by at
        // most one, which the branches below correct. Anything else takes the exact slow path.
        let estimate = (x as f64 * self.scale) as u128;
        let product = estimate * divisor;
        if product <= numerator {
            let remainder = numerator - product;
            if remainder < divisor {
                return estimate;
            }
            if remainder < 2 * divisor {
                return estimate + 1;
            }
        } else if product - numerator <= divisor {
            return estimate - 1;
        }
        numerator / divisor
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::fixed::I32F32;
    use proptest::prelude::*;

    fn reference(x: u64, divisor: u64) -> u128 {
        (u128::from(x) << 32) / u128::from(divisor)
    }

    #[test]
    fn edges() {
        for divisor in [1u64, 2, 3, 65535, 1 << 32, (1 << 32) + 1, u64::MAX, u64::MAX - 1] {
            let r = Reciprocal::new(divisor);
            for x in [0u64, 1, 2, divisor - 1, divisor, divisor.saturating_add(1), u64::MAX, u64::MAX / 3] {
                assert_eq!(r.divide_raw(x), reference(x, divisor), "x {x} divisor {divisor}");
            }
        }
    }

    proptest! {
        #[test]
        fn equals_integer_division(x in any::<u64>(), divisor in 1u64..) {
            prop_assert_eq!(Reciprocal::new(divisor).divide_raw(x), reference(x, divisor));
        }

        #[test]
        fn equals_integer_division_near_one(divisor in 1u64..(1 << 40), below in 0u64..4) {
            // Numerators at and just under the divisor, where normalisations live.
            let x = divisor.saturating_sub(below);
            prop_assert_eq!(Reciprocal::new(divisor).divide_raw(x), reference(x, divisor));
        }

        #[test]
        fn equals_crate_division(x in 0i64..=i64::MAX, divisor in 1i64..=i64::MAX) {
            // The crate's I32F32 `/` on non-negative values, where the quotient fits.
            let q = I32F32::from_bits(x).checked_div(I32F32::from_bits(divisor));
            if let Some(q) = q {
                prop_assert_eq!(Reciprocal::new(divisor as u64).divide_raw(x as u64), q.to_bits() as u128);
            }
        }
    }
}
