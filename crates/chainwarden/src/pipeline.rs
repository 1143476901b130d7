//! collect → analyze: builds the inventory of the scanned paths and runs the
//! analyzers over it. Nothing here prints; the commands decide what to show.

use crate::config::Config;
use chainwarden_core::discover::{self, Discovered, FileKind, SkipReason, WalkOptions};
use chainwarden_core::inventory::{Collected, InputError};
use chainwarden_core::{Finding, Inventory, Location, Severity};
use std::path::{Path, PathBuf};

/// What a run looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Installed environments and every file kind.
    Everything,
    /// A repository as CI sees it: lockfiles, manifests, workflows, MCP configs.
    Repository,
    /// Everything, with every analyzer (re-hash installed files, heuristics).
    Deep,
}

/// Walks the roots (no exclusions) and runs every collector on what the walk found.
pub(crate) fn collect(roots: &[PathBuf], scope: Scope) -> (Inventory, Discovered) {
    collect_with(roots, scope, &WalkOptions::default())
}

/// The exclude patterns of the configuration and the command line, compiled.
pub(crate) fn walk_options(config: &Config, cli: &[String]) -> anyhow::Result<WalkOptions> {
    let patterns: Vec<&String> = config.exclude.iter().chain(cli).collect();
    let exclude =
        discover::Exclude::new(&patterns).map_err(|e| anyhow::anyhow!("--exclude {e}"))?;
    Ok(WalkOptions {
        exclude,
        ..Default::default()
    })
}

/// [`collect`] with walk options (exclusions).
pub(crate) fn collect_with(
    roots: &[PathBuf],
    scope: Scope,
    options: &WalkOptions,
) -> (Inventory, Discovered) {
    let mut found = discover::discover_with(roots, options);
    if scope == Scope::Repository {
        found.site_dirs.clear();
        found.node_modules.clear();
    }
    let mut inv = Inventory {
        roots: roots.to_vec(),
        ..Default::default()
    };
    inv.errors.extend(found.errors.iter().cloned());
    let add = |inv: &mut Inventory, collected: Option<Collected>, errors: Vec<InputError>| {
        inv.errors.extend(errors);
        if let Some(c) = collected {
            inv.push(c);
        }
    };
    for site in &found.site_dirs {
        let (c, e) =
            chainwarden_python::collect_site_dir_within(site, Some(root_of(roots, site).as_path()));
        add(&mut inv, c, e);
    }
    for nm in &found.node_modules {
        let (c, e) = chainwarden_npm::collect_node_modules(nm, &root_of(roots, nm));
        add(&mut inv, c, e);
    }
    for (kind, path) in &found.files {
        let root = roots
            .iter()
            .find(|r| path.starts_with(r))
            .cloned()
            .unwrap_or_else(|| path.clone());
        let result: Result<Option<Collected>, InputError> = match kind {
            FileKind::Requirements => {
                let (c, e) = chainwarden_python::collect_requirements(path, &root);
                inv.errors.extend(e);
                Ok(c)
            }
            FileKind::PackageLock
            | FileKind::NpmShrinkwrap
            | FileKind::YarnLock
            | FileKind::PnpmLock
            | FileKind::BunLock => chainwarden_npm::collect_lockfile(*kind, path).map(Some),
            k if chainwarden_lockfile::supports(*k) => {
                chainwarden_lockfile::collect(*k, path).map(Some)
            }
            FileKind::Workflow | FileKind::Action => {
                chainwarden_gha::collect(*kind, path).map(Some)
            }
            FileKind::McpConfig => chainwarden_mcp::collect(path).map(Some),
            _ => Ok(None),
        };
        match result {
            Ok(c) => add(&mut inv, c, Vec::new()),
            Err(e) => inv.errors.push(e),
        }
    }
    AsGiven::new(roots).inventory(&mut inv);
    (inv, found)
}

/// Paths as the user gave the roots: collectors that resolve links (npm,
/// the inspector) report `/abs/proj/node_modules/x`, where the walk reports
/// `proj/uv.lock`. Every reported path is put back under the root as given
/// (`proj/node_modules/x`), so table, JSON, SARIF and SBOMs agree.
pub(crate) struct AsGiven {
    /// (canonical root, root as given), where the two differ.
    pairs: Vec<(PathBuf, PathBuf)>,
}

impl AsGiven {
    pub(crate) fn new(roots: &[PathBuf]) -> AsGiven {
        let pairs = roots
            .iter()
            .filter_map(|r| {
                let canonical = std::fs::canonicalize(r).ok()?;
                (canonical != *r).then(|| (canonical, r.clone()))
            })
            .collect();
        AsGiven { pairs }
    }

