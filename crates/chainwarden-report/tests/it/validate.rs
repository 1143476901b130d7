//! Runs the official schemas (vendored in `tests/schemas`) over our output
//! with Python `jsonschema`, and SPDX output through `pyspdxtools` too.

use chainwarden_report::{Format, RenderOptions, Report, render_to_string};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn venv() -> &'static PathBuf {
    static VENV: OnceLock<PathBuf> = OnceLock::new();
    VENV.get_or_init(|| {
        chainwarden_testkit::venv(
            "schema-check",
            // Format checks for date-time and uri; not `format-nongpl`,
            // whose IRI grammar costs 9 s of start-up per validation.
            &[&[
                "jsonschema==4.26.0",
                "rfc3339-validator==0.1.4",
                "rfc3986-validator==0.1.1",
                "spdx-tools==0.8.5",
            ]],
        )
    })
}

fn schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas")
}

/// The outcome of a validator: passed, and what it printed.
pub(crate) struct Outcome {
    pub(crate) ok: bool,
    pub(crate) output: String,
}

fn run(cmd: &mut Command) -> Outcome {
    let out = cmd.output().expect("run validator");
    Outcome {
        ok: out.status.success(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// Validates `document` against `schema` (a file in `tests/schemas`).
pub(crate) fn against_schema(schema: &str, document: &str, file_name: &str) -> Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = dir.path().join(file_name);
    std::fs::write(&doc, document).expect("write document");
    run(Command::new(venv().join("bin/python"))
        .arg(schemas_dir().join("validate.py"))
        .arg(schemas_dir())
        .arg(schema)
        .arg(&doc))
}

/// `pyspdxtools -i`: parses and validates an SPDX document.
pub(crate) fn with_pyspdxtools(document: &str) -> Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = dir.path().join("report.spdx.json");
    std::fs::write(&doc, document).expect("write document");
    run(Command::new(venv().join("bin/pyspdxtools"))
        .arg("-i")
        .arg(&doc))
}

pub(crate) const CYCLONEDX_SCHEMA: &str = "bom-1.6.SNAPSHOT.schema.json";
pub(crate) const SPDX_SCHEMA: &str = "spdx-schema-2.3.json";
pub(crate) const SARIF_SCHEMA: &str = "sarif-2.1.0-rtm.5.json";

/// Renders `format` and asserts the official validator accepts it.
pub(crate) fn assert_valid(format: Format, report: &Report<'_>) -> String {
    let text = render_to_string(format, report, &RenderOptions::default()).expect("render");
    assert_valid_text(format, &text);
    text
}

pub(crate) fn assert_valid_text(format: Format, text: &str) {
    let outcome = match format {
        Format::CycloneDx => against_schema(CYCLONEDX_SCHEMA, text, "bom.cdx.json"),
        Format::Spdx => {
            let schema = against_schema(SPDX_SCHEMA, text, "doc.spdx.json");
            assert!(
                schema.ok,
                "SPDX schema rejected:\n{}\n{text}",
                schema.output
            );
            with_pyspdxtools(text)
        }
        Format::Sarif => against_schema(SARIF_SCHEMA, text, "log.sarif"),
        Format::Json => against_schema_file(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../docs/schema/chainwarden-report-v1.schema.json"),
            text,
        ),
        Format::Table => return,
    };
    assert!(
        outcome.ok,
        "{format} rejected by its validator:\n{}\n{text}",
        outcome.output
    );
}

/// Validates against a schema outside `tests/schemas` (our own).
pub(crate) fn against_schema_file(schema: &Path, document: &str) -> Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = dir.path().join("report.json");
    std::fs::write(&doc, document).expect("write document");
    let schema_dir = schema.parent().expect("schema folder");
    let name = schema.file_name().expect("schema file name");
    run(Command::new(venv().join("bin/python"))
        .arg(schemas_dir().join("validate.py"))
        .arg(schema_dir)
        .arg(name)
        .arg(&doc))
}
