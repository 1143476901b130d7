//! Rule metadata of the integrity and indicator rules. The ids are the public
//! contract: never rename one.

use chainwarden_core::{RuleMeta, Severity};

pub const MODIFIED: RuleMeta = RuleMeta {
    id: "integrity/modified",
    summary: "An installed file's content or size differs from its distribution's RECORD",
    default_severity: Severity::High,
    why: "pip writes the sha256 and size of every installed file to RECORD (including scripts whose \
          shebang it rewrote), so a difference means the file was changed after installation: \
          by hand, by another tool, or by an attacker hiding code in an installed package.",
    fix: "Reinstall the distribution from a trusted index (`pip install --force-reinstall --no-deps NAME==VERSION`) \
          and find out what changed the file before trusting the environment again.",
};

pub const MISSING: RuleMeta = RuleMeta {
    id: "integrity/missing",
    summary: "A file listed in a distribution's RECORD is not on disk",
    default_severity: Severity::Medium,
    why: "A deleted file breaks the package, or was removed to hide a change (for example a \
          replaced module moved elsewhere).",
    fix: "Reinstall the distribution (`pip install --force-reinstall --no-deps NAME==VERSION`).",
};

pub const UNOWNED: RuleMeta = RuleMeta {
    id: "integrity/unowned",
    summary: "A file under site-packages that no installed distribution lists",
    default_severity: Severity::High,
    why: "Files no installer recorded were put there by something else. A `.pth` file runs its \
          `import` lines at every Python start-up and `sitecustomize.py` is imported at every \
          start-up (the litellm 1.82.8 stealer used `litellm_init.pth`); a top-level module can \
          shadow a real one. Graded: start-up hooks and top-level modules high, top-level \
          folders with code and `.py` files inside installed packages medium, other files low.",
    fix: "Find where the file came from; if no package you trust put it there, remove it, rotate \
          the credentials the environment could reach, and rebuild the environment.",
};

pub const OUTSIDE_ROOT: RuleMeta = RuleMeta {
    id: "integrity/outside-root",
    summary: "A RECORD entry points outside the environment, or through a symlink that leaves it",
    default_severity: Severity::High,
    why: "An installed distribution has no business owning files outside its environment; a \
          RECORD path that climbs out (or a symlink that leads out) was not read.",
    fix: "Inspect the distribution and the link; reinstall it into a fresh environment.",
};

pub const NO_RECORD: RuleMeta = RuleMeta {
    id: "integrity/no-record",
    summary: "An installed distribution has no RECORD hashes to verify against",
    default_severity: Severity::Info,
    why: "Distributions installed by `setup.py install`/egg-info, or whose RECORD was removed, \
          cannot be verified; their files still count as owned when installed-files.txt lists them.",
    fix: "Reinstall from a wheel with a current pip so the installation is recorded with hashes.",
};

pub const RECORD_INVALID: RuleMeta = RuleMeta {
    id: "integrity/record-invalid",
    summary: "A RECORD line could not be parsed or uses a hash that cannot be checked",
    default_severity: Severity::Low,
    why: "Entries that cannot be read or use md5/sha1 (which the wheel spec forbids) are not \
          verified; a hand-edited RECORD is also how an attacker would hide a change.",
    fix: "Reinstall the distribution so pip writes a fresh RECORD.",
};

pub const IOC_MATCH: RuleMeta = RuleMeta {
    id: "ioc/match",
    summary: "A known indicator of compromise (hash, domain, URL, file name) was found",
    default_severity: Severity::Critical,
    why: "The indicator comes from a public report of a malicious package or campaign: the \
          environment very likely ran or holds the malicious code.",
    fix: "Isolate the host, remove the package, rotate every credential the user could read \
          (`chainwarden exposure`), and rebuild the environment from pinned, hashed requirements.",
};

/// Every rule this crate raises.
pub const RULES: &[RuleMeta] = &[
    MODIFIED,
    MISSING,
    UNOWNED,
    OUTSIDE_ROOT,
    NO_RECORD,
    RECORD_INVALID,
    IOC_MATCH,
];
