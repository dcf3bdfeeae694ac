//! The query latency histogram: answered queries by latency, the report's percentiles marked.

use super::super::super::document::SubnetSection;
use super::super::extras::LatencyBins;
use super::super::figure::Figure;
use super::super::plot::{BarChart, Chart, tick};

pub(super) fn histogram(subnet: &SubnetSection, bins: &LatencyBins) -> Figure {
    let bars = (bins.counts.iter().enumerate())
        .map(|(i, &count)| {
            let from = bins.first_ms + i as u64 * bins.width_ms;
            (from as f64, (from + bins.width_ms) as f64, count)
        })
        .collect();
    let percentiles = subnet.queries.latency_ms.as_ref().map_or(Vec::new(), |l| {
        [("p50", l.p50), ("p90", l.p90), ("p99", l.p99)]
            .into_iter()
            .filter_map(|(name, ms)| ms.value().map(|ms| (ms, name.to_string(), format!("{name} {} ms", tick(ms)))))
            .collect()
    });
    let answered: u64 = bins.counts.iter().sum();
    let tail = match bins.slower {
        0 => String::new(),
        n => format!("; the last bar also holds the {n} slower ones, up to {} ms", bins.max_ms),
    };
    Figure {
        kind: "latency",
        title: "Query latency".to_string(),
        note: format!(
            "The {answered} answered queries by latency, in bins of {} ms{tail}; the percentiles of report.json dashed.",
            bins.width_ms
        ),
        chart: Chart::Bars(BarChart { x_label: "latency (ms)", y_label: "answered queries", bars, lines: percentiles }),
    }
}
