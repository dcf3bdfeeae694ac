//! The chain before dTAO (spec §3.6, late 2024): no subnet pools and no alpha. Every block the
//! root network's `EmissionValues` accrue to each subnet as pending TAO (not yet minted); at the
//! subnet's epoch the owner takes its cut and Yuma shares the rest among the subnet's hotkeys,
//! whose stake is their one global TAO stake (kept in the root pools). TAO is minted as it is
//! paid, so pending emission is outside the supply until then.
//!
//! One simplification: the chain paid a hotkey's dividends to its nominators at the hotkey's own
//! drain tempo (`HotkeyEmissionTempo`, a day); here they are paid at the epoch.

use super::block_emission::block_emission_for_issuance;
use super::fixed::{I64F64, U96F32};
use super::state::{BlockReport, Chain};

impl Chain {
    /// One block of the pre-dTAO pipeline after the registration prices: the root epoch when it
    /// is due, pending TAO for every subnet, and the subnet epochs that are due.
    pub(super) fn run_pre_dtao_block(&mut self, block: u64) -> BlockReport {
        let emission = block_emission_for_issuance(self.total_issuance_rao);
        self.run_root_epoch_if_due(block, emission);
        for subnet in &mut self.subnets {
            let value = self.root_network.emission_values.get(usize::from(subnet.netuid)).copied().unwrap_or(0);
            subnet.pending_tao_rao = subnet.pending_tao_rao.saturating_add(value);
        }
        BlockReport {
            block,
            emission_rao: emission,
            epochs: self.run_due_epochs(block, Chain::pre_dtao_epoch),
            ..BlockReport::default()
        }
    }

    /// Drains the subnet's pending TAO: the owner's cut to its coldkey, the rest through Yuma to
    /// the hotkeys. Everything paid is minted.
    fn pre_dtao_epoch(&mut self, netuid: u16, block: u64) -> super::yuma::EpochOutput {
        self.refresh_stake_weights(netuid);
        let pending = std::mem::take(&mut self.subnet_mut(netuid).pending_tao_rao);
        let owner_cut = U96F32::from_num(self.params.subnet_owner_cut) / U96F32::from_num(u16::MAX);
        let cut = (U96F32::from_num(pending) * owner_cut).to_num::<u64>();
        let owner = self.subnet(netuid).owner_coldkey;
        self.mint_to_balance(owner, cut);

        let subnet = self.subnet_mut(netuid);
        let output = subnet.metagraph.run_epoch(block, pending - cut);
        subnet.metagraph.set_last_mechanism_step_block(block);
        let hotkeys = subnet.hotkeys.clone();
        for ((&hotkey, &server), &validator) in
            hotkeys.iter().zip(&output.server_emission_rao).zip(&output.validator_emission_rao)
        {
            self.pay_hotkey_pre_dtao(hotkey, server, validator);
        }
        output
    }

    /// `emit_inflation_through_hotkey_account`: the server part and the take to the hotkey's
    /// owner, the rest of the validator part to all its nominators pro rata.
    fn pay_hotkey_pre_dtao(&mut self, hotkey: super::accounts::HotkeyId, server_rao: u64, validator_rao: u64) {
        let take = I64F64::from_num(self.delegate_take(hotkey)) / I64F64::from_num(u16::MAX);
        let take_rao = (take * I64F64::from_num(validator_rao)).to_num::<u64>();
        let owner = self.accounts.owner_of(hotkey);
        let pool = self.root.entry(hotkey).or_default();
        let nominators_rao = validator_rao - take_rao;
        let to_owner = if pool.has_holders() {
            pool.grow(nominators_rao);
            server_rao + take_rao
        } else {
            server_rao + validator_rao
        };
        pool.deposit(owner, to_owner);
        self.total_issuance_rao += server_rao + validator_rao;
        self.tao_issued_rao += u128::from(server_rao + validator_rao);
    }

    fn mint_to_balance(&mut self, coldkey: super::accounts::ColdkeyId, rao: u64) {
        self.accounts.credit(coldkey, rao);
        self.total_issuance_rao += rao;
        self.tao_issued_rao += u128::from(rao);
    }
}

