//! How a validator scores a miner's answers on hidden rows: the negative log-likelihood of the
//! true class, against the class-frequency prior, so random and constant answers earn nothing.
//! Sums run in f64 in query order; the result leaves the validator quantised.

use crate::probabilities::Probabilities;

/// The probability floor of the loss: a confident wrong answer costs at most −ln(1e-4).
const PROBABILITY_MIN: f64 = 1e-4;

/// `−ln max(p(label), 1e-4)` for one answer of u16 probabilities over `classes`; a malformed
/// answer (wrong length) costs the maximum.
pub fn nll(answer: &[u16], label: u8, classes: usize) -> f64 {
    let p = if answer.len() == classes { f64::from(answer[usize::from(label)]) / 65_535.0 } else { 0.0 };
    // libm's log, not the platform's: rewards (hence weights) are the same bits everywhere.
    -libm::log(p.max(PROBABILITY_MIN))
}

/// Why an answer is not a probability distribution per row, as a subnet validator would refuse
/// it before scoring (without this, `[65535; C]`, every class "certain", scores a loss of 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Malformed {
    /// No rows, or a row with no classes.
    Empty,
    /// Another number of rows than the query's, or a row of another length than the classes.
    WrongLength,
    /// A row whose probabilities do not sum to 65535 within the quantisation's rounding.
    Unnormalised,
}

/// `Ok` when `answer` has `rows` rows of `classes` u16 probabilities each summing to 65535
/// within the rounding: each of the classes floors ⌊p · 65535⌋ (up to 1 each), and f32
/// probabilities sum to 1 within a few ulps (1 more).
pub fn well_formed(answer: &Probabilities, rows: usize, classes: usize) -> Result<(), Malformed> {
    if answer.is_empty() || answer.width() == 0 {
        return Err(Malformed::Empty);
    }
    if answer.len() != rows || answer.width() != classes {
        return Err(Malformed::WrongLength);
    }
    let slack = classes as u64 + 1;
    let normalised = |row: &[u16]| {
        let sum: u64 = row.iter().map(|&p| u64::from(p)).sum();
        (65_535u64.saturating_sub(slack)..=65_535 + 1).contains(&sum)
    };
    if !answer.rows().all(normalised) {
        return Err(Malformed::Unnormalised);
    }
    Ok(())
}

/// The mean loss of a round of answers (missing answers count as malformed).
pub fn mean_nll(answers: &Probabilities, labels: &[u8], classes: usize) -> f64 {
    if labels.is_empty() {
        return 0.0;
    }
    let total: f64 = labels
        .iter()
        .enumerate()
        .map(
            |(k, &label)| {
                if k < answers.len() { nll(answers.row(k), label, classes) } else { -libm::log(PROBABILITY_MIN) }
            },
        )
        .sum();
    total / labels.len() as f64
}

/// The class frequencies of `labels` as an answer: what a miner without a model can always say.
pub fn prior(labels: &[u8], classes: usize) -> Vec<u16> {
    let mut counts = vec![0u32; classes];
    for &label in labels {
        counts[usize::from(label)] += 1;
    }
    let n = labels.len().max(1) as f64;
    counts.iter().map(|&count| (f64::from(count) / n * 65_535.0) as u16).collect()
}

/// The loss of answering `prior` to every row.
pub fn prior_nll(prior: &[u16], labels: &[u8]) -> f64 {
    if labels.is_empty() {
        return 0.0;
    }
    let total: f64 = labels.iter().map(|&label| nll(prior, label, prior.len())).sum();
    total / labels.len() as f64
}

/// `clamp((L_prior − L) / L_prior, 0, 1)`.
pub fn reward(loss: f64, prior_loss: f64) -> f64 {
    if prior_loss <= 0.0 {
        return 0.0;
    }
    ((prior_loss - loss) / prior_loss).clamp(0.0, 1.0)
}

/// The share of answers whose largest probability is the label (ties to the lower class).
pub fn accuracy(answers: &Probabilities, labels: &[u8]) -> f64 {
    if labels.is_empty() {
        return 0.0;
    }
    let correct = answers
        .rows()
        .zip(labels)
        .filter(|(answer, label)| {
            let best = answer.iter().enumerate().max_by_key(|&(class, &p)| (p, std::cmp::Reverse(class)));
            best.is_some_and(|(class, _)| class == usize::from(**label))
        })
        .count();
    correct as f64 / labels.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_prior_and_wrong_answers() {
        let labels = [0u8, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        let perfect: Vec<Vec<u16>> =
            labels.iter().map(|&l| (0..10).map(|c| if c == usize::from(l) { 65_535 } else { 0 }).collect()).collect();
        let wrong = Probabilities::from_rows(&perfect.iter().rev().cloned().collect::<Vec<_>>());
        let perfect = Probabilities::from_rows(&perfect);
        assert!(mean_nll(&perfect, &labels, 10) < 1e-9);
        let prior_loss = prior_nll(&prior(&labels, 10), &labels);
        assert!((prior_loss - 10f64.ln()).abs() < 1e-3, "{prior_loss}");
        assert_eq!(reward(mean_nll(&perfect, &labels, 10), prior_loss), 1.0);
        // Answering the prior itself earns nothing.
        let flat = Probabilities::repeated(&prior(&labels, 10), labels.len());
        assert_eq!(reward(mean_nll(&flat, &labels, 10), prior_loss), 0.0);
        // Confidently wrong: worse than the prior, so nothing.
        assert_eq!(reward(mean_nll(&wrong, &labels, 10), prior_loss), 0.0);
        // Silence or malformed answers cost the maximum.
        assert!((mean_nll(&Probabilities::default(), &labels, 10) + libm::log(PROBABILITY_MIN)).abs() < 1e-12);
        assert_eq!(nll(&[1, 2], 0, 10), -libm::log(PROBABILITY_MIN));
        assert_eq!(accuracy(&perfect, &labels), 1.0);
        assert_eq!(accuracy(&wrong, &labels), 0.0);
    }

    #[test]
    fn every_class_certain_is_unnormalised_and_a_quantised_distribution_is_not() {
        let rows = |rows: &[Vec<u16>]| Probabilities::from_rows(rows);
        assert_eq!(well_formed(&rows(&[vec![65_535; 10]]), 1, 10), Err(Malformed::Unnormalised));
        // ⌊p · 65535⌋ of ten classes of 0.1 each sums to 65530: the floors' rounding, accepted.
        assert_eq!(well_formed(&rows(&[vec![6_553; 10]]), 1, 10), Ok(()));
        assert_eq!(well_formed(&rows(&[vec![6_553, 6_553]]), 1, 10), Err(Malformed::WrongLength));
        assert_eq!(well_formed(&rows(&[vec![6_553; 10]]), 2, 10), Err(Malformed::WrongLength));
        assert_eq!(well_formed(&rows(&[]), 1, 10), Err(Malformed::Empty));
        assert_eq!(well_formed(&rows(&[vec![]]), 1, 10), Err(Malformed::Empty));
        // Half the mass is as malformed as too much.
        assert_eq!(well_formed(&rows(&[vec![3_276; 10]]), 1, 10), Err(Malformed::Unnormalised));
    }

    #[test]
    fn the_prior_is_a_well_formed_answer() {
        let labels: Vec<u8> = (0..97u8).map(|k| k % 7).collect();
        assert_eq!(well_formed(&Probabilities::repeated(&prior(&labels, 10), 1), 1, 10), Ok(()));
    }
}
