//! Weights extrinsics on the living chain (spec §5): the hotkey-signed calls, resolved to a UID,
//! and given the block and the epoch index that the subnet's metagraph rules need.

use super::accounts::HotkeyId;
use super::metagraph::{CallError, CommitRefused, InvalidCall, WeightsPayload};
use super::schedule::Cadence;
use super::state::Chain;

/// Why a weights call fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WeightsCallError {
    NoSuchSubnet {
        netuid: u16,
    },
    /// The hotkey holds no UID on the subnet.
    NotRegistered,
    Refused(CommitRefused),
    Invalid(InvalidCall),
}

impl std::fmt::Display for WeightsCallError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Self::NoSuchSubnet { netuid } => write!(f, "subnet {netuid} does not exist"),
            Self::NotRegistered => write!(f, "the hotkey is not registered on the subnet"),
            Self::Refused(CommitRefused::Weights(reason)) => write!(f, "{reason}"),
            Self::Refused(reason) => write!(f, "{reason}"),
            Self::Invalid(invalid) => write!(f, "{invalid}"),
        }
    }
}

impl<R: Into<CommitRefused>> From<CallError<R>> for WeightsCallError {
    fn from(error: CallError<R>) -> Self {
        match error {
            CallError::Refused(reason) => Self::Refused(reason.into()),
            CallError::Invalid(invalid) => Self::Invalid(invalid),
        }
    }
}

/// Which weights call.
pub enum WeightsCall<'a> {
    Set(&'a WeightsPayload),
    /// v2: the hash of the payload and salt.
    Commit([u8; 32]),
    /// v3/v4: the sealed payload.
    CommitTimelocked(WeightsPayload),
    /// v2: the payload and salt of an earlier commit.
    Reveal(&'a WeightsPayload, &'a [u16]),
}

/// A timelocked commit opened: (netuid, uid, the block it was committed at).
pub(super) type RevealApplied = (u16, u16, u64);
/// A timelocked commit that could not be opened: (netuid, uid, why).
pub(super) type RevealRefused = (u16, u16, CommitRefused);

impl Chain {
    /// A weights call signed by `hotkey` on `netuid` at the current block.
    pub fn weights_call(&mut self, hotkey: HotkeyId, netuid: u16, call: WeightsCall) -> Result<(), WeightsCallError> {
        if !self.subnet_exists(netuid) {
            return Err(WeightsCallError::NoSuchSubnet { netuid });
        }
        // The stake check reads the stake of now, not of the last epoch.
        self.refresh_stake_weights(netuid);
        let block = self.block;
        let subnet = self.subnet_mut(netuid);
        let uid = subnet.uid_of(hotkey).ok_or(WeightsCallError::NotRegistered)?;
        let tempo = subnet.metagraph.hyperparameters.tempo;
        let look_ahead = subnet.scheduler.commit_epoch(tempo, block);
        // Before dynamic tempo, hash commits and their reveals read the index of the block as it
        // stands (`get_epoch_index`); only timelocked commits looked ahead.
        let hash_epoch = match subnet.scheduler.cadence {
            Cadence::Head => look_ahead,
            Cadence::Legacy => subnet.scheduler.current_epoch(tempo, block),
        };
        let metagraph = &mut subnet.metagraph;
        match call {
            WeightsCall::Set(payload) => {
                metagraph.set_weights(uid, &payload.dests, &payload.values, payload.version_key, block)?;
            }
            WeightsCall::Commit(hash) => metagraph.commit_weights(uid, hash, block, hash_epoch)?,
            WeightsCall::CommitTimelocked(payload) => {
                metagraph.commit_timelocked_weights(uid, payload, block, look_ahead)?
            }
            WeightsCall::Reveal(payload, salt) => metagraph.reveal_weights(uid, payload, salt, block, hash_epoch)?,
        }
        Ok(())
    }

    /// §3.3 step 3: every subnet opens the timelocked commits due in its epoch. At HEAD the epoch
    /// is looked ahead (`current_epoch_with_lookahead`): a subnet whose epoch runs this block
    /// reveals the commits of the epoch about to fire, so that it counts them, and one the
    /// per-block cap will defer reveals nothing until it runs. The legacy cadence reads the index
    /// as it stands.
    /// Returns the reveals applied (netuid, uid, commit block) and refused (netuid, uid, why).
    pub(super) fn reveal_timelocked_commits(&mut self, block: u64) -> (Vec<RevealApplied>, Vec<RevealRefused>) {
        let epochs_max = self.params.max_epochs_per_block;
        let mut epochs_due = 0u16;
        let (mut applied, mut refused) = (Vec::new(), Vec::new());
        for subnet in &mut self.subnets {
            let h = &subnet.metagraph.hyperparameters;
            let scheduler = &subnet.scheduler;
            // Every subnet due this block takes a place under the cap, commit-reveal or not.
            let epoch = match scheduler.cadence {
                Cadence::Legacy => scheduler.current_epoch(h.tempo, block),
                // Read before this block is counted, as upstream's pre-pass reads `BlocksSinceLastStep`.
                Cadence::Head if !scheduler.due(h.tempo, block) => scheduler.epoch_index,
                Cadence::Head if epochs_due >= epochs_max => continue,
                Cadence::Head => {
                    epochs_due += 1;
                    scheduler.epoch_index + 1
                }
            };
            if !h.commit_reveal || h.commit_reveal_version < 3 {
                continue;
            }
            let netuid = subnet.netuid;
            let reveals = subnet.metagraph.reveal_timelocked(block, epoch);
            applied.extend(reveals.applied.into_iter().map(|(uid, committed)| (netuid, uid, committed)));
            refused.extend(reveals.refused.into_iter().map(|(uid, reason)| (netuid, uid, reason)));
        }
        (applied, refused)
    }
}
