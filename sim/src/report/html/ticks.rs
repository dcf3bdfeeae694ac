//! What every chart shares: its width, and how a number is printed on it (the same data give the
//! same bytes).

pub(super) const WIDTH: u32 = 760;

/// A tick label: at most 4 decimals, no trailing zeros; thousands as `k` from 10 000 on.
pub(super) fn tick(value: f64) -> String {
    if value.abs() >= 10_000.0 {
        return format!("{}k", tick(value / 1_000.0));
    }
    let text = format!("{value:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".to_string() } else { text.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tick_has_at_most_four_decimals_and_no_trailing_zeros() {
        assert_eq!(tick(0.0), "0");
        assert_eq!(tick(-0.00001), "0");
        assert_eq!(tick(0.25), "0.25");
        assert_eq!(tick(1.0 / 3.0), "0.3333");
        assert_eq!(tick(7200.0), "7200");
        assert_eq!(tick(800_000.0), "800k");
        assert_eq!(tick(36_100.0), "36.1k");
    }
}
