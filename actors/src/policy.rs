//! What validator and miner policy specs share: a parameter a policy refuses, and another actor's
//! name a policy holds. Both name their field under the policy's key (`noisy.sigma`); the scenario
//! puts where the policy sits in front (`subnets[0].validators[6].policy.noisy.sigma`).

/// A policy parameter its rules refuse: the field under the policy's key, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    /// Empty when the rule is on the parameters together (then the policy's key is the field).
    pub field: String,
    pub message: String,
}

impl PolicyError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self { field: field.to_string(), message: message.into() }
    }

    /// The same error with its field under `key` (a policy's name in the scenario).
    pub fn under(self, key: &str) -> Self {
        Self { field: under(key, &self.field), message: self.message }
    }
}

/// An actor a policy names (a miner group, a `group/index`), and the field that names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference<'a> {
    pub field: String,
    pub name: &'a str,
}

impl<'a> Reference<'a> {
    pub fn new(field: &str, name: &'a str) -> Self {
        Self { field: field.to_string(), name }
    }

    /// The same reference with its field under `key` (a policy's name in the scenario).
    pub fn under(self, key: &str) -> Self {
        Self { field: under(key, &self.field), name: self.name }
    }
}

fn under(key: &str, field: &str) -> String {
    if field.is_empty() { key.to_string() } else { format!("{key}.{field}") }
}
