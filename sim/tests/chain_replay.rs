//! The chain replay over days of blocks: the kept cases of `scenarios/chain` (CI also runs the
//! 10^6-block sibling of the 5-day case, written by `generate.py --long`, through the release
//! binary).

mod common;

use tensorsim::replay::chain::{ChainCase, NetworkEventKind, run};
use tensorsim::replay::to_json;

fn short_case() -> ChainCase {
    let path = common::scenario("chain/conservation_4_subnets_5_days.json");
    ChainCase::parse(&std::fs::read_to_string(path).unwrap(), None).unwrap()
}

#[test]
fn five_days_of_four_subnets_conserve_tokens_and_reveal_every_commit() {
    let case = short_case();
    // `run` checks conservation after every block and fails on the first broken invariant.
    let output = run(&case).expect("tokens are conserved");
    assert!(output.reveals_refused.is_empty(), "{:?}", output.reveals_refused);
    // The script keeps every rule (one registration per block, six per interval under the
    // legacy price, rate limits, reveal epochs), so nothing is refused before or after the
    // runtime upgrade.
    assert!(output.rejected.is_empty(), "{:?}", &output.rejected[..output.rejected.len().min(3)]);
    let upgrade = 18_000;
    for record in &output.blocks {
        assert_eq!(record.profile, if record.block < upgrade { "yuma3-2025" } else { "head-2026" });
        for books in &record.subnets {
            assert_eq!(books.n, 32, "block {}: every subnet is full", record.block);
            if record.block < upgrade {
                // The legacy index is ⌊(b + netuid + 1) / (T + 1)⌋.
                assert_eq!(books.epoch_index, (record.block + u64::from(books.netuid) + 1) / 361);
            }
        }
    }
    // After the upgrade every subnet runs an epoch each 360 blocks: 18 000 blocks, 50 epochs.
    let last = output.blocks.last().unwrap();
    let at_upgrade = (upgrade + 2) / 361;
    assert_eq!(last.block, 36_000);
    for books in &last.subnets {
        let since = books.epoch_index - at_upgrade;
        assert!((49..=50).contains(&since), "subnet {}: {since} epochs since the upgrade", books.netuid);
    }
}

#[test]
fn the_same_case_gives_the_same_bytes() {
    let case = short_case();
    assert_eq!(to_json(&run(&case).unwrap()), to_json(&run(&case).unwrap()));
}

#[test]
fn registrations_outrun_the_subnet_limit_and_every_prune_pays_its_pot_out_with_tokens_conserved() {
    let path = common::scenario("chain/subnets_pruned_and_reregistered.json");
    let case = ChainCase::parse(&std::fs::read_to_string(path).unwrap(), None).unwrap();
    // `run` checks conservation after every block and fails on the first broken invariant.
    let output = run(&case).expect("tokens are conserved");
    let refusals: Vec<&str> = output.rejected.iter().map(|r| r.error.split(':').next().unwrap()).collect();
    // The owner's calls the script meant to fail, and the two registrations while every subnet
    // was immune; every start_call and stake landed.
    assert_eq!(
        refusals,
        vec![
            "TxRateLimitExceeded",
            "BadOrigin",
            "BadOrigin",
            "InvalidValue",
            "AdminActionProhibitedDuringWeightsWindow",
            "SubnetLimitReached",
            "SubnetLimitReached",
            "TxRateLimitExceeded",
        ]
    );
    let events: Vec<&NetworkEventKind> =
        output.blocks.iter().flat_map(|record| &record.network_events).map(|event| &event.kind).collect();
    let (mut registered, mut pruned, mut dissolved) = (Vec::new(), 0, 0);
    for (k, event) in events.iter().enumerate() {
        match event {
            NetworkEventKind::Registered { netuid, .. } => registered.push(*netuid),
            NetworkEventKind::Pruned(dissolution) | NetworkEventKind::Dissolved(dissolution) => {
                let paid: u64 = dissolution.payouts.iter().map(|payout| payout.tao_rao).sum();
                assert_eq!(paid + dissolution.protocol_share_rao, dissolution.pot_rao, "the whole pot is shared");
                if let NetworkEventKind::Pruned(_) = event {
                    pruned += 1;
                    // A prune comes right before the registration that takes its netuid.
                    let NetworkEventKind::Registered { netuid, .. } = events[k + 1] else { panic!("{event:?}") };
                    assert_eq!(*netuid, dissolution.netuid);
                } else {
                    dissolved += 1;
                }
            }
        }
    }
    assert_eq!((registered.len(), pruned, dissolved), (20, 17, 1));
    assert!(registered.iter().all(|&netuid| (1..=4).contains(&netuid)), "netuids are reused: {registered:?}");
    let last = output.blocks.last().unwrap();
    assert_eq!((last.block, last.subnets.len()), (9_001, 4));
    assert!(output.blocks.iter().all(|record| record.network_lock_cost_rao.is_some()));
}
