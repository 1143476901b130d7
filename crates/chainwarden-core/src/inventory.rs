//! What was found: sources (an environment, a lockfile), the components in
//! them, where each was seen, and the dependency graph between them.

use crate::Package;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Index of a [`Source`] in [`Inventory::sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SourceId(pub usize);

/// Index of a [`Component`] in [`Inventory::components`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ComponentId(pub usize);

/// What kind of thing a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// An installed Python environment (one site-packages directory).
    PythonEnvironment,
    /// An installed `node_modules` tree.
    NodeModules,
    /// A lockfile (`uv.lock`, `package-lock.json`, `Cargo.lock`, …).
    Lockfile,
    /// A manifest that may hold ranges (`requirements.txt`, `package.json`).
    Manifest,
    /// A CI workflow or composite action.
    Workflow,
    /// An MCP server configuration.
    McpConfig,
}

/// One place components were collected from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub kind: SourceKind,
    /// The site-packages folder or the file.
    pub path: PathBuf,
    /// The format read, e.g. `dist-info`, `uv.lock`, `requirements.txt`.
    pub format: String,
    /// For Python environments: the interpreter version (`3.11`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub python_version: Option<String>,
    /// Free-form facts about the source (environment root, lockfile version…).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
}

impl Source {
    pub fn new(kind: SourceKind, path: impl Into<PathBuf>, format: impl Into<String>) -> Source {
        Source {
            kind,
            path: path.into(),
            format: format.into(),
            python_version: None,
            properties: BTreeMap::new(),
        }
    }
}

/// Where a component was seen: a dist-info folder, a lockfile line, a workflow step.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    pub path: PathBuf,
    /// 1-based line, where the format has lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// What at that place, e.g. a workflow step name or `[[package]]` entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Location {
    pub fn file(path: impl Into<PathBuf>) -> Location {
        Location {
            path: path.into(),
            line: None,
            detail: None,
        }
    }

    pub fn line(path: impl Into<PathBuf>, line: u32) -> Location {
        Location {
            path: path.into(),
            line: Some(line),
            detail: None,
        }
    }
}

/// A content hash as a lockfile or RECORD states it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Hash {
    /// Lower-case algorithm name as written (`sha256`, `sha512`, `md5`).
    pub algorithm: String,
    /// Lower-case hex digest.
    pub value: String,
}

/// A package as found in one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    pub package: Package,
    /// The name exactly as written in the source (before normalisation).
    pub display_name: String,
    pub source: SourceId,
    pub locations: Vec<Location>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hashes: Vec<Hash>,
    /// `Some(true)` when declared directly (a lockfile's root requirements, or
    /// an installed distribution nothing else requires), `None` when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct: Option<bool>,
    /// Edges of the dependency graph, to components of the same source.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<ComponentId>,
    /// Free-form facts: `installer`, `editable`, `url`, `license`, `requested`…
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
}

impl Component {
    pub fn new(package: Package, display_name: impl Into<String>, location: Location) -> Component {
        Component {
            package,
            display_name: display_name.into(),
            source: SourceId(0),
            locations: vec![location],
            hashes: Vec::new(),
            direct: None,
            dependencies: Vec::new(),
            properties: BTreeMap::new(),
        }
    }
}

/// A file that could not be read or parsed. Scans go on; reports list these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputError {
    pub path: PathBuf,
    pub message: String,
}

impl InputError {
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> InputError {
        InputError {
            path: path.into(),
            message: crate::excerpt::cap_owned(message.into()),
        }
    }

    /// A file named like `format` that lacks what every such file has
    /// (`missing`): empty, truncated, or another file under that name. It is
    /// an error, never an empty source: an empty lockfile must not pass a
    /// gate as "no dependencies". `fix` says how to make a good one.
    pub fn not_a(
        path: impl Into<PathBuf>,
        format: &str,
        text: &str,
        missing: &str,
        fix: &str,
    ) -> InputError {
        let what = if text.trim().is_empty() {
            "the file is empty".to_string()
        } else {
            format!("line 1: it has no {missing}")
        };
        InputError::new(path, format!("not a valid {format}: {what}; {fix}"))
    }
}

/// What one collector found in one source: the component list uses local
/// indices (`dependencies` point into `components`), rebased on insertion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collected {
    pub source: Source,
    pub components: Vec<Component>,
}

/// Everything found under the scanned paths.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    /// The paths that were scanned, as given.
    pub roots: Vec<PathBuf>,
    pub sources: Vec<Source>,
    pub components: Vec<Component>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<InputError>,
}

impl Inventory {
    /// Adds a collected source, rebasing its component ids.
    pub fn push(&mut self, collected: Collected) -> SourceId {
        let sid = SourceId(self.sources.len());
        let base = self.components.len();
        self.sources.push(collected.source);
        for mut c in collected.components {
            c.source = sid;
            for d in &mut c.dependencies {
                d.0 += base;
            }
            self.components.push(c);
        }
        sid
    }

    pub fn component(&self, id: ComponentId) -> &Component {
        &self.components[id.0]
    }

    pub fn source(&self, id: SourceId) -> &Source {
        &self.sources[id.0]
    }

    /// The components of one source, with their ids.
    pub fn components_of(
        &self,
        source: SourceId,
    ) -> impl Iterator<Item = (ComponentId, &Component)> {
        self.components
            .iter()
            .enumerate()
            .filter(move |(_, c)| c.source == source)
            .map(|(i, c)| (ComponentId(i), c))
    }

    /// Ids of components that list `id` as a dependency.
    pub fn dependents(&self, id: ComponentId) -> Vec<ComponentId> {
        self.components
            .iter()
            .enumerate()
            .filter(|(_, c)| c.dependencies.contains(&id))
            .map(|(i, _)| ComponentId(i))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Ecosystem;

    fn comp(name: &str, deps: &[usize]) -> Component {
        let mut c = Component::new(
            Package::new(Ecosystem::PyPI, name, "1.0"),
            name,
            Location::file(name),
        );
        c.dependencies = deps.iter().map(|&d| ComponentId(d)).collect();
        c
    }

    #[test]
    fn push_rebases_dependency_ids() {
        let mut inv = Inventory::default();
        let src = Source::new(SourceKind::Lockfile, "a.lock", "uv.lock");
        inv.push(Collected {
            source: src.clone(),
            components: vec![comp("a", &[1]), comp("b", &[])],
        });
        let s2 = inv.push(Collected {
            source: src,
            components: vec![comp("c", &[1]), comp("d", &[])],
        });
        assert_eq!(inv.components[2].dependencies, vec![ComponentId(3)]);
        assert_eq!(inv.components[3].source, s2);
        assert_eq!(inv.dependents(ComponentId(3)), vec![ComponentId(2)]);
        assert_eq!(inv.components_of(s2).count(), 2);
    }
}
