//! report.html, diff.html and sweep.html in a browser: `ab` on a two-subnet scenario (a copier, 12
//! miners on the first subnet, a crash and an upgrade), and a 2 × 2 sweep; each page opened in
//! headless Chromium (Debian's `chromium`), which must log no console message and lay out every
//! chart the page calls for, each with a size and its text. Without Chromium the test says so and
//! passes, unless `TENSORSIM_REQUIRE_CHROMIUM=1` (CI sets it, having installed Chromium).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{stderr, tensorsim};
use serde_json::Value;

/// Two subnets, a G chart on the first only.
const SCENARIO: &str = "
version: 1
name: html-check
seed: 5
duration: {tempos: 4}
subnets:
  - name: digits
    task: digits
    hyperparameters: {tempo: 20, weights_set_rate_limit: 5}
    validation: {sample_size: 6, rows_per_query: 8, weights_interval_blocks: 10, sync_interval_blocks: 5}
    validators:
      - {name: honest, count: 3, stake_tao: {from: 2000, to: 4000}}
      - {name: copier, count: 1, policy: weight_copier, stake_tao: 1500}
    miners:
      - {name: miners, count: 12, model: {hidden: {from: 4, to: 16}, epochs: {from: 1, to: 4}, data_percent: {from: 20, to: 100}}}
  - name: second
    task: digits
    hyperparameters: {tempo: 20, weights_set_rate_limit: 5}
    validation: {sample_size: 4, rows_per_query: 8, weights_interval_blocks: 10, sync_interval_blocks: 5}
    validators:
      - {name: judges, count: 2, stake_tao: 2000}
    miners:
      - {name: workers, count: 3, model: {hidden: 8, epochs: 2}}
faults:
  - crash: {node: honest/0, at_block: 30, restart_at_block: 45}
upgrades:
  - {at_block: 50, hyperparameters: {kappa: 40000}}
";

/// How long one page may take to open before the test gives up on Chromium.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(120);

