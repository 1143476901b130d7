//! Integration tests: every format rendered from a realistic report, its
//! content asserted, and its validity checked by the official schemas.

mod cyclonedx;
mod edge;
mod empty;
mod fixture;
mod json;
mod sarif;
mod spdx;
mod table;
mod validate;

use serde_json::Value;

/// Parses rendered JSON, failing the test with the text on error.
pub(crate) fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("invalid JSON ({e}):\n{text}"))
}

/// The array at `key`, or a test failure.
pub(crate) fn array<'v>(v: &'v Value, key: &str) -> &'v Vec<Value> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("`{key}` is not an array in {v}"))
}
