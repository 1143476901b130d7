//! The terminal table: findings (worst first), then components by source,
//! then a summary line. Lines fit the requested width (100 by default):
//! long paths are shortened in the middle, long messages wrap in their column.

use crate::paths::{relative_to_roots, shorten_middle};
use crate::{RenderOptions, Report};
use chainwarden_core::{Component, Finding, Location, Severity, Source, SourceId, SourceKind};
use std::io::{self, Write};

/// Writes the table.
pub fn write(report: &Report<'_>, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let style = Style {
        color: options.color,
    };
    let width = options.width.max(60);
    let inv = report.inventory;
    let created =
        crate::normalize_rfc3339(&report.created).unwrap_or_else(|| report.created.clone());
    writeln!(
        out,
        "{} {} ({created})",
        style.bold(chainwarden_core::TOOL_NAME),
        chainwarden_core::TOOL_VERSION,
    )?;
    writeln!(
        out,
        "target: {}",
        shorten_middle(&clean(&report.target), width.saturating_sub(8))
    )?;
    if let Some(d) = &report.advisory_data {
        writeln!(
            out,
            "advisory data: {} ({}, {} records)",
            clean(&d.name),
            clean(&d.date),
            d.records
        )?;
    }
    writeln!(out)?;
    write_findings(report, &style, width, out)?;
    if options.inventory {
        writeln!(out)?;
        write_components(report, &style, width, out)?;
    }
    if !inv.errors.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            style.bold(&format!("ERRORS ({})", inv.errors.len()))
        )?;
        for e in &inv.errors {
            let path = match relative_to_roots(&e.path, &inv.roots) {
                Some((_, rel)) => rel,
                None => e.path.to_string_lossy().into_owned(),
            };
            let message = clean(&e.message);
            let room = width.saturating_sub(message.chars().count() + 4).max(24);
            let path = shorten_middle(&clean(&path), room);
            writeln!(out, "  {path}: {message}")?;
        }
    }
    if !report.notes.is_empty() {
        writeln!(out)?;
        for note in &report.notes {
            writeln!(out, "{} {}", style.paint("33", "note:"), clean(note))?;
        }
    }
    writeln!(out)?;
    writeln!(out, "{}", summary(report, &style))
}

/// `4 components in 2 sources; 3 findings: 1 critical, 1 high, 1 medium`.
fn summary(report: &Report<'_>, style: &Style) -> String {
    let inv = report.inventory;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut line = format!(
        "{} in {}; ",
        plural(inv.components.len(), "component", "components"),
        plural(inv.sources.len(), "source", "sources")
    );
    if report.findings.is_empty() {
        line.push_str("no findings");
        return line;
    }
    let parts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|s| {
            let n = report.findings.iter().filter(|f| f.severity == *s).count();
            (n > 0).then(|| style.severity(*s, &format!("{n} {s}")))
        })
        .collect();
    line.push_str(&format!(
        "{}: {}",
        plural(report.findings.len(), "finding", "findings"),
        parts.join(", ")
    ));
    line
}

fn write_findings(
    report: &Report<'_>,
    style: &Style,
    width: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    if report.findings.is_empty() {
        return writeln!(out, "No findings.");
    }
    writeln!(
        out,
        "{}",
        style.bold(&format!("FINDINGS ({})", report.findings.len()))
    )?;
    let mut sorted: Vec<&Finding> = report.findings.iter().collect();
    sorted.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.package.cmp(&b.package))
    });
    let rows: Vec<[String; 4]> = sorted
        .iter()
        .map(|f| {
            [
                f.severity.to_string(),
                clean(&f.rule),
                clean(&package_label(report, f)),
                clean(&location_label(report, f)),
            ]
        })
        .collect();
    // Severity, rule and package take what they need (capped); the location
    // takes the rest of the line; the message goes on the lines below.
    let content = |i: usize, header: &str| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .max()
            .unwrap_or(0)
            .max(header.len())
    };
    let sev_w = 8;
    let rule_w = content(1, "RULE").min(24);
    let package_w = content(2, "PACKAGE").min(30).min(width / 4);
    let location_w = width.saturating_sub(sev_w + rule_w + package_w + 6).max(12);
    writeln!(
        out,
        "{}",
        style.bold(&format!(
            "{:<sev_w$}  {:<rule_w$}  {:<package_w$}  LOCATION",
            "SEVERITY", "RULE", "PACKAGE"
        ))
    )?;
    let indent = " ".repeat(sev_w + 2);
    for (row, f) in rows.iter().zip(&sorted) {
        let line = format!(
            "{}  {}  {}  {}",
            style.severity(f.severity, &pad(&row[0], sev_w)),
            pad(&truncate(&row[1], rule_w), rule_w),
            pad(&truncate(&row[2], package_w), package_w),
            shorten_middle(&row[3], location_w)
        );
        writeln!(out, "{}", line.trim_end())?;
        for text in wrap(&clean(&f.message), width.saturating_sub(indent.len())) {
            writeln!(out, "{indent}{text}")?;
        }
        let also = advisory_line(f);
        if !also.is_empty() {
            for text in wrap(&clean(&also), width.saturating_sub(indent.len())) {
                writeln!(out, "{indent}{text}")?;
            }
        }
    }
    Ok(())
}

