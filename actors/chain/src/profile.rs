//! Protocol profiles: the chain's rules as of a date, by name (spec §2.9 and the dated rules of
//! §3–§6). A profile fixes the rules a hyperparameter cannot change (the epoch cadence, which
//! Yuma eras exist, the epoch's rules of record, how the replaced UID is chosen) and the values
//! new subnets get. A runtime upgrade moves a running chain from one profile to another.

use super::hyperparameter_calls::rules::OwnerRules;
use super::hyperparameters::Hyperparameters;
use super::schedule::Cadence;
use super::yuma::{self, EpochRules, Era};

/// How a full subnet chooses the UID a newcomer replaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pruning {
    /// HEAD (§4.2): lowest Emission, with owner immortality and `min_non_immune_uids`.
    Emission,
    /// Until 2025-10-28 (§4.5): lowest `PruningScore`, ties to the earliest registration.
    PruningScore,
}

/// Where emission comes from and where stake lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tokenomics {
    /// Before 2025-02-13 (§3.6): the root network's emission values, TAO stake per hotkey, no
    /// subnet pools.
    PreDtao,
    /// Dynamic TAO (§3.4): subnet pools, alpha, the coinbase.
    Dtao,
}

/// How the registration price moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegistrationPrice {
    /// HEAD (§4.3, since 2026-04-22): decay every block, a jump at each registration, no caps.
    DecayAndBump,
    /// Before (§4.5): capped per block and per interval, adjusted towards the target rate at the
    /// end of every interval.
    IntervalAdjustment,
}

/// How the coinbase shares a block's TAO among subnets (§3.4.1, §3.4.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShareRule {
    /// By moving price, weighted by the miner emission not burned (HEAD; dTAO launch without the
    /// weighting).
    MovingPrice,
    /// 2025-11-04 → 2026-06-22: by the positive part of each subnet's moving average of net TAO
    /// staked into it, power-normalised.
    TaoFlow,
}

/// How `register_network` seeds the new subnet's pool (subnets spec §2.5-9, §2.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkPoolSeed {
    /// Until 2026-04-01: `SubnetTAO = SubnetAlphaIn = M` (price 1), the lock above M recycled.
    PriceOne,
    /// HEAD (since 2026-04/05, without owner alpha since 2026-05-08): the whole lock at the
    /// median price of the other subnets.
    MedianPrice,
}

/// Network registration's dated rules (subnets spec §2.9, §3 history, §2.5-14).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NetworkRules {
    /// Whether `SubnetLimit` is checked and the lowest-priced subnet pruned (since `835a2c902`,
    /// 2025-09-24; before it registration had no subnet-limit check).
    pub subnet_limit: bool,
    pub pool_seed: NetworkPoolSeed,
    /// `SubnetEmissionEnabled` of a registered subnet: false since `77c9ea2a0` (2026-06-23).
    pub emission_enabled_at_registration: bool,
    /// Whether a dissolution counts the pool's alpha in the protocol's share for subnets
    /// registered after `TaoInRefundDeploymentBlock` (since `d1de05615`, 2026-06-02, §4.1);
    /// before, the protocol's own alpha only.
    pub protocol_share_counts_pool_alpha: bool,
}

#[derive(Debug, PartialEq)]
pub struct Profile {
    pub name: &'static str,
    /// The main-line state the profile stands for.
    pub as_of: &'static str,
    pub summary: &'static str,
    pub tokenomics: Tokenomics,
    pub cadence: Cadence,
    pub epoch_rules: EpochRules,
    /// Whether the runtime has the `Yuma3On` switch (2025-05-28); without it every subnet runs
    /// original Yuma.
    pub has_yuma3: bool,
    pub pruning: Pruning,
    /// Dynamic TAO only.
    pub share_rule: ShareRule,
    pub registration_price: RegistrationPrice,
    /// `Yuma3On` of a subnet created under this profile.
    yuma3_for_new_subnets: bool,
    pub network_registration: NetworkRules,
    pub owner_calls: OwnerRules,
}

