//! `requirements*.txt` / `constraints*.txt` files, read the way pip reads
//! them: `\` line continuations, ` #` comments, per-requirement `--hash`
//! options, `-r`/`-c` includes, `-e` editables, URL and path requirements,
//! and option lines (`--index-url` …) that are noted but not requirements.
//!
//! Component versions: a requirement pinned with `==V` (no wildcard) or
//! `===V` gets version `V`. Anything else (a range, no specifier, a URL)
//! gets version `""` and keeps what it said in properties (`specifier`,
//! `url`), so policy can flag it; advisory matching skips empty versions.
//! A file whose every requirement is pinned is a `Lockfile` source (what
//! `pip-compile` and `pip freeze` write); otherwise it is a `Manifest`.
//! `${VAR}` references are left as written (nothing is read from the
//! environment of the scanning host).

use crate::pep508::{MarkerTree, Requirement};
use chainwarden_core::inventory::{Collected, InputError};
use chainwarden_core::package::pep503;
use chainwarden_core::redact::{self, EmbeddedCredential};
use chainwarden_core::{Component, Ecosystem, Hash, Location, Package, Source, SourceKind, fsutil};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Largest requirements file read.
const MAX_REQUIREMENTS_FILE: u64 = 16 * 1024 * 1024;
/// Deepest `-r`/`-c` include chain followed.
pub const MAX_INCLUDE_DEPTH: usize = 16;
/// Most files read through includes from one top file.
const MAX_INCLUDED_FILES: usize = 256;

/// One requirement line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequirementEntry {
    pub file: PathBuf,
    /// 1-based line where the (possibly continued) logical line starts.
    pub line: u32,
    /// The requirement part of the line, comments and options removed.
    pub text: String,
    /// The project name as written, when the line names one (PEP 508 name,
    /// `#egg=` fragment, or a wheel file name).
    pub name: Option<String>,
    /// The pinned version (`==V`, `===V`, or a wheel file name's version).
    pub version: Option<String>,
    /// The parsed PEP 508 requirement, for lines that are one.
    pub requirement: Option<Requirement>,
    /// The environment marker (of a PEP 508 line or after a URL/path).
    pub marker: Option<MarkerTree>,
    /// A URL or local path requirement (`name @ url`, a bare URL, `-e path`).
    pub url: Option<String>,
    pub editable: bool,
    /// Read from a `-c` constraints file: it limits versions but installs nothing.
    pub constraint: bool,
    pub hashes: Vec<Hash>,
}

/// Everything read from one top-level requirements file and its includes.
#[derive(Debug, Clone, Default)]
pub struct RequirementsFile {
    pub entries: Vec<RequirementEntry>,
    /// Option lines (`--index-url …`, `--no-binary …`) with file and line.
    pub options: Vec<(PathBuf, u32, String)>,
    /// Every file read, the top file first.
    pub files: Vec<PathBuf>,
    pub errors: Vec<InputError>,
    /// Credentials written in the files read (an index URL with a password,
    /// a token in a `git+https://` URL), per kind: first place and count.
    pub credentials: Vec<EmbeddedCredential>,
}

/// Parses `path` and the files it includes. Includes are resolved relative
/// to the including file and must stay inside `scan_root` (symlinks
/// resolved); cycles and chains deeper than [`MAX_INCLUDE_DEPTH`] are errors.
pub fn parse_requirements_file(path: &Path, scan_root: &Path) -> RequirementsFile {
    let mut out = RequirementsFile::default();
    let root = scan_root
        .canonicalize()
        .unwrap_or_else(|_| scan_root.to_path_buf());
    let mut chain = Vec::new();
    read_file(path, &root, false, &mut chain, &mut out);
    out
}

/// Parses requirements text that is not (necessarily) on disk; includes are
/// not followed but reported as option lines.
pub fn parse_requirements_text(text: &str, file: &Path) -> RequirementsFile {
    let mut out = RequirementsFile::default();
    let mut includes = Vec::new();
    for (line, logical) in logical_lines(text) {
        parse_line(&logical, file, line, false, &mut out, &mut includes);
    }
    for (line, target, _) in includes {
        out.options
            .push((file.to_path_buf(), line, format!("-r {target}")));
    }
    out
}

