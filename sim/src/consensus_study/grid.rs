//! The study's grid: σ × β × κ × S_H × W_H × W_C × repetitions, each a list read from a flag, and
//! where each point's E_H sits in the map.

use std::fmt;

const PPM: u64 = 1_000_000;
/// Values per list flag; more is a typo, not a study.
const LIST_MAX: usize = 32;
const STEPS_MAX: u32 = 1_000;
const REPEATS_MAX: u32 = 1_000;
/// The most epochs one study runs: a few minutes on two cores.
pub const EPOCHS_MAX: usize = 10_000_000;

/// A flag's decimal held exactly, in millionths: `0.51` is 510 000, so S_H · 64 floors without a
/// float's rounding and the value prints as it was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Decimal(u32);

impl Decimal {
    pub const fn from_ppm(ppm: u32) -> Decimal {
        Decimal(ppm)
    }

    /// Digits with at most six after the point (`0.4`, `1`, `0.125`).
    pub fn parse(text: &str) -> Option<Decimal> {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || whole.len() > 4 || fraction.len() > 6 || !digits(whole) || !digits(fraction) {
            return None;
        }
        if text.contains('.') && fraction.is_empty() {
            return None;
        }
        let padded = format!("{fraction:0<6}");
        let ppm = whole.parse::<u64>().ok()? * PPM + padded.parse::<u64>().ok()?;
        u32::try_from(ppm).ok().map(Decimal)
    }

    pub fn ppm(self) -> u32 {
        self.0
    }

    pub fn value(self) -> f64 {
        f64::from(self.0) / PPM as f64
    }

    /// A proportion in [0, 1] as the chain stores one: ⌊x · 65535⌋ (κ = 0.5 is 32767, upstream's
    /// default; β = 1 is 65535, the clipped weights exactly).
    pub fn u16_proportion(self) -> u16 {
        (u64::from(self.0).min(PPM) * u64::from(u16::MAX) / PPM) as u16
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let (whole, fraction) = (u64::from(self.0) / PPM, u64::from(self.0) % PPM);
        if fraction == 0 {
            return write!(f, "{whole}");
        }
        let fraction = format!("{fraction:06}");
        write!(f, "{whole}.{}", fraction.trim_end_matches('0'))
    }
}

/// What a study runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Study {
    pub seed: u64,
    pub repeats: u32,
    /// σ_W: the weights' noise, W'_ij ~ N(1, σ²).
    pub sigmas: Vec<Decimal>,
    /// β: how far bonds follow the clipped weights.
    pub bonds_penalties: Vec<Decimal>,
    pub kappas: Vec<Decimal>,
    /// S_H: the honest side's share of stake (and of UIDs).
    pub honest_stakes: Vec<Decimal>,
    /// W_H and W_C each run over k / steps, k = 0..=steps.
    pub steps: u32,
}

/// One point of the grid, by its positions in the study's lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Point {
    pub sigma: usize,
    pub bonds_penalty: usize,
    pub kappa: usize,
    pub honest_stake: usize,
    pub honest_utility: usize,
    pub cabal_self_weight: usize,
    pub repeat: usize,
}

impl Study {
    /// Upstream's grid (`map_consensus_guarantees`): S_H ∈ {0.51, 0.55, 0.6, …, 0.95, 0.99}, W_H and
    /// W_C in steps of 0.02, κ = 0.5 (32767, its mock's); σ and β over the docs' values; one draw.
    pub fn upstream() -> Study {
        let ppm = |values: &[u32]| values.iter().map(|&v| Decimal(v)).collect();
        Study {
            seed: 0,
            repeats: 1,
            sigmas: ppm(&[0, 200_000, 400_000]),
            bonds_penalties: ppm(&[0, 500_000, 1_000_000]),
            kappas: ppm(&[500_000]),
            honest_stakes: ppm(&[
                510_000, 550_000, 600_000, 650_000, 700_000, 750_000, 800_000, 850_000, 900_000, 950_000, 990_000,
            ]),
            steps: 50,
        }
    }

