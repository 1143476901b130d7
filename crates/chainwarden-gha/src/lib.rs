//! GitHub Actions: every `uses:` in a workflow (`.github/workflows/*.yml`) or
//! an action (`action.yml`) becomes a component, so it can be matched against
//! advisories (ecosystem "GitHub Actions") and checked by the pinning policy.
//!
//! The collector records what the reference is (`ref-kind`: a full commit
//! SHA, a tag or branch, an image digest…); it judges nothing. Policy decides.

mod actions_lock;
mod uses;

pub use actions_lock::{ActionsLock, LockState};

pub use uses::{RefKind, Uses, parse_uses};

use chainwarden_core::discover::FileKind;
use chainwarden_core::fsutil::read_text;
use chainwarden_core::inventory::{Collected, InputError};
use chainwarden_core::{Component, Ecosystem, Location, Package, Source, SourceKind};
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::path::Path;

/// Workflow and action files are small; anything larger is not one.
const MAX_FILE: u64 = 4 * 1024 * 1024;

#[derive(Debug, Default, Deserialize)]
struct Workflow {
    #[serde(default)]
    jobs: BTreeMap<String, Job>,
}

#[derive(Debug, Default, Deserialize)]
struct Job {
    /// A reusable workflow call.
    uses: Option<Spanned<String>>,
    #[serde(default)]
    steps: Vec<Step>,
}

#[derive(Debug, Default, Deserialize)]
struct Step {
    uses: Option<Spanned<String>>,
    name: Option<String>,
    id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Action {
    runs: Option<Runs>,
}

#[derive(Debug, Default, Deserialize)]
struct Runs {
    using: Option<String>,
    image: Option<Spanned<String>>,
    #[serde(default)]
    steps: Vec<Step>,
}

/// One `uses:` found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsesSite {
    pub uses: Uses,
    pub line: u32,
    /// `job <id>` / `job <id>, step <name>` / `action step <name>`.
    pub context: String,
}

/// The first line of a YAML error ("line L column C: what"); the snippet after it is noise in a report.
fn first_line(e: serde_saphyr::Error) -> String {
    e.to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_string()
}

fn step_label(step: &Step, index: usize) -> String {
    step.name
        .clone()
        .or_else(|| step.id.clone())
        .unwrap_or_else(|| format!("#{}", index + 1))
}

/// Parses a workflow or action file into its `uses:` sites.
pub fn uses_sites(kind: FileKind, text: &str) -> Result<Vec<UsesSite>, String> {
    let mut out = Vec::new();
    let mut push = |raw: &Spanned<String>, context: String| {
        out.push(UsesSite {
            uses: parse_uses(&raw.value),
            line: raw.referenced.line() as u32,
            context,
        });
    };
    match kind {
        FileKind::Action => {
            let action: Action = serde_saphyr::from_str(text).map_err(first_line)?;
            if let Some(runs) = action.runs {
                if runs.using.as_deref() == Some("docker")
                    && let Some(image) = &runs.image
                    && image.value.starts_with("docker://")
                {
                    push(image, "action image".to_string());
                }
                for (i, step) in runs.steps.iter().enumerate() {
                    if let Some(u) = &step.uses {
                        push(u, format!("action step {}", step_label(step, i)));
                    }
                }
            }
        }
        _ => {
            let wf: Workflow = serde_saphyr::from_str(text).map_err(first_line)?;
            for (job_id, job) in &wf.jobs {
                if let Some(u) = &job.uses {
                    push(u, format!("job {job_id}"));
                }
                for (i, step) in job.steps.iter().enumerate() {
                    if let Some(u) = &step.uses {
                        push(u, format!("job {job_id}, step {}", step_label(step, i)));
                    }
                }
            }
        }
    }
    out.sort_by_key(|s| s.line);
    Ok(out)
}

