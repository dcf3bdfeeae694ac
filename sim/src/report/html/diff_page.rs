//! diff.html, which `tensorsim ab` writes: the diff's tables (every observable, the largest
//! changes by UID), then both runs' charts side by side, A left and B right, chart by chart.

use std::collections::BTreeSet;

use super::figure::{Figure, RunCharts, SubnetCharts};
use super::page::{Cell, escape, figure, page, table};
use super::tables;
use crate::diff::model::Diff;
use crate::diff::render::{heading, largest_uid_changes, observable_cells, uid_cells};

/// The page of `diff` between the runs `a` and `b`.
pub fn diff_page(a: &RunCharts, b: &RunCharts, diff: &Diff) -> String {
    let mut body = format!("<h1>tensorsim diff: {}</h1>\n", escape(&diff.b.scenario));
    body.extend(heading(diff).lines().map(|line| format!("<p class=\"meta\">{}</p>\n", escape(line))));
    body.push_str(&diff_tables(diff));
    if a.marks == b.marks {
        body.push_str(&tables::marks(&a.marks));
    } else {
        body.push_str(&format!("<h3>A: {}</h3>\n{}", escape(&a.label), tables::marks(&a.marks)));
        body.push_str(&format!("<h3>B: {}</h3>\n{}", escape(&b.label), tables::marks(&b.marks)));
    }
    for name in subnet_names(a, b) {
        let (in_a, in_b) = (subnet(a, name), subnet(b, name));
        body.push_str(&format!("<h2>Subnet {}: A left, B right</h2>\n", escape(name)));
        for kind in kinds(in_a, in_b) {
            body.push_str(&pair(chart(in_a, kind), chart(in_b, kind), (&a.label, &b.label)));
        }
    }
    page(&format!("tensorsim diff: {}", diff.b.scenario), &body)
}

/// Every observable, the largest relative change first, and the largest changes by UID.
fn diff_tables(diff: &Diff) -> String {
    let cells = |texts: Vec<String>, numbers_from: usize| -> Vec<Cell> {
        (texts.into_iter().enumerate())
            .map(|(i, text)| if i >= numbers_from { Cell::number(text) } else { Cell::text(text) })
            .collect()
    };
    let observables = diff.observables.iter().map(|row| cells(observable_cells(row), 2));
    let mut html = String::from("<h2>Observables, the largest relative change first</h2>\n");
    html.push_str(&table(&["subnet", "observable", "A", "B", "Δ", "Δ %"], observables));
    let largest = largest_uid_changes(diff);
    if largest.is_empty() {
        html.push_str("<p>No UID's consensus, incentive or dividends changed in any epoch.</p>\n");
    } else {
        html.push_str("<h3>The largest changes by UID (u16), over all epochs</h3>\n");
        let rows = largest.iter().map(|(epoch, change)| cells(uid_cells(epoch, change), 6));
        html.push_str(&table(&["subnet", "epoch", "block", "field", "uid", "actor", "A", "B", "Δ"], rows));
    }
    html.extend(diff.unmatched.iter().map(|note| format!("<p>Not compared: {}</p>\n", escape(note))));
    html
}

/// The subnets of either run, A's order first.
fn subnet_names<'r>(a: &'r RunCharts, b: &'r RunCharts) -> Vec<&'r str> {
    let mut names: Vec<&str> = a.subnets.iter().map(|s| s.name.as_str()).collect();
    names.extend(b.subnets.iter().map(|s| s.name.as_str()).filter(|n| !a.subnets.iter().any(|s| s.name == *n)));
    names
}

fn subnet<'r>(run: &'r RunCharts, name: &str) -> Option<&'r SubnetCharts> {
    run.subnets.iter().find(|s| s.name == name)
}

/// The chart kinds of either side, A's order first.
fn kinds(a: Option<&SubnetCharts>, b: Option<&SubnetCharts>) -> Vec<&'static str> {
    let mut seen = BTreeSet::new();
    let all = [a, b].into_iter().flatten().flat_map(|s| s.figures.iter().map(|f| f.kind));
    all.filter(|kind| seen.insert(*kind)).collect()
}

fn chart<'r>(subnet: Option<&'r SubnetCharts>, kind: &str) -> Option<&'r Figure> {
    subnet.and_then(|s| s.figures.iter().find(|f| f.kind == kind))
}

/// A's chart beside B's: on one scale, so that a taller line is a larger value, B's lines in the
/// colours of A's; where a run has no such chart, a line saying so.
fn pair(a: Option<&Figure>, b: Option<&Figure>, (label_a, label_b): (&str, &str)) -> String {
    let absent = |side: &str, label: &str| {
        format!(
            "<figure class=\"absent\"><figcaption>{side}: {}</figcaption><p class=\"absent\">No such chart in this \
             run.</p></figure>\n",
            escape(label)
        )
    };
    let sides = match (a, b) {
        (Some(a), Some(b)) => {
            let scale = a.chart.scale().union(&b.chart.scale());
            let b_coloured = Figure { chart: b.chart.coloured_like(&a.chart), ..b.clone() };
            [figure(a, Some("A"), &scale), figure(&b_coloured, Some("B"), &scale)]
        }
        (Some(a), None) => [figure(a, Some("A"), &a.chart.scale()), absent("B", label_b)],
        (None, Some(b)) => [absent("A", label_a), figure(b, Some("B"), &b.chart.scale())],
        (None, None) => [absent("A", label_a), absent("B", label_b)],
    };
    format!("<div class=\"pair\">\n{}{}</div>\n", sides[0], sides[1])
}
