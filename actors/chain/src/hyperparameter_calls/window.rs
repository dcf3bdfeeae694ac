//! The admin freeze window (subnets spec §6.3) as a pure function.

/// `frozen(b) = T ≠ 0 and (PEA > b or remaining < W)`: the window closes the last `W − 1` blocks
/// before an epoch (the epoch block itself runs its epoch first), and from an owner's trigger
/// (or a deferred epoch, PEA = b + 1) until the epoch runs. `blocks_until_epoch` is the
/// cadence's: `max(0, LEB + T − b)` with dynamic tempo, `T − ((b + netuid + 1) mod (T + 1))`
/// before. W = 0 disables it.
pub fn admin_window_frozen(
    tempo: u16,
    blocks_until_epoch: u64,
    pending_epoch_at: u64,
    block: u64,
    window_blocks: u16,
) -> bool {
    tempo != 0 && (pending_epoch_at > block || blocks_until_epoch < u64::from(window_blocks))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{blocks_until_next_auto_epoch, legacy_blocks_until_next_epoch};

    #[test]
    fn the_window_closes_the_last_blocks_before_the_epoch() {
        // test_freeze_window_blocks_root_and_owner: T = 10, W = 3, LEB = 0: frozen at b = 8
        // (remaining 2), open at b = 7 (remaining 3).
        let frozen = |block| admin_window_frozen(10, blocks_until_next_auto_epoch(0, 10, block), 0, block, 3);
        assert!(frozen(8) && frozen(9));
        assert!(!frozen(7));
        assert!(!admin_window_frozen(10, 2, 0, 8, 0), "W = 0 disables the window");
        assert!(!admin_window_frozen(0, 0, 0, 8, 3), "tempo 0 is never frozen");
    }

    #[test]
    fn a_pending_epoch_freezes_until_it_runs() {
        // §6.3: a deferred epoch (PEA = b + 1) or an owner's trigger freezes from then on.
        assert!(admin_window_frozen(10, 9, 6, 5, 3));
        assert!(!admin_window_frozen(10, 9, 5, 5, 3));
    }

    #[test]
    fn before_dynamic_tempo_the_remaining_blocks_follow_the_legacy_phase() {
        // §6.3 history: remaining = T − ((b + netuid + 1) mod (T + 1)); netuid 1, T = 10: the
        // epoch runs at b = 8, 19, …, where remaining is 0, so W = 3 freezes W blocks, the epoch
        // block included: 17, 18 and 19, not 16 or 20.
        let frozen = |block| admin_window_frozen(10, legacy_blocks_until_next_epoch(1, 10, block), 0, block, 3);
        assert_eq!([16, 17, 18, 19, 20].map(frozen), [false, true, true, true, false]);
    }
}
