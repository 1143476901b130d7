//! How an MCP server is started: `npx -y pkg@1.2.3`, `uvx --from pkg==1.0 cmd`,
//! `docker run -i --rm image@sha256:…`. Parsed from `command` + `args`, as the
//! client would run them, to the package (or image) that gets fetched; a
//! launcher started through a shell (`cmd /c npx …`) is read through it.

use chainwarden_core::Ecosystem;
use chainwarden_core::oci::{is_digest, split_image};

/// The package or image a launcher fetches and runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launched {
    pub launcher: &'static str,
    pub ecosystem: Ecosystem,
    pub name: String,
    /// The exact version or digest, when the spec names one.
    pub version: Option<String>,
    /// The spec as written (`pkg@latest`, `pkg>=1`).
    pub spec: String,
    /// True when the spec names one immutable version (or a digest for images).
    pub pinned: bool,
    /// The shell the launcher was started through (`cmd`, `powershell`,
    /// `bash`…), outermost first when nested.
    pub shell: Option<String>,
}

/// Most shell layers read around one launcher (`cmd /c sh -c "npx …"`).
const MAX_SHELL_DEPTH: usize = 4;

fn basename(cmd: &str) -> &str {
    let base = cmd.rsplit(['/', '\\']).next().unwrap_or(cmd);
    base.strip_suffix(".cmd")
        .or_else(|| base.strip_suffix(".exe"))
        .unwrap_or(base)
}

/// Options that take a value, per launcher (so the value is not taken for the package).
fn takes_value(launcher: &str, flag: &str) -> bool {
    match launcher {
        "npx" | "npm exec" => matches!(
            flag,
            "-p" | "--package"
                | "-c"
                | "--call"
                | "--registry"
                | "--cache"
                | "--userconfig"
                | "-w"
                | "--workspace"
        ),
        "bunx" => matches!(flag, "-p" | "--package"),
        "pnpm dlx" | "yarn dlx" => {
            matches!(flag, "-p" | "--package" | "--reporter" | "-C" | "--dir")
        }
        "uvx" | "uv tool run" => matches!(
            flag,
            "--from"
                | "--with"
                | "--with-editable"
                | "--with-requirements"
                | "--python"
                | "-p"
                | "--index"
                | "--index-url"
                | "--extra-index-url"
                | "--default-index"
                | "--find-links"
                | "-f"
                | "--directory"
                | "--project"
                | "--config-file"
                | "--cache-dir"
                | "-w"
                | "--constraints"
                | "-c"
                | "--overrides"
        ),
        "pipx run" => matches!(
            flag,
            "--spec" | "--python" | "--pip-args" | "--index-url" | "-i" | "--backend"
        ),
        "docker run" | "podman run" => matches!(
            flag,
            "-e" | "--env"
                | "--env-file"
                | "-v"
                | "--volume"
                | "--name"
                | "--network"
                | "--net"
                | "-p"
                | "--publish"
                | "--entrypoint"
                | "-w"
                | "--workdir"
                | "-u"
                | "--user"
                | "--mount"
                | "-l"
                | "--label"
                | "--platform"
                | "--pull"
                | "--cpus"
                | "-m"
                | "--memory"
                | "--add-host"
                | "--cap-add"
                | "--cap-drop"
                | "--device"
                | "--dns"
                | "-h"
                | "--hostname"
                | "--ipc"
                | "--pid"
                | "--restart"
                | "--runtime"
                | "--security-opt"
                | "--shm-size"
                | "--tmpfs"
                | "--ulimit"
                | "--log-driver"
                | "--log-opt"
                | "--gpus"
                | "--group-add"
        ),
        _ => false,
    }
}

/// Splits `command args…` into the launcher and the arguments after it.
fn launcher_of<'a>(command: &'a str, args: &'a [String]) -> Option<(&'static str, &'a [String])> {
    let first = args.first().map(String::as_str);
    let second = args.get(1).map(String::as_str);
    Some(match (basename(command), first, second) {
        ("npx", ..) => ("npx", args),
        ("npm", Some("exec" | "x"), _) => ("npm exec", &args[1..]),
        ("bunx", ..) => ("bunx", args),
        ("bun", Some("x"), _) => ("bunx", &args[1..]),
        ("pnpm", Some("dlx"), _) | ("pnpx", ..) => (
            "pnpm dlx",
            if basename(command) == "pnpx" {
                args
            } else {
                &args[1..]
            },
        ),
        ("yarn", Some("dlx"), _) => ("yarn dlx", &args[1..]),
        ("uvx", ..) => ("uvx", args),
        ("uv", Some("tool"), Some("run")) => ("uv tool run", &args[2..]),
        ("pipx", Some("run"), _) => ("pipx run", &args[1..]),
        ("docker", Some("run"), _) => ("docker run", &args[1..]),
        ("podman", Some("run"), _) => ("podman run", &args[1..]),
        _ => return None,
    })
}

