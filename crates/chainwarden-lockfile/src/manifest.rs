//! Direct requirements from the manifest beside a lockfile.
//!
//! `poetry.lock`, `pdm.lock` and `Pipfile.lock` do not say which packages
//! the project asks for; the `pyproject.toml` / `Pipfile` next to them
//! does. Only a regular file (never a symlink) in the same folder is read,
//! bounded like a lockfile; a missing or unreadable manifest leaves
//! `direct` unknown rather than failing the lockfile.

use crate::common::parse_requirement;
use chainwarden_core::Component;
use chainwarden_core::fsutil;
use chainwarden_core::package::pep503;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Reads a sibling manifest as TOML, if it is a regular file.
fn sibling_toml(lock_path: &Path, name: &str) -> Option<(PathBuf, toml::Table)> {
    let path = lock_path.with_file_name(name);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.file_type().is_file() {
        return None;
    }
    let text = fsutil::read_text(&path, crate::MAX_LOCKFILE_BYTES).ok()?;
    let table = toml::from_str::<toml::Table>(&text).ok()?;
    Some((path, table))
}

fn get<'a>(t: &'a toml::Table, keys: &[&str]) -> Option<&'a toml::Value> {
    let (first, rest) = keys.split_first()?;
    let mut v = t.get(*first)?;
    for k in rest {
        v = v.as_table()?.get(*k)?;
    }
    Some(v)
}

/// Names from an array of PEP 508 strings (table items such as
/// `{ include-group = "x" }` are skipped).
fn requirement_names(v: Option<&toml::Value>, out: &mut BTreeSet<String>) {
    for item in v.and_then(toml::Value::as_array).into_iter().flatten() {
        if let Some(r) = item.as_str().and_then(parse_requirement) {
            out.insert(r.name);
        }
    }
}

/// Names from a table of arrays of PEP 508 strings.
fn requirement_table_names(v: Option<&toml::Value>, out: &mut BTreeSet<String>) {
    for list in v
        .and_then(toml::Value::as_table)
        .into_iter()
        .flat_map(|t| t.values())
    {
        requirement_names(Some(list), out);
    }
}

/// Keys of a Poetry dependency table, without `python`.
fn key_names(v: Option<&toml::Value>, out: &mut BTreeSet<String>) {
    for k in v
        .and_then(toml::Value::as_table)
        .into_iter()
        .flat_map(|t| t.keys())
    {
        if k != "python" {
            out.insert(pep503(k));
        }
    }
}

/// The project's own requirements from `pyproject.toml`: PEP 621
/// dependencies and extras, PEP 735 groups, Poetry and PDM tables.
pub(crate) fn pyproject_requirements(lock_path: &Path) -> Option<(PathBuf, BTreeSet<String>)> {
    let (path, t) = sibling_toml(lock_path, "pyproject.toml")?;
    let mut names = BTreeSet::new();
    requirement_names(get(&t, &["project", "dependencies"]), &mut names);
    requirement_table_names(get(&t, &["project", "optional-dependencies"]), &mut names);
    requirement_table_names(get(&t, &["dependency-groups"]), &mut names);
    requirement_table_names(get(&t, &["tool", "pdm", "dev-dependencies"]), &mut names);
    key_names(get(&t, &["tool", "poetry", "dependencies"]), &mut names);
    key_names(get(&t, &["tool", "poetry", "dev-dependencies"]), &mut names);
    let groups = get(&t, &["tool", "poetry", "group"]).and_then(toml::Value::as_table);
    for g in groups.into_iter().flat_map(|g| g.values()) {
        key_names(g.as_table().and_then(|g| g.get("dependencies")), &mut names);
    }
    // A project's extras may name the project itself (`demo[socks]`).
    if let Some(own) = get(&t, &["project", "name"]).and_then(toml::Value::as_str) {
        names.remove(&pep503(own));
    }
    Some((path, names))
}

/// The `[packages]` and `[dev-packages]` names of a `Pipfile`.
pub(crate) fn pipfile_requirements(lock_path: &Path) -> Option<(PathBuf, BTreeSet<String>)> {
    let (path, t) = sibling_toml(lock_path, "Pipfile")?;
    let mut names = BTreeSet::new();
    key_names(t.get("packages"), &mut names);
    key_names(t.get("dev-packages"), &mut names);
    Some((path, names))
}

/// Marks components named by the manifest direct and the others not. A
/// manifest naming nothing the lockfile holds is taken to belong to
/// something else, and changes nothing. Returns whether it was applied.
pub(crate) fn apply_direct(components: &mut [Component], names: &BTreeSet<String>) -> bool {
    if !components.iter().any(|c| names.contains(&c.package.name)) {
        return false;
    }
    for c in components {
        c.direct = Some(names.contains(&c.package.name));
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_requirement_table() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            r#"
[project]
name = "Demo"
dependencies = ["Requests[socks]>=2; python_version > '3'", "rich"]
[project.optional-dependencies]
all = ["demo[extra]", "PyYAML"]
[dependency-groups]
dev = ["pytest", { include-group = "lint" }]
lint = ["ruff"]
[tool.poetry.dependencies]
python = "^3.9"
Click = "^8"
[tool.poetry.group.docs.dependencies]
mkdocs = "*"
[tool.pdm.dev-dependencies]
test = ["coverage"]
"#,
        )
        .unwrap();
        let (_, names) = pyproject_requirements(&dir.path().join("poetry.lock")).unwrap();
        let want = [
            "click", "coverage", "mkdocs", "pytest", "pyyaml", "requests", "rich", "ruff",
        ];
        assert_eq!(names.iter().map(String::as_str).collect::<Vec<_>>(), want);
    }

    #[test]
    fn symlinked_or_broken_manifests_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("pyproject.toml");
        std::fs::write(&target, "[project]\ndependencies = [\"x\"]\n").unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join("pyproject.toml")).unwrap();
        assert!(pyproject_requirements(&dir.path().join("pdm.lock")).is_none());
        std::fs::write(outside.path().join("Pipfile"), "[packages\n").unwrap();
        assert!(pipfile_requirements(&outside.path().join("Pipfile.lock")).is_none());
    }
}
