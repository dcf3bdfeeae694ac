//! What `consensus-map` writes: map.csv (E_H at every point), retention.csv (the needed utility
//! of every slice), map.md (the readings, beside the published figures) and reproduction.md (the
//! table reports/reproductions.md carries). All from the map alone, so the same map writes the
//! same bytes.

use super::Map;
use super::grid::{Decimal, Point, Study};
use super::published::{FIGURES, HONEST_STAKE_PPM};
use super::reading::{Needed, needed_utility};
use crate::sweep::stats::interval;

/// One slice of the map: σ, β, κ and S_H by their positions in the study's lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slice {
    pub sigma: usize,
    pub bonds_penalty: usize,
    pub kappa: usize,
    pub honest_stake: usize,
}

/// Every slice's reading, per repetition.
pub struct Readings {
    pub slices: Vec<(Slice, Vec<Option<Needed>>)>,
}

impl Readings {
    pub fn of(map: &Map) -> Readings {
        let study = &map.study;
        let mut slices = Vec::new();
        for sigma in 0..study.sigmas.len() {
            for bonds_penalty in 0..study.bonds_penalties.len() {
                for kappa in 0..study.kappas.len() {
                    for honest_stake in 0..study.honest_stakes.len() {
                        let slice = Slice { sigma, bonds_penalty, kappa, honest_stake };
                        let repeats = (0..study.repeats as usize).map(|repeat| read(map, slice, repeat)).collect();
                        slices.push((slice, repeats));
                    }
                }
            }
        }
        Readings { slices }
    }

    fn find(&self, sigma: usize, bonds_penalty: usize, kappa: usize, honest_stake: usize) -> &[Option<Needed>] {
        let slice = Slice { sigma, bonds_penalty, kappa, honest_stake };
        &self.slices.iter().find(|(s, _)| *s == slice).expect("every slice is read").1
    }
}

fn read(map: &Map, slice: Slice, repeat: usize) -> Option<Needed> {
    let study = &map.study;
    let point = |honest_utility, cabal_self_weight| Point {
        sigma: slice.sigma,
        bonds_penalty: slice.bonds_penalty,
        kappa: slice.kappa,
        honest_stake: slice.honest_stake,
        honest_utility,
        cabal_self_weight,
        repeat,
    };
    let honest_stake = study.honest_stakes[slice.honest_stake].value();
    needed_utility(study.steps as usize, honest_stake, |u, c| map.get(point(u, c)))
}

/// map.csv: a row per point, in `Study::index` order.
pub fn map_csv(map: &Map) -> String {
    let study = &map.study;
    let mut text = String::from(
        "sigma,bonds_penalty,kappa,honest_stake,honest_utility,cabal_self_weight,repeat,honest_emission\n",
    );
    for (index, e_h) in map.honest_emission.iter().enumerate() {
        let p = study.point(index);
        text.push_str(&format!(
            "{},{},{},{},{},{},{},{e_h:.6}\n",
            study.sigmas[p.sigma],
            study.bonds_penalties[p.bonds_penalty],
            study.kappas[p.kappa],
            study.honest_stakes[p.honest_stake],
            study.weight(p.honest_utility),
            study.weight(p.cabal_self_weight),
            p.repeat,
        ));
    }
    text
}

/// retention.csv: a row per slice and repetition; the needed utility empty where none retains.
pub fn retention_csv(study: &Study, readings: &Readings) -> String {
    let mut text = String::from(
        "sigma,bonds_penalty,kappa,honest_stake,repeat,needed_utility,needed_utility_on_grid,worst_cabal_self_weight\n",
    );
    for (slice, repeats) in &readings.slices {
        for (repeat, needed) in repeats.iter().enumerate() {
            let values = match needed {
                Some(n) => format!("{:.4},{},{}", n.utility, n.utility_on_grid, n.cabal_self_weight),
                None => ",,".into(),
            };
            text.push_str(&format!("{},{repeat},{values}\n", slice_columns(study, *slice)));
        }
    }
    text
}

fn slice_columns(study: &Study, slice: Slice) -> String {
    format!(
        "{},{},{},{}",
        study.sigmas[slice.sigma],
        study.bonds_penalties[slice.bonds_penalty],
        study.kappas[slice.kappa],
        study.honest_stakes[slice.honest_stake]
    )
}

