//! A realistic report: the defanged litellm 1.82.8 environment from
//! `shared/fixtures` plus a lockfile, with the findings a scan of it gives.

use chainwarden_core::finding::{AdvisoryInfo, KevInfo, RuleMeta};
use chainwarden_core::inventory::{Collected, InputError};
use chainwarden_core::{
    Component, ComponentId, Confidence, Ecosystem, Finding, Hash, Inventory, Location, Package,
    Severity, Source, SourceKind,
};
use chainwarden_report::{DataInfo, Report};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub(crate) const CREATED: &str = "2026-03-24T12:52:00.250+02:00";
pub(crate) const CREATED_UTC: &str = "2026-03-24T10:52:00Z";

pub(crate) const MALICIOUS: RuleMeta = RuleMeta {
    id: "advisory/malicious",
    summary: "A package version is known to be malicious",
    default_severity: Severity::Critical,
    why: "A malicious release runs attacker code on install or import and steals credentials.",
    fix: "Remove the package, rotate every credential the environment could read, reinstall a clean version.",
};
pub(crate) const VULNERABLE: RuleMeta = RuleMeta {
    id: "advisory/vulnerable",
    summary: "A package version has a known vulnerability",
    default_severity: Severity::High,
    why: "Known vulnerabilities are exploited in the wild, some within days.",
    fix: "Upgrade to a fixed version.",
};
pub(crate) const PTH_EXEC: RuleMeta = RuleMeta {
    id: "hook/pth-exec",
    summary: "A .pth file runs code at every Python start-up",
    default_severity: Severity::High,
    why: "Python executes `import` lines of .pth files in site-packages at every interpreter start.",
    fix: "Delete the .pth file and the package that installed it.",
};
pub(crate) const RULES: &[RuleMeta] = &[MALICIOUS, VULNERABLE, PTH_EXEC];

/// `shared/` beside the checkout (or `$CHAINWARDEN_SHARED`); worktrees sit
/// one level deeper, so fall back to the machine's `/work/shared`.
pub(crate) fn shared() -> PathBuf {
    let dir = chainwarden_testkit::shared_dir();
    if dir.is_dir() {
        dir
    } else {
        PathBuf::from("/work/shared")
    }
}

pub(crate) fn fixture_root() -> PathBuf {
    shared().join("fixtures/litellm-1.82.8")
}

