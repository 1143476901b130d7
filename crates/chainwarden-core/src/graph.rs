//! Walking the dependency graph of an [`Inventory`]: why is a component there?

use crate::inventory::{ComponentId, Inventory};

/// Every dependency path from a root of the target's source to `target`
/// (each path starts at a root and ends at `target`), at most `max_paths`,
/// shortest first. A root is a component marked `direct`, or, where a source
/// does not say, one that no other component of the source depends on. A
/// target that is itself a root yields `[[target]]`. Cycles are never
/// followed twice on one path. Unknown ids yield no paths.
pub fn paths_to(inv: &Inventory, target: ComponentId, max_paths: usize) -> Vec<Vec<ComponentId>> {
    let Some(target_component) = inv.components.get(target.0) else {
        return Vec::new();
    };
    if max_paths == 0 {
        return Vec::new();
    }
    let source = target_component.source;
    // Reverse edges, limited to the target's source.
    let mut dependents: Vec<Vec<ComponentId>> = vec![Vec::new(); inv.components.len()];
    for (i, c) in inv.components.iter().enumerate() {
        if c.source != source {
            continue;
        }
        for d in &c.dependencies {
            if let Some(list) = dependents.get_mut(d.0) {
                list.push(ComponentId(i));
            }
        }
    }
    let is_root = |id: ComponentId| -> bool {
        let Some(c) = inv.components.get(id.0) else {
            return false;
        };
        match c.direct {
            Some(d) => d,
            None => dependents.get(id.0).is_none_or(|d| d.is_empty()),
        }
    };
    // Breadth-first over partial paths walked backwards from the target, so
    // shorter paths come first; each path holds no repeated node.
    let mut out: Vec<Vec<ComponentId>> = Vec::new();
    let mut queue: std::collections::VecDeque<Vec<ComponentId>> =
        std::collections::VecDeque::from([vec![target]]);
    // Bounds the work on dense graphs even when few paths reach a root.
    let mut budget: usize = 100_000usize.max(max_paths.saturating_mul(64));
    while let Some(path) = queue.pop_front() {
        let Some(&head) = path.last() else { continue };
        if is_root(head) {
            let mut p = path.clone();
            p.reverse();
            out.push(p);
            if out.len() >= max_paths {
                break;
            }
        }
        for &up in dependents.get(head.0).map(Vec::as_slice).unwrap_or(&[]) {
            if path.contains(&up) {
                continue;
            }
            if budget == 0 {
                return out;
            }
            budget -= 1;
            let mut next = path.clone();
            next.push(up);
            queue.push_back(next);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{Collected, Component, Location, Source, SourceKind};
    use crate::{Ecosystem, Package};

    fn inv(edges: &[(&str, &[usize])]) -> Inventory {
        let comps = edges
            .iter()
            .map(|(n, deps)| {
                let mut c = Component::new(
                    Package::new(Ecosystem::PyPI, n, "1"),
                    *n,
                    Location::file(*n),
                );
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

    #[test]
    fn diamond_and_cycle() {
        // app -> requests -> urllib3; app -> httpx -> urllib3; urllib3 <-> cyc
        let inv = inv(&[
            ("app", &[1, 2]),
            ("requests", &[3]),
            ("httpx", &[3]),
            ("urllib3", &[4]),
            ("cyc", &[3]),
        ]);
        let ids = |v: &[usize]| v.iter().map(|&i| ComponentId(i)).collect::<Vec<_>>();
        let paths = paths_to(&inv, ComponentId(3), 10);
        assert_eq!(paths, vec![ids(&[0, 1, 3]), ids(&[0, 2, 3])]);
        assert_eq!(paths_to(&inv, ComponentId(3), 1).len(), 1);
        assert_eq!(
            paths_to(&inv, ComponentId(4), 10),
            vec![ids(&[0, 1, 3, 4]), ids(&[0, 2, 3, 4])]
        );
        assert_eq!(paths_to(&inv, ComponentId(0), 10), vec![ids(&[0])]);
        assert!(paths_to(&inv, ComponentId(99), 10).is_empty());
    }

    #[test]
    fn explicit_direct_flag_wins() {
        let mut inv = inv(&[("a", &[1]), ("b", &[])]);
        inv.components[1].direct = Some(true);
        inv.components[0].direct = Some(false);
        assert_eq!(
            paths_to(&inv, ComponentId(1), 10),
            vec![vec![ComponentId(1)]]
        );
    }
}
