//! Liquid alpha, Yuma3 flavour (spec §2.6.1): an EMA rate per bond entry from a sigmoid of how
//! far the weight moved away from consensus (buying) or from the bond (selling).

use super::matrix::SparseMatrix;
use crate::fixed::{I32F32, ONE, ONE_RAW, exp_safe, exp_safe_many, mul_raw, u16_proportion_to_fixed};

/// The subnet's liquid-alpha settings (`AlphaValues`, `AlphaSigmoidSteepness`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiquidAlpha {
    pub alpha_low: u16,
    pub alpha_high: u16,
    pub steepness: i16,
}

const ZERO: I32F32 = I32F32::from_bits(0);
const HALF: I32F32 = I32F32::from_bits(1 << 31);

/// The sigmoid with its per-epoch constants folded.
#[derive(Clone, Debug)]
pub struct AlphaSigmoid {
    low: I32F32,
    high: I32F32,
    span: I32F32,
    /// steepness / −100, a saturating fixed division.
    slope: I32F32,
    /// α at distance 0, the most common distance (see `row_alphas`).
    alpha_at_zero: I32F32,
    exponents: Vec<I32F32>,
    exponentials: Vec<I32F32>,
    /// The positions whose exponents `dense_row_alphas` queued.
    queued: Vec<u32>,
}

impl AlphaSigmoid {
    pub fn new(params: LiquidAlpha) -> Self {
        let low = u16_proportion_to_fixed(params.alpha_low);
        let high = u16_proportion_to_fixed(params.alpha_high);
        let slope = I32F32::from_num(params.steepness).saturating_div(I32F32::from_num(-100));
        let mut sigmoid = Self {
            low,
            high,
            span: high.saturating_sub(low),
            slope,
            alpha_at_zero: ZERO,
            exponents: Vec::new(),
            exponentials: Vec::new(),
            queued: Vec::new(),
        };
        sigmoid.alpha_at_zero = sigmoid.alpha_from_exponential(exp_safe(sigmoid.exponent(ZERO)));
        sigmoid
    }

    /// The distance of §2.6.1: how far the weight moved above consensus (buying), or below the
    /// bond (selling).
    #[inline]
    fn distance(weight: I32F32, bond: I32F32, consensus: I32F32) -> I32F32 {
        if weight >= bond {
            weight.saturating_sub(consensus).clamp(ZERO, ONE)
        } else {
            bond.saturating_sub(weight).clamp(ZERO, ONE)
        }
    }

    /// x = (steepness / −100) · (d − 0.5), the saturating product on raw bits (`mul_raw`).
    #[inline]
    fn exponent(&self, distance: I32F32) -> I32F32 {
        I32F32::from_bits(mul_raw(self.slope.to_bits(), distance.to_bits().saturating_sub(HALF.to_bits())))
    }

    /// α = clamp(α_lo + σ·(α_hi − α_lo), α_lo, α_hi) with σ = 1 / (1 + e^x), written so it
    /// cannot panic if α_lo > α_hi; the fixed types' saturating operations on raw bits.
    #[inline]
    fn alpha_from_exponential(&self, exponential: I32F32) -> I32F32 {
        let sigmoid = I32F32::from_bits(one_over_one_plus(exponential));
        let alpha = self.low.to_bits().saturating_add(mul_raw(sigmoid.to_bits(), self.span.to_bits()));
        I32F32::from_bits(alpha).max(self.low).min(self.high)
    }

    /// α for a weight w, the validator's bond β to that miner, and the miner's consensus c.
    pub fn alpha(&self, weight: I32F32, bond: I32F32, consensus: I32F32) -> I32F32 {
        self.alpha_from_exponential(exp_safe(self.exponent(Self::distance(weight, bond, consensus))))
    }

    /// α for each entry of a row, as [`alpha`](Self::alpha) gives it entry by entry. Distance 0
    /// is where the weight is at or above the bond and at or below consensus, the usual case
    /// with the default bonds penalty (W^b = W̄ ≤ c), so its α is computed once per epoch;
    /// the other entries' exponentials are computed together (`exp_safe_many`).
    pub fn row_alphas(
        &mut self,
        cols: &[u16],
        weights: &[I32F32],
        bonds: &[I32F32],
        consensus: &[I32F32],
        alphas: &mut Vec<I32F32>,
    ) {
        alphas.clear();
        self.exponents.clear();
        for ((&j, &weight), &bond) in cols.iter().zip(weights).zip(bonds) {
            let distance = Self::distance(weight, bond, consensus[usize::from(j)]);
            if distance == ZERO {
                alphas.push(self.alpha_at_zero);
            } else {
                // Marks the entry to fill in below.
                alphas.push(I32F32::from_bits(-1));
                self.exponents.push(self.exponent(distance));
            }
        }
        self.exponentials.clear();
        exp_safe_many(&self.exponents, &mut self.exponentials);
        let mut exponentials = self.exponentials.iter();
        for alpha in alphas.iter_mut().filter(|alpha| alpha.to_bits() < 0) {
            *alpha = self.alpha_from_exponential(*exponentials.next().expect("one exponential per marked entry"));
        }
    }

