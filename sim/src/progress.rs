//! Progress on a terminal for the long commands (run, ab, check): a bar per phase with its rate
//! and ETA. Hidden under `--quiet` and when standard error is not a terminal, so logs and CI
//! output carry no control characters.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The bars of one command, one phase at a time (`training`, `blocks`, `scenarios`).
pub struct Progress {
    show: bool,
    phase: String,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Bars unless `quiet` (they hide themselves when standard error is not a terminal).
    pub fn new(quiet: bool) -> Self {
        Self { show: !quiet, phase: String::new(), bar: None }
    }

    /// `done` of `total` in `phase`; a new phase finishes the last one's bar.
    pub fn update(&mut self, phase: &str, done: u64, total: u64) {
        if !self.show {
            return;
        }
        if self.phase != phase {
            self.finish();
            self.phase = phase.to_string();
            self.bar = Some(bar(phase, total));
        }
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        }
    }

    /// Says what is being done now (the scenario a check runs), beside the bar.
    pub fn message(&self, text: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(text.to_string());
        }
    }

    /// Leaves the current bar on the terminal, complete or not.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.abandon();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

fn bar(phase: &str, total: u64) -> ProgressBar {
    let style = ProgressStyle::with_template("{prefix:>9} [{bar:32}] {pos}/{len} ({per_sec}, ETA {eta}) {msg}")
        .expect("the template is valid")
        .progress_chars("=> ");
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()).with_style(style);
    bar.set_prefix(phase.to_string());
    // A tick now and then keeps the ETA moving while one long step (a scenario of `check`) runs.
    bar.enable_steady_tick(Duration::from_millis(500));
    bar
}
