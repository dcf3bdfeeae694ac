//! What the charts of one run are, apart from where they go: report.html shows a run's, diff.html
//! two runs' side by side.

use super::marks::Mark;

/// One chart: its kind (`incentive_groups`, …: how diff.html pairs A's with B's), what it shows
/// and the SVG plotters drew.
pub struct Figure {
    pub kind: &'static str,
    pub title: String,
    /// One sentence on how to read it.
    pub note: String,
    /// The SVG, or why it could not be drawn.
    pub svg: Result<String, String>,
}

pub struct SubnetCharts {
    pub name: String,
    pub figures: Vec<Figure>,
}

/// A run's charts and the marks on their time axes.
pub struct RunCharts {
    /// Scenario, profile and seed, as a heading says them.
    pub label: String,
    pub marks: Vec<Mark>,
    pub subnets: Vec<SubnetCharts>,
}