/// A reading over the repetitions: the value (one repetition) or the mean ± 95 % half-width, and
/// how many repetitions had one.
fn cell(readings: &[Option<Needed>], value: impl Fn(&Needed) -> f64) -> String {
    let values: Vec<Option<f64>> = readings.iter().map(|n| n.as_ref().map(&value)).collect();
    let defined = values.iter().flatten().count();
    let missing = if defined < values.len() { format!(" ({defined} of {})", values.len()) } else { String::new() };
    match interval(&values) {
        None => "none".into(),
        Some(i) => match i.half_width {
            None => format!("{:.3}{missing}", i.mean),
            Some(h) => format!("{:.3} ± {:.3}{missing}", i.mean, h),
        },
    }
}

/// map.md: what was run, the needed utility at S_H = 0.6 beside the published figures, and the
/// retention lines (needed W_H by S_H) of every σ, β and κ.
pub fn markdown(map: &Map, readings: &Readings) -> String {
    let study = &map.study;
    let mut text = String::from("# Consensus retention map\n\n");
    text.push_str(&format!(
        "One epoch of the chain model (profile `{}`: original Yuma with the bonds penalty) per grid point, on \
         subtensor's consensus-study network: 512 UIDs, 64 validators, honest and cabal sides of S_H and 1 − S_H \
         of the stake and UIDs. {} epochs: σ ∈ {{{}}}, β ∈ {{{}}}, κ ∈ {{{}}}, S_H ∈ {{{}}}, W_H and W_C in \
         steps of 1/{}; seed {}, {} repetition(s).\n\n",
        super::epoch::PROFILE,
        study.epochs(),
        list(&study.sigmas),
        list(&study.bonds_penalties),
        list(&study.kappas),
        list(&study.honest_stakes),
        study.steps,
        study.seed,
        study.repeats,
    ));
    text.push_str(
        "The needed W_H of a slice: per W_C, the least W_H from which every larger grid W_H keeps E_H ≥ S_H, \
         interpolated linearly with the grid point below (where the contour E_H = S_H crosses); then the \
         largest over W_C (the cabal's best reply). *On the grid*: the least grid W_H that retains against \
         every W_C. *none*: some W_C beats even W_H = 1.\n\n",
    );
    if let Some(h) = study.honest_stakes.iter().position(|s| s.ppm() == HONEST_STAKE_PPM) {
        text.push_str(&headline(study, readings, h));
    }
    text.push_str(&retention_lines(study, readings));
    text
}

fn list(values: &[Decimal]) -> String {
    values.iter().map(Decimal::to_string).collect::<Vec<_>>().join(", ")
}

/// The needed utility at S_H = 0.6 (position `h`) for every σ, β and κ, with the published figure
/// where there is one.
fn headline(study: &Study, readings: &Readings, h: usize) -> String {
    let mut text = String::from("## The honest utility needed at S_H = 0.6\n\n");
    text.push_str("| σ | β | κ | needed W_H | on the grid | worst W_C | published |\n|---|---|---|---|---|---|---|\n");
    for (s, sigma) in study.sigmas.iter().enumerate() {
        for (b, beta) in study.bonds_penalties.iter().enumerate() {
            for (k, kappa) in study.kappas.iter().enumerate() {
                let repeats = readings.find(s, b, k, h);
                let published = FIGURES
                    .iter()
                    .find(|f| (f.sigma_ppm, f.bonds_penalty_ppm, f.kappa_ppm) == (sigma.ppm(), beta.ppm(), kappa.ppm()))
                    .map_or(String::new(), |f| format!("{:.2}", f.needed_utility));
                text.push_str(&format!(
                    "| {sigma} | {beta} | {kappa} | {} | {} | {} | {published} |\n",
                    cell(repeats, |n| n.utility),
                    cell(repeats, |n| n.utility_on_grid),
                    cell(repeats, |n| n.cabal_self_weight),
                ));
            }
        }
    }
    text.push('\n');
    text
}

