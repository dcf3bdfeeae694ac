//! Where two reports differ, said in the report's own terms: not "hashes differ" but the subnet,
//! the epoch (by block), the UID and the field of the earliest difference, and how many values
//! differ in all. Works on any JSON (a golden file may be of an older build, or not a report at
//! all), labelling what it recognises: a subnet by its `name`, an epoch by its `block`, an entry of
//! a per-UID list by its UID.

use serde_json::Value;

/// How deep a report nests (subnets → epochs → emission → alpha_rao → UID is 6); deeper input is
/// compared as a whole, so a hostile file cannot exhaust the stack.
const DEPTH_MAX: usize = 32;

/// One differing value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The subnet's name, when the value lies inside one.
    pub subnet: Option<String>,
    /// The epoch's block, when the value lies inside an epoch record.
    pub epoch_block: Option<u64>,
    /// The UID, when the value is an entry of an epoch's per-UID list.
    pub uid: Option<usize>,
    /// The field: the last key on the way to the value (`incentive`, `alpha_rao`).
    pub field: String,
    /// The whole way, labelled: `subnets[digits].epochs[block 1080].incentive[uid 37]`.
    pub path: String,
    pub golden: String,
    pub actual: String,
}

/// Every difference counted; the earliest kept.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Differences {
    pub count: usize,
    /// The difference in the earliest epoch (document order among equals); one outside every
    /// epoch only when no epoch differs.
    pub first: Option<Difference>,
}

/// Compares `golden` with `actual`, value by value.
pub fn differences(golden: &Value, actual: &Value) -> Differences {
    let mut found = Differences::default();
    walk(golden, actual, &Place::default(), 0, &mut found);
    found
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut place = Vec::new();
        if let Some(subnet) = &self.subnet {
            place.push(format!("subnet {subnet}"));
        }
        if let Some(block) = self.epoch_block {
            place.push(format!("epoch at block {block}"));
        }
        if let Some(uid) = self.uid {
            place.push(format!("uid {uid}"));
        }
        place.push(format!("field {}", self.field));
        write!(f, "{}: golden {}, now {} ({})", place.join(", "), self.golden, self.actual, self.path)
    }
}

/// Where the walk stands.
#[derive(Clone, Default)]
struct Place {
    path: String,
    field: String,
    subnet: Option<String>,
    epoch_block: Option<u64>,
    uid: Option<usize>,
    /// Inside an epoch record: an index into a list of numbers there is a UID.
    in_epoch: bool,
}

fn walk(golden: &Value, actual: &Value, place: &Place, depth: usize, found: &mut Differences) {
    match (golden, actual) {
        (Value::Object(g), Value::Object(a)) if depth < DEPTH_MAX => {
            let mut keys: Vec<&String> = g.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let inner = place.key(key);
                match (g.get(key), a.get(key)) {
                    (Some(g), Some(a)) => walk(g, a, &inner, depth + 1, found),
                    (g, a) => record(found, &inner, describe_opt(g), describe_opt(a)),
                }
            }
        }
        (Value::Array(g), Value::Array(a)) if depth < DEPTH_MAX => {
            if g.len() != a.len() {
                record(found, place, format!("{} entries", g.len()), format!("{} entries", a.len()));
            }
            for (index, (g, a)) in g.iter().zip(a).enumerate() {
                walk(g, a, &place.index(index, g), depth + 1, found);
            }
        }
        (g, a) if g != a => record(found, place, describe(g), describe(a)),
        _ => {}
    }
}

impl Place {
    fn key(&self, key: &str) -> Place {
        let path = if self.path.is_empty() { key.to_string() } else { format!("{}.{key}", self.path) };
        Place { path, field: key.to_string(), uid: None, ..self.clone() }
    }

    /// The place of entry `index` of a list whose entry in the golden file is `entry`.
    fn index(&self, index: usize, entry: &Value) -> Place {
        let mut inner = self.clone();
        let name = entry.get("name").and_then(Value::as_str);
        let block = entry.get("block").and_then(Value::as_u64);
        let label = match (self.field.as_str(), name, block) {
            ("subnets", Some(name), _) => {
                inner.subnet = Some(name.to_string());
                name.to_string()
            }
            ("epochs", _, Some(block)) => {
                inner.epoch_block = Some(block);
                inner.in_epoch = true;
                format!("block {block}")
            }
            (_, Some(name), _) => name.to_string(),
            _ if self.in_epoch && self.uid.is_none() && !entry.is_object() => {
                inner.uid = Some(index);
                format!("uid {index}")
            }
            _ => index.to_string(),
        };
        inner.path = format!("{}[{label}]", self.path);
        inner
    }
}