fn read_file(
    path: &Path,
    root: &Path,
    constraint: bool,
    chain: &mut Vec<PathBuf>,
    out: &mut RequirementsFile,
) {
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    if chain.contains(&canonical) {
        let from = chain.last().cloned().unwrap_or_default();
        out.errors.push(InputError::new(
            &from,
            format!("include cycle: {} is already being read", path.display()),
        ));
        return;
    }
    if out.files.len() >= MAX_INCLUDED_FILES {
        out.errors.push(InputError::new(
            path,
            format!("not read: more than {MAX_INCLUDED_FILES} included files"),
        ));
        return;
    }
    if !path.is_file() {
        out.errors.push(InputError::new(path, "not a regular file"));
        return;
    }
    let text = match fsutil::read_text(path, MAX_REQUIREMENTS_FILE) {
        Ok(t) => t,
        Err(e) => {
            out.errors.push(InputError::new(path, e.to_string()));
            return;
        }
    };
    if text.trim().is_empty() {
        // A zero-byte file may be a truncated one: say so. A file with only
        // comments is an intended "no requirements".
        out.errors.push(InputError::not_a(
            path,
            "requirements file",
            &text,
            "",
            "if it is empty on purpose, say so with a comment (`# no dependencies`)",
        ));
        return;
    }
    out.files.push(path.to_path_buf());
    for found in redact::scan_lines(&text, path) {
        redact::record(&mut out.credentials, found);
    }
    chain.push(canonical);
    let mut includes: Vec<(u32, String, bool)> = Vec::new();
    for (line, logical) in logical_lines(&text) {
        parse_line(&logical, path, line, constraint, out, &mut includes);
        // Includes are read in line order, right where they appear.
        for (l, target, is_c) in includes.drain(..) {
            include(path, l, &target, constraint || is_c, root, chain, out);
        }
    }
    chain.pop();
}

fn include(
    from: &Path,
    line: u32,
    target: &str,
    constraint: bool,
    root: &Path,
    chain: &mut Vec<PathBuf>,
    out: &mut RequirementsFile,
) {
    let err = |m: String| InputError::new(from, format!("line {line}: {m}"));
    if target.contains("://") {
        out.errors.push(err(format!(
            "include `{target}` is a URL; it was not fetched"
        )));
        return;
    }
    if chain.len() >= MAX_INCLUDE_DEPTH {
        out.errors.push(err(format!(
            "include `{target}` not read: includes nest deeper than {MAX_INCLUDE_DEPTH}"
        )));
        return;
    }
    let base = from.parent().unwrap_or(Path::new("."));
    let resolved = crate::site::lexical_normalize(&base.join(target));
    match resolved.canonicalize() {
        Ok(real) if real.starts_with(root) => read_file(&resolved, root, constraint, chain, out),
        Ok(_) => out.errors.push(err(format!(
            "include `{target}` is outside the scan root; not read"
        ))),
        Err(e) => out
            .errors
            .push(err(format!("include `{target}` cannot be read: {e}"))),
    }
}

/// pip's `join_lines` + comment removal: `(line number, logical line)`.
fn logical_lines(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut pending: Option<(u32, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let is_comment = raw.trim_start().starts_with('#');
        if raw.ends_with('\\') && !is_comment {
            let part = raw.trim_end_matches('\\');
            match &mut pending {
                Some((_, acc)) => acc.push_str(part),
                None => pending = Some((number, part.to_string())),
            }
            continue;
        }
        let (number, joined) = match pending.take() {
            Some((start, mut acc)) => {
                // A comment line ends a continuation (pip prefixes it with a space).
                if is_comment {
                    acc.push(' ');
                }
                acc.push_str(raw);
                (start, acc)
            }
            None => (number, raw.to_string()),
        };
        let stripped = strip_comment(&joined).trim().to_string();
        if !stripped.is_empty() {
            out.push((number, stripped));
        }
    }
    if let Some((start, acc)) = pending {
        let stripped = strip_comment(&acc).trim().to_string();
        if !stripped.is_empty() {
            out.push((start, stripped));
        }
    }
    out
}

