//! `chainwarden classify`: a class per file (public / internal / confidential)
//! with the rule that decided it and the evidence as kinds, lines and keyed
//! fingerprints. Values never reach the output.

use crate::cli::{ClassifyArgs, ClassifyFormat};
use crate::config::Config;
use crate::output;
use anyhow::{Context, Result};
use chainwarden_classify::files::{self, Input, Skip, WalkLimits};
use chainwarden_classify::keys::LocalKey;
use chainwarden_classify::{Class, Confidence, Encoding, Engine, Kind, Policy};
use chainwarden_core::{Finding, Inventory, Location, Severity};
use rayon::prelude::*;
use serde::Serialize;
use std::io::{Read, Write};
use std::path::PathBuf;

/// One finding as reported: never the value.
#[derive(Debug, Serialize)]
pub(crate) struct Reported {
    pub(crate) rule: String,
    pub(crate) kind: Kind,
    pub(crate) line: u32,
    pub(crate) column: u32,
    pub(crate) confidence: Confidence,
    pub(crate) class: Class,
    /// HMAC-SHA256 of the value under the local key, shortened.
    pub(crate) fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) encoding: Option<Encoding>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Decided {
    pub(crate) rule: String,
    pub(crate) line: u32,
}

#[derive(Debug, Serialize)]
pub(crate) struct FileReport {
    pub(crate) path: String,
    pub(crate) class: Class,
    pub(crate) decided_by: Option<Decided>,
    pub(crate) bytes: usize,
    pub(crate) findings: Vec<Reported>,
}

#[derive(Debug, Serialize)]
pub(crate) struct SkippedReport {
    pub(crate) path: String,
    /// `binary` (by design) or `unreadable` (not checked: fails the gate).
    pub(crate) reason: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) detail: Option<String>,
}

/// Classifies one text.
pub(crate) fn classify_text(
    engine: &Engine,
    policy: &Policy,
    key: &LocalKey,
    path: String,
    text: &[u8],
) -> FileReport {
    let detections = engine.scan(text);
    let verdict = policy.verdict(engine, &detections);
    let lines = chainwarden_classify::line_numbers(text, detections.iter().map(|d| d.start));
    let findings: Vec<Reported> = detections
        .iter()
        .zip(&lines)
        .map(|(d, &line)| {
            let line_start = memchr_rev_newline(text, d.start);
            Reported {
                rule: engine.rule(d).id.clone(),
                kind: engine.rule(d).kind,
                line,
                column: (d.start - line_start) as u32 + 1,
                confidence: d.confidence,
                class: policy.class_of(engine, d),
                fingerprint: key.fingerprint(&text[d.start..d.end]),
                encoding: d.encoding,
            }
        })
        .collect();
    let decided_by = verdict.decided_by.map(|i| Decided {
        rule: findings[i].rule.clone(),
        line: findings[i].line,
    });
    FileReport {
        path,
        class: verdict.class,
        decided_by,
        bytes: text.len(),
        findings,
    }
}

fn memchr_rev_newline(text: &[u8], at: usize) -> usize {
    text[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1)
}

/// The local key, or a per-run one when it cannot be read or created (said in the report).
pub(crate) fn local_key() -> (LocalKey, String) {
    if let Some(path) = LocalKey::default_path() {
        match LocalKey::load_or_create(&path) {
            Ok(k) => {
                return (
                    k,
                    format!("hmac-sha256 under the local key {}", path.display()),
                );
            }
            Err(e) => {
                let k = LocalKey::random()
                    .unwrap_or_else(|_| LocalKey::load_or_create(&path).expect("a key"));
                return (
                    k,
                    format!("hmac-sha256 under a per-run key (the local key is unusable: {e})"),
                );
            }
        }
    }
    let k = LocalKey::random().expect("the operating system's random generator");
    (k, "hmac-sha256 under a per-run key (no home folder)".into())
}

fn read_stdin(limit: u64) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut buf)
        .context("could not read standard input")?;
    anyhow::ensure!(
        buf.len() as u64 <= limit,
        "standard input is larger than the {limit}-byte limit"
    );
    Ok(buf)
}

