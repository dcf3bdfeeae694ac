//! When a subnet's epoch runs (spec §3.2), in both cadences the chain has had:
//! - HEAD (dynamic tempo, since 2026-06): every T blocks from `LastEpochBlock`, at most
//!   `MaxEpochsPerBlock` epochs per block (the rest deferred by a block), and a safety net after
//!   50 400 blocks without one;
//! - legacy: at block b iff `blocks_until_next_epoch` is 0, i.e. `(b + netuid + 1) mod (T + 1) = T`,
//!   every T + 1 blocks.

/// Blocks without an epoch after which the HEAD scheduler runs one whatever the tempo says.
pub const BLOCKS_SINCE_LAST_STEP_MAX: u64 = 50_400;

/// Legacy: blocks until the subnet's next epoch; `u64::MAX` when tempo is 0 (never). The chain
/// adds `block + netuid + 1` wrapping, which the vectors pin at the top of the range.
pub fn legacy_blocks_until_next_epoch(netuid: u16, tempo: u16, block: u64) -> u64 {
    if tempo == 0 {
        return u64::MAX;
    }
    let phase = block.wrapping_add(u64::from(netuid)).wrapping_add(1) % (u64::from(tempo) + 1);
    u64::from(tempo) - phase
}

/// Legacy: whether the epoch runs at `block`: where the count of blocks until the next epoch is
/// 0 (subtensor's `should_run_epoch`), the last block of an epoch index. Spec §3.2's sentence
/// "(b + netuid + 1) mod (T + 1) = 0" is one block late: its own `blocks_until_next_epoch`
/// formula, the chain's code and the chain's doc table (tempo 100, netuid 0 → block 99) agree.
pub fn legacy_epoch_due(netuid: u16, tempo: u16, block: u64) -> bool {
    tempo != 0 && legacy_blocks_until_next_epoch(netuid, tempo, block) == 0
}

/// HEAD: blocks until the next epoch the tempo schedules, `max(0, LEB + T − b)`; `u64::MAX` when
/// tempo is 0.
pub fn blocks_until_next_auto_epoch(last_epoch_block: u64, tempo: u16, block: u64) -> u64 {
    if tempo == 0 {
        return u64::MAX;
    }
    last_epoch_block.saturating_add(u64::from(tempo)).saturating_sub(block)
}

/// What the HEAD scheduler decided for a subnet at a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EpochDecision {
    /// Not due.
    Wait,
    /// Due, but this block's epoch cap is used up: retried next block.
    Deferred,
    /// Run the epoch now.
    Run,
}

/// Which rule decides when epochs run: a protocol profile picks one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cadence {
    /// Every T blocks from `LastEpochBlock`, capped per block, with the safety net.
    Head,
    /// At blocks with `(b + netuid + 1) mod (T + 1) = T`, every due subnet in the same block.
    Legacy,
}

/// The scheduler state of one subnet (`LastEpochBlock`, `PendingEpochAt`, `BlocksSinceLastStep`,
/// `SubnetEpochIndex`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochScheduler {
    pub netuid: u16,
    pub cadence: Cadence,
    pub last_epoch_block: u64,
    /// A deferred epoch's block, 0 for none.
    pub pending_epoch_at: u64,
    pub blocks_since_last_step: u64,
    /// HEAD: counted up at each epoch. Legacy: the chain's `⌊(b + netuid + 1) / (T + 1)⌋`.
    pub epoch_index: u64,
}

impl EpochScheduler {
    /// A subnet created at `block`. Under the HEAD cadence it is staggered by its netuid so subnets
    /// of one tempo do not all run in the same block.
    pub fn new(netuid: u16, tempo: u16, block: u64, cadence: Cadence) -> Self {
        let stagger = if tempo == 0 { 0 } else { u64::from(netuid % tempo) };
        let mut scheduler = Self {
            netuid,
            cadence,
            last_epoch_block: block.saturating_sub(stagger),
            pending_epoch_at: 0,
            blocks_since_last_step: 0,
            epoch_index: 0,
        };
        if cadence == Cadence::Legacy {
            scheduler.epoch_index = legacy_epoch_index(netuid, tempo, block);
        }
        scheduler
    }

