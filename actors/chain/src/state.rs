//! The living chain (spec §3–§6): accounts, the root network, subnets with their pools and
//! metagraphs, and the block step that moves tokens between them.
//!
//! Token flows are integer RAO. Every TAO issued sits in a free balance, a root stake, a subnet
//! pool or a subnet account beyond its pool (the existential deposit a dissolution leaves), or
//! was recycled; every alpha issued on a subnet sits in its pool, a stake, a pending
//! emission or the protocol's holding, or was recycled. [`Chain::conservation`] checks both after
//! every block in debug builds.

use std::collections::BTreeMap;

use super::accounts::{Accounts, ColdkeyId, HotkeyId, InsufficientBalance};
use super::fixed::{I64F64, U64F64, U96F32};
use super::hyperparameter_calls::rules::{AdminParameters, StampKey};
use super::hyperparameters::Hyperparameters;
use super::metagraph::{CommitRefused, InvalidCall, Metagraph, NeuronInit};
use super::network_registration::kept::KeptHyperparameters;
use super::network_registration::parameters::{NetworkLock, NetworkRegistrationParameters};
use super::pool::Pool;
use super::profile::{self, Profile, RegistrationPrice, Tokenomics};
use super::registration::burn::BurnPolicy;
use super::registration::interval::IntervalRegistration;
use super::root::RootNetwork;
use super::schedule::{EpochDecision, EpochScheduler};
use super::share_pool::SharePool;
use super::subnet::{PendingEmission, Subnet};
use super::yuma::EpochOutput;

/// Network-wide parameters (global storage items of §7), read from a profile's hyperparameters.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkParameters {
    /// τ = tao_weight / (2^64 − 1): how much a TAO staked on root counts in a subnet's stake weight.
    pub tao_weight: u64,
    /// The subnet owner's cut of alpha emission, /65535.
    pub subnet_owner_cut: u16,
    pub subnet_moving_alpha: U64F64,
    pub ema_price_halving_blocks: u64,
    pub max_epochs_per_block: u16,
    pub min_stake_rao: u64,
    /// The take of a hotkey that never set one, /65535.
    pub default_delegate_take: u16,
}

impl NetworkParameters {
    pub fn from_hyperparameters(h: &Hyperparameters) -> Self {
        Self {
            tao_weight: h.tao_weight,
            subnet_owner_cut: h.subnet_owner_cut,
            subnet_moving_alpha: U64F64::from_num(h.subnet_moving_alpha),
            ema_price_halving_blocks: h.ema_price_halving_blocks,
            max_epochs_per_block: h.max_epochs_per_block,
            min_stake_rao: h.min_stake,
            default_delegate_take: h.delegate_take,
        }
    }

    /// τ in I64F64, for stake weights: widened from [`tao_weight_fraction`] (u64::MAX does not
    /// fit I64F64).
    pub fn tao_weight(&self) -> I64F64 {
        I64F64::from_num(tao_weight_fraction(self.tao_weight))
    }
}

/// τ = tao_weight / (2^64 − 1), the fraction a raw `TaoWeight` stands for.
pub fn tao_weight_fraction(tao_weight: u64) -> U96F32 {
    U96F32::from_num(tao_weight) / U96F32::from_num(u64::MAX)
}

/// What one block did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockReport {
    pub block: u64,
    pub emission_rao: u64,
    /// The epochs that ran, by netuid.
    pub epochs: Vec<(u16, EpochOutput)>,
    /// Timelocked commits the chain opened and refused, by (netuid, uid).
    pub reveals_refused: Vec<(u16, u16, CommitRefused)>,
    /// Timelocked commits the chain opened and applied (before the block's epochs), by (netuid,
    /// uid, the block that committed them).
    pub reveals: Vec<(u16, u16, u64)>,
}

/// Why a subnet cannot be created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CreateSubnetError {
    TooManySubnets,
    OwnerBalance(InsufficientBalance),
    Hyperparameters(InvalidCall),
}

/// A broken token invariant: what, and by how much.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConservationError(pub String);

