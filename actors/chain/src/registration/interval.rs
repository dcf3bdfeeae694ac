//! The registration price before 2026-04 (spec §4.5): registrations are capped per block and per
//! interval, and every `AdjustmentInterval` blocks the burn and the PoW difficulty move towards
//! the target rate of registrations, which of the two depending on how newcomers registered.

use substrate_fixed::types::I110F18;

use crate::hyperparameters::Hyperparameters;

/// Why a legacy registration is refused before it is priced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapReached {
    Block { max: u16 },
    Interval { max: u32 },
}

/// The per-subnet counters and prices of the legacy rule.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IntervalRegistration {
    pub registrations_this_block: u16,
    pub registrations_this_interval: u16,
    pub burn_registrations_this_interval: u16,
    /// Always 0 here: tensorsim models no proof-of-work registration.
    pub pow_registrations_this_interval: u16,
    pub last_adjustment_block: u64,
    pub difficulty: u64,
}

/// `upgraded_burn` / `upgraded_difficulty`: `cur · (reg + target) / (2 · target)`, blended with
/// the old value by `adjustment_alpha / u64::MAX`, in I110F18, clamped to [min, max] and truncated.
pub fn adjusted(current: u64, registrations: u16, target: u16, adjustment_alpha: u64, min: u64, max: u64) -> u64 {
    let current = I110F18::from_num(current);
    let updated = current * I110F18::from_num(u32::from(registrations) + u32::from(target))
        / I110F18::from_num(2 * u32::from(target));
    let alpha = I110F18::from_num(adjustment_alpha) / I110F18::from_num(u64::MAX);
    let next = alpha * current + (I110F18::from_num(1) - alpha) * updated;
    if next >= I110F18::from_num(max) {
        max
    } else if next <= I110F18::from_num(min) {
        min
    } else {
        next.to_num::<u64>()
    }
}

impl IntervalRegistration {
    pub fn new(h: &Hyperparameters, block: u64) -> Self {
        Self { last_adjustment_block: block, difficulty: h.difficulty, ..Self::default() }
    }

    /// The caps of `do_burned_registration`.
    pub fn check_caps(&self, h: &Hyperparameters) -> Result<(), CapReached> {
        if self.registrations_this_block >= h.max_registrations_per_block {
            return Err(CapReached::Block { max: h.max_registrations_per_block });
        }
        let interval_max = 3 * u32::from(h.target_registrations_per_interval);
        if u32::from(self.registrations_this_interval) >= interval_max {
            return Err(CapReached::Interval { max: interval_max });
        }
        Ok(())
    }

    pub fn count_burned_registration(&mut self) {
        self.registrations_this_block = self.registrations_this_block.saturating_add(1);
        self.registrations_this_interval = self.registrations_this_interval.saturating_add(1);
        self.burn_registrations_this_interval = self.burn_registrations_this_interval.saturating_add(1);
    }

