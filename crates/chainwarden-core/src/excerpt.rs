//! Capped excerpts of input text.
//!
//! Parsers echo the offending input in their errors (a TOML error quotes the
//! whole line; a name read from a file is quoted in a finding). Scanned files
//! are written by whoever wants the report to be useless: a 60 MB line must
//! not become a 60 MB message. Everything echoed into a message, an error or
//! a finding goes through [`excerpt`] or [`cap_message`], which keep the
//! start, mark the cut with `…` and say how long the original was.

use std::borrow::Cow;

/// Most characters kept of one excerpt quoted by our own messages.
pub const MAX_EXCERPT_CHARS: usize = 240;
/// Most characters kept of one line of a message (ours, or a parser's that
/// may quote input).
pub const MAX_LINE_CHARS: usize = 1000;
/// Most lines kept of one message.
pub const MAX_MESSAGE_LINES: usize = 16;

/// Text this much longer than the bound is kept whole: cutting it would save
/// less than the marker costs, and an excerpt excerpted again stays as it is.
const SLACK_CHARS: usize = 32;

/// `text` when it has at most `max_chars` characters (give or take the
/// marker's length); otherwise its first `max_chars` characters, `…`, and the
/// original length in characters.
pub fn excerpt(text: &str, max_chars: usize) -> Cow<'_, str> {
    if text.char_indices().nth(max_chars + SLACK_CHARS).is_none() {
        return Cow::Borrowed(text);
    }
    let cut = text
        .char_indices()
        .nth(max_chars)
        .map_or(text.len(), |(i, _)| i);
    let total = max_chars + text[cut..].chars().count();
    Cow::Owned(format!("{}… ({total} chars)", &text[..cut]))
}

/// A message that may quote input: each line capped by [`excerpt`] at
/// [`MAX_LINE_CHARS`], at most [`MAX_MESSAGE_LINES`] lines (the number
/// left out is said). Messages already within bounds are returned as they are.
pub fn cap_message(message: &str) -> Cow<'_, str> {
    // One more line for the marker of a message capped before.
    let within = message.lines().count() <= MAX_MESSAGE_LINES + 1
        && message
            .lines()
            .all(|l| l.chars().nth(MAX_LINE_CHARS + SLACK_CHARS).is_none());
    if within {
        return Cow::Borrowed(message);
    }
    let mut out = String::new();
    let mut lines = message.lines();
    for (i, line) in lines.by_ref().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&excerpt(line, MAX_LINE_CHARS));
        if i + 1 == MAX_MESSAGE_LINES {
            break;
        }
    }
    let left = lines.count();
    if left > 0 {
        out.push_str(&format!("\n… ({left} more lines)"));
    }
    Cow::Owned(out)
}

/// [`cap_message`] for an owned message (no copy when it is within bounds).
pub fn cap_owned(message: String) -> String {
    let capped = match cap_message(&message) {
        Cow::Owned(capped) => Some(capped),
        Cow::Borrowed(_) => None,
    };
    capped.unwrap_or(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_borrowed_unchanged() {
        assert!(matches!(excerpt("abc", 3), Cow::Borrowed("abc")));
        assert!(matches!(cap_message("a\nb"), Cow::Borrowed("a\nb")));
    }

    #[test]
    fn long_text_keeps_its_start_and_says_its_length() {
        let text = "a".repeat(100);
        assert_eq!(
            excerpt(&text, 10),
            format!("{}… (100 chars)", "a".repeat(10))
        );
        // Characters, not bytes: never cut inside one.
        let text = "é".repeat(100);
        assert_eq!(excerpt(&text, 2), "éé… (100 chars)");
        // Within the slack: kept whole.
        assert!(matches!(excerpt(&text, 90), Cow::Borrowed(_)));
    }

    #[test]
    fn capping_twice_changes_nothing() {
        let msg = format!("head\n{}\ntail", "z".repeat(50_000));
        let once = cap_owned(msg);
        assert!(once.contains("… (50000 chars)"), "{once}");
        assert_eq!(cap_message(&once), once.as_str());
        assert!(matches!(cap_message(&once), Cow::Borrowed(_)));
    }

    #[test]
    fn a_huge_line_in_a_message_is_capped_and_the_rest_kept() {
        let line = "x".repeat(1_000_000);
        let msg = format!("TOML parse error at line 1, column 7\n1 | {line}\nexpected `=`");
        let capped = cap_message(&msg);
        assert!(capped.len() < MAX_LINE_CHARS + 100, "{}", capped.len());
        assert!(capped.starts_with("TOML parse error at line 1, column 7\n1 | xxx"));
        assert!(capped.contains("… (1000004 chars)"), "{capped}");
        assert!(capped.ends_with("\nexpected `=`"));
    }

    #[test]
    fn too_many_lines_are_counted_not_kept() {
        let msg = "l\n".repeat(100);
        let capped = cap_message(&msg);
        assert_eq!(capped.lines().count(), MAX_MESSAGE_LINES + 1);
        assert!(capped.ends_with("… (84 more lines)"), "{capped}");
        assert!(matches!(cap_message(&capped), Cow::Borrowed(_)));
    }
}
