//! The file lists of installed distributions: `RECORD` (dist-info) and
//! `installed-files.txt` (legacy egg-info).

/// The path column of a RECORD (CSV: `path,hash,size`; a path holding a comma
/// or quote is quoted, with `""` for a quote).
pub(crate) fn record_paths(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim_end_matches('\r');
            if line.is_empty() {
                return None;
            }
            Some(first_csv_field(line))
        })
        .filter(|p| !p.is_empty())
        .collect()
}

fn first_csv_field(line: &str) -> String {
    let Some(rest) = line.strip_prefix('"') else {
        return line.split(',').next().unwrap_or_default().to_string();
    };
    let mut out = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            if chars.peek() == Some(&'"') {
                chars.next();
                out.push('"');
            } else {
                break;
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `installed-files.txt`: one path per line, relative to the egg-info folder.
pub(crate) fn installed_files(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_path_column() {
        let text = "a/__init__.py,sha256=x,10\r\n\"we,ird\"\"q.py\",sha256=y,3\n../../bin/tool,,\na-1.0.dist-info/RECORD,,\n\n";
        assert_eq!(
            record_paths(text),
            [
                "a/__init__.py",
                "we,ird\"q.py",
                "../../bin/tool",
                "a-1.0.dist-info/RECORD"
            ]
        );
    }
}