#[derive(Clone, Debug)]
pub struct Chain {
    pub block: u64,
    pub params: NetworkParameters,
    /// The protocol rules in force; a runtime upgrade changes them.
    profile: &'static Profile,
    pub accounts: Accounts,
    /// `TotalIssuance`: TAO minted and not recycled.
    pub total_issuance_rao: u64,
    pub(super) tao_issued_rao: u128,
    pub(super) tao_recycled_rao: u128,
    /// Root stake (TAO) per hotkey.
    pub(super) root: BTreeMap<HotkeyId, SharePool>,
    /// Alpha stake per (netuid, hotkey): a subnet's stakes are one contiguous range.
    pub(super) stakes: BTreeMap<(u16, HotkeyId), SharePool>,
    pub(super) delegate_take: BTreeMap<HotkeyId, u16>,
    /// The root network's members and weights (its epoch runs before dTAO only).
    pub root_network: RootNetwork,
    /// The living subnets in ascending netuid (netuid 0 is root, which has no metagraph here); a
    /// dissolved subnet leaves a gap its netuid's next registration fills.
    pub(super) subnets: Vec<Subnet>,
    /// The network items network registration reads (subnets spec §1).
    pub network_registration: NetworkRegistrationParameters,
    /// The lock cost's state (subnets spec §2.3): the last lock and its block.
    pub network_lock: NetworkLock,
    /// `RegisteredSubnetCounter` per netuid (never cleared, subnets spec §2.5-7).
    pub(super) registered_subnet_counter: BTreeMap<u16, u32>,
    /// The hyperparameters `remove_network` leaves on a dissolved subnet's netuid, which the next
    /// subnet there inherits (subnets spec §2.7, §4.4).
    pub(super) kept_hyperparameters: BTreeMap<u16, KeptHyperparameters>,
    /// TAO in a netuid's subnet account beyond its pool (a dissolution leaves the existential
    /// deposit there, §4.3; a genesis may fund it): issued, in no balance, stake or pool, and
    /// counted in the account when the netuid's subnet is dissolved.
    pub(super) subnet_accounts_rao: BTreeMap<u16, u64>,
    /// The global items hyperparameter calls read (the freeze window, the owner rate limits).
    pub admin: AdminParameters,
    /// The owner path's rate-limit stamps by (netuid, key) (subnets spec §6.2).
    pub(super) owner_call_stamps: BTreeMap<(u16, StampKey), u64>,
}

/// The most subnets a chain holds (mainnet's `SubnetLimit` is 128).
pub const SUBNETS_MAX: usize = 1024;

impl Chain {
    /// A chain at genesis under the HEAD rules.
    pub fn new(params: NetworkParameters) -> Self {
        Self::with_profile(params, profile::HEAD)
    }

    pub fn with_profile(params: NetworkParameters, profile: &'static Profile) -> Self {
        Self {
            block: 0,
            params,
            profile,
            accounts: Accounts::default(),
            total_issuance_rao: 0,
            tao_issued_rao: 0,
            tao_recycled_rao: 0,
            root: BTreeMap::new(),
            stakes: BTreeMap::new(),
            delegate_take: BTreeMap::new(),
            root_network: RootNetwork::default(),
            subnets: Vec::new(),
            network_registration: NetworkRegistrationParameters::from_hyperparameters(&Hyperparameters::default()),
            // `NetworkLastLockCost` defaults to the minimum; nobody has registered yet.
            network_lock: NetworkLock {
                last_lock_cost_rao: Hyperparameters::default().network_min_lock_cost,
                last_lock_block: 0,
            },
            registered_subnet_counter: BTreeMap::new(),
            kept_hyperparameters: BTreeMap::new(),
            subnet_accounts_rao: BTreeMap::new(),
            admin: AdminParameters::from_hyperparameters(&Hyperparameters::default()),
            owner_call_stamps: BTreeMap::new(),
        }
    }

    /// A coldkey with a genesis balance (issued TAO).
    pub fn create_coldkey(&mut self, balance_rao: u64) -> ColdkeyId {
        self.total_issuance_rao = self.total_issuance_rao.checked_add(balance_rao).expect("issuance fits u64");
        self.tao_issued_rao += u128::from(balance_rao);
        self.accounts.create_coldkey(balance_rao)
    }

    /// TAO in `netuid`'s subnet account beyond its pool at genesis (issued, as a genesis balance
    /// is): what a dissolution can pay a legacy owner back from (subnets spec §4.3), as the
    /// chain's own tests fund it.
    pub fn fund_subnet_account_at_genesis(&mut self, netuid: u16, rao: u64) {
        self.total_issuance_rao = self.total_issuance_rao.checked_add(rao).expect("issuance fits u64");
        self.tao_issued_rao += u128::from(rao);
        *self.subnet_accounts_rao.entry(netuid).or_insert(0) += rao;
    }

    /// TAO in `netuid`'s subnet account beyond its pool.
    pub fn subnet_account_rao(&self, netuid: u16) -> u64 {
        self.subnet_accounts_rao.get(&netuid).copied().unwrap_or(0)
    }

