//! The living chain alone: one simulated day (7 200 blocks of 12 s) of 64 subnets with 256 UIDs
//! each, 64 validators weighting 192 miners densely, tempo 360, so 1 280 epochs.
//! Run: `cargo bench -p tensorsim-actors --bench chain`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use tensorsim_chain::fixed::U64F64;
use tensorsim_chain::hyperparameters::Hyperparameters;
use tensorsim_chain::pool::Pool;
use tensorsim_chain::state::{Chain, NetworkParameters};

const TAO: u64 = 1_000_000_000;
const SUBNETS: usize = 64;
const UIDS: usize = 256;
const VALIDATORS: usize = 64;
const BLOCKS_PER_DAY: u64 = 7_200;

fn chain() -> Chain {
    let h = Hyperparameters {
        commit_reveal: false,
        weights_set_rate_limit: 0,
        burn: TAO / 1_000,
        tao_weight: 3_320_413_933_267_719_290,
        max_epochs_per_block: 64,
        ..Hyperparameters::default()
    };
    let mut chain = Chain::new(NetworkParameters::from_hyperparameters(&h));
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    for _ in 0..SUBNETS {
        let owner = chain.create_coldkey(10_000 * TAO);
        let owner_hotkey = chain.create_hotkey(owner);
        let pool = Pool { tao_rao: 1_000 * TAO, alpha_rao: 1_000 * TAO };
        let netuid = chain.create_subnet(owner_hotkey, h.clone(), pool, U64F64::from_num(0.5)).unwrap();
        chain.start_emission(netuid);
        for uid in 0..UIDS {
            let coldkey = chain.create_coldkey(1_000 * TAO);
            let hotkey = chain.create_hotkey(coldkey);
            chain.burned_register(coldkey, hotkey, netuid).unwrap();
            if uid < VALIDATORS {
                chain.add_stake(coldkey, hotkey, netuid, 10 * TAO + rng.next_u64() % (500 * TAO)).unwrap();
            }
        }
    }
    // One tempo grants permits; then every validator weights every miner.
    for _ in 0..361 {
        chain.step_block();
    }
    let block = chain.block;
    for netuid in 1..=SUBNETS as u16 {
        let quality: Vec<u64> = (0..UIDS).map(|_| 1_000 + rng.next_u64() % 60_000).collect();
        let dests: Vec<u16> = (VALIDATORS as u16..UIDS as u16).collect();
        for validator in 0..VALIDATORS as u16 {
            let values: Vec<u16> =
                dests.iter().map(|&d| (quality[usize::from(d)] + rng.next_u64() % 4_000).min(65_535) as u16).collect();
            let metagraph = &mut chain.subnet_mut(netuid).metagraph;
            let _ = metagraph.set_weights(validator, &dests, &values, 0, block);
        }
    }
    chain
}

fn bench_day(c: &mut Criterion) {
    let start = chain();
    let mut group = c.benchmark_group("chain_64_subnets_x_256_uids");
    group.sample_size(10).measurement_time(Duration::from_secs(40));
    group.bench_function("one_day_7200_blocks", |b| {
        b.iter_batched(
            || start.clone(),
            |mut chain| {
                let mut epochs = 0;
                for _ in 0..BLOCKS_PER_DAY {
                    epochs += chain.step_block().epochs.len();
                }
                assert_eq!(epochs, 64 * 20, "a day is 20 epochs per subnet");
                black_box(chain)
            },
            criterion::BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, bench_day);
criterion_main!(benches);
