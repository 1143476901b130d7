//! MCP server configurations (Claude Desktop, Claude Code `.mcp.json` and
//! `~/.claude.json`, Cursor, VS Code, Windsurf, Cline): each server started
//! through a package launcher (`npx`, `uvx`, `pipx run`, `bunx`, `pnpm dlx`,
//! `docker run`), directly or through a shell (`cmd /c`, `powershell
//! -Command`, `sh -c`, `bash -lc`), becomes a component (property `shell`
//! names the shell), matched against advisories like any other. These servers are fetched fresh at every start, outside every
//! lockfile: whether they are pinned is recorded for the policy to judge.
//!
//! Secrets written inline in a config are found here too, because only this
//! parser knows where a config keeps them; they are reported by kind and a
//! fingerprint, never by value.

mod launcher;
mod shell;

pub use launcher::{Launched, launched};

use chainwarden_core::fsutil::read_text;
use chainwarden_core::inventory::{Collected, InputError};
use chainwarden_core::{
    Component, Finding, Location, Package, RuleMeta, Severity, Source, SourceKind,
};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::Path;

const MAX_FILE: u64 = 8 * 1024 * 1024;

pub const INLINE_SECRET: RuleMeta = RuleMeta {
    id: "exposure/mcp-inline-secret",
    summary: "An API key or token is written inline in an MCP server configuration",
    default_severity: Severity::High,
    why: "MCP configs are copied between machines, committed to repositories and read by every tool the editor runs; an inline key leaks with them, and any stealer on the host reads it in one file.",
    fix: "Rotate the key, then reference it from the environment or the client's secret input (`${env:NAME}`, `${input:name}`) instead of writing it in the file.",
};

pub const RULES: &[RuleMeta] = &[INLINE_SECRET];

/// One server entry of a config.
#[derive(Debug, Clone)]
pub struct Server {
    pub name: String,
    pub line: u32,
    pub command: Option<String>,
    pub args: Vec<String>,
    /// `env` and `headers` entries, as (key, value).
    pub settings: Vec<(String, String)>,
    pub url: Option<String>,
}

fn line_of_key(text: &str, key: &str) -> u32 {
    let needle = format!("\"{key}\"");
    text.lines()
        .position(|l| {
            l.contains(&needle)
                && l[l.find(&needle).unwrap_or(0) + needle.len()..]
                    .trim_start()
                    .starts_with(':')
        })
        .map_or(1, |i| i as u32 + 1)
}

fn servers_in(map: Option<&Value>, text: &str, out: &mut Vec<Server>) {
    let Some(Value::Object(servers)) = map else {
        return;
    };
    for (name, v) in servers {
        let Value::Object(s) = v else { continue };
        let str_of = |k: &str| s.get(k).and_then(Value::as_str).map(str::to_string);
        let args = match s.get("args") {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        let mut settings = Vec::new();
        for key in ["env", "headers"] {
            if let Some(Value::Object(m)) = s.get(key) {
                settings.extend(
                    m.iter()
                        .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string()))),
                );
            }
        }
        out.push(Server {
            name: name.clone(),
            line: line_of_key(text, name),
            command: str_of("command"),
            args,
            settings,
            url: str_of("url").or_else(|| str_of("serverUrl")),
        });
    }
}

/// Parses a config file's text into its servers. Accepts comments and
/// trailing commas (VS Code writes JSONC).
pub fn parse(text: &str) -> Result<Vec<Server>, String> {
    let v: Value =
        serde_json::from_str(&chainwarden_core::jsonc::strip(text)).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    servers_in(v.get("mcpServers"), text, &mut out);
    servers_in(v.get("servers"), text, &mut out);
    servers_in(v.get("mcp").and_then(|m| m.get("servers")), text, &mut out);
    if let Some(Value::Object(projects)) = v.get("projects") {
        for p in projects.values() {
            servers_in(p.get("mcpServers"), text, &mut out);
        }
    }
    Ok(out)
}

fn read(path: &Path) -> Result<(String, Vec<Server>), InputError> {
    let text = read_text(path, MAX_FILE).map_err(|e| InputError::new(path, e.to_string()))?;
    let servers = parse(&text)
        .map_err(|e| InputError::new(path, format!("not a valid MCP configuration: {e}")))?;
    Ok((text, servers))
}