/// Removes `#…` at the line start or after white space (`(^|\s+)#.*$`);
/// a `#` inside a URL (`#egg=`, `#sha256=`) stays.
fn strip_comment(line: &str) -> &str {
    let mut prev_ws = true;
    for (i, c) in line.char_indices() {
        if c == '#' && prev_ws {
            return line.get(..i).unwrap_or(line);
        }
        prev_ws = c.is_whitespace();
    }
    line
}

/// Options pip accepts on their own line; their values are not requirements.
const LINE_OPTIONS_WITH_VALUE: [&str; 14] = [
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "--no-binary",
    "--only-binary",
    "--trusted-host",
    "--use-feature",
    "--config-settings",
    "--global-option",
    "--install-option",
    "--hash",
    "--progress-bar",
];

/// `(line, target, is_constraint)` of `-r` / `-c` lines, in order.
type Includes = Vec<(u32, String, bool)>;

fn parse_line(
    line: &str,
    file: &Path,
    number: u32,
    constraint: bool,
    out: &mut RequirementsFile,
    includes: &mut Includes,
) {
    let err = |m: String| InputError::new(file, format!("line {number}: {m}"));
    // pip's break_args_options: the requirement is every token before the
    // first one starting with `-`.
    let tokens: Vec<&str> = line.split_whitespace().collect();
    let split = tokens
        .iter()
        .position(|t| t.starts_with('-'))
        .unwrap_or(tokens.len());
    let (args, opts) = tokens.split_at(split);
    let mut hashes = Vec::new();
    let mut editable: Option<String> = None;
    let mut i = 0;
    while let Some(&tok) = opts.get(i) {
        i += 1;
        let (flag, inline) = split_option(tok);
        let mut value = || -> Option<String> {
            if let Some(v) = inline {
                return Some(v.to_string());
            }
            let v = opts.get(i).map(|s| s.to_string());
            i += 1;
            v
        };
        match flag {
            "-r" | "--requirement" | "-c" | "--constraint" => match value() {
                Some(v) => includes.push((number, v, flag == "-c" || flag == "--constraint")),
                None => out.errors.push(err(format!("`{flag}` needs a file name"))),
            },
            "-e" | "--editable" => match value() {
                Some(v) => editable = Some(v),
                None => out.errors.push(err("`-e` needs a path or URL".into())),
            },
            "--hash" => match value().as_deref().map(parse_hash) {
                Some(Ok(h)) => hashes.push(h),
                Some(Err(m)) => out.errors.push(err(m)),
                None => out.errors.push(err("`--hash` needs a value".into())),
            },
            f if LINE_OPTIONS_WITH_VALUE.contains(&f) => {
                let v = value().unwrap_or_default();
                out.options.push((
                    file.to_path_buf(),
                    number,
                    format!("{f} {v}").trim().to_string(),
                ));
            }
            "--no-index" | "--pre" | "--prefer-binary" | "--require-hashes" | "--no-deps" => {
                out.options
                    .push((file.to_path_buf(), number, flag.to_string()));
            }
            other => {
                // Short options glued to their value: `-rbase.txt`, `-e./x`.
                if let Some(v) = other.strip_prefix("-r").filter(|v| !v.is_empty()) {
                    includes.push((number, v.to_string(), false));
                } else if let Some(v) = other.strip_prefix("-c").filter(|v| !v.is_empty()) {
                    includes.push((number, v.to_string(), true));
                } else if let Some(v) = other.strip_prefix("-e").filter(|v| !v.is_empty()) {
                    editable = Some(v.to_string());
                } else if let Some(v) = other.strip_prefix("-i").filter(|v| !v.is_empty()) {
                    out.options
                        .push((file.to_path_buf(), number, format!("-i {v}")));
                } else {
                    out.errors.push(err(format!("unknown option `{other}`")));
                }
            }
        }
    }
    let text = match (&editable, args.is_empty()) {
        (Some(e), true) => e.clone(),
        (None, false) => args.join(" "),
        (Some(_), false) => {
            out.errors
                .push(err("a requirement and `-e` on one line".into()));
            return;
        }
        (None, true) => {
            if !hashes.is_empty() {
                out.errors
                    .push(err("`--hash` without a requirement".into()));
            }
            return;
        }
    };
    match requirement_entry(&text, file, number) {
        Ok(mut entry) => {
            entry.editable = editable.is_some();
            entry.constraint = constraint;
            entry.hashes = hashes;
            out.entries.push(entry);
        }
        Err(m) => out.errors.push(err(m)),
    }
}

