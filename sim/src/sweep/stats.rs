//! A cell's observable over its seeds: the mean and the half-width of its 95 % confidence
//! interval (Student's t, the seeds taken as independent draws).

/// t(0.975, df) for df = 1..=30 (standard tables).
const T_975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
    2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
];

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// How many seeds had the value defined.
    pub n: usize,
    pub mean: f64,
    /// `None` with one value: one draw says nothing of the spread.
    pub half_width: Option<f64>,
}

/// The mean ± 95 % interval of the defined `values`; `None` when none is.
pub fn interval(values: &[Option<f64>]) -> Option<Interval> {
    let defined: Vec<f64> = values.iter().flatten().copied().collect();
    let n = defined.len();
    if n == 0 {
        return None;
    }
    let mean = defined.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return Some(Interval { n, mean, half_width: None });
    }
    let variance = defined.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let t = t_975(n - 1);
    Some(Interval { n, mean, half_width: Some(t * (variance / n as f64).sqrt()) })
}

/// t(0.975, df); past the table, the values at 60 and 120 degrees and the normal's 1.96.
fn t_975(df: usize) -> f64 {
    match df {
        1..=30 => T_975[df - 1],
        31..=60 => 2.000,
        61..=120 => 1.980,
        _ => 1.960,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_of_three_values_uses_t_with_two_degrees_of_freedom() {
        // 1, 2, 3: mean 2, sample variance 1, standard error 1/√3; t(0.975, 2) = 4.303.
        let found = interval(&[Some(1.0), Some(2.0), Some(3.0)]).unwrap();
        assert_eq!((found.n, found.mean), (3, 2.0));
        assert!((found.half_width.unwrap() - 4.303 / 3f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn undefined_values_are_left_out_and_one_value_has_no_interval() {
        let found = interval(&[None, Some(0.5), None]).unwrap();
        assert_eq!((found.n, found.mean, found.half_width), (1, 0.5, None));
        assert_eq!(interval(&[None, None]), None);
    }

    #[test]
    fn equal_values_have_a_zero_width_interval() {
        assert_eq!(interval(&[Some(0.25); 4]).unwrap().half_width, Some(0.0));
    }
}