    pub fn create_hotkey(&mut self, owner: ColdkeyId) -> HotkeyId {
        self.accounts.create_hotkey(owner)
    }

    /// A subnet owned by `owner_hotkey`'s coldkey, with a genesis pool (the TAO comes from the
    /// owner's balance, as the lock does; the alpha is issued) and its initial moving price.
    pub fn create_subnet(
        &mut self,
        owner_hotkey: HotkeyId,
        hyperparameters: Hyperparameters,
        pool: Pool,
        ema_price: U64F64,
    ) -> Result<u16, CreateSubnetError> {
        if self.subnets.len() >= SUBNETS_MAX {
            return Err(CreateSubnetError::TooManySubnets);
        }
        let metagraph = Metagraph::new(hyperparameters, &[]).map_err(CreateSubnetError::Hyperparameters)?;
        let owner_coldkey = self.accounts.owner_of(owner_hotkey);
        self.accounts.debit(owner_coldkey, pool.tao_rao).map_err(CreateSubnetError::OwnerBalance)?;
        let locked_rao = pool.tao_rao;
        let netuid = self.next_netuid();
        self.push_subnet(netuid, owner_hotkey, metagraph, Vec::new(), pool, locked_rao);
        let subnet = self.subnet_mut(netuid);
        subnet.ema_price = ema_price;
        subnet.emission_enabled = true;
        Ok(netuid)
    }

    /// A subnet registered by `register_network` on `netuid` (subnets spec §2.5–2.7): the
    /// profile's new-subnet hyperparameters over which a dissolved predecessor's kept ones stand
    /// (§2.7), the owner hotkey as UID 0 registered at this block (the owner), the moving price
    /// at 0, no emission until `start_call`, and emission enabled as the profile says.
    pub(super) fn create_registered_subnet(
        &mut self,
        netuid: u16,
        owner_hotkey: HotkeyId,
        pool: Pool,
        locked_rao: u64,
    ) {
        let block = self.block;
        let mut hyperparameters = Hyperparameters { owner_uid: Some(0), ..self.profile.new_subnet_hyperparameters() };
        if let Some(kept) = self.kept_hyperparameters.get(&netuid) {
            kept.apply(&mut hyperparameters);
        }
        let owner = NeuronInit { stake_rao: 0, registered_at: block, last_update: block };
        let metagraph = Metagraph::new(hyperparameters, &[owner]).expect("new-subnet hyperparameters are valid");
        self.push_subnet(netuid, owner_hotkey, metagraph, vec![owner_hotkey], pool, locked_rao);
        let emission_enabled = self.profile.network_registration.emission_enabled_at_registration;
        self.subnet_mut(netuid).emission_enabled = emission_enabled;
    }

    /// `get_next_netuid` (subnets spec §2.5-1): the smallest netuid ≥ 1 no living subnet holds.
    pub fn next_netuid(&self) -> u16 {
        let mut netuid = 1u16;
        for subnet in &self.subnets {
            if subnet.netuid != netuid {
                break;
            }
            netuid += 1;
        }
        netuid
    }

    /// Inserts a subnet on the free `netuid`, registered at this block, its alpha issued into its
    /// pool, its moving price 0, not started.
    fn push_subnet(
        &mut self,
        netuid: u16,
        owner_hotkey: HotkeyId,
        mut metagraph: Metagraph,
        hotkeys: Vec<HotkeyId>,
        pool: Pool,
        locked_rao: u64,
    ) {
        metagraph.set_profile(self.profile);
        let hyperparameters = metagraph.hyperparameters.clone();
        let owner_coldkey = self.accounts.owner_of(owner_hotkey);
        let position = self.subnets.partition_point(|subnet| subnet.netuid < netuid);
        assert!(self.subnets.get(position).is_none_or(|subnet| subnet.netuid != netuid), "netuid {netuid} is taken");
        let burn = BurnPolicy::from_hyperparameters(&hyperparameters);
        let scheduler = EpochScheduler::new(netuid, hyperparameters.tempo, self.block, self.profile.cadence);
        let burn_rao = hyperparameters.burn;
        let interval = IntervalRegistration::new(&hyperparameters, self.block);
        self.subnets.insert(
            position,
            Subnet {
                netuid,
                owner_coldkey,
                owner_hotkey,
                metagraph,
                hotkeys,
                alpha_issued_rao: u128::from(pool.alpha_rao),
                pool,
                alpha_out_rao: 0,
                protocol_alpha_rao: 0,
                pending: PendingEmission::default(),
                scheduler,
                burn_rao,
                burn,
                interval,
                ema_price: U64F64::from_num(0),
                first_emission_block: None,
                emission_enabled: true,
                miner_burned: U64F64::from_num(0),
                pending_tao_rao: 0,
                tao_flow_rao: 0,
                ema_tao_flow: I64F64::from_num(0),
                alpha_recycled_rao: 0,
                registered_at_block: self.block,
                locked_rao,
                stake_cap_percentile: None,
            },
        );
    }

