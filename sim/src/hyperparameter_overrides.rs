//! Hyperparameters with a file's overrides over them: the one place where a scenario's or a
//! replay case's `hyperparameters` object meets the chain's typed values (the chain crate reads no
//! JSON).

use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, MapDeserializer};
use tensorsim_chain::hyperparameter_calls::SetHyperparameter;
use tensorsim_chain::hyperparameters::Hyperparameters;

/// Which part of a hyperparameter call a file got wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallField {
    Name,
    Value,
}

/// The chain's hyperparameter call named `name` with `value` read as its type (`{"kappa":
/// 40000}`, `{"alpha_values": [low, high]}`). The error is (the field at fault, why).
pub fn hyperparameter_call(name: &str, value: serde_json::Value) -> Result<SetHyperparameter, (CallField, String)> {
    // The one-entry map read as the externally tagged enum `{name: value}`.
    let entry = MapDeserializer::<_, serde_json::Error>::new(std::iter::once((name, value)));
    SetHyperparameter::deserialize(MapAccessDeserializer::new(entry)).map_err(|error| {
        let message = error.to_string();
        if message.starts_with("unknown variant") {
            (CallField::Name, format!("not a hyperparameter an extrinsic sets: {message}"))
        } else {
            (CallField::Value, message)
        }
    })
}

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

/// A command line's `--set key=value`: the value as JSON (`40000`, `true`), else as a string (a
/// name). The error names the flag.
pub fn parse_assignment(text: &str) -> Result<(String, serde_json::Value), String> {
    let (key, value) = text
        .split_once('=')
        .filter(|(key, _)| !key.is_empty())
        .ok_or_else(|| format!("--set {text}: expected KEY=VALUE"))?;
    let value = serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::String(value.to_string()));
    Ok((key.to_string(), value))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_call_is_read_by_its_name_and_a_bad_name_or_value_is_told_apart() {
        assert_eq!(hyperparameter_call("kappa", json!(40_000)), Ok(SetHyperparameter::Kappa(40_000)));
        assert_eq!(
            hyperparameter_call("alpha_values", json!([2_000, 3_000])),
            Ok(SetHyperparameter::AlphaValues(2_000, 3_000))
        );
        assert_eq!(hyperparameter_call("kapa", json!(1)).unwrap_err().0, CallField::Name);
        assert_eq!(hyperparameter_call("kappa", json!(-1)).unwrap_err().0, CallField::Value);
        assert_eq!(hyperparameter_call("yuma3", json!(1)).unwrap_err().0, CallField::Value);
    }

    #[test]
    fn an_assignment_s_value_is_json_else_a_string() {
        assert_eq!(parse_assignment("kappa=40000"), Ok(("kappa".to_string(), json!(40000))));
        assert_eq!(parse_assignment("yuma3=false"), Ok(("yuma3".to_string(), json!(false))));
        assert_eq!(parse_assignment("name=a=b"), Ok(("name".to_string(), json!("a=b"))));
        assert_eq!(parse_assignment("=1"), Err("--set =1: expected KEY=VALUE".to_string()));
        assert_eq!(parse_assignment("kappa"), Err("--set kappa: expected KEY=VALUE".to_string()));
    }
}
