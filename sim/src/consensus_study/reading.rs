//! Reading the map as subtensor's docs read their retention plots: the honest utility W_H needed
//! to keep E_H ≥ S_H whatever the cabal's self-weight W_C.
//!
//! Upstream prints E_H over the (W_H, W_C) grid and `scripts/map_consensus.py` draws, per S_H, the
//! contour E_H = S_H (matplotlib's, linear between grid points) with W_H across and W_C up; the
//! docs read the needed utility off the plot as how far right the contour reaches: the cabal picks
//! the W_C that demands the most (the docs' eq. 1). Here, per W_C, the needed W_H is the least
//! one from which every larger grid W_H retains, interpolated linearly with the grid point below
//! it (where the contour crosses that row); the reading is the largest over W_C.

/// The honest utility one slice of the map (one σ, β, κ, S_H and repetition) needs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Needed {
    /// Interpolated between grid points, as the contour is drawn.
    pub utility: f64,
    /// The least grid W_H from which every grid W_H retains, against every W_C.
    pub utility_on_grid: f64,
    /// The W_C that demands the most (the lowest if several do).
    pub cabal_self_weight: f64,
}

/// The reading of one slice; `honest_emission(u, c)` is E_H at W_H level u and W_C level c (levels
/// 0..=steps). `None` when some W_C beats even W_H = 1.
pub fn needed_utility(
    steps: usize,
    honest_stake: f64,
    honest_emission: impl Fn(usize, usize) -> f64,
) -> Option<Needed> {
    let mut worst: Option<Needed> = None;
    let mut on_grid: f64 = 0.0;
    for c in 0..=steps {
        let (utility, level) = needed_against(steps, honest_stake, |u| honest_emission(u, c))?;
        on_grid = on_grid.max(level as f64 / steps as f64);
        if worst.is_none_or(|w| utility > w.utility) {
            worst = Some(Needed { utility, utility_on_grid: 0.0, cabal_self_weight: c as f64 / steps as f64 });
        }
    }
    worst.map(|w| Needed { utility_on_grid: on_grid, ..w })
}

/// Against one W_C: the least level from which every level up to `steps` retains, and the W_H
/// where E_H crosses S_H below it (linear between the two levels); `None` if W_H = 1 loses.
fn needed_against(steps: usize, honest_stake: f64, honest_emission: impl Fn(usize) -> f64) -> Option<(f64, usize)> {
    let retains = |u: usize| honest_emission(u) >= honest_stake;
    if !retains(steps) {
        return None;
    }
    let level = (0..steps).rev().find(|&u| !retains(u)).map_or(0, |below| below + 1);
    if level == 0 {
        return Some((0.0, 0));
    }
    let (low, high) = (honest_emission(level - 1), honest_emission(level));
    let fraction = (honest_stake - low) / (high - low);
    Some(((level as f64 - 1.0 + fraction) / steps as f64, level))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// E_H rising linearly in W_H from 0.4 to 0.9, minus a penalty the cabal's self-weight brings
    /// that peaks at W_C = 0.5: on 4 steps (levels at 0, .25, .5, .75, 1).
    fn map(u: usize, c: usize) -> f64 {
        let penalty = [0.0, 0.05, 0.1, 0.05, 0.0][c];
        0.4 + 0.5 * u as f64 / 4.0 - penalty
    }

    #[test]
    fn the_reading_is_the_worst_cabal_weights_crossing_interpolated_between_grid_points() {
        // At W_C = 0.5: E_H = 0.3 + 0.5 W_H reaches 0.6 at W_H = 0.6, between levels 0.5 (0.55)
        // and 0.75 (0.675): 0.5 + 0.25 · (0.05 / 0.125) = 0.6. On the grid: 0.75.
        let needed = needed_utility(4, 0.6, map).unwrap();
        assert!((needed.utility - 0.6).abs() < 1e-12, "{needed:?}");
        assert_eq!(needed.utility_on_grid, 0.75);
        assert_eq!(needed.cabal_self_weight, 0.5);
    }

    #[test]
    fn a_dip_above_the_crossing_moves_the_reading_up_to_where_retention_holds_for_good() {
        // Retains at W_H = 0.25 but not at 0.5: the needed utility is past 0.5.
        let dip = |u: usize, _: usize| [0.5, 0.7, 0.55, 0.65, 0.8][u];
        let needed = needed_utility(4, 0.6, dip).unwrap();
        assert!((needed.utility - (0.5 + 0.25 * 0.05 / 0.1)).abs() < 1e-12, "{needed:?}");
        assert_eq!(needed.utility_on_grid, 0.75);
    }

    #[test]
    fn no_reading_when_some_cabal_weight_beats_full_utility_and_zero_when_everything_retains() {
        assert_eq!(needed_utility(4, 0.95, map), None);
        let always = needed_utility(4, 0.3, |_, _| 0.5).unwrap();
        assert_eq!((always.utility, always.utility_on_grid, always.cabal_self_weight), (0.0, 0.0, 0.0));
    }
}
