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
}
