//! The chain as a node of the network: it produces a block every block time (or later, when the
//! scenario stalls or slows its producer), includes the extrinsics that reached it since the last
//! block in arrival order, answers each sender with the outcome, and answers metagraph syncs.
//!
//! Block `b` runs as subtensor's does: the block step first (coinbase, epochs, reveals), then the
//! block's extrinsics, the subnet owners' hyperparameter calls scheduled at `b`, then the runtime
//! upgrades scheduled at `b` (in force from `b + 1`).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::protocol::{
    Actor, BlockRecord, ChainView, EpochFacts, Extrinsic, Message, NeuronView, NodeId, Observation, Outbox,
    OwnerActionFacts, RegistrationFacts, RevealFacts, TimeUs,
};
use tensorsim_chain::accounts::{ColdkeyId, HotkeyId};
use tensorsim_chain::hyperparameter_calls::{Origin, SetHyperparameter};
use tensorsim_chain::hyperparameters::Hyperparameters;
use tensorsim_chain::metagraph::{UNREVEALED_COMMITS_MAX, WeightsPayload, commit_hash};
use tensorsim_chain::profile::{Profile, Tokenomics};
use tensorsim_chain::state::Chain;
use tensorsim_chain::weights::WeightsCall;
use tensorsim_chain::yuma::EpochOutput;

/// Extrinsics waiting for the next block; beyond this the chain refuses more (a full pool).
pub const MEMPOOL_MAX: usize = 65_536;

/// A hash commit the chain holds: the block it landed in, and the hash.
type HashCommitAt = (u64, [u8; 32]);

/// The producer slows down or stalls from `at_block` on (until `until_block`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerFault {
    pub at_block: u64,
    /// The next block comes this much later than it would.
    pub stall_us: u64,
    /// The block time from `at_block` to `until_block`.
    pub block_time_us: Option<u64>,
    pub until_block: Option<u64>,
}

/// A runtime upgrade at the end of `at_block`: a new profile, and hyperparameters per subnet.
#[derive(Clone, Debug)]
pub struct Upgrade {
    pub at_block: u64,
    pub profile: Option<&'static Profile>,
    /// By netuid: the full hyperparameters after the upgrade.
    pub hyperparameters: Vec<(u16, Hyperparameters)>,
}

/// A subnet owner's hyperparameter call at `at_block` (included after that block's extrinsics),
/// signed by whoever owns the subnet then.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnerAction {
    pub at_block: u64,
    pub netuid: u16,
    pub call: SetHyperparameter,
}

pub struct ChainNode {
    chain: Chain,
    block_time_us: u64,
    /// Who signs for a node, and where each hotkey serves.
    signers: BTreeMap<NodeId, (ColdkeyId, HotkeyId)>,
    axons: BTreeMap<HotkeyId, NodeId>,
    mempool: Vec<(NodeId, u64, Extrinsic)>,
    producer_faults: Vec<ProducerFault>,
    upgrades: Vec<Upgrade>,
    /// In block order (stable: a block's in the scenario's order).
    owner_actions: Vec<OwnerAction>,
    next_block_us: TimeUs,
    /// Each hotkey's hash commits the chain holds, oldest first, with their blocks: a reveal's
    /// lag is read here (the chain keeps at most `UNREVEALED_COMMITS_MAX`, so do we).
    hash_commits: BTreeMap<(u16, HotkeyId), Vec<HashCommitAt>>,
    /// The views syncs got since the last block, by (netuid, with weights): the chain changes
    /// only when it produces a block, so every sync until then shares one view.
    views: BTreeMap<(u16, bool), Arc<ChainView>>,
}

/// What a block's extrinsics did that the report follows.
#[derive(Default)]
struct Included {
    registrations: Vec<RegistrationFacts>,
    reveals: Vec<RevealFacts>,
}

impl ChainNode {
    /// A node serving `chain` (at its genesis): `signers` maps nodes to their keys, `axons`
    /// hotkeys to where they serve.
    pub fn new(
        chain: Chain,
        block_time_us: u64,
        signers: BTreeMap<NodeId, (ColdkeyId, HotkeyId)>,
        axons: BTreeMap<HotkeyId, NodeId>,
        mut producer_faults: Vec<ProducerFault>,
        mut upgrades: Vec<Upgrade>,
    ) -> Self {
        assert!(block_time_us > 0, "a positive block time");
        producer_faults.sort_by_key(|f| f.at_block);
        upgrades.sort_by_key(|u| u.at_block);
        Self {
            chain,
            block_time_us,
            signers,
            axons,
            mempool: Vec::new(),
            producer_faults,
            upgrades,
            owner_actions: Vec::new(),
            next_block_us: 0,
            hash_commits: BTreeMap::new(),
            views: BTreeMap::new(),
        }
    }

    /// The node with owners' hyperparameter calls to include at their blocks.
    pub fn with_owner_actions(mut self, mut owner_actions: Vec<OwnerAction>) -> Self {
        owner_actions.sort_by_key(|action| action.at_block);
        self.owner_actions = owner_actions;
        self
    }