fn record(found: &mut Differences, place: &Place, golden: String, actual: String) {
    found.count += 1;
    let earlier = match &found.first {
        None => true,
        // Document order is the order of discovery, so only a strictly earlier epoch displaces.
        Some(first) => place.epoch_block.unwrap_or(u64::MAX) < first.epoch_block.unwrap_or(u64::MAX),
    };
    if earlier {
        found.first = Some(Difference {
            subnet: place.subnet.clone(),
            epoch_block: place.epoch_block,
            uid: place.uid,
            field: place.field.clone(),
            path: place.path.clone(),
            golden,
            actual,
        });
    }
}

/// A value for a person: numbers and strings as they are, containers by their size.
fn describe(value: &Value) -> String {
    const CHARS_MAX: usize = 60;
    let text = match value {
        Value::Array(list) => format!("a list of {}", list.len()),
        Value::Object(map) => format!("an object of {} keys", map.len()),
        other => other.to_string(),
    };
    if text.chars().count() > CHARS_MAX { text.chars().take(CHARS_MAX).chain("…".chars()).collect() } else { text }
}

fn describe_opt(value: Option<&Value>) -> String {
    value.map_or_else(|| "absent".to_string(), describe)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report(incentive_at_720: [u64; 3], gini: f64) -> Value {
        json!({
            "run": {"seed": 1},
            "subnets": [{
                "name": "digits",
                "observables": {"gini": gini},
                "epochs": [
                    {"block": 360, "incentive": [1, 2, 3], "emission": {"alpha_rao": [10, 20, 30]}},
                    {"block": 720, "incentive": incentive_at_720, "emission": {"alpha_rao": [10, 20, 30]}},
                ],
            }],
        })
    }

    #[test]
    fn equal_reports_have_no_difference() {
        assert_eq!(differences(&report([4, 5, 6], 0.5), &report([4, 5, 6], 0.5)), Differences::default());
    }

    #[test]
    fn the_earliest_epoch_is_named_with_its_subnet_block_uid_and_field_even_after_an_earlier_key_differs() {
        // `run` comes before `subnets` in the document: the epoch, not document order, decides.
        let golden = report([4, 5, 6], 0.5);
        let mut actual = report([4, 9, 6], 0.5);
        actual["run"]["seed"] = json!(2);
        let found = differences(&golden, &actual);
        assert_eq!(found.count, 2);
        let first = found.first.unwrap();
        assert_eq!(
            (first.subnet.as_deref(), first.epoch_block, first.uid, first.field.as_str()),
            (Some("digits"), Some(720), Some(1), "incentive")
        );
        assert_eq!(first.path, "subnets[digits].epochs[block 720].incentive[uid 1]");
        assert_eq!((first.golden.as_str(), first.actual.as_str()), ("5", "9"));
    }

    #[test]
    fn a_uid_inside_a_nested_per_uid_list_is_named_and_the_field_is_the_list() {
        let golden = report([4, 5, 6], 0.5);
        let mut actual = golden.clone();
        actual["subnets"][0]["epochs"][0]["emission"]["alpha_rao"][2] = json!(31);
        let first = differences(&golden, &actual).first.unwrap();
        assert_eq!((first.epoch_block, first.uid, first.field.as_str()), (Some(360), Some(2), "alpha_rao"));
    }

    #[test]
    fn a_difference_outside_every_epoch_is_named_by_its_path() {
        let first = differences(&report([4, 5, 6], 0.5), &report([4, 5, 6], 0.25)).first.unwrap();
        assert_eq!((first.epoch_block, first.path.as_str()), (None, "subnets[digits].observables.gini"));
    }

    #[test]
    fn a_missing_key_and_a_shorter_list_are_differences() {
        let golden = report([4, 5, 6], 0.5);
        let mut actual = golden.clone();
        actual["run"].as_object_mut().unwrap().remove("seed");
        actual["subnets"][0]["epochs"].as_array_mut().unwrap().pop();
        let found = differences(&golden, &actual);
        assert_eq!(found.count, 2);
        let first = found.first.unwrap();
        assert_eq!((first.path.as_str(), first.golden.as_str()), ("run.seed", "1"));
        assert_eq!(first.actual, "absent");
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_compared_whole_without_recursing() {
        let deep = |leaf: u64| (0..DEPTH_MAX * 4).fold(json!(leaf), |inner, _| json!([inner]));
        let found = differences(&deep(1), &deep(2));
        assert_eq!(found.count, 1);
    }
}
