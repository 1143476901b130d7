//! Package URLs (purl), per the purl specification and its type rules.

use crate::Ecosystem;
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// Characters percent-encoded in a purl segment: everything but unreserved
/// characters (RFC 3986) — `:` is allowed unencoded in versions by the spec's
/// examples, but encoding it is equally valid and unambiguous.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(b'+')
    .add(b'!')
    .add(b'&')
    .add(b'=')
    .add(b',')
    .add(b';')
    .add(b'\'');

fn enc(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// Builds `pkg:<type>/<namespace>/<name>@<version>` for a package.
///
/// Type rules applied: PyPI names lower-cased with `_` → `-`; npm scopes become
/// the namespace (`@scope` → `%40scope`); GitHub Actions `owner/repo/path`
/// become namespace `owner`, name `repo` and a subpath.
pub fn purl(ecosystem: Ecosystem, name: &str, version: Option<&str>) -> String {
    let ty = ecosystem.purl_type();
    let (namespace, name, subpath) = match ecosystem {
        Ecosystem::PyPI => (None, name.to_ascii_lowercase().replace('_', "-"), None),
        Ecosystem::Npm => match name.split_once('/') {
            Some((scope, n)) if scope.starts_with('@') => {
                (Some(scope.to_string()), n.to_string(), None)
            }
            _ => (None, name.to_string(), None),
        },
        Ecosystem::GitHubActions => {
            let mut parts = name.splitn(3, '/');
            let owner = parts.next().unwrap_or_default().to_string();
            let repo = parts.next().unwrap_or_default().to_string();
            let sub = parts.next().map(str::to_string);
            (Some(owner), repo, sub)
        }
        Ecosystem::CratesIo | Ecosystem::Oci => (None, name.to_string(), None),
    };
    if ecosystem == Ecosystem::Oci {
        return oci_purl(&name, version);
    }
    let mut out = format!("pkg:{ty}/");
    if let Some(ns) = namespace {
        out.push_str(&enc(&ns));
        out.push('/');
    }
    out.push_str(&enc(&name));
    if let Some(v) = version.filter(|v| !v.is_empty()) {
        out.push('@');
        out.push_str(&enc(v));
    }
    if let Some(sub) = subpath.filter(|s| !s.is_empty()) {
        out.push('#');
        let segs: Vec<String> = sub
            .split('/')
            .filter(|s| !s.is_empty() && *s != "." && *s != "..")
            .map(enc)
            .collect();
        out.push_str(&segs.join("/"));
    }
    out
}

/// OCI purls carry only the digest as version; the image's last path segment
/// is the name, the registry and repository go in `repository_url`, a tag in `tag`.
fn oci_purl(image: &str, version: Option<&str>) -> String {
    let (repo_url, name) = match image.rsplit_once('/') {
        Some((_, n)) => (Some(image), n),
        None => (None, image),
    };
    let mut out = format!("pkg:oci/{}", enc(&name.to_ascii_lowercase()));
    let mut qualifiers = Vec::new();
    match version.filter(|v| !v.is_empty()) {
        Some(v) if v.starts_with("sha256:") => {
            out.push('@');
            out.push_str(&enc(v).replace(':', "%3A"));
        }
        Some(tag) => qualifiers.push(format!("tag={}", enc(tag))),
        None => {}
    }
    if let Some(url) = repo_url {
        // The spec's own examples leave `/` unencoded in qualifier values.
        let url: Vec<String> = url.split('/').map(enc).collect();
        qualifiers.insert(0, format!("repository_url={}", url.join("/")));
    }
    if !qualifiers.is_empty() {
        out.push('?');
        out.push_str(&qualifiers.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_examples() {
        assert_eq!(
            purl(Ecosystem::PyPI, "django_allauth", Some("12.23")),
            "pkg:pypi/django-allauth@12.23"
        );
        assert_eq!(
            purl(Ecosystem::Npm, "@angular/animation", Some("12.3.1")),
            "pkg:npm/%40angular/animation@12.3.1"
        );
        assert_eq!(
            purl(Ecosystem::Npm, "foobar", Some("12.3.1")),
            "pkg:npm/foobar@12.3.1"
        );
        assert_eq!(
            purl(Ecosystem::CratesIo, "rand", Some("0.7.2")),
            "pkg:cargo/rand@0.7.2"
        );
        assert_eq!(
            purl(
                Ecosystem::GitHubActions,
                "github/codeql-action/init",
                Some("v3")
            ),
            "pkg:githubactions/github/codeql-action@v3#init"
        );
    }

    #[test]
    fn oci_images() {
        assert_eq!(
            purl(Ecosystem::Oci, "alpine", Some("3.20")),
            "pkg:oci/alpine?tag=3.20"
        );
        assert_eq!(
            purl(
                Ecosystem::Oci,
                "ghcr.io/github/github-mcp-server",
                Some("sha256:ab")
            ),
            "pkg:oci/github-mcp-server@sha256%3Aab?repository_url=ghcr.io/github/github-mcp-server"
        );
    }

    #[test]
    fn versions_with_reserved_characters_are_encoded() {
        assert_eq!(
            purl(Ecosystem::PyPI, "torch", Some("2.4.0+cpu")),
            "pkg:pypi/torch@2.4.0%2Bcpu"
        );
        assert_eq!(purl(Ecosystem::PyPI, "x", None), "pkg:pypi/x");
    }
}
