//! File-level flows: weak signals joined in one file (across decoded layers)
//! become one strong derived hit. A credential read alone is weak; several
//! stores plus a network send is the stealer flow.

use crate::engine::RawHit;
use crate::families::{capability, credentials, destination, download_exec, install};
use crate::rule::{Family, Hit, Rule, snippet};
use chainwarden_core::Severity;
use std::collections::BTreeSet;

/// Derived hits for one file.
pub(crate) fn file_flows(path: &str, install_script: bool, hits: &[RawHit]) -> Vec<Hit> {
    let has = |r: &Rule| hits.iter().any(|h| h.hit.rule.meta.id == r.meta.id);
    let first = |r: &Rule| hits.iter().find(|h| h.hit.rule.meta.id == r.meta.id);
    let mut out = Vec::new();

    let network = has(&capability::NETWORK);
    let url = has(&capability::URL);
    let destination = hits.iter().any(|h| h.hit.family == Family::Destination);
    let process = has(&capability::PROCESS);
    let exec = has(&capability::EXEC);
    let chmod = has(&capability::CHMOD_EXEC);
    let write = has(&capability::FILE_WRITE);
    let persistence = hits.iter().any(|h| h.hit.family == Family::Persistence);

    // Credential stores read in this file, by category.
    let stores: BTreeSet<&str> = hits
        .iter()
        .filter(|h| h.hit.family == Family::Credentials)
        .map(|h| h.hit.rule.meta.id)
        .collect();
    let cred_sum: f32 = stores
        .iter()
        .map(|id| credentials::category_weight(id))
        .sum();
    let hidden = hits
        .iter()
        .any(|h| h.hit.family == Family::Credentials && h.hit.layer > 0);
    // A real send (a call or a stealer host) needs fewer stores than a bare
    // URL literal, unless the stores were hidden behind an encoding.
    let sends = network || destination;
    // One credential store is enough when it goes to a stealer host by a real call.
    let to_stealer_host = destination && network && cred_sum >= 1.0;
    if (cred_sum >= 3.0 && (sends || (url && (hidden || cred_sum >= 5.0)))) || to_stealer_host {
        let severity = if hidden || destination {
            Severity::Critical
        } else {
            Severity::High
        };
        let names: Vec<&str> = stores
            .iter()
            .map(|id| id.trim_start_matches("heuristic/credentials-"))
            .collect();
        let send = if destination {
            "a stealer destination"
        } else if network {
            "a network call"
        } else {
            "a URL"
        };
        let anchor = hits
            .iter()
            .filter(|h| h.hit.family == Family::Credentials)
            .min_by_key(|h| h.hit.line);
        if let Some(a) = anchor {
            let layer = hits
                .iter()
                .filter(|h| h.hit.family == Family::Credentials)
                .map(|h| h.hit.layer)
                .max()
                .unwrap_or(0);
            let mut h = derived(
                &credentials::EXFIL,
                severity,
                path,
                a.hit.line,
                &format!("reads {} and has {send}", names.join(", ")),
                layer,
            );
            // Hidden behind an encoding or sent to a stealer host: no doubt left.
            if severity == Severity::Critical {
                h.confidence = chainwarden_core::Confidence::High;
            }
            out.push(h);
        }
    }

    // Fetch, make executable, and run it (directly or via a start-up file).
    if network && chmod && (process || write || persistence) {
        if let Some(a) = first(&capability::CHMOD_EXEC) {
            out.push(derived(
                &download_exec::FETCH_RUN,
                download_exec::FETCH_RUN.meta.default_severity,
                path,
                a.hit.line,
                "network fetch, chmod +x and a way to run it in one file",
                a.hit.layer,
            ));
        }
    } else if network
        && exec
        && !has(&download_exec::FETCH_EXEC)
        && let Some(a) = first(&capability::EXEC)
    {
        out.push(derived(
            &download_exec::FETCH_EVAL,
            download_exec::FETCH_EVAL.meta.default_severity,
            path,
            a.hit.line,
            &format!("network and {}", a.hit.snippet),
            a.hit.layer,
        ));
    }

    // A lookup of a name built from the machine's identity: DNS exfiltration.
    if has(&capability::HOST_IDENTITY)
        && let Some(a) = first(&capability::DNS_LOOKUP)
    {
        out.push(derived(
            &destination::DNS_EXFIL,
            destination::DNS_EXFIL.meta.default_severity,
            path,
            a.hit.line,
            &a.hit.snippet,
            a.hit.layer,
        ));
    }

    if install_script {
        install_flows(path, hits, &mut out);
    }
    out
}

