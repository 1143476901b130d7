//! Member names from hostile archives: recognised, never joined to a path.

use serde::Serialize;

/// Why a member name is unsafe to use as a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NameProblem {
    /// `/etc/x`, `\x`, `C:\x` or `C:/x`.
    Absolute,
    /// A `..` component.
    Traversal,
    /// A NUL byte.
    Nul,
}

/// Checks a member name (either separator counts, as Windows tools write `\`).
pub fn check_name(name: &str) -> Option<NameProblem> {
    if name.contains('\0') {
        return Some(NameProblem::Nul);
    }
    let bytes = name.as_bytes();
    let drive = bytes.len() >= 2
        && bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.get(1) == Some(&b':');
    if name.starts_with('/') || name.starts_with('\\') || drive {
        return Some(NameProblem::Absolute);
    }
    if name.split(['/', '\\']).any(|c| c == "..") {
        return Some(NameProblem::Traversal);
    }
    None
}

/// The name as entries carry it: `\` turned into `/`.
pub(crate) fn normalise(name: &str) -> String {
    name.replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_unsafe_names() {
        assert_eq!(check_name("pkg/a.py"), None);
        assert_eq!(check_name("pkg/..a/b..py"), None);
        assert_eq!(check_name("../evil.pth"), Some(NameProblem::Traversal));
        assert_eq!(check_name("a/../../b"), Some(NameProblem::Traversal));
        assert_eq!(check_name("a\\..\\b"), Some(NameProblem::Traversal));
        assert_eq!(check_name("/etc/passwd"), Some(NameProblem::Absolute));
        assert_eq!(check_name("C:\\x.py"), Some(NameProblem::Absolute));
        assert_eq!(check_name("a\0b"), Some(NameProblem::Nul));
    }
}
