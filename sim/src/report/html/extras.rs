//! What the page shows that report.json does not hold: the query latency histogram's bins (the
//! JSON keeps percentiles, and its bytes stay as they are). `report::build` makes them from the
//! run's record, beside the document.

use hdrhistogram::Histogram;

/// The most bins a latency histogram is cut into: enough for its shape, few enough to read.
const LATENCY_BINS_MAX: u64 = 40;

pub struct Extras {
    /// By subnet, in the document's order; `None` where no query was answered.
    pub latency: Vec<Option<LatencyBins>>,
}

/// Answered queries by latency, in bins of equal width up to the 99.9th percentile (a long tail
/// would squeeze the rest into a few bars): bin i holds latencies in
/// [first_ms + i·width_ms, first_ms + (i + 1)·width_ms), and the last also the `slower` ones past
/// its end, up to `max_ms`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LatencyBins {
    pub first_ms: u64,
    pub width_ms: u64,
    pub counts: Vec<u64>,
    pub slower: u64,
    pub max_ms: u64,
}

/// The latency up to which the bins are cut; the slower are counted in the last.
const LATENCY_BINNED_QUANTILE: f64 = 0.999;

impl LatencyBins {
    /// The bins of a histogram of microseconds; `None` when it is empty.
    pub fn of(histogram: &Histogram<u64>) -> Option<Self> {
        if histogram.is_empty() {
            return None;
        }
        // Each value as the iteration below reads it: its bucket's highest equivalent.
        let (min_ms, max_ms) = (histogram.highest_equivalent(histogram.min()) / 1_000, histogram.max() / 1_000);
        let upper_ms = histogram.value_at_quantile(LATENCY_BINNED_QUANTILE) / 1_000;
        let width_ms = nice_width(upper_ms - min_ms + 1, LATENCY_BINS_MAX);
        let first_ms = min_ms / width_ms * width_ms;
        let bins = (upper_ms - first_ms) / width_ms + 1;
        let end_ms = first_ms + bins * width_ms;
        let (mut counts, mut slower) = (vec![0; bins as usize], 0);
        // One step per recorded bucket of the histogram: bounded by its size.
        for value in histogram.iter_recorded() {
            let ms = value.value_iterated_to() / 1_000;
            let bin = (ms.saturating_sub(first_ms) / width_ms).min(bins - 1);
            counts[bin as usize] += value.count_at_value();
            if ms >= end_ms {
                slower += value.count_at_value();
            }
        }
        Some(Self { first_ms, width_ms, counts, slower, max_ms })
    }
}

/// The smallest of 1, 2 and 5 × 10^k that cuts `span` into at most `bins_max` bins.
fn nice_width(span: u64, bins_max: u64) -> u64 {
    let mut magnitude: u64 = 1;
    // 10^19 is the largest power of ten of a u64: every span fits by then.
    for _ in 0..19 {
        for step in [1, 2, 5] {
            let width = step * magnitude;
            if span.div_ceil(width) <= bins_max {
                return width;
            }
        }
        magnitude *= 10;
    }
    magnitude
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_width_is_the_smallest_round_number_that_fits_the_span_into_the_bins() {
        assert_eq!(nice_width(40, 40), 1);
        assert_eq!(nice_width(41, 40), 2);
        assert_eq!(nice_width(81, 40), 5);
        assert_eq!(nice_width(655, 40), 20);
        assert_eq!(nice_width(u64::MAX, 40), 500_000_000_000_000_000);
    }

    #[test]
    fn latency_bins_count_every_answer_once_in_the_bin_of_its_millisecond() {
        let mut histogram = Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3).unwrap();
        for us in [12_000, 12_900, 47_000, 95_500] {
            histogram.record(us).unwrap();
        }
        let bins = LatencyBins::of(&histogram).unwrap();
        // 12..=95 ms is 84 ms: bins of 5 ms from 10 ms.
        assert_eq!((bins.first_ms, bins.width_ms, bins.counts.len()), (10, 5, 18));
        assert_eq!(bins.counts.iter().sum::<u64>(), 4);
        assert_eq!((bins.counts[0], bins.counts[7], bins.counts[17]), (2, 1, 1));
        assert_eq!((bins.slower, bins.max_ms), (0, 95));
        assert_eq!(LatencyBins::of(&Histogram::<u64>::new(3).unwrap()), None);
    }

    #[test]
    fn latencies_past_the_999th_permille_are_counted_in_the_last_bin_and_as_slower() {
        let mut histogram = Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3).unwrap();
        histogram.record_n(50_000, 999).unwrap();
        histogram.record(900_000).unwrap();
        let bins = LatencyBins::of(&histogram).unwrap();
        assert_eq!((bins.first_ms, bins.width_ms, bins.counts.clone()), (50, 1, vec![1_000]));
        assert_eq!((bins.slower, bins.max_ms), (1, 900));
    }
}
