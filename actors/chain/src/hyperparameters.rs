//! Subnet hyperparameters (spec §7), named in snake_case as in scenarios and replay files.
//! A value that is not given takes what a subnet created at HEAD gets: the "new subnet" column of
//! §7 where there is one, else the runtime default.

use serde::{Deserialize, Serialize};

use super::yuma::LiquidAlpha;

/// The largest subnet the simulator accepts. The chain's UIDs are u16; beyond a few thousand a
/// subnet is far from anything deployed and an epoch costs O(validators × UIDs).
pub const UIDS_MAX: u16 = 4096;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Hyperparameters {
    pub tempo: u16,
    pub kappa: u16,
    pub bonds_penalty: u16,
    pub bonds_moving_average: u64,
    pub bonds_reset: bool,
    pub yuma3: bool,
    pub liquid_alpha: bool,
    pub alpha_low: u16,
    pub alpha_high: u16,
    pub alpha_sigmoid_steepness: i16,
    /// Blocks; when absent, `max(1, ⌊activity_cutoff_factor_milli · tempo / 1000⌋)` (HEAD).
    pub activity_cutoff: Option<u64>,
    pub activity_cutoff_factor_milli: u32,
    pub max_allowed_uids: u16,
    pub max_allowed_validators: u16,
    pub min_allowed_weights: u16,
    pub max_weights_limit: u16,
    pub weights_set_rate_limit: u64,
    pub weights_version_key: u64,
    pub stake_threshold_rao: u64,
    pub owner_uid: Option<u16>,
    pub commit_reveal: bool,

    // Accepted with their chain types; no effect on an epoch replay yet.
    pub rho: u16,
    pub immunity_period: u16,
    pub min_allowed_uids: u16,
    pub min_non_immune_uids: u16,
    pub immune_owner_uids_limit: u16,
    /// Raw u64: τ = tao_weight / (2^64 − 1).
    pub tao_weight: u64,
    pub subnet_owner_cut: u16,
    pub delegate_take: u16,
    pub childkey_take: u16,
    pub commit_reveal_version: u16,
    pub reveal_period_epochs: u64,
    pub burn: u64,
    pub min_burn: u64,
    pub max_burn: u64,
    pub burn_half_life: u16,
    pub burn_increase_mult: f64,
    pub max_registrations_per_block: u16,
    pub target_registrations_per_interval: u16,
    pub adjustment_interval: u16,
    pub adjustment_alpha: u64,
    pub difficulty: u64,
    pub min_difficulty: u64,
    pub max_difficulty: u64,
    pub network_min_lock_cost: u64,
    pub network_lock_reduction_interval: u64,
    pub network_rate_limit: u64,
    pub network_immunity_period: u64,
    pub subnet_limit: u16,
    pub ema_price_halving_blocks: u64,
    pub subnet_moving_alpha: f64,
    pub max_epochs_per_block: u16,
    pub admin_freeze_window: u16,
    pub mechanism_count: u8,
    pub serving_rate_limit: u64,
    pub min_stake: u64,
    pub existential_deposit: u64,
}

