//! A stable fingerprint of bytes: XXH3-128 (the xxhash-rust crate), the same on every platform.
//! The fingerprinted sets are a miner's rows or a round's answers, a few thousand at most: a
//! collision (probability near 2^-105) is treated as impossible.

use xxhash_rust::xxh3::xxh3_128;

use crate::protocol::Rows;

pub type Fingerprint = u128;

pub fn of_bytes(bytes: &[u8]) -> Fingerprint {
    xxh3_128(bytes)
}

/// Each row of `rows` by its bytes (`Rows::row_bytes`): the same row, the same fingerprint,
/// whichever payload it came in.
pub fn of_rows(rows: &Rows) -> Vec<Fingerprint> {
    let mut bytes = Vec::new();
    (0..rows.len())
        .map(|i| {
            bytes.clear();
            rows.row_bytes(i, &mut bytes);
            of_bytes(&bytes)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_has_one_fingerprint_in_any_payload_and_one_bit_changes_it() {
        let features = crate::ml::digits::FEATURES;
        let rows = Rows::Pixels((0..3 * features).map(|i| i as f32 / 7.0).collect());
        let keys = of_rows(&rows);
        assert_eq!(of_rows(&rows.select(&[2, 0])), [keys[2], keys[0]]);
        assert_eq!(keys.iter().collect::<std::collections::BTreeSet<_>>().len(), 3);
        let Rows::Pixels(mut pixels) = rows else { unreachable!() };
        pixels[0] = f32::from_bits(pixels[0].to_bits() ^ 1);
        assert_ne!(of_rows(&Rows::Pixels(pixels))[0], keys[0]);
    }
}
