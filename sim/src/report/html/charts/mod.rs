//! The charts of one subnet, one file per kind, in the order the page shows them.

mod actors;
mod groups;
mod latency;
mod rate;
mod stability;
mod stake;

use super::super::document::SubnetSection;
use super::extras::LatencyBins;
use super::figure::Figure;
use super::plot::TimeAxis;
use super::series::Seats;

/// Every chart of `subnet`: G only for a subnet with a validator group that is not honest, the
/// latency histogram only when a query was answered.
pub(super) fn subnet_figures(subnet: &SubnetSection, axis: &TimeAxis, latency: Option<&LatencyBins>) -> Vec<Figure> {
    let seats = Seats::of(subnet);
    let mut figures = vec![
        groups::incentive(subnet, &seats, axis),
        actors::incentive(subnet, &seats, axis),
        actors::dividends(subnet, &seats, axis),
        stake::nakamoto(subnet, axis),
        stake::gini(subnet, axis),
        stability::consensus(subnet, axis),
    ];
    figures.extend(rate::relative_dividend_rate(subnet, axis));
    figures.extend(latency.map(|bins| latency::histogram(subnet, bins)));
    figures
}
