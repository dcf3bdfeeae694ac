//! Stage 2, stakes: what each validator holds at genesis, from what its group states. `stake_tao`
//! is TAO staked through the subnet's pool in node order, so the stake weight it buys depends on
//! the pool and on who bought before (slippage); `stake_alpha` is alpha held as stated;
//! `stake_share` is the group's share of the subnet's validator stake weight, turned here into
//! equal amounts for its members such that the share holds at genesis.
//!
//! Stake weight at genesis is alpha on a dTAO chain (alpha + τ·root TAO, and genesis stakes no
//! validator on root there) and the TAO staked on root before dTAO. The groups stating TAO or
//! alpha hold a fixed weight F (the pool's swaps are replayed, in node order, to know it); shares
//! summing to s < 1 then take s of a total F / (1 − s), and those groups keep their F. With no F
//! beside them the shares sum to 1 and the total is the subnet's pool (`pool_tao`).

use tensorsim_chain::block_emission::TOTAL_SUPPLY_RAO;
use tensorsim_chain::pool::Pool;
use tensorsim_chain::profile::{Profile, Tokenomics};

use crate::scenario::error::{ScenarioError, invalid};
use crate::scenario::plan::{GENESIS_TAO_MAX, GenesisStake, RAO_PER_TAO, SubnetPlan};
use crate::scenario::types::{Ladder, SubnetSpec, ValidatorGroup};

/// Shares are written as decimals (0.7 + 0.2 + 0.1 is not 1 in binary): sums within this of 1
/// are 1.
const SHARE_SUM_TOLERANCE: f64 = 1e-9;

/// Each validator's genesis stake: `[subnet][group][member]`, in scenario order.
pub(super) type Stakes = Vec<Vec<Vec<GenesisStake>>>;

/// What a group states.
#[derive(Clone, Copy)]
enum Stated {
    Tao(Ladder),
    Alpha(Ladder),
    Share(f64),
}

pub(super) fn resolve(
    specs: &[SubnetSpec],
    subnets: &[SubnetPlan],
    profile: &Profile,
) -> Result<Stakes, ScenarioError> {
    let specs = specs.iter().zip(subnets).enumerate();
    specs.map(|(index, (spec, subnet))| subnet_stakes(index, spec, subnet, profile)).collect()
}

/// One subnet's groups: the stated amounts first, then the shares from the weight they hold.
fn subnet_stakes(
    index: usize,
    spec: &SubnetSpec,
    subnet: &SubnetPlan,
    profile: &Profile,
) -> Result<Vec<Vec<GenesisStake>>, ScenarioError> {
    let path = |g: usize| format!("subnets[{index}].validators[{g}]");
    let stated = (spec.validators.iter().enumerate())
        .map(|(g, group)| stated(group, &path(g), profile))
        .collect::<Result<Vec<Stated>, ScenarioError>>()?;
    let mut stakes: Vec<Vec<GenesisStake>> = Vec::with_capacity(stated.len());
    for (group, stated) in spec.validators.iter().zip(&stated) {
        let count = group.count.get();
        let rao = |ladder: &Ladder, i: u64| (ladder.at(i, count) * RAO_PER_TAO).round() as u64;
        stakes.push(match stated {
            Stated::Tao(ladder) => (0..count).map(|i| GenesisStake::TaoRao(rao(ladder, i))).collect(),
            Stated::Alpha(ladder) => (0..count).map(|i| GenesisStake::AlphaRao(rao(ladder, i))).collect(),
            Stated::Share(_) => Vec::new(),
        });
    }
    let shares: Vec<(usize, f64)> = (stated.iter().enumerate())
        .filter_map(|(g, stated)| match stated {
            Stated::Share(share) => Some((g, *share)),
            _ => None,
        })
        .collect();
    if let Some(&(last, _)) = shares.last() {
        let total_rao = total_weight_rao(&shares, &stakes, subnet.pool_tao_rao, profile, &path(last))?;
        for &(g, share) in &shares {
            let count = spec.validators[g].count.get();
            let each_rao = (share * total_rao / count as f64).round() as u64;
            if each_rao == 0 {
                return invalid(format!("{}.stake_share", path(g)), format!("{share} rounds to 0 RAO per validator"));
            }
            stakes[g] = vec![genesis_stake(profile, each_rao); count as usize];
        }
    }
    check_alpha_issuance(&stakes, subnet.pool_tao_rao, &path, &stated)?;
    Ok(stakes)
}

