//! Rules, rule families and hits.

use chainwarden_core::{Confidence, RuleMeta, Severity};
use serde::{Serialize, Serializer};

/// A rule family: one file under `families/`, one prefix of rule ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// Reads of credential stores (SSH keys, cloud configs, wallets, browsers, env dumps).
    Credentials,
    /// Encoded or disguised code (base64/zlib/marshal layers, char codes, escapes).
    Obfuscation,
    /// Fetching code or binaries and running them.
    DownloadExec,
    /// Code that runs at install or build time (setup.py, npm scripts, build hooks).
    Install,
    /// Surviving a restart: systemd, cron, shell rc, `.pth`, Run keys, LaunchAgents.
    Persistence,
    /// Destinations stealers use: webhooks, paste sites, tunnels, OAST hosts, raw IPs.
    Destination,
    /// A name one or two edits away from a popular package.
    Typosquat,
    /// Package metadata that does not add up.
    Metadata,
    /// Plain capabilities (network, process, exec, file write): weak alone, used in flows.
    Capability,
}

impl Family {
    pub const ALL: [Family; 9] = [
        Family::Credentials,
        Family::Obfuscation,
        Family::DownloadExec,
        Family::Install,
        Family::Persistence,
        Family::Destination,
        Family::Typosquat,
        Family::Metadata,
        Family::Capability,
    ];

    /// The id segment (`heuristic/<family>-<name>`).
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Credentials => "credentials",
            Family::Obfuscation => "obfuscation",
            Family::DownloadExec => "download-exec",
            Family::Install => "install",
            Family::Persistence => "persistence",
            Family::Destination => "destination",
            Family::Typosquat => "typosquat",
            Family::Metadata => "metadata",
            Family::Capability => "capability",
        }
    }
}

/// Which languages a pattern applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Langs {
    pub python: bool,
    pub javascript: bool,
    pub shell: bool,
}

impl Langs {
    pub const PY: Langs = Langs {
        python: true,
        javascript: false,
        shell: false,
    };
    pub const JS: Langs = Langs {
        python: false,
        javascript: true,
        shell: false,
    };
    pub const PY_JS: Langs = Langs {
        python: true,
        javascript: true,
        shell: false,
    };
    pub const ALL: Langs = Langs {
        python: true,
        javascript: true,
        shell: true,
    };
}

/// Which view of a file a pattern runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Code with string contents and comments blanked (short identifier-like
    /// strings such as `'os'` or `'child_process'` are kept).
    Code,
    /// Only the contents of string literals (docstrings and comments blanked).
    Strings,
    /// Both views (e.g. `exec(b64decode(…))` inside a `python -c` string).
    Both,
}

/// Which files a pattern applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFilter {
    Any,
    /// `setup.py`, `hatch_build.py`: run at install/build time.
    InstallScript,
}

/// How a rule finds its hits.
#[derive(Debug, Clone, Copy)]
pub enum Matcher {
    /// A regex run in the one-pass multi-pattern set of its languages and view.
    Pattern {
        langs: Langs,
        target: Target,
        files: FileFilter,
        regex: &'static str,
        /// Hits only when the pattern matches at least this many times in the file.
        min_count: u16,
        /// Extra check on the matched text (e.g. "not a private IP").
        accept: Option<fn(&str) -> bool>,
    },
    /// Raised by code: a decoder, a flow over other hits, a metadata check.
    Derived,
}

/// An example a test runs through [`crate::scan_source`] (or the metadata
/// checks): `fires` says whether the rule must hit.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    pub path: &'static str,
    pub text: &'static str,
    pub fires: bool,
}

/// A positive example.
pub const fn fires(path: &'static str, text: &'static str) -> Example {
    Example {
        path,
        text,
        fires: true,
    }
}

/// A negative example.
pub const fn quiet(path: &'static str, text: &'static str) -> Example {
    Example {
        path,
        text,
        fires: false,
    }
}

/// One heuristic rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Id (`heuristic/<family>-<name>`), summary, default severity, why, fix.
    pub meta: RuleMeta,
    pub family: Family,
    pub confidence: Confidence,
    pub references: &'static [&'static str],
    pub matcher: Matcher,
    pub examples: &'static [Example],
}

