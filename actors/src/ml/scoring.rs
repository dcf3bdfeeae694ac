//! How a validator scores a miner's answers on hidden rows: the negative log-likelihood of the
//! true class, against the class-frequency prior, so random and constant answers earn nothing.
//! Sums run in f64 in query order; the result leaves the validator quantised.

/// The probability floor of the loss: a confident wrong answer costs at most −ln(1e-4).
const PROBABILITY_MIN: f64 = 1e-4;

/// `−ln max(p(label), 1e-4)` for one answer of u16 probabilities over `classes`; a malformed
/// answer (wrong length) costs the maximum.
pub fn nll(answer: &[u16], label: u8, classes: usize) -> f64 {
    let p = if answer.len() == classes { f64::from(answer[usize::from(label)]) / 65_535.0 } else { 0.0 };
    -p.max(PROBABILITY_MIN).ln()
}

/// The mean loss of a round of answers (missing answers count as malformed).
pub fn mean_nll(answers: &[Vec<u16>], labels: &[u8], classes: usize) -> f64 {
    if labels.is_empty() {
        return 0.0;
    }
    let total: f64 = labels
        .iter()
        .enumerate()
        .map(|(k, &label)| answers.get(k).map_or(-PROBABILITY_MIN.ln(), |answer| nll(answer, label, classes)))
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
pub fn accuracy(answers: &[Vec<u16>], labels: &[u8]) -> f64 {
    if labels.is_empty() {
        return 0.0;
    }
    let correct = answers
        .iter()
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
        assert!(mean_nll(&perfect, &labels, 10) < 1e-9);
        let prior_loss = prior_nll(&prior(&labels, 10), &labels);
        assert!((prior_loss - 10f64.ln()).abs() < 1e-3, "{prior_loss}");
        assert_eq!(reward(mean_nll(&perfect, &labels, 10), prior_loss), 1.0);
        // Answering the prior itself earns nothing.
        let flat: Vec<Vec<u16>> = labels.iter().map(|_| prior(&labels, 10)).collect();
        assert_eq!(reward(mean_nll(&flat, &labels, 10), prior_loss), 0.0);
        // Confidently wrong: worse than the prior, so nothing.
        let wrong: Vec<Vec<u16>> = perfect.iter().rev().cloned().collect();
        assert_eq!(reward(mean_nll(&wrong, &labels, 10), prior_loss), 0.0);
        // Silence or malformed answers cost the maximum.
        assert!((mean_nll(&[], &labels, 10) + PROBABILITY_MIN.ln()).abs() < 1e-12);
        assert_eq!(nll(&[1, 2], 0, 10), -PROBABILITY_MIN.ln());
        assert_eq!(accuracy(&perfect, &labels), 1.0);
        assert_eq!(accuracy(&wrong, &labels), 0.0);
    }
}
