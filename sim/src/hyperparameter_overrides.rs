//! Hyperparameters with a file's overrides over them: the one place where a scenario's or a
//! replay case's `hyperparameters` object meets the chain's typed values (the chain crate reads no
//! JSON).

use tensorsim_chain::hyperparameters::Hyperparameters;

/// `base` with `overrides` (snake_case names) over it, checked as the chain checks them. The
/// error is (the field, why).
pub fn with_overrides(
    base: &Hyperparameters,
    overrides: &serde_json::Map<String, serde_json::Value>,
) -> Result<Hyperparameters, (String, String)> {
    let mut value = serde_json::to_value(base).expect("hyperparameters serialise");
    let object = value.as_object_mut().expect("hyperparameters are an object");
    for (key, field) in overrides {
        object.insert(key.clone(), field.clone());
    }
    let h: Hyperparameters = serde_path_to_error::deserialize(value)
        .map_err(|error| (error.path().to_string(), error.into_inner().to_string()))?;
    h.validate().map_err(|invalid| (invalid.field.to_string(), invalid.message))?;
    Ok(h)
}
