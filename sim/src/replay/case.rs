//! What both kinds of case share as input: the error type, strict JSON parsing, one action per
//! step, the size limits and the protocol profile a case runs under.

use std::fmt;

use tensorsim_chain::profile::{self, Profile};

/// The largest replay file read. A case is a script of extrinsics, not a data dump; this keeps a
/// wrong path (a log, an image) from being read into memory.
pub const CASE_BYTES_MAX: u64 = 64 << 20;
/// The most steps a case may have.
pub const STEPS_MAX: usize = 1_000_000;
/// The most per-UID output values (epochs × UIDs) a case may ask for.
pub const OUTPUT_VALUES_MAX: usize = 50_000_000;

/// Bad input: where (a field path such as `steps[4].set_weights.dests[2]`) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    pub path: String,
    pub message: String,
}

impl InputError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { path: path.into(), message: message.into() }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.path.is_empty() { f.write_str(&self.message) } else { write!(f, "{}: {}", self.path, self.message) }
    }
}

/// Parses a JSON object strictly, the error naming the field path.
pub fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, InputError> {
    let first = text.trim_start().chars().next();
    if first.is_some_and(|c| c != '{') {
        return Err(InputError::new(
            "",
            "a replay case is a JSON object: name, hyperparameters, neurons, steps (an epoch case) or name, chain, \
             steps (a chain case)",
        ));
    }
    let deserializer = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let path = if path == "." { String::new() } else { path };
        InputError::new(path, error.into_inner().to_string())
    })
}

/// Refuses more than `STEPS_MAX` steps, before any is converted.
pub fn check_step_count(steps: usize) -> Result<(), InputError> {
    if steps > STEPS_MAX {
        return Err(InputError::new("steps", format!("{steps} steps exceed the limit of {STEPS_MAX}")));
    }
    Ok(())
}

/// The one action of step `k`: an error naming the step when it has none or several.
pub fn one_action<A>(k: usize, actions: Vec<A>, key: fn(&A) -> &'static str, keys: &str) -> Result<A, InputError> {
    match <[A; 1]>::try_from(actions) {
        Ok([action]) => Ok(action),
        Err(actions) if actions.is_empty() => {
            Err(InputError::new(format!("steps[{k}]"), format!("a step needs one of {keys}")))
        }
        Err(actions) => {
            let found: Vec<&str> = actions.iter().map(key).collect();
            Err(InputError::new(
                format!("steps[{k}]"),
                format!("a step has exactly one of {keys}; this one has {}", found.join(" and ")),
            ))
        }
    }
}

/// `name` as a profile, the error naming `path`.
pub fn profile_named(name: &str, path: &str) -> Result<&'static Profile, InputError> {
    profile::profile_by_name(name).ok_or_else(|| {
        InputError::new(path, format!("unknown profile {name:?}; the profiles are {}", profile::profile_names()))
    })
}

/// The profile a case runs under: the command line's, else the case's own `profile`, else HEAD.
pub fn case_profile(
    command_line: Option<&'static Profile>,
    in_case: Option<&str>,
) -> Result<&'static Profile, InputError> {
    match (command_line, in_case) {
        (Some(profile), _) => Ok(profile),
        (None, Some(name)) => profile_named(name, "profile"),
        (None, None) => Ok(profile::HEAD),
    }
}
