//! sweep.html: a sweep's merged result as a page. For each collected observable, a heat map over
//! the first two axes (one per value of the axes after them), or the mean ± 95 % interval over the
//! one axis; then the table sweep.md has. Built from the cells alone, so one sweep and the merge
//! of its shards write the same bytes.

use super::figure::Figure;
use super::grid::{HeatMap, IntervalChart, mean_range};
use super::page::{Cell, escape, figure, page, table};
use super::plot::Chart;
use crate::sweep::stats::Interval;

/// The most heat maps of one observable (combinations of the axes past the second); the table
/// has every cell.
const FACETS_MAX: usize = 24;

/// What the page shows of a sweep.
pub struct SweepView {
    pub name: String,
    pub points: usize,
    pub sha256: String,
    pub axes: Vec<String>,
    pub columns: Vec<String>,
    pub cells: Vec<SweepCell>,
}

/// One grid cell: its axes' values (as sweep.md prints them) and each column over its seeds.
pub struct SweepCell {
    pub values: Vec<String>,
    pub seeds: usize,
    pub estimates: Vec<Option<Interval>>,
    pub expectations_failed: usize,
}

pub fn sweep_page(view: &SweepView) -> String {
    let mut body = format!("<h1>Sweep <code>{}</code></h1>\n", escape(&view.name));
    body.push_str(&format!(
        "<p class=\"meta\">{} points in {} cells; sweep SHA-256 <code>{}</code>. Each value: the mean over a \
         cell's seeds ± the half-width of its 95 % interval (Student's t).</p>\n",
        view.points,
        view.cells.len(),
        escape(&view.sha256)
    ));
    for (column, name) in view.columns.iter().enumerate() {
        body.push_str(&format!("<h2><code>{}</code></h2>\n<div class=\"charts\">\n", escape(name)));
        let figures = column_figures(view, column);
        if figures.is_empty() {
            body.push_str("<p class=\"absent\">No axis: the table below has the value.</p>\n");
        }
        body.extend(figures.iter().map(|f| figure(f, None, &f.chart.scale())));
        body.push_str("</div>\n");
    }
    body.push_str("<h2>Every cell</h2>\n");
    body.push_str(&cells_table(view));
    page(&format!("tensorsim sweep: {}", view.name), &body)
}

/// The charts of one column: none without an axis, the interval chart with one, heat maps past.
fn column_figures(view: &SweepView, column: usize) -> Vec<Figure> {
    let name = &view.columns[column];
    match view.axes.len() {
        0 => Vec::new(),
        1 => vec![Figure {
            kind: "sweep_intervals",
            title: format!("{name} by {}", view.axes[0]),
            note: "Each dot is a cell's mean over its seeds, its bar the 95 % interval (none with one seed).".into(),
            chart: Chart::Intervals(IntervalChart {
                x_label: view.axes[0].clone(),
                y_label: name.clone(),
                x_values: view.cells.iter().map(|c| c.values[0].clone()).collect(),
                points: view.cells.iter().map(|c| c.estimates[column]).collect(),
            }),
        }],
        _ => heat_maps(view, column),
    }
}

/// One heat map per combination of the axes past the second, on one colour scale.
fn heat_maps(view: &SweepView, column: usize) -> Vec<Figure> {
    let range = mean_range(view.cells.iter().filter_map(|c| c.estimates[column].as_ref()));
    let facets = in_order(view.cells.iter().map(|c| c.values[2..].to_vec()));
    let x_values = in_order(view.cells.iter().map(|c| c.values[0].clone()));
    let y_values = in_order(view.cells.iter().map(|c| c.values[1].clone()));
    let mut figures = Vec::new();
    for facet in facets.iter().take(FACETS_MAX) {
        let mut cells = vec![vec![None; x_values.len()]; y_values.len()];
        for cell in view.cells.iter().filter(|c| c.values[2..] == facet[..]) {
            let x = x_values.iter().position(|v| *v == cell.values[0]).expect("listed");
            let y = y_values.iter().position(|v| *v == cell.values[1]).expect("listed");
            cells[y][x] = cell.estimates[column];
        }
        let facet_text: Vec<String> = (view.axes[2..].iter().zip(facet)).map(|(a, v)| format!("{a} = {v}")).collect();
        let title = match facet_text.is_empty() {
            true => view.columns[column].clone(),
            false => format!("{} at {}", view.columns[column], facet_text.join(", ")),
        };
        figures.push(Figure {
            kind: "sweep_heat_map",
            title,
            note: "A cell's colour is its mean over the seeds (the scale at the right, shared by this observable's \
                   maps), its text the mean ± the 95 % half-width; – where no seed had the value."
                .into(),
            chart: Chart::Heat(HeatMap {
                x_label: view.axes[0].clone(),
                y_label: view.axes[1].clone(),
                x_values: x_values.clone(),
                y_values: y_values.clone(),
                cells,
                range,
            }),
        });
    }
    if facets.len() > FACETS_MAX {
        let last = figures.last_mut().expect("FACETS_MAX > 0");
        last.note.push_str(&format!(" {} more maps are not drawn: the table has them.", facets.len() - FACETS_MAX));
    }
    figures
}

