//! Winner takes all: the whole weight on the miner it measured best (client-side winner takes
//! all, as subnets that pay only their best model do). Close miners and noisy measurements make
//! the winner flip; consensus then decides among validators that disagree.

use super::honest::measured_weights;
use crate::validator::{ValidatorPolicy, WeightsContext};

pub struct WinnerTakesAll;

impl ValidatorPolicy for WinnerTakesAll {
    fn weights(&mut self, ctx: &mut WeightsContext) -> Option<Vec<f64>> {
        let measured = measured_weights(ctx);
        let best = best_uid(&measured)?;
        let mut weights = vec![0.0; measured.len()];
        weights[best] = 1.0;
        Some(weights)
    }
}

/// The UID with the highest positive score, the lowest UID among equals; `None` when nothing is
/// positive (nothing measured yet: no weights rather than a weight on UID 0).
fn best_uid(scores: &[f64]) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (uid, &score) in scores.iter().enumerate() {
        if score > 0.0 && best.is_none_or(|(_, top)| score > top) {
            best = Some((uid, score));
        }
    }
    best.map(|(uid, _)| uid)
}

#[cfg(test)]
mod tests {
    use super::best_uid;

    #[test]
    fn the_best_score_wins_and_the_lower_uid_wins_a_tie() {
        assert_eq!(best_uid(&[0.1, 0.7, 0.3, 0.7]), Some(1));
        assert_eq!(best_uid(&[0.0, 0.0]), None, "nothing measured: no winner");
        assert_eq!(best_uid(&[f64::NAN, 0.2]), Some(1), "an undefined score never wins");
    }
}
