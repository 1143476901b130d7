//! Writing a report where the user asked, and the exit code it implies.

use crate::cli::{FormatArg, OutputArgs};
use crate::config::Config;
use anyhow::{Context, Result};
use chainwarden_core::{Finding, Severity};
use chainwarden_report::{Format, RenderOptions, Report};
use std::io::{IsTerminal, Write};

pub(crate) fn format_of(f: FormatArg) -> Format {
    match f {
        FormatArg::Table => Format::Table,
        FormatArg::Json => Format::Json,
        FormatArg::Cyclonedx => Format::CycloneDx,
        FormatArg::Spdx => Format::Spdx,
        FormatArg::Sarif => Format::Sarif,
    }
}

/// Renders `report` to `--output FILE` or standard output.
pub(crate) fn write(args: &OutputArgs, report: &Report<'_>, inventory: bool) -> Result<()> {
    let format = format_of(args.format);
    match &args.output {
        Some(path) => {
            let mut buf = Vec::new();
            chainwarden_report::render_with(
                format,
                report,
                &RenderOptions {
                    color: false,
                    inventory,
                    ..Default::default()
                },
                &mut buf,
            )?;
            write_file(path, &buf)
                .with_context(|| format!("could not write the report to {}", path.display()))?;
        }
        None => {
            let stdout = std::io::stdout();
            let color = match args.color.as_str() {
                "always" => true,
                "never" => false,
                _ => stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            };
            // Reports are written piecewise: buffer them, or each piece is a syscall.
            let mut lock = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            chainwarden_report::render_with(
                format,
                report,
                &RenderOptions {
                    color,
                    inventory,
                    ..Default::default()
                },
                &mut lock,
            )?;
            lock.flush()?;
        }
    }
    Ok(())
}

/// Writes `bytes` to `path` without ever writing through a symlink there (a
/// link planted in a repository could point at `~/.bashrc`): the report goes
/// to a new file in the same folder, renamed over `path` once complete, and a
/// symlink or special file at `path` is refused.
fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let mut mode = 0o644;
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if meta.file_type().is_symlink() {
            anyhow::bail!(
                "{} is a symbolic link: chainwarden never writes through a link at --output; \
                 remove the link or name another file",
                path.display()
            );
        }
        if !meta.is_file() {
            anyhow::bail!(
                "{} is not a regular file: --output replaces only regular files",
                path.display()
            );
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            mode = meta.permissions().mode() & 0o7777;
        }
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".chainwarden-report-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    // rename(2) replaces the directory entry; it never follows a link there.
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Warnings (stale advisory data, skipped records) also go to stderr when the
/// report itself goes to a file or is meant for a machine.
pub(crate) fn warn_notes(args: &OutputArgs, notes: &[String]) {
    if args.output.is_some() || args.format != FormatArg::Table {
        for n in notes {
            #[allow(clippy::print_stderr)] // user-facing warning, outside the report
            {
                eprintln!("warning: {n}");
            }
        }
    }
}

/// A progress bar on stderr; invisible when stderr is not a terminal.
pub(crate) fn progress(len: u64, what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {wide_msg}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(what.to_string());
    bar
}

/// The severity that fails the run: `--fail-on`, else the config's, else high.
pub(crate) fn fail_on(args: &OutputArgs, config: &Config) -> Option<Severity> {
    match args.fail_on {
        Some(s) => s.severity(),
        None => Some(config.fail_on.unwrap_or(Severity::High)),
    }
}

/// 0 when nothing reaches the threshold, 1 otherwise.
pub(crate) fn exit_code(findings: &[Finding], threshold: Option<Severity>) -> u8 {
    match threshold {
        Some(t) if findings.iter().any(|f| f.severity >= t) => 1,
        _ => 0,
    }
}

/// "Now", or `SOURCE_DATE_EPOCH` for reproducible reports.
pub(crate) fn now() -> jiff::Timestamp {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| jiff::Timestamp::from_second(secs).ok())
        .unwrap_or_else(|| {
            jiff::Timestamp::from_second(jiff::Timestamp::now().as_second())
                .unwrap_or_else(|_| jiff::Timestamp::now())
        })
}

/// The end every reporting command shares: apply the ignore list, sort the
/// findings, write the report with its notes, and return the exit code.
pub(crate) struct Finish<'a> {
    pub(crate) args: &'a OutputArgs,
    pub(crate) config: &'a Config,
    pub(crate) now: jiff::Timestamp,
    pub(crate) inventory: &'a chainwarden_core::Inventory,
    pub(crate) targets: &'a [std::path::PathBuf],
    pub(crate) notes: Vec<String>,
    pub(crate) advisory_data: Option<chainwarden_report::DataInfo>,
    /// The command is a gate: fail-closed and no component list in the
    /// table, unless the flags or `[scan] fail-closed` say otherwise.
    pub(crate) gate: bool,
}

impl Finish<'_> {
    pub(crate) fn report(self, findings: Vec<Finding>) -> anyhow::Result<u8> {
        let today = self.now.to_zoned(jiff::tz::TimeZone::UTC).date();
        let mut findings = findings;
        crate::pipeline::AsGiven::new(self.targets).findings(&mut findings);
        let fail_closed = self
            .args
            .fail_closed_flag()
            .or(self.config.fail_closed)
            .unwrap_or(self.gate);
        if fail_closed {
            raise_unread(&mut findings);
        }
        let mut applied = crate::config::apply_ignores(self.config, findings, today);
        crate::cmd::scan::sort(&mut applied.kept);
        let all_rules = crate::rules::all();
        let target = self
            .targets
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" ");
        let mut report = Report::new(
            self.inventory,
            &applied.kept,
            &all_rules,
            self.now.to_string(),
            target,
        );
        // Notes quote package names and files: capped like every message.
        report.notes = self
            .notes
            .into_iter()
            .map(chainwarden_core::excerpt::cap_owned)
            .collect();
        report.advisory_data = self.advisory_data;
        if !applied.ignored.is_empty() {
            report.notes.push(format!(
                "{} finding(s) ignored by chainwarden.toml",
                applied.ignored.len()
            ));
        }
        if matches!(self.args.format, FormatArg::Cyclonedx | FormatArg::Spdx) {
            // SBOMs carry no findings: what was not read goes in as notes.
            for f in applied.kept.iter().filter(|f| is_input_rule(&f.rule)) {
                let place = f
                    .location
                    .as_ref()
                    .map(|l| format!("{}: ", l.path.display()))
                    .unwrap_or_default();
                report
                    .notes
                    .push(format!("{} ({}): {place}{}", f.rule, f.severity, f.message));
            }
        }
        warn_notes(self.args, &report.notes);
        let inventory = self.args.inventory_flag().unwrap_or(!self.gate);
        write(self.args, &report, inventory)?;
        Ok(exit_code(&applied.kept, fail_on(self.args, self.config)))
    }
}

/// Rules that say something was not read (or was left out on purpose).
fn is_input_rule(rule: &str) -> bool {
    rule.starts_with("input/") || rule.starts_with("archive/")
}

/// Fail-closed: what could not be read is at least `high`, so the gate
/// fails on it. Informational ones (an exclusion the user wrote, Cargo's
/// build output) stay as they are.
fn raise_unread(findings: &mut [Finding]) {
    for f in findings {
        if is_input_rule(&f.rule) && f.severity > Severity::Info && f.severity < Severity::High {
            f.evidence.push(format!(
                "raised from {} to high: fail-closed (what could not be read fails the run; \
                 `--fail-open` or `[scan] fail-closed = false` reports it at its own severity)",
                f.severity
            ));
            f.severity = Severity::High;
        }
    }
}
