//! Serializing and deserializing generated structs through a few shared functions.
//!
//! serde's derives write, for every struct, a field enum, two visitors, a `visit_seq`
//! nobody needs for JSON and a length count for every optional property: on a spec with
//! thousands of schemas that code is most of what the compiler checks. A generated struct
//! here writes one short expression per property each way, and everything else (finding
//! a property by its wire name, duplicate and missing properties, unknown ones, leaving
//! out absent optional ones) is done here, over trait objects ([`erased_serde`]) for the
//! properties' values: the compiler checks and builds it once per serializer or
//! deserializer type, not once per struct.
//!
//! The behaviour is serde's: a missing required property is an error unless its type is
//! an `Option`, a property given twice is an error, unknown properties are skipped (or
//! refused, or kept, as the struct says), and an absent optional property is not
//! written.

use ::std::collections::BTreeMap;
use ::std::fmt;

use ::serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use ::serde::ser::{SerializeMap, Serializer};
use ::serde::{Deserialize, Serialize};

/// The storage of one property while its object is read.
pub trait Slot<'de> {
    /// Whether a value was read already.
    fn is_set(&self) -> bool;
    /// Reads the property's value.
    fn fill(
        &mut self,
        deserializer: &mut dyn erased_serde::Deserializer<'de>,
    ) -> Result<(), erased_serde::Error>;
    /// Called once the object is read: a required property that was not there gets its
    /// type's answer to a missing value (`None` for an `Option`, else an error).
    fn finish(&mut self, name: &'static str) -> Result<(), erased_serde::Error>;
}

/// The slot of a required property.
pub struct Required<T>(Option<T>);

impl<T> Required<T> {
    /// The value read. [`deserialize`] has [`finish`](Slot::finish)ed every slot when it
    /// returns `Ok`, so the slot is filled.
    pub fn into_value(self) -> T {
        match self.0 {
            Some(value) => value,
            None => unreachable!("model::deserialize fills every required slot or fails"),
        }
    }
}

impl<'de, T: Deserialize<'de>> Required<T> {
    /// The slot as [`deserialize`] takes it.
    pub fn slot(&mut self) -> &mut dyn Slot<'de> {
        self
    }
}

impl<'de, T: Deserialize<'de>> Slot<'de> for Required<T> {
    fn is_set(&self) -> bool {
        self.0.is_some()
    }

    fn fill(
        &mut self,
        deserializer: &mut dyn erased_serde::Deserializer<'de>,
    ) -> Result<(), erased_serde::Error> {
        self.0 = Some(erased_serde::deserialize(deserializer)?);
        Ok(())
    }

    /// A required property must be present, also when it may be `null` (JSON Schema's
    /// `required` is about the key; serde's derive would read a missing `Option` as `None`).
    fn finish(&mut self, name: &'static str) -> Result<(), erased_serde::Error> {
        if self.0.is_none() {
            return Err(de::Error::missing_field(name));
        }
        Ok(())
    }
}

/// The slot of an optional property (an `Option` field): `None` until the property is
/// read, then the value read (itself `None` for `null`).
pub struct Optional<T>(Option<Option<T>>);

impl<T> Optional<T> {
    /// The value read, `None` when the property was absent (or `null`).
    pub fn into_value(self) -> Option<T> {
        self.0.flatten()
    }
}

impl<'de, T: Deserialize<'de>> Optional<T> {
    /// The slot as [`deserialize`] takes it.
    pub fn slot(&mut self) -> &mut dyn Slot<'de> {
        self
    }
}

impl<'de, T: Deserialize<'de>> Slot<'de> for Optional<T> {
    fn is_set(&self) -> bool {
        self.0.is_some()
    }

    fn fill(
        &mut self,
        deserializer: &mut dyn erased_serde::Deserializer<'de>,
    ) -> Result<(), erased_serde::Error> {
        self.0 = Some(erased_serde::deserialize(deserializer)?);
        Ok(())
    }

    fn finish(&mut self, _name: &'static str) -> Result<(), erased_serde::Error> {
        Ok(())
    }
}

/// What happens to a key no property has.
pub trait Other<'de> {
    /// Whether such a key is an error (`additionalProperties: false`).
    fn denies(&self) -> bool;
    /// Reads (keeps or skips) the key's value.
    fn take(
        &mut self,
        key: String,
        deserializer: &mut dyn erased_serde::Deserializer<'de>,
    ) -> Result<(), erased_serde::Error>;
}

/// Other keys are skipped.
#[derive(Debug, Clone, Copy)]
pub struct Ignore;

