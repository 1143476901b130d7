//! Runs the official schemas (vendored in `tests/schemas`) over our output;
//! the validators live in the testkit so the CLI's end-to-end tests share them.

use chainwarden_report::{Format, RenderOptions, Report, render_to_string};
use chainwarden_testkit::schema::{self, Outcome, Schema};
use std::path::Path;

/// Validates `document` against `schema` (a file in `tests/schemas`).
pub(crate) fn against_schema(schema_file: &str, document: &str, _file_name: &str) -> Outcome {
    schema::against(&schema::schemas_dir(), schema_file, document)
}

/// `pyspdxtools -i`: parses and validates an SPDX document.
pub(crate) fn with_pyspdxtools(document: &str) -> Outcome {
    schema::with_pyspdxtools(document)
}

/// Validates against a schema outside `tests/schemas` (our own).
pub(crate) fn against_schema_file(schema_path: &Path, document: &str) -> Outcome {
    let dir = schema_path.parent().expect("schema folder");
    let name = schema_path
        .file_name()
        .and_then(|n| n.to_str())
        .expect("schema file name");
    schema::against(dir, name, document)
}

pub(crate) const CYCLONEDX_SCHEMA: &str = "bom-1.6.SNAPSHOT.schema.json";
pub(crate) const SARIF_SCHEMA: &str = "sarif-2.1.0-rtm.5.json";
pub(crate) const SPDX_SCHEMA: &str = "spdx-schema-2.3.json";

/// Renders `format` and asserts the official validator accepts it.
pub(crate) fn assert_valid(format: Format, report: &Report<'_>) -> String {
    let text = render_to_string(format, report, &RenderOptions::default()).expect("render");
    assert_valid_text(format, &text);
    text
}

pub(crate) fn assert_valid_text(format: Format, text: &str) {
    let schema = match format {
        Format::CycloneDx => Schema::CycloneDx16,
        Format::Spdx => Schema::Spdx23,
        Format::Sarif => Schema::Sarif210,
        Format::Json => Schema::ChainwardenJson,
        Format::Table => return,
    };
    schema::assert_valid(schema, text);
}