/// Walks the arguments: returns the explicit package option (`-p`, `--from`,
/// `--spec`) if any, else the first positional argument.
fn package_arg(launcher: &str, args: &[String]) -> Option<String> {
    let explicit: &[&str] = match launcher {
        "npx" | "npm exec" | "bunx" | "pnpm dlx" | "yarn dlx" => &["-p", "--package"],
        "uvx" | "uv tool run" => &["--from"],
        "pipx run" => &["--spec"],
        _ => &[],
    };
    let mut i = 0;
    let mut first_positional = None;
    while i < args.len() {
        let a = args[i].as_str();
        if a == "--" {
            first_positional = first_positional.or_else(|| args.get(i + 1).cloned());
            break;
        }
        if let Some((flag, value)) = a.split_once('=').filter(|(f, _)| f.starts_with('-')) {
            if explicit.contains(&flag) {
                return Some(value.to_string());
            }
            i += 1;
            continue;
        }
        if a.starts_with('-') && a.len() > 1 {
            if explicit.contains(&a) {
                return args.get(i + 1).cloned();
            }
            i += if takes_value(launcher, a) { 2 } else { 1 };
            continue;
        }
        first_positional = Some(a.to_string());
        break;
    }
    first_positional
}

/// An npm spec `name`, `name@ver`, `@scope/name@ver` → (name, version part).
fn split_npm(spec: &str) -> (String, Option<String>) {
    let (scope, rest) = match spec.strip_prefix('@') {
        Some(r) => r.split_once('/').map_or(("", spec), |(s, n)| (s, n)),
        None => ("", spec),
    };
    let (name, ver) = match rest.split_once('@') {
        Some((n, v)) => (n, Some(v.to_string())),
        None => (rest, None),
    };
    let full = if scope.is_empty() {
        name.to_string()
    } else {
        format!("@{scope}/{name}")
    };
    (full, ver)
}

/// A PyPI spec `name`, `name==1.0`, `name@1.0` (uvx), `name[extra]>=1` → (name, exact version).
fn split_pypi(spec: &str) -> (String, Option<String>, bool) {
    let spec = spec.trim();
    if let Some((n, v)) = spec.split_once("===").or_else(|| spec.split_once("==")) {
        let v = v.trim();
        let exact = !v.contains('*') && !v.contains(',') && !v.contains(';');
        return (strip_extras(n), Some(v.to_string()), exact);
    }
    if let Some((n, v)) = spec.split_once('@')
        && !v.contains("://")
        && !v.trim().is_empty()
    {
        // uvx's `pkg@1.2.3` means ==1.2.3; `pkg@latest` is not a version.
        let v = v.trim();
        let exact = v != "latest";
        return (strip_extras(n), exact.then(|| v.to_string()), exact);
    }
    let end = spec
        .find(|c: char| {
            !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '[' | ']' | ','))
        })
        .unwrap_or(spec.len());
    (strip_extras(&spec[..end]), None, false)
}

fn strip_extras(name: &str) -> String {
    name.split('[').next().unwrap_or(name).trim().to_string()
}

