//! One Yuma epoch at the sizes of the Python reference simulators and beyond, in steady state
//! (bonds already built up by earlier epochs), for each era.
//! Run: `cargo bench -p tensorsim-chain --bench epoch`, then `scripts/bench_epoch_table.py`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use tensorsim_chain::hyperparameters::Hyperparameters;
use tensorsim_chain::metagraph::{Metagraph, NeuronInit};
use tensorsim_chain::yuma;

/// A subnet of `validators` validators weighting all of `miners` miners (dense weights): each
/// miner has a true quality, each validator sees it with its own noise. Then `warm_up` epochs so
/// bonds are in steady state.
fn metagraph(validators: usize, miners: usize, yuma3: bool, liquid_alpha: bool) -> Metagraph {
    let mut rng = ChaCha8Rng::seed_from_u64(((validators as u64) << 32) ^ miners as u64);
    let n = validators + miners;
    let hyperparameters = Hyperparameters {
        yuma3,
        liquid_alpha,
        commit_reveal: false,
        weights_set_rate_limit: 0,
        max_allowed_uids: n as u16,
        max_allowed_validators: validators as u16,
        ..Hyperparameters::default()
    };
    let neurons: Vec<NeuronInit> = (0..n)
        .map(|uid| NeuronInit {
            stake_rao: if uid < validators { 1_000_000_000_000 + rng.next_u64() % 100_000_000_000_000 } else { 0 },
            registered_at: 0,
            last_update: 0,
        })
        .collect();
    let mut metagraph = Metagraph::new(hyperparameters, &neurons).expect("valid subnet");
    let quality: Vec<u64> = (0..miners).map(|_| 1_000 + rng.next_u64() % 60_000).collect();
    let dests: Vec<u16> = (validators..n).map(|uid| uid as u16).collect();
    let warm_up = 12;
    for epoch in 0..warm_up {
        let block = 1 + epoch * 360;
        metagraph.run_epoch(block, 1_000_000_000);
        for validator in 0..validators {
            let values: Vec<u16> = quality.iter().map(|q| (q + rng.next_u64() % 4_000).min(65_535) as u16).collect();
            metagraph.set_weights(validator as u16, &dests, &values, 0, block + 1).expect("weights accepted");
        }
    }
    metagraph
}

fn bench_epochs(c: &mut Criterion) {
    for (validators, miners) in [(64, 256), (256, 1024)] {
        let mut group = c.benchmark_group(format!("epoch_{validators}x{miners}"));
        if validators > 64 {
            group.sample_size(20);
        }
        for (label, yuma3, liquid_alpha) in
            [("original", false, false), ("yuma3", true, false), ("yuma3_liquid_alpha", true, true)]
        {
            let metagraph = metagraph(validators, miners, yuma3, liquid_alpha);
            let era = metagraph.profile().era(&metagraph.hyperparameters);
            let inputs = metagraph.epoch_inputs(12 * 360 + 2, 1_000_000_000);
            group.bench_function(label, |b| b.iter(|| yuma::epoch(era, black_box(&inputs))));
        }
        group.finish();
    }
}

criterion_group!(benches, bench_epochs);
criterion_main!(benches);
