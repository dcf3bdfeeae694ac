//! One grid point's epoch on the chain model: the drawn stakes and weights as the chain stores
//! them, the chain's own fixed-point epoch (not a re-implementation: `yuma::Consensus`, the epoch
//! up to its era's step, then the era's step and the emission once per β), and the honest share
//! of what it emits.
//!
//! The chain is the `dtao-2025` profile's: original Yuma with the bonds penalty. Upstream's test
//! (`map_consensus_guarantees`, Feb 2025) ran the chain of its day, original Yuma with β as the
//! `bonds_penalty` hyperparameter; the docs' figures (Nov 2023) predate that hyperparameter, when
//! bonds were bought with the clipped weights, which is β = 1 exactly here. No owner, no stake
//! threshold, no commit-reveal: none of the dated rules `dtao-2025` switches on matter to this
//! network, and liquid alpha is off as in upstream's mock.

use tensorsim_chain::fixed::{I64F64, u16_max_upscale};
use tensorsim_chain::hyperparameters::Hyperparameters;
use tensorsim_chain::profile::{Profile, profile_by_name};
use tensorsim_chain::yuma::{self, Consensus, EpochInputs, Era};

use super::draw::{Layout, NEURONS, VALIDATORS};

pub const PROFILE: &str = "dtao-2025";
/// The RAO one epoch distributes (upstream's `epoch(netuid, 1_000_000_000)`).
const EMISSION_RAO: u64 = 1_000_000_000;
/// Upstream registers every UID at block 0, runs the permit epoch, then sets weights and runs the
/// measured epoch at block 1: every weight is newer than every registration.
const BLOCK: u64 = 1;

/// A drawn subnet before its weights: the stakes, the permits the first epoch gave them, and the
/// per-UID blocks the epoch reads.
pub struct Subnet {
    profile: &'static Profile,
    hyperparameters: Hyperparameters,
    stake: Vec<I64F64>,
    permits: Vec<bool>,
    last_update: Vec<u64>,
    registered_at: Vec<u64>,
}

impl Subnet {
    /// The subnet holding `stake_rao`, with the permits of upstream's first epoch (run before any
    /// weight: the 64 largest stakes).
    pub fn new(stake_rao: &[u64]) -> Subnet {
        assert_eq!(stake_rao.len(), NEURONS, "a stake per UID");
        let profile = profile_by_name(PROFILE).expect("the study's profile exists");
        let hyperparameters = Hyperparameters {
            // Upstream's `add_network(netuid, u16::MAX - 1, 0)`: no built-in epoch runs.
            tempo: u16::MAX - 1,
            // Upstream's mock (`InitialActivityCutoff`); every UID is active at block 1 anyway.
            activity_cutoff: Some(5_000),
            max_allowed_uids: NEURONS as u16,
            max_allowed_validators: VALIDATORS as u16,
            ..profile.new_subnet_hyperparameters()
        };
        let mut subnet = Subnet {
            profile,
            hyperparameters,
            stake: stake_rao.iter().map(|&s| I64F64::from_num(s)).collect(),
            permits: vec![false; NEURONS],
            last_update: vec![0; NEURONS],
            registered_at: vec![0; NEURONS],
        };
        let kappa = subnet.hyperparameters.kappa;
        subnet.permits = yuma::epoch(subnet.era(), &subnet.inputs(&[], 0, kappa)).validator_permit;
        subnet.last_update = vec![BLOCK; NEURONS];
        subnet
    }

    fn era(&self) -> &'static dyn Era {
        self.profile.era(&self.hyperparameters)
    }

    fn inputs<'a>(&'a self, weights: &'a [Vec<(u16, u16)>], block: u64, kappa: u16) -> EpochInputs<'a> {
        let h = &self.hyperparameters;
        EpochInputs {
            block,
            tempo: h.tempo,
            activity_cutoff: h.activity_cutoff(),
            last_mechanism_step_block: 0,
            last_update: &self.last_update,
            registered_at: &self.registered_at,
            stake: &self.stake,
            validator_permit: &self.permits,
            weights,
            bonds: &[],
            first_commit_block: None,
            owner_uid: None,
            stake_threshold_rao: 0,
            max_allowed_validators: h.max_allowed_validators,
            kappa,
            bonds_penalty: h.bonds_penalty,
            bonds_moving_average: h.bonds_moving_average,
            liquid_alpha: None,
            emission_rao: EMISSION_RAO,
            rules: self.profile.epoch_rules,
        }
    }

    /// E_H, the honest UIDs' share of the epoch's emission (incentive and dividends each half of
    /// it: ξ = 0.5), on `weights` as the chain stores them ([`stored_row`]), at κ = `kappa` and
    /// each of `bonds_penalties` (u16 proportions as the chain stores them). One consensus serves
    /// every β, and the bonds are not encoded for storage: [`Consensus::emission`] at a β is the
    /// emission of the epoch at that β (the chain's property tests hold it so).
    pub fn honest_emission(
        &self,
        weights: &[Vec<(u16, u16)>],
        layout: Layout,
        kappa: u16,
        bonds_penalties: &[u16],
    ) -> Vec<f64> {
        let inputs = self.inputs(weights, BLOCK, kappa);
        let consensus = Consensus::of(&inputs);
        let era = self.era();
        bonds_penalties.iter().map(|&beta| honest_share(&consensus.emission(era, beta).combined_rao, layout)).collect()
    }
}

