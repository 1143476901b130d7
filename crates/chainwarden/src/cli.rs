//! Command-line definitions. `--help` is the first documentation a user reads:
//! every option says what it does and shows an example where it helps.

use chainwarden_core::Severity;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "chainwarden",
    version,
    about = "Know every dependency of your AI stack, match advisories offline, catch start-up hooks and tampering.",
    long_about = "chainwarden inventories Python environments and lockfiles (and npm, Cargo, CI workflows), \
matches them offline against OSV advisories (malicious packages included) and CISA KEV, and audits \
start-up hooks such as the `litellm_init.pth` stealer of 2026-03-24.\n\n\
Exit codes: 0 = everything asked was read and nothing is at or above --fail-on (default high); \
1 = a finding at or above it (what could not be read is a finding: `input/*`, `archive/*`; under \
fail-closed, the default of `check`, `inspect` and `verify`, it is at least high); 2 = chainwarden could not do \
the job at all (usage error, invalid configuration, a named path that does not exist or cannot be opened).",
    after_help = "Examples:\n  chainwarden scan .                       inventory + advisories + hooks under the current folder\n  chainwarden scan ~/.venvs --format cyclonedx --output sbom.json\n  chainwarden why urllib3 .venv            which installed package pulled in urllib3?\n  chainwarden verify .venv                 re-hash every installed file against RECORD\n  chainwarden db status                    which advisory data is in use, and how old"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Inventory every environment and lockfile under PATH, match advisories, audit start-up hooks.
    Scan(ScanArgs),
    /// The CI gate over a repository: lockfiles, workflows, MCP configs and policy (installed environments are skipped).
    Check(CheckArgs),
    /// Show every path from a top-level package to NAME, per environment or lockfile.
    Why(WhyArgs),
    /// Re-hash every installed file against its RECORD; report modified, missing and unowned files.
    Verify(VerifyArgs),
    /// Run the malicious-code heuristics on packages: an archive, a source tree, or every installed distribution.
    Inspect(InspectArgs),
    /// List the credentials a stealer running as this user could read, with the rotation step for each.
    Exposure(ExposureArgs),
    /// Classify files as public / internal / confidential by the secrets, personal data and markers in them.
    Classify(ClassifyArgs),
    /// Replace secrets and personal data with typed placeholders (`<SECRET_AWS_1>`, `<EMAIL_2>`).
    Redact(RedactArgs),
    /// Manage the local advisory database.
    #[command(subcommand)]
    Db(DbCommand),
    /// List every rule id with what it means and how to fix it.
    Rules(RulesArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    /// A readable table (the default on a terminal).
    Table,
    /// chainwarden's own JSON (versioned; docs/json-format.md).
    Json,
    /// CycloneDX 1.6 JSON SBOM with the dependency graph and vulnerabilities.
    Cyclonedx,
    /// SPDX 2.3 JSON SBOM.
    Spdx,
    /// SARIF 2.1.0 (findings only), for code scanning.
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
    /// Never fail on findings (exit 0 unless an error).
    Never,
}

impl SeverityArg {
    pub(crate) fn severity(self) -> Option<Severity> {
        match self {
            SeverityArg::Info => Some(Severity::Info),
            SeverityArg::Low => Some(Severity::Low),
            SeverityArg::Medium => Some(Severity::Medium),
            SeverityArg::High => Some(Severity::High),
            SeverityArg::Critical => Some(Severity::Critical),
            SeverityArg::Never => None,
        }
    }
}

/// Options shared by every command that writes a report.
#[derive(Debug, Args)]
pub(crate) struct OutputArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub(crate) format: FormatArg,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Exit with 1 when a finding is at or above this severity [default: high, or `[scan] fail-on` in chainwarden.toml].
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub(crate) fail_on: Option<SeverityArg>,
    /// Read this configuration instead of the chainwarden.toml found upward from the first PATH.
    #[arg(long, value_name = "FILE", env = "CHAINWARDEN_CONFIG")]
    pub(crate) config: Option<PathBuf>,
    /// Colour the table: auto (when standard output is a terminal), always, never.
    #[arg(long, default_value = "auto", value_parser = ["auto", "always", "never"])]
    pub(crate) color: String,
    /// What could not be read (an unreadable or malformed file, a skipped tree) is at least
    /// `high`, so it fails the run [default for `check`, `inspect` and `verify`, or `[scan] fail-closed`].
    #[arg(long, overrides_with = "fail_open")]
    pub(crate) fail_closed: bool,
    /// Report what could not be read at its own severity (low) without failing the run
    /// [default for `scan` and `exposure`].
    #[arg(long, overrides_with = "fail_closed")]
    pub(crate) fail_open: bool,
    /// List every component in the table [default for `scan`; `check` and `verify` print
    /// findings and a summary, and `--format json` or an SBOM always has the inventory].
    #[arg(long, overrides_with = "no_inventory")]
    pub(crate) inventory: bool,
    /// Leave the component list out of the table.
    #[arg(long, overrides_with = "inventory")]
    pub(crate) no_inventory: bool,
}

