//! The merged outputs: sweep.csv (one row per point), sweep.md (one row per grid cell: each
//! observable's mean ± 95 % interval over the seeds) and sweep.html (those cells as heat maps).
//! Built from the manifest and the points' results alone, so one sweep and the merge of its
//! shards write the same bytes.

use crate::report::{SweepCell, SweepView, estimate_text, sweep_page};
use crate::sweep::point::{Manifest, PointResult};
use crate::sweep::stats::{Interval, interval};

/// sweep.csv: `point, <axes>, seed, <columns>, expectations_failed, report_sha256`.
pub fn csv(manifest: &Manifest, results: &[PointResult]) -> String {
    let mut header: Vec<String> = vec!["point".into()];
    header.extend(manifest.axes.iter().cloned());
    header.push("seed".into());
    header.extend(manifest.columns.iter().cloned());
    header.extend(["expectations_failed".into(), "report_sha256".into()]);
    let mut text = csv_row(&header);
    for result in results {
        let mut row = vec![result.index.to_string()];
        row.extend(result.values.iter().map(value_text));
        row.push(result.seed.to_string());
        row.extend(result.observables.iter().map(|v| v.map_or_else(String::new, |v| v.to_string())));
        row.extend([result.expectations_failed.to_string(), result.report_sha256.clone()]);
        text.push_str(&csv_row(&row));
    }
    text
}

/// sweep.md: per cell, each column's mean ± half-width (n seeds defined).
pub fn markdown(manifest: &Manifest, results: &[PointResult]) -> String {
    let mut text = format!("# Sweep `{}`\n\n", manifest.name);
    text.push_str(&format!(
        "{} points; sweep SHA-256 `{}`. Each cell: the mean over its seeds ± the half-width of the 95 % \
         interval (Student's t), with the number of seeds whose value was defined.\n\n",
        manifest.points, manifest.sha256
    ));
    let mut header: Vec<String> = manifest.axes.iter().map(|a| format!("`{a}`")).collect();
    header.push("seeds".into());
    header.extend(manifest.columns.iter().map(|c| format!("`{c}`")));
    header.push("failed expectations".into());
    text.push_str(&format!("| {} |\n|{}\n", header.join(" | "), "---|".repeat(header.len())));
    for cell in cells(results) {
        let mut row: Vec<String> = cell[0].values.iter().map(value_text).collect();
        row.push(cell.len().to_string());
        row.extend(estimates(manifest, &cell).iter().map(estimate_text));
        row.push(cell.iter().map(|r| r.expectations_failed).sum::<usize>().to_string());
        text.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    text
}

/// sweep.html: the cells of sweep.md, each observable as heat maps over the axes.
pub fn html(manifest: &Manifest, results: &[PointResult]) -> String {
    let cells = cells(results)
        .into_iter()
        .map(|cell| SweepCell {
            values: cell[0].values.iter().map(value_text).collect(),
            seeds: cell.len(),
            estimates: estimates(manifest, &cell),
            expectations_failed: cell.iter().map(|r| r.expectations_failed).sum(),
        })
        .collect();
    sweep_page(&SweepView {
        name: manifest.name.clone(),
        points: manifest.points,
        sha256: manifest.sha256.clone(),
        axes: manifest.axes.clone(),
        columns: manifest.columns.clone(),
        cells,
    })
}

/// Each column's mean ± interval over the cell's seeds.
fn estimates(manifest: &Manifest, cell: &[&PointResult]) -> Vec<Option<Interval>> {
    (0..manifest.columns.len())
        .map(|column| interval(&cell.iter().map(|r| r.observables[column]).collect::<Vec<_>>()))
        .collect()
}

/// The results grouped by cell, in cell order (results come sorted by point index, and a
/// cell's points are consecutive).
pub fn cells(results: &[PointResult]) -> Vec<Vec<&PointResult>> {
    let mut cells: Vec<Vec<&PointResult>> = Vec::new();
    for result in results {
        match cells.last_mut() {
            Some(cell) if cell[0].cell == result.cell => cell.push(result),
            _ => cells.push(vec![result]),
        }
    }
    cells
}

/// An axis value as a cell shows it: a string bare, anything else as JSON.
pub fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// One CSV line (RFC 4180): a field with a comma, a quote or a line break is quoted.
fn csv_row(fields: &[String]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|f| if f.contains([',', '"', '\n', '\r']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f.clone() })
        .collect();
    quoted.join(",") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn result(index: usize, cell: usize, seed: u64, value: Option<f64>) -> PointResult {
        PointResult {
            sweep_sha256: "s".into(),
            index,
            cell,
            seed,
            values: vec![json!("history"), json!(4)],
            observables: vec![value],
            expectations_failed: usize::from(value.is_none()),
            report_sha256: "r".into(),
        }
    }

    fn manifest() -> Manifest {
        Manifest {
            format: 1,
            name: "grid".into(),
            sha256: "s".into(),
            axes: vec!["subnets[0].validation.duplicates".into(), "subnets[0].miners[1].count".into()],
            columns: vec!["digits.incentive_share[sybils, \"x\"]".into()],
            points: 3,
        }
    }

    #[test]
    fn the_csv_has_a_row_per_point_quotes_what_needs_it_and_leaves_undefined_empty() {
        let results = [result(0, 0, 1, Some(0.5)), result(1, 0, 2, None)];
        let text = csv(&manifest(), &results);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "point,subnets[0].validation.duplicates,subnets[0].miners[1].count,seed,\"digits.incentive_share[sybils, \"\"x\"\"]\",expectations_failed,report_sha256"
        );
        assert_eq!(lines[1], "0,history,4,1,0.5,0,r");
        assert_eq!(lines[2], "1,history,4,2,,1,r");
    }

    #[test]
    fn the_markdown_has_a_row_per_cell_with_the_mean_and_interval_over_seeds() {
        let results = [result(0, 0, 1, Some(1.0)), result(1, 0, 2, Some(3.0)), result(2, 1, 1, None)];
        let text = markdown(&manifest(), &results);
        // 1 and 3: mean 2, s = √2, t(0.975, 1) = 12.706, half-width 12.706 · √2 / √2 = 12.706.
        assert!(text.contains("| history | 4 | 2 | 2.0000 ± 12.7060 (2) | 0 |"), "{text}");
        assert!(text.contains("| history | 4 | 1 | undefined | 1 |"), "{text}");
    }
}
