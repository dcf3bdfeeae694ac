//! Commit-reveal of weights (spec §5.2, §5.3): a validator commits to its weights in one epoch
//! and they reach the chain `reveal_period_epochs` epochs later, so nobody can copy them while
//! they are fresh.
//!
//! - v2 (hash): the commit is a hash; the validator reveals the payload in the reveal epoch.
//! - v3/v4 (timelocked): the commit is the payload sealed until a drand round; the chain opens it
//!   itself in the reveal epoch. Here the seal is modelled by timing alone: the chain applies the
//!   payload at the first block of the reveal epoch (every drand pulse is assumed on time).
//!
//! Epochs are `SubnetEpochIndex` values the caller passes in (with the look-ahead of §5.2 for
//! commits), so this module holds no clock. Commits are kept per UID: a replaced UID's queue goes
//! with its hotkey, whose commits can never be revealed again.

use std::collections::VecDeque;

use sha2::{Digest, Sha256};

use super::{CallError, Ingress, Metagraph, WeightsRefused};

/// The most unrevealed commits one hotkey may hold (subtensor's limit is 10).
pub const UNREVEALED_COMMITS_MAX: usize = 10;

/// A weights payload as committed: what `set_weights` would take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeightsPayload {
    pub dests: Vec<u16>,
    pub values: Vec<u16>,
    pub version_key: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Sealed {
    Hash([u8; 32]),
    Timelocked(WeightsPayload),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct WeightCommit {
    block: u64,
    epoch: u64,
    sealed: Sealed,
}

/// What the chain's reveal of timelocked commits did in one block, by UID in UID order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimelockedReveals {
    /// Commits opened and applied: the UID and the block that committed it.
    pub applied: Vec<(u16, u64)>,
    pub refused: Vec<(u16, CommitRefused)>,
}

/// Why the chain refuses a commit or a reveal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommitRefused {
    CommitRevealDisabled,
    /// A timelocked commit on a subnet of another commit-reveal version (or the reverse).
    WrongVersion {
        subnet_version: u16,
    },
    RateLimited {
        blocks_since_update: u64,
        limit: u64,
    },
    TooManyUnrevealed,
    NoMatchingCommit,
    RevealTooEarly {
        reveal_epoch: u64,
        epoch: u64,
    },
    CommitExpired {
        reveal_epoch: u64,
        epoch: u64,
    },
    /// The revealed weights fail a check of §5.1.
    Weights(WeightsRefused),
}

impl std::fmt::Display for CommitRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Self::CommitRevealDisabled => write!(f, "commit-reveal is off on this subnet: use set_weights"),
            Self::WrongVersion { subnet_version } => {
                write!(f, "the subnet runs commit-reveal version {subnet_version}")
            }
            Self::RateLimited { blocks_since_update, limit } => write!(
                f,
                "rate limited: {blocks_since_update} blocks since the last update < weights_set_rate_limit {limit}"
            ),
            Self::TooManyUnrevealed => write!(f, "{UNREVEALED_COMMITS_MAX} commits are already waiting to be revealed"),
            Self::NoMatchingCommit => write!(f, "no commit matches the revealed weights, salt and version key"),
            Self::RevealTooEarly { reveal_epoch, epoch } => {
                write!(f, "too early: the commit reveals in epoch {reveal_epoch}, this is epoch {epoch}")
            }
            Self::CommitExpired { reveal_epoch, epoch } => {
                write!(f, "expired: the commit was to be revealed in epoch {reveal_epoch}, this is epoch {epoch}")
            }
            Self::Weights(reason) => write!(f, "revealed weights refused: {reason}"),
        }
    }
}

impl From<WeightsRefused> for CommitRefused {
    fn from(reason: WeightsRefused) -> Self {
        Self::Weights(reason)
    }
}

impl From<CallError<WeightsRefused>> for CallError<CommitRefused> {
    fn from(error: CallError<WeightsRefused>) -> Self {
        match error {
            CallError::Refused(reason) => Self::Refused(reason.into()),
            CallError::Invalid(invalid) => Self::Invalid(invalid),
        }
    }
}

