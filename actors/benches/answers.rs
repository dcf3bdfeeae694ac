//! What a query costs the actors, apart from the network: a miner's answer to 16 rows (from its
//! memory, and its whole book at the first query), candle's forward pass of 16 rows, and a
//! validator's duplicate rule over a round of 16 answers once every row is claimed and while none
//! is. Run:
//! `cargo bench -p tensorsim-actors` (`just bench` runs it before the network table).

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use tensorsim_actors::miner::AnsweringModel;
use tensorsim_actors::ml::scoring;
use tensorsim_actors::ml::task::{ModelSpec, QueryRows, TaskData};
use tensorsim_actors::protocol::{Payload, Probabilities};
use tensorsim_actors::rng::stream;
use tensorsim_actors::validator::answer_store::AnswerStore;
use tensorsim_actors::validator::duplicates::{Answer, DuplicateRule, Duplicates};
use tensorsim_chain::accounts::HotkeyId;

/// A digits task, a mid-sized model of the 4 × 256 benchmark's range, and a validator's query.
fn setup() -> (Arc<TaskData>, Arc<tensorsim_actors::ml::task::Model>, QueryRows) {
    let task = Arc::new(TaskData::digits(1));
    let model = Arc::new(task.train(&ModelSpec { hidden: 16, epochs: 2, data_percent: 50 }, 1, "bench"));
    let pool = task.validation_pool(&mut stream(1, "bench/pool"));
    let query = task.query(&pool, 16, &mut stream(1, "bench/query"));
    (task, model, query)
}

fn miner(c: &mut Criterion) {
    let (task, model, query) = setup();
    let payload = Payload::new(query.rows.clone());
    let mut answering = AnsweringModel::new(model.clone(), task.clone());
    answering.answer(&payload);
    c.bench_function("miner answers 16 rows from memory", |b| {
        b.iter(|| black_box(answering.answer(black_box(&payload))))
    });
    c.bench_function("miner answers its first query (the whole book, 359 rows)", |b| {
        b.iter(|| black_box(AnsweringModel::new(model.clone(), task.clone()).answer(black_box(&payload))))
    });
    c.bench_function("candle forward pass, 16 rows", |b| b.iter(|| black_box(model.answer(black_box(&query.rows)))));
}

fn validator(c: &mut Criterion) {
    let (task, _, query) = setup();
    // 16 miners of distinct models; their answers to the query's rows.
    let answers: Vec<Probabilities> = (0..16)
        .map(|m| {
            let spec = ModelSpec { hidden: 4 + m, epochs: 1, data_percent: 20 };
            task.train(&spec, 1, &format!("bench/{m}")).answer(&query.rows)
        })
        .collect();
    let round: Vec<Answer> = (0..16)
        .map(|m| Answer { uid: m as u16, hotkey: HotkeyId(m as u32), registered_at: 0, rows: &answers[m] })
        .collect();
    let mut duplicates = Duplicates::new(DuplicateRule::History, AnswerStore::shared(10));
    duplicates.copies(&query.positions, &round);
    c.bench_function("history rule, a round of 16 answers to claimed rows", |b| {
        b.iter(|| black_box(duplicates.copies(black_box(&query.positions), black_box(&round))))
    });
    // The rows unclaimed, their answers already in the subnet's store (another validator's).
    let store = AnswerStore::shared(10);
    c.bench_function("history rule, a round of 16 answers to unclaimed rows", |b| {
        b.iter_batched(
            || Duplicates::new(DuplicateRule::History, store.clone()),
            |mut fresh| {
                let copies = fresh.copies(black_box(&query.positions), black_box(&round));
                (fresh, copies)
            },
            BatchSize::SmallInput,
        )
    });
    c.bench_function("scoring a round of 16 answers", |b| {
        b.iter(|| {
            let prior = scoring::prior_nll(&task.prior, &query.labels);
            round.iter().map(|a| scoring::reward(scoring::mean_nll(a.rows, &query.labels, 10), prior)).sum::<f64>()
        })
    });
}

criterion_group!(benches, miner, validator);
criterion_main!(benches);