    /// The refusal of the first out-of-range setting, naming its flag.
    pub fn check(&self) -> Result<(), String> {
        if !(1..=STEPS_MAX).contains(&self.steps) {
            return Err(format!("--steps {}: expected 1 to {STEPS_MAX}", self.steps));
        }
        if !(1..=REPEATS_MAX).contains(&self.repeats) {
            return Err(format!("--repeats {}: expected 1 to {REPEATS_MAX}", self.repeats));
        }
        if self.epochs() > EPOCHS_MAX {
            return Err(format!(
                "the grid has {} epochs, more than {EPOCHS_MAX}: fewer values, --steps or --repeats",
                self.epochs()
            ));
        }
        Ok(())
    }

    pub fn weight_levels(&self) -> usize {
        self.steps as usize + 1
    }

    /// W_H or W_C at level `k`.
    pub fn weight(&self, k: usize) -> f64 {
        k as f64 / f64::from(self.steps)
    }

    pub fn epochs(&self) -> usize {
        let levels = self.weight_levels();
        [self.sigmas.len(), self.bonds_penalties.len(), self.kappas.len(), self.honest_stakes.len(), levels, levels]
            .iter()
            .fold(self.repeats as usize, |product, &n| product.saturating_mul(n))
    }

    /// The lengths of the grid's axes: σ, β, κ, S_H, W_H, W_C, repetition.
    fn axes(&self) -> [usize; 7] {
        let levels = self.weight_levels();
        [
            self.sigmas.len(),
            self.bonds_penalties.len(),
            self.kappas.len(),
            self.honest_stakes.len(),
            levels,
            levels,
            self.repeats as usize,
        ]
    }

    /// Where a point's E_H sits in the map: σ, β, κ, S_H, W_H, W_C, repetition, the last fastest
    /// (the CSV's row order).
    pub fn index(&self, p: Point) -> usize {
        let at = [p.sigma, p.bonds_penalty, p.kappa, p.honest_stake, p.honest_utility, p.cabal_self_weight, p.repeat];
        self.axes().iter().zip(at).fold(0, |index, (&n, i)| {
            debug_assert!(i < n, "a point inside the grid");
            index * n + i
        })
    }

    /// The point at `index`: [`Study::index`] undone.
    pub fn point(&self, mut index: usize) -> Point {
        let mut at = [0; 7];
        for (slot, &n) in at.iter_mut().zip(&self.axes()).rev() {
            *slot = index % n;
            index /= n;
        }
        let [sigma, bonds_penalty, kappa, honest_stake, honest_utility, cabal_self_weight, repeat] = at;
        Point { sigma, bonds_penalty, kappa, honest_stake, honest_utility, cabal_self_weight, repeat }
    }
}

/// A list flag's values: decimals within `min..=max` (in millionths), at most 32, none twice;
/// `exclusive` refuses the bounds themselves.
pub fn parse_list(flag: &str, text: &str, min: u32, max: u32, exclusive: bool) -> Result<Vec<Decimal>, String> {
    let range = |open: &str, close: &str| format!("{open}{}, {}{close}", Decimal(min), Decimal(max));
    let expected = if exclusive { range("(", ")") } else { range("[", "]") };
    let mut values = Vec::new();
    for item in text.split(',') {
        let item = item.trim();
        let value = Decimal::parse(item)
            .filter(|d| if exclusive { min < d.0 && d.0 < max } else { (min..=max).contains(&d.0) })
            .ok_or_else(|| format!("{flag} {text}: {item:?} is not a decimal in {expected}"))?;
        if values.contains(&value) {
            return Err(format!("{flag} {text}: {value} is given twice"));
        }
        values.push(value);
    }
    if values.len() > LIST_MAX {
        return Err(format!("{flag}: {} values, at most {LIST_MAX}", values.len()));
    }
    Ok(values)
}