    /// Whether the epoch is due at `block`, before this block's cap is applied.
    pub fn due(&self, tempo: u16, block: u64) -> bool {
        match self.cadence {
            Cadence::Legacy => legacy_epoch_due(self.netuid, tempo, block),
            Cadence::Head => {
                tempo != 0
                    && ((self.pending_epoch_at > 0 && block >= self.pending_epoch_at)
                        || self.blocks_since_last_step > BLOCKS_SINCE_LAST_STEP_MAX
                        || block.saturating_sub(self.last_epoch_block) >= u64::from(tempo))
            }
        }
    }

    /// Blocks until the epoch the cadence schedules (0 in its block; `u64::MAX` for tempo 0).
    pub fn blocks_until_next_epoch(&self, tempo: u16, block: u64) -> u64 {
        match self.cadence {
            Cadence::Head => blocks_until_next_auto_epoch(self.last_epoch_block, tempo, block),
            Cadence::Legacy => legacy_blocks_until_next_epoch(self.netuid, tempo, block),
        }
    }

    /// The epoch a weight commit at `block` belongs to: the current index, plus one when the
    /// epoch is due this block (§5.2 look-ahead).
    pub fn commit_epoch(&self, tempo: u16, block: u64) -> u64 {
        self.current_epoch(tempo, block) + u64::from(self.due(tempo, block))
    }

    /// `SubnetEpochIndex` at `block` (legacy: computed from the block, as the chain did).
    pub fn current_epoch(&self, tempo: u16, block: u64) -> u64 {
        match self.cadence {
            Cadence::Head => self.epoch_index,
            Cadence::Legacy => legacy_epoch_index(self.netuid, tempo, block),
        }
    }

    /// One block of the scheduler: count the block, and if the epoch is due either defer it (the
    /// block's cap of epochs is used up; HEAD only) or run it. `epochs_run_this_block` counts
    /// epochs across the subnets of this block.
    pub fn on_block(
        &mut self,
        tempo: u16,
        block: u64,
        epochs_run_this_block: &mut u16,
        max_epochs_per_block: u16,
    ) -> EpochDecision {
        self.blocks_since_last_step = self.blocks_since_last_step.saturating_add(1);
        if !self.due(tempo, block) {
            return EpochDecision::Wait;
        }
        if self.cadence == Cadence::Head && *epochs_run_this_block >= max_epochs_per_block {
            self.pending_epoch_at = block + 1;
            return EpochDecision::Deferred;
        }
        *epochs_run_this_block = epochs_run_this_block.saturating_add(1);
        self.blocks_since_last_step = 0;
        self.last_epoch_block = block;
        self.pending_epoch_at = 0;
        self.epoch_index = match self.cadence {
            Cadence::Head => self.epoch_index + 1,
            Cadence::Legacy => legacy_epoch_index(self.netuid, tempo, block),
        };
        EpochDecision::Run
    }

    /// A runtime upgrade that changes the cadence at `block`. Into HEAD (the dynamic-tempo
    /// migration): `LastEpochBlock` becomes the block after the last legacy epoch, and the index
    /// carries on from the legacy one. Into legacy: the index is the legacy formula's.
    pub fn migrate(&mut self, cadence: Cadence, tempo: u16, block: u64) {
        if cadence == self.cadence {
            return;
        }
        if cadence == Cadence::Head && tempo != 0 {
            // As subtensor's migration: `b − ((b + netuid + 1) mod (T + 1))`, the block after the
            // last legacy epoch, so that `LastEpochBlock + T` is the next legacy epoch block and
            // the first HEAD epoch falls where the legacy one would have.
            let period = u64::from(tempo) + 1;
            let phase = block.wrapping_add(u64::from(self.netuid)).wrapping_add(1) % period;
            self.last_epoch_block = block.saturating_sub(phase);
            self.pending_epoch_at = 0;
        }
        // Either way the index is the one the chain had at this block: into HEAD `SubnetEpochIndex`
        // carries on from it (the field set at the last legacy epoch, on the last block of its
        // index, is one behind); into legacy it is the formula's.
        self.epoch_index = legacy_epoch_index(self.netuid, tempo, block);
        self.cadence = cadence;
    }
}

