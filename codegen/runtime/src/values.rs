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
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
    let (result, found) = capture_unlisted(encode);
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

/// The discriminator property's value in a tagged union's JSON, if it has one.
pub fn discriminator(value: &::serde_json::Value, property: &str) -> Option<String> {
    match value.get(property)? {
        ::serde_json::Value::String(tag) => Some(tag.clone()),
        other => Some(other.to_string()),
    }
}

/// Decodes the payload of one variant of an untagged union `T`.
pub type VariantDecoder<T> = fn(&::serde_json::Value) -> Result<T, ::serde_json::Error>;

/// Deserializes an untagged union (`oneOf`/`anyOf` without a discriminator) from its
/// JSON: each variant is tried in order, and the first that keeps the whole value (it
/// serializes back to the same JSON) with only values the spec lists wins. Failing that,
/// the first that keeps the whole value, then the first without unlisted values, then the
/// first that fits. So a later variant that declares a property, or lists an enum value,
/// is not shadowed by an earlier, looser one that would drop or misread it.
pub fn deserialize_untagged<T: ::serde::Serialize>(
    value: &::serde_json::Value,
    name: &str,
    variants: &[(&str, VariantDecoder<T>)],
) -> Result<T, String> {
    let mut best: Option<(u8, T)> = None;
    let mut errors = Vec::new();
    for (variant, decode) in variants {
        let candidate = match decode(value) {
            Ok(candidate) => candidate,
            Err(error) => {
                errors.push(format!("{variant}: {error}"));
                continue;
            }
        };
        let (back, unlisted) = capture_unlisted(|| ::serde_json::to_value(&candidate));
        let whole = back.is_ok_and(|back| keeps(value, &back));
        let score = u8::from(whole) * 2 + u8::from(unlisted.is_empty());
        if score == 3 {
            return Ok(candidate);
        }
        if best.as_ref().is_none_or(|(kept, _)| score > *kept) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate).ok_or_else(|| {
        format!(
            "data did not match any variant of untagged enum {name} ({})",
            errors.join("; ")
        )
    })
}

/// Decodes `value` as the payload of the union variant `wrap` builds.
#[doc(hidden)]
pub fn decode_variant<T: ::serde::de::DeserializeOwned, U>(
    value: &::serde_json::Value,
    wrap: fn(T) -> U,
) -> Result<U, ::serde_json::Error> {
    T::deserialize(value).map(wrap)
}

/// True when `output` (a decoded value serialized back) holds everything of `input`:
/// numbers equal by value (`1` and `1.0`), a `null` member may be left out, and keys
/// `output` adds (defaults) do not count.
fn keeps(input: &::serde_json::Value, output: &::serde_json::Value) -> bool {
    use ::serde_json::Value;
    match (input, output) {
        (Value::Object(input), Value::Object(output)) => {
            input.iter().all(|(key, value)| match output.get(key) {
                Some(kept) => keeps(value, kept),
                None => value.is_null(),
            })
        }
        (Value::Array(input), Value::Array(output)) => {
            input.len() == output.len() && input.iter().zip(output).all(|(a, b)| keeps(a, b))
        }
        (Value::Number(a), Value::Number(b)) => {
            a == b || matches!((a.as_f64(), b.as_f64()), (Some(a), Some(b)) if a == b)
        }
        _ => input == output,
    }
}

/// Runs `serialize` and returns with its result the messages of the `Unknown` enum
/// values it serialized.
fn capture_unlisted<R>(serialize: impl FnOnce() -> R) -> (R, Vec<String>) {
    let outer = UNLISTED.with(|cell| cell.replace(Some(Vec::new())));
    let result = serialize();
    let found = UNLISTED
        .with(|cell| cell.replace(outer))
        .unwrap_or_default();
    (result, found)
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

/// Implements `Deserialize` for a generated untagged union through
/// [`deserialize_untagged`].
#[doc(hidden)]
#[macro_export]
macro_rules! untagged_union {
    ($name:ident { $($variant:ident),* $(,)? }) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                $crate::values::deserialize_untagged(&value, stringify!($name), &[
                    $((stringify!($variant), |value| $crate::values::decode_variant(value, Self::$variant)),)*
                ])
                .map_err(::serde::de::Error::custom)
            }
        }
    };
}
pub use crate::untagged_union;