/// The ids an advisory is also known by, and what clears it, on one line:
/// users search for the GHSA or CVE id they were told about.
fn advisory_line(f: &Finding) -> String {
    let Some(a) = &f.advisory else {
        return String::new();
    };
    let mut parts = Vec::new();
    if !a.aliases.is_empty() {
        parts.push(format!("aliases: {}", a.aliases.join(", ")));
    }
    if !a.fixed.is_empty() {
        parts.push(format!("fixed in: {}", a.fixed.join(", ")));
    }
    if let Some(k) = &a.kev {
        parts.push(format!("CISA KEV {} (due {})", k.cve, k.due_date));
    }
    parts.join("; ")
}

fn package_label(report: &Report<'_>, f: &Finding) -> String {
    let display = f
        .component
        .and_then(|id| report.inventory.components.get(id.0))
        .map(|c| c.display_name.as_str());
    match &f.package {
        Some(p) => format!("{}@{}", display.unwrap_or(&p.name), p.version),
        None => "-".to_string(),
    }
}

fn location_label(report: &Report<'_>, f: &Finding) -> String {
    let loc: Option<&Location> = f.location.as_ref().or_else(|| {
        f.component
            .and_then(|id| report.inventory.components.get(id.0))
            .and_then(|c| c.locations.first())
    });
    let Some(loc) = loc else {
        return "-".to_string();
    };
    let path = match relative_to_roots(&loc.path, &report.inventory.roots) {
        Some((_, rel)) => rel,
        None => loc.path.to_string_lossy().into_owned(),
    };
    match loc.line {
        Some(line) => format!("{path}:{line}"),
        None => path,
    }
}

fn write_components(
    report: &Report<'_>,
    style: &Style,
    width: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let inv = report.inventory;
    writeln!(
        out,
        "{}",
        style.bold(&format!(
            "COMPONENTS ({} in {} sources)",
            inv.components.len(),
            inv.sources.len()
        ))
    )?;
    if inv.sources.is_empty() && inv.components.is_empty() {
        return writeln!(out, "No components found.");
    }
    for (i, source) in inv.sources.iter().enumerate() {
        let components: Vec<&Component> = inv.components_of(SourceId(i)).map(|(_, c)| c).collect();
        let names: Vec<(String, String)> = components
            .iter()
            .map(|c| (clean(&c.display_name), clean(&c.package.version)))
            .collect();
        writeln!(out)?;
        writeln!(out, "{}", source_heading(source, components.len(), width))?;
        if components.is_empty() {
            writeln!(out, "  (no components)")?;
            continue;
        }
        let name_w = names
            .iter()
            .map(|(name, _)| name.chars().count())
            .max()
            .unwrap_or(0)
            .clamp(4, 32);
        let version_w = names
            .iter()
            .map(|(_, version)| version.chars().count())
            .max()
            .unwrap_or(0)
            .clamp(7, 20);
        let kind_w = 10;
        let notes_w = width
            .saturating_sub(2 + name_w + version_w + kind_w + 6)
            .max(10);
        let header = format!(
            "  {:<name_w$}  {:<version_w$}  {:<kind_w$}  NOTES",
            "NAME", "VERSION", "DEPENDENCY"
        );
        writeln!(out, "{}", style.dim(&header))?;
        for (c, (name, version)) in components.iter().zip(&names) {
            let kind = match c.direct {
                Some(true) => "direct",
                Some(false) => "transitive",
                None => "-",
            };
            let line = format!(
                "  {}  {}  {:<kind_w$}  {}",
                pad(&truncate(name, name_w), name_w),
                pad(&truncate(version, version_w), version_w),
                kind,
                truncate(&component_notes(c), notes_w)
            );
            writeln!(out, "{}", line.trim_end())?;
        }
    }
    // Components whose source index is out of range still get listed.
    let orphans: Vec<&Component> = inv
        .components
        .iter()
        .filter(|c| c.source.0 >= inv.sources.len())
        .collect();
    if !orphans.is_empty() {
        writeln!(out)?;
        writeln!(out, "(unknown source)")?;
        for c in orphans {
            writeln!(
                out,
                "  {} {}",
                clean(&c.display_name),
                clean(&c.package.version)
            )?;
        }
    }
    Ok(())
}

