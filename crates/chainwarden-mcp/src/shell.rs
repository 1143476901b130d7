//! Servers started through a shell: `cmd /c npx -y pkg` (the Windows form
//! in MCP servers' READMEs), `powershell -Command "npx …"`, `sh -c "npx …"`,
//! `bash -lc "cd /srv && exec uvx …"`, `env K=V npx …`. The shell runs the
//! launcher; [`unwrap`] returns the simple commands it runs, so the
//! launcher's package is inventoried like a direct one. Bounded: a command
//! line longer than [`MAX_LINE`] or with more than [`MAX_WORDS`] words is
//! not read.

/// Longest shell command line split into words.
pub(crate) const MAX_LINE: usize = 16 * 1024;
/// Most words kept from one command line.
pub(crate) const MAX_WORDS: usize = 256;

/// The shell that wraps a command, by executable name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shell {
    /// `cmd.exe`
    Cmd,
    /// `powershell.exe`, `pwsh`
    Power,
    /// `sh`, `bash`, `zsh`…
    Posix,
    /// `env`
    Env,
}

fn shell_of(base: &str) -> Option<Shell> {
    let base = base.to_ascii_lowercase();
    let base = base.strip_suffix(".exe").unwrap_or(&base);
    Some(match base {
        "cmd" => Shell::Cmd,
        "powershell" | "pwsh" => Shell::Power,
        "sh" | "bash" | "zsh" | "dash" | "ash" | "ksh" | "mksh" | "busybox" => Shell::Posix,
        "env" => Shell::Env,
        _ => return None,
    })
}

/// How the word splitter treats quotes and backslashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    /// POSIX sh: `'…'` literal, `"…"` with `\` escapes, `\` escapes outside.
    Posix,
    /// cmd.exe / PowerShell: `"…"` and (PowerShell) `'…'` group; `\` is a
    /// path separator.
    Windows,
}

/// A command and its arguments.
pub(crate) type Argv = (String, Vec<String>);

/// The simple commands a shell wrapper runs, in order, each as
/// `(command, args)`; `None` when `command` is no shell, or the shell runs
/// no inline command (a script file, an interactive shell).
pub(crate) fn unwrap(command: &str, args: &[String]) -> Option<Vec<Argv>> {
    let base = command.rsplit(['/', '\\']).next().unwrap_or(command);
    let words = match shell_of(base)? {
        Shell::Cmd => {
            // `cmd [/d /q /s /e:on …] /c|/k COMMAND…`
            let at = args.iter().position(|a| {
                let a = a.to_ascii_lowercase();
                a == "/c" || a == "/k"
            })?;
            let rest = &args[at + 1..];
            // cmd strips one pair of quotes around the whole command line
            // (always with `/s`, and in the common cases without it).
            match rest {
                [one] => {
                    let t = one.trim();
                    let inner = t
                        .strip_prefix('"')
                        .and_then(|x| x.strip_suffix('"'))
                        .filter(|x| !x.contains('"'))
                        .unwrap_or(t);
                    split_words(inner, Dialect::Windows)?
                }
                _ => inline_command(rest, Dialect::Windows)?,
            }
        }
        Shell::Power => {
            // `powershell [-NoProfile -ExecutionPolicy Bypass …] -Command COMMAND…`;
            // PowerShell accepts any unambiguous prefix of `-Command`.
            let mut i = 0;
            let at = loop {
                let a = args.get(i)?.to_ascii_lowercase();
                let flag = a.trim_start_matches('-');
                if a.starts_with('-') && !flag.is_empty() && "command".starts_with(flag) {
                    break i;
                }
                if !a.starts_with('-') || flag.is_empty() || "file".starts_with(flag) {
                    // A script file or a bare word: no inline command to read.
                    return None;
                }
                let takes_value = [
                    "executionpolicy",
                    "windowstyle",
                    "version",
                    "configurationname",
                    "workingdirectory",
                    "outputformat",
                    "inputformat",
                    "settingsfile",
                ]
                .iter()
                .any(|f| flag.len() >= 2 && f.starts_with(flag));
                i += if takes_value { 2 } else { 1 };
            };
            let mut words = inline_command(&args[at + 1..], Dialect::Windows)?;
            // `& 'npx' -y pkg`: the call operator runs the next word.
            if words.first().is_some_and(|w| w == "&") {
                words.remove(0);
            }
            words
        }
        Shell::Posix => {
            // `sh [-e -u -o opt…] -c|-lc|-ec COMMAND [NAME ARGS…]`: the word
            // after the option cluster holding `c` is the script.
            let mut i = 0;
            let at = loop {
                let a = args.get(i)?;
                if a == "-o" || a == "+o" {
                    i += 2;
                    continue;
                }
                let Some(flags) = a.strip_prefix('-').filter(|f| !f.starts_with('-')) else {
                    // `--login`-style long options take no value here;
                    // anything else is a script file: not inline.
                    if a.starts_with("--") {
                        i += 1;
                        continue;
                    }
                    return None;
                };
                if flags.contains('c') {
                    break i;
                }
                i += 1;
            };
            split_words(args.get(at + 1)?, Dialect::Posix)?
        }
        Shell::Env => args.iter().take(MAX_WORDS).cloned().collect(),
    };
    Some(simple_commands(words))
}

