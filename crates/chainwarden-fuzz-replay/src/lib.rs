//! Fuzz target bodies for every parser of untrusted input.
//!
//! Each `pub fn <target>(data: &[u8])` is what `fuzz/fuzz_targets/<target>.rs`
//! runs under libFuzzer (nightly, `cargo fuzz`), and what the stable test
//! `tests/replay.rs` feeds every kept input of `fuzz/corpus/<target>/` and
//! `fuzz/regressions/<target>/` to, so CI exercises the corpus on every run
//! without a nightly toolchain. A body passes when it returns: parsers may
//! reject the input, never panic. A few bodies also check a property the
//! parser documents (stated where it is checked).

mod advisories;
mod archive;
mod core;
mod gha;
mod heuristics;
mod integrity;
mod lockfile;
mod mcp;
mod npm;
mod policy;
mod python;

pub use crate::core::{
    core_excerpt, core_exclude, core_jsonc, core_purl, core_redact, core_version,
};
pub use advisories::{
    advisories_cvss, advisories_import_zip, advisories_kev, advisories_osv_json,
    advisories_osv_yaml,
};
pub use archive::{archive_metadata, archive_open};
pub use gha::{gha_actions_lock, gha_parse_uses, gha_uses_sites};
pub use heuristics::{heuristics_manifest, heuristics_pth, heuristics_scan_source};
pub use integrity::{integrity_ioc_toml, integrity_record};
pub use lockfile::lockfile_parse;
pub use mcp::{mcp_launched, mcp_parse};
pub use npm::npm_lockfile;
pub use policy::policy_manager_settings;
pub use python::{
    python_direct_url, python_marker, python_metadata_headers, python_metadata_stream,
    python_requirement, python_requirements_txt, python_requires_txt,
};

/// A fuzz target: its name (the file under `fuzz/fuzz_targets/` and the
/// folders under `fuzz/corpus/` and `fuzz/regressions/`) and its body.
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8]),
}

/// Every target, in the order `fuzz/README.md` lists them.
pub const TARGETS: &[Target] = &[
    Target {
        name: "core_jsonc",
        run: core_jsonc,
    },
    Target {
        name: "core_purl",
        run: core_purl,
    },
    Target {
        name: "core_version",
        run: core_version,
    },
    Target {
        name: "core_excerpt",
        run: core_excerpt,
    },
    Target {
        name: "core_exclude",
        run: core_exclude,
    },
    Target {
        name: "core_redact",
        run: core_redact,
    },
    Target {
        name: "python_metadata_headers",
        run: python_metadata_headers,
    },
    Target {
        name: "python_metadata_stream",
        run: python_metadata_stream,
    },
    Target {
        name: "python_requirement",
        run: python_requirement,
    },
    Target {
        name: "python_marker",
        run: python_marker,
    },
    Target {
        name: "python_requirements_txt",
        run: python_requirements_txt,
    },
    Target {
        name: "python_direct_url",
        run: python_direct_url,
    },
    Target {
        name: "python_requires_txt",
        run: python_requires_txt,
    },
    Target {
        name: "gha_uses_sites",
        run: gha_uses_sites,
    },
    Target {
        name: "gha_parse_uses",
        run: gha_parse_uses,
    },
    Target {
        name: "gha_actions_lock",
        run: gha_actions_lock,
    },
    Target {
        name: "mcp_parse",
        run: mcp_parse,
    },
    Target {
        name: "mcp_launched",
        run: mcp_launched,
    },
    Target {
        name: "policy_manager_settings",
        run: policy_manager_settings,
    },
    Target {
        name: "lockfile_parse",
        run: lockfile_parse,
    },
    Target {
        name: "npm_lockfile",
        run: npm_lockfile,
    },
    Target {
        name: "advisories_osv_json",
        run: advisories_osv_json,
    },
    Target {
        name: "advisories_osv_yaml",
        run: advisories_osv_yaml,
    },
    Target {
        name: "advisories_import_zip",
        run: advisories_import_zip,
    },
    Target {
        name: "advisories_kev",
        run: advisories_kev,
    },
    Target {
        name: "advisories_cvss",
        run: advisories_cvss,
    },
    Target {
        name: "integrity_record",
        run: integrity_record,
    },
    Target {
        name: "integrity_ioc_toml",
        run: integrity_ioc_toml,
    },
    Target {
        name: "heuristics_scan_source",
        run: heuristics_scan_source,
    },
    Target {
        name: "heuristics_pth",
        run: heuristics_pth,
    },
    Target {
        name: "heuristics_manifest",
        run: heuristics_manifest,
    },
    Target {
        name: "archive_open",
        run: archive_open,
    },
    Target {
        name: "archive_metadata",
        run: archive_metadata,
    },
];

/// Bytes as the text a parser taking `&str` would see (invalid UTF-8 replaced,
/// as a lossy reader would; strict readers reject it before parsing).
fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// Splits an input in two at its first NUL byte (the second part empty when
/// there is none), for entry points taking two strings.
fn split_nul(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}

/// The first byte picks one of `n` variants; the rest is the input.
fn pick(data: &[u8], n: usize) -> (usize, &[u8]) {
    match data.split_first() {
        Some((&b, rest)) => (usize::from(b) % n, rest),
        None => (0, data),
    }
}
