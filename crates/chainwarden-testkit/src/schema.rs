//! Validation of our outputs against the official schemas, vendored in
//! `crates/chainwarden-report/tests/schemas` (see the README there for their
//! origin), with Python `jsonschema` from a cached venv; SPDX is also parsed
//! by `pyspdxtools`, the SPDX project's own validator.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Which schema a document must satisfy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    CycloneDx16,
    Spdx23,
    Sarif210,
    /// Our own `--format json` (docs/schema/chainwarden-report-v1.schema.json).
    ChainwardenJson,
    /// `why --format json` (docs/schema/chainwarden-why-v1.schema.json).
    ChainwardenWhyJson,
}

/// What a validator said.
#[derive(Debug)]
pub struct Outcome {
    pub ok: bool,
    pub output: String,
}

fn venv() -> &'static PathBuf {
    static VENV: OnceLock<PathBuf> = OnceLock::new();
    VENV.get_or_init(|| {
        crate::venv(
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

/// The vendored official schemas.
pub fn schemas_dir() -> PathBuf {
    crate::workspace_root().join("crates/chainwarden-report/tests/schemas")
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

/// Validates `document` against the schema file `schema` found in `dir`.
pub fn against(dir: &Path, schema: &str, document: &str) -> Outcome {
    let tmp = tempfile::tempdir().expect("temp dir");
    let doc = tmp.path().join("document.json");
    std::fs::write(&doc, document).expect("write document");
    run(Command::new(venv().join("bin/python"))
        .arg(schemas_dir().join("validate.py"))
        .arg(dir)
        .arg(schema)
        .arg(&doc))
}

/// `pyspdxtools -i`: parses and validates an SPDX document.
pub fn with_pyspdxtools(document: &str) -> Outcome {
    let tmp = tempfile::tempdir().expect("temp dir");
    let doc = tmp.path().join("report.spdx.json");
    std::fs::write(&doc, document).expect("write document");
    run(Command::new(venv().join("bin/pyspdxtools"))
        .arg("-i")
        .arg(&doc))
}

/// Validates a document; for SPDX both the schema and pyspdxtools must accept it.
pub fn validate(schema: Schema, document: &str) -> Outcome {
    match schema {
        Schema::CycloneDx16 => against(&schemas_dir(), "bom-1.6.SNAPSHOT.schema.json", document),
        Schema::Sarif210 => against(&schemas_dir(), "sarif-2.1.0-rtm.5.json", document),
        Schema::Spdx23 => {
            let s = against(&schemas_dir(), "spdx-schema-2.3.json", document);
            if !s.ok {
                return s;
            }
            with_pyspdxtools(document)
        }
        Schema::ChainwardenJson => against(
            &crate::workspace_root().join("docs/schema"),
            "chainwarden-report-v1.schema.json",
            document,
        ),
        Schema::ChainwardenWhyJson => against(
            &crate::workspace_root().join("docs/schema"),
            "chainwarden-why-v1.schema.json",
            document,
        ),
    }
}

/// Panics with the validator's message unless `document` is valid.
pub fn assert_valid(schema: Schema, document: &str) {
    let o = validate(schema, document);
    assert!(
        o.ok,
        "{schema:?} rejected by its validator:\n{}\n{}",
        o.output,
        &document[..document.len().min(4000)]
    );
}
