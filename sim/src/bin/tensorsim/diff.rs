//! `tensorsim diff`: two run reports, or two replay outputs, compared against thresholds.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use tensorsim::atomic_write::write_atomically;

use crate::exit::{EXIT_BAD_INPUT, EXIT_FAILURE, fail};

#[derive(Args)]
pub(crate) struct DiffArgs {
    /// The first file (A): a run report (report.json) or a replay output
    a: PathBuf,
    /// The second (B), of the same kind, compared against A
    b: PathBuf,
    /// Hold the diff to the thresholds in FILE (YAML or JSON); exit 1 when one is exceeded
    #[arg(long, value_name = "FILE")]
    thresholds: Option<PathBuf>,
    /// Compare reports of different scenarios, or replay outputs of different cases (a warning says so)
    #[arg(long)]
    force: bool,
    /// Write diff.json and diff.md into DIR (default: the folder of B)
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print diff.json on standard output instead of the table
    #[arg(long)]
    json: bool,
    /// Name the UIDs of two snapshot replays by the hotkeys of the snapshot they were replayed from
    #[arg(long, value_name = "SNAPSHOT")]
    metagraph: Option<PathBuf>,
}

pub(crate) fn diff_command(args: &DiffArgs) -> ExitCode {
    let thresholds = match args.thresholds.as_deref().map(tensorsim::diff::read_thresholds).transpose() {
        Ok(thresholds) => thresholds,
        Err(message) => return fail(EXIT_BAD_INPUT, &message),
    };
    let rendered = match tensorsim::diff::diff_files(&args.a, &args.b, args.force, args.metagraph.as_deref()) {
        Ok(rendered) => rendered,
        Err(message) => return fail(EXIT_BAD_INPUT, &message),
    };
    let replays = matches!(rendered.compared, tensorsim::diff::Compared::Replays(_));
    if let (Some(path), Some(thresholds)) = (&args.thresholds, &thresholds)
        && let Err(message) = tensorsim::diff::thresholds::check_kind(thresholds, replays)
    {
        return fail(EXIT_BAD_INPUT, &format!("{}: {message}", path.display()));
    }
    if rendered.compared.forced() {
        let what = if replays { "replay outputs are of different cases" } else { "reports are of different scenarios" };
        eprintln!("warning: the {what}, compared under --force");
    }
    // Beside B: in `ab`'s layout and in a CI job's, B is the run under test.
    let out = args.out.clone().unwrap_or_else(|| match args.b.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    });
    finish_diff(&rendered, &out, thresholds.as_deref(), args.json, None)
}

/// Writes the diff into `out`, prints its table, and holds it to `thresholds`: exit 1 when one is
/// exceeded, each exceeded one listed on standard error. `html`: diff.html too (`ab` has both
/// runs' charts for it).
pub(crate) fn finish_diff(
    rendered: &tensorsim::diff::Rendered,
    out: &Path,
    thresholds: Option<&[tensorsim::diff::thresholds::Threshold]>,
    json: bool,
    html: Option<&str>,
) -> ExitCode {
    if let Err(message) = rendered.write(out) {
        return fail(EXIT_FAILURE, &message);
    }
    if let Some(html) = html {
        let path = out.join("diff.html");
        if let Err(e) = write_atomically(&path, html.as_bytes()) {
            return fail(EXIT_FAILURE, &format!("{}: {e}", path.display()));
        }
    }
    let printed = if json { &rendered.json } else { &rendered.table };
    if let Err(e) = io::stdout().lock().write_all(printed.as_bytes()) {
        return fail(EXIT_FAILURE, &format!("standard output: {e}"));
    }
    if !json {
        let written = if html.is_some() { ", diff.md and diff.html" } else { " and diff.md" };
        println!("diff: {}{written}", out.join("diff.json").display());
    }
    let exceeded =
        thresholds.map_or_else(Vec::new, |t| tensorsim::diff::thresholds::exceeded_in(&rendered.compared, t));
    for line in &exceeded {
        eprintln!("threshold exceeded: {line}");
    }
    match exceeded.first() {
        None => ExitCode::SUCCESS,
        Some(first) => {
            fail(EXIT_FAILURE, &format!("{} changes exceed their thresholds, the first: {first}", exceeded.len()))
        }
    }
}