#[derive(Debug, Serialize)]
struct Summary {
    files: usize,
    public: usize,
    internal: usize,
    confidential: usize,
    skipped_binary: usize,
    unreadable: usize,
}

#[derive(Debug, Serialize)]
struct Document<'a> {
    format: &'static str,
    tool: serde_json::Value,
    fingerprints: &'a str,
    files: &'a [FileReport],
    skipped: &'a [SkippedReport],
    summary: Summary,
}

pub(crate) fn run(args: &ClassifyArgs) -> Result<u8> {
    let paths = super::paths_or_dot(&args.paths);
    let on_disk: Vec<PathBuf> = paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect();
    super::check_paths(&on_disk)?;
    let start = on_disk
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let config = Config::discover(args.config.as_deref(), &start)?;
    let (mut opts, policy) = config.classify.clone();
    if args.secrets_only {
        opts.personal_data = false;
        opts.markers = false;
        opts.terms.clear();
    }
    let engine = Engine::new(&opts).map_err(|e| anyhow::anyhow!("[classify] {e}"))?;
    let (key, key_note) = local_key();
    let limits = WalkLimits::default();

    let mut inputs: Vec<Input> = Vec::new();
    let mut skipped: Vec<SkippedReport> = Vec::new();
    if paths.iter().any(|p| p.as_os_str() == "-") {
        let data = read_stdin(limits.max_file_bytes)?;
        inputs.push(Input {
            path: "-".into(),
            content: if files::is_binary(&data) {
                Err(Skip::Binary)
            } else {
                Ok(data)
            },
        });
    }
    let walked = files::walk(&on_disk, &limits);
    for (path, why) in walked.problems {
        skipped.push(SkippedReport {
            path,
            reason: "unreadable",
            detail: Some(why),
        });
    }
    let progress = output::progress(walked.files.len() as u64, "classifying");
    let per_file: Vec<Vec<Input>> = walked
        .files
        .par_iter()
        .map(|p| {
            let r = files::inputs_of(p, &limits);
            progress.inc(1);
            r
        })
        .collect();
    progress.finish_and_clear();
    inputs.extend(per_file.into_iter().flatten());

    let mut texts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in inputs {
        match i.content {
            Ok(t) => texts.push((i.path, t)),
            Err(Skip::Binary) => skipped.push(SkippedReport {
                path: i.path,
                reason: "binary",
                detail: None,
            }),
            Err(Skip::Unreadable(why)) => skipped.push(SkippedReport {
                path: i.path,
                reason: "unreadable",
                detail: Some(why),
            }),
        }
    }
    let reports: Vec<FileReport> = texts
        .into_par_iter()
        .map(|(path, text)| classify_text(&engine, &policy, &key, path, &text))
        .collect();

    let findings = as_findings(&reports, &skipped);
    let threshold = match args.fail_on {
        Some(s) => s.severity(),
        None => Some(config.fail_on.unwrap_or(Severity::High)),
    };
    let code = output::exit_code(&findings, threshold);

    let mut out: Vec<u8> = Vec::new();
    match args.format {
        ClassifyFormat::Json => {
            let count = |c: Class| reports.iter().filter(|r| r.class == c).count();
            let doc = Document {
                format: "chainwarden-classify/1",
                tool: serde_json::json!({"name": "chainwarden", "version": env!("CARGO_PKG_VERSION")}),
                fingerprints: &key_note,
                files: &reports,
                skipped: &skipped,
                summary: Summary {
                    files: reports.len(),
                    public: count(Class::Public),
                    internal: count(Class::Internal),
                    confidential: count(Class::Confidential),
                    skipped_binary: skipped.iter().filter(|s| s.reason == "binary").count(),
                    unreadable: skipped.iter().filter(|s| s.reason == "unreadable").count(),
                },
            };
            serde_json::to_writer_pretty(&mut out, &doc)?;
            out.push(b'\n');
        }
        ClassifyFormat::Sarif => {
            let rules = crate::rules::all();
            let inventory = Inventory::default();
            let target = paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" ");
            let report = chainwarden_report::Report::new(
                &inventory,
                &findings,
                &rules,
                output::now().to_string(),
                target,
            );
            chainwarden_report::render(chainwarden_report::Format::Sarif, &report, &mut out)?;
        }
        ClassifyFormat::Table => table(&mut out, &reports, &skipped)?,
    }
    match &args.output {
        Some(p) => {
            std::fs::write(p, &out).with_context(|| format!("could not write {}", p.display()))?
        }
        None => {
            let mut so = std::io::stdout().lock();
            so.write_all(&out)?;
            so.flush()?;
        }
    }
    Ok(code)
}