/// Chromium's command, if installed.
fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|name| {
        Command::new(name)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// The kinds of chart report.html must have: every subnet's six time charts, G where a
/// validator group that is not honest has a G per epoch, the latency histogram where a query was
/// answered. Read from report.json, not from the page's code.
fn expected_charts(report: &Value) -> Vec<String> {
    let mut kinds = Vec::new();
    for subnet in report["subnets"].as_array().expect("subnets") {
        kinds.extend(
            [
                "incentive_groups",
                "incentive_miners",
                "dividends_validators",
                "stake_nakamoto",
                "stake_gini",
                "stability",
            ]
            .map(String::from),
        );
        let rated = |group: &str| {
            subnet["epochs"].as_array().unwrap().iter().any(|e| e["relative_dividend_rate"].get(group).is_some())
        };
        let copying = subnet["actors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["role"] == "validator" && a["policy"] != "honest" && rated(a["group"].as_str().unwrap()));
        if copying {
            kinds.push("relative_dividend_rate".to_string());
        }
        if !subnet["queries"]["latency_ms"].is_null() {
            kinds.push("latency".to_string());
        }
    }
    kinds
}

/// The page as Chromium laid it out, and what it logged: a copy of `page` with a script that
/// writes each chart's kind, size and number of texts into the body, dumped after layout.
fn open_in_chromium(chromium: &str, page: &Path, dir: &Path) -> (String, String) {
    let html = std::fs::read_to_string(page).unwrap();
    let probe = "<script>document.body.setAttribute('data-rendered', Array.from(document.querySelectorAll(\
                 'figure.chart'), function (figure) { var svg = figure.querySelector('svg'); var box = svg ? \
                 svg.getBoundingClientRect() : {width: 0, height: 0}; return figure.dataset.chart + ':' + \
                 Math.round(box.width) + 'x' + Math.round(box.height) + ':' + (svg ? \
                 svg.querySelectorAll('text').length : 0); }).join(' '));</script>";
    assert_eq!(html.matches("</body>").count(), 1, "{}", page.display());
    let probed = dir.join(format!("probed-{}", page.file_name().unwrap().to_str().unwrap()));
    std::fs::write(&probed, html.replace("</body>", &format!("{probe}</body>"))).unwrap();
    let profile = dir.join("chromium-profile");
    let mut child = Command::new(chromium)
        .args(["--headless", "--disable-gpu", "--no-sandbox", "--disable-dev-shm-usage", "--no-first-run"])
        .args(["--enable-logging=stderr", "--v=0", "--window-size=1400,1000", "--dump-dom"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", probed.display()))
        .stdout(std::fs::File::create(dir.join("dom.html")).unwrap())
        .stderr(std::fs::File::create(dir.join("chromium.log")).unwrap())
        .spawn()
        .expect("chromium starts");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > CHROMIUM_TIMEOUT {
            let _ = child.kill();
            panic!("chromium did not finish {} in {CHROMIUM_TIMEOUT:?}", page.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let dom = std::fs::read_to_string(dir.join("dom.html")).unwrap();
    (dom, std::fs::read_to_string(dir.join("chromium.log")).unwrap())
}

/// Opens `page` and checks it: no console message, the charts `expected` in order, each laid
/// out with a size and its texts.
fn assert_renders(chromium: &str, page: &Path, expected: &[String], dir: &Path) {
    let (dom, log) = open_in_chromium(chromium, page, dir);
    let console: Vec<&str> = log.lines().filter(|l| l.contains("CONSOLE") || l.contains("Uncaught")).collect();
    assert!(console.is_empty(), "{}: console messages:\n{}", page.display(), console.join("\n"));
    let start =
        dom.find("data-rendered=\"").unwrap_or_else(|| panic!("{}: no layout probe in\n{dom}\n{log}", page.display()));
    let rendered = &dom[start + "data-rendered=\"".len()..];
    let rendered: Vec<&str> = rendered[..rendered.find('"').unwrap()].split(' ').filter(|s| !s.is_empty()).collect();
    let kinds: Vec<&str> = rendered.iter().map(|r| r.split(':').next().unwrap()).collect();
    assert_eq!(kinds, expected, "{}", page.display());
    for chart in &rendered {
        let [_, size, texts] = chart.split(':').collect::<Vec<_>>()[..] else { panic!("{chart}") };
        let (width, height) = size.split_once('x').unwrap();
        let (width, height, texts): (u32, u32, u32) =
            (width.parse().unwrap(), height.parse().unwrap(), texts.parse().unwrap());
        assert!(width >= 300 && height >= 120 && texts >= 10, "{}: {chart}", page.display());
    }
    assert_eq!(dom.matches("<svg ").count(), expected.len(), "{}: one SVG per chart", page.display());
}

/// A folder of this process for the test `name`: the tests run in parallel, and one that removed
/// a folder another still wrote to failed that one (as the sweep's inside the report's did).
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tensorsim-html-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn report_html_and_diff_html_render_in_chromium_with_every_chart_and_no_console_message() {
    let Some(chromium) = chromium() else {
        let required = std::env::var("TENSORSIM_REQUIRE_CHROMIUM").is_ok_and(|v| v == "1");
        assert!(!required, "TENSORSIM_REQUIRE_CHROMIUM=1 but no `chromium` on PATH (apt-get install chromium)");
        println!("SKIPPED: chromium is not installed, report.html was not opened in a browser");
        return;
    };
    let dir = temp_dir("report");
    let scenario = dir.join("html.yaml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let args = ["ab", scenario.to_str().unwrap(), "--profile", "yuma3-2025", "--profile", "head-2026"];
    let out = dir.join("ab");
    let output = tensorsim(&[&args[..], &["--out", out.to_str().unwrap(), "--quiet"]].concat(), None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut pairs = Vec::new();
    for side in ["A", "B"] {
        let report: Value =
            serde_json::from_slice(&std::fs::read(out.join(side).join("report.json")).unwrap()).unwrap();
        let expected = expected_charts(&report);
        assert_eq!(report["subnets"].as_array().unwrap().len(), 2);
        assert!(expected.contains(&"relative_dividend_rate".to_string()), "the copier's G: {expected:?}");
        assert_renders(chromium, &out.join(side).join("report.html"), &expected, &dir);
        pairs.push(expected);
    }
    // diff.html: each of A's charts beside B's (both runs have the same kinds here).
    assert_eq!(pairs[0], pairs[1]);
    let side_by_side: Vec<String> = pairs[0].iter().flat_map(|kind| [kind.clone(), kind.clone()]).collect();
    assert_renders(chromium, &out.join("diff.html"), &side_by_side, &dir);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sweep_html_renders_in_chromium_with_a_heat_map_per_observable() {
    let Some(chromium) = chromium() else {
        let required = std::env::var("TENSORSIM_REQUIRE_CHROMIUM").is_ok_and(|v| v == "1");
        assert!(!required, "TENSORSIM_REQUIRE_CHROMIUM=1 but no `chromium` on PATH (apt-get install chromium)");
        println!("SKIPPED: chromium is not installed, sweep.html was not opened in a browser");
        return;
    };
    let dir = temp_dir("sweep");
    let sweep = format!(
        "version: 1\nname: grid\nscenario: {}\nseeds: {{first: 1, count: 1}}\ngrid:\n\
         - {{path: \"subnets[0].hyperparameters.kappa\", values: [32767, 45000]}}\n\
         - {{path: \"subnets[0].validation.duplicates\", values: [none, history]}}\ncollect:\n\
         - {{observable: incentive_share, subnet: digits, group: friends}}\n\
         - {{observable: incentive_share, subnet: digits, group: sybils}}\n",
        common::scenario("smoke.yaml").display()
    );
    std::fs::write(dir.join("grid.yaml"), sweep).unwrap();
    let out = dir.join("out");
    let file = dir.join("grid.yaml");
    let args = ["sweep", file.to_str().unwrap(), "--out", out.to_str().unwrap(), "--quiet"];
    let output = tensorsim(&args, None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let expected = vec!["sweep_heat_map".to_string(); 2];
    assert_renders(chromium, &out.join("sweep.html"), &expected, &dir);
    std::fs::remove_dir_all(&dir).unwrap();
}
