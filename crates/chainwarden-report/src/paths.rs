//! Paths as reports show them: relative to a scan root when possible,
//! shortened for the terminal, as URIs for SARIF.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use std::path::{Component as PathPart, Path, PathBuf};

/// Characters escaped in a URI path (RFC 3986 `pchar` plus `/`).
const URI_PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// `path` relative to the first root that contains it, with `/` separators.
/// A root that is itself a file (a lockfile given directly) counts from its
/// folder. `None` when no root contains the path.
pub(crate) fn relative_to_roots(path: &Path, roots: &[PathBuf]) -> Option<(usize, String)> {
    roots.iter().enumerate().find_map(|(i, root)| {
        // A relative path under the root `.` is already relative to it.
        let rel = if root == Path::new(".") && path.is_relative() {
            path
        } else {
            path.strip_prefix(root).ok()?
        };
        let rel = if rel.as_os_str().is_empty() {
            // The root is the file itself.
            PathBuf::from(path.file_name()?)
        } else {
            rel.to_path_buf()
        };
        let parts: Option<Vec<String>> = rel
            .components()
            .map(|c| match c {
                PathPart::Normal(s) => Some(s.to_string_lossy().into_owned()),
                PathPart::CurDir => Some(String::new()),
                _ => None,
            })
            .collect();
        let joined: Vec<String> = parts?.into_iter().filter(|p| !p.is_empty()).collect();
        // `..` was refused above: a relative path never leaves its root.
        (!joined.is_empty()).then(|| (i, joined.join("/")))
    })
}

/// The folder a root's relative paths count from (the root, or the folder of
/// a root that is a file), as a `file://` URI ending in `/`; `None` for a
/// relative root, which has no URI of its own.
pub(crate) fn root_base_uri(root: &Path, root_is_file: bool) -> Option<String> {
    let base = if root_is_file { root.parent()? } else { root };
    if !base.is_absolute() {
        return None;
    }
    let mut uri = file_uri(base);
    if !uri.ends_with('/') {
        uri.push('/');
    }
    Some(uri)
}

/// An absolute path as a `file://` URI; a relative one as a relative URI.
pub(crate) fn file_uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let encoded = encode_uri_path(&text);
    if path.is_absolute() {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

/// Percent-encodes a `/`-separated relative path for a URI reference.
pub(crate) fn encode_uri_path(path: &str) -> String {
    utf8_percent_encode(path, URI_PATH).to_string()
}

/// Shortens `text` to at most `max` characters by cutting its middle at
/// path separators where possible: `/very/long/…/site-packages/x.pth`.
pub(crate) fn shorten_middle(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max || max < 5 {
        return text.to_string();
    }
    if max < 32 {
        // Too short for both ends: the end (the file name) says the most.
        let chars: Vec<char> = text.chars().collect();
        let tail: String = chars[count - (max - 1)..].iter().collect();
        let tail = match tail.find('/') {
            Some(pos) if pos < tail.len() / 2 => tail[pos..].to_string(),
            _ => tail,
        };
        return format!("…{tail}");
    }
    let keep_tail = (max - 1) * 2 / 3;
    let keep_head = max - 1 - keep_tail;
    let chars: Vec<char> = text.chars().collect();
    let mut tail: String = chars[count - keep_tail..].iter().collect();
    // Start the tail at a separator, if one is near, so a name stays whole.
    if let Some(pos) = tail.find('/')
        && pos < keep_tail / 2
    {
        tail = tail[pos..].to_string();
    }
    let head: String = chars[..keep_head].iter().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_against_folder_and_file_roots() {
        let roots = vec![PathBuf::from("/scan"), PathBuf::from("/other/uv.lock")];
        assert_eq!(
            relative_to_roots(Path::new("/scan/site-packages/a b.pth"), &roots),
            Some((0, "site-packages/a b.pth".to_string()))
        );
        assert_eq!(
            relative_to_roots(Path::new("/other/uv.lock"), &roots),
            Some((1, "uv.lock".to_string()))
        );
        assert_eq!(relative_to_roots(Path::new("/elsewhere/x"), &roots), None);
        let dot = vec![PathBuf::from(".")];
        assert_eq!(
            relative_to_roots(Path::new("site-packages/x.pth"), &dot),
            Some((0, "site-packages/x.pth".to_string()))
        );
        assert_eq!(
            relative_to_roots(Path::new("./a/x.pth"), &dot),
            Some((0, "a/x.pth".to_string()))
        );
        assert_eq!(relative_to_roots(Path::new("../x.pth"), &dot), None);
        assert_eq!(
            relative_to_roots(Path::new("/scan"), &roots[..1]),
            Some((0, "scan".into()))
        );
    }

    #[test]
    fn uris_are_encoded() {
        assert_eq!(file_uri(Path::new("/a b/c#d.py")), "file:///a%20b/c%23d.py");
        assert_eq!(file_uri(Path::new("rel/x.py")), "rel/x.py");
        assert_eq!(
            root_base_uri(Path::new("/work/proj/uv.lock"), true).as_deref(),
            Some("file:///work/proj/")
        );
        assert_eq!(root_base_uri(Path::new("proj"), false), None);
    }

    #[test]
    fn shortening_keeps_both_ends() {
        let p = "/work/shared/fixtures/litellm-1.82.8/site-packages/litellm_init.pth";
        let s = shorten_middle(p, 40);
        assert!(s.chars().count() <= 40, "{s}");
        assert!(
            s.starts_with("/work") && s.ends_with("/litellm_init.pth"),
            "{s}"
        );
        assert_eq!(shorten_middle("short", 40), "short");
        let narrow = shorten_middle("site-packages/litellm-1.82.8.dist-info", 25);
        assert_eq!(narrow, "…litellm-1.82.8.dist-info");
        assert!(narrow.chars().count() <= 25);
    }
}
