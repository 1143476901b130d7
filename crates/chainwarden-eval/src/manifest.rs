//! The sample set's MANIFEST.tsv.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub(crate) struct Sample {
    /// The encrypted zip.
    pub(crate) zip: PathBuf,
    /// `sample` (one upstream file) or `sample-tree` (an unpacked folder).
    pub(crate) kind: String,
    /// `PyPI` or `npm`.
    pub(crate) ecosystem: String,
    /// `malicious` or `benign-security-placeholder`.
    pub(crate) label: String,
    /// The upstream path (`name/version/file`), used as the sample's name.
    pub(crate) upstream: String,
}

impl Sample {
    pub(crate) fn is_malicious(&self) -> bool {
        self.label == "malicious"
    }
}

pub(crate) fn read(manifest: &Path) -> Result<Vec<Sample>> {
    let dir = manifest.parent().unwrap_or(Path::new("."));
    let text = std::fs::read_to_string(manifest)
        .with_context(|| format!("reading {}", manifest.display()))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .with_context(|| format!("{}: no `{name}` column", manifest.display()))
    };
    let (zp, kind, eco, label, path) = (
        col("zip_path")?,
        col("kind")?,
        col("ecosystem")?,
        col("label")?,
        col("path")?,
    );
    let mut out = Vec::new();
    for (n, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let get = |i: usize| -> Result<String> {
            match f.get(i) {
                Some(v) => Ok((*v).to_string()),
                None => bail!("{}:{}: missing column {i}", manifest.display(), n + 2),
            }
        };
        out.push(Sample {
            zip: dir.join(get(zp)?),
            kind: get(kind)?,
            ecosystem: get(eco)?,
            label: get(label)?,
            upstream: get(path)?,
        });
    }
    Ok(out)
}