/// Network registration before the subnet limit (2025-09-24): no limit, pools at price 1.
const NETWORK_RULES_2025: NetworkRules = NetworkRules {
    subnet_limit: false,
    pool_seed: NetworkPoolSeed::PriceOne,
    emission_enabled_at_registration: true,
    protocol_share_counts_pool_alpha: false,
};

/// Owner calls before 2025-09-03: no owner rate limits, no freeze window.
const OWNER_RULES_BEFORE_LIMITS: OwnerRules = OwnerRules { rate_limits_and_freeze_window: false };
/// Owner calls since 2025-09-03 (`24db02417`).
const OWNER_RULES_LIMITED: OwnerRules = OwnerRules { rate_limits_and_freeze_window: true };

/// The profile a chain runs unless told otherwise.
pub const HEAD: &Profile = &PROFILES[4];

/// Every profile, oldest first.
pub const PROFILES: [Profile; 5] = [
    Profile {
        name: "legacy-2024",
        as_of: "2024-10 (before dTAO; liquid alpha v1 since 8cb6cb1c6)",
        tokenomics: Tokenomics::PreDtao,
        summary: "before dTAO: root-network emission by sigmoid consensus, TAO stake, original Yuma of 2024 \
                  (outdated bonds mask, no bonds penalty, no owner self-weight, liquid alpha v1), tempo + 1 \
                  cadence, pruning by PruningScore, the interval registration price",
        cadence: Cadence::Legacy,
        epoch_rules: EpochRules {
            owner_exemptions: false,
            stake_threshold_and_nonzero_permits: false,
            commit_reveal_mask: false,
            owner_self_weight: false,
            recently_registered_bonds_mask: false,
            bonds_penalty: false,
            liquid_alpha_v1: true,
        },
        has_yuma3: false,
        pruning: Pruning::PruningScore,
        share_rule: ShareRule::MovingPrice,
        registration_price: RegistrationPrice::IntervalAdjustment,
        yuma3_for_new_subnets: false,
        network_registration: NETWORK_RULES_2025,
        owner_calls: OWNER_RULES_BEFORE_LIMITS,
    },
    Profile {
        name: "dtao-2025",
        as_of: "2025-04 (dTAO, after e2b8367b8, b61dd3020, 8de0d23ca)",
        tokenomics: Tokenomics::Dtao,
        summary: "dynamic TAO with original Yuma (liquid alpha v1): tempo + 1 cadence, zero-stake permits, no \
                  stake threshold, pruning by PruningScore",
        cadence: Cadence::Legacy,
        epoch_rules: EpochRules {
            owner_exemptions: false,
            stake_threshold_and_nonzero_permits: false,
            commit_reveal_mask: false,
            liquid_alpha_v1: true,
            ..EpochRules::HEAD
        },
        has_yuma3: false,
        pruning: Pruning::PruningScore,
        share_rule: ShareRule::MovingPrice,
        registration_price: RegistrationPrice::IntervalAdjustment,
        yuma3_for_new_subnets: false,
        network_registration: NETWORK_RULES_2025,
        owner_calls: OWNER_RULES_BEFORE_LIMITS,
    },
    Profile {
        name: "yuma3-2025",
        as_of: "2025-08 (after 1b0c63a71 and 7b541095b)",
        tokenomics: Tokenomics::Dtao,
        summary: "Yuma3 with liquid alpha v2, stake threshold, non-zero permits and the commit-reveal mask; \
                  tempo + 1 cadence, pruning by PruningScore",
        cadence: Cadence::Legacy,
        epoch_rules: EpochRules { owner_exemptions: false, ..EpochRules::HEAD },
        has_yuma3: true,
        pruning: Pruning::PruningScore,
        share_rule: ShareRule::MovingPrice,
        registration_price: RegistrationPrice::IntervalAdjustment,
        yuma3_for_new_subnets: true,
        network_registration: NETWORK_RULES_2025,
        owner_calls: OWNER_RULES_BEFORE_LIMITS,
    },
    Profile {
        name: "flow-2026",
        as_of: "2026-03 (flow-based emission shares, after 6e3d24cea; before e7f05a051)",
        tokenomics: Tokenomics::Dtao,
        summary: "TAO shared by the moving average of net TAO flows into each subnet, power-normalised; \
                  Yuma3 opt-in, tempo + 1 cadence, pruning by Emission (the registration price of \
                  2026-01..04 is not in the spec: the HEAD price stands in)",
        cadence: Cadence::Legacy,
        epoch_rules: EpochRules { owner_exemptions: false, ..EpochRules::HEAD },
        has_yuma3: true,
        pruning: Pruning::Emission,
        share_rule: ShareRule::TaoFlow,
        registration_price: RegistrationPrice::DecayAndBump,
        yuma3_for_new_subnets: false,
        network_registration: NetworkRules { subnet_limit: true, ..NETWORK_RULES_2025 },
        owner_calls: OWNER_RULES_LIMITED,
    },
    Profile {
        name: "head-2026",
        as_of: "2026-07 (the HEAD of the spec, after bb3591e71)",
        tokenomics: Tokenomics::Dtao,
        summary: "the rules of spec HEAD: dynamic tempo cadence, owner exemptions, pruning by Emission",
        cadence: Cadence::Head,
        epoch_rules: EpochRules::HEAD,
        has_yuma3: true,
        pruning: Pruning::Emission,
        share_rule: ShareRule::MovingPrice,
        registration_price: RegistrationPrice::DecayAndBump,
        yuma3_for_new_subnets: true,
        network_registration: NetworkRules {
            subnet_limit: true,
            pool_seed: NetworkPoolSeed::MedianPrice,
            emission_enabled_at_registration: false,
            protocol_share_counts_pool_alpha: true,
        },
        owner_calls: OWNER_RULES_LIMITED,
    },
];