    /// The owners' calls due by `block`, each signed by the subnet's owner then, through the
    /// chain's checks.
    fn apply_owner_actions(&mut self, block: u64) -> Vec<OwnerActionFacts> {
        let due = self.owner_actions.iter().take_while(|action| action.at_block <= block).count();
        let mut facts = Vec::with_capacity(due);
        for action in self.owner_actions.drain(..due) {
            let netuid = action.netuid;
            let verdict = if self.chain.subnet_exists(netuid) {
                let owner = Origin::Signed(self.chain.subnet(netuid).owner_coldkey);
                self.chain.set_hyperparameter(owner, netuid, &action.call).map_err(|refused| refused.to_string())
            } else {
                Err("SubnetNotExists".to_string())
            };
            facts.push(OwnerActionFacts { netuid, call: action.call, verdict });
        }
        facts
    }

    /// The block time in force after `block`, and the stall before the next one.
    fn next_interval_us(&self, block: u64) -> u64 {
        let mut interval = self.block_time_us;
        for fault in &self.producer_faults {
            let in_force = fault.at_block <= block && fault.until_block.is_none_or(|until| block < until);
            if let (true, Some(slow)) = (in_force, fault.block_time_us) {
                interval = slow;
            }
            if fault.at_block == block {
                interval += fault.stall_us;
            }
        }
        interval
    }

    /// Applies one extrinsic; a registration or a reveal it makes goes to `included`.
    fn apply(&mut self, from: NodeId, call: &Extrinsic, included: &mut Included) -> Result<(), String> {
        let &(coldkey, hotkey) = self.signers.get(&from).ok_or("the sender has no key")?;
        let payload = |dests: &[u16], values: &[u16], version_key: u64| WeightsPayload {
            dests: dests.to_vec(),
            values: values.to_vec(),
            version_key,
        };
        match call {
            Extrinsic::SetWeights { netuid, dests, values, version_key } => self
                .chain
                .weights_call(hotkey, *netuid, WeightsCall::Set(&payload(dests, values, *version_key)))
                .map_err(|e| e.to_string()),
            Extrinsic::CommitTimelocked { netuid, dests, values, version_key } => self
                .chain
                .weights_call(hotkey, *netuid, WeightsCall::CommitTimelocked(payload(dests, values, *version_key)))
                .map_err(|e| e.to_string()),
            Extrinsic::CommitHash { netuid, hash } => {
                self.chain.weights_call(hotkey, *netuid, WeightsCall::Commit(*hash)).map_err(|e| e.to_string())?;
                let commits = self.hash_commits.entry((*netuid, hotkey)).or_default();
                commits.push((self.chain.block, *hash));
                let expired = commits.len().saturating_sub(UNREVEALED_COMMITS_MAX);
                commits.drain(..expired);
                Ok(())
            }
            Extrinsic::RevealWeights { netuid, dests, values, version_key, salt } => {
                let payload = payload(dests, values, *version_key);
                self.chain
                    .weights_call(hotkey, *netuid, WeightsCall::Reveal(&payload, salt))
                    .map_err(|e| e.to_string())?;
                included.reveals.extend(self.hash_revealed(*netuid, hotkey, &payload, salt));
                Ok(())
            }
            Extrinsic::Register { netuid, axon } => {
                let (hotkeys, burn_rao) =
                    (self.chain.subnet(*netuid).hotkeys.clone(), self.chain.subnet(*netuid).burn_rao);
                let uid = self.chain.burned_register(coldkey, hotkey, *netuid).map_err(|e| e.to_string())?;
                let replaced = hotkeys.get(usize::from(uid)).copied();
                included.registrations.push(RegistrationFacts { netuid: *netuid, uid, hotkey, replaced, burn_rao });
                self.axons.insert(hotkey, *axon);
                Ok(())
            }
        }
    }

    /// The hash commit a reveal the chain accepted opened (it and the older ones leave, as on
    /// chain), as a reveal with its commit's block.
    fn hash_revealed(
        &mut self,
        netuid: u16,
        hotkey: HotkeyId,
        payload: &WeightsPayload,
        salt: &[u16],
    ) -> Option<RevealFacts> {
        let uid = self.chain.subnet(netuid).uid_of(hotkey)?;
        let hash = commit_hash(uid, payload, salt);
        let commits = self.hash_commits.get_mut(&(netuid, hotkey))?;
        let position = commits.iter().position(|(_, committed)| *committed == hash)?;
        let commit_block = commits[position].0;
        commits.drain(..=position);
        Some(RevealFacts { netuid, uid, commit_block, by_extrinsic: true })
    }

