//! The chain replay over days of blocks: the kept 5-day case of `scenarios/chain` (CI also runs
//! its 10^6-block sibling, written by `generate.py --long`, through the release binary).

mod common;

use tensorsim::replay::chain::{ChainCase, run};
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