impl Default for Hyperparameters {
    fn default() -> Self {
        Self {
            tempo: 360,
            kappa: 32_767,
            bonds_penalty: 65_535,
            bonds_moving_average: 900_000,
            bonds_reset: false,
            yuma3: true,
            liquid_alpha: false,
            alpha_low: 45_875,
            alpha_high: 58_982,
            alpha_sigmoid_steepness: 1_000,
            activity_cutoff: None,
            activity_cutoff_factor_milli: 13_889,
            max_allowed_uids: 256,
            max_allowed_validators: 64,
            min_allowed_weights: 1,
            max_weights_limit: 65_535,
            weights_set_rate_limit: 100,
            weights_version_key: 0,
            stake_threshold_rao: 0,
            owner_uid: None,
            commit_reveal: true,
            rho: 10,
            immunity_period: 5_000,
            min_allowed_uids: 64,
            min_non_immune_uids: 10,
            immune_owner_uids_limit: 1,
            tao_weight: 971_718_665_099_567_868,
            subnet_owner_cut: 11_796,
            delegate_take: 11_796,
            childkey_take: 0,
            commit_reveal_version: 4,
            reveal_period_epochs: 1,
            burn: 1_000_000_000,
            min_burn: 500_000,
            max_burn: 100_000_000_000,
            burn_half_life: 360,
            burn_increase_mult: 1.26,
            max_registrations_per_block: 1,
            target_registrations_per_interval: 2,
            adjustment_interval: 100,
            adjustment_alpha: 0,
            difficulty: 10_000_000,
            min_difficulty: 10_000_000,
            max_difficulty: u64::MAX / 4,
            network_min_lock_cost: 1_000_000_000_000,
            network_lock_reduction_interval: 100_800,
            network_rate_limit: 7_200,
            network_immunity_period: 1_296_000,
            subnet_limit: 128,
            ema_price_halving_blocks: 201_600,
            subnet_moving_alpha: 0.000_003,
            max_epochs_per_block: 2,
            admin_freeze_window: 10,
            mechanism_count: 1,
            serving_rate_limit: 50,
            min_stake: 2_000_000,
            existential_deposit: 500,
        }
    }
}

/// A hyperparameter outside the range the simulator can run: the field and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidHyperparameter {
    pub field: &'static str,
    pub message: String,
}

impl Hyperparameters {
    /// The activity cutoff in blocks (§2.1).
    pub fn activity_cutoff(&self) -> u64 {
        self.activity_cutoff
            .unwrap_or_else(|| (u64::from(self.activity_cutoff_factor_milli) * u64::from(self.tempo) / 1000).max(1))
    }

    /// The liquid-alpha settings when liquid alpha is on.
    pub fn liquid_alpha(&self) -> Option<LiquidAlpha> {
        self.liquid_alpha.then_some(LiquidAlpha {
            alpha_low: self.alpha_low,
            alpha_high: self.alpha_high,
            steepness: self.alpha_sigmoid_steepness,
        })
    }

    pub fn validate(&self) -> Result<(), InvalidHyperparameter> {
        let invalid = |field, message: String| Err(InvalidHyperparameter { field, message });
        if self.bonds_moving_average > 1_000_000 {
            return invalid(
                "bonds_moving_average",
                format!("{} is above 1000000 (α = 1 − bma/10^6 must stay in [0, 1])", self.bonds_moving_average),
            );
        }
        if self.alpha_low > self.alpha_high {
            return invalid(
                "alpha_low",
                format!("{} is above alpha_high {} (the chain requires low ≤ high)", self.alpha_low, self.alpha_high),
            );
        }
        if self.max_allowed_uids == 0 || self.max_allowed_uids > UIDS_MAX {
            return invalid(
                "max_allowed_uids",
                format!("{} is outside 1..={UIDS_MAX}, the subnet sizes the simulator runs", self.max_allowed_uids),
            );
        }
        for (field, value) in
            [("burn_increase_mult", self.burn_increase_mult), ("subnet_moving_alpha", self.subnet_moving_alpha)]
        {
            if !value.is_finite() || value < 0.0 {
                return invalid(field, format!("{value} is not a finite non-negative number"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity_cutoff_from_factor() {
        let mut h = Hyperparameters::default();
        assert_eq!(h.activity_cutoff(), 5_000);
        h.tempo = 1;
        assert_eq!(h.activity_cutoff(), 13);
        h.tempo = 0;
        assert_eq!(h.activity_cutoff(), 1);
        h.activity_cutoff = Some(910_201);
        assert_eq!(h.activity_cutoff(), 910_201);
    }

    #[test]
    fn defaults_are_valid_and_ranges_are_enforced() {
        assert_eq!(Hyperparameters::default().validate(), Ok(()));
        let h = Hyperparameters { alpha_low: 2, alpha_high: 1, ..Hyperparameters::default() };
        assert_eq!(h.validate().unwrap_err().field, "alpha_low");
        let h = Hyperparameters { max_allowed_uids: UIDS_MAX + 1, ..Hyperparameters::default() };
        assert_eq!(h.validate().unwrap_err().field, "max_allowed_uids");
    }
}