    /// An epoch that just ran, with the subnet around it.
    fn epoch_facts(&self, netuid: u16, output: EpochOutput) -> EpochFacts {
        let subnet = self.chain.subnet(netuid);
        EpochFacts {
            netuid,
            output,
            hotkeys: subnet.hotkeys.clone(),
            hyperparameters: subnet.metagraph.hyperparameters.clone(),
            pays_alpha: self.chain.profile().tokenomics == Tokenomics::Dtao,
            pool_tao_rao: subnet.pool.tao_rao,
            pool_alpha_rao: subnet.pool.alpha_rao,
            ema_price: subnet.ema_price.to_num::<f64>(),
        }
    }

    fn produce_block(&mut self, now_us: TimeUs, out: &mut Outbox) {
        self.views.clear();
        let report = self.chain.step_block();
        let block = report.block;
        let epochs = report.epochs.into_iter().map(|(netuid, output)| self.epoch_facts(netuid, output)).collect();
        let mut included = Included::default();
        included.reveals.extend(report.reveals.iter().map(|&(netuid, uid, commit_block)| RevealFacts {
            netuid,
            uid,
            commit_block,
            by_extrinsic: false,
        }));
        for (from, nonce, call) in std::mem::take(&mut self.mempool) {
            let outcome = self.apply(from, &call, &mut included);
            out.send(from, Message::Included { nonce, block, outcome });
        }
        let owner_actions = self.apply_owner_actions(block);
        while self.upgrades.first().is_some_and(|u| u.at_block <= block) {
            let upgrade = self.upgrades.remove(0);
            if let Some(profile) = upgrade.profile {
                self.chain.runtime_upgrade(profile);
            }
            for (netuid, hyperparameters) in upgrade.hyperparameters {
                self.chain.set_hyperparameters(netuid, hyperparameters).expect("validated with the scenario");
            }
        }
        out.observe(Observation::Block(Box::new(BlockRecord {
            block,
            at_us: now_us,
            total_issuance_rao: self.chain.total_issuance_rao,
            epochs,
            registrations: included.registrations,
            reveals: included.reveals,
            conservation_error: self.chain.conservation().err().map(|e| e.0),
            owner_actions,
        })));
        self.next_block_us = now_us + self.next_interval_us(block);
    }

    /// The metagraph `netuid` shows now; `None` for a subnet that does not exist.
    pub fn view(&self, netuid: u16, with_weights: bool) -> Option<ChainView> {
        if !self.chain.subnet_exists(netuid) {
            return None;
        }
        let subnet = self.chain.subnet(netuid);
        let metagraph = &subnet.metagraph;
        let outputs = metagraph.outputs();
        let neurons = subnet
            .hotkeys
            .iter()
            .enumerate()
            .map(|(uid, &hotkey)| NeuronView {
                hotkey,
                axon: self.axons.get(&hotkey).copied(),
                registered_at: metagraph.registered_at()[uid],
                last_update: metagraph.last_update()[uid],
                validator_permit: metagraph.validator_permit()[uid],
                consensus: outputs.consensus[uid],
                incentive: outputs.incentive[uid],
            })
            .collect();
        let h = &metagraph.hyperparameters;
        Some(ChainView {
            block: self.chain.block,
            netuid,
            tempo: h.tempo,
            commit_reveal: h.commit_reveal,
            commit_reveal_version: h.commit_reveal_version,
            reveal_period_epochs: h.reveal_period_epochs,
            epoch_index: subnet.scheduler.current_epoch(h.tempo, self.chain.block),
            weights_version_key: h.weights_version_key,
            weights_set_rate_limit: h.weights_set_rate_limit,
            neurons,
            weights: with_weights.then(|| metagraph.weights().to_vec()),
        })
    }
}

impl Actor for ChainNode {
    fn on_start(&mut self, now_us: TimeUs, _out: &mut Outbox) {
        self.next_block_us = now_us + self.block_time_us;
    }

    fn on_message(&mut self, _now_us: TimeUs, from: NodeId, message: Message, out: &mut Outbox) {
        match message {
            Message::Submit { nonce, call } => {
                if self.mempool.len() >= MEMPOOL_MAX {
                    let outcome = Err("the transaction pool is full".to_string());
                    out.send(from, Message::Included { nonce, block: self.chain.block, outcome });
                } else {
                    self.mempool.push((from, nonce, call));
                }
            }
            Message::SyncRequest { netuid, weights } => {
                let view = match self.views.get(&(netuid, weights)) {
                    Some(view) => Some(view.clone()),
                    None => self.view(netuid, weights).map(Arc::new),
                };
                if let Some(view) = view {
                    self.views.insert((netuid, weights), view.clone());
                    out.send(from, Message::Sync(view));
                }
            }
            Message::Query(_) | Message::Answer { .. } | Message::Included { .. } | Message::Sync(_) => {}
        }
    }

    fn on_timer(&mut self, now_us: TimeUs, out: &mut Outbox) {
        self.produce_block(now_us, out);
    }

    fn next_timer_us(&self) -> Option<TimeUs> {
        Some(self.next_block_us)
    }
}