/// Collects the servers of one config file that fetch a package or image.
pub fn collect(path: &Path) -> Result<Collected, InputError> {
    let (_, servers) = read(path)?;
    let mut components = Vec::new();
    for s in servers {
        let Some(l) = s.command.as_deref().and_then(|c| launched(c, &s.args)) else {
            continue;
        };
        let mut c = Component::new(
            Package::new(l.ecosystem, &l.name, l.version.as_deref().unwrap_or("")),
            l.name.clone(),
            Location {
                path: path.to_path_buf(),
                line: Some(s.line),
                detail: Some(format!("server {}", s.name)),
            },
        );
        c.direct = Some(true);
        c.properties.insert("launcher".into(), l.launcher.into());
        c.properties.insert("spec".into(), l.spec.clone());
        c.properties.insert("mcp-server".into(), s.name.clone());
        c.properties.insert("pinned".into(), l.pinned.to_string());
        if let Some(shell) = &l.shell {
            c.properties.insert("shell".into(), shell.clone());
        }
        components.push(c);
    }
    Ok(Collected {
        source: Source::new(SourceKind::McpConfig, path, "mcp"),
        components,
    })
}

/// Known token shapes (published prefixes) that are secrets wherever they appear.
const TOKEN_PREFIXES: &[(&str, &str, usize)] = &[
    ("sk-ant-", "Anthropic API key", 40),
    ("sk-proj-", "OpenAI API key", 40),
    ("sk-", "OpenAI-style API key", 32),
    ("github_pat_", "GitHub fine-grained token", 40),
    ("ghp_", "GitHub personal access token", 36),
    ("gho_", "GitHub OAuth token", 36),
    ("ghs_", "GitHub app token", 36),
    ("hf_", "Hugging Face token", 30),
    ("xoxb-", "Slack bot token", 20),
    ("xoxp-", "Slack user token", 20),
    ("AKIA", "AWS access key id", 20),
    ("AIza", "Google API key", 39),
    ("glpat-", "GitLab token", 20),
];

fn secret_kind(key: &str, value: &str) -> Option<String> {
    let v = value.trim().trim_start_matches("Bearer ").trim();
    if v.is_empty()
        || v.contains("${")
        || v.starts_with('$')
        || v.starts_with('<')
        || v.starts_with('{')
    {
        return None;
    }
    if let Some((_, kind, min)) = TOKEN_PREFIXES
        .iter()
        .find(|(p, _, min)| v.starts_with(p) && v.len() >= *min)
    {
        let _ = min;
        return Some((*kind).to_string());
    }
    let k = key.to_ascii_uppercase();
    let secretish = [
        "KEY",
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "CREDENTIAL",
        "AUTHORIZATION",
        "PAT",
    ]
    .iter()
    .any(|w| {
        k.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|part| part == *w)
            || k.ends_with(w)
    });
    let placeholder = {
        let l = v.to_ascii_lowercase();
        l.contains("your")
            || l.contains("xxxx")
            || l.contains("changeme")
            || l.contains("example")
            || l.contains("placeholder")
    };
    let distinct = v.chars().collect::<std::collections::BTreeSet<_>>().len();
    (secretish && !placeholder && v.len() >= 16 && distinct >= 8 && !v.contains(' '))
        .then(|| format!("secret in `{key}`"))
}

