//! One installed distribution: a `*.dist-info` folder, a `*.egg-info` folder
//! or file, or an `EGG-INFO` folder inside an `.egg`, read as text.
//!
//! Only the header block of METADATA / PKG-INFO is read (the long
//! description after the first blank line is skipped); RECORD is only
//! checked for presence.

use chainwarden_core::fsutil;
use chainwarden_core::inventory::InputError;
use std::path::{Path, PathBuf};

/// Bytes of a METADATA header block scanned at most (the body after the
/// block is never read): a bound on work, not on what is kept.
const MAX_METADATA_BLOCK: u64 = fsutil::MAX_TEXT_FILE;
/// Longest header line kept whole.
const MAX_HEADER_LINE: usize = 256 * 1024;
/// Bytes of header values kept in total (the few fields inventory needs).
const MAX_METADATA_KEPT: usize = 4 * 1024 * 1024;
/// Small side files: INSTALLER, direct_url.json, requires.txt.
const MAX_SIDE_FILE: u64 = 1024 * 1024;
/// A `License:` field longer than this is a pasted licence text, not a name.
const MAX_LICENSE_NAME: usize = 120;

/// How the distribution's metadata is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataFormat {
    DistInfo,
    EggInfo,
}

impl MetadataFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            MetadataFormat::DistInfo => "dist-info",
            MetadataFormat::EggInfo => "egg-info",
        }
    }
}

/// `direct_url.json` (PEP 610): how a distribution was installed from a URL.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DirectUrl {
    pub url: String,
    /// `dir_info.editable`.
    pub editable: bool,
    /// `vcs_info.vcs` (`git`, `hg`…).
    pub vcs: Option<String>,
    /// `vcs_info.commit_id`.
    pub commit_id: Option<String>,
    /// `vcs_info.requested_revision`.
    pub requested_revision: Option<String>,
    /// `archive_info.hash(es)`: `sha256=<hex>`.
    pub archive_hash: Option<String>,
}

/// What one metadata folder says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledDist {
    /// The `*.dist-info` / `*.egg-info` folder (or egg-info file).
    pub info_path: PathBuf,
    pub format: MetadataFormat,
    /// `Name` as written.
    pub name: String,
    /// `Version` as written (empty when missing).
    pub version: String,
    /// `Requires-Dist` values (or requires.txt converted to them).
    pub requires_dist: Vec<String>,
    pub summary: Option<String>,
    /// `License-Expression`, else a short `License`, else licence classifiers.
    pub license: Option<String>,
    pub installer: Option<String>,
    pub direct_url: Option<DirectUrl>,
    pub has_record: bool,
    /// A `REQUESTED` file: the user asked for this distribution by name.
    pub requested: bool,
    /// What could not be read as written: invalid UTF-8, a bound hit, or a
    /// METADATA that could not be read at all (then `name` and `version`
    /// come from the folder name). Reported as input errors.
    pub problems: Vec<InputError>,
    /// `name` and `version` come from the folder name, not from METADATA.
    pub from_folder_name: bool,
}

/// The headers of an RFC 822-style metadata file, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(pub Vec<(String, String)>);

impl Headers {
    /// Parses the header block: `Key: value` lines, continuation lines start
    /// with white space, the block ends at the first blank line (or at a line
    /// that is not a header, as Python's email parser does).
    pub fn parse(text: &str) -> Headers {
        Headers::parse_filtered(text, |_, _| true)
    }

    /// Like [`Headers::parse`], keeping only headers `keep(key, value)`
    /// accepts (inventory needs a handful of the dozens of fields).
    pub fn parse_filtered(text: &str, keep: impl Fn(&str, &str) -> bool) -> Headers {
        let mut parser = HeaderParser::default();
        for line in text.lines() {
            if parser.line(line, &keep).is_none() {
                break;
            }
        }
        Headers(parser.out)
    }

    /// The first value of `key` (case-insensitive), as `email.message` returns it.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    pub fn get_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }
}

