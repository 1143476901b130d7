//! `hook/npm-install-script`: installed packages that declare scripts npm
//! runs at install time (`preinstall`, `install`, `postinstall`, `prepare`
//! for git dependencies, or an implicit `node-gyp rebuild`). The script text
//! is kept as evidence for the heuristics engine to grade.

use crate::node_modules::INSTALL_SCRIPTS;
use chainwarden_core::{ComponentId, Ecosystem, Finding, Inventory, RuleMeta, Severity};

/// An npm package runs a script when it is installed.
pub const NPM_INSTALL_SCRIPT: RuleMeta = RuleMeta {
    id: "hook/npm-install-script",
    summary: "An installed npm package declares an install-time script (preinstall, install, postinstall)",
    default_severity: Severity::Medium,
    why: "npm runs these scripts with the installing user's rights on every install, before any code review; \
          most supply-chain worms (credential stealers, self-spreading tokens) start there.",
    fix: "Check the script text; install with `--ignore-scripts` (or `ignore-scripts=true` in .npmrc) and \
          allow scripts only for packages you trust.",
};

/// Longest script text quoted in a finding's evidence.
const MAX_EVIDENCE_CHARS: usize = 200;

fn truncate(s: &str) -> String {
    match s.char_indices().nth(MAX_EVIDENCE_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// One finding per npm component that carries install-script properties
/// (set by the `node_modules` collector).
pub fn install_script_findings(inv: &Inventory) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, c) in inv.components.iter().enumerate() {
        if c.package.ecosystem != Ecosystem::Npm {
            continue;
        }
        let scripts: Vec<(&str, &String)> = INSTALL_SCRIPTS
            .iter()
            .filter_map(|s| c.properties.get(&format!("script.{s}")).map(|t| (*s, t)))
            .collect();
        if scripts.is_empty() {
            continue;
        }
        let names: Vec<&str> = scripts.iter().map(|(s, _)| *s).collect();
        let mut f = Finding::new(
            &NPM_INSTALL_SCRIPT,
            format!(
                "{}@{} runs an install script ({})",
                c.package.name,
                c.package.version,
                names.join(", ")
            ),
        )
        .component(ComponentId(i), &c.package);
        if let Some(loc) = c.locations.first() {
            f = f.location(loc.clone());
        }
        for (s, text) in scripts {
            f = f.evidence(format!("{s}: {}", truncate(text)));
        }
        if let Some(why) = c.properties.get("script.implicit") {
            f = f.evidence(format!("implicit `node-gyp rebuild` ({why} present)"));
        }
        out.push(f);
    }
    out
}