/// The distinct values, in the order they first appear.
fn in_order<T: PartialEq>(values: impl Iterator<Item = T>) -> Vec<T> {
    let mut distinct: Vec<T> = Vec::new();
    for value in values {
        if !distinct.contains(&value) {
            distinct.push(value);
        }
    }
    distinct
}

fn cells_table(view: &SweepView) -> String {
    let mut header: Vec<&str> = view.axes.iter().map(String::as_str).collect();
    header.push("seeds");
    header.extend(view.columns.iter().map(String::as_str));
    header.push("failed expectations");
    let rows = view.cells.iter().map(|cell| {
        let mut row: Vec<Cell> = cell.values.iter().map(|v| Cell::text(v.clone())).collect();
        row.push(Cell::number(cell.seeds.to_string()));
        row.extend(cell.estimates.iter().map(|e| Cell::number(estimate_text(e))));
        row.push(match cell.expectations_failed {
            0 => Cell::class("0", "pass"),
            failed => Cell::class(failed.to_string(), "fail"),
        });
        row
    });
    table(&header, rows)
}

/// As sweep.md prints an estimate.
pub fn estimate_text(estimate: &Option<Interval>) -> String {
    match estimate {
        None => "undefined".into(),
        Some(i) => match i.half_width {
            Some(h) => format!("{:.4} ± {:.4} ({})", i.mean, h, i.n),
            None => format!("{:.4} ({})", i.mean, i.n),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(values: &[&str], mean: Option<f64>) -> SweepCell {
        SweepCell {
            values: values.iter().map(|v| v.to_string()).collect(),
            seeds: 2,
            estimates: vec![mean.map(|mean| Interval { n: 2, mean, half_width: Some(0.01) })],
            expectations_failed: usize::from(mean.is_none()),
        }
    }

    fn view(axes: &[&str], cells: Vec<SweepCell>) -> SweepView {
        SweepView {
            name: "grid".into(),
            points: cells.len() * 2,
            sha256: "s".into(),
            axes: axes.iter().map(|a| a.to_string()).collect(),
            columns: vec!["digits.G[copier]".into()],
            cells,
        }
    }

    #[test]
    fn two_axes_make_one_heat_map_per_observable_with_every_value_on_its_axis() {
        let cells =
            vec![cell(&["none", "2"], Some(0.1)), cell(&["none", "4"], Some(0.2)), cell(&["history", "2"], None)];
        let figures = column_figures(&view(&["duplicates", "count"], cells), 0);
        assert_eq!(figures.len(), 1);
        let Chart::Heat(map) = &figures[0].chart else { panic!("a heat map") };
        assert_eq!(
            (map.x_values.clone(), map.y_values.clone()),
            (vec!["none".into(), "history".into()], vec!["2".into(), "4".into()])
        );
        // Rows are the second axis: (count 4, history) ran no seed with a value.
        assert_eq!(map.cells[1][1], None);
        assert_eq!(map.cells[1][0].map(|i| i.mean), Some(0.2));
        assert_eq!(map.range, (0.1, 0.2));
    }

    #[test]
    fn a_third_axis_makes_one_heat_map_per_value_and_one_axis_an_interval_chart() {
        let cells = vec![cell(&["a", "1", "x"], Some(1.0)), cell(&["a", "1", "y"], Some(2.0))];
        let figures = column_figures(&view(&["p", "q", "r"], cells), 0);
        let titles: Vec<&str> = figures.iter().map(|f| f.title.as_str()).collect();
        assert_eq!(titles, ["digits.G[copier] at r = x", "digits.G[copier] at r = y"]);
        let one = column_figures(&view(&["p"], vec![cell(&["a"], Some(1.0))]), 0);
        assert!(matches!(one[0].chart, Chart::Intervals(_)));
        assert!(column_figures(&view(&[], vec![cell(&[], Some(1.0))]), 0).is_empty());
    }

    #[test]
    fn the_page_has_a_chart_per_observable_and_the_table_of_every_cell() {
        let cells = vec![cell(&["none", "2"], Some(0.1)), cell(&["none", "4"], None)];
        let html = sweep_page(&view(&["duplicates", "count"], cells));
        assert_eq!(html.matches("data-chart=\"sweep_heat_map\"").count(), 1);
        assert!(html.contains("<td class=\"n\">0.1000 ± 0.0100 (2)</td>") && html.contains("undefined"), "{html}");
        assert!(html.contains("<td class=\"fail\">1</td>"), "{html}");
    }
}
