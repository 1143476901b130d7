//! GuardDog (DataDog's malicious-package scanner, Python) run on the same
//! inputs, as the baseline.
//!
//! GuardDog only reads files on disk. For a malware sample, the upstream
//! archive is decrypted IN MEMORY and written, unextracted and for the length
//! of one `guarddog … scan` call only, into a fresh private temporary folder
//! (mode 0700) that is also GuardDog's TMPDIR (it unpacks archives there
//! itself, statically, for its YARA rules). The folder is deleted right after
//! the call. Nothing is installed, imported or run from the sample.

use crate::manifest::Sample;
use anyhow::{Context, Result, bail};
use std::io::{Cursor, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Largest decrypted sample accepted.
const MAX_SAMPLE_BYTES: u64 = 256 * 1024 * 1024;
/// One GuardDog call never runs longer than this.
const TIMEOUT: Duration = Duration::from_secs(600);

/// What GuardDog said about one package.
#[derive(Debug, Clone, Default)]
pub(crate) struct GdResult {
    /// GuardDog's `issues` count (every rule match, capabilities included).
    pub(crate) issues: u64,
    /// `risk_score.label`: no_risks_detected, low, suspicious, high_risk.
    pub(crate) label: String,
    pub(crate) score: f64,
    /// Rules with at least one match.
    pub(crate) rules: Vec<String>,
    pub(crate) elapsed: Duration,
    pub(crate) error: Option<String>,
}

impl GdResult {
    /// GuardDog's own `high_risk` label (score ≥ 7), our `high` counterpart.
    pub(crate) fn high(&self) -> bool {
        self.label == "high_risk"
    }
    /// `suspicious` or `high_risk` (score ≥ 5), our `medium` counterpart.
    pub(crate) fn medium(&self) -> bool {
        self.label == "suspicious" || self.high()
    }
    /// At least one issue of any rule.
    pub(crate) fn any_issue(&self) -> bool {
        self.issues > 0
    }
}

pub(crate) struct GuardDog {
    bin: PathBuf,
}

impl GuardDog {
    pub(crate) fn new(venv: &Path) -> Result<GuardDog> {
        let bin = venv.join("bin/guarddog");
        if !bin.is_file() {
            bail!(
                "{} not found: run bench/build-guarddog.sh first",
                bin.display()
            );
        }
        Ok(GuardDog { bin })
    }

    /// `guarddog <ecosystem> scan <target> --output-format json`.
    pub(crate) fn scan(&self, ecosystem: &str, target: &Path, tmp: &Path) -> GdResult {
        let start = Instant::now();
        let mut r = match self.run(ecosystem, target, tmp) {
            Ok(r) => r,
            Err(e) => GdResult {
                error: Some(format!("{e:#}")),
                ..GdResult::default()
            },
        };
        r.elapsed = start.elapsed();
        r
    }

    fn run(&self, ecosystem: &str, target: &Path, tmp: &Path) -> Result<GdResult> {
        let mut child = Command::new(&self.bin)
            .arg(ecosystem)
            .arg("scan")
            .arg(target)
            .args(["--output-format", "json"])
            .env("TMPDIR", tmp)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting guarddog")?;
        let mut stdout = child.stdout.take().context("guarddog stdout")?;
        let mut stderr = child.stderr.take().context("guarddog stderr")?;
        let out_reader = std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = stdout.read_to_end(&mut s);
            s
        });
        let err_reader = std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = stderr.read_to_end(&mut s);
            s
        });
        let start = Instant::now();
        loop {
            if child.try_wait()?.is_some() {
                break;
            }
            if start.elapsed() > TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                bail!("timed out after {}s", TIMEOUT.as_secs());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = out_reader.join().unwrap_or_default();
        let err = err_reader.join().unwrap_or_default();
        parse(&out).with_context(|| {
            let tail: String = String::from_utf8_lossy(&err)
                .lines()
                .filter(|l| !l.contains("Network error") && !l.contains("Failed to download"))
                .take(5)
                .collect::<Vec<_>>()
                .join(" | ");
            format!("guarddog output not JSON; stderr: {tail}")
        })
    }

    /// Scans one encrypted sample: decrypted in memory, written to a private
    /// folder only for this call, deleted right after.
    pub(crate) fn scan_sample(&self, sample: &Sample, password: &[u8]) -> GdResult {
        let run = || -> Result<GdResult> {
            let (file_name, bytes) = decrypt_sample(sample, password)?;
            let dir = private_tempdir()?;
            let target = dir.path().join(&file_name);
            {
                let mut f = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode_0600()
                    .open(&target)?;
                f.write_all(&bytes)?;
            }
            let eco = if sample.ecosystem == "npm" {
                "npm"
            } else {
                "pypi"
            };
            let r = self.scan(eco, &target, dir.path());
            dir.close().context("removing the private sample folder")?;
            Ok(r)
        };
        run().unwrap_or_else(|e| GdResult {
            error: Some(format!("{e:#}")),
            ..GdResult::default()
        })
    }
}

