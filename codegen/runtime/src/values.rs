//! Value types the generated models share: unknown enum values, base64 bytes, and
//! helpers for tagged unions and request bodies.

use ::std::cell::RefCell;
use ::std::fmt;

use crate::validate::Violation;

/// A value the spec does not list for an enum, as received from the server.
///
/// Only deserialization makes one. A request that carries one (a value taken from a
/// response, say) is refused before it is sent, like any value the spec forbids: see
/// [`refuse_unlisted`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Unknown<T>(T);

impl<T> Unknown<T> {
    /// The value as received.
    pub fn get(&self) -> &T {
        &self.0
    }
}

impl<T: fmt::Debug> fmt::Debug for Unknown<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

thread_local! {
    /// While a request is encoded ([`refuse_unlisted`]): the `Unknown` enum values met.
    static UNLISTED: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// Runs `encode` (the encoding of a request's parameters or body, which is synchronous)
/// and returns with its result a violation at `path` for every `Unknown` enum value it
/// serialized: the spec does not allow those in a request.
pub fn refuse_unlisted<R>(path: &str, encode: impl FnOnce() -> R) -> (R, Vec<Violation>) {
    let outer = UNLISTED.with(|cell| cell.replace(Some(Vec::new())));
    let result = encode();
    let found = UNLISTED
        .with(|cell| cell.replace(outer))
        .unwrap_or_default();
    let violations = found
        .into_iter()
        .map(|message| Violation {
            path: path.to_owned(),
            message,
        })
        .collect();
    (result, violations)
}

/// Notes that the `Unknown` value `value` of enum `name` is being serialized (only
/// recorded inside [`refuse_unlisted`]; a response value re-serialized elsewhere is fine).
#[doc(hidden)]
pub fn note_unlisted(name: &str, value: &dyn fmt::Display) {
    UNLISTED.with(|cell| {
        if let Some(found) = cell.borrow_mut().as_mut() {
            found.push(format!(
                "`{value}` is not one of the values the spec lists for {name}"
            ));
        }
    });
}

/// Bytes sent as base64 text (`format: byte`, `contentEncoding: base64`).
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Base64(pub Vec<u8>);

impl fmt::Debug for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Base64({} bytes)", self.0.len())
    }
}

impl From<Vec<u8>> for Base64 {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl ::serde::Serialize for Base64 {
    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use ::base64::Engine as _;
        serializer.serialize_str(&::base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> ::serde::Deserialize<'de> for Base64 {
    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use ::base64::Engine as _;
        let text = <String as ::serde::Deserialize>::deserialize(deserializer)?;
        use ::base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
        use ::base64::engine::DecodePaddingMode;
        // Either alphabet, padded or not, and non-zero trailing bits accepted (RFC 4648
        // lets decoders refuse them; JSON Schema validators and most encoders do not).
        const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::Indifferent);
        const ENGINES: [GeneralPurpose; 2] = [
            GeneralPurpose::new(&::base64::alphabet::STANDARD, LENIENT),
            GeneralPurpose::new(&::base64::alphabet::URL_SAFE, LENIENT),
        ];
        ENGINES
            .iter()
            .find_map(|engine| engine.decode(text.trim()).ok())
            .map(Base64)
            .ok_or_else(|| ::serde::de::Error::custom("expected base64 text"))
    }
}

/// The discriminator property's value in a tagged union's JSON.
pub fn discriminator(value: &::serde_json::Value, property: &str) -> Result<String, String> {
    match value.get(property) {
        Some(::serde_json::Value::String(tag)) => Ok(tag.clone()),
        Some(other) => Ok(other.to_string()),
        None => Err(format!("missing discriminator property `{property}`")),
    }
}

/// Deserializes a generated enum: `known` maps a listed value to its variant; any other
/// value becomes `unknown(Unknown(value))`. This is the only way an [`Unknown`] is made,
/// so a caller cannot build one and a request only ever carries listed values.
pub fn deserialize_enum<'de, D, T, E>(
    deserializer: D,
    known: impl FnOnce(&T) -> Option<E>,
    unknown: impl FnOnce(Unknown<T>) -> E,
) -> Result<E, D::Error>
where
    D: ::serde::Deserializer<'de>,
    T: ::serde::Deserialize<'de>,
{
    let value = T::deserialize(deserializer)?;
    Ok(known(&value).unwrap_or_else(|| unknown(Unknown(value))))
}

/// Implements `as_str`, `Display`, `Serialize` and `Deserialize` for a generated string
/// enum, whose last variant is `Unknown(Unknown<String>)`: listed values map to their
/// variants, anything else deserializes to `Unknown`.
#[doc(hidden)]
#[macro_export]
macro_rules! string_enum {
    ($name:ident { $($variant:ident => $value:literal),* $(,)? }) => {
        impl $name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(value) => value.get(),
                }
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                if let Self::Unknown(value) = self {
                    $crate::values::note_unlisted(stringify!($name), value.get());
                }
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                $crate::values::deserialize_enum(
                    deserializer,
                    |value: &::std::string::String| match value.as_str() {
                        $($value => ::std::option::Option::Some(Self::$variant),)*
                        _ => ::std::option::Option::None,
                    },
                    Self::Unknown,
                )
            }
        }
    };
}
pub use crate::string_enum;

/// Implements `value`, `Serialize` and `Deserialize` for a generated integer enum, whose
/// last variant is `Unknown(Unknown<i64>)`.
#[doc(hidden)]
#[macro_export]
macro_rules! integer_enum {
    ($name:ident { $($variant:ident => $value:literal),* $(,)? }) => {
        impl $name {
            /// The value on the wire.
            pub fn value(&self) -> i64 {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(value) => *value.get(),
                }
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                if let Self::Unknown(value) = self {
                    $crate::values::note_unlisted(stringify!($name), value.get());
                }
                serializer.serialize_i64(self.value())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                $crate::values::deserialize_enum(
                    deserializer,
                    |value: &i64| match *value {
                        $($value => ::std::option::Option::Some(Self::$variant),)*
                        _ => ::std::option::Option::None,
                    },
                    Self::Unknown,
                )
            }
        }
    };
}
pub use crate::integer_enum;
