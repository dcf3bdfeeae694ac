//! report.html and diff.html from the tiny run: which charts, the marks on their time axes,
//! nothing fetched and no script, user text escaped, the same bytes for the same run.

use super::*;
use crate::record::AppliedFault;

/// The kinds of the page's charts, in order.
fn kinds(html: &str) -> Vec<&str> {
    html.split("data-chart=\"").skip(1).map(|rest| &rest[..rest.find('"').unwrap()]).collect()
}

/// The SVG of each chart, in order.
fn svgs(html: &str) -> Vec<&str> {
    html.split("<svg ").skip(1).map(|rest| &rest[..rest.find("</svg>").unwrap()]).collect()
}

const TIME_CHARTS: [&str; 7] = [
    "incentive_groups",
    "incentive_miners",
    "dividends_validators",
    "stake_nakamoto",
    "stake_gini",
    "stability",
    "relative_dividend_rate",
];

#[test]
fn the_page_has_every_chart_g_for_the_copier_and_the_latency_histogram_once_a_query_was_answered() {
    let plan = plan();
    let mut record = record(&plan);
    let silent = build(&plan, SCENARIO, &record).html;
    assert_eq!(kinds(&silent), TIME_CHARTS);
    assert_eq!(svgs(&silent).len(), TIME_CHARTS.len());
    record.latency_us[0].record(40_000).unwrap();
    let answered = build(&plan, SCENARIO, &record).html;
    assert_eq!(kinds(&answered).last(), Some(&"latency"));
    assert_eq!(svgs(&answered).len(), TIME_CHARTS.len() + 1);
    assert!(answered.contains("The 1 answered queries by latency, in bins of 1 ms"), "{answered}");
}

#[test]
fn a_subnet_whose_validators_are_all_honest_has_no_g_chart() {
    let text = SCENARIO.replace("policy: weight_copier", "policy: honest");
    let plan = Plan::parse(&text, None).unwrap();
    let html = build(&plan, &text, &record(&plan)).html;
    assert_eq!(kinds(&html), TIME_CHARTS[..6]);
}

#[test]
fn faults_and_upgrades_are_tagged_on_every_time_chart_and_explained_in_a_table() {
    let plan = plan();
    let mut record = record(&plan);
    record.faults.push(AppliedFault { block: 20, at_us: 240_000_000, description: "crash honest/0".into() });
    let upgrade = "runtime upgrade: 1 hyperparameters set";
    record.faults.push(AppliedFault { block: 60, at_us: 720_000_000, description: upgrade.into() });
    record.epochs[1].facts.hyperparameters.kappa = 45_000;
    record.latency_us[0].record(40_000).unwrap();
    let html = build(&plan, SCENARIO, &record).html;
    assert!(html.contains("<td class=\"fault\">F1</td><td class=\"n\">20</td><td>fault</td><td>crash honest/0</td>"));
    let explained = "<td class=\"upgrade\">U1</td><td class=\"n\">60</td><td>upgrade</td><td>runtime upgrade: 1 \
                     hyperparameters set; digits: kappa 32767 → 45000 from the epoch at block 90</td>";
    assert!(html.contains(explained), "{html}");
    let svgs = svgs(&html);
    for (kind, svg) in kinds(&html).iter().zip(&svgs) {
        let tagged = svg.contains(">\nF1\n</text>") && svg.contains(">\nU1\n</text>");
        assert_eq!(tagged, *kind != "latency", "{kind}: {svg}");
    }
}

#[test]
fn the_page_fetches_nothing_and_runs_no_script() {
    let plan = plan();
    let mut record = record(&plan);
    record.latency_us[0].record(40_000).unwrap();
    let html = build(&plan, SCENARIO, &record).html;
    for absent in ["<script", "src=", "href=", "url(", "@import", "<link", "<img", "<iframe"] {
        assert!(!html.contains(absent), "{absent}");
    }
    // The only address is SVG's namespace, a name that is never fetched.
    assert_eq!(html.matches("http").count(), html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count());
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"));
}

/// Names are letters, digits and a few signs, checked as a scenario is read; the page escapes all
/// text all the same, here a fault's description as the record carries it.
#[test]
fn text_from_the_run_is_escaped_on_the_page() {
    let plan = plan();
    let mut record = record(&plan);
    record.faults.push(AppliedFault { block: 20, at_us: 0, description: "crash <b>good</b>/0 & 'x'".into() });
    let html = build(&plan, SCENARIO, &record).html;
    assert!(!html.contains("<b>"), "{html}");
    assert!(html.contains("<td>crash &lt;b&gt;good&lt;/b&gt;/0 &amp; &#39;x&#39;</td>"), "{html}");
}

#[test]
fn the_same_run_gives_the_same_page_bytes() {
    let plan = plan();
    let mut record = record(&plan);
    record.latency_us[0].record(40_000).unwrap();
    assert_eq!(build(&plan, SCENARIO, &record).html, build(&plan, SCENARIO, &record).html);
}

#[test]
fn diff_html_puts_each_chart_of_a_beside_b_and_says_where_a_run_has_none() {
    let plan = plan();
    let mut record_b = record(&plan);
    record_b.latency_us[0].record(40_000).unwrap();
    record_b.epochs[1].facts.output.incentive = vec![0, 0, 0, 20_000, 20_000, 20_000];
    let (a, b) = (build(&plan, SCENARIO, &record(&plan)), build(&plan, SCENARIO, &record_b));
    let read = |report: &Report| crate::diff::report_in::parse(&report.json).unwrap();
    let diff = crate::diff::compare::compare(("A/report.json", &read(&a)), ("B/report.json", &read(&b)), false)
        .unwrap_or_else(|refusal| panic!("{}", refusal.0));
    let html = diff_page(&a.charts, &b.charts, &diff);
    assert_eq!(html.matches("<div class=\"pair\">").count(), TIME_CHARTS.len() + 1);
    assert_eq!(svgs(&html).len(), 2 * TIME_CHARTS.len() + 1);
    assert!(html.contains("<figcaption>A: Incentive per miner</figcaption>"));
    assert!(html.contains("<figcaption>B: Incentive per miner</figcaption>"));
    assert_eq!(html.matches("No such chart in this run.").count(), 1, "A has no latency histogram");
    assert!(html.contains("<h2>Observables, the largest relative change first</h2>"));
    assert!(html.contains("<td>incentive_share[good]</td>"), "{html}");
    assert!(html.contains("<td class=\"n\">-10000</td>"), "good/0's incentive 30000 → 20000: {html}");
}