impl Rule {
    pub fn id(&self) -> &'static str {
        self.meta.id
    }
}

/// Builds a pattern rule; keeps family files short.
#[allow(clippy::too_many_arguments)]
pub(crate) const fn pattern(
    id: &'static str,
    family: Family,
    severity: Severity,
    confidence: Confidence,
    summary: &'static str,
    why: &'static str,
    langs: Langs,
    target: Target,
    regex: &'static str,
    examples: &'static [Example],
) -> Rule {
    Rule {
        meta: RuleMeta {
            id,
            summary,
            default_severity: severity,
            why,
            fix: FIX,
        },
        family,
        confidence,
        references: &[],
        matcher: Matcher::Pattern {
            langs,
            target,
            files: FileFilter::Any,
            regex,
            min_count: 1,
            accept: None,
        },
        examples,
    }
}

/// Builds a derived rule.
pub(crate) const fn derived(
    id: &'static str,
    family: Family,
    severity: Severity,
    confidence: Confidence,
    summary: &'static str,
    why: &'static str,
    examples: &'static [Example],
) -> Rule {
    Rule {
        meta: RuleMeta {
            id,
            summary,
            default_severity: severity,
            why,
            fix: FIX,
        },
        family,
        confidence,
        references: &[],
        matcher: Matcher::Derived,
        examples,
    }
}

impl Rule {
    pub(crate) const fn refs(mut self, references: &'static [&'static str]) -> Rule {
        self.references = references;
        self
    }

    pub(crate) const fn only_install_scripts(mut self) -> Rule {
        if let Matcher::Pattern {
            langs,
            target,
            regex,
            min_count,
            accept,
            ..
        } = self.matcher
        {
            self.matcher = Matcher::Pattern {
                langs,
                target,
                files: FileFilter::InstallScript,
                regex,
                min_count,
                accept,
            };
        }
        self
    }

    pub(crate) const fn min_count(mut self, n: u16) -> Rule {
        if let Matcher::Pattern {
            langs,
            target,
            files,
            regex,
            accept,
            ..
        } = self.matcher
        {
            self.matcher = Matcher::Pattern {
                langs,
                target,
                files,
                regex,
                min_count: n,
                accept,
            };
        }
        self
    }

    pub(crate) const fn accept(mut self, f: fn(&str) -> bool) -> Rule {
        if let Matcher::Pattern {
            langs,
            target,
            files,
            regex,
            min_count,
            ..
        } = self.matcher
        {
            self.matcher = Matcher::Pattern {
                langs,
                target,
                files,
                regex,
                min_count,
                accept: Some(f),
            };
        }
        self
    }
}

const FIX: &str = "Do not install or run this package until the code is reviewed; if it ran, \
treat the host as compromised and rotate every credential it could read.";

/// One rule matching at one place.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    #[serde(serialize_with = "rule_id")]
    pub rule: &'static Rule,
    pub severity: Severity,
    pub confidence: Confidence,
    /// The file, as given to [`crate::scan_source`].
    pub path: String,
    /// 1-based line in that file (for a decoded layer: the line of the outermost literal).
    pub line: u32,
    /// The matching text, printable, at most [`SNIPPET_CHARS`] characters.
    pub snippet: String,
    /// 0 = found in the file as written, n = found after n decodes.
    pub layer: u8,
    pub family: Family,
}

impl Hit {
    pub fn rule_id(&self) -> &'static str {
        self.rule.meta.id
    }
}

fn rule_id<S: Serializer>(rule: &&'static Rule, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(rule.meta.id)
}

/// Longest snippet kept in a hit.
pub const SNIPPET_CHARS: usize = 160;

/// A printable, bounded snippet of `text` (control characters become spaces).
pub fn snippet(text: &str) -> String {
    let mut out = String::new();
    let mut last_space = false;
    for (n, c) in text.trim().chars().enumerate() {
        if n >= SNIPPET_CHARS {
            out.push('…');
            break;
        }
        let c = if c.is_control() { ' ' } else { c };
        if c == ' ' && last_space {
            continue;
        }
        last_space = c == ' ';
        out.push(c);
    }
    out
}