/// The report as chainwarden findings (SARIF and the exit code use them).
fn as_findings(reports: &[FileReport], skipped: &[SkippedReport]) -> Vec<Finding> {
    let metas = crate::rules::all();
    let meta = |id: &str| metas.iter().find(|m| m.id == id).copied();
    let mut out = Vec::new();
    for r in reports {
        for f in &r.findings {
            let Some(m) = meta(&f.rule) else { continue };
            out.push(
                Finding::new(
                    &m,
                    format!(
                        "{} ({}) puts this file in class {}",
                        m.summary,
                        f.kind.as_str(),
                        f.class
                    ),
                )
                .severity(chainwarden_classify::severity_of(f.class))
                .confidence(f.confidence)
                .location(Location::line(&r.path, f.line))
                .evidence(format!("fingerprint {}", f.fingerprint)),
            );
        }
    }
    for s in skipped {
        let f = if s.reason == "binary" {
            Finding::new(&chainwarden_classify::BINARY_SKIPPED, "binary file skipped")
        } else {
            Finding::new(
                &crate::rules::INPUT_MALFORMED,
                format!(
                    "not classified: {}",
                    s.detail.as_deref().unwrap_or("unreadable")
                ),
            )
            .severity(Severity::High)
        };
        out.push(f.location(Location::file(&s.path)));
    }
    out
}

fn table(
    out: &mut Vec<u8>,
    reports: &[FileReport],
    skipped: &[SkippedReport],
) -> std::io::Result<()> {
    let shown: Vec<&FileReport> = reports
        .iter()
        .filter(|r| r.class != Class::Public)
        .collect();
    if !shown.is_empty() {
        let w = shown
            .iter()
            .map(|r| r.path.len())
            .max()
            .unwrap_or(4)
            .clamp(4, 70);
        writeln!(out, "{:<13} {:<w$}  DECIDED BY", "CLASS", "PATH")?;
        for r in &shown {
            let by = r
                .decided_by
                .as_ref()
                .map(|d| format!("{} (line {})", d.rule, d.line))
                .unwrap_or_default();
            writeln!(out, "{:<13} {:<w$}  {by}", r.class.as_str(), r.path)?;
        }
        writeln!(out)?;
        writeln!(out, "Findings (values are never shown):")?;
        for r in &shown {
            for f in &r.findings {
                let enc = f
                    .encoding
                    .map(|e| {
                        format!(
                            " [{}]",
                            serde_json::to_value(e)
                                .ok()
                                .and_then(|v| v.as_str().map(String::from))
                                .unwrap_or_default()
                        )
                    })
                    .unwrap_or_default();
                writeln!(
                    out,
                    "  {}:{}:{}  {:<36} {:<6} {:<12} {}{enc}",
                    r.path,
                    f.line,
                    f.column,
                    f.rule,
                    f.kind.as_str(),
                    f.class.as_str(),
                    f.fingerprint
                )?;
            }
        }
        writeln!(out)?;
    }
    for s in skipped.iter().filter(|s| s.reason == "unreadable") {
        writeln!(
            out,
            "NOT CLASSIFIED  {}: {}",
            s.path,
            s.detail.as_deref().unwrap_or("")
        )?;
    }
    let count = |c: Class| reports.iter().filter(|r| r.class == c).count();
    let binary = skipped.iter().filter(|s| s.reason == "binary").count();
    let unreadable = skipped.len() - binary;
    writeln!(
        out,
        "{} file(s): {} confidential, {} internal, {} public; {} binary skipped; {} not readable",
        reports.len(),
        count(Class::Confidential),
        count(Class::Internal),
        count(Class::Public),
        binary,
        unreadable
    )
}