pub fn profile_by_name(name: &str) -> Option<&'static Profile> {
    PROFILES.iter().find(|profile| profile.name == name)
}

/// The names of every profile, for error messages and `--help`.
pub fn profile_names() -> String {
    PROFILES.iter().map(|profile| profile.name).collect::<Vec<_>>().join(", ")
}

impl Profile {
    /// The hyperparameters of a subnet created under this profile.
    pub fn new_subnet_hyperparameters(&self) -> Hyperparameters {
        Hyperparameters { yuma3: self.yuma3_for_new_subnets, ..Hyperparameters::default() }
    }

    /// The era a subnet with these hyperparameters runs.
    pub fn era(&self, h: &Hyperparameters) -> &'static dyn Era {
        if self.has_yuma3 && h.yuma3 { &yuma::Yuma3 } else { &yuma::OriginalYuma }
    }

    /// Settings this profile's runtime did not have, which it therefore ignores.
    pub fn ignored(&self, h: &Hyperparameters) -> Vec<&'static str> {
        let mut ignored = Vec::new();
        if !self.has_yuma3 && h.yuma3 {
            ignored.push("yuma3");
        }
        if !self.epoch_rules.stake_threshold_and_nonzero_permits && h.stake_threshold_rao != 0 {
            ignored.push("stake_threshold_rao");
        }
        ignored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_is_head_and_names_are_unique() {
        assert_eq!(HEAD.name, "head-2026");
        assert_eq!(HEAD.epoch_rules, EpochRules::HEAD);
        assert_eq!(HEAD.new_subnet_hyperparameters(), Hyperparameters::default());
        for (i, a) in PROFILES.iter().enumerate() {
            assert_eq!(profile_by_name(a.name), Some(a));
            assert!(PROFILES[i + 1..].iter().all(|b| b.name != a.name));
        }
    }

    #[test]
    fn network_registration_rules_keep_their_dates() {
        // Subnets spec §3 history (limit since 2025-09-24), §2.9 (median seeding after
        // 2026-04-01), §2.5-14 (emission off at registration since 2026-06-23).
        let rules = |name: &str| profile_by_name(name).unwrap().network_registration;
        for name in ["legacy-2024", "dtao-2025", "yuma3-2025"] {
            assert_eq!(rules(name), NETWORK_RULES_2025, "{name}");
        }
        let flow = rules("flow-2026");
        assert_eq!(
            (flow.subnet_limit, flow.pool_seed, flow.emission_enabled_at_registration),
            (true, NetworkPoolSeed::PriceOne, true)
        );
        let head = HEAD.network_registration;
        assert_eq!(
            (head.subnet_limit, head.pool_seed, head.emission_enabled_at_registration),
            (true, NetworkPoolSeed::MedianPrice, false)
        );
    }

    #[test]
    fn original_yuma_before_yuma3_whatever_the_flag() {
        let h = Hyperparameters { yuma3: true, ..Hyperparameters::default() };
        let dtao = profile_by_name("dtao-2025").unwrap();
        assert_eq!(dtao.era(&h).name(), "original");
        assert_eq!(dtao.ignored(&h), vec!["yuma3"]);
        assert_eq!(HEAD.era(&h).name(), "yuma3");
    }

    #[test]
    fn epoch_rules_follow_the_profile() {
        use crate::metagraph::{Metagraph, NeuronInit};
        let h = Hyperparameters { stake_threshold_rao: 500, owner_uid: Some(2), ..Hyperparameters::default() };
        let neuron = |stake_rao| NeuronInit { stake_rao, registered_at: 0, last_update: 0 };
        let run = |name: &str| {
            let mut subnet = Metagraph::new(h.clone(), &[neuron(1_000), neuron(400), neuron(0)]).unwrap();
            subnet.set_profile(profile_by_name(name).unwrap());
            let output = subnet.run_epoch(1, 0);
            (output.validator_permit, output.stake_weight)
        };
        // HEAD: uid 1 is below the threshold (no stake, no permit); the owner is exempt.
        assert_eq!(run("head-2026"), (vec![true, false, true], vec![65535, 0, 0]));
        // 2025-05-28 rules: threshold and non-zero permits, no owner exemption.
        assert_eq!(run("yuma3-2025"), (vec![true, false, false], vec![65535, 0, 0]));
        // Before: no threshold, and a zero stake may hold a permit.
        assert_eq!(run("dtao-2025"), (vec![true, true, true], vec![46810, 18724, 0]));
    }

    #[test]
    fn liquid_alpha_is_v1_in_original_yuma_before_yuma3_and_ignored_there_at_head() {
        use crate::metagraph::{Metagraph, NeuronInit};
        // Two validators weighting four miners differently: consensus spreads over the miners.
        // Tempo 1, so bonds carry over from one epoch to the next (no UID counts as new).
        let h = Hyperparameters {
            tempo: 1,
            yuma3: false,
            commit_reveal: false,
            weights_set_rate_limit: 0,
            ..Hyperparameters::default()
        };
        let neuron = |stake_rao| NeuronInit { stake_rao, registered_at: 0, last_update: 0 };
        let run = |name: &str, liquid_alpha: bool| {
            let neurons = [neuron(600), neuron(400), neuron(0), neuron(0), neuron(0), neuron(0)];
            let mut subnet = Metagraph::new(Hyperparameters { liquid_alpha, ..h.clone() }, &neurons).unwrap();
            subnet.set_profile(profile_by_name(name).unwrap());
            subnet.run_epoch(1, 0);
            // The validators swap their views every epoch, so old and new bonds differ and the
            // rate decides the blend.
            let (a, b) = ([10, 20, 30, 40], [40, 30, 20, 10]);
            let mut bonds = Vec::new();
            for k in 0..4u64 {
                let (first, second) = if k % 2 == 0 { (a, b) } else { (b, a) };
                subnet.set_weights(0, &[2, 3, 4, 5], &first, 0, 2 + 2 * k).unwrap();
                subnet.set_weights(1, &[2, 3, 4, 5], &second, 0, 2 + 2 * k).unwrap();
                bonds = subnet.run_epoch(3 + 2 * k, 1_000_000).bonds;
            }
            bonds
        };
        assert_ne!(run("dtao-2025", true), run("dtao-2025", false), "v1 rates move the bonds");
        assert_eq!(run("head-2026", true), run("head-2026", false), "HEAD's original Yuma ignores liquid alpha");
    }
}
