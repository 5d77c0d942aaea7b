//! Serializing and deserializing generated structs through a few shared generic
//! functions.
//!
//! serde's derives write, for every struct, a field enum, two visitors, a `visit_seq`
//! nobody needs for JSON and a length count for every optional property: on a spec with
//! thousands of schemas that code is most of what the compiler checks. A generated struct
//! instead writes one line per property each way; finding a property by its wire name,
//! duplicate and missing properties, skipping unknown ones and leaving out absent
//! optional ones are done here, once. The behaviour is serde's: a missing required
//! property is an error unless its type is an `Option`, a property given twice is an
//! error, unknown properties are skipped (or refused, or kept, as the struct says), and
//! an absent optional property is not written.

use ::std::fmt;
use ::std::marker::PhantomData;

use ::serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use ::serde::Deserialize;

/// A generated struct read from a JSON object.
pub trait Model: Sized {
    /// The struct's name, for messages.
    const NAME: &'static str;
    /// The wire names of its properties, in declaration order.
    const FIELDS: &'static [&'static str];
    /// Reads the object's entries (see [`FieldKey`], [`field`], [`read`]).
    fn visit_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of every [`Model`].
pub fn deserialize_model<'de, T: Model, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::FIELDS, ModelVisitor(PhantomData))
}

struct ModelVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Model> Visitor<'de> for ModelVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::visit_map(map)
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

/// Reads the value of property `name` into `slot`; a second value is an error.
pub fn field<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a key no property has.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// Reading a property's value, by kind (the names [`serde_impls!`] takes).
pub mod read {
    use super::{de, Missing, PhantomData};
    use ::serde::Deserialize;

    /// A required property: when it is missing, its type decides (an `Option` is `None`,
    /// anything else is a "missing field" error), as with serde's derive.
    pub fn required<'de, T: Deserialize<'de>, E: de::Error>(
        slot: Option<T>,
        name: &'static str,
    ) -> Result<T, E> {
        match slot {
            Some(value) => Ok(value),
            None => T::deserialize(Missing(name, PhantomData)),
        }
    }

    /// An optional property: absent is `None`.
    pub fn optional<T, E: de::Error>(
        slot: Option<Option<T>>,
        _name: &'static str,
    ) -> Result<Option<T>, E> {
        Ok(slot.flatten())
    }
}

/// Writing a property, by kind (the names [`serde_impls!`] takes).
pub mod write {
    use ::serde::ser::SerializeMap;
    use ::serde::Serialize;

    /// A required property (`None` of a nullable one is written as `null`).
    pub fn required<M: SerializeMap, T: Serialize>(
        map: &mut M,
        name: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        map.serialize_entry(name, value)
    }

    /// An optional property: nothing is written when it is absent.
    pub fn optional<M: SerializeMap, T: Serialize>(
        map: &mut M,
        name: &'static str,
        value: &Option<T>,
    ) -> Result<(), M::Error> {
        match value {
            Some(value) => map.serialize_entry(name, value),
            None => Ok(()),
        }
    }
}

/// Keys no property has are skipped.
pub mod ignore {
    use ::serde::de::MapAccess;

    /// Nothing to keep.
    #[derive(Debug, Clone, Copy)]
    pub struct Nothing;

    /// The (empty) store of other keys.
    pub fn new() -> Nothing {
        Nothing
    }

    /// Skips the value.
    pub fn other<'de, A: MapAccess<'de>>(
        map: &mut A,
        _store: &mut Nothing,
        _key: String,
        _fields: &'static [&'static str],
    ) -> Result<(), A::Error> {
        super::skip(map)
    }
}

/// Keys no property has are an error (`additionalProperties: false`).
pub mod deny {
    use ::serde::de::{Error, MapAccess};

    use super::ignore::Nothing;

    /// The (empty) store of other keys.
    pub fn new() -> Nothing {
        Nothing
    }

    /// Refuses the key.
    pub fn other<'de, A: MapAccess<'de>>(
        _map: &mut A,
        _store: &mut Nothing,
        key: String,
        fields: &'static [&'static str],
    ) -> Result<(), A::Error> {
        Err(A::Error::unknown_field(&key, fields))
    }
}

