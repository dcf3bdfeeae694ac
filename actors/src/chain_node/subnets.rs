//! The scenario's subnets on the chain node: the netuid each holds while it lives; a subnet that
//! appears mid-run, registered by its owner through the chain's `register_network` (the lock, the
//! rate limit, a prune at the subnet limit) and started with `start_call`; and its actors joining
//! once it exists, registered as the chain allows them.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::schedule::take_due;
use crate::protocol::{NetworkFacts, NodeId, RegistrationFacts};
use tensorsim_chain::accounts::{ColdkeyId, HotkeyId};
use tensorsim_chain::hyperparameters::Hyperparameters;
use tensorsim_chain::state::Chain;

/// A subnet of the scenario, by its place there, as the chain node follows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScenarioSubnet {
    /// Its owner's keys: they sign its registration and its owner's calls.
    pub owner: (ColdkeyId, HotkeyId),
    /// The netuid it holds while it lives (a genesis subnet from the start).
    pub netuid: Option<u16>,
}

/// The scenario's hyperparameters over what the chain gives a new subnet (what its netuid kept
/// included); `Err` says why they do not fit.
pub type ConfigureFn = dyn Fn(&Hyperparameters) -> Result<Hyperparameters, String> + Send + Sync;

/// [`ConfigureFn`], shareable and printable.
#[derive(Clone)]
pub struct Configure(pub Arc<ConfigureFn>);

impl std::fmt::Debug for Configure {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("Configure")
    }
}

/// A subnet its owner registers at `at_block` (after the block's extrinsics).
#[derive(Clone, Debug)]
pub struct SubnetRegistration {
    pub at_block: u64,
    pub subnet: usize,
    /// Set by root right after the registration: a scenario's configuration, not an owner's call.
    pub configure: Configure,
    /// The scenario's stake cap for it (a what-if, not a call of the chain's).
    pub stake_cap_percentile: Option<u8>,
    /// The actors a genesis subnet would have registered at genesis, in that order.
    pub joiners: Vec<Joiner>,
}

/// An actor of a subnet registered mid-run, which joins once the subnet exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Joiner {
    pub node: NodeId,
    /// TAO a validator stakes, bought through the subnet's pool once registered.
    pub stake_tao_rao: u64,
    /// A miner serves at its node (its axon).
    pub serves: bool,
}

/// The scenario's subnets as the chain node follows them: each one's netuid, the registrations
/// due, and the actors waiting to join.
#[derive(Debug, Default)]
pub(super) struct Subnets {
    subnets: Vec<ScenarioSubnet>,
    /// In block order.
    registrations: Vec<SubnetRegistration>,
    /// Actors of a registered subnet not registered on it yet, in order, by subnet.
    joining: Vec<(usize, Joiner)>,
}

/// What the joiners of one block did.
#[derive(Debug, Default)]
pub(super) struct Admitted {
    pub registrations: Vec<RegistrationFacts>,
    /// Where the miners that joined serve.
    pub axons: Vec<(HotkeyId, NodeId)>,
    pub network: Vec<NetworkFacts>,
}

impl Subnets {
    pub(super) fn new(subnets: Vec<ScenarioSubnet>) -> Self {
        Self { subnets, registrations: Vec::new(), joining: Vec::new() }
    }

    pub(super) fn set_registrations(&mut self, mut registrations: Vec<SubnetRegistration>) {
        registrations.sort_by_key(|registration| registration.at_block);
        self.registrations = registrations;
    }

    /// The netuid `subnet` holds now.
    pub(super) fn netuid_of(&self, subnet: usize) -> Option<u16> {
        self.subnets.get(subnet).and_then(|s| s.netuid)
    }

    /// `subnet`'s owner coldkey.
    pub(super) fn owner_of(&self, subnet: usize) -> ColdkeyId {
        self.subnets[subnet].owner.0
    }