fn source_heading(source: &Source, count: usize, width: usize) -> String {
    let kind = match source.kind {
        SourceKind::PythonEnvironment => "environment",
        SourceKind::NodeModules => "node_modules",
        SourceKind::Lockfile => "lockfile",
        SourceKind::Manifest => "manifest",
        SourceKind::Workflow => "workflow",
        SourceKind::McpConfig => "mcp config",
    };
    let mut facts = vec![clean(&source.format)];
    if let Some(py) = &source.python_version {
        facts.push(format!("Python {}", clean(py)));
    }
    facts.push(format!(
        "{count} component{}",
        if count == 1 { "" } else { "s" }
    ));
    let tail = format!(" ({})", facts.join(", "));
    let path = clean(&source.path.to_string_lossy());
    let room = width.saturating_sub(kind.len() + 1 + tail.chars().count());
    if room >= 24 {
        format!("{kind} {}{tail}", shorten_middle(&path, room))
    } else {
        // Too narrow for one line: the facts go below the path.
        let room = width.saturating_sub(kind.len() + 1);
        format!("{kind} {}\n {tail}", shorten_middle(&path, room))
    }
}

/// What the user should notice about a component: editable installs and
/// direct URL origins.
fn component_notes(c: &Component) -> String {
    let mut notes = Vec::new();
    if c.properties
        .get("editable")
        .is_some_and(|v| v == "true" || v == "1")
    {
        notes.push("editable".to_string());
    }
    if let Some(url) = c.properties.get("url") {
        notes.push(format!("url: {}", clean(url)));
    }
    notes.join("; ")
}

/// Text from scanned files, made safe for a terminal: control characters
/// (an ESC starting an ANSI sequence, a carriage return, a tab) are shown
/// escaped (`\u{1b}`) instead of acting on the terminal.
fn clean(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Cuts `s` to `width` characters, marking the cut with `…`.
fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
    t.push('…');
    t
}

fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

/// Wraps text at spaces into lines of at most `width` characters (a word
/// longer than a line is cut). Linear in the text: every character is
/// counted once, however long a word or line is.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut line_chars = 0usize;
    for word in text.split_whitespace() {
        let mut rest = word;
        let mut rest_chars = word.chars().count();
        while rest_chars > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line_chars = 0;
            }
            let cut = rest
                .char_indices()
                .nth(width)
                .map_or(rest.len(), |(i, _)| i);
            lines.push(rest[..cut].to_string());
            rest = &rest[cut..];
            rest_chars -= width;
        }
        let needed = line_chars + usize::from(!line.is_empty()) + rest_chars;
        if needed > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line_chars = 0;
        }
        if !line.is_empty() {
            line.push(' ');
            line_chars += 1;
        }
        line.push_str(rest);
        line_chars += rest_chars;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// ANSI styling, or none.
struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    fn severity(&self, s: Severity, text: &str) -> String {
        let code = match s {
            Severity::Critical => "1;31",
            Severity::High => "31",
            Severity::Medium => "33",
            Severity::Low => "36",
            Severity::Info => "2",
        };
        self.paint(code, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_respects_width_and_keeps_words() {
        let lines = wrap("one two three four five six", 9);
        assert_eq!(lines, vec!["one two", "three", "four five", "six"]);
        let long = wrap("abcdefghijklmnop", 8);
        assert_eq!(long, vec!["abcdefgh", "ijklmnop"]);
        assert_eq!(wrap("", 10), vec![""]);
        // Long words are cut at characters, never inside one.
        let word = "é".repeat(20);
        assert_eq!(
            wrap(&format!("a {word} b"), 8),
            vec!["a", "éééééééé", "éééééééé", "éééé b"]
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(clean("evil\x1b[2Jname"), "evil\\u{1b}[2Jname");
        assert_eq!(clean("a\rb\nc"), "a\\u{d}b\\u{a}c");
        assert_eq!(clean("plain ünïcode"), "plain ünïcode");
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("advisory/malicious", 10), "advisory/…");
        assert_eq!(truncate("ok", 10), "ok");
    }
}
