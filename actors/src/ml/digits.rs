//! The digit-classification task's data: the UCI handwritten digits (1 797 images of 8×8 pixels,
//! 10 classes) embedded in smartcore, pixels scaled to [0, 1], split once per run into the public
//! rows miners train on and the hidden rows only validators hold.

use crate::rng::{shuffle, stream};

pub const FEATURES: usize = 64;
pub const CLASSES: usize = 10;
/// The share of rows kept hidden for validators, in percent.
pub const HIDDEN_PERCENT: usize = 20;

/// Every row, in the dataset's order.
#[derive(Clone, Debug, PartialEq)]
pub struct Digits {
    /// Row-major, `FEATURES` per row, in [0, 1].
    pub features: Vec<f32>,
    pub labels: Vec<u8>,
}

impl Digits {
    pub fn load() -> Self {
        let dataset = smartcore::dataset::digits::load_dataset();
        assert_eq!(dataset.num_features, FEATURES, "smartcore's digits are 8×8");
        let features = dataset.data.iter().map(|&pixel| pixel / 16.0).collect();
        let labels = dataset.target.iter().map(|&label| label as u8).collect();
        Self { features, labels }
    }

    pub fn rows(&self) -> usize {
        self.labels.len()
    }

    pub fn row(&self, index: usize) -> &[f32] {
        &self.features[index * FEATURES..(index + 1) * FEATURES]
    }

    /// The features of `indices`, row-major.
    pub fn gather(&self, indices: &[usize]) -> Vec<f32> {
        indices.iter().flat_map(|&index| self.row(index).iter().copied()).collect()
    }
}

/// Which rows are public (training) and which hidden (validators' queries).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    pub public: Vec<usize>,
    pub hidden: Vec<usize>,
}

impl Split {
    /// The run's split, from its seed.
    pub fn new(rows: usize, seed: u64) -> Self {
        let mut order: Vec<usize> = (0..rows).collect();
        shuffle(&mut order, &mut stream(seed, "task/digits/split"));
        let hidden = order.split_off(rows - rows * HIDDEN_PERCENT / 100);
        Self { public: order, hidden }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dataset_and_its_split() {
        let digits = Digits::load();
        assert_eq!(digits.rows(), 1_797);
        assert!(digits.features.iter().all(|&x| (0.0..=1.0).contains(&x)));
        assert!(digits.labels.iter().all(|&label| usize::from(label) < CLASSES));
        let split = Split::new(digits.rows(), 7);
        assert_eq!(split.hidden.len(), 359, "20 % of 1 797, floored");
        let mut all: Vec<usize> = split.public.iter().chain(&split.hidden).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..1_797).collect::<Vec<_>>());
        assert_eq!(Split::new(1_797, 7), split);
        assert_ne!(Split::new(1_797, 8), split);
    }
}
