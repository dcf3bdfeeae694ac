//! A subnet's epoch on the living chain (spec §3.4.5): drain the pending alpha, run Yuma, and pay
//! out. Miners' emission is staked to their hotkeys (recycled for the owner's own hotkeys);
//! validators' dividends split into an alpha part and a root part by where their stake weight
//! comes from, rescaled to the pending amounts; the hotkey's take goes to its owner, the rest to
//! its nominators; the owner cut to the owner's hotkey. What flooring leaves is recycled; what the
//! validators' rescaling gives beyond what was drained is issued (see `settle`).

use super::accounts::{ColdkeyId, HotkeyId};
use super::fixed::{U64F64, U96F32};
use super::state::{Chain, tao_weight_fraction};
use super::subnet::PendingEmission;
use super::yuma::EpochOutput;

impl Chain {
    pub(super) fn drain_and_distribute(&mut self, netuid: u16, block: u64) -> EpochOutput {
        self.refresh_stake_weights(netuid);
        let pending = std::mem::take(&mut self.subnet_mut(netuid).pending);
        let emission = pending.server_rao + pending.validator_rao + pending.root_alpha_rao;
        let subnet = self.subnet_mut(netuid);
        let output = subnet.metagraph.run_epoch(block, emission);
        subnet.metagraph.set_last_mechanism_step_block(block);

        let budgets = validator_budgets(&output, &pending);
        let paid = Payout {
            miners_rao: self.pay_miners(netuid, &output),
            validators_rao: self.pay_validators(netuid, &output, budgets),
            owner_rao: self.stake_to_owner(netuid, self.subnet(netuid).owner_hotkey, pending.owner_cut_rao),
        };
        let subnet = self.subnet_mut(netuid);
        match settle(&output, &pending, budgets, paid) {
            Settlement::Recycle(alpha_rao) => subnet.recycle_alpha(alpha_rao),
            Settlement::Issue(alpha_rao) => subnet.issue_alpha(alpha_rao),
        }
        output
    }

    /// Alpha staked to `hotkey`'s owner on `netuid`.
    fn stake_to_owner(&mut self, netuid: u16, hotkey: HotkeyId, alpha_rao: u64) -> u64 {
        let owner = self.accounts.owner_of(hotkey);
        self.stakes.entry((netuid, hotkey)).or_default().deposit(owner, alpha_rao);
        alpha_rao
    }

    /// Each miner's server emission staked to its hotkey; the subnet owner's own hotkeys get
    /// nothing (recycled), and their share becomes `MinerBurned`. Returns the alpha paid.
    fn pay_miners(&mut self, netuid: u16, output: &EpochOutput) -> u64 {
        let owner = self.subnet(netuid).owner_coldkey;
        let hotkeys = self.subnet(netuid).hotkeys.clone();
        let (mut paid, mut burned) = (0u64, 0u64);
        for (&hotkey, &amount) in hotkeys.iter().zip(&output.server_emission_rao) {
            if self.accounts.owner_of(hotkey) == owner {
                burned += amount;
            } else {
                paid += self.stake_to_owner(netuid, hotkey, amount);
            }
        }
        let total = paid + burned;
        self.subnet_mut(netuid).miner_burned =
            if total == 0 { U64F64::from_num(0) } else { U64F64::from_num(burned) / U64F64::from_num(total) };
        paid
    }

