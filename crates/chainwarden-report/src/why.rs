//! `chainwarden why NAME`: every dependency path from a root of a source to
//! each occurrence of NAME, as text or as versioned JSON (`schema_version`
//! 1, schema `docs/schema/chainwarden-why-v1.schema.json`, reference
//! `docs/json-format.md#why`).

use crate::json::Tool;
use chainwarden_core::graph::{Cut, PathSearch};
use chainwarden_core::{ComponentId, Inventory, SourceKind};
use serde::Serialize;
use std::io::{self, Write};

/// The version of the `why` JSON; bumped on incompatible changes only.
pub const SCHEMA_VERSION: u32 = 1;

/// What `why` found: each component named NAME with its path search.
#[derive(Debug, Clone)]
pub struct WhyReport<'a> {
    pub inventory: &'a Inventory,
    /// NAME as the user wrote it.
    pub query: &'a str,
    pub occurrences: Vec<(ComponentId, PathSearch)>,
    /// The `max_paths` each search was given.
    pub max_paths: usize,
}

fn label(inv: &Inventory, id: ComponentId) -> String {
    let c = inv.component(id);
    format!("{} {}", c.display_name, c.package.version)
}

/// What a search says beyond its paths, as lines of text.
fn summary_lines(
    inv: &Inventory,
    id: ComponentId,
    s: &PathSearch,
    max_paths: usize,
) -> Vec<String> {
    let name = &inv.component(id).display_name;
    let mut out = Vec::new();
    if s.target_is_root {
        out.push(match s.dependents {
            0 => "top-level: nothing else requires it".to_string(),
            n => format!("top-level: declared directly, and required by {n} other package(s)"),
        });
    }
    let reached = format!(
        "{name} is required by {} package(s) and reached from {} top-level package(s)",
        s.dependents, s.roots_reaching
    );
    match s.cut {
        Some(Cut::MaxPaths) => out.push(format!("… first {max_paths} paths shown; {reached}")),
        Some(Cut::WorkBound(n)) => out.push(format!(
            "… the search stopped after {n} partial paths with {} path(s) found (a dense graph); more may exist: {reached}",
            s.paths.len()
        )),
        None if s.paths.is_empty() => out.push(format!(
            "no path from a top-level package: {name} is required by {} package(s), none under a top-level package (a dependency cycle)",
            s.dependents
        )),
        None => {}
    }
    out
}

/// Writes the text form: per occurrence, a heading and one line per path.
pub fn write_table(w: &WhyReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    let inv = w.inventory;
    for (id, search) in &w.occurrences {
        let c = inv.component(*id);
        let src = inv.source(c.source);
        writeln!(
            out,
            "{} in {} ({})",
            label(inv, *id),
            src.path.display(),
            src.format
        )?;
        let lines = summary_lines(inv, *id, search, w.max_paths);
        let (before, after): (Vec<&String>, Vec<&String>) =
            lines.iter().partition(|l| l.starts_with("top-level"));
        for l in before {
            writeln!(out, "  {l}")?;
        }
        for p in search.paths.iter().filter(|p| p.len() > 1) {
            let names: Vec<String> = p.iter().map(|&n| label(inv, n)).collect();
            writeln!(out, "  {}", names.join(" → "))?;
        }
        for l in after {
            writeln!(out, "  {l}")?;
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    tool: Tool,
    query: &'a str,
    roots: Vec<String>,
    occurrences: Vec<OccurrenceOut<'a>>,
}

#[derive(Serialize)]
struct SourceOut<'a> {
    id: usize,
    kind: SourceKind,
    path: String,
    format: &'a str,
}

#[derive(Serialize)]
struct Node<'a> {
    component: usize,
    name: &'a str,
    version: &'a str,
    purl: String,
}

#[derive(Serialize)]
struct CutOut {
    reason: &'static str,
    partial_paths_explored: Option<usize>,
}

#[derive(Serialize)]
struct OccurrenceOut<'a> {
    source: SourceOut<'a>,
    package: Node<'a>,
    top_level: bool,
    dependents: usize,
    roots_reaching: usize,
    complete: bool,
    cut: Option<CutOut>,
    paths: Vec<Vec<Node<'a>>>,
}