fn is_exact_semver(v: &str) -> bool {
    let v = v.strip_prefix('v').unwrap_or(v);
    let core = v.split(['-', '+']).next().unwrap_or(v);
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The package a server's `command` + `args` fetch, or `None` for a local
/// command (or a spec naming no package, such as `""` or `@1.0`). A
/// launcher behind up to [`MAX_SHELL_DEPTH`] shells (`cmd /c`,
/// `powershell -Command`, `sh -c`, `bash -lc`, `env`), or written whole in
/// `command` (`"npx -y pkg"`), is found through them.
pub fn launched(command: &str, args: &[String]) -> Option<Launched> {
    launched_within(command, args, 0)
}

/// [`launched`] at shell depth `depth`: the first simple command a shell
/// runs that launches a package, outermost shell named.
fn launched_within(command: &str, args: &[String], depth: usize) -> Option<Launched> {
    if let Some(l) = launched_directly(command, args) {
        return Some(l);
    }
    if depth >= MAX_SHELL_DEPTH {
        return None;
    }
    let (shell, commands) = match crate::shell::unwrap(command, args) {
        Some(commands) => (Some(basename(command).to_ascii_lowercase()), commands),
        // A whole command line in `command`, nothing in `args`.
        None if args.is_empty() && command.trim().contains(char::is_whitespace) => {
            (None, crate::shell::split_command_line(command)?)
        }
        None => return None,
    };
    commands.iter().find_map(|(c, a)| {
        let l = launched_within(c, a, depth + 1)?;
        Some(Launched {
            shell: shell.clone().or(l.shell.clone()),
            ..l
        })
    })
}

fn launched_directly(command: &str, args: &[String]) -> Option<Launched> {
    let (launcher, rest) = launcher_of(command, args)?;
    let spec = package_arg(launcher, rest)?;
    let l = match launcher {
        "uvx" | "uv tool run" | "pipx run" => {
            let (name, version, pinned) = split_pypi(&spec);
            Launched {
                launcher,
                ecosystem: Ecosystem::PyPI,
                name,
                version,
                spec,
                pinned,
                shell: None,
            }
        }
        "docker run" | "podman run" => {
            let (name, reference) = split_image(&spec);
            let pinned = reference.as_deref().is_some_and(is_digest);
            Launched {
                launcher,
                ecosystem: Ecosystem::Oci,
                name,
                version: reference,
                spec,
                pinned,
                shell: None,
            }
        }
        _ => {
            let (name, version) = split_npm(&spec);
            let pinned = version.as_deref().is_some_and(is_exact_semver);
            Launched {
                launcher,
                ecosystem: Ecosystem::Npm,
                name,
                version,
                spec,
                pinned,
                shell: None,
            }
        }
    };
    // A component without a name cannot be matched or judged.
    (!l.name.is_empty()).then_some(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(cmd: &str, args: &[&str]) -> Option<Launched> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        launched(cmd, &args)
    }

    #[test]
    fn a_spec_naming_no_package_is_not_a_component() {
        // Found by fuzzing (fuzz/regressions/mcp_launched): these gave a
        // component with an empty name.
        assert_eq!(l("npx", &["-y", ""]), None);
        assert_eq!(l("npx", &["@1.0.0"]), None);
        assert_eq!(l("uvx", &["==1.0"]), None);
        assert_eq!(l("docker", &["run", ""]), None);
    }

    #[test]
    fn npx_forms() {
        let x = l(
            "npx",
            &["-y", "@modelcontextprotocol/server-filesystem", "/tmp"],
        )
        .unwrap();
        assert_eq!(
            (x.name.as_str(), x.version.as_deref(), x.pinned),
            ("@modelcontextprotocol/server-filesystem", None, false)
        );
        let x = l("npx", &["--yes", "some-server@1.2.3"]).unwrap();
        assert_eq!(
            (x.name.as_str(), x.version.as_deref(), x.pinned),
            ("some-server", Some("1.2.3"), true)
        );
        assert!(!l("npx", &["-y", "some-server@latest"]).unwrap().pinned);
        assert!(!l("npx", &["-y", "some-server@^1.2.3"]).unwrap().pinned);
        let x = l("npx", &["-y", "--package=@scope/pkg@2.0.0", "bin-name"]).unwrap();
        assert_eq!((x.name.as_str(), x.pinned), ("@scope/pkg", true));
        let x = l("/usr/local/bin/npx.cmd", &["-y", "pkg"]).unwrap();
        assert_eq!(x.name, "pkg");
        assert_eq!(
            l("npm", &["exec", "pkg@1.0.0"]).unwrap().launcher,
            "npm exec"
        );
        assert_eq!(
            l("pnpm", &["dlx", "pkg@1.0.0"]).unwrap().launcher,
            "pnpm dlx"
        );
        assert_eq!(l("bunx", &["pkg@1.0.0"]).unwrap().launcher, "bunx");
    }

    #[test]
    fn python_launchers() {
        let x = l("uvx", &["mcp-server-fetch"]).unwrap();
        assert_eq!(
            (x.ecosystem, x.name.as_str(), x.pinned),
            (Ecosystem::PyPI, "mcp-server-fetch", false)
        );
        let x = l(
            "uvx",
            &[
                "--from",
                "mcp-server-git==0.6.2",
                "mcp-server-git",
                "--repository",
                ".",
            ],
        )
        .unwrap();
        assert_eq!(
            (x.name.as_str(), x.version.as_deref(), x.pinned),
            ("mcp-server-git", Some("0.6.2"), true)
        );
        let x = l("uvx", &["mcp-server-time@2025.1.1"]).unwrap();
        assert!(x.pinned);
        assert!(!l("uvx", &["--python", "3.12", "pkg>=1"]).unwrap().pinned);
        let x = l("uv", &["tool", "run", "pkg==1.0"]).unwrap();
        assert_eq!((x.launcher, x.pinned), ("uv tool run", true));
        let x = l("pipx", &["run", "--spec", "pkg[cli]==2.0", "pkg"]).unwrap();
        assert_eq!((x.name.as_str(), x.pinned), ("pkg", true));
    }

    #[test]
    fn docker_images() {
        let x = l(
            "docker",
            &[
                "run",
                "-i",
                "--rm",
                "-e",
                "GITHUB_TOKEN",
                "ghcr.io/github/github-mcp-server",
            ],
        )
        .unwrap();
        assert_eq!(
            (x.ecosystem, x.name.as_str(), x.pinned),
            (Ecosystem::Oci, "ghcr.io/github/github-mcp-server", false)
        );
        let digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        let img = format!("mcp/fetch@{digest}");
        let x = l("docker", &["run", "--rm", "-i", &img]).unwrap();
        assert!(x.pinned);
        assert!(
            !l("docker", &["run", "-i", "mcp/fetch:1.0"]).unwrap().pinned,
            "a tag can be moved"
        );
    }

    #[test]
    fn launchers_behind_a_shell() {
        // The Windows form in the MCP servers' READMEs.
        let x = l(
            "cmd",
            &["/c", "npx", "-y", "@modelcontextprotocol/server-memory"],
        )
        .unwrap();
        assert_eq!(
            (x.name.as_str(), x.launcher, x.shell.as_deref()),
            ("@modelcontextprotocol/server-memory", "npx", Some("cmd"))
        );
        let x = l("cmd.exe", &["/C", "npx -y server-x@1.2.3"]).unwrap();
        assert_eq!((x.name.as_str(), x.pinned), ("server-x", true));
        let x = l(
            "powershell",
            &["-NoProfile", "-Command", "uvx mcp-server-fetch"],
        )
        .unwrap();
        assert_eq!(
            (x.ecosystem, x.name.as_str()),
            (Ecosystem::PyPI, "mcp-server-fetch")
        );
        let x = l("bash", &["-lc", "exec npx -y some-server"]).unwrap();
        assert_eq!(
            (x.name.as_str(), x.shell.as_deref()),
            ("some-server", Some("bash"))
        );
        // Nested shells, outermost named.
        let x = l(
            "cmd",
            &["/c", "sh", "-c", "docker run -i --rm mcp/fetch:1.0"],
        )
        .unwrap();
        assert_eq!(
            (x.name.as_str(), x.shell.as_deref()),
            ("mcp/fetch", Some("cmd"))
        );
        // A whole command line written in `command`.
        let x = l("npx -y some-server@2.0.0", &[]).unwrap();
        assert_eq!(
            (x.name.as_str(), x.pinned, x.shell),
            ("some-server", true, None)
        );
        let x = l("\"C:\\Program Files\\nodejs\\npx.cmd\" -y pkg", &[]).unwrap();
        assert_eq!(x.name, "pkg");
        // The first command that launches a package, after a `cd`.
        let x = l(
            "bash",
            &["-lc", "cd /srv && exec uvx mcp-server-git==0.6.2"],
        )
        .unwrap();
        assert_eq!((x.name.as_str(), x.pinned), ("mcp-server-git", true));
        // A shell running a local script is no package.
        assert_eq!(l("cmd", &["/c", "node", "server.js"]), None);
        assert_eq!(l("sh", &["./start.sh"]), None);
    }

    #[test]
    fn shell_nesting_is_bounded() {
        // `cmd /c cmd /c … npx pkg`, `layers` times.
        let nested = |layers: usize| {
            let mut args: Vec<String> = vec!["/c".into(), "npx".into(), "pkg".into()];
            for _ in 1..layers {
                args.splice(0..0, ["/c".to_string(), "cmd".to_string()]);
            }
            launched("cmd", &args)
        };
        assert_eq!(
            nested(MAX_SHELL_DEPTH).map(|l| l.name),
            Some("pkg".to_string())
        );
        assert_eq!(nested(MAX_SHELL_DEPTH + 1), None);
    }

    #[test]
    fn local_commands_are_not_packages() {
        assert_eq!(l("node", &["/path/server.js"]), None);
        assert_eq!(l("python", &["-m", "server"]), None);
        assert_eq!(l("npx", &["-y"]), None);
    }
}
