//! Walking the dependency graph of an [`Inventory`]: why is a component there?
//!
//! A **root** of a source is where a path may start: a component nothing
//! else in the source requires, or a component the project declares
//! directly (`direct == Some(true)`) when the project itself is not a
//! component above it. The second case covers lockfiles without the
//! project in them (`requirements.txt`, `poetry.lock` with its
//! `pyproject.toml`): a declared `urllib3` is top-level even when
//! `requests` also requires it. Where the project is a component (a Cargo
//! workspace member, a `uv.lock` project), its direct dependencies are not
//! roots: their paths start at the project (`ripgrep → serde_json → serde`).

use crate::inventory::{ComponentId, Inventory, SourceId};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Partial paths explored at most per search, whatever `max_paths` is.
pub const MIN_WORK_BOUND: usize = 100_000;

/// Why a search returned fewer paths than exist (or may exist).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// `max_paths` paths were found; there are more.
    MaxPaths,
    /// The work bound ran out after this many partial paths (a dense graph):
    /// more paths may exist.
    WorkBound(usize),
}

/// Every dependency path from a root of the target's source to the target.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PathSearch {
    /// Paths, shortest first; each starts at a root and ends at the target,
    /// and holds no component twice.
    pub paths: Vec<Vec<ComponentId>>,
    /// The target is a root itself (the path `[target]` is in `paths`).
    pub target_is_root: bool,
    /// Components of the source that require the target directly.
    pub dependents: usize,
    /// Roots of the source the target can be reached from (an exact count:
    /// a linear walk, not the enumeration).
    pub roots_reaching: usize,
    /// Set when `paths` is not every path.
    pub cut: Option<Cut>,
}

/// Which components of `source` are roots (see the module docs), indexed
/// like `inv.components` (components of other sources are `false`).
pub fn roots(inv: &Inventory, source: SourceId) -> Vec<bool> {
    let n = inv.components.len();
    let mut in_degree = vec![0usize; n];
    for c in inv.components.iter().filter(|c| c.source == source) {
        for d in &c.dependencies {
            if let Some(slot) = in_degree.get_mut(d.0) {
                *slot += 1;
            }
        }
    }
    let in_source = |i: usize| inv.components.get(i).is_some_and(|c| c.source == source);
    // The project's own components: nothing requires them and they are not
    // a declared dependency (a workspace member, a lockfile's project).
    let projects: Vec<usize> = (0..n)
        .filter(|&i| in_source(i) && in_degree[i] == 0 && inv.components[i].direct != Some(true))
        .collect();
    let below_project = reachable(inv, &projects);
    (0..n)
        .map(|i| {
            in_source(i)
                && (in_degree[i] == 0
                    || (inv.components[i].direct == Some(true) && !below_project[i]))
        })
        .collect()
}

/// Components reachable from `starts` along dependency edges (the starts
/// included).
fn reachable(inv: &Inventory, starts: &[usize]) -> Vec<bool> {
    let mut seen = vec![false; inv.components.len()];
    let mut queue: VecDeque<usize> = VecDeque::new();
    for &s in starts {
        if let Some(slot) = seen.get_mut(s)
            && !*slot
        {
            *slot = true;
            queue.push_back(s);
        }
    }
    while let Some(i) = queue.pop_front() {
        for d in &inv.components[i].dependencies {
            if let Some(slot) = seen.get_mut(d.0)
                && !*slot
            {
                *slot = true;
                queue.push_back(d.0);
            }
        }
    }
    seen
}

/// Every dependency path from a root of the target's source to `target`,
/// at most `max_paths`, shortest first. The search is best-first on the
/// path length it can still reach (the distance of each component below
/// its nearest root is known), so it never walks partial paths that lead
/// to no root and finds each path in work about its length; a cycle can
/// still make partial paths dead ends, so the work is bounded (at least
/// [`MIN_WORK_BOUND`] partial paths) and [`PathSearch::cut`] says when a
/// bound stopped the search. Unknown ids yield an empty search.
pub fn paths_to(inv: &Inventory, target: ComponentId, max_paths: usize) -> PathSearch {
    search(
        inv,
        target,
        max_paths,
        MIN_WORK_BOUND.max(max_paths.saturating_mul(64)),
    )
}

/// One partial path, walked backwards from the target: its head and the
/// partial path it extends.
struct Partial {
    head: ComponentId,
    parent: Option<usize>,
    len: usize,
}