/// The commit hash of a v2 reveal. The chain hashes the SCALE encoding with Blake2-256 and the
/// hotkey's account; a hash never leaves the simulator, so any collision-resistant digest of the
/// same fields keeps the protocol's behaviour.
pub fn commit_hash(uid: u16, payload: &WeightsPayload, salt: &[u16]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(uid.to_le_bytes());
    for list in [&payload.dests[..], &payload.values[..], salt] {
        hasher.update((list.len() as u64).to_le_bytes());
        for value in list {
            hasher.update(value.to_le_bytes());
        }
    }
    hasher.update(payload.version_key.to_le_bytes());
    hasher.finalize().into()
}

/// The per-UID commit queues of a subnet, oldest first.
#[derive(Clone, Debug, Default)]
pub(super) struct CommitQueues {
    queues: Vec<VecDeque<WeightCommit>>,
    /// The block of each UID's earliest pending commit, `u64::MAX` for none: the input of the
    /// commit-reveal weight mask (§2.3.5), kept current so an epoch reads it without a scan.
    first_block: Vec<u64>,
}

impl CommitQueues {
    pub(super) fn with_uids(n: usize) -> Self {
        Self { queues: vec![VecDeque::new(); n], first_block: vec![u64::MAX; n] }
    }

    pub(super) fn push_uid(&mut self) {
        self.queues.push(VecDeque::new());
        self.first_block.push(u64::MAX);
    }

    pub(super) fn clear_uid(&mut self, uid: usize) {
        self.queues[uid].clear();
        self.first_block[uid] = u64::MAX;
    }

    pub(super) fn first_block(&self) -> &[u64] {
        &self.first_block
    }

    fn refresh(&mut self, uid: usize) {
        self.first_block[uid] = self.queues[uid].iter().map(|commit| commit.block).min().unwrap_or(u64::MAX);
    }

    /// Drops every commit whose reveal epoch is over.
    fn purge_expired(&mut self, uid: usize, epoch: u64, reveal_period: u64) {
        let before = self.queues[uid].len();
        self.queues[uid].retain(|commit| commit.epoch.saturating_add(reveal_period) >= epoch);
        if self.queues[uid].len() != before {
            self.refresh(uid);
        }
    }
}

impl Metagraph {
    /// The reveal period in epochs, as the chain clamps it (1..=100).
    fn reveal_period(&self) -> u64 {
        self.hyperparameters.reveal_period_epochs.clamp(1, 100)
    }

    fn check_commit(&self, uid: u16, block: u64, timelocked: bool) -> Result<usize, CallError<CommitRefused>> {
        let caller = self.check_uid(uid)?;
        let h = &self.hyperparameters;
        if !h.commit_reveal {
            return Err(CallError::Refused(CommitRefused::CommitRevealDisabled));
        }
        if timelocked != (h.commit_reveal_version >= 3) {
            return Err(CallError::Refused(CommitRefused::WrongVersion { subnet_version: h.commit_reveal_version }));
        }
        self.check_rate_limit(caller, block).map_err(|reason| match reason {
            WeightsRefused::RateLimited { blocks_since_update, limit } => {
                CallError::Refused(CommitRefused::RateLimited { blocks_since_update, limit })
            }
            other => unreachable!("the rate limit refuses only as RateLimited, not {other:?}"),
        })?;
        Ok(caller)
    }

    fn push_commit(&mut self, caller: usize, commit: WeightCommit) -> Result<(), CallError<CommitRefused>> {
        let reveal_period = self.reveal_period();
        self.commits.purge_expired(caller, commit.epoch, reveal_period);
        if self.commits.queues[caller].len() >= UNREVEALED_COMMITS_MAX {
            return Err(CallError::Refused(CommitRefused::TooManyUnrevealed));
        }
        // The commit keeps the validator active (§5.2): it is its weight-setting.
        self.last_update[caller] = commit.block;
        self.commits.queues[caller].push_back(commit);
        self.commits.refresh(caller);
        Ok(())
    }