/// The non-reversible fingerprint reports show instead of a secret.
pub fn fingerprint(secret: &str) -> String {
    let d = Sha256::digest(secret.trim().as_bytes());
    let hex: String = d.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// Secrets written inline in one config file (`env`, `headers`, `--api-key=` args).
pub fn inline_secret_findings(path: &Path) -> Result<Vec<Finding>, InputError> {
    let (_, servers) = read(path)?;
    let mut out = Vec::new();
    for s in &servers {
        let mut candidates: Vec<(String, String)> = s.settings.clone();
        let mut args = s.args.iter().peekable();
        while let Some(a) = args.next() {
            if let Some((flag, value)) = a.split_once('=').filter(|(f, _)| f.starts_with("--")) {
                candidates.push((flag.trim_start_matches('-').to_string(), value.to_string()));
            } else if a.starts_with("--")
                && (a.contains("key") || a.contains("token") || a.contains("secret"))
            {
                if let Some(v) = args.peek() {
                    candidates.push((a.trim_start_matches('-').to_string(), (*v).clone()));
                }
            } else {
                candidates.push((String::new(), a.clone()));
            }
        }
        if let Some(url) = &s.url {
            for pair in url.split(['?', '&']).skip(1) {
                if let Some((k, v)) = pair.split_once('=') {
                    candidates.push((k.to_string(), v.to_string()));
                }
            }
        }
        for (key, value) in candidates {
            if let Some(kind) = secret_kind(&key, &value) {
                let fp = fingerprint(value.trim().trim_start_matches("Bearer ").trim());
                out.push(
                    Finding::new(
                        &INLINE_SECRET,
                        format!("{kind} written inline for MCP server `{}`", s.name),
                    )
                    .location(Location {
                        path: path.to_path_buf(),
                        line: Some(s.line),
                        detail: Some(format!("server {}", s.name)),
                    })
                    .evidence(format!("fingerprint {fp}")),
                );
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Claude Desktop's documented shape (mcpServers → command/args/env).
    const CLAUDE_DESKTOP: &str = r#"{
  "mcpServers": {
    "filesystem": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem", "/Users/me/Desktop"]
    },
    "github": {
      "command": "docker",
      "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server"],
      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_R4nd0mT0k3nV4lu3F0rT3st1ngOnly0000"}
    },
    "fetch": {"command": "uvx", "args": ["mcp-server-fetch==2025.4.7"]},
    "local": {"command": "node", "args": ["/opt/server.js"]}
  }
}"#;

    // VS Code's `.vscode/mcp.json`: `servers`, inputs, comments allowed.
    const VSCODE: &str = r#"{
  // servers for this workspace
  "inputs": [{"type": "promptString", "id": "api-key", "password": true}],
  "servers": {
    "perplexity": {
      "type": "stdio",
      "command": "npx",
      "args": ["-y", "server-perplexity-ask@0.1.3"],
      "env": {"PERPLEXITY_API_KEY": "${input:api-key}"},
    },
    "remote": {"type": "http", "url": "https://api.example.com/mcp", "headers": {"Authorization": "Bearer sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH"}}
  }
}"#;

    fn write(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        (dir, p)
    }

    #[test]
    fn claude_desktop_servers_become_components() {
        let (_d, p) = write("claude_desktop_config.json", CLAUDE_DESKTOP);
        let c = collect(&p).unwrap();
        let got: Vec<(String, &str, u32)> = c
            .components
            .iter()
            .map(|c| {
                (
                    c.package.purl(),
                    c.properties["pinned"].as_str(),
                    c.locations[0].line.unwrap(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("pkg:pypi/mcp-server-fetch@2025.4.7".to_string(), "true", 12),
                (
                    "pkg:npm/%40modelcontextprotocol/server-filesystem".to_string(),
                    "false",
                    3
                ),
                (
                    "pkg:oci/github-mcp-server?repository_url=ghcr.io/github/github-mcp-server"
                        .to_string(),
                    "false",
                    7
                ),
            ]
        );
    }

    #[test]
    fn inline_secrets_are_fingerprinted_never_shown() {
        let (_d, p) = write("claude_desktop_config.json", CLAUDE_DESKTOP);
        let f = inline_secret_findings(&p).unwrap();
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("GitHub personal access token"));
        let all = serde_json::to_string(&f).unwrap();
        assert!(!all.contains("ghp_R4nd0m"), "{all}");
        assert!(all.contains("fingerprint sha256:"));
    }

    #[test]
    fn vscode_jsonc_inputs_are_not_secrets_headers_are() {
        let (_d, p) = write("mcp.json", VSCODE);
        let c = collect(&p).unwrap();
        assert_eq!(c.components.len(), 1);
        assert_eq!(c.components[0].package.version, "0.1.3");
        let f = inline_secret_findings(&p).unwrap();
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].message.contains("Anthropic") && f[0].message.contains("`remote`"));
    }

    #[test]
    fn decoys_are_not_secrets() {
        assert_eq!(secret_kind("API_KEY", "your-api-key-here-please"), None);
        assert_eq!(secret_kind("TOKEN", "${env:GITHUB_TOKEN}"), None);
        assert_eq!(secret_kind("LOG_LEVEL", "debugdebugdebugdebug"), None);
        assert_eq!(secret_kind("", "sk-short"), None);
        assert!(secret_kind("OPENAI_API_KEY", "q8Zr2LmN4vXt7YpK1sW9").is_some());
    }

    #[test]
    fn claude_code_user_config_projects() {
        let text = r#"{"projects": {"/home/me/p": {"mcpServers": {"x": {"command": "npx", "args": ["-y", "x-mcp@1.0.0"]}}}}}"#;
        let servers = parse(text).unwrap();
        assert_eq!(servers.len(), 1);
        assert_eq!(servers[0].name, "x");
    }

    #[test]
    fn malformed_config_names_the_file() {
        let (_d, p) = write(".mcp.json", "{\"mcpServers\": ");
        let e = collect(&p).unwrap_err();
        assert!(e.message.contains("not a valid MCP configuration"));
    }
}