    /// α for each entry of a row whose weight is not `skip`, as [`alpha`](Self::alpha) gives
    /// it, into `alphas` (raw bits; an entry skipped gets 0). The dense path's form of
    /// [`row_alphas`](Self::row_alphas): every input per position, no column list, and the
    /// distance on raw bits (the same saturating steps).
    pub fn dense_row_alphas(
        &mut self,
        weights: &[I32F32],
        bonds: &[I32F32],
        consensus: &[I32F32],
        skip: I32F32,
        alphas: &mut [i64],
    ) {
        self.exponents.clear();
        self.queued.clear();
        let (skip, at_zero) = (skip.to_bits(), self.alpha_at_zero.to_bits());
        let entries = weights.iter().zip(bonds).zip(consensus).zip(alphas.iter_mut());
        for (k, (((weight, bond), consensus), alpha)) in entries.enumerate() {
            let (w, b) = (weight.to_bits(), bond.to_bits());
            // `distance`: how far above consensus (w ≥ b) or below the bond (w < b).
            let distance = if w >= b { w.saturating_sub(consensus.to_bits()) } else { b.saturating_sub(w) };
            let distance = distance.clamp(0, ONE_RAW);
            *alpha = at_zero;
            if w == skip {
                *alpha = 0;
            } else if distance != 0 {
                // A row is at most 65536 entries wide.
                self.queued.push(k as u32);
                self.exponents.push(self.exponent(I32F32::from_bits(distance)));
            }
        }
        self.exponentials.clear();
        exp_safe_many(&self.exponents, &mut self.exponentials);
        for (&k, &exponential) in self.queued.iter().zip(&self.exponentials) {
            alphas[k as usize] = self.alpha_from_exponential(exponential).to_bits();
        }
    }
}

/// `ONE.saturating_div(ONE.saturating_add(e))` on raw bits. For e ≥ 0 (every exponential) the
/// divisor d = 2^32 + e lies in [2^32, 2^63) and the fixed division is ⌊2^64 / d⌋ ≤ 2^32, which
/// one 64-bit division gives: ⌊(2^64 − 1) / d⌋, plus 1 when d divides 2^64 (a power of two).
#[inline]
fn one_over_one_plus(e: I32F32) -> i64 {
    let divisor = ONE_RAW.saturating_add(e.to_bits());
    if e.to_bits() < 0 || divisor == i64::MAX {
        return ONE.saturating_div(I32F32::from_bits(divisor)).to_bits();
    }
    let divisor = divisor as u64;
    (u64::MAX / divisor + u64::from(divisor.is_power_of_two())) as i64
}

/// The Yuma3 EMA with a rate per entry (§2.6.3): `min(1, (1 − α)·B + max(0, α·W^b))`, only
/// for the columns present in the row of W^b (an old bond to a column absent there is dropped,
/// not decayed), keeping results > 0. `row_alphas(i, columns, weights, bonds, out)` gives the
/// rates of row i, with the row's old bond per column (0 where there is none).
pub fn ema_per_entry(
    bond_weights: &SparseMatrix,
    bonds: &SparseMatrix,
    mut row_alphas: impl FnMut(usize, &[u16], &[I32F32], &[I32F32], &mut Vec<I32F32>),
) -> SparseMatrix {
    let mut out = SparseMatrix::with_capacity(bond_weights.n_rows(), bond_weights.n_cols(), bond_weights.n_entries());
    let (mut old, mut alphas) = (Vec::new(), Vec::new());
    for i in 0..bond_weights.n_rows() {
        let (cols, weights) = bond_weights.row(i);
        let (bond_cols, bond_vals) = bonds.row(i);
        // The old bond of each column of the W^b row.
        old.clear();
        if cols == bond_cols {
            old.extend_from_slice(bond_vals);
        } else {
            let mut k = 0;
            for &j in cols {
                while k < bond_cols.len() && bond_cols[k] < j {
                    k += 1;
                }
                old.push(if bond_cols.get(k) == Some(&j) { bond_vals[k] } else { ZERO });
            }
        }
        row_alphas(i, cols, weights, &old, &mut alphas);
        assert_eq!(alphas.len(), cols.len(), "one rate per entry");
        let blended = weights.iter().zip(&old).zip(&alphas).map(|((weight, bond), alpha)| {
            I32F32::from_bits(liquid_ema_entry(alpha.to_bits(), weight.to_bits(), bond.to_bits()))
        });
        out.push_row_positive(cols, blended);
    }
    out
}

