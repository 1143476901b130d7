//! A site dir as an inventory source: its environment, its distributions as
//! components and the dependency graph between them.

use crate::dist::InstalledDist;
use crate::environment::PythonEnvironment;
use crate::pep508::{MarkerEnvironment, Requirement};
use crate::site::{Reached, SiteDist, list_site_dir};
use chainwarden_core::inventory::{Collected, InputError};
use chainwarden_core::package::pep503;
use chainwarden_core::{Component, ComponentId, Ecosystem, Location, Package};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Inventories one site dir found by `chainwarden_core::discover`.
///
/// Components are the distributions `pip list` shows for that environment
/// (same names and versions; see [`crate::site`] for the order and
/// de-duplication rules), each located at its metadata folder. Two
/// deliberate differences: distributions named `python`, `wsgiref` or
/// `argparse`, which pip list hides, are kept (marked `pip_list_hidden`);
/// and versions are kept as written, where pip prints them PEP 440
/// normalised (`1.0-rc1` → `1.0rc1`; wheels and setuptools already write
/// normalised versions, so real environments agree). Dependencies
/// are `Requires-Dist` edges whose markers hold for this environment, with
/// extras followed only where a requiring edge asks for them; `direct` is
/// true for distributions nothing else in the environment requires.
///
/// Returns `None` only when the site dir itself cannot be listed; a bad
/// metadata file is an [`InputError`] naming it and the rest still inventories.
pub fn collect_site_dir(site_dir: &Path) -> (Option<Collected>, Vec<InputError>) {
    collect_site_dir_within(site_dir, None)
}

/// [`collect_site_dir`] that reads nothing outside `scan_root` (see
/// [`crate::site::list_site_dir`]): what `chainwarden scan` should call
/// unless the user asked to follow links out of the root.
pub fn collect_site_dir_within(
    site_dir: &Path,
    scan_root: Option<&Path>,
) -> (Option<Collected>, Vec<InputError>) {
    let env = PythonEnvironment::detect(site_dir);
    let listing = match list_site_dir(site_dir, scan_root) {
        Ok(l) => l,
        Err(e) => return (None, vec![e]),
    };
    let mut errors = listing.errors;
    let markers = env.marker_environment();
    let mut components: Vec<Component> = listing
        .dists
        .iter()
        .map(|d| component(d, &listing.editable_hooks))
        .collect();
    let edges = dependency_edges(&listing.dists, &markers, &mut errors);
    let mut has_dependent = vec![false; components.len()];
    for (from, targets) in edges.iter().enumerate() {
        for &to in targets {
            if let Some(flag) = has_dependent.get_mut(to) {
                *flag = true;
            }
        }
        if let Some(c) = components.get_mut(from) {
            c.dependencies = targets.iter().map(|&t| ComponentId(t)).collect();
        }
    }
    for (c, has) in components.iter_mut().zip(has_dependent) {
        c.direct = Some(!has);
    }
    (
        Some(Collected {
            source: env.source(),
            components,
        }),
        errors,
    )
}

