//! MCP servers started as `npx -y pkg` / `uvx pkg` run whatever the registry
//! serves at that moment, at every editor start, outside every lockfile.

use chainwarden_core::{ComponentId, Finding, Inventory, RuleMeta, Severity, SourceKind};

pub const MCP_UNPINNED: RuleMeta = RuleMeta {
    id: "policy/mcp-unpinned",
    summary: "An MCP server is launched from a package or image without an exact version or digest",
    default_severity: Severity::High,
    why: "`npx -y pkg` and `uvx pkg` fetch the newest release at every start: one malicious publish reaches every developer's editor, with the editor's access to code and credentials, before any advisory exists.",
    fix: "Pin the exact version (`npx -y pkg@1.2.3`, `uvx pkg==1.2.3`, `uvx --from pkg==1.2.3 cmd`) or the image digest (`image@sha256:…`), and update it deliberately.",
};

pub(crate) fn check(inv: &Inventory) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, c) in inv.components.iter().enumerate() {
        if inv.sources[c.source.0].kind != SourceKind::McpConfig
            || c.properties.get("pinned").map(String::as_str) != Some("false")
        {
            continue;
        }
        let server = c.properties.get("mcp-server").map_or("?", String::as_str);
        let launcher = c.properties.get("launcher").map_or("?", String::as_str);
        let spec = c
            .properties
            .get("spec")
            .map_or(c.display_name.as_str(), String::as_str);
        let mut f = Finding::new(
            &MCP_UNPINNED,
            format!("MCP server `{server}` runs `{launcher} {spec}` without an exact version"),
        )
        .component(ComponentId(i), &c.package);
        if let Some(l) = c.locations.first() {
            f = f.location(l.clone());
        }
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::inventory;
    use chainwarden_core::Ecosystem;

    #[test]
    fn unpinned_servers_only() {
        let inv = inventory(
            SourceKind::McpConfig,
            ".mcp.json",
            &[
                (
                    Ecosystem::Npm,
                    "some-server",
                    "",
                    &[
                        ("pinned", "false"),
                        ("mcp-server", "s"),
                        ("launcher", "npx"),
                        ("spec", "some-server"),
                    ],
                ),
                (Ecosystem::Npm, "other", "1.0.0", &[("pinned", "true")]),
            ],
        );
        let f = check(&inv);
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].message,
            "MCP server `s` runs `npx some-server` without an exact version"
        );
    }
}