/// `min(1, (1 − α)·B + max(0, α·W^b))` on raw bits: one entry of [`ema_per_entry`].
#[inline(always)]
pub fn liquid_ema_entry(alpha: i64, weight: i64, bond: i64) -> i64 {
    let decayed = mul_raw(ONE_RAW.saturating_sub(alpha), bond);
    let bought = mul_raw(alpha, weight).max(0);
    decayed.saturating_add(bought).min(ONE_RAW)
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // the vectors' tables of inputs and expected values
mod tests {
    use super::*;
    use proptest::prelude::{Just, prop_oneof};

    fn matrix<T: Copy + Into<f64>>(rows: &[Vec<(u16, T)>], n_cols: usize) -> SparseMatrix {
        let mut m = SparseMatrix::with_capacity(rows.len(), n_cols, 0);
        for row in rows {
            for &(j, v) in row {
                m.push(j, I32F32::from_num(v.into()));
            }
            m.end_row();
        }
        m
    }

    /// Row-major 4×3, zeros absent.
    fn grid(flat: &[f32]) -> SparseMatrix {
        let rows: Vec<Vec<(u16, f32)>> = flat
            .chunks(3)
            .map(|row| row.iter().enumerate().filter(|(_, v)| **v != 0.0).map(|(j, &v)| (j as u16, v)).collect())
            .collect();
        matrix(&rows, 3)
    }

    fn dense(m: &SparseMatrix) -> Vec<f64> {
        let mut out = vec![0.0; m.n_rows() * m.n_cols()];
        for (i, row) in m.to_rows().iter().enumerate() {
            for &(j, v) in row {
                out[i * m.n_cols() + usize::from(j)] = v.to_num();
            }
        }
        out
    }

    #[test]
    fn vector_math_mat_ema_alpha_sparse_scalar_cases() {
        let old1 = [0.1, 0.2, 3.0, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.11, 0.12];
        let new1: Vec<f32> = (1..=12).map(|x| x as f32).collect();
        let old2 = [0.001, 0.002, 0.003, 0.004, 0.05, 0.006, 0.007, 0.008, 0.009, 0.01, 0.011, 0.012];
        let cases: [(&[f32], &[f32], &[f64], f64); 5] = [
            (&old1, &new1, &[0.19, 0.38, 1.0, 0.43599, 0.545, 0.65399, 0.763, 0.87199, 0.981, 1.0, 1.0, 1.0], 1e-4),
            (
                &old2,
                &old1,
                &[0.0109, 0.0218, 0.3027, 0.007599, 0.05, 0.01139, 0.0133, 0.01519, 0.017, 0.01899, 0.02089, 0.0227],
                1e-4,
            ),
            (
                &[0.0; 12],
                &old1,
                &[0.01, 0.02, 0.3, 0.00399, 0.005, 0.00599, 0.007, 0.00799, 0.009, 0.01, 0.011, 0.01199],
                1e-4,
            ),
            (&[0.0; 12], &[0.0; 12], &[0.0; 12], 1e-4),
            (
                &[1.0, 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0.],
                &[0., 0., 0., 0., 2.0, 0., 0., 0., 0., 0., 0., 0.],
                &[0., 0., 0., 0., 0.2, 0., 0., 0., 0., 0., 0., 0.],
                1e-1,
            ),
        ];
        let alpha = I32F32::from_num(0.1f32);
        for (old, new, want, tolerance) in cases {
            let result = ema_per_entry(&grid(new), &grid(old), |_, cols, _, _, out| {
                out.clear();
                out.resize(cols.len(), alpha);
            });
            for (got, want) in dense(&result).iter().zip(want) {
                assert!((got - want).abs() <= tolerance, "got {got} want {want}");
            }
            if old[0] == 1.0 {
                assert!(result.row(0).0.is_empty(), "an old bond with no new weight is dropped");
            }
        }
    }

    #[test]
    fn vector_math_mat_ema_alpha_sparse_per_entry_cases() {
        // These cases hold for f64 literals (0.3·0.8 + 0.7·0.4 = 0.5199999998 in I32F32).
        let rows = |r: &[&[(u16, f64)]]| -> Vec<Vec<(u16, f64)>> { r.iter().map(|row| row.to_vec()).collect() };
        let cases: [(Vec<Vec<(u16, f64)>>, Vec<Vec<(u16, f64)>>, [[f64; 2]; 2], Vec<Vec<(u16, f64)>>, f64); 3] = [
            (
                rows(&[&[(0, 5.0), (1, 6.0)], &[(0, 7.0), (1, 8.0)]]),
                rows(&[&[(0, 1.0), (1, 2.0)], &[(0, 3.0), (1, 4.0)]]),
                [[0.1, 0.2], [0.1, 0.2]],
                vec![vec![(0, 1.0), (1, 1.0)], vec![(0, 1.0), (1, 1.0)]],
                1e-6,
            ),
            (
                rows(&[&[(0, 0.5), (1, 0.6)], &[(0, 0.7), (1, 0.8)]]),
                rows(&[&[(0, 0.1), (1, 0.2)], &[(0, 0.3), (1, 0.4)]]),
                [[0.9, 0.8], [0.5, 0.7]],
                vec![vec![(0, 0.14), (1, 0.28)], vec![(0, 0.499999), (1, 0.519999)]],
                1e-6,
            ),
            (
                rows(&[&[(0, 5.0)], &[(1, 8.0)]]),
                rows(&[&[(0, 1.0)], &[(1, 4.0)]]),
                [[0.5, 0.5], [0.5, 0.5]],
                vec![vec![(0, 1.0)], vec![(1, 1.0)]],
                0.0,
            ),
        ];
        for (old, new, alphas, want, tolerance) in cases {
            let result = ema_per_entry(&matrix(&new, 2), &matrix(&old, 2), |i, cols, _, _, out| {
                out.clear();
                out.extend(cols.iter().map(|&j| I32F32::from_num(alphas[i][usize::from(j)])));
            });
            let got = result.to_rows();
            for (got_row, want_row) in got.iter().zip(&want) {
                assert_eq!(got_row.len(), want_row.len());
                for (&(gj, gv), &(wj, wv)) in got_row.iter().zip(want_row) {
                    assert_eq!(gj, wj);
                    assert!((gv.to_num::<f64>() - wv).abs() <= tolerance, "got {gv} want {wv}");
                }
            }
        }
    }

    #[test]
    fn equal_bounds_give_the_fixed_rate() {
        // liquid_alpha_equal_bounds_equals_fixed_alpha: α_lo = α_hi = 6553 is a constant α.
        let sigmoid = AlphaSigmoid::new(LiquidAlpha { alpha_low: 6553, alpha_high: 6553, steepness: 1000 });
        for (w, b, c) in [(0.1, 0.0, 0.3), (0.4, 0.5, 0.2), (0.0, 0.1, 0.1), (1.0, 0.0, 0.0)] {
            let a = sigmoid.alpha(I32F32::from_num(w), I32F32::from_num(b), I32F32::from_num(c));
            assert_eq!(a, u16_proportion_to_fixed(6553));
        }
    }

    #[test]
    fn vector_liquid_alpha_equal_bounds_equals_fixed_alpha() {
        // The upstream test runs the dense variant, which never drops a bond; with every weight
        // present (explicit zeros kept) the sparse rule computes the same cells.
        let weights = [0.0f32, 0.1, 0.0, 0.0, 0.2, 0.4, 0.0, 0.3, 0.1, 0.0, 0.4, 0.5];
        let bonds = [0.1f32, 0.1, 0.5, 0.0, 0.0, 0.4, 0.5, 0.1, 0.1, 0.0, 0.4, 0.2];
        let consensus: Vec<I32F32> = [0.3f32, 0.2, 0.1].iter().map(|&c| I32F32::from_num(c)).collect();
        let all_present: Vec<Vec<(u16, f32)>> =
            weights.chunks(3).map(|row| row.iter().enumerate().map(|(j, &v)| (j as u16, v)).collect()).collect();
        let weights = matrix(&all_present, 3);
        let bonds = grid(&bonds);
        let mut sigmoid = AlphaSigmoid::new(LiquidAlpha { alpha_low: 6553, alpha_high: 6553, steepness: 1000 });
        let liquid =
            ema_per_entry(&weights, &bonds, |_, cols, w, b, out| sigmoid.row_alphas(cols, w, b, &consensus, out));
        let fixed = crate::yuma::bonds::ema(&weights, &bonds, crate::yuma::bonds::alpha_from_moving_average(900_000));
        for (l, f) in dense(&liquid).iter().zip(dense(&fixed)) {
            assert!((l - f).abs() <= 1e-3, "liquid {l} fixed {f}");
        }
    }

    proptest::proptest! {
        #[test]
        fn row_alphas_equal_alpha_entry_by_entry(
            entries in proptest::collection::vec((0i64..=(1 << 32), 0i64..=(1 << 32), 0i64..=(1 << 32)), 0..30),
            low in 1638u16..=65535,
            width in 0u16..=65535,
            steepness in proptest::prelude::any::<i16>(),
        ) {
            let params = LiquidAlpha { alpha_low: low, alpha_high: low.saturating_add(width), steepness };
            let mut sigmoid = AlphaSigmoid::new(params);
            let fixed = |raw: i64| I32F32::from_bits(raw);
            let cols: Vec<u16> = (0..entries.len() as u16).collect();
            let weights: Vec<I32F32> = entries.iter().map(|e| fixed(e.0)).collect();
            let bonds: Vec<I32F32> = entries.iter().map(|e| fixed(e.1)).collect();
            let consensus: Vec<I32F32> = entries.iter().map(|e| fixed(e.2)).collect();
            let mut alphas = Vec::new();
            sigmoid.row_alphas(&cols, &weights, &bonds, &consensus, &mut alphas);
            let one_by_one: Vec<I32F32> =
                (0..entries.len()).map(|k| sigmoid.alpha(weights[k], bonds[k], consensus[k])).collect();
            proptest::prop_assert_eq!(alphas, one_by_one);
        }
    }

    /// §2.6.1 with the fixed types' own saturating operations, as the chain writes it.
    fn alpha_as_the_chain_computes_it(params: LiquidAlpha, weight: I32F32, bond: I32F32, consensus: I32F32) -> I32F32 {
        let low = u16_proportion_to_fixed(params.alpha_low);
        let high = u16_proportion_to_fixed(params.alpha_high);
        let slope = I32F32::from_num(params.steepness).saturating_div(I32F32::from_num(-100));
        let distance = if weight >= bond {
            weight.saturating_sub(consensus).clamp(ZERO, ONE)
        } else {
            bond.saturating_sub(weight).clamp(ZERO, ONE)
        };
        let x = slope.saturating_mul(distance.saturating_sub(HALF));
        let sigmoid = ONE.saturating_div(ONE.saturating_add(exp_safe(x)));
        low.saturating_add(sigmoid.saturating_mul(high.saturating_sub(low))).max(low).min(high)
    }

    proptest::proptest! {
        #[test]
        fn alpha_is_the_chains_formula_in_the_fixed_types(
            weight in prop_oneof![0i64..=(1 << 32), proptest::prelude::any::<i64>()],
            bond in prop_oneof![0i64..=(1 << 32), proptest::prelude::any::<i64>()],
            consensus in prop_oneof![0i64..=(1 << 32), proptest::prelude::any::<i64>()],
            low in proptest::prelude::any::<u16>(),
            high in proptest::prelude::any::<u16>(),
            steepness in proptest::prelude::any::<i16>(),
        ) {
            let params = LiquidAlpha { alpha_low: low, alpha_high: high, steepness };
            let (w, b, c) = (I32F32::from_bits(weight), I32F32::from_bits(bond), I32F32::from_bits(consensus));
            proptest::prop_assert_eq!(AlphaSigmoid::new(params).alpha(w, b, c), alpha_as_the_chain_computes_it(params, w, b, c));
        }

        #[test]
        fn one_over_one_plus_is_the_fixed_division(e in prop_oneof![0i64..=(1 << 40), proptest::prelude::any::<i64>(), Just(0i64), Just(i64::MAX), Just((1i64 << 62) - (1 << 32))]) {
            let e = I32F32::from_bits(e);
            proptest::prop_assert_eq!(one_over_one_plus(e), ONE.saturating_div(ONE.saturating_add(e)).to_bits());
        }
    }

    #[test]
    fn rate_rises_with_distance_and_stays_in_bounds() {
        let sigmoid = AlphaSigmoid::new(LiquidAlpha { alpha_low: 6553, alpha_high: 58982, steepness: 1000 });
        let mut last = I32F32::from_num(0);
        for step in 0..=20 {
            let w = I32F32::from_num(step) / I32F32::from_num(20);
            let a = sigmoid.alpha(w, I32F32::from_num(0), I32F32::from_num(0));
            assert!(a >= last, "α must not fall as the buy distance grows");
            assert!(a >= u16_proportion_to_fixed(6553) && a <= u16_proportion_to_fixed(58982));
            last = a;
        }
    }
}