fn sha256_file(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The inventory: one environment (litellm, openai, setuptools; litellm
/// requires openai) and one lockfile (litellm again, pinned with a hash).
pub(crate) fn inventory() -> Inventory {
    let root = fixture_root();
    let site = root.join("site-packages");
    let mut env = Source::new(SourceKind::PythonEnvironment, &site, "dist-info");
    env.python_version = Some("3.11".into());
    let dist = |name: &str, display: &str, version: &str| {
        let info = site.join(format!("{display}-{version}.dist-info"));
        let mut c = Component::new(
            Package::new(Ecosystem::PyPI, name, version),
            display,
            Location::file(&info),
        );
        c.hashes.push(Hash {
            algorithm: "sha256".into(),
            value: sha256_file(&info.join("RECORD")),
        });
        c.properties.insert("installer".into(), "pip".into());
        c
    };
    let mut litellm = dist("litellm", "litellm", "1.82.8");
    litellm.direct = Some(true);
    litellm.dependencies = vec![ComponentId(1)];
    litellm.properties.insert("license".into(), "MIT".into());
    let mut openai = dist("openai", "openai", "1.99.0");
    openai.direct = Some(false);
    openai
        .properties
        .insert("license".into(), "Apache-2.0".into());
    let mut setuptools = dist("setuptools", "setuptools", "80.9.0");
    setuptools.direct = Some(true);
    setuptools
        .properties
        .insert("license".into(), "MIT License (see LICENSE)".into());
    setuptools
        .properties
        .insert("editable".into(), "true".into());
    setuptools
        .properties
        .insert("url".into(), "file:///home/dev/src/setuptools".into());

    let lock_path = root.join("uv.lock");
    let lock = Source::new(SourceKind::Lockfile, &lock_path, "uv.lock");
    let mut locked = Component::new(
        Package::new(Ecosystem::PyPI, "LiteLLM", "1.82.8"),
        "LiteLLM",
        Location::line(&lock_path, 12),
    );
    locked.direct = Some(true);
    locked.hashes = vec![
        Hash {
            algorithm: "sha256".into(),
            value: "f62e0bc7a5cd0df4c0d5d0d5ee1b4bb51b1e7d76d7f1c82cba4a1b0a5d6c7e8f".into(),
        },
        // Not a digest any SBOM accepts: must be left out, not break output.
        Hash {
            algorithm: "crc32".into(),
            value: "deadbeef".into(),
        },
    ];

    let mut inv = Inventory {
        roots: vec![root],
        ..Inventory::default()
    };
    inv.push(Collected {
        source: env,
        components: vec![litellm, openai, setuptools],
    });
    inv.push(Collected {
        source: lock,
        components: vec![locked],
    });
    inv.errors.push(InputError::new(
        site.join("broken-0.1.dist-info/METADATA"),
        "not UTF-8",
    ));
    inv
}

/// One malicious-package advisory (in both sources), one vulnerability with
/// CVSS, a fixed version and KEV data, and one `.pth` hook without advisory.
pub(crate) fn findings(inv: &Inventory) -> Vec<Finding> {
    let malicious_advisory = AdvisoryInfo {
        id: "MAL-2026-2144".into(),
        aliases: vec!["GHSA-5mg7-485q-xm76".into(), "PYSEC-2026-2".into()],
        summary: "Malicious code in litellm (PyPI)".into(),
        references: vec![
            "https://github.com/BerriAI/litellm/issues/24518".into(),
            "https://futuresearch.ai/blog/litellm-pypi-supply-chain-attack/".into(),
        ],
        source: "ossf-malicious-packages".into(),
        published: Some("2026-03-24T11:15:14Z".into()),
        modified: Some("2026-03-26T09:53:17Z".into()),
        ..AdvisoryInfo::default()
    };
    let malicious = |id: usize| {
        let c = &inv.components[id];
        let mut f = Finding::new(&MALICIOUS, "litellm 1.82.8 is a known malicious release")
            .component(ComponentId(id), &c.package)
            .evidence("MAL-2026-2144: versions 1.82.7 and 1.82.8");
        f.advisory = Some(malicious_advisory.clone());
        f
    };
    let mut vulnerable = Finding::new(
        &VULNERABLE,
        "litellm 1.82.8: command injection by authenticated users (CVE-2026-42271)",
    )
    .component(ComponentId(0), &inv.components[0].package);
    vulnerable.advisory = Some(AdvisoryInfo {
        id: "GHSA-v4p8-mg3p-g94g".into(),
        aliases: vec!["CVE-2026-42271".into()],
        summary: "LiteLLM command injection".into(),
        fixed: vec!["1.83.7".into()],
        references: vec!["https://nvd.nist.gov/vuln/detail/CVE-2026-42271".into()],
        cvss: vec![
            "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H".into(),
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N".into(),
        ],
        source: "github".into(),
        kev: Some(KevInfo {
            cve: "CVE-2026-42271".into(),
            date_added: "2026-06-08".into(),
            due_date: "2026-06-22".into(),
            required_action: "Apply mitigations per vendor instructions.".into(),
        }),
        ..AdvisoryInfo::default()
    });
    let pth = inv.roots[0].join("site-packages/litellm_init.pth");
    let hook = Finding::new(
        &PTH_EXEC,
        "litellm_init.pth runs a base64-encoded payload at every Python start-up",
    )
    .severity(Severity::Critical)
    .confidence(Confidence::High)
    .component(ComponentId(0), &inv.components[0].package)
    .location(Location::line(pth, 1))
    .evidence("import line starting a subprocess with exec(base64.b64decode(...))");
    vec![hook, malicious(0), vulnerable, malicious(3)]
}

pub(crate) struct Owned {
    pub(crate) inventory: Inventory,
    pub(crate) findings: Vec<Finding>,
}

pub(crate) fn owned() -> Owned {
    let inventory = inventory();
    let findings = findings(&inventory);
    Owned {
        inventory,
        findings,
    }
}

impl Owned {
    pub(crate) fn report(&self) -> Report<'_> {
        let mut r = Report::new(
            &self.inventory,
            &self.findings,
            RULES,
            CREATED,
            self.inventory.roots[0].to_string_lossy(),
        );
        r.notes = vec!["advisory data is 3 days old".into()];
        r.advisory_data = Some(DataInfo {
            name: "osv".into(),
            date: "2026-03-21".into(),
            records: 412_345,
        });
        r
    }
}

/// Moves every path under `from` to `to`, so output that depends on path
/// lengths (the table shortens long paths) is the same on every machine.
pub(crate) fn relocate(owned: &mut Owned, to: &Path) {
    let from = fixture_root();
    let moved = |p: &mut PathBuf| {
        if let Ok(rest) = p.strip_prefix(&from) {
            *p = to.join(rest);
        }
    };
    let inv = &mut owned.inventory;
    inv.roots.iter_mut().for_each(moved);
    inv.sources.iter_mut().for_each(|s| moved(&mut s.path));
    for c in &mut inv.components {
        c.locations.iter_mut().for_each(|l| moved(&mut l.path));
    }
    inv.errors.iter_mut().for_each(|e| moved(&mut e.path));
    for f in &mut owned.findings {
        if let Some(l) = f.location.as_mut() {
            moved(&mut l.path);
        }
    }
}
