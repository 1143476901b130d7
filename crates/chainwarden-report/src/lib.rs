//! Reports: an [`Inventory`] and its [`Finding`]s, formatted.
//!
//! A report only formats. It does no analysis and no I/O beyond writing to
//! the `Write` it is given, so every format is reproducible in tests: the
//! creation time comes in through [`Report::created`], never from the clock.
//!
//! Formats: a terminal [`table`], our own [`json`] (schema in
//! `docs/schema/chainwarden-report-v1.schema.json`), [`cyclonedx`] 1.6 JSON,
//! [`spdx`] 2.3 JSON and [`sarif`] 2.1.0 (findings only).

use chainwarden_core::finding::RuleMeta;
use chainwarden_core::{Finding, Inventory};
use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

pub mod cyclonedx;
pub mod json;
pub mod sarif;
pub mod spdx;
pub mod table;
pub mod why;

mod cvss;
mod ids;
mod license;
mod paths;
mod timestamp;

pub use timestamp::normalize_rfc3339;

/// The advisory data a scan used, so a reader can judge how fresh it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataInfo {
    /// The database or snapshot name (`osv-pypi`, `chainwarden-advisories`).
    pub name: String,
    /// When the data was last updated (RFC 3339 or a plain date), as known.
    pub date: String,
    /// How many advisory records it holds.
    pub records: usize,
}

/// Everything a report formats. Borrowed: building one costs nothing.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    pub inventory: &'a Inventory,
    pub findings: &'a [Finding],
    /// The metadata of every rule id that may appear in `findings`.
    pub rules: &'a [RuleMeta],
    /// When the report was made, RFC 3339 (`2026-03-24T10:52:00Z`). Passed in
    /// so output is reproducible; written as UTC seconds where a format needs it.
    pub created: String,
    /// What was scanned, as the user named it (a path, an image, a host).
    pub target: String,
    /// Warnings for the reader: stale advisory data, expired ignore entries…
    pub notes: Vec<String>,
    pub advisory_data: Option<DataInfo>,
}

impl<'a> Report<'a> {
    pub fn new(
        inventory: &'a Inventory,
        findings: &'a [Finding],
        rules: &'a [RuleMeta],
        created: impl Into<String>,
        target: impl Into<String>,
    ) -> Report<'a> {
        Report {
            inventory,
            findings,
            rules,
            created: created.into(),
            target: target.into(),
            notes: Vec::new(),
            advisory_data: None,
        }
    }

    /// The metadata of a rule id, when the caller supplied it.
    pub fn rule(&self, id: &str) -> Option<&'a RuleMeta> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// `created` as UTC seconds (`2026-03-24T10:52:00Z`), or an
    /// `InvalidInput` error naming the bad value.
    pub(crate) fn created_utc(&self) -> io::Result<String> {
        normalize_rfc3339(&self.created).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "report creation time `{}` is not an RFC 3339 date-time",
                    self.created
                ),
            )
        })
    }
}

/// Options that only some formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colour in the table (the CLI sets it for terminals only).
    pub color: bool,
    /// Target width of the table, in columns.
    pub width: usize,
    /// List the components in the table. A gate's log shows findings and a
    /// summary; JSON and the SBOMs always carry the inventory.
    pub inventory: bool,
}

impl Default for RenderOptions {
    fn default() -> RenderOptions {
        RenderOptions {
            color: false,
            width: 100,
            inventory: true,
        }
    }
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Table,
    Json,
    CycloneDx,
    Spdx,
    Sarif,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Table,
        Format::Json,
        Format::CycloneDx,
        Format::Spdx,
        Format::Sarif,
    ];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::CycloneDx => "cyclonedx",
            Format::Spdx => "spdx",
            Format::Sarif => "sarif",
        }
    }

    /// The conventional file name suffix for this format.
    pub fn file_extension(self) -> &'static str {
        match self {
            Format::Table => "txt",
            Format::Json => "json",
            Format::CycloneDx => "cdx.json",
            Format::Spdx => "spdx.json",
            Format::Sarif => "sarif",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    /// Accepts the names of [`Format::as_str`] (any case) and the common
    /// aliases `cdx`, `cyclonedx-json`, `spdx-json`, `text`.
    fn from_str(s: &str) -> Result<Format, String> {
        let key = s.trim().to_ascii_lowercase();
        let format = match key.as_str() {
            "table" | "text" => Format::Table,
            "json" => Format::Json,
            "cyclonedx" | "cyclonedx-json" | "cdx" => Format::CycloneDx,
            "spdx" | "spdx-json" => Format::Spdx,
            "sarif" => Format::Sarif,
            _ => {
                return Err(format!(
                    "unknown format `{s}` (expected table, json, cyclonedx, spdx or sarif)"
                ));
            }
        };
        Ok(format)
    }
}

/// Writes `report` in `format` with default options (no colour, 100 columns).
pub fn render(format: Format, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    render_with(format, report, &RenderOptions::default(), out)
}

/// Writes `report` in `format`. Fails with `InvalidInput` when
/// `report.created` is not RFC 3339 (machine formats need a valid time).
pub fn render_with(
    format: Format,
    report: &Report<'_>,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => table::write(report, options, out),
        Format::Json => json::write(report, out),
        Format::CycloneDx => cyclonedx::write(report, out),
        Format::Spdx => spdx::write(report, out),
        Format::Sarif => sarif::write(report, out),
    }
}

/// [`render_with`] into a `String`.
pub fn render_to_string(
    format: Format,
    report: &Report<'_>,
    options: &RenderOptions,
) -> io::Result<String> {
    let mut buf = Vec::new();
    render_with(format, report, options, &mut buf)?;
    String::from_utf8(buf).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Writes a JSON value pretty-printed, with a final newline.
fn write_json(value: &serde_json::Value, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>(), Ok(f));
            assert_eq!(f.to_string().to_uppercase().parse::<Format>(), Ok(f));
        }
        assert_eq!("cdx".parse::<Format>(), Ok(Format::CycloneDx));
        assert_eq!(" spdx-json ".parse::<Format>(), Ok(Format::Spdx));
        let err = "xml".parse::<Format>().unwrap_err();
        assert!(err.contains("xml") && err.contains("sarif"), "{err}");
    }
}
