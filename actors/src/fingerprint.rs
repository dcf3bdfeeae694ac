//! FNV-1a, 64 bits: a cheap, stable fingerprint of bytes. Equal inputs give equal fingerprints on
//! every platform; different inputs collide with probability about 2^-64 per pair, which a
//! validator comparing answers or a miner indexing rows can accept.

const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0100_0000_01b3;

pub fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(OFFSET_BASIS, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(PRIME))
}

/// A row of f32 features, by their bits.
pub fn of_features(row: &[f32]) -> u64 {
    fnv1a(row.iter().flat_map(|x| x.to_bits().to_le_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        // The published FNV-1a 64 test vectors.
        assert_eq!(fnv1a(*b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(*b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(*b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn rows_differing_in_one_bit_have_different_fingerprints() {
        assert_ne!(of_features(&[0.5, 0.25]), of_features(&[0.5, f32::from_bits(0.25f32.to_bits() ^ 1)]));
        assert_eq!(of_features(&[0.5, 0.25]), of_features(&[0.5, 0.25]));
    }
}
