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
}