/// `--hash=sha256:abc` → (`--hash`, `sha256:abc`).
fn split_option(tok: &str) -> (&str, Option<&str>) {
    match tok.split_once('=') {
        Some((f, v)) if f.starts_with("--") => (f, Some(v)),
        _ => (tok, None),
    }
}

fn parse_hash(v: &str) -> Result<Hash, String> {
    let (alg, hex) = v
        .split_once(':')
        .ok_or_else(|| format!("`--hash={v}` is not `algorithm:hexdigest`"))?;
    let alg = alg.trim().to_ascii_lowercase();
    let hex = hex.trim().to_ascii_lowercase();
    let known = matches!(
        alg.as_str(),
        "sha256" | "sha384" | "sha512" | "sha1" | "md5" | "sha224"
    );
    if !known || hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "`--hash={v}` is not a known algorithm with a hex digest"
        ));
    }
    Ok(Hash {
        algorithm: alg,
        value: hex,
    })
}

fn looks_like_url_or_path(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.contains("://")
        || lower.starts_with("git+")
        || lower.starts_with("hg+")
        || lower.starts_with("svn+")
        || lower.starts_with("bzr+")
        || lower.starts_with("file:")
        || s.starts_with('.')
        || s.starts_with('/')
        || s.starts_with('~')
        || lower.ends_with(".whl")
        || lower.ends_with(".zip")
        || lower.ends_with(".tar.gz")
        || lower.ends_with(".tgz")
}

fn requirement_entry(text: &str, file: &Path, line: u32) -> Result<RequirementEntry, String> {
    let mut entry = RequirementEntry {
        file: file.to_path_buf(),
        line,
        text: text.to_string(),
        name: None,
        version: None,
        requirement: None,
        marker: None,
        url: None,
        editable: false,
        constraint: false,
        hashes: Vec::new(),
    };
    // `name @ url` is PEP 508; a bare URL or path is pip's own form, with an
    // optional `; marker` after it.
    let first = text.split_whitespace().next().unwrap_or("");
    if looks_like_url_or_path(first) && !text.contains(" @ ") {
        // pip: after a URL only `; ` starts a marker (URLs may hold `;`).
        let sep = if first.contains("://") { "; " } else { ";" };
        let (url, marker) = text.split_once(sep).unwrap_or((text, ""));
        if !marker.trim().is_empty() {
            entry.marker =
                Some(MarkerTree::parse(marker.trim()).map_err(|e| format!("invalid marker: {e}"))?);
        }
        let url = url.trim().to_string();
        let (name, version) = name_from_url(&url);
        entry.name = name;
        entry.version = version;
        entry.url = Some(url);
        return Ok(entry);
    }
    let req = Requirement::parse(text).map_err(|e| format!("invalid requirement: {e}"))?;
    entry.name = Some(req.name.clone());
    entry.version = req.pinned_version();
    entry.url = req.url.clone();
    entry.marker = req.marker.clone();
    entry.requirement = Some(req);
    Ok(entry)
}

/// The project a URL names: `#egg=name` (optionally `name-version`), or a
/// wheel file name `name-version-…whl`, or an sdist `name-version.tar.gz`.
fn name_from_url(url: &str) -> (Option<String>, Option<String>) {
    if let Some((_, frag)) = url.split_once('#') {
        for part in frag.split('&') {
            if let Some(egg) = part.strip_prefix("egg=") {
                let egg = egg.trim();
                if !egg.is_empty() {
                    return (Some(egg.split('[').next().unwrap_or(egg).to_string()), None);
                }
            }
        }
    }
    let path = url.split(['#', '?']).next().unwrap_or(url);
    let file = path.rsplit('/').next().unwrap_or(path);
    if let Some(stem) = file.strip_suffix(".whl") {
        let mut parts = stem.split('-');
        if let (Some(n), Some(v)) = (parts.next(), parts.next()) {
            return (Some(n.to_string()), Some(v.to_string()));
        }
    }
    for ext in [".tar.gz", ".zip", ".tgz"] {
        if let Some((n, v)) = file.strip_suffix(ext).and_then(|s| s.rsplit_once('-'))
            && v.starts_with(|c: char| c.is_ascii_digit())
        {
            return (Some(n.to_string()), Some(v.to_string()));
        }
    }
    (None, None)
}