/// The header block, one line at a time: `Key: value` lines, continuation
/// lines start with white space, the block ends at the first empty line (or
/// at a line that is not a header, as Python's email parser does).
#[derive(Debug, Default)]
struct HeaderParser {
    out: Vec<(String, String)>,
    /// Whether the header being continued was kept.
    current_kept: bool,
    seen_header: bool,
}

impl HeaderParser {
    /// Takes one line (without its line ending). `None` when the block has
    /// ended; else the bytes of value kept from this line.
    fn line(&mut self, line: &str, keep: &impl Fn(&str, &str) -> bool) -> Option<usize> {
        // Only an empty line ends the block: a line of spaces inside a
        // folded value (a pasted licence text) is a continuation.
        if line.is_empty() {
            return None;
        }
        if line.starts_with([' ', '\t']) {
            if !self.seen_header {
                return None;
            }
            if self.current_kept
                && let Some((_, value)) = self.out.last_mut()
            {
                value.push('\n');
                value.push_str(line.trim());
                return Some(line.len());
            }
            return Some(0);
        }
        match line.split_once(':') {
            Some((key, value)) if !key.is_empty() && !key.contains(char::is_whitespace) => {
                self.seen_header = true;
                let value = value.trim();
                self.current_kept = keep(key, value);
                if self.current_kept {
                    self.out.push((key.to_string(), value.to_string()));
                    return Some(line.len());
                }
                Some(0)
            }
            _ => None,
        }
    }
}

/// The header block of a METADATA / PKG-INFO file as read: the headers kept,
/// and what could not be read as written (the headers are still usable).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderBlock {
    pub headers: Headers,
    /// Invalid UTF-8 (decoded with U+FFFD), a block or a value cut at a bound.
    pub problems: Vec<String>,
}

/// Bounds on reading one header block.
#[derive(Debug, Clone, Copy)]
pub struct HeaderLimits {
    /// Bytes of the block scanned at most; the rest is not read.
    pub max_block: u64,
    /// Bytes of one line kept; the rest of a longer line is skipped.
    pub max_line: usize,
    /// Bytes of kept header values, in total; later headers are dropped.
    pub max_kept: usize,
}

impl Default for HeaderLimits {
    fn default() -> Self {
        HeaderLimits {
            max_block: MAX_METADATA_BLOCK,
            max_line: MAX_HEADER_LINE,
            max_kept: MAX_METADATA_KEPT,
        }
    }
}

/// Reads the header block (up to the first empty line) from `reader`,
/// keeping only the headers `keep` accepts. Never fails on content: a
/// hostile file (an invalid byte, gigabytes of padding headers before
/// `Name`) still yields the headers that matter, with the problems listed.
pub fn read_header_block_from(
    mut reader: impl std::io::BufRead,
    limits: &HeaderLimits,
    keep: impl Fn(&str, &str) -> bool,
) -> std::io::Result<HeaderBlock> {
    let mut parser = HeaderParser::default();
    let mut problems = Vec::new();
    let mut scanned: u64 = 0;
    let mut kept: usize = 0;
    let mut line_no: usize = 0;
    let mut lossy_line: Option<usize> = None;
    let mut cut_lines = 0usize;
    let mut line = Vec::new();
    loop {
        if scanned >= limits.max_block {
            problems.push(format!(
                "the header block is larger than {} bytes: only its first {} bytes were read",
                limits.max_block, limits.max_block
            ));
            break;
        }
        line.clear();
        let (consumed, complete) = read_line_bounded(&mut reader, &mut line, limits.max_line)?;
        if consumed == 0 {
            break;
        }
        scanned += consumed as u64;
        line_no += 1;
        if !complete {
            cut_lines += 1;
        }
        if line.last() == Some(&b'\n') {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        }
        let mut text = String::from_utf8_lossy(&line);
        if matches!(text, std::borrow::Cow::Owned(_)) && lossy_line.is_none() {
            lossy_line = Some(line_no);
        }
        if line_no == 1
            && let Some(rest) = text.strip_prefix('\u{feff}')
        {
            text = std::borrow::Cow::Owned(rest.to_string());
        }
        if kept >= limits.max_kept {
            // Past the bound on kept values, only look for the block's end.
            if text.is_empty() {
                break;
            }
            continue;
        }
        match parser.line(&text, &keep) {
            Some(added) => kept += added,
            None => break,
        }
    }
    if let Some(n) = lossy_line {
        problems.push(format!(
            "not valid UTF-8 (first at line {n}): read with replacement characters"
        ));
    }
    if cut_lines > 0 {
        problems.push(format!(
            "{cut_lines} line(s) longer than {} bytes: only their start was read",
            limits.max_line
        ));
    }
    if kept >= limits.max_kept {
        problems.push(format!(
            "the headers read add up to more than {} bytes: later headers were not kept",
            limits.max_kept
        ));
    }
    Ok(HeaderBlock {
        headers: Headers(parser.out),
        problems,
    })
}

