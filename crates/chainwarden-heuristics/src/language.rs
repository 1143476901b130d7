//! Which tokenizer a file gets, from its path inside the package.

use serde::Serialize;

/// The language a file is scanned as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Language {
    /// `.py`, `.pyw`, `.pyi` (and `setup.py`, `hatch_build.py`).
    Python,
    /// `.js`, `.mjs`, `.cjs`, `.jsx`, `.ts`, `.mts`, `.cts`, `.tsx`.
    JavaScript,
    /// `package.json`: install scripts and metadata.
    PackageJson,
    /// `.pth` and PEP 829 `.start` files: lines that start with `import` run at start-up.
    Pth,
    /// `pyproject.toml`: build hooks.
    PyprojectToml,
    /// `.sh`, `.bash`, `.ps1`, `.bat`, `.cmd`: scanned as one big string.
    Shell,
    /// Anything else: not scanned.
    Other,
}

/// The language of a file from its path inside a package (`/` or `\` separated).
pub fn language_for(path_in_package: &str) -> Language {
    let name = path_in_package
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path_in_package);
    let lower = name.to_ascii_lowercase();
    if lower == "package.json" {
        return Language::PackageJson;
    }
    if lower == "pyproject.toml" {
        return Language::PyprojectToml;
    }
    let ext = match lower.rsplit_once('.') {
        Some((_, ext)) => ext,
        None => return Language::Other,
    };
    match ext {
        "py" | "pyw" | "pyi" => Language::Python,
        "js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx" => {
            if lower.ends_with(".d.ts") {
                Language::Other
            } else {
                Language::JavaScript
            }
        }
        "pth" | "start" => Language::Pth,
        "sh" | "bash" | "zsh" | "ps1" | "bat" | "cmd" => Language::Shell,
        _ => Language::Other,
    }
}

/// `setup.py`-like files: code in them runs at install or build time.
pub(crate) fn is_install_script(path_in_package: &str) -> bool {
    let name = path_in_package
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path_in_package)
        .to_ascii_lowercase();
    name == "setup.py" || name == "hatch_build.py"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_from_paths() {
        assert_eq!(language_for("pkg/mod.py"), Language::Python);
        assert_eq!(language_for("setup.py"), Language::Python);
        assert_eq!(language_for("package/index.mjs"), Language::JavaScript);
        assert_eq!(language_for("package/types.d.ts"), Language::Other);
        assert_eq!(language_for("package/package.json"), Language::PackageJson);
        assert_eq!(language_for("litellm_init.pth"), Language::Pth);
        assert_eq!(language_for("x.start"), Language::Pth);
        assert_eq!(language_for("README.md"), Language::Other);
        assert_eq!(language_for("Makefile"), Language::Other);
        assert_eq!(language_for(r"a\b\install.PS1"), Language::Shell);
        assert!(is_install_script("pkg-1.0/setup.py"));
        assert!(!is_install_script("pkg/setup_utils.py"));
    }
}
