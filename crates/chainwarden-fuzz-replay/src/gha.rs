//! `chainwarden-gha`: workflow and action YAML, `uses:` values, `actions.lock`.

use crate::{pick, split_nul, text};
use chainwarden_core::discover::FileKind;

/// A workflow or (first byte odd) an action file.
pub fn gha_uses_sites(data: &[u8]) {
    let (kind, rest) = pick(data, 2);
    let kind = if kind == 1 {
        FileKind::Action
    } else {
        FileKind::Workflow
    };
    if let Ok(sites) = chainwarden_gha::uses_sites(kind, &text(rest)) {
        for s in sites {
            let _ = s.uses.ref_kind().is_pinned();
        }
    }
}

/// One `uses:` value.
pub fn gha_parse_uses(data: &[u8]) {
    let t = text(data);
    let u = chainwarden_gha::parse_uses(&t);
    let _ = u.ref_kind().as_str();
    let _ = u.raw();
}

/// `actions.lock`, then a lookup: workflow path NUL `uses:` value NUL lockfile.
pub fn gha_actions_lock(data: &[u8]) {
    let (workflow, rest) = split_nul(data);
    let (uses, lock) = split_nul(rest);
    if let Ok(l) = chainwarden_gha::ActionsLock::parse(&text(lock)) {
        let _ = l.state(&text(workflow), &text(uses));
        for dep in l.dependencies.values() {
            let _ = dep.commit_hex();
        }
    }
}
