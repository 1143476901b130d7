//! Metadata anomalies: what a package says about itself that does not add up.
//! Raised by [`crate::metadata::check`].

use crate::rule::{Family, Rule, derived, fires, quiet};
use chainwarden_core::{Confidence, Severity};

pub const EMPTY_WITH_HOOKS: Rule = derived(
    "heuristic/metadata-empty-with-hooks",
    Family::Metadata,
    Severity::Low,
    Confidence::Low,
    "No description and no home page, yet install-time code",
    "Throw-away malicious uploads rarely bother with a description; real packages with install hooks usually have one.",
    &[
        fires(
            "package/package.json",
            r#"{"name":"x-helper","version":"1.0.0","scripts":{"preinstall":"node i.js"}}"#,
        ),
        quiet(
            "package/package.json",
            r#"{"name":"x-helper","version":"1.0.0","description":"Builds the native addon","homepage":"https://github.com/x/x-helper","scripts":{"install":"node i.js"}}"#,
        ),
    ],
);

pub const HOMEPAGE_IMPERSONATION: Rule = derived(
    "heuristic/metadata-homepage-impersonation",
    Family::Metadata,
    Severity::Medium,
    Confidence::Medium,
    "The home page is the repository of a different, popular package",
    "Borrowing a popular project's home page makes a squat look legitimate on the registry page.",
    &[
        fires(
            "PKG-INFO",
            "Metadata-Version: 2.1\nName: httpx-helper\nVersion: 1.0\nHome-page: https://github.com/psf/requests\n",
        ),
        quiet(
            "PKG-INFO",
            "Metadata-Version: 2.1\nName: requests\nVersion: 2.32.3\nHome-page: https://requests.readthedocs.io\n",
        ),
    ],
);

pub const RULES: &[Rule] = &[EMPTY_WITH_HOOKS, HOMEPAGE_IMPERSONATION];