    /// One block: at the end of an interval the burn (returned) and the difficulty move, by
    /// registrations against the target:
    ///
    /// | | above target | at or below target |
    /// |---|---|---|
    /// | more PoW than burned | difficulty up | burn down |
    /// | more burned than PoW | burn up | difficulty down |
    /// | as many | both up | both down |
    ///
    /// The per-block counter starts again every block.
    pub fn on_block(&mut self, h: &Hyperparameters, block: u64, burn_rao: u64) -> u64 {
        self.registrations_this_block = 0;
        let interval = u64::from(h.adjustment_interval);
        if block.saturating_sub(self.last_adjustment_block) < interval || h.target_registrations_per_interval == 0 {
            return burn_rao;
        }
        let (registrations, target) = (self.registrations_this_interval, h.target_registrations_per_interval);
        let (pow, burned) = (self.pow_registrations_this_interval, self.burn_registrations_this_interval);
        let burn = || adjusted(burn_rao, registrations, target, h.adjustment_alpha, h.min_burn, h.max_burn);
        let difficulty =
            || adjusted(self.difficulty, registrations, target, h.adjustment_alpha, h.min_difficulty, h.max_difficulty);
        let above = registrations > target;
        let (move_burn, move_difficulty) = match pow.cmp(&burned) {
            std::cmp::Ordering::Greater => (!above, above),
            std::cmp::Ordering::Less => (above, !above),
            std::cmp::Ordering::Equal => (true, true),
        };
        let new_burn = if move_burn { burn() } else { burn_rao };
        if move_difficulty {
            self.difficulty = difficulty();
        }
        self.registrations_this_interval = 0;
        self.burn_registrations_this_interval = 0;
        self.pow_registrations_this_interval = 0;
        self.last_adjustment_block = block;
        new_burn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h() -> Hyperparameters {
        Hyperparameters {
            adjustment_interval: 100,
            target_registrations_per_interval: 2,
            max_registrations_per_block: 1,
            min_burn: 1_000,
            max_burn: 1_000_000_000_000,
            min_difficulty: 1,
            max_difficulty: u64::MAX,
            difficulty: 10_000,
            ..Hyperparameters::default()
        }
    }

    #[test]
    fn the_price_follows_registrations_against_the_target() {
        // reg 4 vs target 2: × (4 + 2) / 4 = 1.5; reg 0: × 2 / 4 = 0.5; reg 2: unchanged.
        assert_eq!(adjusted(1_000_000, 4, 2, 0, 1, u64::MAX), 1_500_000);
        assert_eq!(adjusted(1_000_000, 0, 2, 0, 1, u64::MAX), 500_000);
        assert_eq!(adjusted(1_000_000, 2, 2, 0, 1, u64::MAX), 1_000_000);
        // Alpha blends the old value in: α = 1/2 − 2^-18 (I110F18 truncates it) gives just past
        // halfway to 1.5×: 0.4999962 · 10^6 + 0.5000038 · 1.5 · 10^6 = 1 250 001.9.
        assert_eq!(adjusted(1_000_000, 4, 2, u64::MAX / 2, 1, u64::MAX), 1_250_001);
        // Clamped, and truncated in between.
        assert_eq!(adjusted(1_000_000, 4, 2, 0, 1, 1_200_000), 1_200_000);
        assert_eq!(adjusted(1_000, 0, 2, 0, 900, u64::MAX), 900);
        assert_eq!(adjusted(3, 1, 2, 0, 0, u64::MAX), 2);
    }

    #[test]
    fn burned_registrations_move_the_burn_up_and_the_difficulty_down() {
        let h = h();
        let mut state = IntervalRegistration::new(&h, 0);
        for block in 1..=99 {
            assert_eq!(state.on_block(&h, block, 1_000_000), 1_000_000);
            if block % 20 == 0 {
                state.check_caps(&h).unwrap();
                state.count_burned_registration();
                assert_eq!(state.check_caps(&h), Err(CapReached::Block { max: 1 }));
            }
        }
        // Four burned registrations, above the target of 2: the burn rises by half.
        assert_eq!(state.on_block(&h, 100, 1_000_000), 1_500_000);
        assert_eq!(state.difficulty, 10_000);
        // An interval with one: below target, burn dominates, so the difficulty falls by a quarter.
        state.count_burned_registration();
        assert_eq!(state.on_block(&h, 200, 1_500_000), 1_500_000);
        assert_eq!(state.difficulty, 7_500);
        // None at all: both fall by half.
        assert_eq!(state.on_block(&h, 300, 1_500_000), 750_000);
        assert_eq!(state.difficulty, 3_750);
    }

    #[test]
    fn the_interval_cap_is_three_targets() {
        let h = h();
        let mut state = IntervalRegistration::new(&h, 0);
        for block in 1..=6 {
            state.on_block(&h, block, 1);
            state.check_caps(&h).unwrap();
            state.count_burned_registration();
        }
        state.on_block(&h, 7, 1);
        assert_eq!(state.check_caps(&h), Err(CapReached::Interval { max: 6 }));
    }
}
