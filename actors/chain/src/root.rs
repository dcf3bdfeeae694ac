//! The root network before dTAO (spec §3.6): the largest stakeholders (up to 64) weight the
//! subnets, and every root tempo the root epoch turns those weights into each subnet's share of
//! the block emission (`EmissionValues`), by stake-weighted rank times a sigmoid consensus.
//!
//! At HEAD the root network has no epoch (§3.4a); its members and weights are kept but unused.

use substrate_fixed::transcendental::exp;

use super::accounts::HotkeyId;
use super::fixed::{I32F32, I64F64, normalize_i64f64, u16_max_upscale};
use super::schedule::legacy_epoch_due;
use super::state::Chain;

/// The root network's size on mainnet (`MaxAllowedUids` of netuid 0).
pub const ROOT_MEMBERS_MAX: usize = 64;
/// The root tempo set by the root network's creation.
pub const ROOT_TEMPO: u16 = 100;

/// Root members, their weights over netuids (max-upscaled u16, netuid ascending) and the last
/// emission values of the root epoch (RAO per block, by netuid, root included).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RootNetwork {
    pub members: Vec<HotkeyId>,
    pub weights: Vec<Vec<(u16, u16)>>,
    pub emission_values: Vec<u64>,
}

/// Why the chain refuses a root call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RootRefused {
    NoSuchHotkey,
    AlreadyMember,
    /// The root network is full and the newcomer's stake is not above the smallest member's.
    StakeTooLow {
        stake_rao: u64,
        lowest_rao: u64,
    },
    NotMember,
    LengthMismatch,
    NoSuchSubnet {
        netuid: u16,
    },
}

impl std::fmt::Display for RootRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Self::NoSuchHotkey => write!(f, "the hotkey does not exist"),
            Self::AlreadyMember => write!(f, "the hotkey is already on the root network"),
            Self::StakeTooLow { stake_rao, lowest_rao } => write!(
                f,
                "the root network is full and stake {stake_rao} RAO is not above its smallest member's {lowest_rao}"
            ),
            Self::NotMember => write!(f, "the hotkey is not on the root network"),
            Self::LengthMismatch => write!(f, "dests and values differ in length"),
            Self::NoSuchSubnet { netuid } => write!(f, "subnet {netuid} does not exist"),
        }
    }
}

/// The root epoch (§3.6) over `stake` (TAO per member) and member weights on `subnets` netuids
/// (root, netuid 0, included): per netuid `⌊e_k · block_emission⌋` with
/// `e ∝ sigmoid(ρ·(trust_k − κ)) · rank_k`. `None` (the chain's error: values unchanged) when
/// there are no members or no stake.
pub fn root_epoch(
    stake: &[u64],
    weights: &[Vec<(u16, u16)>],
    subnets: usize,
    rho: u16,
    kappa: u16,
    block_emission_rao: u64,
) -> Option<Vec<u64>> {
    assert_eq!(stake.len(), weights.len(), "a weight row per member");
    let zero = I64F64::from_num(0);
    if stake.is_empty() || subnets == 0 {
        return None;
    }
    let mut s: Vec<I64F64> = stake.iter().map(|&x| I64F64::from_num(x)).collect();
    let total: I64F64 = s.iter().copied().fold(zero, I64F64::saturating_add);
    if total == zero {
        return None;
    }
    normalize_i64f64(&mut s);
    let s_total: I64F64 = s.iter().copied().fold(zero, I64F64::saturating_add);

    let mut rank = vec![zero; subnets];
    let mut trust = vec![zero; subnets];
    for (row, &s_i) in weights.iter().zip(&s) {
        let row_sum: I64F64 =
            row.iter().filter(|&&(k, _)| usize::from(k) < subnets).map(|&(_, w)| I64F64::from_num(w)).sum();
        for &(k, w) in row.iter().filter(|&&(k, _)| usize::from(k) < subnets) {
            let k = usize::from(k);
            let w = I64F64::from_num(w);
            let normalised = if row_sum == zero { w } else { w.checked_div(row_sum).unwrap_or(zero) };
            rank[k] = rank[k].saturating_add(normalised.saturating_mul(s_i));
            if w > zero {
                trust[k] = trust[k].saturating_add(s_i);
            }
        }
    }
    let kappa = I64F64::from_num(I32F32::from_num(kappa) / I32F32::from_num(u16::MAX));
    let rho = I64F64::from_num(rho);
    let one = I64F64::from_num(1);
    let mut shares: Vec<I64F64> = trust
        .iter()
        .zip(&rank)
        .map(|(&t, &r)| {
            let t = t.checked_div(s_total).unwrap_or(zero);
            // exp(−ρ(t − κ)) overflows only far below κ, where the sigmoid is 0.
            let consensus = exp::<I64F64, I64F64>(rho.saturating_mul(kappa.saturating_sub(t)))
                .map_or(zero, |e| one.checked_div(one.saturating_add(e)).unwrap_or(zero));
            consensus.saturating_mul(r)
        })
        .collect();
    normalize_i64f64(&mut shares);
    let emission = I64F64::from_num(block_emission_rao);
    Some(shares.iter().map(|&e| e.saturating_mul(emission).saturating_to_num::<u64>()).collect())
}