/// Inventories a requirements file (and its includes) as one source.
/// Entries without a name (a bare local path such as `-e .`) are reported
/// as option lines would be: nothing to match, no component.
pub fn collect_requirements(path: &Path, scan_root: &Path) -> (Option<Collected>, Vec<InputError>) {
    let parsed = parse_requirements_file(path, scan_root);
    if parsed.files.is_empty() {
        return (None, parsed.errors);
    }
    let mut components: Vec<Component> = Vec::new();
    let mut index: HashMap<(String, String, String, bool), usize> = HashMap::new();
    let mut all_pinned = true;
    for e in &parsed.entries {
        let Some(name) = &e.name else {
            continue;
        };
        let version = e.version.clone().unwrap_or_default();
        let specifier = e
            .requirement
            .as_ref()
            .filter(|_| e.version.is_none())
            .map(|r| {
                let mut s: Vec<String> = r.specifiers.iter().map(|s| s.to_string()).collect();
                if let Some(a) = &r.arbitrary_equality {
                    s.push(format!("==={a}"));
                }
                s.join(",")
            })
            .unwrap_or_default();
        if !e.constraint && version.is_empty() {
            all_pinned = false;
        }
        let key = (
            pep503(name),
            version.clone(),
            specifier.clone(),
            e.constraint,
        );
        let location = Location::line(&e.file, e.line);
        if let Some(&i) = index.get(&key)
            && let Some(c) = components.get_mut(i)
        {
            c.locations.push(location);
            for h in &e.hashes {
                if !c.hashes.contains(h) {
                    c.hashes.push(h.clone());
                }
            }
            continue;
        }
        let mut c = Component::new(
            Package::new(Ecosystem::PyPI, name, &version),
            name.clone(),
            location,
        );
        c.hashes = e.hashes.clone();
        c.direct = (!e.constraint).then_some(true);
        let p = &mut c.properties;
        p.insert("pinned".into(), (!version.is_empty()).to_string());
        if !specifier.is_empty() {
            p.insert("specifier".into(), specifier.clone());
        }
        if let Some(r) = &e.requirement
            && !r.extras.is_empty()
        {
            p.insert("extras".into(), r.extras.join(","));
        }
        if let Some(m) = &e.marker {
            p.insert("marker".into(), m.to_string());
        }
        if let Some(u) = &e.url {
            p.insert("url".into(), u.clone());
        }
        if e.editable {
            p.insert("editable".into(), "true".into());
        }
        if e.constraint {
            p.insert("constraint".into(), "true".into());
        }
        index.insert(key, components.len());
        components.push(c);
    }
    let kind = if all_pinned && !components.is_empty() {
        SourceKind::Lockfile
    } else {
        SourceKind::Manifest
    };
    let mut source = Source::new(kind, path, "requirements.txt");
    source.credentials = parsed.credentials;
    if parsed.files.len() > 1 {
        let included: Vec<String> = parsed
            .files
            .iter()
            .skip(1)
            .map(|f| f.display().to_string())
            .collect();
        source
            .properties
            .insert("included_files".into(), included.join("\n"));
    }
    for (_, _, opt) in &parsed.options {
        let key = match opt.split_whitespace().next() {
            Some("-i" | "--index-url") => "index_url",
            Some("--extra-index-url") => "extra_index_url",
            Some("-f" | "--find-links") => "find_links",
            Some("--require-hashes") => "require_hashes",
            _ => continue,
        };
        let value = opt.split_whitespace().nth(1).unwrap_or("true").to_string();
        source
            .properties
            .entry(key.to_string())
            .and_modify(|v| {
                v.push('\n');
                v.push_str(&value);
            })
            .or_insert(value);
    }
    (Some(Collected { source, components }), parsed.errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn parse(text: &str) -> RequirementsFile {
        parse_requirements_text(text, Path::new("requirements.txt"))
    }

    #[test]
    fn pins_ranges_hashes_continuations() {
        let r = parse(
            "# top comment\n\
             requests==2.32.3 \\\n    --hash=sha256:70761CAFE \\\n    --hash sha256:55365417\n\
             flask>=2,<4  # web\n\
             Django === 4.2-custom\n\
             attrs\n\
             numpy==1.26.*\n",
        );
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let e = &r.entries;
        assert_eq!(e.len(), 5);
        assert_eq!(
            (e[0].name.as_deref(), e[0].version.as_deref(), e[0].line),
            (Some("requests"), Some("2.32.3"), 2)
        );
        assert_eq!(e[0].hashes.len(), 2);
        assert_eq!(e[0].hashes[0].value, "70761cafe");
        assert_eq!((e[1].version.as_deref(), e[1].line), (None, 5));
        assert_eq!(e[2].version.as_deref(), Some("4.2-custom"));
        assert_eq!(e[3].version, None);
        assert_eq!(e[4].version, None, "a wildcard is not a pin");
    }

    #[test]
    fn urls_editables_markers_options() {
        let r = parse(
            "-i https://pypi.org/simple\n\
             --extra-index-url https://example.com/simple\n\
             --find-links ./wheels\n\
             --no-binary :all:\n\
             --only-binary=numpy\n\
             --require-hashes\n\
             -e git+https://github.com/pypa/sampleproject.git@v3.0#egg=sampleproject\n\
             -e ./local/project\n\
             git+https://github.com/a/b.git@abc123#egg=bee[extra]\n\
             https://files.example/pkgs/foo_bar-1.2.0-py3-none-any.whl ; python_version >= '3.8'\n\
             pip @ https://github.com/pypa/pip/archive/22.0.zip\n\
             pywin32==306; sys_platform == 'win32'\n\
             ${PRIVATE_PKG}==1.0\n\
             ./dist/thing-0.4.tar.gz\n",
        );
        let e = &r.entries;
        assert_eq!(r.options.len(), 6, "{:?}", r.options);
        assert_eq!(e.len(), 7, "{:?}", r.errors);
        assert!(e[0].editable && e[0].name.as_deref() == Some("sampleproject"));
        assert!(e[1].editable && e[1].name.is_none());
        assert_eq!(e[2].name.as_deref(), Some("bee"));
        assert_eq!(
            (e[3].name.as_deref(), e[3].version.as_deref()),
            (Some("foo_bar"), Some("1.2.0"))
        );
        assert_eq!(
            e[3].marker.as_ref().map(|m| m.to_string()).as_deref(),
            Some("python_version >= \"3.8\"")
        );
        assert_eq!(
            e[4].url.as_deref(),
            Some("https://github.com/pypa/pip/archive/22.0.zip")
        );
        assert!(e[5].requirement.as_ref().unwrap().marker.is_some());
        assert_eq!(
            (e[6].name.as_deref(), e[6].version.as_deref()),
            (Some("thing"), Some("0.4"))
        );
        // `${VAR}` is not a valid name: it is reported, not expanded.
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert!(r.errors[0].message.contains("line 13"));
    }

    #[test]
    fn comments_and_errors() {
        let r = parse(
            "foo==1 # c\n#only comment\n  \nbar==1#notacomment\n--bogus\n--hash=sha256:zz\nbaz ==\n",
        );
        assert_eq!(r.entries.len(), 1);
        let msgs: Vec<&str> = r.errors.iter().map(|e| e.message.as_str()).collect();
        assert!(
            msgs.iter()
                .any(|m| m.contains("line 4") && m.contains("invalid requirement")),
            "{msgs:?}"
        );
        assert!(msgs.iter().any(|m| m.contains("unknown option `--bogus`")));
        assert!(
            msgs.iter()
                .any(|m| m.contains("line 6") && m.contains("hex digest"))
        );
        assert!(msgs.iter().any(|m| m.contains("line 7")));
        // A trailing backslash on the last line still yields the line.
        let r = parse("foo==1 \\");
        assert_eq!(r.entries.len(), 1);
        // A comment ends a continuation.
        let r = parse("foo==1 \\\n# comment\nbar==2\n");
        assert_eq!(r.entries.len(), 2);
        assert_eq!(r.entries[1].line, 3);
    }

    #[test]
    fn includes_cycles_depth_and_root() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("repo");
        fs::create_dir_all(root.join("reqs")).unwrap();
        fs::write(
            root.join("requirements.txt"),
            "-r reqs/base.txt\n-c constraints.txt\nflask>=2\n",
        )
        .unwrap();
        fs::write(
            root.join("reqs/base.txt"),
            "requests==2.32.3\n-r ../requirements.txt\n-r ../../outside.txt\n",
        )
        .unwrap();
        fs::write(root.join("constraints.txt"), "urllib3==2.2.3\n").unwrap();
        fs::write(t.path().join("outside.txt"), "evil==1\n").unwrap();
        let r = parse_requirements_file(&root.join("requirements.txt"), &root);
        let names: Vec<(&str, bool)> = r
            .entries
            .iter()
            .map(|e| (e.name.as_deref().unwrap(), e.constraint))
            .collect();
        assert_eq!(
            names,
            [("requests", false), ("urllib3", true), ("flask", false)]
        );
        assert_eq!(r.entries[0].file, root.join("reqs/base.txt"));
        let msgs: Vec<&str> = r.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("cycle")));
        assert!(msgs.iter().any(|m| m.contains("outside the scan root")));

        // A self-including chain deeper than the bound stops with an error.
        let deep = t.path().join("deep");
        fs::create_dir_all(&deep).unwrap();
        for i in 0..40 {
            fs::write(
                deep.join(format!("r{i}.txt")),
                format!("-r r{}.txt\npkg{i}==1\n", i + 1),
            )
            .unwrap();
        }
        let r = parse_requirements_file(&deep.join("r0.txt"), &deep);
        assert_eq!(r.entries.len(), MAX_INCLUDE_DEPTH);
        assert!(r.errors.iter().any(|e| e.message.contains("deeper")));
    }

    #[test]
    fn collected_components_and_source_kind() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("requirements.txt");
        fs::write(
            &p,
            "requests==2.32.3 --hash=sha256:aa\nRequests==2.32.3 --hash=sha256:bb\nflask>=2,<4\n",
        )
        .unwrap();
        let (c, errors) = collect_requirements(&p, t.path());
        assert!(errors.is_empty());
        let c = c.unwrap();
        assert_eq!(c.source.kind, SourceKind::Manifest);
        assert_eq!(c.source.format, "requirements.txt");
        assert_eq!(c.components.len(), 2);
        assert_eq!(c.components[0].locations.len(), 2);
        assert_eq!(c.components[0].hashes.len(), 2);
        assert_eq!(c.components[1].package.version, "");
        assert_eq!(
            c.components[1].properties["specifier"],
            ">=2, <4".replace(", ", ",")
        );
        assert_eq!(c.components[1].locations[0].line, Some(3));
        fs::write(&p, "requests==2.32.3\n").unwrap();
        assert_eq!(
            collect_requirements(&p, t.path()).0.unwrap().source.kind,
            SourceKind::Lockfile
        );
        let (none, errors) = collect_requirements(&t.path().join("missing.txt"), t.path());
        assert!(none.is_none() && errors.len() == 1);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn never_panics(lines in proptest::collection::vec("[ -~]{0,40}", 0..8)) {
                let text = lines.join("\n");
                let r = parse(&text);
                for e in &r.entries {
                    prop_assert!(e.line >= 1);
                }
            }

            #[test]
            fn pins_round_trip(name in "[A-Za-z][A-Za-z0-9_.-]{0,12}[A-Za-z0-9]", a in 0u32..100, b in 0u32..100) {
                let r = parse(&format!("{name}=={a}.{b} --hash=sha256:00ff\n"));
                prop_assert_eq!(r.entries.len(), 1);
                prop_assert_eq!(r.entries[0].version.clone(), Some(format!("{a}.{b}")));
                prop_assert_eq!(r.entries[0].name.clone(), Some(name));
            }
        }
    }
}
