//! One installed distribution: a `*.dist-info` folder, a `*.egg-info` folder
//! or file, or an `EGG-INFO` folder inside an `.egg`, read as text.
//!
//! Only the header block of METADATA / PKG-INFO is read (the long
//! description after the first blank line is skipped); RECORD is only
//! checked for presence.

use chainwarden_core::fsutil;
use chainwarden_core::inventory::InputError;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest METADATA header block read (the body after it is never read).
const MAX_METADATA_HEAD: u64 = 4 * 1024 * 1024;
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
        let mut out: Vec<(String, String)> = Vec::new();
        // Whether the header being continued was kept.
        let mut current_kept = false;
        let mut seen_header = false;
        for line in text.lines() {
            // Only an empty line ends the block: a line of spaces inside a
            // folded value (a pasted licence text) is a continuation.
            if line.is_empty() {
                break;
            }
            if line.starts_with([' ', '\t']) {
                if !seen_header {
                    break;
                }
                if current_kept && let Some((_, value)) = out.last_mut() {
                    value.push('\n');
                    value.push_str(line.trim());
                }
                continue;
            }
            match line.split_once(':') {
                Some((key, value)) if !key.is_empty() && !key.contains(char::is_whitespace) => {
                    seen_header = true;
                    let value = value.trim();
                    current_kept = keep(key, value);
                    if current_kept {
                        out.push((key.to_string(), value.to_string()));
                    }
                }
                _ => break,
            }
        }
        Headers(out)
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

/// Reads a file up to the end of its header block (the first blank line).
pub fn read_header_block(path: &Path, limit: u64) -> Result<String, InputError> {
    let err = |m: String| InputError::new(path, m);
    let mut file = File::open(path).map_err(|e| err(e.to_string()))?;
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    let mut searched = 0usize;
    loop {
        let n = file.read(&mut chunk).map_err(|e| err(e.to_string()))?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(chunk.get(..n).unwrap_or(&[]));
        // Look for "\n\n" or "\n\r\n" from just before the new bytes.
        let from = searched.saturating_sub(2);
        if let Some(end) = blank_line(buf.get(from..).unwrap_or(&[])) {
            buf.truncate(from + end);
            break;
        }
        searched = buf.len();
        if buf.len() as u64 > limit {
            return Err(err(format!(
                "metadata header block is larger than the {limit}-byte limit"
            )));
        }
    }
    let mut text = String::from_utf8(buf).map_err(|_| err("metadata is not valid UTF-8".into()))?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// Offset just past the first `\n` that is followed by an empty line.
fn blank_line(bytes: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(p) = memchr_nl(bytes.get(i..)?) {
        let at = i + p + 1;
        match bytes.get(at..) {
            Some([b'\n', ..]) | Some([b'\r', b'\n', ..]) => return Some(at),
            _ => i = at,
        }
    }
    None
}

fn memchr_nl(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
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
    pub fn read(info_path: &Path, format: MetadataFormat) -> Result<InstalledDist, InputError> {
        let is_dir = info_path.is_dir();
        if !is_dir && !info_path.is_file() {
            return Err(InputError::new(info_path, "not a regular file or folder"));
        }
        // List the folder once instead of probing each optional file. Only
        // regular files count: opening a FIFO named METADATA would block.
        let present: Vec<String> = if is_dir {
            std::fs::read_dir(info_path)
                .map_err(|e| InputError::new(info_path, e.to_string()))?
                .flatten()
                .filter(|e| {
                    e.file_type()
                        .is_ok_and(|t| t.is_file() || (t.is_symlink() && e.path().is_file()))
                })
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        } else {
            Vec::new()
        };
        let has = |n: &str| present.iter().any(|p| p == n);
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
        let head = read_header_block(&metadata_path, MAX_METADATA_HEAD)?;
        let headers = Headers::parse_filtered(&head, |key, value| {
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
        });
        let name = match headers.get("Name") {
            Some(n) if !n.trim().is_empty() => n.trim().to_string(),
            _ => {
                return Err(InputError::new(
                    &metadata_path,
                    "metadata has no `Name` field",
                ));
            }
        };
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
        })
    }
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

    #[test]
    fn header_block_stops_at_blank_line() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("METADATA");
        let mut body = String::from("Name: x\r\nVersion: 1\r\n\r\n");
        body.push_str(&"long description\n".repeat(10_000));
        fs::write(&p, &body).unwrap();
        let head = read_header_block(&p, 1024).unwrap();
        assert_eq!(Headers::parse(&head).get("Version"), Some("1"));
        fs::write(&p, "Name: x\n".repeat(1000)).unwrap();
        let e = read_header_block(&p, 1024).unwrap_err();
        assert!(e.message.contains("larger than"), "{}", e.message);
        fs::write(&p, b"Name: \xff\n").unwrap();
        assert!(
            read_header_block(&p, 1024)
                .unwrap_err()
                .message
                .contains("UTF-8")
        );
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
        let d = t.path().join("x-1.dist-info");
        fs::create_dir_all(&d).unwrap();
        let e = InstalledDist::read(&d, MetadataFormat::DistInfo).unwrap_err();
        assert_eq!(e.path, d);
        fs::write(d.join("METADATA"), "Version: 1\n").unwrap();
        let e = InstalledDist::read(&d, MetadataFormat::DistInfo).unwrap_err();
        assert_eq!(e.path, d.join("METADATA"));
        assert!(e.message.contains("Name"));
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
        // Returns at once with an error instead of blocking on the FIFO.
        let e = InstalledDist::read(&d, MetadataFormat::DistInfo).unwrap_err();
        assert!(e.message.contains("no METADATA"), "{}", e.message);
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
