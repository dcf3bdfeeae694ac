//! Progress on a terminal for the long commands (run, ab, check): a bar per phase with its rate
//! and ETA. Hidden under `--quiet` and when standard error is not a terminal, so logs and CI
//! output carry no control characters.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
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
            // A new phase starts when the last one is done (training before blocks), however
            // much of it the drawer last saw.
            if let Some(bar) = self.bar.take() {
                bar.finish();
                end_line(&bar);
            }
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
            end_line(&bar);
        }
    }
}

/// A bar left on the terminal ends its line, so that what follows (the next phase's bar, the
/// summary) starts on a line of its own.
fn end_line(bar: &ProgressBar) {
    if !bar.is_hidden() {
        eprintln!();
    }
}

/// How often the drawer of [`observed`] looks at the work's progress.
const DRAW_INTERVAL: Duration = Duration::from_millis(100);

/// Runs `work`, which reports (phase, done, total) from wherever it runs, and shows it unless
/// `quiet`. A network run reports from inside the simulation, where no thread may start (madsim
/// refuses) and the clock is virtual, so there `work` only stores the numbers; a thread started
/// here, outside, draws them on real time.
pub fn observed<R>(quiet: bool, work: impl FnOnce(&mut (dyn FnMut(&str, u64, u64) + Send)) -> R) -> R {
    let latest: Mutex<Option<(String, u64, u64)>> = Mutex::new(None);
    let finished = AtomicBool::new(false);
    std::thread::scope(|scope| {
        if !quiet {
            scope.spawn(|| draw(&latest, &finished));
        }
        let mut report = |phase: &str, done: u64, total: u64| {
            let mut latest = latest.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            match latest.as_mut() {
                Some((current, d, t)) if current == phase => (*d, *t) = (done, total),
                _ => *latest = Some((phase.to_string(), done, total)),
            }
        };
        let result = work(&mut report);
        finished.store(true, Ordering::Release);
        result
    })
}

/// The drawer of [`observed`]: the latest numbers, every `DRAW_INTERVAL`, until the work ends.
fn draw(latest: &Mutex<Option<(String, u64, u64)>>, finished: &AtomicBool) {
    let mut bars = Progress::new(false);
    loop {
        let last_look = finished.load(Ordering::Acquire);
        let seen = latest.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        if let Some((phase, done, total)) = seen {
            bars.update(&phase, done, total);
        }
        if last_look {
            break;
        }
        std::thread::sleep(DRAW_INTERVAL);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

fn bar(phase: &str, total: u64) -> ProgressBar {
    let style = ProgressStyle::with_template("{prefix:>9} [{bar:32}] {pos}/{len} ({elapsed} so far, ETA {eta}) {msg}")
        .expect("the template is valid")
        .progress_chars("=> ");
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()).with_style(style);
    bar.set_prefix(phase.to_string());
    // A tick now and then keeps the ETA moving while one long step (a scenario of `check`) runs.
    bar.enable_steady_tick(Duration::from_millis(500));
    bar
}