    /// `commit_weights` (v2): commits `hash` at `block` in `epoch` (the look-ahead epoch index).
    pub fn commit_weights(
        &mut self,
        uid: u16,
        hash: [u8; 32],
        block: u64,
        epoch: u64,
    ) -> Result<(), CallError<CommitRefused>> {
        let caller = self.check_commit(uid, block, false)?;
        self.push_commit(caller, WeightCommit { block, epoch, sealed: Sealed::Hash(hash) })
    }

    /// `commit_timelocked_weights` (v3/v4): the payload is sealed until the reveal epoch, when the
    /// chain opens it ([`Self::reveal_timelocked`]).
    pub fn commit_timelocked_weights(
        &mut self,
        uid: u16,
        payload: WeightsPayload,
        block: u64,
        epoch: u64,
    ) -> Result<(), CallError<CommitRefused>> {
        let caller = self.check_commit(uid, block, true)?;
        self.push_commit(caller, WeightCommit { block, epoch, sealed: Sealed::Timelocked(payload) })
    }

    /// `reveal_weights` (v2) in `epoch`: the commit whose hash matches must be in its reveal epoch;
    /// it and every older commit are removed, and the weights are stored after the §5.1 checks
    /// (without touching `last_update`, which the commit set). A refused reveal changes nothing.
    pub fn reveal_weights(
        &mut self,
        uid: u16,
        payload: &WeightsPayload,
        salt: &[u16],
        block: u64,
        epoch: u64,
    ) -> Result<(), CallError<CommitRefused>> {
        let caller = self.check_uid(uid)?;
        if !self.hyperparameters.commit_reveal {
            return Err(CallError::Refused(CommitRefused::CommitRevealDisabled));
        }
        let hash = commit_hash(uid, payload, salt);
        let position = self.commits.queues[caller]
            .iter()
            .position(|commit| commit.sealed == Sealed::Hash(hash))
            .ok_or(CallError::Refused(CommitRefused::NoMatchingCommit))?;
        let reveal_epoch = self.commits.queues[caller][position].epoch.saturating_add(self.reveal_period());
        if epoch > reveal_epoch {
            return Err(CallError::Refused(CommitRefused::CommitExpired { reveal_epoch, epoch }));
        }
        if epoch < reveal_epoch {
            return Err(CallError::Refused(CommitRefused::RevealTooEarly { reveal_epoch, epoch }));
        }
        let row =
            self.checked_weights(uid, &payload.dests, &payload.values, payload.version_key, block, Ingress::Reveal)?;
        self.weights[caller] = row;
        self.commits.queues[caller].drain(..=position);
        self.commits.refresh(caller);
        Ok(())
    }

    /// The chain's own reveal of timelocked commits at a block of `epoch` (§3.3 step 3): every
    /// commit whose reveal epoch is `epoch` is opened and applied through the §5.1 checks; older
    /// ones are dropped. Returns what was applied and what refused, by UID in UID order.
    pub fn reveal_timelocked(&mut self, block: u64, epoch: u64) -> TimelockedReveals {
        let reveal_period = self.reveal_period();
        let (mut refused, mut applied) = (Vec::new(), Vec::new());
        for caller in 0..self.n() {
            if self.commits.queues[caller].is_empty() {
                continue;
            }
            let queue = std::mem::take(&mut self.commits.queues[caller]);
            let mut kept = VecDeque::with_capacity(queue.len());
            for commit in queue {
                let reveal_epoch = commit.epoch.saturating_add(reveal_period);
                match commit.sealed {
                    Sealed::Timelocked(payload) if reveal_epoch == epoch => {
                        let uid = caller as u16;
                        match self.open_timelocked(uid, &payload, block) {
                            Ok(row) => {
                                self.weights[caller] = row;
                                applied.push((uid, commit.block));
                            }
                            Err(reason) => refused.push((uid, reason)),
                        }
                    }
                    _ if reveal_epoch < epoch => {}
                    sealed => kept.push_back(WeightCommit { sealed, ..commit }),
                }
            }
            self.commits.queues[caller] = kept;
            self.commits.refresh(caller);
        }
        TimelockedReveals { applied, refused }
    }