/// The needed W_H by S_H (rows) for every σ, β, κ (columns).
fn retention_lines(study: &Study, readings: &Readings) -> String {
    let mut text = String::from("## Retention lines: the needed W_H by S_H\n\n| S_H |");
    let mut columns = Vec::new();
    for (s, sigma) in study.sigmas.iter().enumerate() {
        for (b, beta) in study.bonds_penalties.iter().enumerate() {
            for (k, kappa) in study.kappas.iter().enumerate() {
                text.push_str(&format!(" σ {sigma}, β {beta}, κ {kappa} |"));
                columns.push((s, b, k));
            }
        }
    }
    text.push_str(&format!("\n|---|{}\n", "---|".repeat(columns.len())));
    for (h, stake) in study.honest_stakes.iter().enumerate() {
        text.push_str(&format!("| {stake} |"));
        for &(s, b, k) in &columns {
            text.push_str(&format!(" {} |", cell(readings.find(s, b, k, h), |n| n.utility)));
        }
        text.push('\n');
    }
    text
}

/// reproduction.md: the published figures the study covers, each beside ours; and, when it ran
/// several κ, the needed W_H by κ and S_H (the docs' κ claims are about S_H below 0.6).
pub fn reproduction(study: &Study, readings: &Readings) -> String {
    let position = |values: &[Decimal], ppm: u32| values.iter().position(|v| v.ppm() == ppm);
    let mut rows = String::new();
    for figure in &FIGURES {
        let found = (
            position(&study.sigmas, figure.sigma_ppm),
            position(&study.bonds_penalties, figure.bonds_penalty_ppm),
            position(&study.kappas, figure.kappa_ppm),
            position(&study.honest_stakes, HONEST_STAKE_PPM),
        );
        if let (Some(s), Some(b), Some(k), Some(h)) = found {
            let repeats = readings.find(s, b, k, h);
            rows.push_str(&format!(
                "| {} | {:.2} | {} | {} | {} |\n",
                figure.label,
                figure.needed_utility,
                cell(repeats, |n| n.utility),
                cell(repeats, |n| n.utility_on_grid),
                cell(repeats, |n| n.cabal_self_weight),
            ));
        }
    }
    let mut text = String::new();
    if !rows.is_empty() {
        text.push_str("| S_H = 0.6, κ = 0.5 | needed W_H, published | ours | ours on the grid | worst W_C |\n");
        text.push_str("|---|---|---|---|---|\n");
        text.push_str(&rows);
    }
    if study.kappas.len() > 1 {
        text.push_str(&by_kappa(study, readings));
    }
    text
}

/// The needed W_H by κ (rows) and S_H (columns), for each σ and β.
fn by_kappa(study: &Study, readings: &Readings) -> String {
    let mut text = String::new();
    for (s, sigma) in study.sigmas.iter().enumerate() {
        for (b, beta) in study.bonds_penalties.iter().enumerate() {
            text.push_str(&format!("\n| σ = {sigma}, β = {beta} |"));
            for stake in &study.honest_stakes {
                text.push_str(&format!(" S_H = {stake} |"));
            }
            text.push_str(&format!("\n|---|{}\n", "---|".repeat(study.honest_stakes.len())));
            for (k, kappa) in study.kappas.iter().enumerate() {
                text.push_str(&format!("| κ = {kappa} |"));
                for h in 0..study.honest_stakes.len() {
                    text.push_str(&format!(" {} |", cell(readings.find(s, b, k, h), |n| n.utility)));
                }
                text.push('\n');
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needed(utility: f64) -> Option<Needed> {
        Some(Needed { utility, utility_on_grid: 0.8, cabal_self_weight: 1.0 })
    }

    #[test]
    fn a_cell_shows_one_value_or_the_mean_and_interval_and_how_many_repetitions_had_one() {
        assert_eq!(cell(&[needed(0.7349)], |n| n.utility), "0.735");
        assert_eq!(cell(&[None], |n| n.utility), "none");
        // 0.7 and 0.8: mean 0.75, s = 0.0707, t(0.975, 1) = 12.706: half-width 12.706 · 0.05 = 0.635.
        assert_eq!(cell(&[needed(0.7), None, needed(0.8)], |n| n.utility), "0.750 ± 0.635 (2 of 3)");
    }
}