/// The one stake a group states, as what it means under `profile`.
fn stated(group: &ValidatorGroup, path: &str, profile: &Profile) -> Result<Stated, ScenarioError> {
    let given = [
        ("stake_tao", group.stake_tao.map(Stated::Tao)),
        ("stake_alpha", group.stake_alpha.map(Stated::Alpha)),
        ("stake_share", group.stake_share.map(|share| Stated::Share(share.0))),
    ];
    let mut given = given.into_iter().filter_map(|(field, stated)| stated.map(|stated| (field, stated)));
    let Some((field, stated)) = given.next() else {
        return invalid(path, "a validator group states its stake as one of stake_tao, stake_alpha or stake_share");
    };
    if let Some((second, _)) = given.next() {
        return invalid(
            format!("{path}.{second}"),
            format!(
                "a validator group states one of stake_tao, stake_alpha or stake_share, and this one states {field} too"
            ),
        );
    }
    match stated {
        Stated::Tao(ladder) if ladder.max() > GENESIS_TAO_MAX => {
            invalid(format!("{path}.stake_tao"), "above the 21 M TAO supply")
        }
        Stated::Alpha(_) if profile.tokenomics == Tokenomics::PreDtao => invalid(
            format!("{path}.stake_alpha"),
            format!("{} has no alpha (before dTAO stake is TAO on root): state stake_tao or stake_share", profile.name),
        ),
        Stated::Alpha(ladder) if ladder.max() > GENESIS_TAO_MAX => {
            invalid(format!("{path}.stake_alpha"), "above the 21 M alpha a subnet issues")
        }
        stated => Ok(stated),
    }
}

/// The subnet's whole validator stake weight at genesis (RAO) once the shares are in: what the
/// stated groups hold over the part the shares leave them, or the pool when they hold nothing.
/// `path` is the last share-stating group's, where an impossible sum is refused.
fn total_weight_rao(
    shares: &[(usize, f64)],
    stakes: &[Vec<GenesisStake>],
    pool_tao_rao: u64,
    profile: &Profile,
    path: &str,
) -> Result<f64, ScenarioError> {
    let field = format!("{path}.stake_share");
    let sum: f64 = shares.iter().map(|&(_, share)| share).sum();
    // As written, to 9 decimals: 0.8 + 0.3 is 1.1000000000000001 in binary.
    let shown = (sum * 1e9).round() / 1e9;
    if sum > 1.0 + SHARE_SUM_TOLERANCE {
        return invalid(field, format!("the shares of this subnet's validator groups sum to {shown}, more than 1"));
    }
    // The pool's swaps add the stakes' TAO to its reserve: more than the supply (which the budget
    // stage refuses anyway) could overflow it first.
    let tao_rao: u128 = (stakes.iter().flatten())
        .map(|stake| match *stake {
            GenesisStake::TaoRao(tao_rao) => u128::from(tao_rao),
            GenesisStake::AlphaRao(_) => 0,
        })
        .sum();
    if tao_rao > (GENESIS_TAO_MAX * RAO_PER_TAO) as u128 {
        return invalid(field, "the stake_tao of this subnet's validators is above the 21 M TAO supply");
    }
    let fixed_rao = fixed_weight_rao(stakes, pool_tao_rao, profile) as f64;
    let total_rao = if fixed_rao > 0.0 {
        if sum >= 1.0 - SHARE_SUM_TOLERANCE {
            return invalid(
                field,
                "the shares sum to 1 and leave no stake weight to the groups stating stake_tao or stake_alpha",
            );
        }
        fixed_rao / (1.0 - sum)
    } else {
        if sum < 1.0 - SHARE_SUM_TOLERANCE {
            return invalid(
                field,
                format!("the shares sum to {shown}; with no stake in TAO or alpha beside them they must sum to 1"),
            );
        }
        if pool_tao_rao == 0 {
            return invalid(
                field,
                "with every stake a share the validators hold as much as the pool, and pool_tao is 0",
            );
        }
        pool_tao_rao as f64
    };
    if total_rao > GENESIS_TAO_MAX * RAO_PER_TAO {
        return invalid(
            field,
            format!("the shares make {:.0} of stake weight in all, more than the 21 M supply", total_rao / RAO_PER_TAO),
        );
    }
    Ok(total_rao)
}

