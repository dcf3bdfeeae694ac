//! A stake cap in consensus: every UID's stake weight held to at most the given percentile of
//! the validators' stake weights (positive, of the UIDs that hold a validator permit and have set
//! weights; linear interpolation between ranks, as numpy's default). Miners hold stake too (their
//! incentive is staked) and, in a subnet of fewer UIDs than validator slots, permits: a percentile
//! over them would sit among the miners' stakes and cap every validator alike. Not a
//! rule of any subtensor version: the counterfactual that the stake-concentration literature
//! proposes (arXiv:2507.02951 caps stake at the 88th percentile to raise the Nakamoto
//! coefficient). Off unless a scenario sets it on a subnet; the chain's own rules never read it.

use super::fixed::I64F64;

/// `weights` with each held to the `percentile` (1..=100) of the positive ones of the UIDs
/// `counted`; unchanged when none is. Exact in I64F64: the rank's fraction is the rational
/// (p·(n−1) mod 100)/100.
pub fn cap_at_percentile(weights: &mut [I64F64], counted: &[bool], percentile: u8) {
    let zero = I64F64::from_num(0);
    let mut positive: Vec<I64F64> =
        weights.iter().zip(counted).filter(|&(&w, &c)| c && w > zero).map(|(&w, _)| w).collect();
    if positive.is_empty() {
        return;
    }
    positive.sort_unstable();
    let scaled_rank = u64::from(percentile.min(100)) * (positive.len() as u64 - 1);
    let (below, remainder) = ((scaled_rank / 100) as usize, scaled_rank % 100);
    let low = positive[below];
    let cap = match positive.get(below + 1) {
        Some(&high) if remainder > 0 => low + (high - low) * I64F64::from_num(remainder) / I64F64::from_num(100),
        _ => low,
    };
    for weight in weights.iter_mut() {
        *weight = (*weight).min(cap);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capped(weights: &[u64], percentile: u8) -> Vec<f64> {
        capped_among(weights, &vec![true; weights.len()], percentile)
    }

    fn capped_among(weights: &[u64], counted: &[bool], percentile: u8) -> Vec<f64> {
        let mut weights: Vec<I64F64> = weights.iter().map(|&w| I64F64::from_num(w)).collect();
        cap_at_percentile(&mut weights, counted, percentile);
        weights.iter().map(|w| w.to_num::<f64>()).collect()
    }

    #[test]
    fn a_whale_is_held_to_the_88th_percentile_of_the_validators_stakes_and_the_others_keep_theirs() {
        // Six validators, 8 each and a whale of 60: rank 0.88 · 5 = 4.4, between 8 and 60: 28.8.
        assert_eq!(capped(&[8, 8, 60, 8, 8, 8, 0], 88), [8.0, 8.0, 28.8, 8.0, 8.0, 8.0, 0.0]);
        // The root network's June 2024 shares in ‰ (the other 350 in ten of 35): rank 0.88 · 14 =
        // 12.32, between 110 and 135: 118.
        let mut preset = vec![250, 135, 110, 90, 65];
        preset.extend([35; 10]);
        let mut expected: Vec<f64> = preset.iter().map(|&w| w as f64).collect();
        (expected[0], expected[1]) = (118.0, 118.0);
        assert_eq!(capped(&preset, 88), expected);
    }

    #[test]
    fn the_percentile_is_of_the_counted_uids_only_and_caps_every_uid() {
        // Miners of stake 1 and 2 beside the validators 8, 8 and 60: not counted, not raised.
        let counted = [true, true, true, false, false];
        assert_eq!(capped_among(&[8, 8, 60, 1, 2], &counted, 50), [8.0, 8.0, 8.0, 1.0, 2.0]);
        assert_eq!(capped_among(&[8, 8, 60, 1, 2], &[false; 5], 50), [8.0, 8.0, 60.0, 1.0, 2.0]);
    }

    #[test]
    fn the_100th_percentile_caps_nothing_and_no_stake_stays_no_stake() {
        assert_eq!(capped(&[3, 1, 2], 100), [3.0, 1.0, 2.0]);
        assert_eq!(capped(&[0, 0], 88), [0.0, 0.0]);
        assert_eq!(capped(&[5], 1), [5.0], "one holder is its own percentile");
    }
}