    /// Validators' dividends, split and rescaled by [`split_dividends`] to `budgets`. Returns the
    /// alpha paid.
    fn pay_validators(&mut self, netuid: u16, output: &EpochOutput, budgets: ValidatorBudgets) -> u64 {
        let hotkeys = self.subnet(netuid).hotkeys.clone();
        let dividends: Vec<ValidatorDividend> = hotkeys
            .iter()
            .zip(&output.validator_emission_rao)
            .filter(|&(_, &dividend)| dividend > 0)
            .map(|(&hotkey, &dividend_rao)| ValidatorDividend {
                hotkey,
                dividend_rao,
                alpha_stake_rao: self.hotkey_alpha(hotkey, netuid),
                root_stake_rao: self.hotkey_root_tao(hotkey),
            })
            .collect();
        let (alpha, root) = split_dividends(&dividends, self.params.tao_weight, budgets.alpha_rao, budgets.root_rao);
        let mut paid = 0;
        for (hotkey, amount) in alpha {
            paid += self.pay_alpha_dividend(netuid, hotkey, amount);
        }
        for (hotkey, amount) in root {
            paid += self.pay_root_dividend(netuid, hotkey, amount);
        }
        paid
    }

    /// The hotkey's take to its owner; the rest grows its pool (every nominator pro-rata).
    fn pay_alpha_dividend(&mut self, netuid: u16, hotkey: HotkeyId, amount: u64) -> u64 {
        let take = take_of(amount, self.delegate_take(hotkey));
        self.stake_to_owner(netuid, hotkey, take);
        let pool = self.stakes.get_mut(&(netuid, hotkey)).expect("the take created the pool");
        if pool.has_holders() {
            pool.grow(amount - take);
        } else {
            // Nobody to share with (a take of 0 on an unstaked hotkey): all to the owner.
            self.stake_to_owner(netuid, hotkey, amount - take);
        }
        amount
    }

    /// The hotkey's take to its owner; the rest to the hotkey's root stakers pro-rata, as alpha
    /// on this subnet (root dividends claimed as alpha). Flooring dust goes to the owner.
    fn pay_root_dividend(&mut self, netuid: u16, hotkey: HotkeyId, amount: u64) -> u64 {
        let owner = self.accounts.owner_of(hotkey);
        let take = take_of(amount, self.delegate_take(hotkey));
        let rest = amount - take;
        let stakers: Vec<(ColdkeyId, u64)> =
            self.root.get(&hotkey).map_or(Vec::new(), |pool| pool.owners().map(|c| (c, pool.value_of(c))).collect());
        let total: u128 = stakers.iter().map(|&(_, v)| u128::from(v)).sum();
        let pool = self.stakes.entry((netuid, hotkey)).or_default();
        let mut given = 0;
        for (staker, value) in stakers {
            let share = (u128::from(rest) * u128::from(value)).checked_div(total).unwrap_or(0) as u64;
            pool.deposit(staker, share);
            given += share;
        }
        pool.deposit(owner, take + rest - given);
        amount
    }
}

/// Alpha paid per hotkey.
pub type Payouts = Vec<(HotkeyId, u64)>;

/// What an epoch's payout gave each side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Payout {
    miners_rao: u64,
    validators_rao: u64,
    owner_rao: u64,
}

/// What is left of the drained alpha once paid out (recycled), or what the payout gave beyond it
/// (issued).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Settlement {
    Recycle(u64),
    Issue(u64),
}