fn component(sd: &SiteDist, editable_hooks: &[PathBuf]) -> Component {
    let d: &InstalledDist = &sd.dist;
    let mut c = Component::new(
        Package::new(Ecosystem::PyPI, &d.name, &d.version),
        d.name.clone(),
        Location::file(&d.info_path),
    );
    let p = &mut c.properties;
    p.insert("metadata_format".into(), d.format.as_str().into());
    if d.from_folder_name {
        // METADATA could not be read: name and version are the folder's.
        p.insert("metadata_source".into(), "folder-name".into());
    }
    if let Some(i) = &d.installer {
        p.insert("installer".into(), i.clone());
    }
    if let Some(l) = &d.license {
        p.insert("license".into(), l.clone());
    }
    if let Some(s) = &d.summary {
        p.insert("summary".into(), s.clone());
    }
    p.insert("requested".into(), d.requested.to_string());
    p.insert("record".into(), d.has_record.to_string());
    let mut editable = false;
    if let Some(u) = &d.direct_url {
        p.insert("direct_url".into(), u.url.clone());
        editable |= u.editable;
        if u.editable
            && let Some(path) = u.url.strip_prefix("file://")
        {
            p.insert("project_location".into(), percent_decode(path));
        }
        if let Some(v) = &u.vcs {
            p.insert("vcs".into(), v.clone());
        }
        if let Some(v) = &u.commit_id {
            p.insert("vcs_commit".into(), v.clone());
        }
        if let Some(v) = &u.requested_revision {
            p.insert("vcs_requested_revision".into(), v.clone());
        }
        if let Some(h) = &u.archive_hash {
            p.insert("archive_hash".into(), h.clone());
        }
    }
    match &sd.reached {
        Reached::SiteDir => {}
        Reached::EggLink { link, location } => {
            editable = true;
            p.insert("egg_link".into(), link.display().to_string());
            p.insert("project_location".into(), location.display().to_string());
        }
        Reached::PthPath { pth, location } => {
            p.insert("pth".into(), pth.display().to_string());
            p.insert("project_location".into(), location.display().to_string());
            // A legacy `setup.py develop` lists the project in easy-install.pth.
            editable |= d.format == crate::dist::MetadataFormat::EggInfo;
        }
    }
    p.insert("editable".into(), editable.to_string());
    // `pip list` hides these names (its `stdlib_pkgs`); we keep them, since
    // a distribution by that name is still installed code, and mark them.
    if matches!(pep503(&d.name).as_str(), "python" | "wsgiref" | "argparse") {
        p.insert("pip_list_hidden".into(), "true".into());
    }
    // setuptools names its PEP 660 hooks `__editable__.<name>-<ver>.pth` and
    // `__editable___<name>_<ver>_finder.py` (name with `_` for `-`/`.`).
    let key = pep503(&d.name).replace('-', "_");
    let hooks: Vec<String> = editable_hooks
        .iter()
        .filter(|h| {
            h.file_name()
                .and_then(|n| n.to_str())
                .map(str::to_lowercase)
                .is_some_and(|n| {
                    n.starts_with(&format!("__editable__.{key}-"))
                        || n.starts_with(&format!("__editable___{key}_"))
                })
        })
        .map(|h| h.display().to_string())
        .collect();
    if !hooks.is_empty() {
        p.insert("editable_hooks".into(), hooks.join("\n"));
    }
    if !sd.shadowed.is_empty() {
        let list: Vec<String> = sd
            .shadowed
            .iter()
            .map(|s| s.display().to_string())
            .collect();
        p.insert("shadowed".into(), list.join("\n"));
    }
    c
}

/// Decodes `%XX` escapes of a `file://` URL path; invalid escapes stay.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |j: usize| bytes.get(j).and_then(|c| (*c as char).to_digit(16));
        if b == b'%'
            && let (Some(h), Some(l)) = (hex(i + 1), hex(i + 2))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Edges per distribution (indices into `dists`), sorted, without self-edges.
fn dependency_edges(
    dists: &[SiteDist],
    markers: &MarkerEnvironment,
    errors: &mut Vec<InputError>,
) -> Vec<BTreeSet<usize>> {
    let by_name: HashMap<String, usize> = dists
        .iter()
        .enumerate()
        .map(|(i, d)| (pep503(&d.dist.name), i))
        .collect();
    let parsed: Vec<Vec<Requirement>> = dists
        .iter()
        .map(|d| {
            d.dist
                .requires_dist
                .iter()
                .filter_map(|r| match Requirement::parse_unversioned(r) {
                    Ok(req) => Some(req),
                    Err(e) => {
                        errors.push(InputError::new(
                            &d.dist.info_path,
                            format!("invalid Requires-Dist: {e}"),
                        ));
                        None
                    }
                })
                .collect()
        })
        .collect();
    let mut edges = vec![BTreeSet::new(); dists.len()];
    let mut requested: Vec<HashSet<String>> = vec![HashSet::new(); dists.len()];
    // (distribution, extra): the base requirements of every distribution,
    // then each extra some active edge asked for.
    let mut work: Vec<(usize, Option<String>)> = (0..dists.len()).map(|i| (i, None)).collect();
    while let Some((i, extra)) = work.pop() {
        let Some(reqs) = parsed.get(i) else { continue };
        for req in reqs {
            let active = req
                .marker
                .as_ref()
                .is_none_or(|m| m.evaluate(markers, extra.as_deref()));
            // With an extra, only the requirements that name it are new.
            let new_for_extra =
                extra.is_none() || req.marker.as_ref().is_some_and(|m| m.mentions_extra());
            if !active || !new_for_extra {
                continue;
            }
            let Some(&target) = by_name.get(&req.normalized_name()) else {
                continue;
            };
            if target != i
                && let Some(e) = edges.get_mut(i)
            {
                e.insert(target);
            }
            for x in req.normalized_extras() {
                if let Some(set) = requested.get_mut(target)
                    && set.insert(x.clone())
                {
                    work.push((target, Some(x)));
                }
            }
        }
    }
    edges
}
