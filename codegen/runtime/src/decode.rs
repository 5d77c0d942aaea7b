//! Decoding JSON documents into generated types, with every broken constraint listed
//! and the JSON path of each problem. The client decodes response bodies with it; it
//! works without the client too (models alone).

use ::serde::de::DeserializeOwned;

/// At most this many broken values of one document are listed (each costs one more
/// decoding pass over the body, on the error path only).
const MAX_LISTED_BROKEN_VALUES: usize = 32;

/// Deserializes a JSON body, running every rule of the spec on the way.
///
/// Errors name the path of the offending part (`items[3].name: ...`). A document whose
/// values break the spec's constraints gets every broken value listed, not only the first:
/// serde stops at the first error, so after one, the body is decoded again letting the
/// broken values found so far through, until no new one turns up.
pub fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    // Most bodies are valid: decode without path tracking first, and only on an error
    // decode again to say where it is (decoding is deterministic).
    if let Ok(value) = ::serde_json::from_slice(body) {
        return Ok(value);
    }
    let first = match decode_once::<T>(body) {
        Ok(value) => return Ok(value),
        Err(DecodeFailure::Other(message)) => return Err(message),
        Err(DecodeFailure::Broken(message)) => message,
    };
    let mut broken = vec![first];
    let mut after = None;
    for tolerated in 1..MAX_LISTED_BROKEN_VALUES {
        let _tolerate = crate::validate::TolerateViolations::new(tolerated);
        match decode_once::<T>(body) {
            Ok(_) => break,
            Err(DecodeFailure::Broken(message)) => {
                // A value tried inside an untagged union can count as broken in one pass
                // and not in another: list each message once.
                if !broken.contains(&message) {
                    broken.push(message);
                }
            }
            Err(DecodeFailure::Other(message)) => {
                after = Some(message);
                break;
            }
        }
    }
    let mut message = broken.join("; ");
    if let Some(after) = after {
        message.push_str("; ");
        message.push_str(&after);
    }
    Err(message)
}

/// Why one decoding pass failed.
enum DecodeFailure {
    /// A value broke the spec's constraints: its violations with full paths and position.
    Broken(String),
    /// Anything else (syntax, a missing field, a wrong type).
    Other(String),
}

fn decode_once<T: DeserializeOwned>(body: &[u8]) -> Result<T, DecodeFailure> {
    let mut deserializer = ::serde_json::Deserializer::from_slice(body);
    crate::validate::take_last_violations();
    let value = ::serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let inner = error.into_inner();
        // A broken constraint: every violation, each with its full path.
        if let Some(violations) = crate::validate::take_last_violations() {
            // The message is the violations, perhaps after the name of the property
            // that holds the value (see `model::Fill`).
            let text = inner.to_string();
            let violations_text = violations.to_string();
            let named = text
                .split_once(": ")
                .is_some_and(|(_, rest)| rest.starts_with(&violations_text));
            if text.starts_with(&violations_text) || named {
                let at = format!(" at line {} column {}", inner.line(), inner.column());
                return DecodeFailure::Broken(format!("{}{at}", violations.within(&path)));
            }
        }
        DecodeFailure::Other(if path.is_empty() {
            inner.to_string()
        } else {
            format!("{path}: {inner}")
        })
    })?;
    deserializer
        .end()
        .map_err(|error| DecodeFailure::Other(error.to_string()))?;
    Ok(value)
}
