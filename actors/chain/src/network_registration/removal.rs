//! Dissolving a subnet of the living chain (subnets spec §4, and root's `dissolve_network`, §5):
//! the pool's TAO paid to its stakers by largest remainder (dissolve.rs), the protocol's share
//! and failed payouts recycled, a legacy owner's refund, and the subnet's storage wiped, except
//! what its netuid keeps (kept.rs).
//!
//! A dissolution is planned first (read only) and then applied, so that a registration which
//! prunes can refuse after seeing what the prune would pay its caller without having written
//! anything: the chain's transactional rollback, as a plan that is never applied.

use std::collections::BTreeMap;

use super::dissolve::{distribute_pot_rao, is_legacy_subnet, legacy_owner_refund_rao, protocol_alpha_rao};
use super::kept::KeptHyperparameters;
use crate::accounts::{ColdkeyId, HotkeyId};
use crate::profile::Tokenomics;
use crate::state::Chain;

/// Why the chain refuses to dissolve a subnet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DissolveRefused {
    /// Root (netuid 0) or a netuid no living subnet holds.
    SubnetNotExists,
    /// The spec describes dissolution of pools; before dTAO there are none.
    NotModelledBeforeDtao,
}

impl std::fmt::Display for DissolveRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Self::SubnetNotExists => write!(f, "SubnetNotExists"),
            Self::NotModelledBeforeDtao => write!(f, "dissolving a subnet before dTAO is not modelled"),
        }
    }
}

/// One staking position of the dissolved subnet and the TAO it was paid (§4.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StakerPayout {
    pub hotkey: HotkeyId,
    pub coldkey: ColdkeyId,
    /// The position's alpha value (`v`).
    pub alpha_rao: u64,
    /// Its share of the pot (`q`, the remainder RAO included).
    pub tao_rao: u64,
    /// Whether the transfer went through: one below the existential deposit to a coldkey with
    /// no balance fails, and its TAO stays in the subnet account (then recycled).
    pub paid: bool,
}

/// What a dissolution did to the books.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dissolution {
    pub netuid: u16,
    pub owner_coldkey: ColdkeyId,
    /// `SubnetTAO` (P), shared out.
    pub pot_rao: u64,
    /// Every position with a value, in the §4.1 order (hotkey, then coldkey).
    pub payouts: Vec<StakerPayout>,
    /// The protocol's share of the pot: not paid, recycled.
    pub protocol_share_rao: u64,
    /// What a legacy owner got back (§4.3); 0 for every subnet registered since the start block.
    pub owner_refund_rao: u64,
    /// Taken out of circulation: the subnet account's balance above the existential deposit
    /// (what it held beyond the pool included).
    pub recycled_rao: u64,
    /// Left in the subnet account (at most the existential deposit), kept by the netuid.
    pub account_left_rao: u64,
}

impl Dissolution {
    /// The TAO this dissolution pays `coldkey` (payouts that go through, and a refund).
    pub fn paid_to(&self, coldkey: ColdkeyId) -> u64 {
        let payouts: u64 = self.payouts.iter().filter(|p| p.paid && p.coldkey == coldkey).map(|p| p.tao_rao).sum();
        payouts + if coldkey == self.owner_coldkey { self.owner_refund_rao } else { 0 }
    }
}

/// The subnet account's balance as a dissolution pays out of it, and who it has paid so far.
struct SubnetAccount<'a> {
    chain: &'a Chain,
    balance_rao: u64,
    credited: BTreeMap<ColdkeyId, u64>,
    existential_deposit_rao: u64,
}

impl SubnetAccount<'_> {
    /// An allow-death transfer out of the subnet account: fails (and keeps the TAO) when it is
    /// below the existential deposit and the receiver has no balance (an account that does not
    /// exist on chain).
    fn transfer(&mut self, to: ColdkeyId, rao: u64) -> bool {
        let credited = self.credited.get(&to).copied().unwrap_or(0);
        let receiver_exists = self.chain.accounts.balance(to) > 0 || credited > 0;
        if rao == 0 || rao > self.balance_rao || (rao < self.existential_deposit_rao && !receiver_exists) {
            return false;
        }
        self.balance_rao -= rao;
        self.credited.insert(to, credited + rao);
        true
    }
}

impl Chain {
    /// Root's `dissolve_network` (§5): the subnet dissolved as §4 says, whatever its immunity.
    pub fn dissolve_network(&mut self, netuid: u16) -> Result<Dissolution, DissolveRefused> {
        let dissolution = self.plan_dissolution(netuid)?;
        self.apply_dissolution(&dissolution);
        Ok(dissolution)
    }

