//! What is wrong with a scenario, and where: `field.path: why`.

use crate::yaml::YamlError;

/// What is wrong with a scenario, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError(pub String);

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<YamlError> for ScenarioError {
    fn from(error: YamlError) -> Self {
        Self(error.to_string())
    }
}

/// The error `path: message`.
pub(super) fn invalid<T>(path: impl std::fmt::Display, message: impl std::fmt::Display) -> Result<T, ScenarioError> {
    Err(ScenarioError(format!("{path}: {message}")))
}
