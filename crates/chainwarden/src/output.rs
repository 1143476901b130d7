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
pub(crate) fn write(args: &OutputArgs, report: &Report<'_>) -> Result<()> {
    let format = format_of(args.format);
    match &args.output {
        Some(path) => {
            let mut buf = Vec::new();
            chainwarden_report::render_with(
                format,
                report,
                &RenderOptions {
                    color: false,
                    ..Default::default()
                },
                &mut buf,
            )?;
            std::fs::write(path, buf)
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
                    ..Default::default()
                },
                &mut lock,
            )?;
            lock.flush()?;
        }
    }
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
}

impl Finish<'_> {
    pub(crate) fn report(self, findings: Vec<Finding>) -> anyhow::Result<u8> {
        let today = self.now.to_zoned(jiff::tz::TimeZone::UTC).date();
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
        warn_notes(self.args, &report.notes);
        write(self.args, &report)?;
        Ok(exit_code(&applied.kept, fail_on(self.args, self.config)))
    }
}
