//! The network of one grid point, drawn as subtensor's consensus study draws it (docs/consensus.md,
//! "Monte Carlo simulations"): 512 UIDs, the first 64 validators and the rest servers (its test's
//! blockwise layout), the honest side first in each block; Gaussian stakes and weights, clamped at
//! 0 and normalised per side (stakes) and per quadrant (weights).

use tensorsim_actors::rng;

pub const NEURONS: usize = 512;
pub const VALIDATORS: usize = 64;
pub const SERVERS: usize = NEURONS - VALIDATORS;
/// σ_S of the validators' stake draws, S'_i ~ N(1, σ_S²).
const STAKE_SIGMA: f64 = 0.3;
/// The stake the draws share out, in RAO: 21 M TAO, as upstream's test.
const TOTAL_STAKE_RAO: f64 = 21e15;
const PPM: usize = 1_000_000;

/// Who is honest: the first `honest_validators` validator UIDs and the first `honest_servers`
/// server UIDs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    pub honest_validators: usize,
    pub honest_servers: usize,
}

impl Layout {
    /// |H|/N = S_H on each side (floored), with at least one UID on each side of each block, as
    /// the docs say ("modifying extremes"). `honest_stake_ppm` is S_H in millionths.
    pub fn of(honest_stake_ppm: u32) -> Layout {
        let side = |total: usize| (honest_stake_ppm as usize * total / PPM).clamp(1, total - 1);
        Layout { honest_validators: side(VALIDATORS), honest_servers: side(SERVERS) }
    }

    pub fn is_honest(&self, uid: usize) -> bool {
        if uid < VALIDATORS { uid < self.honest_validators } else { uid - VALIDATORS < self.honest_servers }
    }
}

/// One repetition's standard normal draws: one per validator for its stake, one per (validator,
/// server) for its weight. Every grid point of a repetition reads the same draws (common random
/// numbers, as upstream seeds every point alike), so the map moves only where its parameters do.
pub struct Draws {
    stake: Vec<f64>,
    /// Row-major, `VALIDATORS × SERVERS`.
    weights: Vec<f64>,
}

impl Draws {
    /// The draws of repetition `repeat` of the study seeded `seed`: named streams, a validator's
    /// row of its own, so no draw depends on how many others were made.
    pub fn new(seed: u64, repeat: u32) -> Draws {
        let mut stake_rng = rng::stream(seed, &format!("consensus-map/{repeat}/stake"));
        let stake = (0..VALIDATORS).map(|_| rng::standard_normal(&mut stake_rng)).collect();
        let mut weights = Vec::with_capacity(VALIDATORS * SERVERS);
        for validator in 0..VALIDATORS {
            let mut row_rng = rng::stream(seed, &format!("consensus-map/{repeat}/weights/{validator}"));
            weights.extend((0..SERVERS).map(|_| rng::standard_normal(&mut row_rng)));
        }
        Draws { stake, weights }
    }
}

/// Each validator's stake in RAO (servers hold none): S'_i = max(0, 1 + σ_S·z_i), normalised on
/// each side and scaled to S_H and 1 − S_H of 21 M TAO, floored. A side whose draws are all 0
/// holds nothing.
pub fn stake_rao(draws: &Draws, layout: Layout, honest_stake: f64) -> Vec<u64> {
    let raw: Vec<f64> = draws.stake.iter().map(|z| (1.0 + STAKE_SIGMA * z).max(0.0)).collect();
    let (honest, cabal) = raw.split_at(layout.honest_validators);
    let mut stake = vec![0u64; NEURONS];
    for (offset, side, share) in [(0, honest, honest_stake), (honest.len(), cabal, 1.0 - honest_stake)] {
        let sum: f64 = side.iter().sum();
        if sum > 0.0 {
            for (i, s) in side.iter().enumerate() {
                stake[offset + i] = (share * s / sum * TOTAL_STAKE_RAO) as u64;
            }
        }
    }
    stake
}

/// The weight draws at one σ: W'_ij = max(0, 1 + σ·z_ij), and each validator's sums of them over
/// the honest and over the cabal servers. The grid points of one σ and layout only rescale them.
pub struct NoisyWeights {
    layout: Layout,
    values: Vec<f64>,
    /// Per validator: [Σ over honest servers, Σ over cabal servers].
    sums: Vec<[f64; 2]>,
}

impl NoisyWeights {
    pub fn new(draws: &Draws, layout: Layout, sigma: f64) -> NoisyWeights {
        let values: Vec<f64> = draws.weights.iter().map(|z| (1.0 + sigma * z).max(0.0)).collect();
        let sums = values
            .chunks_exact(SERVERS)
            .map(|row| {
                let (honest, cabal) = row.split_at(layout.honest_servers);
                [honest.iter().sum(), cabal.iter().sum()]
            })
            .collect();
        NoisyWeights { layout, values, sums }
    }

