//! report.html, diff.html and sweep.html: pages people open in a browser. One self-contained file
//! each (CSS inline, SVG inline, no script, nothing fetched); a run's pages are drawn from the
//! typed document in the process that built it, never from report.json read back, a sweep's from
//! its merged cells; charts by plotters' SVG backend. The same data give the same bytes: no
//! timestamp, integer pixels, numbers printed by one formatter.

mod charts;
mod diff_page;
mod extras;
mod figure;
mod grid;
mod marks;
mod page;
mod plot;
mod series;
mod sweep_page;
mod tables;
mod ticks;

pub use diff_page::diff_page;
pub use extras::{Extras, LatencyBins};
pub use figure::RunCharts;
pub use sweep_page::{SweepCell, SweepView, estimate_text, sweep_page};

use figure::SubnetCharts;

use super::document::Document;
use plot::TimeAxis;

/// A run's page and its charts (which `ab` puts beside the other run's in diff.html).
pub struct Html {
    pub page: String,
    pub charts: RunCharts,
}

/// report.html of `document`, whose JSON has the digest `sha256`.
pub fn render(document: &Document, extras: &Extras, sha256: &str) -> Html {
    let marks = marks::marks(document);
    let axis = TimeAxis { blocks: document.run.blocks, marks: marks.clone() };
    let subnets: Vec<SubnetCharts> = (document.subnets.iter().enumerate())
        .map(|(i, subnet)| SubnetCharts {
            name: subnet.name.to_string(),
            figures: charts::subnet_figures(subnet, &axis, extras.latency.get(i).and_then(Option::as_ref)),
        })
        .collect();
    let mut body = tables::run_header(document, sha256);
    body.push_str(&tables::expectations(&document.expectations));
    body.push_str(&tables::marks(&marks));
    if let Some(section) = &document.subnet_lifecycle {
        body.push_str(&tables::lifecycle(section));
    }
    for (section, charts) in document.subnets.iter().zip(&subnets) {
        body.push_str(&tables::subnet(section));
        body.push_str("<div class=\"charts\">\n");
        body.extend(charts.figures.iter().map(|f| page::figure(f, None, &f.chart.scale())));
        body.push_str("</div>\n");
    }
    let run = &document.run;
    let label = format!("{} · profile {} · seed {}", run.scenario, run.profile, run.seed);
    let page = page::page(&format!("tensorsim report: {}", run.scenario), &body);
    Html { page, charts: RunCharts { label, marks, subnets } }
}