/// Reads one line (up to and including `\n`) into `buf`, keeping at most
/// `max` bytes and skipping the rest. Returns the bytes consumed and
/// whether the whole line was kept.
fn read_line_bounded(
    reader: &mut impl std::io::BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<(usize, bool)> {
    let mut consumed = 0usize;
    let mut complete = true;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok((consumed, complete));
        }
        let (chunk, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let room = max.saturating_sub(buf.len());
        if chunk.len() > room {
            complete = false;
        }
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let n = chunk.len();
        reader.consume(n);
        consumed += n;
        if done {
            return Ok((consumed, complete));
        }
    }
}

/// Reads the header block of the file at `path` (a regular file only; see
/// [`read_header_block_from`]).
pub fn read_header_block(
    path: &Path,
    limits: &HeaderLimits,
    keep: impl Fn(&str, &str) -> bool,
) -> Result<HeaderBlock, InputError> {
    let file = fsutil::open_regular(path).map_err(|e| InputError::new(path, e.to_string()))?;
    read_header_block_from(
        std::io::BufReader::with_capacity(64 * 1024, file),
        limits,
        keep,
    )
    .map_err(|e| InputError::new(path, e.to_string()))
}

/// Converts egg-info `requires.txt` (sections `[extra]`, `[:marker]`,
/// `[extra:marker]`) to `Requires-Dist` strings, as importlib.metadata does.
pub fn requires_txt_to_requires_dist(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut section: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = Some(name.trim().to_string());
            continue;
        }
        let (extra, markers) = match &section {
            Some(s) => {
                let (e, m) = s.split_once(':').unwrap_or((s.as_str(), ""));
                (e.trim(), m.trim())
            }
            None => ("", ""),
        };
        let mut conditions = Vec::new();
        if !markers.is_empty() {
            conditions.push(if extra.is_empty() {
                markers.to_string()
            } else {
                format!("({markers})")
            });
        }
        if !extra.is_empty() {
            conditions.push(format!("extra == \"{extra}\""));
        }
        let space = if line.contains('@') { " " } else { "" };
        if conditions.is_empty() {
            out.push(line.to_string());
        } else {
            out.push(format!("{line}{space}; {}", conditions.join(" and ")));
        }
    }
    out
}