/// Legacy: the epoch index of §5.2, `⌊(b + netuid + 1) / (T + 1)⌋` (wrapping as the chain adds).
pub fn legacy_epoch_index(netuid: u16, tempo: u16, block: u64) -> u64 {
    block.wrapping_add(u64::from(netuid)).wrapping_add(1) / (u64::from(tempo) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vector_legacy_blocks_until_next_epoch() {
        let cases: [(u16, u16, u64, u64); 14] = [
            (1, 0, 100, u64::MAX),
            (1, 10, 5, 3),
            (2, 20, 15, 2),
            (3, 30, 25, 1),
            (65535, 65535, u64::MAX, 0),
            (65535, 65535, 0, 65535),
            (65535, 65535, u64::MAX - 1, 1),
            (1, 10, 9, 10),
            (2, 20, 21, 17),
            (2, 10, 5, 2),
            (3, 10, 5, 1),
            (1, 65534, 100, 65432),
            (1, 10, u64::MAX, 9),
            (1, 10, u64::MAX - 1, 10),
        ];
        for (netuid, tempo, block, want) in cases {
            assert_eq!(legacy_blocks_until_next_epoch(netuid, tempo, block), want, "{netuid} {tempo} {block}");
        }
        // The epoch runs where the count reaches 0 (subtensor's `should_run_epoch`), the block
        // before the count restarts at its tempo.
        assert!(legacy_epoch_due(1, 10, 8) && !legacy_epoch_due(1, 10, 9) && legacy_epoch_due(1, 10, 19));
        assert!(!legacy_epoch_due(1, 10, 20) && !legacy_epoch_due(1, 0, 19), "tempo 0 never runs");
    }

    #[test]
    fn the_legacy_first_epoch_blocks_are_the_chains_doc_table() {
        // subtensor's doc comment on `blocks_until_next_epoch`: (tempo, netuid, first epoch block).
        for (tempo, netuid, first) in [(1, 0, 0), (1, 1, 1), (2, 0, 1), (2, 1, 0), (100, 0, 99), (100, 1, 98)] {
            let found = (0..=200u64).find(|&block| legacy_epoch_due(netuid, tempo, block));
            assert_eq!(found, Some(first), "tempo {tempo}, netuid {netuid}");
        }
    }

    #[test]
    fn vector_head_blocks_until_next_auto_epoch() {
        let cases: [(u64, u16, u64, u64); 11] = [
            (0, 0, 100, u64::MAX),
            (0, 10, 5, 5),
            (0, 20, 15, 5),
            (0, 30, 25, 5),
            (0, 65535, u64::MAX, 0),
            (0, 65535, 0, 65535),
            (0, 65535, u64::MAX - 1, 0),
            (0, 10, 9, 1),
            (0, 20, 21, 0),
            (0, 65534, 100, 65434),
            (0, 10, u64::MAX, 0),
        ];
        for (last_epoch_block, tempo, block, want) in cases {
            assert_eq!(blocks_until_next_auto_epoch(last_epoch_block, tempo, block), want);
        }
    }

    /// Steps the scheduler of one subnet from `block` for `blocks` blocks, returning the new block.
    fn step(scheduler: &mut EpochScheduler, tempo: u16, block: u64, blocks: u64) -> u64 {
        for b in block + 1..=block + blocks {
            scheduler.on_block(tempo, b, &mut 0, 32);
        }
        block + blocks
    }

    #[test]
    fn vector_head_blocks_since_last_step_counter() {
        let tempo = 7_200;
        let mut scheduler = EpochScheduler::new(1, tempo, 0, Cadence::Head);
        let mut block = step(&mut scheduler, tempo, 0, 5);
        assert_eq!(scheduler.blocks_since_last_step, 5);
        let until = blocks_until_next_auto_epoch(scheduler.last_epoch_block, tempo, block);
        block = step(&mut scheduler, tempo, block, until + 10);
        assert_eq!(scheduler.blocks_since_last_step, 10);
        let until = blocks_until_next_auto_epoch(scheduler.last_epoch_block, tempo, block);
        block = step(&mut scheduler, tempo, block, until + 20);
        assert_eq!(scheduler.blocks_since_last_step, 20);
        step(&mut scheduler, tempo, block, 7);
        assert_eq!(scheduler.blocks_since_last_step, 27);
        assert_eq!(scheduler.epoch_index, 2);
    }

    #[test]
    fn the_cap_defers_to_the_next_block_and_the_period_is_tempo() {
        let mut a = EpochScheduler::new(0, 10, 0, Cadence::Head);
        let mut b = EpochScheduler::new(0, 10, 0, Cadence::Head);
        let mut runs = Vec::new();
        for block in 1..=30 {
            let mut used = 0;
            let decisions = [a.on_block(10, block, &mut used, 1), b.on_block(10, block, &mut used, 1)];
            for (subnet, decision) in decisions.into_iter().enumerate() {
                if decision == EpochDecision::Run {
                    runs.push((subnet, block));
                }
            }
        }
        // Both are due at 10; the cap of one lets a run and defers b to 11; then every 10 blocks.
        assert_eq!(runs, vec![(0, 10), (1, 11), (0, 20), (1, 21), (0, 30)]);
    }

    #[test]
    fn the_safety_net_runs_an_overdue_epoch() {
        // Tempo 65535 is longer than the net of 50 400 blocks, so the net sets the pace.
        let mut scheduler = EpochScheduler::new(0, 65_535, 0, Cadence::Head);
        let runs = (1..=110_000).filter(|&block| scheduler.on_block(65_535, block, &mut 0, 2) == EpochDecision::Run);
        let net = BLOCKS_SINCE_LAST_STEP_MAX + 1;
        assert_eq!(runs.collect::<Vec<_>>(), vec![net, 2 * net]);
    }

    #[test]
    fn legacy_cadence_runs_every_tempo_plus_one_blocks_uncapped() {
        let mut a = EpochScheduler::new(1, 10, 0, Cadence::Legacy);
        let mut b = EpochScheduler::new(12, 10, 0, Cadence::Legacy);
        let mut runs = Vec::new();
        for block in 1..=30 {
            let mut used = 0;
            for (subnet, scheduler) in [&mut a, &mut b].into_iter().enumerate() {
                if scheduler.on_block(10, block, &mut used, 1) == EpochDecision::Run {
                    runs.push((subnet, block, scheduler.epoch_index));
                }
            }
        }
        // netuid 1 and 12 share a phase mod 11: both run in the same block despite a cap of 1,
        // on the last block of an index (the epoch does not change the index; the next block does).
        assert_eq!(runs, vec![(0, 8, 0), (1, 8, 1), (0, 19, 1), (1, 19, 2), (0, 30, 2), (1, 30, 3)]);
        // The legacy index is a function of the block; a commit in an epoch block (30) belongs to
        // the index after it, as one in the next block (31) does.
        assert_eq!(a.commit_epoch(10, 29), 2);
        assert_eq!(a.commit_epoch(10, 30), 3);
        assert_eq!(a.commit_epoch(10, 31), 3);
    }

    #[test]
    fn migrating_to_head_keeps_the_phase() {
        let mut scheduler = EpochScheduler::new(1, 10, 0, Cadence::Legacy);
        step(&mut scheduler, 10, 0, 25);
        let index = scheduler.current_epoch(10, 25);
        scheduler.migrate(Cadence::Head, 10, 25);
        assert_eq!(scheduler.current_epoch(10, 25), index, "the index carries on: commits keep their epoch");
        // The legacy epochs ran at 8 and 19 and the next would run at 30: LastEpochBlock + T is it.
        assert_eq!(scheduler.last_epoch_block, 20);
        let runs: Vec<u64> =
            (26..=45).filter(|&block| scheduler.on_block(10, block, &mut 0, 2) == EpochDecision::Run).collect();
        assert_eq!(runs, vec![30, 40]);
        assert_eq!(scheduler.epoch_index, index + 2);
    }
}
