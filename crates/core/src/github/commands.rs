//! Workflow commands printed on stdout: annotations (`::error file=…,line=…::message`) and
//! log groups, with the runner's escaping rules so untrusted text (file names, messages)
//! can neither break a command nor start a new one.
//!
//! Escaping follows the runner (actions/toolkit `command.ts`): in the message, `%`, `\r`
//! and `\n` become `%25`, `%0D`, `%0A`; in property values, `:` and `,` also become `%3A`
//! and `%2C`.

use std::fmt::Write;

/// Annotation level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Notice,
}

impl Level {
    fn command(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
        }
    }
}

/// Longest message kept in an annotation; GitHub shows only the start of longer ones.
pub const MAX_MESSAGE_CHARS: usize = 4_000;

/// A file annotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub level: Level,
    pub message: String,
    pub title: Option<String>,
    pub file: Option<String>,
    pub line: Option<u64>,
    pub end_line: Option<u64>,
    pub col: Option<u64>,
}

impl Annotation {
    /// An annotation without a location.
    pub fn new(level: Level, message: impl Into<String>) -> Self {
        Self {
            level,
            message: message.into(),
            title: None,
            file: None,
            line: None,
            end_line: None,
            col: None,
        }
    }

    /// The workflow command line, without a trailing newline.
    pub fn to_command(&self) -> String {
        let mut properties = Vec::new();
        if let Some(file) = &self.file {
            properties.push(format!("file={}", escape_property(file)));
        }
        if let Some(line) = self.line {
            properties.push(format!("line={line}"));
        }
        if let Some(end_line) = self.end_line {
            properties.push(format!("endLine={end_line}"));
        }
        if let Some(col) = self.col {
            properties.push(format!("col={col}"));
        }
        if let Some(title) = &self.title {
            properties.push(format!("title={}", escape_property(title)));
        }
        let message: String = self.message.chars().take(MAX_MESSAGE_CHARS).collect();
        let mut out = format!("::{}", self.level.command());
        if !properties.is_empty() {
            let _ = write!(out, " {}", properties.join(","));
        }
        let _ = write!(out, "::{}", escape_data(&message));
        out
    }

    /// Prints the command when running in Actions; silent otherwise.
    pub fn emit(&self) {
        if super::in_actions() {
            crate::outln!("{}", self.to_command());
        }
    }
}

/// Escapes a command's message.
pub fn escape_data(value: &str) -> String {
    value
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property value.
pub fn escape_property(value: &str) -> String {
    escape_data(value).replace(':', "%3A").replace(',', "%2C")
}

/// A collapsible log group; ends when dropped. Silent outside Actions.
#[must_use = "the group ends when this value is dropped"]
pub struct Group {
    active: bool,
}

impl Group {
    /// Starts a group titled `title`.
    pub fn start(title: &str) -> Self {
        let active = super::in_actions();
        if active {
            crate::outln!("{}", group_start_command(title));
        }
        Self { active }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        if self.active {
            crate::outln!("::endgroup::");
        }
    }
}

/// The `::group::` command for `title`.
pub fn group_start_command(title: &str) -> String {
    format!("::group::{}", escape_data(title))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_message_stays_one_command() {
        let annotation = Annotation {
            level: Level::Error,
            message: "100% broken\n::set-output name=x::pwned\r\nend".into(),
            title: Some("a, b: c".into()),
            file: Some("dir,with:colons/a%b.rs".into()),
            line: Some(3),
            end_line: Some(4),
            col: Some(7),
        };
        let command = annotation.to_command();
        assert_eq!(
            command,
            "::error file=dir%2Cwith%3Acolons/a%25b.rs,line=3,endLine=4,col=7,title=a%2C b%3A c\
             ::100%25 broken%0A::set-output name=x::pwned%0D%0Aend"
        );
        assert!(!command.contains('\n') && !command.contains('\r'));
    }

    #[test]
    fn plain_annotation_has_no_properties() {
        let command = Annotation::new(Level::Warning, "shallow clone").to_command();
        assert_eq!(command, "::warning::shallow clone");
    }

    #[test]
    fn long_messages_are_cut() {
        let command = Annotation::new(Level::Notice, "x".repeat(10_000)).to_command();
        assert_eq!(command.len(), "::notice::".len() + MAX_MESSAGE_CHARS);
    }

    #[test]
    fn group_titles_are_escaped() {
        assert_eq!(group_start_command("a\nb%"), "::group::a%0Ab%25");
    }
}
