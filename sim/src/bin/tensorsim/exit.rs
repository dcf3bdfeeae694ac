//! How a command ends: exit codes 0 (success), 1 (a check failed, an output could not be
//! written) and 2 (bad input), and the one-line error on standard error.

use std::process::ExitCode;

/// Exit code for bad input: a scenario, a replay case or a flag (clap uses 2 for flags too).
pub(crate) const EXIT_BAD_INPUT: u8 = 2;
/// Exit code for a failed check or an output that could not be written.
pub(crate) const EXIT_FAILURE: u8 = 1;

/// Prints `error: message` on standard error and ends the command with `code`.
pub(crate) fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}