/// A whole command line written in one string (`"npx -y pkg"`, or a
/// quoted Windows path and its arguments), as `(command, args)`.
pub(crate) fn split_command_line(line: &str) -> Option<Vec<Argv>> {
    Some(simple_commands(split_words(line, Dialect::Windows)?))
}

/// The words of an inline command given as one string (`"npx -y pkg"`) or
/// already split by the config (`"npx", "-y", "pkg"`: each element is one
/// word, as the client quotes it when it builds the command line).
fn inline_command(rest: &[String], dialect: Dialect) -> Option<Vec<String>> {
    match rest {
        [] => None,
        [one] => split_words(one, dialect),
        many if many.len() > MAX_WORDS => None,
        many => Some(many.to_vec()),
    }
}

/// The simple commands of a word list, split at `;`, `&&`, `||`, `|` and
/// `&`, each without `exec`, `env` and `NAME=value` assignments in front.
fn simple_commands(words: Vec<String>) -> Vec<Argv> {
    let mut out = Vec::new();
    let mut it = words.into_iter().peekable();
    while it.peek().is_some() {
        let mut current = it
            .by_ref()
            .take_while(|w| !matches!(w.as_str(), ";" | "&&" | "||" | "|" | "&"))
            .skip_while(|w| w == "exec" || w == "env" || is_assignment(w));
        if let Some(command) = current.next() {
            out.push((command, current.collect()));
        }
    }
    out
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

/// Splits a command line into words, honouring quotes; control operators
/// (`;`, `&&`, `||`, `|`, `&`) outside quotes become words of their own.
/// `None` when the line is over [`MAX_LINE`] bytes or [`MAX_WORDS`] words,
/// or a quote is left open.
fn split_words(line: &str, dialect: Dialect) -> Option<Vec<String>> {
    if line.len() > MAX_LINE {
        return None;
    }
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    let push = |words: &mut Vec<String>, word: &mut String, in_word: &mut bool| {
        if *in_word {
            words.push(std::mem::take(word));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => push(&mut words, &mut word, &mut in_word),
            ';' | '|' | '&' => {
                push(&mut words, &mut word, &mut in_word);
                let mut op = c.to_string();
                if (c == '|' || c == '&') && chars.peek() == Some(&c) {
                    chars.next();
                    op.push(c);
                }
                words.push(op);
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        x => word.push(x),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' if dialect == Dialect::Posix => {
                            let x = chars.next()?;
                            if !matches!(x, '"' | '\\' | '$' | '`') {
                                word.push('\\');
                            }
                            word.push(x);
                        }
                        x => word.push(x),
                    }
                }
            }
            '\\' if dialect == Dialect::Posix => {
                in_word = true;
                if let Some(x) = chars.next() {
                    word.push(x);
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
        if words.len() > MAX_WORDS {
            return None;
        }
    }
    push(&mut words, &mut word, &mut in_word);
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first simple command the wrapper runs.
    fn u(cmd: &str, args: &[&str]) -> Option<Argv> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        unwrap(cmd, &args)?.into_iter().next()
    }

    fn argv(cmd: &str, args: &[&str]) -> Option<Argv> {
        Some((cmd.into(), args.iter().map(|s| s.to_string()).collect()))
    }

    #[test]
    fn windows_cmd_forms() {
        let want = argv("npx", &["-y", "@modelcontextprotocol/server-memory"]);
        assert_eq!(
            u(
                "cmd",
                &["/c", "npx", "-y", "@modelcontextprotocol/server-memory"]
            ),
            want
        );
        assert_eq!(
            u(
                "cmd.exe",
                &["/C", "npx -y @modelcontextprotocol/server-memory"]
            ),
            want
        );
        assert_eq!(
            u(
                "C:\\Windows\\System32\\cmd.exe",
                &[
                    "/d",
                    "/s",
                    "/c",
                    "\"npx -y @modelcontextprotocol/server-memory\""
                ]
            ),
            want,
            "cmd strips the quotes around the whole line"
        );
        assert_eq!(
            u("cmd", &["/k", "uvx", "mcp-server-fetch"]),
            argv("uvx", &["mcp-server-fetch"])
        );
        assert_eq!(u("cmd", &["/c"]), None);
        assert_eq!(u("cmd", &["npx", "pkg"]), None, "no /c: not a command");
    }

    #[test]
    fn powershell_forms() {
        assert_eq!(
            u(
                "powershell",
                &[
                    "-NoProfile",
                    "-ExecutionPolicy",
                    "Bypass",
                    "-Command",
                    "npx -y pkg@1.0.0"
                ]
            ),
            argv("npx", &["-y", "pkg@1.0.0"])
        );
        assert_eq!(
            u("pwsh.exe", &["-c", "& 'uvx' srv==1.0"]),
            argv("uvx", &["srv==1.0"])
        );
        assert_eq!(u("powershell", &["-File", "run.ps1"]), None);
        assert_eq!(u("powershell", &["-EncodedCommand", "AAAA"]), None);
    }

    #[test]
    fn posix_forms() {
        assert_eq!(u("sh", &["-c", "npx -y pkg"]), argv("npx", &["-y", "pkg"]));
        let script = vec![
            "-lc".to_string(),
            "cd /srv && exec uvx 'mcp-server-git==0.6.2'".into(),
        ];
        assert_eq!(
            unwrap("/bin/bash", &script),
            Some(vec![
                ("cd".to_string(), vec!["/srv".to_string()]),
                ("uvx".to_string(), vec!["mcp-server-git==0.6.2".to_string()]),
            ])
        );
        assert_eq!(
            u(
                "bash",
                &[
                    "-e",
                    "-o",
                    "pipefail",
                    "-c",
                    "FOO=1 exec npx -y \"pkg\"; echo done"
                ]
            ),
            argv("npx", &["-y", "pkg"])
        );
        assert_eq!(u("sh", &["script.sh"]), None);
        assert_eq!(u("sh", &["-c", "npx 'unterminated"]), None);
        assert_eq!(
            u("env", &["NODE_ENV=production", "npx", "pkg"]),
            argv("npx", &["pkg"])
        );
    }

    #[test]
    fn bounded() {
        let long = format!("npx {}", "a ".repeat(MAX_LINE));
        assert_eq!(u("sh", &["-c", &long]), None);
        let many = format!("npx {}", "a ".repeat(MAX_WORDS + 1));
        assert_eq!(u("sh", &["-c", &many]), None);
    }
}