/// The stake weight (RAO) the groups stating TAO or alpha hold at genesis: on a dTAO chain the
/// alpha each TAO stake buys from the pool, in node order as genesis stakes, plus the alpha held;
/// before dTAO the TAO itself.
fn fixed_weight_rao(stakes: &[Vec<GenesisStake>], pool_tao_rao: u64, profile: &Profile) -> u128 {
    // Genesis creates the pool at a price of 1 and registers without a burn, so the validators'
    // stakes are the pool's first swaps.
    let mut pool = Pool { tao_rao: pool_tao_rao, alpha_rao: pool_tao_rao };
    let pre_dtao = profile.tokenomics == Tokenomics::PreDtao;
    let weight_rao = |stake: &GenesisStake| match *stake {
        GenesisStake::TaoRao(tao) if pre_dtao => tao,
        GenesisStake::TaoRao(0) => 0,
        GenesisStake::TaoRao(tao) => pool.buy_alpha(tao),
        GenesisStake::AlphaRao(alpha) => alpha,
    };
    stakes.iter().flatten().map(weight_rao).map(u128::from).sum()
}

/// How a share's amount is held under `profile`: alpha issued on a dTAO chain, TAO on root before.
fn genesis_stake(profile: &Profile, rao: u64) -> GenesisStake {
    match profile.tokenomics {
        Tokenomics::PreDtao => GenesisStake::TaoRao(rao),
        Tokenomics::Dtao => GenesisStake::AlphaRao(rao),
    }
}

