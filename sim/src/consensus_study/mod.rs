//! `tensorsim consensus-map`: consensus studies at the level of one epoch, with no network. Each
//! grid point draws its stakes and weights from distributions (draw.rs), stores them as the chain
//! would and runs one epoch of the chain model (epoch.rs), and records the honest side's share of
//! the emission, E_H. The grid (grid.rs) is subtensor's retention map (docs/consensus.md, "Monte
//! Carlo simulations"); reading.rs reads off it the honest utility needed to keep S_H, output.rs
//! writes the map and the readings beside the published figures (published.rs).
//!
//! Grid points run on threads; each writes its own slot of the map, so the map is the same bytes
//! whatever the thread count.

pub mod draw;
pub mod epoch;
pub mod grid;
pub mod output;
pub mod published;
pub mod reading;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use draw::{Draws, Layout, NEURONS, NoisyWeights, VALIDATORS};
use epoch::Subnet;
use grid::{Point, Study};

/// E_H at every point of a study, in `Study::index` order.
pub struct Map {
    pub study: Study,
    pub honest_emission: Vec<f64>,
}

impl Map {
    pub fn get(&self, point: Point) -> f64 {
        self.honest_emission[self.study.index(point)]
    }
}

/// Runs every epoch of `study` on `threads` threads (at least one); `progress(done, total)` counts
/// epochs.
pub fn run(study: &Study, threads: usize, progress: &mut dyn FnMut(usize, usize)) -> Map {
    let total = study.epochs();
    let mut honest_emission = vec![f64::NAN; total];
    let mut done = 0;
    progress(done, total);
    let kappas: Vec<u16> = study.kappas.iter().map(|k| k.u16_proportion()).collect();
    let bonds_penalties: Vec<u16> = study.bonds_penalties.iter().map(|b| b.u16_proportion()).collect();
    for repeat in 0..study.repeats as usize {
        let draws = Draws::new(study.seed, repeat as u32);
        for (honest_stake, stake) in study.honest_stakes.iter().enumerate() {
            let layout = Layout::of(stake.ppm());
            let subnet = Subnet::new(&draw::stake_rao(&draws, layout, stake.value()));
            for (sigma, noise) in study.sigmas.iter().enumerate() {
                let noisy = NoisyWeights::new(&draws, layout, noise.value());
                let mut rows = vec![Vec::new(); study.weight_levels()];
                parallel(
                    study.weight_levels(),
                    threads,
                    |level| stored_rows(study, &noisy, level),
                    |level, stored| rows[level] = stored,
                );
                let phase = Phase {
                    study,
                    layout,
                    subnet: &subnet,
                    rows: &rows,
                    kappas: &kappas,
                    bonds_penalties: &bonds_penalties,
                };
                let at = |honest_utility| Point { sigma, honest_stake, honest_utility, repeat, ..Point::default() };
                parallel(
                    study.weight_levels(),
                    threads,
                    |level| phase.column(level),
                    |level, values| {
                        place(study, at(level), &values, &mut honest_emission);
                        done += values.len();
                        progress(done, total);
                    },
                );
            }
        }
    }
    Map { study: study.clone(), honest_emission }
}

/// Runs `task(i)` for every i below `count` on `threads` threads; `collect(i, result)` gets each
/// result on the calling thread, in the order they finish (the caller puts them in place).
fn parallel<T: Send>(
    count: usize,
    threads: usize,
    task: impl Fn(usize) -> T + Sync,
    mut collect: impl FnMut(usize, T),
) {
    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::channel::<(usize, T)>();
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, count.max(1)) {
            let (sender, next, task) = (sender.clone(), &next, &task);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        break;
                    }
                    // The receiver lives until every worker is done.
                    let _ = sender.send((i, task(i)));
                }
            });
        }
        drop(sender);
        for (i, result) in receiver {
            collect(i, result);
        }
    });
}

/// Every validator's row as the chain stores it when its side's weight is at `level`: W_H for an
/// honest validator, W_C for a cabal one (each row depends on its own side's weight alone).
fn stored_rows(study: &Study, noisy: &NoisyWeights, level: usize) -> Vec<Vec<(u16, u16)>> {
    let dests: Vec<u16> = (VALIDATORS..NEURONS).map(|uid| uid as u16).collect();
    let weight = study.weight(level);
    let mut values = Vec::new();
    (0..VALIDATORS)
        .map(|validator| {
            noisy.row(validator, weight, weight, &mut values);
            let mut row = Vec::new();
            epoch::stored_row(&dests, &values, &mut row);
            row
        })
        .collect()
}