fn search(inv: &Inventory, target: ComponentId, max_paths: usize, bound: usize) -> PathSearch {
    let Some(target_component) = inv.components.get(target.0) else {
        return PathSearch::default();
    };
    let n = inv.components.len();
    let source = target_component.source;
    let is_root = roots(inv, source);
    // Reverse edges, limited to the target's source.
    let mut dependents: Vec<Vec<ComponentId>> = vec![Vec::new(); n];
    for (i, c) in inv.components.iter().enumerate() {
        if c.source != source {
            continue;
        }
        for d in &c.dependencies {
            if let Some(list) = dependents.get_mut(d.0)
                && !list.contains(&ComponentId(i))
            {
                list.push(ComponentId(i));
            }
        }
    }
    // Steps from the nearest root down to each component (None: no root above it).
    let mut depth: Vec<Option<usize>> = vec![None; n];
    let mut queue: VecDeque<usize> = VecDeque::new();
    for i in (0..n).filter(|&i| is_root[i]) {
        depth[i] = Some(0);
        queue.push_back(i);
    }
    while let Some(i) = queue.pop_front() {
        let next = depth[i].map(|d| d + 1);
        for d in &inv.components[i].dependencies {
            if let Some(slot) = depth.get_mut(d.0)
                && slot.is_none()
            {
                *slot = next;
                queue.push_back(d.0);
            }
        }
    }
    // Roots the target is reached from: walk up from the target once.
    let mut above = vec![false; n];
    above[target.0] = true;
    let mut queue = VecDeque::from([target.0]);
    while let Some(i) = queue.pop_front() {
        for u in &dependents[i] {
            if !above[u.0] {
                above[u.0] = true;
                queue.push_back(u.0);
            }
        }
    }
    let mut found = PathSearch {
        target_is_root: is_root[target.0],
        dependents: dependents[target.0].len(),
        roots_reaching: (0..n).filter(|&i| above[i] && is_root[i]).count(),
        ..PathSearch::default()
    };
    let Some(target_depth) = depth[target.0] else {
        return found;
    };
    if max_paths == 0 {
        found.cut = Some(Cut::MaxPaths);
        return found;
    }
    // Best-first: smallest reachable total length, then the longest partial
    // path (depth-first among equals), then first made.
    let mut arena: Vec<Partial> = vec![Partial {
        head: target,
        parent: None,
        len: 1,
    }];
    let mut heap: BinaryHeap<Reverse<(usize, Reverse<usize>, usize)>> =
        BinaryHeap::from([Reverse((target_depth + 1, Reverse(1), 0))]);
    let holds = |arena: &[Partial], mut at: Option<usize>, id: ComponentId| {
        while let Some(i) = at {
            if arena[i].head == id {
                return true;
            }
            at = arena[i].parent;
        }
        false
    };
    while let Some(Reverse((_, _, index))) = heap.pop() {
        let head = arena[index].head;
        if is_root[head.0] {
            let mut path = Vec::with_capacity(arena[index].len);
            let mut at = Some(index);
            while let Some(i) = at {
                path.push(arena[i].head);
                at = arena[i].parent;
            }
            found.paths.push(path);
            if found.paths.len() >= max_paths {
                if !heap.is_empty() || !dependents[head.0].is_empty() {
                    found.cut = Some(Cut::MaxPaths);
                }
                return found;
            }
        }
        for &up in &dependents[head.0] {
            let Some(up_depth) = depth[up.0] else {
                continue;
            };
            if holds(&arena, Some(index), up) {
                continue;
            }
            if arena.len() > bound {
                found.cut = Some(Cut::WorkBound(arena.len() - 1));
                return found;
            }
            let len = arena[index].len + 1;
            arena.push(Partial {
                head: up,
                parent: Some(index),
                len,
            });
            heap.push(Reverse((len + up_depth, Reverse(len), arena.len() - 1)));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{Collected, Component, Location, Source, SourceKind};
    use crate::{Ecosystem, Package};

    /// `(name, direct, dependencies)` per component, one source.
    fn inv(edges: &[(&str, Option<bool>, &[usize])]) -> Inventory {
        let comps = edges
            .iter()
            .map(|(n, direct, deps)| {
                let mut c = Component::new(
                    Package::new(Ecosystem::PyPI, n, "1"),
                    *n,
                    Location::file(*n),
                );
                c.direct = *direct;
                c.dependencies = deps.iter().map(|&d| ComponentId(d)).collect();
                c
            })
            .collect();
        let mut inv = Inventory::default();
        inv.push(Collected {
            source: Source::new(SourceKind::PythonEnvironment, "sp", "dist-info"),
            components: comps,
        });
        inv
    }

    fn ids(v: &[usize]) -> Vec<ComponentId> {
        v.iter().map(|&i| ComponentId(i)).collect()
    }

    #[test]
    fn diamond_and_cycle() {
        // app -> requests -> urllib3; app -> httpx -> urllib3; urllib3 <-> cyc
        let inv = inv(&[
            ("app", None, &[1, 2]),
            ("requests", None, &[3]),
            ("httpx", None, &[3]),
            ("urllib3", None, &[4]),
            ("cyc", None, &[3]),
        ]);
        let s = paths_to(&inv, ComponentId(3), 10);
        assert_eq!(s.paths, vec![ids(&[0, 1, 3]), ids(&[0, 2, 3])]);
        assert_eq!((s.dependents, s.roots_reaching, s.cut), (3, 1, None));
        let one = paths_to(&inv, ComponentId(3), 1);
        assert_eq!((one.paths.len(), one.cut), (1, Some(Cut::MaxPaths)));
        assert_eq!(
            paths_to(&inv, ComponentId(4), 10).paths,
            vec![ids(&[0, 1, 3, 4]), ids(&[0, 2, 3, 4])]
        );
        let app = paths_to(&inv, ComponentId(0), 10);
        assert_eq!((app.paths, app.target_is_root), (vec![ids(&[0])], true));
        assert!(paths_to(&inv, ComponentId(99), 10).paths.is_empty());
    }

    /// ripgrep's Cargo.lock: the workspace member `ripgrep` (direct unset)
    /// requires `serde_json` and `serde` (direct); `serde_json` requires
    /// `serde`. Paths start at ripgrep, never at `serde_json`, and `serde`
    /// alone is not a path.
    #[test]
    fn the_project_component_is_the_root_not_its_direct_dependencies() {
        let inv = inv(&[
            ("ripgrep", None, &[1, 2]),
            ("serde_json", Some(true), &[2]),
            ("serde", Some(true), &[]),
        ]);
        let s = paths_to(&inv, ComponentId(2), 10);
        assert_eq!(s.paths, vec![ids(&[0, 2]), ids(&[0, 1, 2])]);
        assert!(!s.target_is_root);
        assert_eq!(roots(&inv, crate::SourceId(0)), [true, false, false]);
    }

    /// A lockfile without the project in it (poetry.lock + pyproject.toml):
    /// a declared package is top-level even when another requires it.
    #[test]
    fn declared_packages_are_roots_when_the_project_is_not_a_component() {
        let inv = inv(&[
            ("requests", Some(true), &[1]),
            ("urllib3", Some(true), &[]),
            ("idna", Some(false), &[]),
        ]);
        let s = paths_to(&inv, ComponentId(1), 10);
        assert_eq!(s.paths, vec![ids(&[1]), ids(&[0, 1])]);
        assert!(s.target_is_root);
        assert_eq!(s.roots_reaching, 2);
    }

    #[test]
    fn a_cycle_with_no_root_above_has_no_path() {
        let inv = inv(&[("a", Some(false), &[1]), ("b", Some(false), &[0])]);
        let s = paths_to(&inv, ComponentId(1), 10);
        assert_eq!((s.paths.len(), s.roots_reaching, s.dependents), (0, 0, 1));
        assert_eq!(s.cut, None);
    }

    /// A dense layered graph: 6^12 paths, found in order without walking
    /// the 6^11 partial paths a breadth-first search would.
    #[test]
    fn dense_graphs_find_paths_in_work_about_their_length() {
        let width = 6;
        let layers = 12;
        let mut edges: Vec<(String, Option<bool>, Vec<usize>)> = Vec::new();
        edges.push(("root".into(), None, (1..=width).collect()));
        for l in 0..layers {
            for k in 0..width {
                let next: Vec<usize> = if l + 1 < layers {
                    (0..width).map(|j| 1 + (l + 1) * width + j).collect()
                } else {
                    vec![1 + layers * width]
                };
                edges.push((format!("n{l}-{k}"), Some(false), next));
            }
        }
        edges.push(("leaf".into(), Some(false), vec![]));
        let refs: Vec<(&str, Option<bool>, &[usize])> = edges
            .iter()
            .map(|(n, d, e)| (n.as_str(), *d, e.as_slice()))
            .collect();
        let inv = inv(&refs);
        let leaf = ComponentId(edges.len() - 1);
        let s = search(&inv, leaf, 50, 2_000);
        assert_eq!(s.paths.len(), 50);
        assert_eq!(s.cut, Some(Cut::MaxPaths));
        assert!(
            s.paths
                .iter()
                .all(|p| p.len() == layers + 2 && p[0] == ComponentId(0))
        );
        assert_eq!((s.roots_reaching, s.dependents), (1, width));
    }

    /// Dead ends through a cycle cost work: a bound stops them, and says so.
    #[test]
    fn the_work_bound_is_reported() {
        // root -> a; a <-> b <-> c <-> d (every pair both ways); d -> t; a -> t.
        let inv = inv(&[
            ("root", None, &[1]),
            ("a", Some(false), &[2, 3, 4, 5]),
            ("b", Some(false), &[1, 3, 4]),
            ("c", Some(false), &[1, 2, 4]),
            ("d", Some(false), &[1, 2, 3, 5]),
            ("t", Some(false), &[]),
        ]);
        let all = search(&inv, ComponentId(5), 100, 10_000);
        assert_eq!(all.cut, None);
        assert_eq!(all.paths[0], ids(&[0, 1, 5]));
        let cut = search(&inv, ComponentId(5), 100, 3);
        assert_eq!(cut.cut, Some(Cut::WorkBound(3)));
        assert!(cut.paths.len() < all.paths.len());
    }
}