    /// The §5.1 checks of an opened timelocked payload. It was sealed when committed, so a UID
    /// that does not exist is the chain's refusal here, not a caller's mistake.
    fn open_timelocked(
        &self,
        uid: u16,
        payload: &WeightsPayload,
        block: u64,
    ) -> Result<Vec<(u16, u16)>, CommitRefused> {
        if let Some(&dest) = payload.dests.iter().find(|&&dest| usize::from(dest) >= self.n()) {
            return Err(CommitRefused::Weights(WeightsRefused::UnknownDest { uid: dest, n: self.n() }));
        }
        let checked =
            self.checked_weights(uid, &payload.dests, &payload.values, payload.version_key, block, Ingress::Reveal);
        match checked {
            Ok(row) => Ok(row),
            Err(CallError::Refused(reason)) => Err(CommitRefused::Weights(reason)),
            Err(CallError::Invalid(invalid)) => unreachable!("caller and dests were checked: {invalid}"),
        }
    }

    /// Drops every commit past its reveal epoch; the chain calls it when the epoch index moves.
    pub fn purge_expired_commits(&mut self, epoch: u64) {
        let reveal_period = self.reveal_period();
        for uid in 0..self.n() {
            self.commits.purge_expired(uid, epoch, reveal_period);
        }
    }