    fn path(&self, p: &mut PathBuf) {
        for (canonical, given) in &self.pairs {
            if let Ok(rest) = p.strip_prefix(canonical) {
                *p = if rest.as_os_str().is_empty() {
                    given.clone()
                } else {
                    given.join(rest)
                };
                return;
            }
        }
    }

    fn text(&self, s: &mut String) {
        for (canonical, given) in &self.pairs {
            if Path::new(s.as_str()) == canonical {
                *s = given.display().to_string();
                return;
            }
            let from = format!("{}/", canonical.display());
            if s.contains(&from) {
                *s = s.replace(&from, &format!("{}/", given.display()));
            }
        }
    }

    pub(crate) fn inventory(&self, inv: &mut Inventory) {
        if self.pairs.is_empty() {
            return;
        }
        for s in &mut inv.sources {
            self.path(&mut s.path);
            s.properties.values_mut().for_each(|v| self.text(v));
        }
        for c in &mut inv.components {
            for l in &mut c.locations {
                self.path(&mut l.path);
            }
            c.properties.values_mut().for_each(|v| self.text(v));
        }
        for e in &mut inv.errors {
            self.path(&mut e.path);
            self.text(&mut e.message);
        }
    }

    pub(crate) fn findings(&self, findings: &mut [Finding]) {
        if self.pairs.is_empty() {
            return;
        }
        for f in findings {
            if let Some(l) = &mut f.location {
                self.path(&mut l.path);
            }
            self.text(&mut f.message);
            f.evidence.iter_mut().for_each(|e| self.text(e));
        }
    }
}

/// The scan root a discovered path lies under (the boundary no link may leave).
fn root_of(roots: &[PathBuf], path: &std::path::Path) -> PathBuf {
    roots
        .iter()
        .find(|r| path.starts_with(r))
        .cloned()
        .unwrap_or_else(|| path.to_path_buf())
}

/// What to analyze beyond the inventory.
pub(crate) struct AnalyzeOptions<'a> {
    pub(crate) config: &'a Config,
    pub(crate) now: jiff::Timestamp,
    pub(crate) advisories: Option<&'a chainwarden_advisories::AdvisoryDb>,
    pub(crate) scope: Scope,
}

/// Runs the analyzers over an inventory.
pub(crate) fn analyze(
    inv: &Inventory,
    found: &Discovered,
    opts: &AnalyzeOptions<'_>,
) -> Vec<Finding> {
    let mut findings = input_findings(inv, found);
    if let Some(db) = opts.advisories {
        match db.try_match_inventory(inv) {
            Ok(f) => findings.extend(f),
            Err(e) => findings.push(input_error_finding(&InputError::new(
                "advisory database",
                e.to_string(),
            ))),
        }
    }
    findings.extend(site_dir_checks(
        &found.site_dirs,
        SiteChecks {
            hooks: true,
            verify: opts.scope == Scope::Deep,
            deep_indicators: opts.scope == Scope::Deep,
        },
    ));
    if opts.scope == Scope::Deep {
        let inspection = crate::cmd::inspect::inspect_all(&inv.roots, None);
        findings.extend(crate::cmd::inspect::findings(&inspection).0);
    }
    findings.extend(chainwarden_npm::install_script_findings(inv));
    findings.extend(chainwarden_policy::evaluate(
        inv,
        &opts.config.policy,
        opts.now,
    ));
    findings.extend(chainwarden_policy::evaluate_manager_settings(
        &found.files,
        &opts.config.policy,
        opts.now,
    ));
    for path in found.files_of(FileKind::McpConfig) {
        // Parse errors were reported by the collector already.
        if let Ok(f) = chainwarden_mcp::inline_secret_findings(path) {
            findings.extend(f);
        }
    }
    findings
}

/// What to check in each installed Python environment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SiteChecks {
    /// `.pth` lines that execute, `sitecustomize`/`usercustomize`.
    pub(crate) hooks: bool,
    /// Re-hash every installed file against RECORD (indicator hashes are matched against every file).
    pub(crate) verify: bool,
    /// Read every installed file for indicator domains and URLs, not only top-level ones (slow).
    pub(crate) deep_indicators: bool,
}

