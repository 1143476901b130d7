//! GitHub's workflow dependency lockfile, `.github/workflows/actions.lock`
//! (written by `gh actions-lock`): for each onboarded workflow the `uses:`
//! values it may run, and for each of those the commit they are pinned to.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

pub(crate) const FILE_NAME: &str = "actions.lock";

#[derive(Debug, Default, Deserialize)]
pub struct ActionsLock {
    #[serde(default)]
    pub version: Option<String>,
    /// Workflow path (`.github/workflows/ci.yml`) → the `uses:` values it holds.
    #[serde(default)]
    pub workflows: BTreeMap<String, Vec<String>>,
    /// A `uses:` value → what it is locked to.
    #[serde(default)]
    pub dependencies: BTreeMap<String, LockedDependency>,
}

#[derive(Debug, Default, Deserialize)]
pub struct LockedDependency {
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    /// `sha1-<40 hex>` (or `sha256-<64 hex>`).
    pub commit: Option<String>,
    /// Transitive `uses:` of a composite action or reusable workflow.
    #[serde(default)]
    pub uses: Vec<String>,
}

impl LockedDependency {
    /// The locked commit as bare hex, when well-formed.
    pub fn commit_hex(&self) -> Option<&str> {
        let c = self.commit.as_deref()?;
        let hex = c
            .strip_prefix("sha1-")
            .or_else(|| c.strip_prefix("sha256-"))?;
        crate::uses::is_full_sha(hex).then_some(hex)
    }
}

/// What the lockfile says of one `uses:` in one workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockState {
    /// The workflow is not onboarded: the lockfile does not list it.
    NotOnboarded,
    /// Listed for this workflow and pinned to this commit.
    Locked(String),
    /// The workflow is onboarded but this `uses:` is not in its entry
    /// (GitHub refuses to run it; the lockfile is stale).
    Missing,
}

impl ActionsLock {
    pub fn parse(text: &str) -> Result<ActionsLock, String> {
        serde_saphyr::from_str(text)
            .map_err(|e| e.to_string().lines().next().unwrap_or_default().to_string())
    }

    /// The state of `uses` in the workflow at `workflow_rel` (a path relative to
    /// the repository root, as the lockfile keys it).
    pub fn state(&self, workflow_rel: &str, uses: &str) -> LockState {
        let Some(listed) = self.workflows.get(workflow_rel) else {
            return LockState::NotOnboarded;
        };
        if !listed.iter().any(|u| u == uses) {
            return LockState::Missing;
        }
        match self
            .dependencies
            .get(uses)
            .and_then(LockedDependency::commit_hex)
        {
            Some(hex) => LockState::Locked(hex.to_string()),
            None => LockState::Missing,
        }
    }
}

/// The lockfile beside a workflow (`<repo>/.github/workflows/actions.lock`)
/// and the workflow's path relative to the repository root.
pub(crate) fn lock_for_workflow(workflow: &Path) -> Option<(std::path::PathBuf, String)> {
    let dir = workflow.parent()?;
    let repo = dir.parent()?.parent()?;
    let rel = workflow.strip_prefix(repo).ok()?.to_str()?.to_string();
    Some((dir.join(FILE_NAME), rel))
}

#[cfg(test)]
mod tests {
    use super::*;

    // The shape of gh-actions-lock's own lockfile (format version v0.0.2).
    const LOCK: &str = "# machine-generated\nversion: 'v0.0.2'\nworkflows:\n    '.github/workflows/ci.yml':\n        - 'actions/checkout@v6.0.2'\n        - 'aquasecurity/trivy-action@0.28.0'\ndependencies:\n    'actions/checkout@v6.0.2':\n        ref: 'v6.0.2'\n        commit: 'sha1-de0fac2e4500dabe0009e67214ff5f5447ce83dd'\n        owner_id: 44036562\n        repo_id: 197814629\n    'aquasecurity/trivy-action@0.28.0':\n        ref: '0.28.0'\n        commit: 'sha1-not-a-sha'\n";

    #[test]
    fn states() {
        let lock = ActionsLock::parse(LOCK).unwrap();
        assert_eq!(lock.version.as_deref(), Some("v0.0.2"));
        assert_eq!(
            lock.state(".github/workflows/ci.yml", "actions/checkout@v6.0.2"),
            LockState::Locked("de0fac2e4500dabe0009e67214ff5f5447ce83dd".into())
        );
        assert_eq!(
            lock.state(".github/workflows/ci.yml", "actions/setup-go@v6"),
            LockState::Missing
        );
        assert_eq!(
            lock.state(
                ".github/workflows/ci.yml",
                "aquasecurity/trivy-action@0.28.0"
            ),
            LockState::Missing,
            "a malformed commit pins nothing"
        );
        assert_eq!(
            lock.state(".github/workflows/other.yml", "actions/checkout@v6.0.2"),
            LockState::NotOnboarded
        );
    }

    #[test]
    fn finds_the_lock_beside_a_workflow() {
        let (lock, rel) = lock_for_workflow(Path::new("/repo/.github/workflows/ci.yml")).unwrap();
        assert_eq!(lock, Path::new("/repo/.github/workflows/actions.lock"));
        assert_eq!(rel, ".github/workflows/ci.yml");
    }
}