/// The honest UIDs' share of `emission_rao` (0 when nothing was emitted).
fn honest_share(emission_rao: &[u64], layout: Layout) -> f64 {
    let (mut honest, mut total) = (0u64, 0u64);
    for (uid, &rao) in emission_rao.iter().enumerate() {
        total += rao;
        if layout.is_honest(uid) {
            honest += rao;
        }
    }
    if total == 0 { 0.0 } else { honest as f64 / total as f64 }
}

/// A validator's row on `dests` as `set_weights` stores it: max-upscaled (the chain's §5.1 rule).
pub fn stored_row(dests: &[u16], values: &[u16], out: &mut Vec<(u16, u16)>) {
    out.clear();
    out.extend(dests.iter().copied().zip(u16_max_upscale(values)));
}

/// Upstream's servers each set a self-weight; the epoch masks it (no permit, the diagonal), and it
/// is kept so the epoch sees the stored weights upstream's did.
pub fn server_self_weight(uid: usize) -> Vec<(u16, u16)> {
    vec![(uid as u16, u16::MAX)]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A subnet of two staked validators, UID 0 honest and UID 1 the cabal, and two servers that
    /// matter, 64 honest and 65 the cabal's (every other UID idle: no stake, no weights): E_H of
    /// one epoch on `rows`.
    fn two_sided(stake_rao: [u64; 2], rows: [Vec<(u16, u16)>; 2], kappa: u16, bonds_penalty: u16) -> f64 {
        let mut stake = vec![0u64; NEURONS];
        stake[..2].copy_from_slice(&stake_rao);
        let subnet = Subnet::new(&stake);
        let mut weights = vec![Vec::new(); NEURONS];
        let [a, b] = rows;
        weights[0] = a;
        weights[1] = b;
        let layout = Layout { honest_validators: 1, honest_servers: 1 };
        let e_h = subnet.honest_emission(&weights, layout, kappa, &[bonds_penalty])[0];
        // The one epoch of the chain at that β gives the same.
        let alone = yuma::epoch(subnet.era(), &EpochInputs { bonds_penalty, ..subnet.inputs(&weights, BLOCK, kappa) });
        assert_eq!(e_h, honest_share(&alone.emission_rao, layout));
        e_h
    }

    const HALF: u16 = 32_767;

    /// Validator 0 (60 % of the stake) weights only server 64, validator 1 (40 %) only server 65.
    /// At κ = 1/2 consensus is 1 on column 64 and 0 on column 65 (40 % supports more than 0), so
    /// validator 1's weight is clipped away: I = (1, 0). At β = 1 validator 0 holds all of server
    /// 64's bond: D = (1, 0). At β = 0 validator 1 bonds with server 65, whose incentive is 0: D is
    /// again (1, 0). The honest side takes everything either way.
    #[test]
    fn a_minority_weighting_only_its_own_server_is_clipped_to_nothing() {
        let rows = || [vec![(64, 65_535)], vec![(65, 65_535)]];
        assert_eq!(two_sided([600, 400], rows(), HALF, 65_535), 1.0);
        assert_eq!(two_sided([600, 400], rows(), HALF, 0), 1.0);
    }

    /// Both validators split their weight evenly over servers 64 and 65: consensus is 1/2 on each
    /// column, nothing is clipped, I = (1/2, 1/2), and each validator's bond on each server is its
    /// stake share, D = (0.6, 0.4). I and D are each half of the emission, so the honest side
    /// (validator 0, server 64) gets (0.6 + 0.5) / 2 = 0.55, to fixed-point rounding.
    #[test]
    fn with_equal_weights_the_honest_side_earns_half_its_incentive_and_its_stake_share_of_dividends() {
        let even = vec![(64, 65_535), (65, 65_535)];
        for bonds_penalty in [0, 32_767, 65_535] {
            let e_h = two_sided([600, 400], [even.clone(), even.clone()], HALF, bonds_penalty);
            assert!((e_h - 0.55).abs() < 1e-6, "{e_h}");
        }
    }

    /// κ above the honest stake: validator 0 (60 %) alone no longer supports its weight on server
    /// 64 at κ = 0.7, so both columns' consensus is 0 and every weight is clipped: nothing is
    /// earned, and the chain falls back to paying validators by active stake (§2.7.3): E_H = 0.6.
    #[test]
    fn a_kappa_above_the_honest_stake_clips_everything_and_pays_by_stake() {
        let e_h = two_sided([600, 400], [vec![(64, 65_535)], vec![(65, 65_535)]], 45_874, 65_535);
        assert!((e_h - 0.6).abs() < 1e-6, "{e_h}");
    }

    #[test]
    fn the_permit_epoch_gives_permits_to_the_staked_validators() {
        let mut stake = vec![0u64; NEURONS];
        stake[..VALIDATORS].iter_mut().enumerate().for_each(|(i, s)| *s = 1_000 + i as u64);
        let subnet = Subnet::new(&stake);
        assert!(subnet.permits[..VALIDATORS].iter().all(|&p| p));
        assert!(subnet.permits[VALIDATORS..].iter().all(|&p| !p));
    }
}
