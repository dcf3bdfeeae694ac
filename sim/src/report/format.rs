//! How the reports people read (report.md, report.html) print numbers: one way for both, so the
//! page and the Markdown never show one value two ways.

/// A float of the report: whole numbers bare, others to 4 decimals, undefined as a dash.
pub(super) fn number(x: Option<f64>) -> String {
    match x {
        Some(x) if x.is_finite() => {
            if x.fract() == 0.0 {
                format!("{x}")
            } else {
                format!("{x:.4}")
            }
        }
        _ => "–".to_string(),
    }
}

/// The mean to 4 decimals, a dash for none.
pub(super) fn mean(values: &[f64]) -> String {
    if values.is_empty() {
        "–".to_string()
    } else {
        format!("{:.4}", values.iter().sum::<f64>() / values.len() as f64)
    }
}

/// A subnet's netuid, a dash for a subnet that never held one.
pub(super) fn netuid(netuid: Option<u16>) -> String {
    netuid.map_or_else(|| "–".to_string(), |n| n.to_string())
}

/// TAO or alpha from RAO, to 4 decimals.
pub(super) fn tokens(rao: u64) -> String {
    format!("{:.4}", rao as f64 / 1e9)
}
