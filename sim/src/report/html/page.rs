//! The page around the charts: one HTML file, its CSS inline, no script and nothing fetched;
//! every text that can come from a user (scenario, group and actor names, fault descriptions) is
//! escaped here.

use super::figure::Figure;
use super::plot::Scale;

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:#1d2330;\
background:#fff;margin:0 auto;max-width:1600px;padding:12px 28px 40px;line-height:1.45}\
h1{font-size:1.55rem;margin:.6rem 0 .3rem}h2{font-size:1.3rem;border-bottom:2px solid #dfe3ec;\
padding-bottom:4px;margin-top:2.2rem}h3{font-size:1.05rem;margin:1.4rem 0 .4rem}\
p.meta{color:#4a5161;margin:.2rem 0}code{font-size:.85em;background:#f3f5f9;padding:1px 4px;border-radius:3px}\
table{border-collapse:collapse;margin:.4rem 0 1rem;font-size:.9rem}\
th,td{border:1px solid #d8dce6;padding:3px 9px;text-align:left;vertical-align:top}\
th{background:#f3f5f9;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}\
td.pass{color:#1a7f37;font-weight:600}td.fail{color:#fff;background:#c0392b;font-weight:700}\
td.fault{color:#c0392b;font-weight:600}td.upgrade{color:#6a3d9a;font-weight:600}\
ul.facts{padding-left:1.2rem;margin:.3rem 0 .8rem}\
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(600px,1fr));gap:14px}\
.pair{display:grid;grid-template-columns:1fr 1fr;gap:14px;margin-bottom:14px}\
figure{margin:0;border:1px solid #e1e5ee;border-radius:6px;padding:8px 10px;background:#fff}\
figcaption{font-weight:600;margin-bottom:4px}figure svg{display:block;width:100%;height:auto}\
p.note{font-size:.8rem;color:#566;margin:4px 0 0}p.absent{color:#778;font-style:italic}\
p.error{color:#c0392b}";

/// `text` safe inside an element or a quoted attribute.
pub(super) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// The whole page: `body` is HTML already.
pub(super) fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

/// A chart drawn over `scale` in its frame: the title above, the note below; `side` ("A", "B")
/// prefixes the title.
pub(super) fn figure(figure: &Figure, side: Option<&str>, scale: &Scale) -> String {
    let svg = match figure.chart.draw(scale) {
        Ok(svg) => svg,
        Err(error) => format!("<p class=\"error\">This chart could not be drawn: {}</p>\n", escape(&error)),
    };
    let title = match side {
        Some(side) => format!("{side}: {}", figure.title),
        None => figure.title.clone(),
    };
    format!(
        "<figure class=\"chart\" data-chart=\"{}\">\n<figcaption>{}</figcaption>\n{svg}<p class=\"note\">{}</p>\n\
         </figure>\n",
        figure.kind,
        escape(&title),
        escape(&figure.note)
    )
}

/// A table cell: its text (escaped when the table is written) and its class.
pub(super) struct Cell {
    pub text: String,
    pub class: &'static str,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Self {
        Self { text: text.into(), class: "" }
    }

    /// Right-aligned, in tabular figures.
    pub fn number(text: impl Into<String>) -> Self {
        Self { text: text.into(), class: "n" }
    }

    pub fn class(text: impl Into<String>, class: &'static str) -> Self {
        Self { text: text.into(), class }
    }
}

pub(super) fn table(header: &[&str], rows: impl IntoIterator<Item = Vec<Cell>>) -> String {
    let mut html = String::from("<table>\n<thead><tr>");
    for name in header {
        html.push_str(&format!("<th>{}</th>", escape(name)));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        html.push_str("<tr>");
        for cell in row {
            match cell.class {
                "" => html.push_str(&format!("<td>{}</td>", escape(&cell.text))),
                class => html.push_str(&format!("<td class=\"{class}\">{}</td>", escape(&cell.text))),
            }
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_that_could_open_markup_or_close_an_attribute_is_escaped() {
        assert_eq!(
            escape("<script>alert('x & \"y\"')</script>"),
            "&lt;script&gt;alert(&#39;x &amp; &quot;y&quot;&#39;)&lt;/script&gt;"
        );
        assert_eq!(escape("miners/59 → ok"), "miners/59 → ok");
    }

    #[test]
    fn a_table_escapes_its_header_and_cells_and_classes_its_numbers() {
        let html = table(&["<g>"], [vec![Cell::number("1.5")], vec![Cell::text("a&b")]]);
        assert!(html.contains("<th>&lt;g&gt;</th>"), "{html}");
        assert!(html.contains("<td class=\"n\">1.5</td>") && html.contains("<td>a&amp;b</td>"), "{html}");
    }
}