impl OutputArgs {
    /// `--fail-closed` / `--fail-open`, if given.
    pub(crate) fn fail_closed_flag(&self) -> Option<bool> {
        match (self.fail_closed, self.fail_open) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        }
    }

    /// `--inventory` / `--no-inventory`, if given.
    pub(crate) fn inventory_flag(&self) -> Option<bool> {
        match (self.inventory, self.no_inventory) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        }
    }
}

/// What the discovery walk leaves out.
#[derive(Debug, Args)]
pub(crate) struct ExcludeArgs {
    /// Leave paths matching GLOB out of the walk (repeatable; added to `[scan] exclude`).
    /// Relative to the scanned folder, as in .gitignore: `fixtures` or `*.in` match at any
    /// depth, `test/requirements/*.in` is anchored, `**` crosses folders. Every exclusion is
    /// reported (rule `input/excluded`).
    #[arg(long = "exclude", value_name = "GLOB")]
    pub(crate) exclude: Vec<String>,
}

/// Which advisory data to use.
#[derive(Debug, Args)]
pub(crate) struct AdvisoryArgs {
    /// Use exactly these OSV records for this run (a folder or an OSV export zip); repeatable.
    /// The stored database is not touched.
    #[arg(long = "advisories", value_name = "SOURCE")]
    pub(crate) advisories: Vec<PathBuf>,
    /// The advisory database folder [default: $XDG_DATA_HOME/chainwarden/advisories, else the embedded snapshot].
    #[arg(long, value_name = "PATH", env = "CHAINWARDEN_DB")]
    pub(crate) db: Option<PathBuf>,
    /// Skip advisory matching.
    #[arg(long, conflicts_with_all = ["advisories", "db"])]
    pub(crate) no_advisories: bool,
    /// Ask the npm registry and PyPI for upload times the lockfiles do not record
    /// (for `[policy] min-release-age-days`). Everything else stays offline.
    #[arg(long)]
    pub(crate) online: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// Folders or files to scan: project trees, virtualenvs, site-packages, lockfiles [default: .].
    #[arg(value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
    /// Run every analyzer: also re-hash installed files (verify) and run the malicious-code heuristics (inspect).
    #[arg(long)]
    pub(crate) deep: bool,
    #[command(flatten)]
    pub(crate) exclude: ExcludeArgs,
    #[command(flatten)]
    pub(crate) advisory: AdvisoryArgs,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[derive(Debug, Args)]
#[command(
    after_help = "In CI, upload SARIF to code scanning:\n  chainwarden check . --format sarif --output chainwarden.sarif --fail-on high"
)]
pub(crate) struct CheckArgs {
    /// The repository to check [default: .].
    #[arg(value_name = "PATH")]
    pub(crate) path: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) exclude: ExcludeArgs,
    #[command(flatten)]
    pub(crate) advisory: AdvisoryArgs,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct WhyArgs {
    /// The package to explain (any spelling: `Typing_Extensions` finds typing-extensions).
    pub(crate) name: String,
    /// Where to look [default: .].
    #[arg(value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
    /// Output format: text, or versioned JSON (docs/json-format.md#why).
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub(crate) format: WhyFormatArg,
}