/// The alpha genesis issues on a subnet (its pool, and the alpha validators hold without buying
/// it) stays within the 21 M its halving curve reads; the group that would pass it is refused.
fn check_alpha_issuance(
    stakes: &[Vec<GenesisStake>],
    pool_tao_rao: u64,
    path: &dyn Fn(usize) -> String,
    stated: &[Stated],
) -> Result<(), ScenarioError> {
    let mut issued_rao = u128::from(pool_tao_rao);
    for (g, (group, stated)) in stakes.iter().zip(stated).enumerate() {
        let held: u128 = (group.iter())
            .map(|stake| match *stake {
                GenesisStake::AlphaRao(alpha) => u128::from(alpha),
                GenesisStake::TaoRao(_) => 0,
            })
            .sum();
        issued_rao += held;
        if issued_rao > u128::from(TOTAL_SUPPLY_RAO) {
            let field = if matches!(stated, Stated::Share(_)) { "stake_share" } else { "stake_alpha" };
            return invalid(
                format!("{}.{field}", path(g)),
                format!(
                    "the subnet would issue {:.0} alpha at genesis (its pool and the alpha held), more than 21 M",
                    issued_rao as f64 / RAO_PER_TAO
                ),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use tensorsim_chain::pool::Pool;
    use tensorsim_chain::profile::profile_by_name;

    use super::{Stakes, resolve};
    use crate::scenario::error::ScenarioError;
    use crate::scenario::plan::GenesisStake::{self, AlphaRao, TaoRao};
    use crate::scenario::resolve::fixtures::{error, scenario_changed, scenario_with};
    use crate::scenario::resolve::subnets;
    use crate::scenario::types::Scenario;

    const TAO: u64 = 1_000_000_000;
    // The fixture's validators: two honest ones staking 1 000 TAO each, then a cabal of one
    // staking 100 TAO; its pool holds 100 000 TAO and as much alpha.
    const HONEST: &str = "{name: honest, count: 2, stake_tao: 1000}";
    const CABAL: &str = "stake_tao: 100}";

    fn stakes_under(scenario: &Scenario, profile: &str) -> Result<Stakes, ScenarioError> {
        let profile = profile_by_name(profile).unwrap();
        resolve(&scenario.subnets, &subnets::resolve(&scenario.subnets, profile).unwrap(), profile)
    }

    fn stakes(scenario: &Scenario) -> Result<Stakes, ScenarioError> {
        stakes_under(scenario, "head-2026")
    }

    /// The cabal's stakes with its `stake_tao: 100` replaced by `stake`.
    fn cabal(stake: &str) -> Result<Vec<GenesisStake>, ScenarioError> {
        Ok(stakes(&scenario_with(CABAL, &format!("{stake}}}")))?[0][1].clone())
    }

    /// A group's part of the stake weight: `held` over it plus `others`.
    fn part(held: u64, others: u64) -> f64 {
        held as f64 / (held + others) as f64
    }

    #[test]
    fn tao_and_alpha_are_each_validators_own_amount_of_the_ladder() {
        let stakes = stakes(&scenario_changed(&[
            ("count: 2, stake_tao: 1000", "count: 3, stake_alpha: {from: 100, to: 300}"),
            (CABAL, "stake_tao: 0.5}"),
        ]))
        .unwrap();
        assert_eq!(
            stakes[0],
            [vec![AlphaRao(100 * TAO), AlphaRao(200 * TAO), AlphaRao(300 * TAO)], vec![TaoRao(TAO / 2)]]
        );
    }

    #[test]
    fn a_share_beside_tao_stakes_takes_its_part_of_the_alpha_that_tao_bought() {
        // 2 000 TAO bought 100 000 · 2 000 / 102 000 = 1 960.784 alpha from the pool (less a RAO
        // of flooring per swap); 0.3 of the total is 0.3 / 0.7 of that, 840.336 alpha. (Sized
        // from the TAO stated instead, 0.3 / 0.7 · 2 000 TAO, the cabal would hold 857.1 alpha:
        // 30.4 % of stake weight.)
        let [AlphaRao(held)] = cabal("stake_share: 0.3").unwrap()[..] else { panic!("one alpha stake") };
        assert!(held.abs_diff(840_336_134_454) <= 2, "{held}");
        let mut pool = Pool { tao_rao: 100_000 * TAO, alpha_rao: 100_000 * TAO };
        let honest = pool.buy_alpha(1_000 * TAO) + pool.buy_alpha(1_000 * TAO);
        assert!((part(held, honest) - 0.3).abs() < 1e-12, "{}", part(held, honest));
    }

    #[test]
    fn a_share_beside_alpha_held_takes_its_part_of_that_alpha() {
        let scenario =
            scenario_changed(&[(HONEST, "{name: honest, count: 2, stake_alpha: 700}"), (CABAL, "stake_share: 0.3}")]);
        assert_eq!(stakes(&scenario).unwrap()[0][1], [AlphaRao(600 * TAO)]);
    }

    #[test]
    fn a_share_is_split_equally_among_the_groups_validators() {
        let scenario = scenario_changed(&[
            ("count: 1, policy: {cabal", "count: 3, policy: {cabal"),
            (CABAL, "stake_share: 0.5}"),
            (HONEST, "{name: honest, count: 2, stake_alpha: 1500}"),
        ]);
        assert_eq!(stakes(&scenario).unwrap()[0][1], [AlphaRao(1_000 * TAO); 3]);
    }

    #[test]
    fn shares_of_every_group_divide_as_much_as_the_pool_holds() {
        let scenario = scenario_changed(&[
            (HONEST, "{name: honest, count: 2, stake_share: 0.7}"),
            (CABAL, "stake_share: 0.3}"),
            ("max_allowed_uids: 16}", "max_allowed_uids: 16}\n    pool_tao: 50000"),
        ]);
        assert_eq!(stakes(&scenario).unwrap()[0], [vec![AlphaRao(17_500 * TAO); 2], vec![AlphaRao(15_000 * TAO)]]);
    }

    #[test]
    fn before_dtao_a_share_is_tao_on_root_beside_tao_that_no_pool_discounts() {
        let scenario = scenario_with(CABAL, "stake_share: 0.2}");
        assert_eq!(stakes_under(&scenario, "legacy-2024").unwrap()[0][1], [TaoRao(500 * TAO)]);
    }

    #[test]
    fn a_group_stating_no_stake_is_refused() {
        assert_eq!(
            error(stakes(&scenario_with(", stake_tao: 100}", "}"))),
            "subnets[0].validators[1]: a validator group states its stake as one of stake_tao, stake_alpha or stake_share"
        );
    }

    #[test]
    fn a_group_stating_two_stakes_is_refused_at_the_second() {
        assert_eq!(
            error(cabal("stake_tao: 100, stake_share: 0.3")),
            "subnets[0].validators[1].stake_share: a validator group states one of stake_tao, stake_alpha or stake_share, and this one states stake_tao too"
        );
    }

    #[test]
    fn a_share_outside_zero_to_one_is_refused_as_it_is_read() {
        for share in ["0", "-0.1", "1.01", ".nan"] {
            let text =
                std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/smoke.yaml")).unwrap();
            let text = text.replace("stake_tao: 1500}", &format!("stake_share: {share}}}"));
            let message = crate::yaml::from_str::<Scenario>(&text).unwrap_err().to_string();
            assert!(message.contains("subnets[0].validators[1].stake_share: "), "{message}");
            assert!(message.ends_with("is not a share in (0, 1]"), "{message}");
        }
    }

    #[test]
    fn tao_or_alpha_above_the_supply_is_refused() {
        assert_eq!(
            error(cabal("stake_tao: {from: 1, to: 21000001}")),
            "subnets[0].validators[1].stake_tao: above the 21 M TAO supply"
        );
        assert_eq!(
            error(cabal("stake_alpha: 21000001")),
            "subnets[0].validators[1].stake_alpha: above the 21 M alpha a subnet issues"
        );
    }

    #[test]
    fn alpha_before_dtao_is_refused() {
        assert_eq!(
            error(stakes_under(&scenario_with(CABAL, "stake_alpha: 100}"), "legacy-2024")),
            "subnets[0].validators[1].stake_alpha: legacy-2024 has no alpha (before dTAO stake is TAO on root): state stake_tao or stake_share"
        );
    }

    #[test]
    fn shares_summing_over_one_are_refused() {
        let scenario =
            scenario_changed(&[(HONEST, "{name: honest, count: 2, stake_share: 0.8}"), (CABAL, "stake_share: 0.3}")]);
        assert_eq!(
            error(stakes(&scenario)),
            "subnets[0].validators[1].stake_share: the shares of this subnet's validator groups sum to 1.1, more than 1"
        );
    }

    #[test]
    fn shares_of_one_beside_tao_stakes_are_refused() {
        assert_eq!(
            error(cabal("stake_share: 1")),
            "subnets[0].validators[1].stake_share: the shares sum to 1 and leave no stake weight to the groups stating stake_tao or stake_alpha"
        );
    }

    #[test]
    fn shares_under_one_with_nothing_beside_them_are_refused() {
        // A zero TAO stake beside them holds nothing either.
        let scenario =
            scenario_changed(&[(HONEST, "{name: honest, count: 2, stake_tao: 0}"), (CABAL, "stake_share: 0.3}")]);
        assert_eq!(
            error(stakes(&scenario)),
            "subnets[0].validators[1].stake_share: the shares sum to 0.3; with no stake in TAO or alpha beside them they must sum to 1"
        );
    }

    #[test]
    fn shares_of_an_empty_pool_alone_are_refused() {
        let scenario = scenario_changed(&[
            (HONEST, "{name: honest, count: 2, stake_share: 0.7}"),
            (CABAL, "stake_share: 0.3}"),
            ("max_allowed_uids: 16}", "max_allowed_uids: 16}\n    pool_tao: 0"),
        ]);
        assert_eq!(
            error(stakes(&scenario)),
            "subnets[0].validators[1].stake_share: with every stake a share the validators hold as much as the pool, and pool_tao is 0"
        );
    }

    #[test]
    fn a_share_that_makes_more_than_the_supply_is_refused() {
        // The 1 960.8 alpha 2 000 TAO bought as 0.00001 of the whole: 196.1 M alpha in all. (At
        // 0.9999, 19.6 M, it is accepted.)
        assert!(cabal("stake_share: 0.9999").is_ok());
        assert_eq!(
            error(cabal("stake_share: 0.99999")),
            "subnets[0].validators[1].stake_share: the shares make 196078431 of stake weight in all, more than the 21 M supply"
        );
    }

    #[test]
    fn tao_stakes_beyond_the_supply_beside_a_share_are_refused_before_the_pool_swaps_overflow() {
        // 1 000 validators of 20 M TAO each: 2·10^19 RAO, past u64, which the pool's reserve
        // would have wrapped (or panicked on, in a debug build) before the budget refused it.
        let scenario = scenario_changed(&[
            ("max_allowed_uids: 16", "max_allowed_uids: 4096"),
            (HONEST, "{name: honest, count: 1000, stake_tao: 20000000}"),
            (CABAL, "stake_share: 0.3}"),
        ]);
        assert_eq!(
            error(stakes(&scenario)),
            "subnets[0].validators[1].stake_share: the stake_tao of this subnet's validators is above the 21 M TAO supply"
        );
    }

    #[test]
    fn a_share_that_rounds_to_no_rao_is_refused() {
        assert_eq!(
            error(cabal("stake_share: 1e-20")),
            "subnets[0].validators[1].stake_share: 0.00000000000000000001 rounds to 0 RAO per validator"
        );
    }

    #[test]
    fn alpha_held_beyond_what_a_subnet_issues_is_refused_at_the_group_that_passes_it() {
        // 20 M alpha held and 0.04 of the whole, 833 333 alpha: within the supply as stake weight,
        // beyond it with the pool's 1 M.
        let scenario = scenario_changed(&[
            (HONEST, "{name: honest, count: 2, stake_alpha: 10000000}"),
            (CABAL, "stake_share: 0.04}"),
            ("max_allowed_uids: 16}", "max_allowed_uids: 16}\n    pool_tao: 1000000"),
        ]);
        assert_eq!(
            error(stakes(&scenario)),
            "subnets[0].validators[1].stake_share: the subnet would issue 21833333 alpha at genesis (its pool and the alpha held), more than 21 M"
        );
        let scenario = scenario_with(HONEST, "{name: honest, count: 2, stake_alpha: 10500000}");
        assert_eq!(
            error(stakes(&scenario)),
            "subnets[0].validators[0].stake_alpha: the subnet would issue 21100000 alpha at genesis (its pool and the alpha held), more than 21 M"
        );
    }
}