    /// Commits waiting to be revealed, per UID.
    pub fn pending_commits(&self) -> impl Iterator<Item = usize> + '_ {
        self.commits.queues.iter().map(VecDeque::len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hyperparameters::Hyperparameters;
    use crate::metagraph::NeuronInit;

    fn payload(dests: &[u16], values: &[u16]) -> WeightsPayload {
        WeightsPayload { dests: dests.to_vec(), values: values.to_vec(), version_key: 0 }
    }

    /// Three UIDs; uid 0 holds the stake and (after one epoch) the permit.
    fn subnet(version: u16) -> Metagraph {
        let h = Hyperparameters {
            commit_reveal: true,
            commit_reveal_version: version,
            weights_set_rate_limit: 5,
            ..Hyperparameters::default()
        };
        let neuron = |stake_rao| NeuronInit { stake_rao, registered_at: 1, last_update: 1 };
        let mut s = Metagraph::new(h, &[neuron(1_000), neuron(0), neuron(0)]).unwrap();
        s.run_epoch(2, 0);
        s
    }

    fn refusal<T: std::fmt::Debug>(result: Result<T, CallError<CommitRefused>>) -> CommitRefused {
        match result {
            Err(CallError::Refused(reason)) => reason,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn hash_commit_reveals_in_its_reveal_epoch_only() {
        let mut s = subnet(2);
        let weights = payload(&[1, 2], &[3, 1]);
        let salt = [7, 7];
        s.commit_weights(0, commit_hash(0, &weights, &salt), 10, 5).unwrap();
        assert_eq!(s.last_update[0], 10, "the commit is the validator's update");
        assert_eq!(s.commits.first_block(), &[10, u64::MAX, u64::MAX]);

        let early = refusal(s.reveal_weights(0, &weights, &salt, 12, 5));
        assert_eq!(early, CommitRefused::RevealTooEarly { reveal_epoch: 6, epoch: 5 });
        assert_eq!(refusal(s.reveal_weights(0, &weights, &[7], 20, 6)), CommitRefused::NoMatchingCommit);
        let late = refusal(s.reveal_weights(0, &weights, &salt, 30, 7));
        assert_eq!(late, CommitRefused::CommitExpired { reveal_epoch: 6, epoch: 7 });

        s.reveal_weights(0, &weights, &salt, 20, 6).unwrap();
        assert_eq!(s.weights()[0], vec![(1, 65535), (2, 21845)]);
        assert_eq!(s.last_update[0], 10, "a reveal leaves last_update alone");
        assert_eq!(s.pending_commits().sum::<usize>(), 0);
        assert_eq!(s.commits.first_block()[0], u64::MAX);
    }

    #[test]
    fn revealing_a_commit_discards_the_older_ones_and_the_queue_is_bounded() {
        let mut s = subnet(2);
        let hash = |value: u16| commit_hash(0, &payload(&[1], &[value]), &[]);
        for value in 0..UNREVEALED_COMMITS_MAX as u16 {
            s.commit_weights(0, hash(value), 10 + 5 * u64::from(value), 3).unwrap();
        }
        assert_eq!(refusal(s.commit_weights(0, hash(99), 100, 3)), CommitRefused::TooManyUnrevealed);
        // Rate limit: 5 blocks since the last commit at 55.
        assert!(matches!(refusal(s.commit_weights(0, hash(99), 59, 3)), CommitRefused::RateLimited { .. }));
        s.reveal_weights(0, &payload(&[1], &[4]), &[], 70, 4).unwrap();
        assert_eq!(s.pending_commits().next(), Some(5), "commits 0..=4 are gone");
        // In the next epoch every remaining commit has expired and is purged.
        s.purge_expired_commits(5);
        assert_eq!(s.pending_commits().next(), Some(0));
        // The commit of a new epoch is accepted again.
        s.commit_weights(0, hash(99), 100, 5).unwrap();
    }

    #[test]
    fn commits_are_refused_when_commit_reveal_is_off_or_of_the_other_version() {
        let mut s = subnet(4);
        let hash = commit_hash(0, &payload(&[1], &[1]), &[]);
        assert_eq!(refusal(s.commit_weights(0, hash, 10, 1)), CommitRefused::WrongVersion { subnet_version: 4 });
        s.hyperparameters.commit_reveal = false;
        let off = refusal(s.commit_timelocked_weights(0, payload(&[1], &[1]), 10, 1));
        assert_eq!(off, CommitRefused::CommitRevealDisabled);
    }

    #[test]
    fn timelocked_commits_apply_at_their_reveal_epoch() {
        let mut s = subnet(4);
        s.commit_timelocked_weights(0, payload(&[1, 2], &[1, 1]), 10, 3).unwrap();
        s.commit_timelocked_weights(1, payload(&[1, 2], &[1, 1]), 11, 3).unwrap(); // no permit
        s.commit_timelocked_weights(2, payload(&[9], &[1]), 12, 3).unwrap(); // no such UID
        assert_eq!(s.reveal_timelocked(20, 3), TimelockedReveals::default());
        assert!(s.weights()[0].is_empty());

        let TimelockedReveals { applied, refused } = s.reveal_timelocked(30, 4);
        assert_eq!(applied, [(0, 10)], "UID 0's commit of block 10");
        assert_eq!(s.weights()[0], vec![(1, 65535), (2, 65535)]);
        assert_eq!(refused.len(), 2);
        assert_eq!(refused[0], (1, CommitRefused::Weights(WeightsRefused::NoValidatorPermit { uid: 1 })));
        assert_eq!(refused[1], (2, CommitRefused::Weights(WeightsRefused::UnknownDest { uid: 9, n: 3 })));
        assert_eq!(s.pending_commits().sum::<usize>(), 0);
        assert_eq!(s.last_update[0], 10);
    }

    #[test]
    fn a_pending_commit_masks_weights_to_uids_registered_after_it() {
        let mut s = subnet(2);
        s.weights[0] = vec![(1, 65535), (2, 65535)];
        s.commit_weights(0, [1; 32], 20, 1).unwrap();
        s.register(2, 0, 25).unwrap();
        s.weights[0] = vec![(1, 65535), (2, 65535)]; // as if revealed since
        s.commit_weights(0, [2; 32], 30, 1).unwrap();
        // last_update 30 > registration 25, so the outdated mask keeps (0, 2); the earliest
        // pending commit (20) predates uid 2, so the commit-reveal mask removes it.
        assert_eq!(s.run_epoch(31, 1_000).incentive, vec![0, 65535, 0]);
        s.commits.clear_uid(0);
        assert_eq!(s.run_epoch(32, 1_000).incentive, vec![0, 32767, 32767]);
    }
}
