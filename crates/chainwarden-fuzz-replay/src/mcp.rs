//! `chainwarden-mcp`: MCP configs (JSONC) and launcher command lines.

use crate::text;

/// A whole MCP config; every server's command line goes through `launched`.
pub fn mcp_parse(data: &[u8]) {
    if let Ok(servers) = chainwarden_mcp::parse(&text(data)) {
        for s in servers {
            if let Some(cmd) = &s.command {
                let _ = chainwarden_mcp::launched(cmd, &s.args);
            }
            for (_, v) in &s.settings {
                let _ = chainwarden_mcp::fingerprint(v);
            }
        }
    }
}

/// `command` then NUL-separated `args`.
pub fn mcp_launched(data: &[u8]) {
    let mut parts = data.split(|&b| b == 0).map(|p| text(p).into_owned());
    let command = parts.next().unwrap_or_default();
    let args: Vec<String> = parts.collect();
    if let Some(l) = chainwarden_mcp::launched(&command, &args) {
        assert!(
            !l.name.is_empty(),
            "a launched package without a name: {l:?}"
        );
    }
}