impl InstalledDist {
    /// Reads the metadata at `info_path`. Errors name the file.
    ///
    /// A METADATA that cannot be read (missing, not a regular file, no
    /// `Name`) still yields a distribution when the folder name carries a
    /// name and a version (`litellm-1.82.7.dist-info`): an attacker who
    /// breaks the file must not hide the package. The failure is listed in
    /// [`InstalledDist::problems`].
    pub fn read(info_path: &Path, format: MetadataFormat) -> Result<InstalledDist, InputError> {
        let is_dir = info_path.is_dir();
        if !is_dir && !info_path.is_file() {
            return Err(InputError::new(info_path, "not a regular file or folder"));
        }
        // List the folder once instead of probing each optional file. Every
        // entry but a folder counts: a FIFO named METADATA is reported when
        // opened (without blocking), not passed over in silence.
        let present: Vec<String> = if is_dir {
            std::fs::read_dir(info_path)
                .map_err(|e| InputError::new(info_path, e.to_string()))?
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        } else {
            Vec::new()
        };
        let has = |n: &str| present.iter().any(|p| p == n);
        let mut problems = Vec::new();
        let mut from_folder_name = false;
        let mut fallback = |e: InputError, problems: &mut Vec<InputError>| {
            from_folder_name = true;
            fallback_headers(info_path, e, problems)
        };
        let headers = match read_metadata(info_path, is_dir, &has) {
            Ok((metadata_path, block)) => {
                problems.extend(
                    block
                        .problems
                        .into_iter()
                        .map(|m| InputError::new(&metadata_path, m)),
                );
                match block.headers.get("Name") {
                    Some(n) if !n.trim().is_empty() => block.headers,
                    _ => {
                        let e = InputError::new(&metadata_path, "metadata has no `Name` field");
                        fallback(e, &mut problems)?
                    }
                }
            }
            Err(e) => fallback(e, &mut problems)?,
        };
        let name = headers.get("Name").unwrap_or("").trim().to_string();
        let version = headers.get("Version").unwrap_or("").trim().to_string();
        let mut requires_dist: Vec<String> = headers
            .get_all("Requires-Dist")
            .map(str::to_string)
            .collect();
        if requires_dist.is_empty() && has("requires.txt") {
            let path = info_path.join("requires.txt");
            let text = fsutil::read_text(&path, MAX_SIDE_FILE)
                .map_err(|e| InputError::new(&path, e.to_string()))?;
            requires_dist = requires_txt_to_requires_dist(&text);
        }
        let installer = if has("INSTALLER") {
            fsutil::read_text(&info_path.join("INSTALLER"), MAX_SIDE_FILE)
                .ok()
                .and_then(|t| t.lines().next().map(|l| l.trim().to_string()))
                .filter(|s| !s.is_empty())
        } else {
            None
        };
        let direct_url = if has("direct_url.json") {
            let path = info_path.join("direct_url.json");
            let text = fsutil::read_text(&path, MAX_SIDE_FILE)
                .map_err(|e| InputError::new(&path, e.to_string()))?;
            Some(parse_direct_url(&text).map_err(|m| InputError::new(&path, m))?)
        } else {
            None
        };
        Ok(InstalledDist {
            info_path: info_path.to_path_buf(),
            format,
            name,
            version,
            requires_dist,
            summary: headers
                .get("Summary")
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
            license: license(&headers),
            installer,
            direct_url,
            has_record: has("RECORD") || has("installed-files.txt"),
            requested: has("REQUESTED"),
            problems,
            from_folder_name,
        })
    }
}

/// The METADATA (or PKG-INFO) of a metadata folder or egg-info file, and
/// the headers inventory needs from it.
fn read_metadata(
    info_path: &Path,
    is_dir: bool,
    has: &impl Fn(&str) -> bool,
) -> Result<(PathBuf, HeaderBlock), InputError> {
    let metadata_path = if !is_dir {
        info_path.to_path_buf()
    } else if has("METADATA") {
        info_path.join("METADATA")
    } else if has("PKG-INFO") {
        info_path.join("PKG-INFO")
    } else {
        return Err(InputError::new(
            info_path,
            "no METADATA or PKG-INFO file in this metadata folder",
        ));
    };
    let block = read_header_block(&metadata_path, &HeaderLimits::default(), |key, value| {
        const WANTED: [&str; 6] = [
            "Name",
            "Version",
            "Requires-Dist",
            "Summary",
            "License",
            "License-Expression",
        ];
        WANTED.iter().any(|w| w.eq_ignore_ascii_case(key))
            || (key.eq_ignore_ascii_case("Classifier") && value.starts_with("License ::"))
    })?;
    Ok((metadata_path, block))
}