/// Other keys are an error.
#[derive(Debug, Clone, Copy)]
pub struct Deny;

impl<'de> Other<'de> for Ignore {
    fn denies(&self) -> bool {
        false
    }

    fn take(
        &mut self,
        _key: String,
        deserializer: &mut dyn erased_serde::Deserializer<'de>,
    ) -> Result<(), erased_serde::Error> {
        erased_serde::deserialize::<IgnoredAny>(deserializer).map(|_| ())
    }
}

impl<'de> Other<'de> for Deny {
    fn denies(&self) -> bool {
        true
    }

    fn take(
        &mut self,
        key: String,
        deserializer: &mut dyn erased_serde::Deserializer<'de>,
    ) -> Result<(), erased_serde::Error> {
        Ignore.take(key, deserializer)
    }
}

/// Other keys are kept in the struct's map of extra properties.
impl<'de, T: Deserialize<'de>> Other<'de> for BTreeMap<String, T> {
    fn denies(&self) -> bool {
        false
    }

    fn take(
        &mut self,
        key: String,
        deserializer: &mut dyn erased_serde::Deserializer<'de>,
    ) -> Result<(), erased_serde::Error> {
        let value = erased_serde::deserialize(deserializer)?;
        self.insert(key, value);
        Ok(())
    }
}

/// The policies by the names [`serde_impls!`] takes (`ignore`, `deny`, `extra`): the
/// store of other keys a struct starts reading with.
pub mod unknown {
    use ::std::collections::BTreeMap;

    /// Other keys are skipped.
    pub fn ignore() -> super::Ignore {
        super::Ignore
    }

    /// Other keys are an error.
    pub fn deny() -> super::Deny {
        super::Deny
    }

    /// Other keys are kept.
    pub fn extra<T>() -> BTreeMap<String, T> {
        BTreeMap::new()
    }
}

/// A generated struct's shape: its name and the wire names of its properties, in
/// declaration order.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// The struct's name, for messages.
    pub name: &'static str,
    /// The wire names.
    pub fields: &'static [&'static str],
}

/// `Deserialize::deserialize` of every generated struct: reads an object into the slots
/// (one per property of `shape`, in order) and `other`. On `Ok` every slot is finished.
pub fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
    shape: &'static Shape,
    slots: &mut [&mut dyn Slot<'de>],
    other: &mut dyn Other<'de>,
) -> Result<(), D::Error> {
    deserializer.deserialize_struct(
        shape.name,
        shape.fields,
        StructVisitor {
            shape,
            slots,
            other,
        },
    )
}

struct StructVisitor<'a, 'b, 'de> {
    shape: &'static Shape,
    slots: &'a mut [&'b mut dyn Slot<'de>],
    other: &'a mut dyn Other<'de>,
}

impl<'de> Visitor<'de> for StructVisitor<'_, '_, 'de> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "struct {}", self.shape.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let fields = self.shape.fields;
        while let Some(key) = map.next_key_seed(FieldKey(fields))? {
            match key {
                Key::Field(index) => {
                    let slot = &mut *self.slots[index];
                    if slot.is_set() {
                        return Err(de::Error::duplicate_field(fields[index]));
                    }
                    map.next_value_seed(Fill(slot, fields[index]))?;
                }
                Key::Other(key) => {
                    if self.other.denies() {
                        return Err(de::Error::unknown_field(&key, fields));
                    }
                    map.next_value_seed(Keep(&mut *self.other, key))?;
                }
            }
        }
        for (slot, name) in self.slots.iter_mut().zip(fields) {
            slot.finish(name).map_err(de::Error::custom)?;
        }
        Ok(())
    }
}

/// Reads a property's value into its slot (the property's wire name beside it).
struct Fill<'a, 'de>(&'a mut dyn Slot<'de>, &'static str);

impl<'de> DeserializeSeed<'de> for Fill<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let mut erased = <dyn erased_serde::Deserializer>::erase(deserializer);
        self.0.fill(&mut erased).map_err(|error| {
            // A constrained value of this very property was refused: its message gets
            // the property's name, so even a plain `serde_json::from_str` says which
            // field broke which rule (`clipIds: expected at least 6 items, got 5`).
            let message = error.to_string();
            if crate::validate::last_violations_message().is_some_and(|last| last == message) {
                de::Error::custom(format_args!("{}: {message}", self.1))
            } else {
                de::Error::custom(message)
            }
        })
    }
}

/// Hands the value of another key to the struct's policy.
struct Keep<'a, 'de>(&'a mut dyn Other<'de>, String);

