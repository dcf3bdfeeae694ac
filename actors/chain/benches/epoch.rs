//! One Yuma epoch at the sizes of the Python reference simulators and beyond, in steady state
//! (bonds already built up by earlier epochs), for each era.
//! Run: `cargo bench -p tensorsim-chain --bench epoch`, then `scripts/bench_epoch_table.py`.
//!
//! Criterion times wall clock. With `EPOCH_BENCH_CPU_TIME=1` it times the thread's CPU time
//! instead (`ThreadCpuTime`): on a machine shared with other work, wall time counts the time the
//! bench waited for a core, CPU time does not. Give that run its own `CRITERION_HOME` so that its
//! estimates do not mix with the wall-clock ones.
//!
//! With `EPOCH_BENCH_RUNS=N EPOCH_BENCH_CASE=64x256/original` it runs that one epoch N times
//! and nothing else, no criterion: `perf stat -e instructions:u` on that run, minus the same
//! with N = 0 (the subnet's warm-up), counts the epoch's instructions, which unlike time do not
//! move with the machine's load.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{Criterion, SamplingMode, Throughput};
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

/// The bench cases: (label, yuma3, liquid alpha).
const ERAS: [(&str, bool, bool); 3] =
    [("original", false, false), ("yuma3", true, false), ("yuma3_liquid_alpha", true, true)];

/// `runs` epochs of one case, `<validators>x<miners>/<label>`.
fn run_case(case: &str, runs: u64) {
    let (size, label) = case.split_once('/').expect("EPOCH_BENCH_CASE is <validators>x<miners>/<era>");
    let (validators, miners) = size.split_once('x').expect("a size is <validators>x<miners>");
    let (validators, miners) = (validators.parse().expect("validators"), miners.parse().expect("miners"));
    let &(_, yuma3, liquid_alpha) = ERAS.iter().find(|era| era.0 == label).expect("an era of ERAS");
    let metagraph = metagraph(validators, miners, yuma3, liquid_alpha);
    let era = metagraph.profile().era(&metagraph.hyperparameters);
    let inputs = metagraph.epoch_inputs(12 * 360 + 2, 1_000_000_000);
    for _ in 0..runs {
        black_box(yuma::epoch(era, black_box(&inputs)));
    }
}

fn bench_epochs<M: Measurement>(c: &mut Criterion<M>, sampling: SamplingMode) {
    for (validators, miners) in [(64, 256), (256, 1024)] {
        let mut group = c.benchmark_group(format!("epoch_{validators}x{miners}"));
        group.sampling_mode(sampling);
        if validators > 64 {
            group.sample_size(20);
        }
        for (label, yuma3, liquid_alpha) in ERAS {
            let metagraph = metagraph(validators, miners, yuma3, liquid_alpha);
            let era = metagraph.profile().era(&metagraph.hyperparameters);
            let inputs = metagraph.epoch_inputs(12 * 360 + 2, 1_000_000_000);
            group.bench_function(label, |b| b.iter(|| yuma::epoch(era, black_box(&inputs))));
        }
        group.finish();
    }
}

fn main() {
    if let Some(runs) = std::env::var("EPOCH_BENCH_RUNS").ok().and_then(|runs| runs.parse().ok()) {
        run_case(&std::env::var("EPOCH_BENCH_CASE").expect("EPOCH_BENCH_CASE names the case"), runs);
        return;
    }
    if std::env::var_os("EPOCH_BENCH_CPU_TIME").is_some_and(|value| value == "1") {
        // The kernel counts a thread's CPU time in ticks (4 ms here): flat samples of 200 ms
        // each keep that within 2 % of a sample.
        let mut criterion = Criterion::default()
            .with_measurement(ThreadCpuTime)
            .measurement_time(Duration::from_secs(20))
            .configure_from_args();
        bench_epochs(&mut criterion, SamplingMode::Flat);
        criterion.final_summary();
    } else {
        let mut criterion = Criterion::default().configure_from_args();
        bench_epochs(&mut criterion, SamplingMode::Auto);
        criterion.final_summary();
    }
}

/// The CPU time of the measuring thread: the first field of /proc/thread-self/schedstat, the
/// nanoseconds it ran on a CPU (Linux; std has no safe call for it, and the workspace denies
/// unsafe code). Criterion reads it once per sample, not per iteration.
struct ThreadCpuTime;

fn thread_cpu_time() -> Duration {
    let schedstat = std::fs::read_to_string("/proc/thread-self/schedstat").expect("Linux's per-thread schedstat");
    let nanoseconds = schedstat.split_whitespace().next().and_then(|field| field.parse().ok());
    Duration::from_nanos(nanoseconds.expect("schedstat starts with the nanoseconds run"))
}

impl Measurement for ThreadCpuTime {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        thread_cpu_time()
    }

    fn end(&self, start: Duration) -> Duration {
        thread_cpu_time() - start
    }

    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }

    fn zero(&self) -> Duration {
        Duration::ZERO
    }

    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        &Nanoseconds
    }
}

/// Nanoseconds shown in the unit criterion would choose for wall time.
struct Nanoseconds;

impl ValueFormatter for Nanoseconds {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = match typical {
            t if t < 1e3 => (1.0, "ns"),
            t if t < 1e6 => (1e-3, "µs"),
            t if t < 1e9 => (1e-6, "ms"),
            _ => (1e-9, "s"),
        };
        values.iter_mut().for_each(|value| *value *= factor);
        unit
    }

    fn scale_throughputs(&self, _typical: f64, _throughput: &Throughput, _values: &mut [f64]) -> &'static str {
        "(no throughput)"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}