/// `why` prints paths: an SBOM or SARIF of them would mean nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum WhyFormatArg {
    /// One line per path.
    Table,
    /// chainwarden's `why` JSON (schema docs/schema/chainwarden-why-v1.schema.json).
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// Environments or site-packages folders to verify [default: .].
    #[arg(value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// A package archive (.whl, .tar.gz, .zip, .tgz), a source tree, or a folder with environments.
    #[arg(value_name = "PATH", required = true)]
    pub(crate) paths: Vec<PathBuf>,
    /// Password of encrypted zip archives (research sets ship malware as `infected`-encrypted zips).
    /// The archive is decrypted in memory only; nothing is extracted or run.
    #[arg(long, value_name = "PASSWORD")]
    pub(crate) archive_password: Option<String>,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ExposureArgs {
    /// The home folder to examine [default: $HOME].
    #[arg(long, value_name = "DIR")]
    pub(crate) home: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DbCommand {
    /// Import OSV records (folders of JSON or YAML, or OSV export zips) into the database.
    Import {
        #[arg(value_name = "SOURCE", required = true)]
        sources: Vec<PathBuf>,
        #[arg(long, value_name = "PATH", env = "CHAINWARDEN_DB")]
        db: Option<PathBuf>,
    },
    /// Show the sources, record counts, newest record and age of the data in use.
    Status {
        #[arg(long, value_name = "PATH", env = "CHAINWARDEN_DB")]
        db: Option<PathBuf>,
        /// Output format: table or json.
        #[arg(long, short = 'f', value_enum, default_value = "table")]
        format: FormatArg,
    },
    /// Download the OSV export zips of the given ecosystems and the CISA KEV catalog, and import them.
    Update {
        #[arg(long, value_name = "PATH", env = "CHAINWARDEN_DB")]
        db: Option<PathBuf>,
        /// Fetch from this mirror (same layout as the OSV bucket: <URL>/<Ecosystem>/all.zip, <URL>/kev.json).
        #[arg(long, value_name = "URL")]
        mirror: Option<String>,
        /// Ecosystems to fetch (OSV names) [default: PyPI, npm, crates.io].
        #[arg(long = "ecosystem", value_name = "NAME")]
        ecosystems: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct RulesArgs {
    /// Show one rule in full.
    pub(crate) id: Option<String>,
    /// Print the rules reference (docs/rules.md) as Markdown.
    #[arg(long)]
    pub(crate) markdown: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ClassifyFormat {
    /// The non-public files and their findings, then a summary.
    Table,
    /// `{"files": [{"path", "class", "findings": [{"rule", "kind", "line", …}]}], …}`.
    Json,
    /// SARIF 2.1.0, one result per finding.
    Sarif,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Default policy: any secret, government or health identifier (TFN, Medicare, SSN, NINO), \
payment card, bank account or confidentiality marker -> confidential; e-mail, phone or an \"internal use\" \
marker -> internal; else public. ABN/ACN are public record. Change it in chainwarden.toml [classify].\n\n\
Values are never printed: findings carry rule, kind, line and a keyed fingerprint (HMAC under the local key).\n\n\
Examples:\n  chainwarden classify docs/ prompts/\n  git diff | chainwarden classify - --format json\n  \
chainwarden classify . --format sarif -o classify.sarif --fail-on medium"
)]
pub(crate) struct ClassifyArgs {
    /// Files or folders to classify; `-` reads standard input [default: .].
    #[arg(value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub(crate) format: ClassifyFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Exit with 1 when a file is at or above this severity: high = confidential, medium = internal [default: high].
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub(crate) fail_on: Option<SeverityArg>,
    /// Look for secrets only (the fastest mode; personal data and markers off).
    #[arg(long)]
    pub(crate) secrets_only: bool,
    /// Read this configuration instead of the chainwarden.toml found upward from the first PATH.
    #[arg(long, value_name = "FILE", env = "CHAINWARDEN_CONFIG")]
    pub(crate) config: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  chainwarden redact notes.txt > notes.redacted.txt\n  \
chainwarden redact prompt.md --reversible            # also writes prompt.md.mapping.json (0600)\n  \
chainwarden redact --restore --mapping prompt.md.mapping.json answer.md\n\n\
The mapping holds the original values: keep it as secret as they are. It carries an HMAC under this \
machine's key (CHAINWARDEN_KEY_FILE, else ~/.local/share/chainwarden/local.key); an edited mapping is refused."
)]
pub(crate) struct RedactArgs {
    /// The file to redact (or restore); `-` reads standard input.
    #[arg(value_name = "PATH")]
    pub(crate) path: PathBuf,
    /// Keep a keyed mapping so the values can be restored later (written to --mapping, default PATH.mapping.json).
    #[arg(long)]
    pub(crate) reversible: bool,
    /// The mapping file to write (with --reversible) or read (with --restore).
    #[arg(long, value_name = "FILE")]
    pub(crate) mapping: Option<PathBuf>,
    /// Put the values of --mapping back in place of its placeholders.
    #[arg(long, requires = "mapping", conflicts_with = "reversible")]
    pub(crate) restore: bool,
    /// Write the result to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Read this configuration instead of the chainwarden.toml found upward from PATH.
    #[arg(long, value_name = "FILE", env = "CHAINWARDEN_CONFIG")]
    pub(crate) config: Option<PathBuf>,
}