/// Balances a payout against the drained pending emission, asserting that each side got at most
/// what it may: the epoch splits at most E = server + validator + root pending (§2.7), and
/// validators get at most their budgets (rescaling floors); miners get their split (or it is
/// burned) and the owner its cut, by construction.
///
/// Flooring usually leaves a remainder, recycled. The payout can also exceed what was drained, by
/// the rule of §3.4.5 itself: the miners keep their split, I_j / (ΣI + ΣD) of E, and the
/// validators' dividends are rescaled up to their pending half. When the dividends'
/// normalisation truncated more than the incentive's (ΣD < ΣI by a few 2^-32, as with one miner
/// holding all incentive and many validators sharing dividends), the miners' split is a few RAO
/// more than half of E, and the chain credits both: those RAO are new alpha, issued here. The two
/// bounds keep the excess at most what the rescaling added: the budgets less the epoch's
/// validator emission.
fn settle(output: &EpochOutput, pending: &PendingEmission, budgets: ValidatorBudgets, paid: Payout) -> Settlement {
    let sum = |amounts: &[u64]| amounts.iter().map(|&a| u128::from(a)).sum::<u128>();
    let (servers_rao, dividends_rao) = (sum(&output.server_emission_rao), sum(&output.validator_emission_rao));
    let emission_rao =
        u128::from(pending.server_rao) + u128::from(pending.validator_rao) + u128::from(pending.root_alpha_rao);
    let budget_rao = u128::from(budgets.alpha_rao) + u128::from(budgets.root_rao);
    assert!(
        servers_rao + dividends_rao <= emission_rao,
        "the epoch split {servers_rao} + {dividends_rao} of {emission_rao}"
    );
    assert!(u128::from(paid.validators_rao) <= budget_rao, "validators paid {} of {budget_rao}", paid.validators_rao);
    let drained = pending.total_rao();
    let paid = u128::from(paid.miners_rao) + u128::from(paid.validators_rao) + u128::from(paid.owner_rao);
    if paid <= drained {
        Settlement::Recycle((drained - paid) as u64)
    } else {
        Settlement::Issue((paid - drained) as u64)
    }
}

/// What validators' dividends are rescaled to (§3.4.5): their alpha part to the validator
/// pending, plus the miners' when the epoch paid no incentive at all; their root part to the
/// root pending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ValidatorBudgets {
    alpha_rao: u64,
    root_rao: u64,
}

fn validator_budgets(output: &EpochOutput, pending: &PendingEmission) -> ValidatorBudgets {
    let no_incentive = output.server_emission_rao.iter().all(|&e| e == 0);
    let alpha_rao = pending.validator_rao + if no_incentive { pending.server_rao } else { 0 };
    ValidatorBudgets { alpha_rao, root_rao: pending.root_alpha_rao }
}

/// A validator's epoch dividend and the stake it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ValidatorDividend {
    pub hotkey: HotkeyId,
    pub dividend_rao: u64,
    pub alpha_stake_rao: u64,
    pub root_stake_rao: u64,
}

/// Each dividend d split into a root part `d · τ·r / (a + τ·r)` and an alpha part (the rest), by
/// where the hotkey's stake weight comes from; then the alpha parts rescaled to `alpha_budget` and
/// the root parts to `root_budget` (§3.4.5). `tao_weight` is τ's raw u64.
pub fn split_dividends(
    dividends: &[ValidatorDividend],
    tao_weight: u64,
    alpha_budget: u64,
    root_budget: u64,
) -> (Payouts, Payouts) {
    let tau = tao_weight_fraction(tao_weight);
    let zero = U96F32::from_num(0);
    let (alpha_parts, root_parts): (Vec<_>, Vec<_>) = dividends
        .iter()
        .map(|d| {
            let alpha = U96F32::from_num(d.alpha_stake_rao);
            let root = tau * U96F32::from_num(d.root_stake_rao);
            let dividend = U96F32::from_num(d.dividend_rao);
            let root_part = if alpha + root == zero { zero } else { dividend * root / (alpha + root) };
            ((d.hotkey, dividend - root_part), (d.hotkey, root_part))
        })
        .unzip();
    (rescale(&alpha_parts, alpha_budget), rescale(&root_parts, root_budget))
}

fn take_of(amount: u64, take: u16) -> u64 {
    (u128::from(amount) * u128::from(take) / u128::from(u16::MAX)) as u64
}