    /// Every joiner whose subnet lives tries to register, in order (a refused one, by a cap per
    /// block or interval, tries again at the next block); a validator then buys its stake. A
    /// joiner starts the block after its subnet's registration: it heard of the subnet then.
    pub(super) fn admit_joiners(
        &mut self,
        chain: &mut Chain,
        signers: &BTreeMap<NodeId, (ColdkeyId, HotkeyId)>,
    ) -> Admitted {
        let mut admitted = Admitted::default();
        for (subnet, joiner) in std::mem::take(&mut self.joining) {
            let Some(netuid) = self.netuid_of(subnet) else { continue };
            let &(coldkey, hotkey) = signers.get(&joiner.node).expect("actors have keys");
            let (hotkeys, burn_rao) = (chain.subnet(netuid).hotkeys.clone(), chain.subnet(netuid).burn_rao);
            let Ok(uid) = chain.burned_register(coldkey, hotkey, netuid) else {
                self.joining.push((subnet, joiner));
                continue;
            };
            let replaced = hotkeys.get(usize::from(uid)).copied();
            admitted.registrations.push(RegistrationFacts { netuid, uid, hotkey, replaced, burn_rao });
            if joiner.serves {
                admitted.axons.push((hotkey, joiner.node));
            }
            if joiner.stake_tao_rao > 0
                && let Err(refused) = chain.add_stake(coldkey, hotkey, netuid, joiner.stake_tao_rao)
            {
                admitted.network.push(NetworkFacts::StakeRefused { subnet, hotkey, error: refused.to_string() });
            }
        }
        admitted
    }

    /// The registrations due by `block`, each its owner's `register_network` then `start_call`.
    pub(super) fn register_due(&mut self, chain: &mut Chain, block: u64) -> Vec<NetworkFacts> {
        let mut network = Vec::new();
        for registration in take_due(&mut self.registrations, block, |registration| registration.at_block) {
            self.register(chain, registration, &mut network);
        }
        network
    }

    fn register(&mut self, chain: &mut Chain, registration: SubnetRegistration, network: &mut Vec<NetworkFacts>) {
        let subnet = registration.subnet;
        let (coldkey, hotkey) = self.subnets[subnet].owner;
        let lock_cost_rao = chain.network_lock_cost_rao();
        let registered = match chain.register_network(coldkey, hotkey) {
            Ok(registered) => registered,
            Err(refused) => {
                network.push(NetworkFacts::Refused { subnet, error: refused.to_string(), lock_cost_rao });
                return;
            }
        };
        if let Some(dissolution) = registered.pruned {
            let pruned = (self.subnets.iter().position(|s| s.netuid == Some(dissolution.netuid)))
                .expect("every subnet on the chain is the scenario's");
            self.subnets[pruned].netuid = None;
            self.joining.retain(|(s, _)| *s != pruned);
            network.push(NetworkFacts::Pruned { subnet: pruned, by: subnet, dissolution });
        }
        let netuid = registered.netuid;
        self.subnets[subnet].netuid = Some(netuid);
        let start_call = chain.start_call(coldkey, netuid).map_err(|refused| refused.to_string());
        let configured = configure(chain, netuid, &registration.configure);
        chain.subnet_mut(netuid).stake_cap_percentile = registration.stake_cap_percentile;
        let pool = chain.subnet(netuid).pool.clone();
        network.push(NetworkFacts::Registered {
            subnet,
            netuid,
            locked_rao: registered.locked_rao,
            pool_tao_rao: pool.tao_rao,
            pool_alpha_rao: pool.alpha_rao,
            start_call,
            configured,
        });
        self.joining.extend(registration.joiners.into_iter().map(|joiner| (subnet, joiner)));
    }
}

/// The scenario's hyperparameters over the new subnet's, as root sets them.
fn configure(chain: &mut Chain, netuid: u16, configure: &Configure) -> Result<(), String> {
    let configured = (configure.0)(&chain.subnet(netuid).metagraph.hyperparameters)?;
    chain.set_hyperparameters(netuid, configured).map_err(|invalid| format!("{invalid:?}"))
}