impl<'de> DeserializeSeed<'de> for Keep<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let mut erased = <dyn erased_serde::Deserializer>::erase(deserializer);
        self.0.take(self.1, &mut erased).map_err(de::Error::custom)
    }
}

/// An object key: the index of the property it names, or the key itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// `fields[index]`.
    Field(usize),
    /// A key no property has.
    Other(String),
}

/// Reads an object key as a [`Key`] of these property names.
#[derive(Debug, Clone, Copy)]
pub struct FieldKey(pub &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldKey {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldKey {
    type Value = Key;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a property name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(match self.0.iter().position(|name| *name == key) {
            Some(index) => Key::Field(index),
            None => Key::Other(key.to_owned()),
        })
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Key, E> {
        self.visit_str(&String::from_utf8_lossy(key))
    }
}

/// One property to write: its wire name and its value, `None` when an optional one is
/// absent (and so not written).
pub struct Entry<'a>(&'static str, Option<&'a dyn erased_serde::Serialize>);

/// A required property, as [`serde_impls!`] names the kind.
pub mod required {
    use ::serde::Serialize;

    use super::{Entry, Required};

    /// An empty slot.
    pub fn new<T>() -> Required<T> {
        Required(None)
    }

    /// The property to write (`None` of a nullable one is written as `null`).
    pub fn write<'a, T: Serialize>(name: &'static str, value: &'a T) -> Entry<'a> {
        Entry(name, Some(value))
    }
}

/// An optional property (an `Option` field), as [`serde_impls!`] names the kind.
pub mod optional {
    use ::serde::Serialize;

    use super::{Entry, Optional};

    /// An empty slot.
    pub fn new<T>() -> Optional<T> {
        Optional(None)
    }

    /// The property to write: nothing is written when it is absent.
    pub fn write<'a, T: Serialize>(name: &'static str, value: &'a Option<T>) -> Entry<'a> {
        Entry(name, value.as_ref().map(|value| value as _))
    }
}

/// The extra properties of a struct that keeps other keys.
pub trait Extra {
    /// Writes them, after the named ones.
    fn write(&self, map: &mut dyn FnMut(&str, &dyn erased_serde::Serialize));
}

impl<T: Serialize> Extra for BTreeMap<String, T> {
    fn write(&self, map: &mut dyn FnMut(&str, &dyn erased_serde::Serialize)) {
        for (key, value) in self {
            map(key, value);
        }
    }
}

/// `Serialize::serialize` of every generated struct: an object of the present entries,
/// then the extra properties.
pub fn serialize<S: Serializer>(
    serializer: S,
    entries: &[Entry<'_>],
    extra: Option<&dyn Extra>,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    for Entry(name, value) in entries {
        if let Some(value) = value {
            map.serialize_entry(name, value)?;
        }
    }
    if let Some(extra) = extra {
        let mut result = Ok(());
        extra.write(&mut |key, value| {
            if result.is_ok() {
                result = map.serialize_entry(key, value);
            }
        });
        result?;
    }
    map.end()
}

/// `Serialize` and `Deserialize` for a generated struct, from one line per property: its
/// Rust name, wire name and kind (`required` or `optional`), then what happens to other
/// keys (`ignore`, `deny`, or `extra(field)` to keep them in that map field).
///
/// ```text
/// model::serde_impls! {
///     Pet {
///         name: "name" required,
///         tag: "tag" optional,
///     }
///     unknown: ignore
/// }
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! serde_impls {
    (
        $name:ident {
            $($field:ident : $wire:literal $kind:ident),* $(,)?
        }
        unknown: $unknown:ident $(($extra:ident))?
    ) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                $crate::model::serialize(
                    serializer,
                    &[$($crate::model::$kind::write($wire, &self.$field)),*],
                    $crate::serde_impls!(@extra $(&self.$extra)?),
                )
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                static SHAPE: $crate::model::Shape = $crate::model::Shape {
                    name: stringify!($name),
                    fields: &[$($wire),*],
                };
                $(let mut $field = $crate::model::$kind::new();)*
                let mut other = $crate::model::unknown::$unknown();
                $crate::model::deserialize(
                    deserializer,
                    &SHAPE,
                    &mut [$($field.slot()),*],
                    &mut other,
                )?;
                ::std::result::Result::Ok(Self {
                    $($field: $field.into_value(),)*
                    $($extra: other,)?
                })
            }
        }
    };
    (@extra) => { ::std::option::Option::None };
    (@extra $extra:expr) => { ::std::option::Option::Some($extra) };
}
pub use crate::serde_impls;
