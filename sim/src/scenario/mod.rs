//! Scenarios: the YAML schema (`types`), and the checked, resolved [`Plan`] a run executes. Every
//! name a scenario uses (groups, nodes, subnets, profiles) is resolved here, so that a run never
//! meets a bad reference; errors name the field, and the line and column where the parser knows.
//! `resolve` is the pipeline from a parsed scenario to a plan, one stage per file.

mod error;
mod plan;
mod resolve;
pub mod types;
mod warnings;

pub use error::ScenarioError;
pub use plan::*;
pub use types::*;

use crate::yaml;

impl Plan {
    /// Reads and checks a scenario; `seed` overrides the file's.
    pub fn parse(text: &str, seed: Option<u64>) -> Result<Self, ScenarioError> {
        let scenario: Scenario = yaml::from_str(text)?;
        resolve::resolve(scenario, seed)
    }

    /// Reads and checks a scenario as `variant` changes it (`tensorsim ab`): the same file and
    /// seed under another profile, or with hyperparameters set on every subnet, checked as the
    /// file's own would be (an error names the subnet's field the value landed in).
    pub fn parse_variant(text: &str, seed: Option<u64>, variant: &Variant) -> Result<Self, ScenarioError> {
        let mut scenario: Scenario = yaml::from_str(text)?;
        if let Some(profile) = &variant.profile {
            scenario.profile = profile.clone();
        }
        for subnet in &mut scenario.subnets {
            for (name, value) in &variant.hyperparameters {
                subnet.hyperparameters.insert(name.clone(), value.clone());
            }
        }
        resolve::resolve(scenario, seed)
    }
}

/// What a variant of a scenario changes: its profile, hyperparameters over every subnet's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Variant {
    pub profile: Option<String>,
    pub hyperparameters: serde_json::Map<String, serde_json::Value>,
}
