//! Escaping for markdown that GitHub renders (job summaries, PR comments, report.md).
//!
//! Every string that comes from outside signoff's own code (file paths, messages, commit
//! subjects, rule names from a SARIF file) goes through [`escape`] or [`code`] before it
//! is placed in markdown, so it cannot add links, images, HTML, table cells or mentions.

/// Plain text made safe for inline markdown and table cells: markdown punctuation is
/// backslash-escaped, HTML is neutralized, newlines become spaces, and `@name` / `#123`
/// cannot ping people or link issues.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '!' | '&' | '$' | '{'
            | '}' | '(' | ')' => {
                out.push('\\');
                out.push(c);
            }
            '@' | '#' => {
                out.push(c);
                // A word joiner keeps the text readable but breaks mentions and refs.
                if chars.peek().is_some_and(|next| next.is_alphanumeric()) {
                    out.push('\u{2060}');
                }
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    // A leading `-`, `+`, `=` or `1.` could start a list or heading when the text opens a line.
    if out.starts_with(['-', '+', '=']) {
        out.insert(0, '\\');
    }
    out
}

/// Text as an inline code span that is also safe inside a table cell. Backticks inside
/// are handled by a longer fence; `|` is escaped as GFM tables require.
pub fn code(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| {
            if c == '\n' || c == '\r' || c == '\t' {
                ' '
            } else {
                c
            }
        })
        .filter(|c| !c.is_control())
        .collect();
    let clean = clean.replace('|', "\\|");
    let longest_run = clean.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if clean.starts_with('`') || clean.ends_with('`') || clean.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{clean}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_links_html_tables_and_mentions() {
        assert_eq!(
            escape("[x](javascript:alert(1))"),
            "\\[x\\]\\(javascript:alert\\(1\\)\\)"
        );
        assert_eq!(escape("<script>"), "\\<script\\>");
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("@org/team"), "@\u{2060}org/team");
        assert_eq!(escape("fixes #12"), "fixes #\u{2060}12");
        assert_eq!(escape("mail a @ b"), "mail a @ b");
        assert_eq!(escape("line\nbreak"), "line break");
        assert_eq!(escape("<!-- hidden"), "\\<\\!-- hidden");
        assert_eq!(escape("- item"), "\\- item");
        assert_eq!(escape("&lt;"), "\\&lt;");
    }

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code("src/a.rs"), "`src/a.rs`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("two\nlines"), "`two lines`");
    }
}
