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

/// The key of a spec's variant in a scenario (`noisy` for `Noisy { sigma }`), as serde writes it:
/// a policy's name is its variant, written once (serde's `rename_all` makes the key), never a
/// string beside it that could drift.
pub fn variant_key<T: serde::Serialize>(spec: &T) -> &'static str {
    spec.serialize(VariantKey).unwrap_or_else(|NotAVariant| panic!("a policy spec is an enum"))
}

/// A serde serializer that keeps only the variant's name of an enum value.
struct VariantKey;

/// What [`VariantKey`] answers for anything but an enum variant.
#[derive(Debug)]
struct NotAVariant;

impl std::fmt::Display for NotAVariant {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("not an enum variant")
    }
}

impl std::error::Error for NotAVariant {}

impl serde::ser::Error for NotAVariant {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        NotAVariant
    }
}

/// A variant with fields: the fields are skipped, the name is kept.
struct Named(&'static str);

impl serde::ser::SerializeStructVariant for Named {
    type Ok = &'static str;
    type Error = NotAVariant;
    fn serialize_field<T: ?Sized + serde::Serialize>(&mut self, _: &'static str, _: &T) -> Result<(), NotAVariant> {
        Ok(())
    }
    fn end(self) -> Result<&'static str, NotAVariant> {
        Ok(self.0)
    }
}

impl serde::ser::SerializeTupleVariant for Named {
    type Ok = &'static str;
    type Error = NotAVariant;
    fn serialize_field<T: ?Sized + serde::Serialize>(&mut self, _: &T) -> Result<(), NotAVariant> {
        Ok(())
    }
    fn end(self) -> Result<&'static str, NotAVariant> {
        Ok(self.0)
    }
}

/// Everything that is not an enum variant is refused, each the same way.
macro_rules! not_a_variant {
    ($($method:ident($($argument:ty),*) -> $ok:ty;)*) => {
        $(fn $method(self, $(_: $argument),*) -> Result<$ok, NotAVariant> {
            Err(NotAVariant)
        })*
    };
}

impl serde::Serializer for VariantKey {
    type Ok = &'static str;
    type Error = NotAVariant;
    type SerializeSeq = serde::ser::Impossible<&'static str, NotAVariant>;
    type SerializeTuple = serde::ser::Impossible<&'static str, NotAVariant>;
    type SerializeTupleStruct = serde::ser::Impossible<&'static str, NotAVariant>;
    type SerializeTupleVariant = Named;
    type SerializeMap = serde::ser::Impossible<&'static str, NotAVariant>;
    type SerializeStruct = serde::ser::Impossible<&'static str, NotAVariant>;
    type SerializeStructVariant = Named;

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<&'static str, NotAVariant> {
        Ok(variant)
    }
    fn serialize_newtype_variant<T: ?Sized + serde::Serialize>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: &T,
    ) -> Result<&'static str, NotAVariant> {
        Ok(variant)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Named, NotAVariant> {
        Ok(Named(variant))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Named, NotAVariant> {
        Ok(Named(variant))
    }
    fn serialize_newtype_struct<T: ?Sized + serde::Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<&'static str, NotAVariant> {
        Err(NotAVariant)
    }
    fn serialize_some<T: ?Sized + serde::Serialize>(self, _: &T) -> Result<&'static str, NotAVariant> {
        Err(NotAVariant)
    }
    not_a_variant! {
        serialize_bool(bool) -> &'static str;
        serialize_i8(i8) -> &'static str;
        serialize_i16(i16) -> &'static str;
        serialize_i32(i32) -> &'static str;
        serialize_i64(i64) -> &'static str;
        serialize_u8(u8) -> &'static str;
        serialize_u16(u16) -> &'static str;
        serialize_u32(u32) -> &'static str;
        serialize_u64(u64) -> &'static str;
        serialize_f32(f32) -> &'static str;
        serialize_f64(f64) -> &'static str;
        serialize_char(char) -> &'static str;
        serialize_str(&str) -> &'static str;
        serialize_bytes(&[u8]) -> &'static str;
        serialize_none() -> &'static str;
        serialize_unit() -> &'static str;
        serialize_unit_struct(&'static str) -> &'static str;
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;

    use super::variant_key;

    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Spec {
        Plain,
        WithFields { sigma: f64 },
        Wrapped(u8),
        Pair(u8, u8),
    }

    #[test]
    fn a_variants_key_is_its_serde_name_with_or_without_fields() {
        assert_eq!(variant_key(&Spec::Plain), "plain");
        assert_eq!(variant_key(&Spec::WithFields { sigma: 0.5 }), "with_fields");
        assert_eq!(variant_key(&Spec::Wrapped(1)), "wrapped");
        assert_eq!(variant_key(&Spec::Pair(1, 2)), "pair");
    }

    #[test]
    #[should_panic(expected = "a policy spec is an enum")]
    fn a_value_that_is_not_an_enum_has_no_variant_key() {
        variant_key(&3u8);
    }
}