fn node(inv: &Inventory, id: ComponentId) -> Node<'_> {
    let c = inv.component(id);
    Node {
        component: id.0,
        name: &c.display_name,
        version: &c.package.version,
        purl: c.package.purl(),
    }
}

/// Writes the versioned JSON form.
pub fn write_json(w: &WhyReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    let inv = w.inventory;
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        tool: Tool::THIS,
        query: w.query,
        roots: inv.roots.iter().map(|r| r.display().to_string()).collect(),
        occurrences: w
            .occurrences
            .iter()
            .map(|(id, s)| {
                let c = inv.component(*id);
                let src = inv.source(c.source);
                OccurrenceOut {
                    source: SourceOut {
                        id: c.source.0,
                        kind: src.kind,
                        path: src.path.display().to_string(),
                        format: &src.format,
                    },
                    package: node(inv, *id),
                    top_level: s.target_is_root,
                    dependents: s.dependents,
                    roots_reaching: s.roots_reaching,
                    complete: s.cut.is_none(),
                    cut: s.cut.map(|c| match c {
                        Cut::MaxPaths => CutOut {
                            reason: "max-paths",
                            partial_paths_explored: None,
                        },
                        Cut::WorkBound(n) => CutOut {
                            reason: "work-bound",
                            partial_paths_explored: Some(n),
                        },
                    }),
                    paths: s
                        .paths
                        .iter()
                        .map(|p| p.iter().map(|&n| node(inv, n)).collect())
                        .collect(),
                }
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chainwarden_core::graph::paths_to;
    use chainwarden_core::inventory::{Collected, Component, Location, Source};
    use chainwarden_core::{Ecosystem, Package};

    fn inventory() -> Inventory {
        let mut comps = Vec::new();
        for (name, direct, deps) in [
            ("ripgrep", None, vec![1, 2]),
            ("serde_json", Some(true), vec![2]),
            ("serde", Some(true), vec![]),
        ] {
            let mut c = Component::new(
                Package::new(Ecosystem::CratesIo, name, "1.0.0"),
                name,
                Location::file("Cargo.lock"),
            );
            c.direct = direct;
            c.dependencies = deps.into_iter().map(ComponentId).collect();
            comps.push(c);
        }
        let mut inv = Inventory::default();
        inv.push(Collected {
            source: Source::new(SourceKind::Lockfile, "Cargo.lock", "Cargo.lock"),
            components: comps,
        });
        inv
    }

    fn render(inv: &Inventory, id: usize, max: usize, json: bool) -> String {
        let w = WhyReport {
            inventory: inv,
            query: "serde",
            occurrences: vec![(ComponentId(id), paths_to(inv, ComponentId(id), max))],
            max_paths: max,
        };
        let mut out = Vec::new();
        if json {
            write_json(&w, &mut out).unwrap();
        } else {
            write_table(&w, &mut out).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn paths_start_at_the_project_and_cuts_are_said() {
        let inv = inventory();
        let text = render(&inv, 2, 50, false);
        assert_eq!(
            text,
            "serde 1.0.0 in Cargo.lock (Cargo.lock)\n  ripgrep 1.0.0 → serde 1.0.0\n  ripgrep 1.0.0 → serde_json 1.0.0 → serde 1.0.0\n"
        );
        let text = render(&inv, 2, 1, false);
        assert!(text.contains("… first 1 paths shown; serde is required by 2 package(s) and reached from 1 top-level package(s)"), "{text}");
        let text = render(&inv, 0, 50, false);
        assert!(
            text.contains("top-level: nothing else requires it"),
            "{text}"
        );
    }

    #[test]
    fn json_names_every_node() {
        let inv = inventory();
        let v: serde_json::Value = serde_json::from_str(&render(&inv, 2, 1, true)).unwrap();
        assert_eq!(v["schema_version"], 1);
        let occ = &v["occurrences"][0];
        assert_eq!(occ["package"]["purl"], "pkg:cargo/serde@1.0.0");
        assert_eq!(occ["complete"], false);
        assert_eq!(occ["cut"]["reason"], "max-paths");
        assert_eq!(occ["paths"][0][0]["name"], "ripgrep");
    }
}
