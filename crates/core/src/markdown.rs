//! Escaping for markdown that GitHub renders (job summaries, PR comments, report.md).
//!
//! Every string that comes from outside signoff's own code (file paths, messages, commit
//! subjects, rule names from a SARIF file) goes through [`escape`] or [`code`] before it
//! is placed in markdown, so it cannot add links, images, HTML, table cells or mentions.

/// Plain text made safe for inline markdown and table cells: markdown punctuation is
/// backslash-escaped (`(`, `)` and `!` need not be, since `[` and `<` always are), HTML is
/// neutralized, `$` cannot start math, newlines become spaces, and `@name` / `#123` cannot
/// ping people or link issues.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    let mut previous: Option<char> = None;
    while let Some(c) = chars.next() {
        // GitHub links `@name` and `#123` after any non-word character except the ones
        // that continue a URL, a path or an e-mail address.
        let after_boundary =
            previous.is_none_or(|p| !(p.is_alphanumeric() || "/._-+=%~&?".contains(p)));
        previous = Some(c);
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '@' | '#' => {
                out.push(c);
                // A word joiner keeps the text readable but breaks mentions and issue
                // references, which GitHub recognizes only after a boundary (so URLs and
                // e-mail addresses stay intact).
                if after_boundary && chars.peek().is_some_and(|next| next.is_alphanumeric()) {
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

/// Plain text in which `backticked` parts are code: each code part becomes a safe code
/// span and everything else is escaped. For sentences signoff writes around identifiers
/// ("The `coverage` gate failed."), which may also quote untrusted text.
pub fn inline(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    let balanced = parts.len() % 2 == 1;
    let mut out = String::with_capacity(text.len() + 8);
    for (index, part) in parts.iter().enumerate() {
        let is_code = index % 2 == 1 && (balanced || index + 1 < parts.len());
        if is_code {
            out.push_str(&code(part));
        } else {
            if index > 0 && !balanced && index + 1 == parts.len() {
                out.push_str("\\`");
            }
            out.push_str(&escape(part));
        }
    }
    out
}

/// An outside name (a check, a rule, a path pattern) as a code span inside a sentence that
/// goes through [`inline`]: its own backticks become `'`, so it stays one span.
pub fn ticked(name: &str) -> String {
    format!("`{}`", name.replace('`', "'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticked_names_stay_one_code_span() {
        let sentence = format!("Bring {} to 0.", ticked("a` <b>x</b> `b"));
        assert_eq!(inline(&sentence), "Bring `a' <b>x</b> 'b` to 0.");
    }

    #[test]
    fn inline_keeps_code_spans_and_escapes_the_rest() {
        assert_eq!(
            inline("The `coverage` gate failed."),
            "The `coverage` gate failed."
        );
        assert_eq!(inline("`x|y` and <b>"), "`x\\|y` and \\<b\\>");
        assert_eq!(inline("odd ` tick"), "odd \\` tick");
        assert_eq!(inline("@team `@team`"), "@\u{2060}team `@team`");
    }

    #[test]
    fn escapes_links_html_tables_and_mentions() {
        assert_eq!(
            escape("[x](javascript:alert(1))"),
            "\\[x\\](javascript:alert(1))"
        );
        assert_eq!(escape("![img](x)"), "!\\[img\\](x)");
        assert_eq!(escape("$x$"), "\\$x\\$");
        assert_eq!(escape("<script>"), "\\<script\\>");
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("@org/team"), "@\u{2060}org/team");
        assert_eq!(escape("fixes #12"), "fixes #\u{2060}12");
        assert_eq!(escape("mail a @ b"), "mail a @ b");
        assert_eq!(
            escape("https://x.dev/a#frag me@x.org"),
            "https://x.dev/a#frag me@x.org"
        );
        assert_eq!(escape("(@team)"), "(@\u{2060}team)");
        assert_eq!(escape("a|@team"), "a\\|@\u{2060}team");
        assert_eq!(escape("line\nbreak"), "line break");
        assert_eq!(escape("<!-- hidden"), "\\<!-- hidden");
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