/// Name and version from a metadata folder's name (`name-version.dist-info`,
/// `name-version-py3.11.egg-info`), when its METADATA could not say: the
/// error joins `problems`. Without a version in the name, the error stands.
fn fallback_headers(
    info_path: &Path,
    error: InputError,
    problems: &mut Vec<InputError>,
) -> Result<Headers, InputError> {
    let Some((name, version)) = name_version_from_folder(info_path) else {
        return Err(error);
    };
    problems.push(InputError::new(
        error.path,
        format!(
            "{}; the package is listed as {name} {version}, from its folder name",
            error.message
        ),
    ));
    Ok(Headers(vec![
        ("Name".to_string(), name),
        ("Version".to_string(), version),
    ]))
}

/// `(name, version)` of a `name-version[-…].dist-info|egg-info` folder name.
pub fn name_version_from_folder(info_path: &Path) -> Option<(String, String)> {
    let file = info_path.file_name()?.to_str()?;
    let lower = file.to_ascii_lowercase();
    let stem = if lower.ends_with(".dist-info") || lower.ends_with(".egg-info") {
        file.rsplit_once('.')?.0
    } else {
        return None;
    };
    let mut parts = stem.split('-');
    let name = parts.next().filter(|n| !n.is_empty())?;
    let version = parts.next().filter(|v| !v.is_empty())?;
    Some((name.to_string(), version.to_string()))
}

fn license(h: &Headers) -> Option<String> {
    if let Some(e) = h
        .get("License-Expression")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        return Some(e.to_string());
    }
    if let Some(l) = h.get("License").map(str::trim)
        && !l.is_empty()
        && !l.contains('\n')
        && l.len() <= MAX_LICENSE_NAME
        && !l.eq_ignore_ascii_case("UNKNOWN")
    {
        return Some(l.to_string());
    }
    let from_classifiers: Vec<&str> = h
        .get_all("Classifier")
        .filter_map(|c| c.strip_prefix("License ::"))
        .filter_map(|c| c.rsplit("::").next())
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    (!from_classifiers.is_empty()).then(|| from_classifiers.join("; "))
}