/// What the grid points of one repetition, S_H and σ share.
struct Phase<'a> {
    study: &'a Study,
    layout: Layout,
    subnet: &'a Subnet,
    /// `rows[level][validator]`, from [`stored_rows`].
    rows: &'a [Vec<Vec<(u16, u16)>>],
    kappas: &'a [u16],
    bonds_penalties: &'a [u16],
}

impl Phase<'_> {
    /// The E_H of the column at W_H level `honest_utility`: for each W_C, each κ, each β.
    fn column(&self, honest_utility: usize) -> Vec<f64> {
        let honest = self.layout.honest_validators;
        let mut weights: Vec<Vec<(u16, u16)>> = (0..NEURONS)
            .map(|uid| match uid {
                _ if uid < honest => self.rows[honest_utility][uid].clone(),
                _ if uid < VALIDATORS => Vec::new(),
                _ => epoch::server_self_weight(uid),
            })
            .collect();
        let study = self.study;
        let mut out = Vec::with_capacity(study.weight_levels() * self.kappas.len() * self.bonds_penalties.len());
        for cabal_self_weight in 0..study.weight_levels() {
            for (row, stored) in weights[honest..VALIDATORS].iter_mut().zip(&self.rows[cabal_self_weight][honest..]) {
                row.clone_from(stored);
            }
            for &kappa in self.kappas {
                out.extend(self.subnet.honest_emission(&weights, self.layout, kappa, self.bonds_penalties));
            }
        }
        out
    }
}

/// Puts a column's values (W_C, then κ, then β) where `Study::index` says; `column` names the
/// column's σ, S_H, W_H and repetition.
fn place(study: &Study, column: Point, values: &[f64], map: &mut [f64]) {
    let mut values = values.iter();
    for cabal_self_weight in 0..study.weight_levels() {
        for kappa in 0..study.kappas.len() {
            for bonds_penalty in 0..study.bonds_penalties.len() {
                let point = Point { bonds_penalty, kappa, cabal_self_weight, ..column };
                map[study.index(point)] = *values.next().expect("a value per point");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::grid::Decimal;
    use super::*;

    /// 2 β × 3 W_H × 3 W_C on one S_H and σ: 18 epochs, small enough for a debug build.
    fn small() -> Study {
        Study {
            seed: 11,
            repeats: 1,
            sigmas: vec![Decimal::from_ppm(400_000)],
            bonds_penalties: vec![Decimal::from_ppm(0), Decimal::from_ppm(1_000_000)],
            kappas: vec![Decimal::from_ppm(500_000)],
            honest_stakes: vec![Decimal::from_ppm(600_000)],
            steps: 2,
        }
    }

    #[test]
    fn the_map_is_the_same_bits_whatever_the_thread_count() {
        let study = small();
        let bits = |threads| -> Vec<u64> {
            run(&study, threads, &mut |_, _| {}).honest_emission.iter().map(|x| x.to_bits()).collect()
        };
        let one = bits(1);
        assert_eq!(one.len(), 18);
        assert!(one.iter().all(|&b| !f64::from_bits(b).is_nan()), "every point computed");
        assert_eq!(bits(3), one);
        // Another seed draws another network.
        let other = run(&Study { seed: 12, ..study.clone() }, 2, &mut |_, _| {});
        assert_ne!(other.honest_emission.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), one);
    }

    #[test]
    fn each_point_is_the_chains_own_epoch_on_its_drawn_network() {
        // The point W_H = 1/2, W_C = 1, β = 1 rebuilt by hand from the draws, run through
        // `yuma::epoch` via the subnet: the map holds the same value.
        let study = small();
        let map = run(&study, 2, &mut |_, _| {});
        let draws = Draws::new(11, 0);
        let layout = Layout::of(600_000);
        let subnet = Subnet::new(&draw::stake_rao(&draws, layout, 0.6));
        let noisy = NoisyWeights::new(&draws, layout, 0.4);
        let dests: Vec<u16> = (VALIDATORS..NEURONS).map(|uid| uid as u16).collect();
        let mut values = Vec::new();
        let weights: Vec<Vec<(u16, u16)>> = (0..NEURONS)
            .map(|uid| {
                if uid >= VALIDATORS {
                    return epoch::server_self_weight(uid);
                }
                noisy.row(uid, 0.5, 1.0, &mut values);
                let mut row = Vec::new();
                epoch::stored_row(&dests, &values, &mut row);
                row
            })
            .collect();
        let e_h = subnet.honest_emission(&weights, layout, 32_767, &[65_535])[0];
        let point = Point { bonds_penalty: 1, honest_utility: 1, cabal_self_weight: 2, ..Point::default() };
        assert_eq!(map.get(point).to_bits(), e_h.to_bits());
        // E_H is a share: within [0, 1], and an honest majority with some utility earns something.
        assert!(map.honest_emission.iter().all(|&x| (0.0..=1.0).contains(&x)));
    }
}