impl Chain {
    /// `root_register`: the hotkey joins the root network, replacing the member with the least
    /// stake when it is full and the newcomer holds strictly more.
    pub fn root_register(&mut self, hotkey: HotkeyId) -> Result<(), RootRefused> {
        if !self.accounts.hotkey_exists(hotkey) {
            return Err(RootRefused::NoSuchHotkey);
        }
        if self.root_network.members.contains(&hotkey) {
            return Err(RootRefused::AlreadyMember);
        }
        if self.root_network.members.len() < ROOT_MEMBERS_MAX {
            self.root_network.members.push(hotkey);
            self.root_network.weights.push(Vec::new());
            return Ok(());
        }
        let stake = self.hotkey_root_tao(hotkey);
        let (lowest, lowest_rao) = self
            .root_network
            .members
            .iter()
            .enumerate()
            .map(|(index, &member)| (index, self.hotkey_root_tao(member)))
            .min_by_key(|&(index, stake)| (stake, index))
            .expect("a full root network has members");
        if stake <= lowest_rao {
            return Err(RootRefused::StakeTooLow { stake_rao: stake, lowest_rao });
        }
        self.root_network.members[lowest] = hotkey;
        self.root_network.weights[lowest].clear();
        Ok(())
    }

    /// `set_root_weights`: a member's weights over netuids (root included), max-upscaled.
    pub fn set_root_weights(&mut self, hotkey: HotkeyId, netuids: &[u16], values: &[u16]) -> Result<(), RootRefused> {
        let member = self.root_network.members.iter().position(|&m| m == hotkey).ok_or(RootRefused::NotMember)?;
        if netuids.len() != values.len() {
            return Err(RootRefused::LengthMismatch);
        }
        if let Some(&netuid) = netuids.iter().find(|&&netuid| netuid != 0 && !self.subnet_exists(netuid)) {
            return Err(RootRefused::NoSuchSubnet { netuid });
        }
        let mut row: Vec<(u16, u16)> = netuids.iter().copied().zip(u16_max_upscale(values)).collect();
        row.sort_unstable_by_key(|&(netuid, _)| netuid);
        row.dedup_by_key(|&mut (netuid, _)| netuid);
        self.root_network.weights[member] = row;
        Ok(())
    }

    /// The root epoch when the legacy schedule of netuid 0 says so; the values stand otherwise.
    pub(super) fn run_root_epoch_if_due(&mut self, block: u64, block_emission_rao: u64) {
        if !legacy_epoch_due(0, ROOT_TEMPO, block) {
            return;
        }
        let stake: Vec<u64> = self.root_network.members.iter().map(|&m| self.hotkey_root_tao(m)).collect();
        let (rho, kappa) = self
            .subnets
            .first()
            .map_or((10, 32_767), |s| (s.metagraph.hyperparameters.rho, s.metagraph.hyperparameters.kappa));
        // Emission values are indexed by netuid, root included, up to the highest living one.
        let subnets = self.subnets.last().map_or(0, |subnet| usize::from(subnet.netuid)) + 1;
        if let Some(values) = root_epoch(&stake, &self.root_network.weights, subnets, rho, kappa, block_emission_rao) {
            self.root_network.emission_values = values;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emission_follows_stake_weighted_rank_and_majority_support() {
        // Two members, 3:1 stake; both back subnet 1, only the small one backs subnet 2.
        let weights = vec![vec![(1, 65_535)], vec![(1, 65_535), (2, 65_535)]];
        let values = root_epoch(&[300, 100], &weights, 3, 10, 32_767, 1_000_000_000).unwrap();
        assert_eq!(values[0], 0, "nobody weights root");
        // rank: subnet 1 = 0.75 + 0.125, subnet 2 = 0.125; trust 1.0 and 0.25 → consensus
        // sigmoid(10·0.5) ≈ 0.9933 and sigmoid(−2.5) ≈ 0.0759.
        let (c1, c2) = (1.0 / (1.0 + (-5.0f64).exp()), 1.0 / (1.0 + 2.5f64.exp()));
        let (e1, e2) = (c1 * 0.875, c2 * 0.125);
        let want1 = 1e9 * e1 / (e1 + e2);
        assert!((values[1] as f64 - want1).abs() < 1e3, "{values:?} vs {want1}");
        assert!(values[1] + values[2] <= 1_000_000_000 && values[1] + values[2] > 999_999_000);
        assert_eq!(root_epoch(&[], &[], 3, 10, 32_767, 1), None);
        assert_eq!(root_epoch(&[0], &[vec![]], 3, 10, 32_767, 1), None);
    }
}
