//! The chain's u16 encodings of fixed-point numbers (spec §1.4): how a proportion is stored as a
//! u16 and read back, with the chain's truncation.

use substrate_fixed::types::I32F32;

/// A u16 value as an integer-valued fixed number (65535 → 65535.0).
#[inline]
pub fn fixed_from_u16(value: u16) -> I32F32 {
    I32F32::from_bits(i64::from(value) << 32)
}

/// u16 proportion → fixed: `value / 65535`, a truncating fixed division (spec §1.4).
#[inline]
pub fn u16_proportion_to_fixed(value: u16) -> I32F32 {
    // (value << 32 << 32) / (65535 << 32), truncated = floor(value · 2^32 / 65535).
    I32F32::from_bits((i64::from(value) << 32) / 65535)
}

/// Fixed proportion → u16: `⌊x · 65535⌋`, saturating to 0..=65535 (spec §1.4).
#[inline]
pub fn fixed_proportion_to_u16(x: I32F32) -> u16 {
    // x · 65535.0 is exact (the multiplier is an integer), so the only rounding is the floor.
    let raw = x.to_bits();
    if (0..=1 << 32).contains(&raw) {
        // A proportion (the stored bonds): the product fits 48 bits.
        return ((raw * 65535) >> 32) as u16;
    }
    let scaled = i128::from(raw) * 65535;
    (scaled >> 32).clamp(0, i128::from(u16::MAX)) as u16
}