trait Mode0600 {
    fn mode_0600(&mut self) -> &mut Self;
}

impl Mode0600 for std::fs::OpenOptions {
    fn mode_0600(&mut self) -> &mut Self {
        std::os::unix::fs::OpenOptionsExt::mode(self, 0o600)
    }
}

/// A fresh temporary folder only this user can enter.
pub(crate) fn private_tempdir() -> Result<tempfile::TempDir> {
    let dir = tempfile::Builder::new().prefix("cw-eval-").tempdir()?;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))?;
    Ok(dir)
}

/// The upstream file of a sample, decrypted in memory: the original archive
/// for `sample`, or the unpacked folder re-packed as a `.tgz` for `sample-tree`.
fn decrypt_sample(sample: &Sample, password: &[u8]) -> Result<(String, Vec<u8>)> {
    let bytes = std::fs::read(&sample.zip)?;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))?;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index_decrypt(i, password)?;
        if !f.is_file() {
            continue;
        }
        let name = f.name()?.into_owned();
        let mut data = Vec::new();
        (&mut f).take(MAX_SAMPLE_BYTES + 1).read_to_end(&mut data)?;
        if data.len() as u64 > MAX_SAMPLE_BYTES {
            bail!("{}: member {name} too large", sample.zip.display());
        }
        files.push((name, data));
    }
    if sample.kind == "sample" {
        let (name, data) = files
            .into_iter()
            .next()
            .with_context(|| format!("{}: empty sample", sample.zip.display()))?;
        let file_name = name.rsplit('/').next().unwrap_or(&name).to_string();
        return Ok((file_name, data));
    }
    // An unpacked npm package: re-pack it as the tarball npm would publish.
    let mut tar = tar::Builder::new(Vec::new());
    for (name, data) in &files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        tar.append_data(&mut h, name, data.as_slice())?;
    }
    let tar = tar.into_inner()?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar)?;
    let stem = sample
        .zip
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("sample");
    Ok((format!("{stem}.tgz"), gz.finish()?))
}

fn parse(stdout: &[u8]) -> Result<GdResult> {
    let text = String::from_utf8_lossy(stdout);
    // GuardDog may print log lines before the JSON document.
    let start = text.find('{').context("no JSON object")?;
    let v: serde_json::Value = serde_json::from_str(text.get(start..).unwrap_or_default())?;
    let mut rules: Vec<String> = v
        .get("results")
        .and_then(|r| r.as_object())
        .map(|r| {
            r.iter()
                .filter(|(_, m)| match m {
                    serde_json::Value::Array(a) => !a.is_empty(),
                    serde_json::Value::Object(o) => !o.is_empty(),
                    serde_json::Value::String(s) => !s.is_empty(),
                    serde_json::Value::Null => false,
                    _ => true,
                })
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default();
    rules.sort();
    let errors = v
        .get("errors")
        .and_then(|e| e.as_object())
        .filter(|e| !e.is_empty())
        .map(|e| serde_json::Value::Object(e.clone()).to_string());
    Ok(GdResult {
        issues: v.get("issues").and_then(|i| i.as_u64()).unwrap_or(0),
        label: v
            .pointer("/risk_score/label")
            .and_then(|l| l.as_str())
            .unwrap_or("")
            .to_string(),
        score: v
            .pointer("/risk_score/score")
            .and_then(|s| s.as_f64())
            .unwrap_or(0.0),
        rules,
        elapsed: Duration::ZERO,
        error: errors,
    })
}