    /// §4.1–4.3 read from the chain, nothing written.
    pub(super) fn plan_dissolution(&self, netuid: u16) -> Result<Dissolution, DissolveRefused> {
        if netuid == 0 || !self.subnet_exists(netuid) {
            return Err(DissolveRefused::SubnetNotExists);
        }
        if self.profile().tokenomics == Tokenomics::PreDtao {
            return Err(DissolveRefused::NotModelledBeforeDtao);
        }
        let subnet = self.subnet(netuid);
        let parameters = &self.network_registration;
        let registered_at = subnet.registered_at_block;
        let legacy = is_legacy_subnet(registered_at, parameters.registration_start_block);
        let cut = self.params.subnet_owner_cut;
        let refund_due_rao = legacy_owner_refund_rao(
            legacy,
            subnet.locked_rao,
            subnet.alpha_issuance_rao(),
            cut,
            subnet.pool.spot_price(),
        );
        let deployed_at = if self.profile().network_registration.protocol_share_counts_pool_alpha {
            parameters.tao_in_refund_deployment_block
        } else {
            u64::MAX
        };
        let protocol_alpha =
            protocol_alpha_rao(subnet.pool.alpha_rao, subnet.protocol_alpha_rao, registered_at, deployed_at);
        let positions = self.staking_positions(netuid);
        let values: Vec<u64> = positions.iter().map(|&(_, _, alpha)| alpha).collect();
        let pot_rao = subnet.pool.tao_rao;
        let (shares, protocol_share_rao) = distribute_pot_rao(pot_rao, &values, protocol_alpha);
        let existential_deposit_rao = parameters.existential_deposit_rao;
        let mut account = SubnetAccount {
            chain: self,
            balance_rao: self.subnet_account_rao(netuid) + pot_rao,
            credited: BTreeMap::new(),
            existential_deposit_rao,
        };
        let payouts = positions
            .into_iter()
            .zip(shares)
            .map(|((hotkey, coldkey, alpha_rao), tao_rao)| {
                let paid = account.transfer(coldkey, tao_rao);
                StakerPayout { hotkey, coldkey, alpha_rao, tao_rao, paid }
            })
            .collect();
        let refund_rao = refund_due_rao.min(account.balance_rao.saturating_sub(protocol_share_rao));
        let owner_refund_rao = if account.transfer(subnet.owner_coldkey, refund_rao) { refund_rao } else { 0 };
        let recycled_rao = account.balance_rao.saturating_sub(existential_deposit_rao);
        Ok(Dissolution {
            netuid,
            owner_coldkey: subnet.owner_coldkey,
            pot_rao,
            payouts,
            protocol_share_rao,
            owner_refund_rao,
            recycled_rao,
            account_left_rao: account.balance_rao - recycled_rao,
        })
    }

    /// §4.1's stakers: every (hotkey, coldkey) position with a value, in hotkey order (the chain
    /// iterates hotkeys in their Blake2 hash order, which the model has not: creation order stands
    /// in, see README), coldkeys ascending. A position whose value floors to 0 counts its shares.
    fn staking_positions(&self, netuid: u16) -> Vec<(HotkeyId, ColdkeyId, u64)> {
        let mut positions = Vec::new();
        for (hotkey, pool) in self.subnet_stakes(netuid) {
            for coldkey in pool.owners() {
                let value = match pool.value_of(coldkey) {
                    0 => pool.shares_in_rao_units(coldkey),
                    value => value,
                };
                if value > 0 {
                    positions.push((hotkey, coldkey, value));
                }
            }
        }
        positions
    }

    /// §4.2–4.5 written: payouts and refund credited, the rest recycled but the existential
    /// deposit, the subnet's stakes, pool, pending emission and alpha books gone with it (so the
    /// coinbase shares the next block among the others), root weights on it zeroed (entries
    /// kept), and what the netuid keeps saved for its next subnet. The lock cost, its block and
    /// `RegisteredSubnetCounter` are untouched.
    pub(super) fn apply_dissolution(&mut self, dissolution: &Dissolution) {
        let netuid = dissolution.netuid;
        for payout in dissolution.payouts.iter().filter(|payout| payout.paid) {
            self.accounts.credit(payout.coldkey, payout.tao_rao);
        }
        self.accounts.credit(dissolution.owner_coldkey, dissolution.owner_refund_rao);
        self.recycle_tao(dissolution.recycled_rao);
        let hotkeys: Vec<HotkeyId> = self.subnet_stakes(netuid).map(|(hotkey, _)| hotkey).collect();
        for hotkey in hotkeys {
            self.stakes.remove(&(netuid, hotkey));
        }
        for row in &mut self.root_network.weights {
            for entry in row.iter_mut().filter(|(target, _)| *target == netuid) {
                entry.1 = 0;
            }
        }
        let index = self.subnet_index(netuid).expect("a planned dissolution names a living subnet");
        let subnet = self.subnets.remove(index);
        self.kept_hyperparameters.insert(netuid, KeptHyperparameters::of(&subnet.metagraph.hyperparameters));
        self.subnet_accounts_rao.insert(netuid, dissolution.account_left_rao);
        self.wipe_owner_transaction_stamps(netuid);
    }
}
