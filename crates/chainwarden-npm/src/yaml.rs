//! The one place YAML is parsed (pnpm-lock.yaml, yarn berry's yarn.lock):
//! serde-saphyr with budgets against hostile documents (alias bombs, deep
//! nesting, huge node counts), behind a facade so the parser can be swapped.

use serde::de::DeserializeOwned;

/// Parses a YAML document with bounded work.
pub(crate) fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let mut budget = serde_saphyr::Budget::default();
    // Lockfiles are large but plain: many nodes, shallow, and pnpm and yarn
    // never write anchors, so a handful of aliases is already suspicious.
    budget.max_depth = 64;
    budget.max_nodes = 2_000_000;
    budget.max_events = 4_000_000;
    budget.max_aliases = 16;
    budget.max_anchors = 16;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    serde_saphyr::from_str_with_options(text, options).map_err(|e| e.to_string())
}

/// One line per top-level (or `indent`-deep) mapping key, as `(key, line)`:
/// the line numbers the YAML parser does not hand back to serde. Keys are
/// unquoted (`'x'`, `"x"`); only block-mapping keys ending a line with `:` count.
pub(crate) fn block_keys(text: &str, indent: usize) -> Vec<(String, u32, usize)> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let trimmed = raw.trim_start_matches(' ');
        let ind = raw.len() - trimmed.len();
        if ind != indent || trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        let Some(key) = mapping_key(trimmed.trim_end()) else {
            continue;
        };
        out.push((unquote(key), line, i));
    }
    out
}

/// The key of a `key:` or `key: value` line (quoted keys may hold `: `).
fn mapping_key(line: &str) -> Option<&str> {
    let end = match line.as_bytes().first() {
        Some(&q @ (b'\'' | b'"')) => {
            let close = line.get(1..)?.find(char::from(q))? + 1;
            close + 1
        }
        _ => line.find(": ").unwrap_or(line.len().checked_sub(1)?),
    };
    let rest = line.get(end..)?;
    (rest == ":" || rest.starts_with(": "))
        .then(|| line.get(..end))
        .flatten()
}

/// Removes YAML single or double quotes around a key.
pub(crate) fn unquote(key: &str) -> String {
    if let Some(inner) = key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')) {
        return inner.replace("''", "'");
    }
    if let Some(inner) = key.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
        return inner.replace("\\\"", "\"").replace("\\\\", "\\");
    }
    key.to_string()
}

/// The `indent`-deep keys inside the top-level block `section`, with lines.
pub(crate) fn section_keys(text: &str, section: &str, indent: usize) -> Vec<(String, u32)> {
    let tops = block_keys(text, 0);
    let Some(pos) = tops.iter().position(|(k, _, _)| k == section) else {
        return Vec::new();
    };
    let start = tops[pos].2;
    let end = tops.get(pos + 1).map_or(usize::MAX, |t| t.2);
    block_keys(text, indent)
        .into_iter()
        .filter(|(_, _, i)| *i > start && *i < end)
        .map(|(k, l, _)| (k, l))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn alias_bombs_are_refused() {
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let r: Result<BTreeMap<String, serde_json::Value>, _> = from_str(&bomb);
        assert!(r.is_err());
    }

    #[test]
    fn block_keys_with_quotes() {
        let text = "a:\n  '@s/x@1.0.0':\n    v: 1\n  \"b, c\":\n  plain@1: {}\n";
        let keys: Vec<(String, u32)> = block_keys(text, 2)
            .into_iter()
            .map(|(k, l, _)| (k, l))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("@s/x@1.0.0".to_string(), 2),
                ("b, c".to_string(), 4),
                ("plain@1".to_string(), 5)
            ]
        );
    }
}
