//! A credential written in a file the scanner reads (an index URL with a
//! password, a lockfile's `resolved` URL with a token): the repository or
//! environment itself leaks it, to everyone who can read it, whatever the
//! reports do (they print it masked).

use chainwarden_core::{Finding, Inventory, RuleMeta, Severity, SourceKind};

pub const URL_CREDENTIAL: RuleMeta = RuleMeta {
    id: "secret/url-credential",
    summary: "A lockfile, requirements file, workflow or installed package record has a credential written in it (a URL's password or token, a token in a URL path or parameter)",
    default_severity: Severity::High,
    why: "Lockfiles and requirements files are committed and copied into images and CI logs: a registry password or token written in a URL there is readable by everyone who can read the repository, and package managers copy it into every lockfile they regenerate. chainwarden prints it masked (`***`) but the file still holds it.",
    fix: "Rotate the credential, remove it from the file (and its git history), and give it to the tool another way: pip/uv read index passwords from keyring, `.netrc` or `PIP_INDEX_URL`/`UV_INDEX_<NAME>_PASSWORD`; npm, yarn and pnpm from an `.npmrc` `_authToken` set from the environment; cargo from `CARGO_REGISTRIES_<NAME>_TOKEN`; git from a credential helper.",
};

pub(crate) fn check(inv: &Inventory) -> Vec<Finding> {
    let mut out = Vec::new();
    // MCP configs have their own rule for what is written in them
    // (exposure/mcp-inline-secret, with fingerprints): not reported twice.
    for source in inv
        .sources
        .iter()
        .filter(|s| s.kind != SourceKind::McpConfig)
    {
        for e in &source.credentials {
            let file = e.location.path.file_name().map_or_else(
                || e.location.path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            let place = match e.location.line {
                Some(line) => format!("{file} at line {line}"),
                None => file,
            };
            let more = match e.occurrences {
                0 | 1 => String::new(),
                n => format!(" (and {} more place(s) in this source)", n - 1),
            };
            out.push(
                Finding::new(
                    &URL_CREDENTIAL,
                    format!("{} is written in {place}{more}", e.kind),
                )
                .location(e.location.clone())
                .evidence(format!("credential kind: {}", e.kind))
                .evidence(format!("occurrences: {}", e.occurrences)),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chainwarden_core::Source;
    use chainwarden_core::inventory::Collected;

    #[test]
    fn one_finding_per_kind_naming_file_line_and_count_never_the_value() {
        let text = "a\nresolved \"https://u:hunter2hunter2@r.example/a.tgz\"\nresolved \"https://u:hunter2hunter2@r.example/b.tgz\"\n";
        let mut inv = Inventory::default();
        inv.push(
            Collected {
                source: Source::new(SourceKind::Lockfile, "repo/yarn.lock", "yarn.lock"),
                components: Vec::new(),
            }
            .with_credentials_of(text),
        );
        let f = check(&inv);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "secret/url-credential");
        assert_eq!(f[0].severity, Severity::High);
        assert_eq!(
            f[0].message,
            "a password in a URL is written in yarn.lock at line 2 (and 1 more place(s) in this source)"
        );
        assert!(!serde_json::to_string(&f).unwrap().contains("hunter2"));
    }
}