/// Keys no property has are kept in the struct's map of extra properties.
pub mod extra {
    use ::serde::de::MapAccess;
    use ::serde::ser::SerializeMap;
    use ::serde::{Deserialize, Serialize};
    use ::std::collections::BTreeMap;

    /// An empty map of extra properties.
    pub fn new<T>() -> BTreeMap<String, T> {
        BTreeMap::new()
    }

    /// Keeps the key and its value.
    pub fn other<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
        map: &mut A,
        store: &mut BTreeMap<String, T>,
        key: String,
        _fields: &'static [&'static str],
    ) -> Result<(), A::Error> {
        let value = map.next_value()?;
        store.insert(key, value);
        Ok(())
    }

    /// Writes the extra properties after the named ones.
    pub fn write<M: SerializeMap, T: Serialize>(
        map: &mut M,
        store: &BTreeMap<String, T>,
    ) -> Result<(), M::Error> {
        store
            .iter()
            .try_for_each(|(key, value)| map.serialize_entry(key, value))
    }
}

/// `Serialize`, [`Model`] and `Deserialize` for a generated struct, from one line per
/// property: its index, Rust name, wire name and kind (`required` or `optional`), then
/// what happens to other keys (`ignore`, `deny`, or `extra(field)` to keep them in that
/// map field).
///
/// ```text
/// model::serde_impls! {
///     Pet {
///         0 name: "name" required,
///         1 tag: "tag" optional,
///     }
///     unknown: ignore
/// }
/// ```
#[allow(
    unused_macros,
    reason = "used by generated model structs; a spec without them leaves it unused"
)]
macro_rules! serde_impls {
    // No property and no map of extra ones: an empty object.
    ($name:ident { } unknown: $unknown:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                let map = ::serde::Serializer::serialize_map(serializer, ::std::option::Option::Some(0))?;
                ::serde::ser::SerializeMap::end(map)
            }
        }
        $crate::runtime::model::serde_impls!(@read $name { } unknown: $unknown);
    };
    (
        $name:ident {
            $($index:literal $field:ident : $wire:literal $kind:ident),* $(,)?
        }
        unknown: $unknown:ident $(($extra:ident))?
    ) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                let mut map = ::serde::Serializer::serialize_map(serializer, ::std::option::Option::None)?;
                $($crate::runtime::model::write::$kind(&mut map, $wire, &self.$field)?;)*
                $($crate::runtime::model::extra::write(&mut map, &self.$extra)?;)?
                ::serde::ser::SerializeMap::end(map)
            }
        }
        $crate::runtime::model::serde_impls!(
            @read $name { $($index $field : $wire $kind),* } unknown: $unknown $(($extra))?
        );
    };
    (
        @read $name:ident {
            $($index:literal $field:ident : $wire:literal $kind:ident),*
        }
        unknown: $unknown:ident $(($extra:ident))?
    ) => {
        impl $crate::runtime::model::Model for $name {
            const NAME: &'static str = stringify!($name);
            const FIELDS: &'static [&'static str] = &[$($wire),*];
            fn visit_map<'de, A: ::serde::de::MapAccess<'de>>(
                mut map: A,
            ) -> ::std::result::Result<Self, A::Error> {
                $(let mut $field = ::std::option::Option::None;)*
                let mut other = $crate::runtime::model::$unknown::new();
                while let ::std::option::Option::Some(key) = ::serde::de::MapAccess::next_key_seed(
                    &mut map,
                    $crate::runtime::model::FieldKey(Self::FIELDS),
                )? {
                    match key {
                        $($crate::runtime::model::Key::Field($index) => {
                            $crate::runtime::model::field(&mut map, &mut $field, $wire)
                        })*
                        $crate::runtime::model::Key::Other(key) => {
                            $crate::runtime::model::$unknown::other(&mut map, &mut other, key, Self::FIELDS)
                        }
                        $crate::runtime::model::Key::Field(_) => $crate::runtime::model::skip(&mut map),
                    }?;
                }
                ::std::result::Result::Ok(Self {
                    $($field: $crate::runtime::model::read::$kind($field, $wire)?,)*
                    $($extra: other,)?
                })
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                $crate::runtime::model::deserialize_model(deserializer)
            }
        }
    };
}
#[allow(
    unused_imports,
    reason = "used by generated model structs; a spec without them leaves it unused"
)]
pub(crate) use serde_impls;

/// The value of a property that is not there.
struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    ::serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}
