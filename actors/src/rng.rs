//! Named random streams: every draw of a run comes from ChaCha seeded by the run's seed and a
//! stable stream name (`miner/17/init`), so adding an actor or a draw never shifts another's.
//! Uniforms and shuffles are written on raw `u32`/`u64` draws, independent of `rand`'s versions.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

/// The stream `name` of the run seeded `seed`.
pub fn stream(seed: u64, name: &str) -> ChaCha8Rng {
    let mut hasher = Sha256::new();
    hasher.update(seed.to_le_bytes());
    hasher.update(name.as_bytes());
    ChaCha8Rng::from_seed(hasher.finalize().into())
}

/// Uniform in [0, 1) with 24 exact bits.
pub fn unit_f32(rng: &mut ChaCha8Rng) -> f32 {
    (rng.next_u32() >> 8) as f32 * (1.0 / 16_777_216.0)
}

/// Uniform in (0, 1] with 53 exact bits: never 0, so its logarithm is finite.
pub fn unit_open_f64(rng: &mut ChaCha8Rng) -> f64 {
    ((rng.next_u64() >> 11) + 1) as f64 * (1.0 / 9_007_199_254_740_992.0)
}

/// A standard normal draw (Box–Muller on two 53-bit uniforms, the cosine branch). libm's log and
/// cos, not the platform's, so the draw is the same bits everywhere.
pub fn standard_normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = unit_open_f64(rng);
    let u2 = unit_open_f64(rng);
    (-2.0 * libm::log(u1)).sqrt() * libm::cos(std::f64::consts::TAU * u2)
}

/// Draws [`below`] may reject before it gives up: each draw is rejected with probability under
/// 1/2, so 128 rejections in a row (p < 2^-128) mean a broken generator, not bad luck.
const REJECTIONS_MAX: u32 = 128;

/// Uniform in 0..n, unbiased (rejection of the short last zone). `n` must be positive.
pub fn below(rng: &mut ChaCha8Rng, n: u64) -> u64 {
    assert!(n > 0, "below(0) has no value");
    let zone = u64::MAX - (u64::MAX % n);
    for _ in 0..REJECTIONS_MAX {
        let draw = rng.next_u64();
        if draw < zone {
            return draw % n;
        }
    }
    panic!("{REJECTIONS_MAX} draws in a row fell in the rejected zone of below({n}): the generator is broken")
}

/// Fisher–Yates.
pub fn shuffle<T>(items: &mut [T], rng: &mut ChaCha8Rng) {
    for i in (1..items.len()).rev() {
        items.swap(i, below(rng, i as u64 + 1) as usize);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_independent_and_reproducible() {
        let draw = |seed, name| stream(seed, name).next_u64();
        assert_eq!(draw(1, "miner/0/init"), draw(1, "miner/0/init"));
        assert_ne!(draw(1, "miner/0/init"), draw(1, "miner/1/init"));
        assert_ne!(draw(1, "miner/0/init"), draw(2, "miner/0/init"));
    }

    #[test]
    fn below_and_shuffle_cover_their_range() {
        let mut rng = stream(3, "test");
        let mut seen = [0u32; 6];
        for _ in 0..6_000 {
            seen[below(&mut rng, 6) as usize] += 1;
        }
        assert!(seen.iter().all(|&count| (800..1_200).contains(&count)), "{seen:?}");
        let mut items: Vec<u32> = (0..50).collect();
        shuffle(&mut items, &mut rng);
        let mut sorted = items.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
        assert_ne!(items, sorted);
        let x = unit_f32(&mut rng);
        assert!((0.0..1.0).contains(&x));
    }

    #[test]
    fn standard_normal_draws_have_mean_zero_and_variance_one() {
        let mut rng = stream(5, "normal");
        let draws: Vec<f64> = (0..20_000).map(|_| standard_normal(&mut rng)).collect();
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        let variance = draws.iter().map(|z| (z - mean).powi(2)).sum::<f64>() / (draws.len() - 1) as f64;
        // Standard errors: 1/√20000 ≈ 0.007 for the mean, √(2/20000) ≈ 0.01 for the variance.
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((variance - 1.0).abs() < 0.04, "variance {variance}");
        // 5 % of a normal lies beyond ±1.96: of 20 000 draws 1 000, standard deviation 31.
        let tails = draws.iter().filter(|z| z.abs() > 1.96).count();
        assert!((880..1_120).contains(&tails), "{tails} draws beyond ±1.96");
        let mut edge = stream(5, "edge");
        assert!((0..1_000).all(|_| unit_open_f64(&mut edge) > 0.0));
    }
}