    /// The weights validator `validator` submits, on every server in UID order, as u16
    /// proportions floored (upstream's `fixed_proportion_to_u16`): an honest validator puts W_H on
    /// the honest servers and 1 − W_H on the cabal's, a cabal validator W_C on the cabal's and
    /// 1 − W_C on the honest ones, each quadrant shared in proportion to the draws. A quadrant
    /// whose draws are all 0 gets nothing.
    pub fn row(&self, validator: usize, honest_utility: f64, cabal_self_weight: f64, out: &mut Vec<u16>) {
        let on_honest =
            if validator < self.layout.honest_validators { honest_utility } else { 1.0 - cabal_self_weight };
        let totals = [on_honest, 1.0 - on_honest];
        let scale = |side: usize| {
            let sum = self.sums[validator][side];
            if sum > 0.0 { totals[side] * f64::from(u16::MAX) / sum } else { 0.0 }
        };
        let scales = [scale(0), scale(1)];
        let row = &self.values[validator * SERVERS..(validator + 1) * SERVERS];
        out.clear();
        out.extend(row.iter().enumerate().map(|(server, w)| {
            let side = usize::from(server >= self.layout.honest_servers);
            (w * scales[side]) as u16 // floors; `as` saturates at u16::MAX
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_splits_each_block_by_the_honest_stake_and_keeps_one_uid_on_each_side() {
        // 0.6 · 64 = 38.4, 0.6 · 448 = 268.8: floored.
        assert_eq!(Layout::of(600_000), Layout { honest_validators: 38, honest_servers: 268 });
        // 0.75 · 64 = 48 exactly: no float rounds it down to 47.
        assert_eq!(Layout::of(750_000), Layout { honest_validators: 48, honest_servers: 336 });
        assert_eq!(Layout::of(1), Layout { honest_validators: 1, honest_servers: 1 });
        assert_eq!(Layout::of(999_999), Layout { honest_validators: 63, honest_servers: 447 });
        let layout = Layout::of(600_000);
        assert!(layout.is_honest(37) && !layout.is_honest(38));
        assert!(layout.is_honest(64 + 267) && !layout.is_honest(64 + 268));
    }

    #[test]
    fn each_side_holds_its_share_of_the_stake_and_servers_hold_none() {
        let draws = Draws::new(7, 0);
        let layout = Layout::of(600_000);
        let stake = stake_rao(&draws, layout, 0.6);
        let honest: u64 = stake[..38].iter().sum();
        let cabal: u64 = stake[38..VALIDATORS].iter().sum();
        // Each of the 64 stakes is floored: at most one RAO short each (and f64's 2-RAO step at 2·10^16).
        assert!((0.6 * TOTAL_STAKE_RAO - honest as f64).abs() <= 128.0, "{honest}");
        assert!((0.4 * TOTAL_STAKE_RAO - cabal as f64).abs() <= 128.0, "{cabal}");
        assert!(stake[VALIDATORS..].iter().all(|&s| s == 0));
        // σ_S = 0.3 spreads them: not all equal.
        assert_ne!(stake[0], stake[1]);
    }

    #[test]
    fn each_quadrant_sums_to_its_weight_within_the_flooring_of_each_entry() {
        let draws = Draws::new(7, 0);
        let layout = Layout::of(600_000);
        let noisy = NoisyWeights::new(&draws, layout, 0.4);
        let mut row = Vec::new();
        let quadrants = |row: &[u16]| -> [u64; 2] {
            let (honest, cabal) = row.split_at(layout.honest_servers);
            [honest.iter().map(|&w| u64::from(w)).sum(), cabal.iter().map(|&w| u64::from(w)).sum()]
        };
        // An honest validator: W_H = 0.7 on the 268 honest servers, 0.3 on the 180 cabal ones.
        noisy.row(0, 0.7, 0.9, &mut row);
        let [honest, cabal] = quadrants(&row);
        let close = |sum: u64, share: f64, entries: f64| {
            let want = share * 65535.0;
            sum as f64 <= want + 1e-6 && sum as f64 > want - entries
        };
        assert!(close(honest, 0.7, 268.0) && close(cabal, 0.3, 180.0), "{honest} {cabal}");
        // A cabal validator: W_C = 0.9 on the cabal servers, 0.1 on the honest ones.
        noisy.row(40, 0.7, 0.9, &mut row);
        let [honest, cabal] = quadrants(&row);
        assert!(close(honest, 0.1, 268.0) && close(cabal, 0.9, 180.0), "{honest} {cabal}");
    }

    #[test]
    fn without_noise_every_server_of_a_quadrant_gets_the_same_weight() {
        let draws = Draws::new(7, 0);
        let layout = Layout::of(500_000);
        let mut row = Vec::new();
        NoisyWeights::new(&draws, layout, 0.0).row(0, 0.5, 1.0, &mut row);
        // 0.5 · 65535 / 224 = 146.28…
        assert!(row.iter().all(|&w| w == 146), "{row:?}");
        // A cabal validator at W_C = 1 gives the honest servers explicit zeros.
        NoisyWeights::new(&draws, layout, 0.0).row(63, 0.5, 1.0, &mut row);
        assert!(row[..224].iter().all(|&w| w == 0) && row[224..].iter().all(|&w| w == 292));
    }

    #[test]
    fn the_same_seed_and_repetition_draw_the_same_numbers_and_another_repetition_does_not() {
        let bits = |d: &Draws| -> Vec<u64> { d.stake.iter().chain(&d.weights).map(|x| x.to_bits()).collect() };
        assert_eq!(bits(&Draws::new(3, 1)), bits(&Draws::new(3, 1)));
        assert_ne!(bits(&Draws::new(3, 1)), bits(&Draws::new(3, 2)));
        assert_ne!(bits(&Draws::new(3, 1)), bits(&Draws::new(4, 1)));
    }
}
