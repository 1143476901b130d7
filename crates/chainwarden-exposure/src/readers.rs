//! One reader per credential file format. Each takes the file's text and
//! returns what it holds, never the values.

use crate::model::{Exposure, ExposureKind};
use crate::patterns;
use crate::secret::Secret;
use crate::ssh;
use std::path::Path;

/// Values that are templates, references or examples, not secrets.
pub(crate) fn is_placeholder(value: &str) -> bool {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    let lower = v.to_ascii_lowercase();
    v.len() < 6
        || v.starts_with('$')
        || v.starts_with('<')
        || v.starts_with('{')
        || v.chars().all(|c| c == v.chars().next().unwrap_or('x'))
        || [
            "your",
            "example",
            "changeme",
            "change_me",
            "change-me",
            "placeholder",
            "xxxx",
            "****",
            "dummy",
            "replace",
            "todo",
            "redacted",
            "...",
            "secret_here",
            "insert",
        ]
        .iter()
        .any(|p| lower.contains(p))
}

/// Recognised API keys in free text (history, `.env`), one exposure each.
pub(crate) fn keys_in_text(
    kind: ExposureKind,
    path: &Path,
    text: &str,
    what: &str,
) -> Vec<Exposure> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for k in patterns::find_keys(line) {
            let mut e = Exposure::new(kind, path, format!("{} key in {what}", k.format))
                .line(i + 1)
                .fingerprint(Secret::new(k.value).fingerprint());
            e.key_format = Some(k.format);
            out.push(e);
        }
    }
    out
}

pub(crate) fn ssh_key(path: &Path, text: &str) -> Option<Exposure> {
    let info = ssh::parse_private_key(text)?;
    let alg = if info.algorithm.is_empty() {
        String::new()
    } else {
        format!(" {}", info.algorithm)
    };
    let mut e = Exposure::new(
        ExposureKind::SshPrivateKey,
        path,
        format!(
            "{}{alg} private key, {}",
            info.format,
            if info.protected {
                "passphrase-protected"
            } else {
                "NOT passphrase-protected"
            }
        ),
    )
    .fingerprint(info.fingerprint);
    e.protected = Some(info.protected);
    Some(e)
}

/// `key = value` lines grouped by `[section]` (AWS files, `.pypirc`).
fn ini(text: &str) -> Vec<(String, usize, String, String)> {
    let mut section = String::new();
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
            continue;
        }
        if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = s.trim().to_string();
            continue;
        }
        if let Some((k, v)) = line.split_once('=').or_else(|| line.split_once(':')) {
            out.push((
                section.clone(),
                i + 1,
                k.trim().to_ascii_lowercase(),
                v.trim().to_string(),
            ));
        }
    }
    out
}

/// `~/.aws/credentials` and `~/.aws/config`: one exposure per profile with a
/// secret access key (AWS documentation example keys excluded).
pub(crate) fn aws(path: &Path, text: &str) -> Vec<Exposure> {
    let entries = ini(text);
    let mut out: Vec<Exposure> = Vec::new();
    for (section, line, key, value) in &entries {
        if key != "aws_secret_access_key" || is_placeholder(value) || value.contains("EXAMPLE") {
            continue;
        }
        let profile = section.trim_start_matches("profile ").to_string();
        let key_id = entries
            .iter()
            .find(|(s, _, k, _)| s == section && k == "aws_access_key_id");
        if key_id.is_some_and(|(_, _, _, v)| v.contains("EXAMPLE")) {
            continue;
        }
        let temporary = entries
            .iter()
            .any(|(s, _, k, _)| s == section && k == "aws_session_token");
        let id_kind = key_id.map_or("", |(_, _, _, v)| {
            if v.starts_with("ASIA") {
                " (temporary ASIA key)"
            } else if v.starts_with("AKIA") {
                " (long-term AKIA key)"
            } else {
                ""
            }
        });
        out.push(
            Exposure::new(
                ExposureKind::AwsCredentials,
                path,
                format!(
                    "profile `{profile}`: secret access key{id_kind}{}",
                    if temporary { " with session token" } else { "" }
                ),
            )
            .line(*line)
            .fingerprint(Secret::new(value.as_bytes()).fingerprint()),
        );
    }
    out
}

/// gcloud application default credentials or a service-account key file.
pub(crate) fn gcp_json(path: &Path, text: &str) -> Option<Exposure> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).filter(|s| !s.is_empty());
    let (what, secret) = if let Some(pk) = field("private_key") {
        let email = field("client_email").unwrap_or("unknown account");
        (format!("service-account key for {email}"), pk)
    } else if let Some(rt) = field("refresh_token") {
        (
            "user refresh token (application default credentials)".to_string(),
            rt,
        )
    } else {
        return None;
    };
    Some(
        Exposure::new(ExposureKind::GcpCredentials, path, what)
            .fingerprint(Secret::new(secret.as_bytes()).fingerprint()),
    )
}

/// Azure CLI token caches: present and not empty.
pub(crate) fn azure(path: &Path, text: &str) -> Option<Exposure> {
    let t = text.trim();
    if t.is_empty() || t == "[]" || t == "{}" {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    if !(lower.contains("token") || lower.contains("secret")) {
        return None;
    }
    Some(Exposure::new(
        ExposureKind::AzureTokens,
        path,
        "Azure CLI token cache (access/refresh tokens)",
    ))
}

/// kubeconfig: users with a token, client key or password.
pub(crate) fn kube(path: &Path, text: &str) -> Vec<Exposure> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim().trim_start_matches("- ").trim();
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let (k, v) = (k.trim(), v.trim().trim_matches(|c| c == '"' || c == '\''));
        let what = match k {
            "token" => "bearer token",
            "client-key-data" => "client certificate private key",
            "client-key" => "client key file reference",
            "password" => "password",
            "id-token" | "refresh-token" => "OIDC token",
            _ => continue,
        };
        if is_placeholder(v) {
            continue;
        }
        out.push(
            Exposure::new(
                ExposureKind::KubeConfig,
                path,
                format!("kubeconfig user {what}"),
            )
            .line(i + 1)
            .fingerprint(Secret::new(v.as_bytes()).fingerprint()),
        );
    }
    out
}