/// Collects one workflow or action file.
pub fn collect(kind: FileKind, path: &Path) -> Result<Collected, InputError> {
    let text = read_text(path, MAX_FILE).map_err(|e| InputError::new(path, e.to_string()))?;
    let sites = uses_sites(kind, &text)
        .map_err(|e| InputError::new(path, format!("not a valid workflow or action: {e}")))?;
    let format = if kind == FileKind::Action {
        "action.yml"
    } else {
        "workflow"
    };
    // A workflow onboarded to GitHub's lockfile runs the locked commits, whatever its refs say.
    let lock = match kind {
        FileKind::Workflow => actions_lock::lock_for_workflow(path).and_then(|(lock_path, rel)| {
            let text = read_text(&lock_path, MAX_FILE).ok()?;
            Some((ActionsLock::parse(&text), rel, lock_path))
        }),
        _ => None,
    };
    let mut lock_error = None;
    let mut components = Vec::new();
    for site in sites {
        // The display name is the name as written, without the ref: the
        // version column (and `name@version` labels) carry the ref.
        let (ecosystem, name, display, version) = match &site.uses {
            Uses::Local { .. } => continue,
            Uses::Docker {
                image, reference, ..
            } => (
                Ecosystem::Oci,
                image.clone(),
                image.clone(),
                reference.clone().unwrap_or_default(),
            ),
            Uses::Repo {
                owner,
                repo,
                path,
                git_ref,
                ..
            } => (
                Ecosystem::GitHubActions,
                format!("{owner}/{repo}"),
                match path {
                    Some(p) => format!("{owner}/{repo}/{p}"),
                    None => format!("{owner}/{repo}"),
                },
                git_ref.clone(),
            ),
        };
        let mut c = Component::new(
            Package::new(ecosystem, &name, &version),
            display,
            Location {
                path: path.to_path_buf(),
                line: Some(site.line),
                detail: Some(site.context.clone()),
            },
        );
        c.direct = Some(true);
        c.properties
            .insert("uses".into(), site.uses.raw().to_string());
        c.properties
            .insert("ref-kind".into(), site.uses.ref_kind().as_str().into());
        if let Uses::Repo { path: Some(p), .. } = &site.uses {
            c.properties.insert("path".into(), p.clone());
        }
        if let Uses::Repo {
            reusable_workflow: true,
            ..
        } = &site.uses
        {
            c.properties
                .insert("reusable-workflow".into(), "true".into());
        }
        if let Some((parsed, rel, lock_path)) = &lock
            && matches!(site.uses, Uses::Repo { .. })
        {
            match parsed {
                Ok(l) => match l.state(rel, site.uses.raw()) {
                    LockState::NotOnboarded => {}
                    LockState::Locked(commit) => {
                        c.properties.insert("actions-lock".into(), "locked".into());
                        c.properties.insert("locked-commit".into(), commit);
                    }
                    LockState::Missing => {
                        c.properties.insert("actions-lock".into(), "missing".into());
                    }
                },
                Err(e) => {
                    lock_error = Some(InputError::new(
                        lock_path,
                        format!("not a valid actions.lock: {e}"),
                    ))
                }
            }
        }
        components.push(c);
    }
    if let Some(e) = lock_error {
        return Err(e);
    }
    Ok(Collected {
        source: Source::new(SourceKind::Workflow, path, format),
        components,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKFLOW: &str = r#"
name: ci
on: [push]
jobs:
  scan:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - name: Run Trivy
        uses: aquasecurity/trivy-action@0.28.0
        with:
          scan-type: fs
      - uses: ./.github/actions/local
      - uses: docker://alpine:3.20
      - name: codeql
        uses: "github/codeql-action/init@v3"
      - run: 'echo "uses: not/an-action@v1"'
  release:
    uses: octo-org/shared/.github/workflows/release.yml@main
"#;

    #[test]
    fn every_uses_with_its_line() {
        let sites = uses_sites(FileKind::Workflow, WORKFLOW).unwrap();
        let got: Vec<(u32, &str, &str)> = sites
            .iter()
            .map(|s| (s.line, s.uses.raw(), s.uses.ref_kind().as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    8,
                    "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683",
                    "commit-sha"
                ),
                (10, "aquasecurity/trivy-action@0.28.0", "tag-or-branch"),
                (13, "./.github/actions/local", "local"),
                (14, "docker://alpine:3.20", "image-tag"),
                (16, "github/codeql-action/init@v3", "tag-or-branch"),
                (
                    19,
                    "octo-org/shared/.github/workflows/release.yml@main",
                    "tag-or-branch"
                ),
            ]
        );
        assert_eq!(sites[1].context, "job scan, step Run Trivy");
    }

    #[test]
    fn collect_makes_components_and_skips_local() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ci.yml");
        std::fs::write(&p, WORKFLOW).unwrap();
        let c = collect(FileKind::Workflow, &p).unwrap();
        let names: Vec<String> = c.components.iter().map(|c| c.package.purl()).collect();
        assert_eq!(
            names,
            [
                "pkg:githubactions/actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683",
                "pkg:githubactions/aquasecurity/trivy-action@0.28.0",
                "pkg:oci/alpine?tag=3.20",
                "pkg:githubactions/github/codeql-action@v3",
                "pkg:githubactions/octo-org/shared@main",
            ]
        );
        assert_eq!(
            c.components[3].properties.get("path").map(String::as_str),
            Some("init")
        );
        // The name as written, without the ref (the version carries it).
        let display: Vec<(&str, &str)> = c
            .components
            .iter()
            .map(|c| (c.display_name.as_str(), c.package.version.as_str()))
            .collect();
        assert_eq!(
            display,
            [
                (
                    "actions/checkout",
                    "11bd71901bbe5b1630ceea73d27597364c9af683"
                ),
                ("aquasecurity/trivy-action", "0.28.0"),
                ("alpine", "3.20"),
                ("github/codeql-action/init", "v3"),
                ("octo-org/shared/.github/workflows/release.yml", "main"),
            ]
        );
    }

    #[test]
    fn composite_action_steps_and_docker_image() {
        let action = "name: x\nruns:\n  using: composite\n  steps:\n    - uses: actions/setup-python@v5\n      with: {python-version: '3.12'}\n";
        let sites = uses_sites(FileKind::Action, action).unwrap();
        assert_eq!(sites.len(), 1);
        assert_eq!(sites[0].line, 5);
        let docker = "runs:\n  using: docker\n  image: docker://ghcr.io/o/i@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n";
        let sites = uses_sites(FileKind::Action, docker).unwrap();
        assert_eq!(sites[0].uses.ref_kind(), RefKind::ImageDigest);
    }

    #[test]
    fn actions_lock_marks_locked_and_missing_uses() {
        let dir = tempfile::tempdir().unwrap();
        let wf_dir = dir.path().join(".github/workflows");
        std::fs::create_dir_all(&wf_dir).unwrap();
        let wf = wf_dir.join("ci.yml");
        std::fs::write(&wf, "jobs:\n  a:\n    steps:\n      - uses: actions/checkout@v6.0.2\n      - uses: aquasecurity/trivy-action@0.28.0\n").unwrap();
        std::fs::write(
            wf_dir.join("actions.lock"),
            "version: 'v0.0.2'\nworkflows:\n  '.github/workflows/ci.yml':\n    - 'actions/checkout@v6.0.2'\ndependencies:\n  'actions/checkout@v6.0.2':\n    ref: 'v6.0.2'\n    commit: 'sha1-de0fac2e4500dabe0009e67214ff5f5447ce83dd'\n",
        )
        .unwrap();
        let c = collect(FileKind::Workflow, &wf).unwrap();
        let lock: Vec<Option<&str>> = c
            .components
            .iter()
            .map(|c| c.properties.get("actions-lock").map(String::as_str))
            .collect();
        assert_eq!(lock, [Some("locked"), Some("missing")]);
        assert_eq!(
            c.components[0]
                .properties
                .get("locked-commit")
                .map(String::as_str),
            Some("de0fac2e4500dabe0009e67214ff5f5447ce83dd")
        );
    }

    #[test]
    fn malformed_yaml_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bad.yml");
        std::fs::write(&p, "jobs: [unclosed\n").unwrap();
        let err = collect(FileKind::Workflow, &p).unwrap_err();
        assert_eq!(err.path, p);
        assert!(
            err.message.contains("not a valid workflow"),
            "{}",
            err.message
        );
    }
}
