//! Division of many numerators by one divisor without the hardware's division: a multiply-high by
//! a precomputed reciprocal, an add and two shifts (Granlund and Montgomery, "Division by
//! invariant integers using multiplication", PLDI 1994, figure 4.1), exact for every u64
//! numerator. A 64-bit `div` costs tens of cycles on the Xeons and EPYCs we run on, and the epoch
//! divides every entry of a row or column by that row's or column's sum.

/// A u64 divisor prepared for [`Divisor::divide`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Divisor {
    divisor: u64,
    /// m' = ⌊2^64 · (2^l − d) / d⌋ + 1, with l = ⌈log2 d⌉; below 2^64 because 2^(l−1) < d.
    magic: u64,
    /// min(l, 1) and max(l − 1, 0).
    shift1: u32,
    shift2: u32,
}

impl Divisor {
    /// Prepares `divisor`, which must be positive.
    pub fn new(divisor: u64) -> Divisor {
        assert!(divisor > 0, "division by zero");
        let l = 64 - (divisor - 1).leading_zeros();
        let magic = ((((1u128 << l) - u128::from(divisor)) << 64) / u128::from(divisor) + 1) as u64;
        Divisor { divisor, magic, shift1: l.min(1), shift2: l.saturating_sub(1) }
    }

    /// ⌊n / d⌋.
    #[inline(always)]
    pub fn divide(self, n: u64) -> u64 {
        let t1 = ((u128::from(self.magic) * u128::from(n)) >> 64) as u64;
        (t1 + ((n - t1) >> self.shift1)) >> self.shift2
    }

    /// [`divide_raw`](super::divide_raw)`(x, d)`: `⌊x · 2^32 / d⌋`, the chain's truncating fixed
    /// division of non-negative raw I32F32 bits.
    #[inline(always)]
    pub fn divide_raw(self, x: u64) -> u128 {
        if x < 1 << 32 { u128::from(self.divide(x << 32)) } else { (u128::from(x) << 32) / u128::from(self.divisor) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed::divide_raw;
    use proptest::prelude::*;

    /// Divisors where a reciprocal goes wrong first: powers of two and their neighbours, the
    /// extremes, and the 2^32 a raw I32F32 1.0 is.
    fn edge_divisors() -> Vec<u64> {
        let mut divisors = vec![1, 2, 3, 5, 7, 10, 641, 6_700_417, u64::MAX, u64::MAX - 1, (1 << 63) + 1];
        for k in 1..64 {
            let power = 1u64 << k;
            divisors.extend([power - 1, power, power + 1]);
        }
        divisors
    }

    fn edge_numerators(divisor: u64) -> Vec<u64> {
        let mut numerators = vec![0, 1, 2, u64::MAX, u64::MAX - 1, 1 << 32, (1 << 32) - 1, 1 << 63];
        for multiple in [1, 2, 3, u64::MAX / divisor] {
            let n = divisor.saturating_mul(multiple);
            numerators.extend([n.saturating_sub(1), n, n.saturating_add(1)]);
        }
        numerators
    }

    #[test]
    fn every_edge_divisor_divides_every_edge_numerator_as_the_hardware_does() {
        for d in edge_divisors() {
            let divisor = Divisor::new(d);
            for n in edge_numerators(d) {
                assert_eq!(divisor.divide(n), n / d, "{n} / {d}");
            }
        }
    }

    #[test]
    #[should_panic(expected = "division by zero")]
    fn a_zero_divisor_is_refused() {
        Divisor::new(0);
    }

    proptest! {
        #[test]
        fn divide_is_the_hardware_division(n in any::<u64>(), d in 1u64..=u64::MAX, small in 1u64..(1 << 20)) {
            for (n, d) in [(n, d), (n, small), (n >> 16, d >> 40 | 1), (n >> 32, small)] {
                prop_assert_eq!(Divisor::new(d).divide(n), n / d, "{} / {}", n, d);
            }
        }

        #[test]
        fn divide_raw_is_the_chains_fixed_division(x in any::<u64>(), d in 1u64..=u64::MAX, proportion in 0u64..(1 << 32)) {
            for (x, d) in [(x, d), (proportion, d), (proportion, d >> 28 | 1), (x, proportion | 1)] {
                prop_assert_eq!(Divisor::new(d).divide_raw(x), divide_raw(x, d), "{} / {}", x, d);
            }
        }
    }
}