/// Parses PEP 610 `direct_url.json`.
pub fn parse_direct_url(text: &str) -> Result<DirectUrl, String> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("invalid direct_url.json: {e}"))?;
    let url = v
        .get("url")
        .and_then(|u| u.as_str())
        .ok_or("direct_url.json has no `url` string")?
        .to_string();
    let s = |o: Option<&serde_json::Value>, k: &str| {
        o.and_then(|o| o.get(k))
            .and_then(|x| x.as_str())
            .map(str::to_string)
    };
    let vcs_info = v.get("vcs_info");
    let archive_info = v.get("archive_info");
    let archive_hash = archive_info
        .and_then(|a| a.get("hashes"))
        .and_then(|h| h.as_object())
        .and_then(|h| {
            h.get("sha256")
                .map(|v| ("sha256", v))
                .or_else(|| h.iter().next().map(|(k, v)| (k.as_str(), v)))
        })
        .and_then(|(k, v)| v.as_str().map(|v| format!("{k}={v}")))
        .or_else(|| s(archive_info, "hash"));
    Ok(DirectUrl {
        url,
        editable: v
            .get("dir_info")
            .and_then(|d| d.get("editable"))
            .and_then(|e| e.as_bool())
            .unwrap_or(false),
        vcs: s(vcs_info, "vcs"),
        commit_id: s(vcs_info, "commit_id"),
        requested_revision: s(vcs_info, "requested_revision"),
        archive_hash,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn headers_with_continuations_and_body() {
        let text = "Metadata-Version: 2.1\nName: Foo_Bar\nVersion: 1.0.post1\nLicense: Line one\n        continued\nRequires-Dist: a>=1\nrequires-dist: b; extra == 'x'\n\nName: not-a-header\n";
        let h = Headers::parse(text);
        assert_eq!(h.get("name"), Some("Foo_Bar"));
        assert_eq!(h.get("License"), Some("Line one\ncontinued"));
        assert_eq!(
            h.get_all("Requires-Dist").collect::<Vec<_>>(),
            ["a>=1", "b; extra == 'x'"]
        );
        assert_eq!(h.0.len(), 6, "the body is not headers");
        // A white-space line inside a folded value does not end the block
        // (hatchling writes licence texts this way).
        let h = Headers::parse(
            "Name: j\nLicense: BSD\n        \n        text\nRequires-Dist: a\n\nbody\n",
        );
        assert_eq!(h.get("License"), Some("BSD\n\ntext"));
        assert_eq!(h.get("Requires-Dist"), Some("a"));
        // A non-header line ends the block, as in Python's email parser.
        let h = Headers::parse("Name: a\nthis is not a header\nVersion: 1\n");
        assert_eq!(h.get("Version"), None);
    }

    fn all(_: &str, _: &str) -> bool {
        true
    }

    #[test]
    fn header_block_stops_at_blank_line() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("METADATA");
        let mut body = String::from("\u{feff}Name: x\r\nVersion: 1\r\n\r\n");
        body.push_str(&"long description\n".repeat(10_000));
        fs::write(&p, &body).unwrap();
        let block = read_header_block(&p, &HeaderLimits::default(), all).unwrap();
        assert_eq!(block.headers.get("Name"), Some("x"));
        assert_eq!(block.headers.get("Version"), Some("1"));
        assert!(block.problems.is_empty(), "{:?}", block.problems);
    }

    #[test]
    fn hostile_header_blocks_still_give_the_name() {
        let limits = HeaderLimits {
            max_block: 4096,
            max_line: 64,
            max_kept: 256,
        };
        let read = |bytes: &[u8]| {
            read_header_block_from(bytes, &limits, |k, _| {
                k.eq_ignore_ascii_case("Name") || k.eq_ignore_ascii_case("Version")
            })
            .unwrap()
        };
        // One invalid byte: decoded with a replacement character, reported.
        let b = read(b"Name: litellm\nSummary: caf\xe9\nVersion: 1.82.7\n\n");
        assert_eq!(b.headers.get("Name"), Some("litellm"));
        assert_eq!(b.headers.get("Version"), Some("1.82.7"));
        assert!(b.problems[0].contains("UTF-8"), "{:?}", b.problems);
        // Padding headers that are not kept cost no memory and do not hide Name.
        let mut padded = b"Version: 1.82.7\n".to_vec();
        padded.extend("X-Pad: yyyyyyyyyyyyyyyyyyyy\n".repeat(100).as_bytes());
        padded.extend(b"Name: litellm\n\nbody");
        let b = read(&padded);
        assert_eq!(b.headers.get("Name"), Some("litellm"));
        // A long line is cut, not kept whole.
        let long = format!("Name: {}\nVersion: 1\n", "n".repeat(500));
        let b = read(long.as_bytes());
        assert_eq!(b.headers.get("Name").map(str::len), Some(58));
        assert_eq!(b.headers.get("Version"), Some("1"));
        assert!(b.problems.iter().any(|p| p.contains("longer than")));
        // A block past the scan bound: what came before is kept, and said.
        let huge = format!("Name: a\n{}", "X-Pad: y\n".repeat(1000));
        let b = read(huge.as_bytes());
        assert_eq!(b.headers.get("Name"), Some("a"));
        assert!(b.problems.iter().any(|p| p.contains("larger than 4096")));
    }

    #[test]
    fn requires_txt_sections_become_markers() {
        let text = "requests>=2\n\n[:python_version >= \"3\"]\nidna\n\n[socks]\nPySocks\n\n[win:sys_platform == \"win32\"]\npywin32\nfoo @ https://x/y.zip\n";
        assert_eq!(
            requires_txt_to_requires_dist(text),
            [
                "requests>=2",
                "idna; python_version >= \"3\"",
                "PySocks; extra == \"socks\"",
                "pywin32; (sys_platform == \"win32\") and extra == \"win\"",
                "foo @ https://x/y.zip ; (sys_platform == \"win32\") and extra == \"win\"",
            ]
        );
    }

    #[test]
    fn direct_url_kinds() {
        let d = parse_direct_url(r#"{"url": "file:///src/p", "dir_info": {"editable": true}}"#)
            .unwrap();
        assert!(d.editable);
        let d = parse_direct_url(
            r#"{"url": "https://github.com/a/b.git", "vcs_info": {"vcs": "git", "commit_id": "abc", "requested_revision": "v1"}}"#,
        )
        .unwrap();
        assert_eq!(
            (d.vcs.as_deref(), d.commit_id.as_deref()),
            (Some("git"), Some("abc"))
        );
        let d = parse_direct_url(
            r#"{"url": "https://x/p.whl", "archive_info": {"hashes": {"sha256": "00ff"}}}"#,
        )
        .unwrap();
        assert_eq!(d.archive_hash.as_deref(), Some("sha256=00ff"));
        assert!(parse_direct_url("{").unwrap_err().contains("invalid"));
        assert!(parse_direct_url("{}").unwrap_err().contains("url"));
    }

    #[test]
    fn bad_metadata_names_the_file() {
        let t = tempfile::tempdir().unwrap();
        // No version in the folder name: nothing to fall back on.
        let d = t.path().join("x.dist-info");
        fs::create_dir_all(&d).unwrap();
        let e = InstalledDist::read(&d, MetadataFormat::DistInfo).unwrap_err();
        assert_eq!(e.path, d);
        fs::write(d.join("METADATA"), "Version: 1\n").unwrap();
        let e = InstalledDist::read(&d, MetadataFormat::DistInfo).unwrap_err();
        assert_eq!(e.path, d.join("METADATA"));
        assert!(e.message.contains("Name"));
    }

    #[test]
    fn unreadable_metadata_falls_back_on_the_folder_name() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("litellm-1.82.7.dist-info");
        fs::create_dir_all(&d).unwrap();
        let dist = InstalledDist::read(&d, MetadataFormat::DistInfo).unwrap();
        assert_eq!(
            (dist.name.as_str(), dist.version.as_str()),
            ("litellm", "1.82.7")
        );
        assert_eq!(dist.problems.len(), 1);
        assert!(dist.problems[0].message.contains("no METADATA"));
        assert!(dist.problems[0].message.contains("folder name"));
        fs::write(d.join("METADATA"), "Version: 9\nSummary: no name\n").unwrap();
        let dist = InstalledDist::read(&d, MetadataFormat::DistInfo).unwrap();
        assert_eq!(dist.version, "1.82.7");
        assert_eq!(dist.problems[0].path, d.join("METADATA"));
        assert_eq!(
            name_version_from_folder(Path::new("x/foo_bar-2.0-py3.11.egg-info")),
            Some(("foo_bar".into(), "2.0".into()))
        );
        assert_eq!(name_version_from_folder(Path::new("x/EGG-INFO")), None);
    }

    #[test]
    fn a_fifo_is_not_opened() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("x-1.dist-info");
        fs::create_dir_all(&d).unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(d.join("METADATA"))
            .status()
            .unwrap();
        assert!(status.success());
        // Returns at once (no writer would ever come) and says what it is.
        let dist = InstalledDist::read(&d, MetadataFormat::DistInfo).unwrap();
        assert_eq!(dist.name, "x");
        assert!(
            dist.problems[0].message.contains("FIFO"),
            "{}",
            dist.problems[0].message
        );
    }

    #[test]
    fn license_choice() {
        let h = Headers::parse("License: MIT\nLicense-Expression: Apache-2.0\n");
        assert_eq!(license(&h).as_deref(), Some("Apache-2.0"));
        let long = format!(
            "License: {}\nClassifier: License :: OSI Approved :: BSD License\n",
            "x".repeat(500)
        );
        assert_eq!(
            license(&Headers::parse(&long)).as_deref(),
            Some("BSD License")
        );
    }

    proptest::proptest! {
        #[test]
        fn metadata_parsers_never_panic(text in "(?s).{0,300}") {
            let h = Headers::parse(&text);
            let _ = h.get("Name");
            let _ = requires_txt_to_requires_dist(&text);
            let _ = parse_direct_url(&text);
        }
    }
}
