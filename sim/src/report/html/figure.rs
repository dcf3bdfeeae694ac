//! What the charts of one run are, apart from where they go: report.html shows a run's, diff.html
//! two runs' side by side.

use super::marks::Mark;
use super::plot::Chart;

/// One chart: its kind (`incentive_groups`, …: how diff.html pairs A's with B's), what it shows
/// and its data, which plotters draws when a page is written.
#[derive(Clone)]
pub(super) struct Figure {
    pub kind: &'static str,
    pub title: String,
    /// One sentence on how to read it.
    pub note: String,
    pub chart: Chart,
}

pub(super) struct SubnetCharts {
    pub name: String,
    pub figures: Vec<Figure>,
}

/// A run's charts and the marks on their time axes (what diff.html needs of a run).
pub struct RunCharts {
    /// Scenario, profile and seed, as a heading says them.
    pub(super) label: String,
    pub(super) marks: Vec<Mark>,
    pub(super) subnets: Vec<SubnetCharts>,
}