/// setup.py: command overrides with payloads, top-level side effects.
fn install_flows(path: &str, hits: &[RawHit], out: &mut Vec<Hit>) {
    let strong = |h: &RawHit| {
        matches!(h.hit.family, Family::DownloadExec | Family::Obfuscation)
            && h.hit.severity >= Severity::Medium
            || h.hit.rule.meta.id == capability::NETWORK.meta.id
            || h.hit.rule.meta.id == capability::PROCESS.meta.id
    };
    let install_override = hits.iter().find(|h| {
        h.hit.rule.meta.id == install::CMDCLASS.meta.id
            && ["install", "develop", "egg_info"]
                .iter()
                .any(|w| h.hit.snippet.contains(w))
    });
    if let Some(o) = install_override
        && let Some(p) = hits.iter().find(|h| strong(h))
    {
        out.push(derived(
            &install::CMDCLASS_PAYLOAD,
            install::CMDCLASS_PAYLOAD.meta.default_severity,
            path,
            o.hit.line,
            &format!("{} + {}", o.hit.snippet, p.hit.snippet),
            0,
        ));
    }
    // Who installs where, sent over the network: an install-time beacon.
    if let Some(id) = hits
        .iter()
        .find(|h| h.hit.rule.meta.id == capability::HOST_IDENTITY.meta.id)
        && hits
            .iter()
            .any(|h| h.hit.rule.meta.id == capability::NETWORK.meta.id)
    {
        out.push(derived(
            &destination::HOST_BEACON,
            destination::HOST_BEACON.meta.default_severity,
            path,
            id.hit.line,
            &id.hit.snippet,
            id.hit.layer,
        ));
    }
    // A network call anywhere in setup.py: builds do not fetch from setup.py.
    if let Some(h) = hits.iter().find(|h| {
        !h.top_level && h.hit.layer == 0 && h.hit.rule.meta.id == capability::NETWORK.meta.id
    }) {
        out.push(derived(
            &install::SETUP_SIDE_EFFECT,
            Severity::High,
            path,
            h.hit.line,
            &h.hit.snippet,
            0,
        ));
        return;
    }
    for h in hits.iter().filter(|h| h.top_level && h.hit.layer == 0) {
        let id = h.hit.rule.meta.id;
        let severity = if id == capability::NETWORK.meta.id
            || id == capability::EXEC.meta.id
            || h.hit.family == Family::DownloadExec
            || (h.hit.family == Family::Obfuscation && h.hit.severity >= Severity::Medium)
        {
            Severity::High
        } else if id == capability::PROCESS.meta.id {
            Severity::Medium
        } else {
            continue;
        };
        out.push(derived(
            &install::SETUP_SIDE_EFFECT,
            severity,
            path,
            h.hit.line,
            &h.hit.snippet,
            0,
        ));
        break;
    }
}

fn derived(
    rule: &'static Rule,
    severity: Severity,
    path: &str,
    line: u32,
    what: &str,
    layer: u8,
) -> Hit {
    Hit {
        rule,
        severity,
        confidence: rule.confidence,
        path: path.to_string(),
        line,
        snippet: snippet(what),
        layer,
        family: rule.family,
    }
}
