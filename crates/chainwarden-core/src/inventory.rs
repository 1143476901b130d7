//! What was found: sources (an environment, a lockfile), the components in
//! them, where each was seen, and the dependency graph between them.

use crate::Package;
use crate::redact::{CredentialKind, EmbeddedCredential, redact};
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
    /// Credentials written in the source's files (a URL with a password, a
    /// token): the file itself leaks them. Kinds and places only, never a value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credentials: Vec<EmbeddedCredential>,
}

impl Source {
    pub fn new(kind: SourceKind, path: impl Into<PathBuf>, format: impl Into<String>) -> Source {
        Source {
            kind,
            path: path.into(),
            format: format.into(),
            python_version: None,
            properties: BTreeMap::new(),
            credentials: Vec::new(),
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
            message: crate::excerpt::cap_owned(crate::redact::redacted(message.into())),
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

impl Collected {
    /// Records on the source the credentials written in its file's `text`
    /// (a lockfile's `resolved` URL with a password, a token in a
    /// `git+https://` URL): the file itself leaks them.
    pub fn with_credentials_of(mut self, text: &str) -> Collected {
        self.source.credentials = crate::redact::scan_lines(text, &self.source.path);
        self
    }
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
    /// Adds a collected source, rebasing its component ids. Nothing enters
    /// unredacted: every string a collector kept from the file (properties,
    /// names, versions, details) goes through [`redact`]; a credential found
    /// so in a source whose collector recorded none is recorded at the
    /// component's first location.
    pub fn push(&mut self, mut collected: Collected) -> SourceId {
        let sid = SourceId(self.sources.len());
        let base = self.components.len();
        redact_collected(&mut collected);
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

/// Masks credentials in every string of a collected source; see [`Inventory::push`].
fn redact_collected(collected: &mut Collected) {
    fn mask(s: &mut String) -> Vec<CredentialKind> {
        let r = redact(s);
        let found = r.found;
        if let std::borrow::Cow::Owned(masked) = r.text {
            *s = masked;
        }
        found
    }
    let source = &mut collected.source;
    let recorded = !source.credentials.is_empty();
    let mut found: Vec<(CredentialKind, Location)> = Vec::new();
    for v in source.properties.values_mut() {
        for kind in mask(v) {
            found.push((kind, Location::file(&source.path)));
        }
    }
    for c in &mut collected.components {
        let mut kinds = mask(&mut c.display_name);
        kinds.extend(mask(&mut c.package.name));
        kinds.extend(mask(&mut c.package.version));
        for v in c.properties.values_mut() {
            kinds.extend(mask(v));
        }
        for l in &mut c.locations {
            if let Some(d) = &mut l.detail {
                kinds.extend(mask(d));
            }
        }
        let at = c
            .locations
            .first()
            .cloned()
            .unwrap_or_else(|| Location::file(&source.path));
        found.extend(kinds.into_iter().map(|k| (k, at.clone())));
    }
    if recorded {
        return;
    }
    for (kind, location) in found {
        crate::redact::record(
            &mut source.credentials,
            EmbeddedCredential {
                kind,
                location,
                occurrences: 1,
            },
        );
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

    /// Nothing a collector kept enters the inventory with a credential in
    /// it; where the collector recorded none, the kinds found are recorded.
    #[test]
    fn push_masks_credentials_and_records_them() {
        let mut inv = Inventory::default();
        let mut c = comp("pkg", &[]);
        c.locations[0].line = Some(7);
        c.properties.insert(
            "url".into(),
            "git+https://ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789@github.com/o/r".into(),
        );
        let mut src = Source::new(SourceKind::Manifest, "requirements.txt", "requirements.txt");
        src.properties
            .insert("index_url".into(), "https://u:pw@pypi.corp/simple".into());
        inv.push(Collected {
            source: src,
            components: vec![c],
        });
        let all = serde_json::to_string(&inv).unwrap();
        assert!(!all.contains("ghp_AbCd") && !all.contains(":pw@"), "{all}");
        assert_eq!(
            inv.components[0].properties["url"],
            "git+https://***@github.com/o/r"
        );
        let kinds: Vec<(String, Option<u32>)> = inv.sources[0]
            .credentials
            .iter()
            .map(|e| (e.kind.to_string(), e.location.line))
            .collect();
        assert_eq!(
            kinds,
            [
                ("a password in a URL".to_string(), None),
                ("a GitHub personal access token".to_string(), Some(7)),
            ]
        );
        assert!(
            InputError::new("f", "bad line `https://u:pw@h/`")
                .message
                .contains("https://***@h/")
        );
    }
}