/// Start-up hooks, integrity and indicators of compromise in every site dir.
/// Indicators are always matched: top-level files by default, every file
/// when verifying (reusing the hashes verify computed).
pub(crate) fn site_dir_checks(site_dirs: &[PathBuf], checks: SiteChecks) -> Vec<Finding> {
    use chainwarden_integrity::{IocScanOptions, IocSet, VerifyOptions};
    let matcher = IocSet::builtin().matcher();
    let what = if checks.verify {
        "verifying"
    } else {
        "checking"
    };
    let progress = crate::output::progress(site_dirs.len() as u64, what);
    let mut findings = Vec::new();
    for site in site_dirs {
        progress.set_message(site.display().to_string());
        let root = chainwarden_integrity::env_root_for(site);
        if checks.hooks {
            findings.extend(start_up_hooks(site, &root));
        }
        let verified = checks.verify.then(|| {
            chainwarden_integrity::verify_site_dir(site, &root, &VerifyOptions::default())
        });
        if let Some(r) = &verified {
            findings.extend(chainwarden_integrity::verify_findings(r));
            // A RECORD that could not be read (a FIFO, too large) is not "no RECORD".
            findings.extend(r.errors.iter().map(input_error_finding));
        }
        let opts = IocScanOptions {
            deep: checks.deep_indicators,
            ..Default::default()
        };
        let iocs =
            chainwarden_integrity::scan_site_dir(site, &root, &matcher, &opts, verified.as_ref());
        findings.extend(chainwarden_integrity::ioc_findings(&iocs));
        progress.inc(1);
    }
    progress.finish_and_clear();
    findings
}

/// `.pth` lines that execute and `sitecustomize`/`usercustomize`, each named
/// with the distribution whose RECORD lists it (RECORDs are read only when a
/// hook is reported).
fn start_up_hooks(site: &std::path::Path, env_root: &std::path::Path) -> Vec<Finding> {
    let ownership = std::cell::OnceCell::new();
    let owners = |rel: &str| {
        let own = ownership.get_or_init(|| chainwarden_integrity::read_ownership(site, env_root));
        own.owner_of(&site.join(rel))
            .map(|d| (d.package.name.clone(), d.package.version.clone()))
    };
    chainwarden_heuristics::audit_site_dir(site, &owners)
}

/// Evidence lines listed per exclude pattern at most.
const MAX_EXCLUDED_LISTED: usize = 20;

/// What could not be read, what was not walked and what was left out, as
/// findings: input errors, skipped trees, exclusions (one finding per
/// pattern), and files recognised but not readable (`bun.lockb`).
pub(crate) fn input_findings(inv: &Inventory, found: &Discovered) -> Vec<Finding> {
    let mut findings: Vec<Finding> = inv.errors.iter().map(input_error_finding).collect();
    let mut excluded: Vec<(&str, Vec<&Path>)> = Vec::new();
    for s in &found.skipped {
        let (rule, severity) = match &s.reason {
            SkipReason::Excluded { pattern } => {
                match excluded.iter_mut().find(|(p, _)| p == pattern) {
                    Some((_, paths)) => paths.push(&s.path),
                    None => excluded.push((pattern, vec![&s.path])),
                }
                continue;
            }
            SkipReason::BuildOutput => (&crate::rules::INPUT_SKIPPED, Severity::Info),
            _ => (
                &crate::rules::INPUT_SKIPPED,
                crate::rules::INPUT_SKIPPED.default_severity,
            ),
        };
        findings.push(
            Finding::new(rule, format!("not walked: {}", s.reason.describe()))
                .severity(severity)
                .location(Location::file(&s.path)),
        );
    }
    for (pattern, paths) in excluded {
        let mut f = Finding::new(
            &crate::rules::INPUT_EXCLUDED,
            format!(
                "{} path(s) excluded by the pattern `{pattern}`",
                paths.len()
            ),
        );
        for p in paths.iter().take(MAX_EXCLUDED_LISTED) {
            f = f.evidence(p.display().to_string());
        }
        if paths.len() > MAX_EXCLUDED_LISTED {
            f = f.evidence(format!("… and {} more", paths.len() - MAX_EXCLUDED_LISTED));
        }
        findings.push(f);
    }
    for path in found.files_of(FileKind::BunLockb) {
        let text_twin = path.with_file_name("bun.lock");
        let f = Finding::new(
            &crate::rules::INPUT_UNSUPPORTED,
            "bun.lockb is bun's binary lockfile: chainwarden does not read it, so the packages it locks are not checked",
        )
        .location(Location::file(path));
        findings.push(if text_twin.is_file() {
            f.severity(Severity::Info).evidence(
                "bun.lock beside it is read instead; delete bun.lockb once bun uses bun.lock",
            )
        } else {
            f
        });
    }
    findings
}

pub(crate) fn input_error_finding(e: &InputError) -> Finding {
    Finding::new(&crate::rules::INPUT_MALFORMED, e.message.clone())
        .location(Location::file(&e.path))
}
