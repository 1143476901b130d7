//! The grammar of a `uses:` value, per GitHub's workflow syntax:
//! `{owner}/{repo}[/{path}]@{ref}`, `./{path}` (workspace-relative),
//! `$/{path}` (self-repository, GitHub 2026-07-30), `docker://{image}`.

use chainwarden_core::oci::{is_digest, split_image};

/// What kind of reference pins the code that runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    /// A full 40-hex commit SHA: immutable.
    CommitSha,
    /// Anything else after `@` (a tag, a branch, a short SHA): can be moved.
    TagOrBranch,
    /// No `@ref` at all (invalid for remote actions).
    Missing,
    /// A docker image pinned by `@sha256:` digest.
    ImageDigest,
    /// A docker image by tag (or no tag = `latest`): can be moved.
    ImageTag,
    /// An action or reusable workflow of the same repository (`./…` or
    /// `$/…`): pinned by the repository itself.
    Local,
}

impl RefKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RefKind::CommitSha => "commit-sha",
            RefKind::TagOrBranch => "tag-or-branch",
            RefKind::Missing => "missing",
            RefKind::ImageDigest => "image-digest",
            RefKind::ImageTag => "image-tag",
            RefKind::Local => "local",
        }
    }

    /// Is the code this reference names immutable?
    pub fn is_pinned(self) -> bool {
        matches!(
            self,
            RefKind::CommitSha | RefKind::ImageDigest | RefKind::Local
        )
    }
}

/// A parsed `uses:` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uses {
    Repo {
        raw: String,
        owner: String,
        repo: String,
        /// Sub-folder of a multi-action repository (`github/codeql-action/init`).
        path: Option<String>,
        git_ref: String,
        /// `owner/repo/.github/workflows/x.yml@ref`.
        reusable_workflow: bool,
    },
    Docker {
        raw: String,
        image: String,
        /// The tag or `sha256:` digest, if given.
        reference: Option<String>,
    },
    Local {
        raw: String,
    },
}

impl Uses {
    pub fn raw(&self) -> &str {
        match self {
            Uses::Repo { raw, .. } | Uses::Docker { raw, .. } | Uses::Local { raw } => raw,
        }
    }

    pub fn ref_kind(&self) -> RefKind {
        match self {
            Uses::Local { .. } => RefKind::Local,
            Uses::Docker {
                reference: Some(r), ..
            } if is_digest(r) => RefKind::ImageDigest,
            Uses::Docker { .. } => RefKind::ImageTag,
            Uses::Repo { git_ref, .. } if git_ref.is_empty() => RefKind::Missing,
            Uses::Repo { git_ref, .. } if is_full_sha(git_ref) => RefKind::CommitSha,
            Uses::Repo { .. } => RefKind::TagOrBranch,
        }
    }
}

/// A full commit SHA: 40 hex digits (SHA-1) or 64 (SHA-256 repositories).
pub(crate) fn is_full_sha(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Parses a `uses:` value. Never fails: odd values become a `Repo` with what
/// could be read, so policy still sees them.
pub fn parse_uses(raw: &str) -> Uses {
    let raw = raw.trim();
    // `$/…` is GitHub's self-repository form: the same commit of the same
    // repository, whatever follows (zizmor's `Uses::parse` reads it alike,
    // an `@ref` after it included).
    if raw.starts_with("./") || raw.starts_with("../") || raw.starts_with("$/") {
        return Uses::Local {
            raw: raw.to_string(),
        };
    }
    if let Some(image) = raw.strip_prefix("docker://") {
        let (image, reference) = split_image(image);
        return Uses::Docker {
            raw: raw.to_string(),
            image,
            reference,
        };
    }
    let (target, git_ref) = raw.split_once('@').unwrap_or((raw, ""));
    let mut parts = target.splitn(3, '/');
    let owner = parts.next().unwrap_or_default().to_string();
    let repo = parts.next().unwrap_or_default().to_string();
    let path = parts.next().map(str::to_string).filter(|p| !p.is_empty());
    let reusable_workflow = path
        .as_deref()
        .is_some_and(|p| p.starts_with(".github/workflows/"));
    Uses::Repo {
        raw: raw.to_string(),
        owner,
        repo,
        path,
        git_ref: git_ref.to_string(),
        reusable_workflow,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ref_kinds() {
        let k = |s: &str| parse_uses(s).ref_kind();
        assert_eq!(k("aquasecurity/trivy-action@0.28.0"), RefKind::TagOrBranch);
        assert_eq!(
            k("aquasecurity/trivy-action@6e7b7d1fd3e4fef0c5fa8cce1229c54b2c9bd0d8"),
            RefKind::CommitSha
        );
        assert_eq!(
            k("actions/checkout@11bd719"),
            RefKind::TagOrBranch,
            "a short SHA can be ambiguous"
        );
        assert_eq!(k("actions/checkout"), RefKind::Missing);
        assert_eq!(k("./local"), RefKind::Local);
        // The self-repository form (astral-sh/uv's workflows use it).
        assert_eq!(k("$/.github/workflows/build-binaries.yml"), RefKind::Local);
        assert_eq!(k("$/.github/actions/setup"), RefKind::Local);
        assert_eq!(k("$/.github/workflows/reusable.yml@tag"), RefKind::Local);
        assert_eq!(k("$x/y@v1"), RefKind::TagOrBranch, "only `$/` is the form");
        assert_eq!(k("docker://alpine"), RefKind::ImageTag);
        assert_eq!(k("docker://localhost:5000/img:1"), RefKind::ImageTag);
    }
}