    pub fn profile(&self) -> &'static Profile {
        self.profile
    }

    /// A runtime upgrade to `profile` at the current block, with the migrations it implies: every
    /// subnet's scheduler moves to the profile's cadence (§3.2) and its epoch, weights and
    /// registration follow the profile's rules from the next block on. Stored state (bonds,
    /// weights, burn prices) is kept as it is, as the chain's migrations keep it.
    pub fn runtime_upgrade(&mut self, profile: &'static Profile) {
        let block = self.block;
        let price_changes = profile.registration_price != self.profile.registration_price;
        // The dTAO launch: stake stays where it is (pre-dTAO stake already lives on root), and
        // pending TAO that was never minted is dropped.
        let into_dtao = self.profile.tokenomics == Tokenomics::PreDtao && profile.tokenomics == Tokenomics::Dtao;
        for subnet in &mut self.subnets {
            subnet.metagraph.set_profile(profile);
            subnet.scheduler.migrate(profile.cadence, subnet.metagraph.hyperparameters.tempo, block);
            if into_dtao {
                subnet.pending_tao_rao = 0;
            }
            if price_changes {
                // The price keeps its value; a legacy interval starts at the upgrade.
                subnet.interval = IntervalRegistration::new(&subnet.metagraph.hyperparameters, block);
            }
        }
        self.profile = profile;
    }

    /// Sets a subnet's hyperparameters (sudo or owner calls, or an upgrade's migration). The burn
    /// price keeps its value; its bounds and dynamics take the new settings.
    pub fn set_hyperparameters(&mut self, netuid: u16, hyperparameters: Hyperparameters) -> Result<(), InvalidCall> {
        let subnet = self.subnet_mut(netuid);
        subnet.metagraph.set_hyperparameters(hyperparameters)?;
        subnet.burn = BurnPolicy::from_hyperparameters(&subnet.metagraph.hyperparameters);
        Ok(())
    }

    /// `start_call`: the subnet emits from the next block on.
    pub fn start_emission(&mut self, netuid: u16) {
        let block = self.block;
        let subnet = self.subnet_mut(netuid);
        subnet.first_emission_block.get_or_insert(block + 1);
    }

    pub fn subnets(&self) -> &[Subnet] {
        &self.subnets
    }

    /// The living subnet `netuid`; panics if there is none (callers check `subnet_exists`).
    pub fn subnet(&self, netuid: u16) -> &Subnet {
        let index = self.subnet_index(netuid).unwrap_or_else(|| panic!("subnet {netuid} does not exist"));
        &self.subnets[index]
    }

    pub fn subnet_mut(&mut self, netuid: u16) -> &mut Subnet {
        let index = self.subnet_index(netuid).unwrap_or_else(|| panic!("subnet {netuid} does not exist"));
        &mut self.subnets[index]
    }

    /// Where `netuid` sits in the list: at netuid − 1 while no netuid below it was dissolved,
    /// found by bisection otherwise.
    pub(super) fn subnet_index(&self, netuid: u16) -> Option<usize> {
        let direct = usize::from(netuid).checked_sub(1)?;
        if self.subnets.get(direct).is_some_and(|subnet| subnet.netuid == netuid) {
            return Some(direct);
        }
        self.subnets.binary_search_by_key(&netuid, |subnet| subnet.netuid).ok()
    }

    /// The UID `hotkey` holds on `netuid`, if the subnet exists and it holds one.
    pub fn uid_of(&self, netuid: u16, hotkey: HotkeyId) -> Option<u16> {
        self.subnet_exists(netuid).then(|| self.subnet(netuid).uid_of(hotkey)).flatten()
    }

    pub fn subnet_exists(&self, netuid: u16) -> bool {
        self.subnet_index(netuid).is_some()
    }

    /// Takes TAO out of circulation.
    pub(super) fn recycle_tao(&mut self, tao_rao: u64) {
        self.total_issuance_rao -= tao_rao;
        self.tao_recycled_rao += u128::from(tao_rao);
    }

    /// One block (the HEAD pipeline of §3.3): registration prices, mint, coinbase with the epochs
    /// that are due, moving prices.
    pub fn step_block(&mut self) -> BlockReport {
        self.block += 1;
        let block = self.block;
        for subnet in &mut self.subnets {
            subnet.burn_rao = match self.profile.registration_price {
                RegistrationPrice::DecayAndBump if block > 1 => subnet.burn.decay(subnet.burn_rao),
                RegistrationPrice::DecayAndBump => subnet.burn_rao,
                RegistrationPrice::IntervalAdjustment => {
                    subnet.interval.on_block(&subnet.metagraph.hyperparameters, block, subnet.burn_rao)
                }
            };
        }
        let (reveals, reveals_refused) = self.reveal_timelocked_commits(block);
        let mut report = match self.profile.tokenomics {
            Tokenomics::PreDtao => self.run_pre_dtao_block(block),
            Tokenomics::Dtao => {
                let report = self.run_coinbase(block);
                self.update_moving_prices(block);
                report
            }
        };
        report.reveals_refused = reveals_refused;
        report.reveals = reveals;
        debug_assert_eq!(self.conservation(), Ok(()), "after block {block}");
        report
    }

    /// Every subnet's scheduler takes the block; the epochs that are due run through `epoch` (the
    /// tokenomics' drain and payout), in netuid order. Commits past their reveal epoch go first.
    pub(super) fn run_due_epochs(
        &mut self,
        block: u64,
        epoch: fn(&mut Chain, u16, u64) -> EpochOutput,
    ) -> Vec<(u16, EpochOutput)> {
        let mut epochs = Vec::new();
        let mut epochs_this_block = 0;
        let max = self.params.max_epochs_per_block;
        for index in 0..self.subnets.len() {
            let subnet = &mut self.subnets[index];
            let tempo = subnet.metagraph.hyperparameters.tempo;
            if subnet.scheduler.on_block(tempo, block, &mut epochs_this_block, max) == EpochDecision::Run {
                subnet.metagraph.purge_expired_commits(subnet.scheduler.epoch_index);
                let netuid = subnet.netuid;
                epochs.push((netuid, epoch(self, netuid, block)));
            }
        }
        epochs
    }

    /// The token invariants; `Err` names the first that does not hold.
    pub fn conservation(&self) -> Result<(), ConservationError> {
        let fail = |what: String| Err(ConservationError(what));
        let root_stake: u128 = self.root.values().map(|pool| u128::from(pool.total_rao())).sum();
        let pool_tao: u128 = self.subnets.iter().map(|s| u128::from(s.pool.tao_rao)).sum();
        let subnet_accounts: u128 = self.subnet_accounts_rao.values().map(|&rao| u128::from(rao)).sum();
        let held = self.accounts.total_balance_rao() + root_stake + pool_tao + subnet_accounts;
        if u128::from(self.total_issuance_rao) != held {
            return fail(format!(
                "TAO: issuance {} ≠ balances + root stake + pools + subnet accounts = {held}",
                self.total_issuance_rao
            ));
        }
        if self.tao_issued_rao - self.tao_recycled_rao != u128::from(self.total_issuance_rao) {
            return fail(format!(
                "TAO: issued {} − recycled {} ≠ issuance {}",
                self.tao_issued_rao, self.tao_recycled_rao, self.total_issuance_rao
            ));
        }
        for subnet in &self.subnets {
            let staked: u128 = self.subnet_stakes(subnet.netuid).map(|(_, pool)| u128::from(pool.total_rao())).sum();
            let outstanding = staked + subnet.pending.total_rao() + u128::from(subnet.protocol_alpha_rao);
            if u128::from(subnet.alpha_out_rao) != outstanding {
                return fail(format!(
                    "subnet {}: alpha out {} ≠ stakes + pending + protocol = {outstanding}",
                    subnet.netuid, subnet.alpha_out_rao
                ));
            }
            let circulating = u128::from(subnet.pool.alpha_rao) + u128::from(subnet.alpha_out_rao);
            if subnet.alpha_issued_rao - subnet.alpha_recycled_rao != circulating {
                return fail(format!(
                    "subnet {}: alpha issued {} − recycled {} ≠ pool + out = {circulating}",
                    subnet.netuid, subnet.alpha_issued_rao, subnet.alpha_recycled_rao
                ));
            }
        }
        Ok(())
    }

    /// The alpha stake pools of one subnet, by hotkey.
    pub fn subnet_stakes(&self, netuid: u16) -> impl Iterator<Item = (HotkeyId, &SharePool)> {
        self.stakes
            .range((netuid, HotkeyId(0))..=(netuid, HotkeyId(u32::MAX)))
            .map(|(&(_, hotkey), pool)| (hotkey, pool))
    }
}
