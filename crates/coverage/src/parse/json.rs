//! Shared by the JSON formats: parsing with a clear error and the position.

use serde::de::DeserializeOwned;

use crate::error::InputError;

pub fn from_slice<T: DeserializeOwned>(
    bytes: &[u8],
    file: &str,
    format: &'static str,
) -> Result<T, InputError> {
    serde_json::from_slice(bytes).map_err(|error| {
        if error.is_eof() {
            InputError::Truncated {
                file: file.to_owned(),
                format,
                message: error.to_string(),
            }
        } else {
            InputError::Syntax {
                file: file.to_owned(),
                line: error.line() as u64,
                format,
                message: error.to_string(),
            }
        }
    })
}

/// A count that may be written as a float (`1.0`) or be huge: only "above zero" matters.
pub fn hit(value: &serde_json::Value) -> bool {
    value.as_f64().is_some_and(|v| v > 0.0)
}
