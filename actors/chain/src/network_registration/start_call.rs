//! `start_call` (subnets spec §2.8): the owner starts a registered subnet's emission.

use crate::accounts::ColdkeyId;
use crate::state::Chain;

/// Why the chain refuses `start_call`, in the order of §2.8.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartCallRefused {
    SubnetNotExists,
    /// Not signed by the owner coldkey (root is not accepted either).
    BadOrigin,
    FirstEmissionBlockNumberAlreadySet,
    /// Before `NetworkRegisteredAt + StartCallDelay` (the chain's `NeedWaitingMoreBlocksToStarCall`).
    NeedWaitingMoreBlocksToStartCall {
        from_block: u64,
    },
}

impl std::fmt::Display for StartCallRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Self::SubnetNotExists => write!(f, "SubnetNotExists"),
            Self::BadOrigin => write!(f, "BadOrigin: only the subnet owner may start it"),
            Self::FirstEmissionBlockNumberAlreadySet => write!(f, "FirstEmissionBlockNumberAlreadySet"),
            Self::NeedWaitingMoreBlocksToStartCall { from_block } => {
                write!(f, "NeedWaitingMoreBlocksToStarCall: allowed from block {from_block}")
            }
        }
    }
}

impl Chain {
    /// `start_call` (§2.8): `FirstEmissionBlockNumber = b + 1`, so the subnet is in the emit set
    /// from the next block's coinbase on (this block's already ran).
    pub fn start_call(&mut self, coldkey: ColdkeyId, netuid: u16) -> Result<(), StartCallRefused> {
        if !self.subnet_exists(netuid) {
            return Err(StartCallRefused::SubnetNotExists);
        }
        let block = self.block;
        let delay_blocks = self.network_registration.start_call_delay_blocks;
        let subnet = self.subnet_mut(netuid);
        if subnet.owner_coldkey != coldkey {
            return Err(StartCallRefused::BadOrigin);
        }
        if subnet.first_emission_block.is_some() {
            return Err(StartCallRefused::FirstEmissionBlockNumberAlreadySet);
        }
        let from_block = subnet.registered_at_block.saturating_add(delay_blocks);
        if block < from_block {
            return Err(StartCallRefused::NeedWaitingMoreBlocksToStartCall { from_block });
        }
        subnet.first_emission_block = Some(block + 1);
        Ok(())
    }
}