/// The bounds of σ (a weight's noise above 10 times its mean is no longer a study of consensus)
/// and of a proportion (β, κ, S_H), in millionths.
pub const SIGMA_PPM: (u32, u32) = (0, 10_000_000);
pub const PROPORTION_PPM: (u32, u32) = (0, 1_000_000);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_read_exactly_and_print_as_written() {
        assert_eq!(Decimal::parse("0.51"), Some(Decimal(510_000)));
        assert_eq!(Decimal::parse("1"), Some(Decimal(1_000_000)));
        assert_eq!(Decimal::parse("0.000001"), Some(Decimal(1)));
        for bad in ["", ".5", "5.", "0.1234567", "-1", "1e3", "0,5", "99999", " 1"] {
            assert_eq!(Decimal::parse(bad), None, "{bad:?}");
        }
        assert_eq!(Decimal(510_000).to_string(), "0.51");
        assert_eq!(Decimal(2_000_000).to_string(), "2");
        assert_eq!(Decimal(0).to_string(), "0");
    }

    #[test]
    fn proportions_are_stored_as_the_chain_floors_them() {
        assert_eq!(Decimal(500_000).u16_proportion(), 32_767);
        assert_eq!(Decimal(1_000_000).u16_proportion(), 65_535);
        assert_eq!(Decimal(0).u16_proportion(), 0);
        assert_eq!(Decimal(600_000).u16_proportion(), 39_321);
    }

    #[test]
    fn a_list_flag_refuses_values_out_of_range_repeated_or_malformed_naming_the_flag() {
        let (min, max) = PROPORTION_PPM;
        assert_eq!(parse_list("--beta", "0, 0.5,1", min, max, false).unwrap().len(), 3);
        let err = parse_list("--beta", "0,1.5", min, max, false).unwrap_err();
        assert_eq!(err, "--beta 0,1.5: \"1.5\" is not a decimal in [0, 1]");
        let err = parse_list("--stakes", "0.6,1", min, max, true).unwrap_err();
        assert_eq!(err, "--stakes 0.6,1: \"1\" is not a decimal in (0, 1)");
        assert!(parse_list("--kappa", "0.5,0.50", min, max, false).unwrap_err().contains("0.5 is given twice"));
        assert!(parse_list("--sigma", "", 0, 10_000_000, false).unwrap_err().contains("\"\" is not a decimal"));
    }

    #[test]
    fn every_point_has_its_own_index_and_comes_back_from_it() {
        let study = Study { repeats: 2, steps: 2, ..Study::upstream() };
        let mut seen = vec![false; study.epochs()];
        for sigma in 0..3 {
            for bonds_penalty in 0..3 {
                for honest_stake in 0..11 {
                    for honest_utility in 0..3 {
                        for cabal_self_weight in 0..3 {
                            for repeat in 0..2 {
                                let p = Point {
                                    sigma,
                                    bonds_penalty,
                                    kappa: 0,
                                    honest_stake,
                                    honest_utility,
                                    cabal_self_weight,
                                    repeat,
                                };
                                let i = study.index(p);
                                assert!(!seen[i], "{p:?}");
                                assert_eq!(study.point(i), p);
                                seen[i] = true;
                            }
                        }
                    }
                }
            }
        }
        assert!(seen.iter().all(|&s| s));
    }

    #[test]
    fn a_grid_too_large_or_a_step_count_out_of_range_is_refused_naming_the_flag() {
        assert!(Study::upstream().check().is_ok());
        assert_eq!(Study::upstream().epochs(), 9 * 11 * 51 * 51);
        let err = Study { steps: 0, ..Study::upstream() }.check().unwrap_err();
        assert!(err.starts_with("--steps 0"), "{err}");
        let err = Study { repeats: 1_000, steps: 1_000, ..Study::upstream() }.check().unwrap_err();
        assert!(err.contains("more than 10000000"), "{err}");
    }
}
