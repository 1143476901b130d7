//! Typosquats: names one or two edits away from a popular package.
//! Raised by [`crate::typosquat::check`] from package metadata.

use crate::rule::{Family, Rule, derived, fires, quiet};
use chainwarden_core::{Confidence, Severity};

pub const NAME: Rule = derived(
    "heuristic/typosquat-name",
    Family::Typosquat,
    Severity::Medium,
    Confidence::Medium,
    "The package name is a near miss of a popular package name",
    "Typosquats catch mistyped installs (`reqeusts`, `python-dateutils`); most malicious uploads use them.",
    &[
        fires("PKG-INFO", "Metadata-Version: 2.1\nName: reqeusts\nVersion: 1.0\n"),
        fires("PKG-INFO", "Metadata-Version: 2.1\nName: urlib3\nVersion: 1.0\n"),
        quiet("PKG-INFO", "Metadata-Version: 2.1\nName: requests\nVersion: 2.32.3\n"),
        quiet("PKG-INFO", "Metadata-Version: 2.1\nName: chainwarden-selftest\nVersion: 1.0\n"),
    ],
)
.refs(&["https://arxiv.org/abs/2005.09535"]);

pub const RULES: &[Rule] = &[NAME];