/// Shares `budget` in proportion to `parts` (floored; the remainder is left to the caller).
fn rescale(parts: &[(HotkeyId, U96F32)], budget: u64) -> Payouts {
    let total = parts.iter().fold(U96F32::from_num(0), |sum, &(_, p)| sum + p);
    if total == U96F32::from_num(0) {
        return Vec::new();
    }
    parts.iter().map(|&(hotkey, part)| (hotkey, (U96F32::from_num(budget) * part / total).to_num::<u64>())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hyperparameters::Hyperparameters;
    use crate::pool::Pool;
    use crate::state::NetworkParameters;

    #[test]
    fn vector_coinbase_dividend_distribution_totals() {
        let dividends = [
            ValidatorDividend {
                hotkey: HotkeyId(0),
                dividend_rao: 77_783_738,
                alpha_stake_rao: 4_859_302,
                root_stake_rao: 2_342_352,
            },
            ValidatorDividend {
                hotkey: HotkeyId(1),
                dividend_rao: 19_283_940,
                alpha_stake_rao: 23_423,
                root_stake_rao: 859_273,
            },
        ];
        let tau_018 = 3_320_413_933_267_719_290;
        let sum = |parts: &[(HotkeyId, u64)]| parts.iter().map(|&(_, a)| a).sum::<u64>();
        let (alpha, root) = split_dividends(&dividends, tau_018, 183_123_567_452, 837_120_949_872);
        assert!(sum(&alpha).abs_diff(183_123_567_452) <= 1_000);
        assert!(sum(&root).abs_diff(837_120_949_872) <= 1_000);
        let (alpha, root) = split_dividends(&dividends, tau_018, 0, 837_120_949_872);
        assert_eq!(sum(&alpha), 0);
        assert!(sum(&root).abs_diff(837_120_949_872) <= 1_000);
        let (alpha, root) = split_dividends(&dividends, 0, 183_123_567_452, 0);
        assert!(sum(&alpha).abs_diff(183_123_567_452) <= 1_000);
        assert_eq!(sum(&root), 0);
    }

    #[test]
    fn vector_coinbase_distribute_emission_stakers() {
        // No weights, so no incentive: validators receive both halves, pro-rata to stake.
        for (stakers, stake_each, emission, want_each, tolerance) in [
            (1u32, 1_000_000_000u64, 1_000_000_000u64, 2_000_000_000u64, 10u64),
            (2, 1_000_000_000, 1_000_000_000, 1_500_000_000, 10),
            (1, 1, 1_000_000, 1_000_001, 1),
        ] {
            let h = Hyperparameters { tao_weight: 0, commit_reveal: false, ..Hyperparameters::default() };
            let mut chain = Chain::new(NetworkParameters::from_hyperparameters(&h));
            let owner = chain.create_coldkey(1_000_000_000);
            let owner_hotkey = chain.create_hotkey(owner);
            let netuid = chain
                .create_subnet(owner_hotkey, h, Pool { tao_rao: 1_000_000, alpha_rao: 1_000_000 }, U64F64::from_num(0))
                .unwrap();
            let mut validators = Vec::new();
            for _ in 0..stakers {
                let coldkey = chain.create_coldkey(0);
                let hotkey = chain.create_hotkey(coldkey);
                chain.register_at_genesis(coldkey, hotkey, netuid).expect("a free slot");
                chain.stakes.entry((netuid, hotkey)).or_default().deposit(coldkey, stake_each);
                validators.push(hotkey);
            }
            let subnet = chain.subnet_mut(netuid);
            subnet.pending =
                PendingEmission { server_rao: emission / 2, validator_rao: emission / 2, ..PendingEmission::default() };
            let issued = u64::from(stakers) * stake_each + emission;
            subnet.alpha_out_rao += issued;
            subnet.alpha_issued_rao += u128::from(issued);
            chain.drain_and_distribute(netuid, 1);
            for hotkey in validators {
                assert!(chain.hotkey_alpha(hotkey, netuid).abs_diff(want_each) <= tolerance);
            }
            assert_eq!(chain.conservation(), Ok(()));
        }
    }

    /// One miner holds all incentive (ΣI = 1 exactly) while 40 validators of uneven stake share
    /// the dividends (ΣD = 1 less a few 2^-32): the epoch gives the miner more than half of E, and
    /// the validators' dividends are rescaled up to their whole pending half (§3.4.5). The chain
    /// pays both, as subtensor does, and issues the few RAO beyond what it drained; the books
    /// balance to the RAO. (It used to stop on "paid more than drained".)
    #[test]
    fn one_miner_with_all_incentive_keeps_its_whole_split_and_the_rao_paid_beyond_the_drain_are_issued() {
        let h = Hyperparameters { commit_reveal: false, max_allowed_validators: 64, ..Hyperparameters::default() };
        let mut chain = Chain::new(NetworkParameters::from_hyperparameters(&h));
        let owner = chain.create_coldkey(1_000_000_000);
        let owner_hotkey = chain.create_hotkey(owner);
        let pool = Pool { tao_rao: 1_000_000_000, alpha_rao: 1_000_000_000 };
        let netuid = chain.create_subnet(owner_hotkey, h, pool, U64F64::from_num(0)).unwrap();
        let mut genesis_rao = 0;
        let validators: Vec<HotkeyId> = (0..40u64)
            .map(|v| {
                let coldkey = chain.create_coldkey(0);
                let hotkey = chain.create_hotkey(coldkey);
                chain.register_at_genesis(coldkey, hotkey, netuid).expect("a free slot");
                let stake_rao = 10_000_000_000 + v * 7_777_777;
                chain.stakes.entry((netuid, hotkey)).or_default().deposit(coldkey, stake_rao);
                genesis_rao += stake_rao;
                hotkey
            })
            .collect();
        let miner_coldkey = chain.create_coldkey(0);
        let miner = chain.create_hotkey(miner_coldkey);
        chain.register_at_genesis(miner_coldkey, miner, netuid).expect("a free slot");
        let subnet = chain.subnet_mut(netuid);
        subnet.alpha_out_rao += genesis_rao;
        subnet.alpha_issued_rao += u128::from(genesis_rao);
        // An epoch with nothing pending gives the permits; then every validator weights the miner.
        chain.drain_and_distribute(netuid, 1);
        let miner_uid = chain.subnet(netuid).uid_of(miner).unwrap();
        for &validator in &validators {
            let uid = chain.subnet(netuid).uid_of(validator).unwrap();
            chain.subnet_mut(netuid).metagraph.set_weights(uid, &[miner_uid], &[65_535], 0, 2).unwrap();
        }
        let pending = PendingEmission {
            server_rao: 147_600_824_040,
            validator_rao: 147_600_824_040,
            owner_cut_rao: 64_798_351_920,
            ..PendingEmission::default()
        };
        let subnet = chain.subnet_mut(netuid);
        subnet.pending = pending.clone();
        subnet.alpha_out_rao += pending.total_rao() as u64;
        subnet.alpha_issued_rao += pending.total_rao();
        let issued_before = chain.subnet(netuid).alpha_issued_rao;
        let staked = |chain: &Chain| validators.iter().map(|&v| chain.hotkey_alpha(v, netuid)).sum::<u64>();
        let validators_before = staked(&chain);

        let output = chain.drain_and_distribute(netuid, 3);
        let miner_rao = output.server_emission_rao[usize::from(miner_uid)];
        assert_eq!(output.incentive[usize::from(miner_uid)], 65_535, "the miner holds all incentive");
        assert_eq!(chain.hotkey_alpha(miner, netuid), miner_rao, "the miner gets its whole split");
        assert!(miner_rao > pending.server_rao, "the split is more than the miners' pending half: {miner_rao}");
        let validators_rao = staked(&chain) - validators_before;
        assert!(validators_rao <= pending.validator_rao && validators_rao + 40 >= pending.validator_rao);
        let paid = u128::from(miner_rao + validators_rao + pending.owner_cut_rao);
        assert_eq!(chain.subnet(netuid).alpha_issued_rao - issued_before, paid - pending.total_rao());
        assert_eq!(chain.conservation(), Ok(()));
    }
}