/// `~/.docker/config.json`: registries with an inline `auth` or identity token.
pub(crate) fn docker(path: &Path, text: &str) -> Vec<Exposure> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let Some(auths) = v.get("auths").and_then(|a| a.as_object()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (registry, entry) in auths {
        let secret = ["auth", "identitytoken", "password"].iter().find_map(|k| {
            entry
                .get(*k)
                .and_then(|x| x.as_str())
                .filter(|s| !s.is_empty())
        });
        if let Some(s) = secret {
            out.push(
                Exposure::new(
                    ExposureKind::DockerAuth,
                    path,
                    format!("registry `{registry}`: inline credentials"),
                )
                .fingerprint(Secret::new(s.as_bytes()).fingerprint()),
            );
        }
    }
    out
}

/// `.npmrc`: `_authToken`, `_auth`, `_password` with literal values
/// (`${NPM_TOKEN}` references are not secrets).
pub(crate) fn npmrc(path: &Path, text: &str) -> Vec<Exposure> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let k = k.trim();
        let name = k.rsplit(':').next().unwrap_or(k);
        if !matches!(name, "_authToken" | "_auth" | "_password") || is_placeholder(v) {
            continue;
        }
        let scope = k.strip_suffix(name).unwrap_or("").trim_end_matches(':');
        let scope = if scope.is_empty() {
            "default registry"
        } else {
            scope
        };
        out.push(
            Exposure::new(ExposureKind::NpmToken, path, format!("{name} for {scope}"))
                .line(i + 1)
                .fingerprint(Secret::new(v.trim().as_bytes()).fingerprint()),
        );
    }
    out
}

/// `.pypirc`: repositories with a password (or API token).
pub(crate) fn pypirc(path: &Path, text: &str) -> Vec<Exposure> {
    ini(text)
        .into_iter()
        .filter(|(_, _, k, v)| k == "password" && !is_placeholder(v))
        .map(|(section, line, _, v)| {
            let token = if v.starts_with("pypi-") {
                "API token"
            } else {
                "password"
            };
            Exposure::new(
                ExposureKind::PypiCredentials,
                path,
                format!("repository `{section}`: {token}"),
            )
            .line(line)
            .fingerprint(Secret::new(v.as_bytes()).fingerprint())
        })
        .collect()
}

/// git credential store: `https://user:secret@host` per line.
pub(crate) fn git_credentials(path: &Path, text: &str) -> Vec<Exposure> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        let Some((scheme, rest)) = line.split_once("://") else {
            continue;
        };
        let Some((userinfo, host)) = rest.rsplit_once('@') else {
            continue;
        };
        let Some((_, secret)) = userinfo.split_once(':') else {
            continue;
        };
        if secret.is_empty() {
            continue;
        }
        let host = host.split('/').next().unwrap_or(host);
        out.push(
            Exposure::new(
                ExposureKind::GitCredentials,
                path,
                format!("stored credential for {scheme}://{host}"),
            )
            .line(i + 1)
            .fingerprint(Secret::new(secret.as_bytes()).fingerprint()),
        );
    }
    out
}

/// `.netrc`: `machine` entries with a `password` token.
pub(crate) fn netrc(path: &Path, text: &str) -> Vec<Exposure> {
    let mut out = Vec::new();
    let mut machine = String::from("default");
    let mut machine_line = 1;
    for (i, line) in text.lines().enumerate() {
        let mut tokens = line.split_whitespace();
        while let Some(t) = tokens.next() {
            match t {
                "machine" => {
                    machine = tokens.next().unwrap_or("").to_string();
                    machine_line = i + 1;
                }
                "default" => machine = "default".to_string(),
                "password" => {
                    let Some(secret) = tokens.next() else { break };
                    out.push(
                        Exposure::new(
                            ExposureKind::Netrc,
                            path,
                            format!("password for machine `{machine}`"),
                        )
                        .line(machine_line.max(1))
                        .fingerprint(Secret::new(secret.as_bytes()).fingerprint()),
                    );
                }
                _ => {}
            }
        }
    }
    out
}

/// `.env` files: recognised key formats anywhere, plus secret-named variables
/// with real-looking values. Templates (`.env.example`…) only count
/// recognised key formats.
pub(crate) fn dotenv(path: &Path, text: &str, template: bool) -> Vec<Exposure> {
    let mut out = keys_in_text(ExposureKind::DotenvSecret, path, text, "a .env file");
    if template {
        return out;
    }
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let line = line.strip_prefix("export ").unwrap_or(line);
        if line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let name = k.trim().to_ascii_uppercase();
        let secretish = [
            "KEY",
            "TOKEN",
            "SECRET",
            "PASSWORD",
            "PASSWD",
            "CREDENTIAL",
            "AUTH",
            "PRIVATE",
        ]
        .iter()
        .any(|s| name.contains(s));
        let v = v.trim().trim_matches(|c| c == '"' || c == '\'');
        if !secretish
            || is_placeholder(v)
            || out.iter().any(|e| e.line == u32::try_from(i + 1).ok())
        {
            continue;
        }
        out.push(
            Exposure::new(
                ExposureKind::DotenvSecret,
                path,
                format!("variable `{}` holds a value", k.trim()),
            )
            .line(i + 1)
            .fingerprint(Secret::new(v.as_bytes()).fingerprint()),
        );
    }
    out
}