#[cfg(test)]
mod tests {
    use crate::fixed::U64F64;
    use crate::hyperparameters::Hyperparameters;
    use crate::pool::Pool;
    use crate::profile::profile_by_name;
    use crate::state::{Chain, NetworkParameters};

    const TAO: u64 = 1_000_000_000;

    #[test]
    fn root_emission_accrues_and_is_minted_at_the_epoch() {
        let h = Hyperparameters {
            tempo: 10,
            commit_reveal: false,
            weights_set_rate_limit: 0,
            burn: TAO / 10,
            subnet_owner_cut: 13_107, // 20 %
            ..Hyperparameters::default()
        };
        let mut chain =
            Chain::with_profile(NetworkParameters::from_hyperparameters(&h), profile_by_name("legacy-2024").unwrap());
        let whale = chain.create_coldkey(10_000 * TAO);
        let owner_hotkey = chain.create_hotkey(whale);
        let validator = chain.create_hotkey(whale);
        let miner_key = chain.create_coldkey(TAO);
        let miner = chain.create_hotkey(miner_key);
        // Before dTAO the pool TAO is the subnet's lock; nothing trades with it.
        let netuid = chain
            .create_subnet(owner_hotkey, h, Pool { tao_rao: 100 * TAO, alpha_rao: 0 }, U64F64::from_num(0))
            .unwrap();
        assert!(chain.add_stake(whale, validator, netuid, TAO).is_err(), "stake is per hotkey before dTAO");
        chain.add_stake(whale, validator, 0, 1_000 * TAO).unwrap();
        chain.root_register(validator).unwrap();
        chain.set_root_weights(validator, &[netuid], &[1]).unwrap();
        chain.step_block();
        let issuance = chain.total_issuance_rao;
        chain.burned_register(whale, validator, netuid).unwrap();
        chain.burned_register(miner_key, miner, netuid).unwrap_err(); // one registration per block
        chain.step_block();
        chain.burned_register(miner_key, miner, netuid).unwrap();
        assert_eq!(chain.total_issuance_rao, issuance - 2 * (TAO / 10), "the burns are burned");

        // The root epoch at block 99 (its count to the next epoch is 0 there) gives the only
        // weighted subnet the whole block emission.
        while chain.block < 100 {
            chain.step_block();
        }
        assert_eq!(chain.root_network.emission_values, vec![0, TAO]);
        // The subnet's epochs (legacy cadence, T + 1 = 11) pay what accrued since: 20 % to the
        // owner's balance, the rest by Yuma, all of it minted.
        let block = chain.block;
        chain.subnet_mut(netuid).metagraph.set_weights(0, &[1], &[1], 0, block).unwrap();
        let owner_balance = chain.accounts.balance(whale);
        let staked = chain.hotkey_root_tao(validator) + chain.hotkey_root_tao(miner);
        let issuance = chain.total_issuance_rao;
        let mut paid_epochs = 0;
        for _ in 0..22 {
            let report = chain.step_block();
            paid_epochs += report.epochs.len();
            assert_eq!(chain.conservation(), Ok(()));
        }
        assert_eq!(paid_epochs, 2);
        let minted = chain.total_issuance_rao - issuance;
        let cut = chain.accounts.balance(whale) - owner_balance;
        let gained = chain.hotkey_root_tao(validator) + chain.hotkey_root_tao(miner) - staked;
        assert_eq!(minted, cut + gained);
        // Epochs at blocks 107 and 118 drained blocks 99..=118 (20 TAO, less flooring dust);
        // blocks 119..=122 wait for the next.
        assert_eq!(chain.subnet(netuid).pending_tao_rao, 4 * TAO);
        assert!(minted <= 20 * TAO && minted + 10 >= 20 * TAO, "{minted}");
        assert!(cut.abs_diff(4 * TAO) <= 2, "the owner's cut is a fifth (floored per epoch): {cut}");

        // The dTAO launch drops the unminted pending TAO and the coinbase takes over.
        chain.runtime_upgrade(profile_by_name("dtao-2025").unwrap());
        assert_eq!(chain.subnet(netuid).pending_tao_rao, 0);
        chain.step_block();
        assert_eq!(chain.conservation(), Ok(()));
    }
}
