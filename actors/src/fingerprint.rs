//! A stable fingerprint of bytes: XXH3-128 (the xxhash-rust crate), the same on every platform.
//! The fingerprinted sets are a miner's rows (`Rows::fingerprints`) or a round's answers, a few
//! thousand at most: a collision (probability near 2^-105) is treated as impossible.

use xxhash_rust::xxh3::xxh3_128;

pub type Fingerprint = u128;

pub fn of_bytes(bytes: &[u8]) -> Fingerprint {
    xxh3_128(bytes)
}
