//! Templates: handlebars in strict mode (a missing variable is an error), the default
//! template and its partials embedded from `templates/`, and `--template` for a team's own.
//!
//! `{{value}}` is escaped for markdown (so paths, messages and rule names cannot add links,
//! HTML, table cells or mentions); helpers that build markup escape what they take.
//!
//! Helpers: `num` (1,234), `pct` (83.4%), `plural n "finding" "findings"`, `duration`
//! (from milliseconds), `badge` (severity), `status_icon`, `link text url` (only http(s)
//! URLs become links), `code` (inline code span), `md` (a sentence whose `backticked`
//! parts are code and the rest escaped).

use handlebars::{
    Context, Handlebars, Helper, HelperResult, JsonRender, Output, RenderContext, RenderError,
    RenderErrorReason, handlebars_helper,
};
use serde_json::Value;

/// The embedded default template and its partials: (name, text).
const DEFAULT_TEMPLATE: &str = include_str!("../../../templates/report.md.hbs");
/// The pull-request comment: short, whatever the report's template.
const COMMENT_TEMPLATE: &str = include_str!("../../../templates/comment.md.hbs");
const PARTIALS: &[(&str, &str)] = &[
    (
        "trend",
        include_str!("../../../templates/partials/trend.md.hbs"),
    ),
    (
        "review",
        include_str!("../../../templates/partials/review.md.hbs"),
    ),
    (
        "header",
        include_str!("../../../templates/partials/header.md.hbs"),
    ),
    (
        "gate",
        include_str!("../../../templates/partials/gate.md.hbs"),
    ),
    (
        "findings",
        include_str!("../../../templates/partials/findings.md.hbs"),
    ),
    (
        "waivers",
        include_str!("../../../templates/partials/waivers.md.hbs"),
    ),
    (
        "appendix",
        include_str!("../../../templates/partials/appendix.md.hbs"),
    ),
];

/// Name under which the report template is registered.
pub const REPORT: &str = "report";
/// Name of the comment template in the registry.
pub const COMMENT: &str = "comment";

/// Why a template could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error(
        "error: cannot read the template {path}: {source}\n  = help: check the path given with --template"
    )]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "error: the template {path} does not parse: {message}\n  = help: fix the handlebars syntax at that position"
    )]
    Parse { path: String, message: String },
    #[error(
        "error: the template {path} cannot be rendered: {message}\n  = help: templates are strict: every variable must exist; check its spelling against the fields the README lists for --template"
    )]
    Render { path: String, message: String },
}

/// A ready-to-render set of templates.
pub struct Templates {
    registry: Handlebars<'static>,
    name: String,
}

impl Templates {
    /// The default template, or the file at `custom` (which may use the default partials).
    pub fn load(custom: Option<&std::path::Path>) -> Result<Self, TemplateError> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(signoff_core::markdown::escape);
        register_helpers(&mut registry);
        for (name, text) in PARTIALS {
            registry
                .register_partial(name, *text)
                .map_err(|e| TemplateError::Parse {
                    path: format!("templates/partials/{name}.md.hbs"),
                    message: e.to_string(),
                })?;
        }
        let (name, text) = match custom {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| TemplateError::Read {
                    path: path.display().to_string(),
                    source,
                })?;
                (path.display().to_string(), text)
            }
            None => (
                "the default template".to_owned(),
                DEFAULT_TEMPLATE.to_owned(),
            ),
        };
        registry
            .register_template_string(COMMENT, COMMENT_TEMPLATE)
            .map_err(|e| TemplateError::Parse {
                path: "templates/comment.md.hbs".into(),
                message: e.to_string(),
            })?;
        registry
            .register_template_string(REPORT, text)
            .map_err(|e| TemplateError::Parse {
                path: name.clone(),
                message: e.to_string(),
            })?;
        Ok(Self { registry, name })
    }

    /// Renders the template once on a sample sign-off with one of everything (full and
    /// compact), so a template error shows before any gate runs.
    pub fn validate(&self) -> Result<(), TemplateError> {
        for compact in [false, true] {
            let view = crate::sample::view(compact);
            self.render(&view)?;
            self.render_comment(&view)?;
        }
        Ok(())
    }

    /// Renders the pull-request comment with `data`.
    pub fn render_comment<T: serde::Serialize>(&self, data: &T) -> Result<String, TemplateError> {
        self.render_as(COMMENT, "templates/comment.md.hbs", data)
    }

    /// Renders the report template with `data`.
    pub fn render<T: serde::Serialize>(&self, data: &T) -> Result<String, TemplateError> {
        self.render_as(REPORT, &self.name, data)
    }

    /// Renders the template registered as `name`, shown as `path` in errors.
    fn render_as<T: serde::Serialize>(
        &self,
        name: &str,
        path: &str,
        data: &T,
    ) -> Result<String, TemplateError> {
        self.registry
            .render(name, data)
            .map_err(|e| TemplateError::Render {
                path: path.to_owned(),
                message: render_message(&e),
            })
    }
}

/// A render error in the user's words: what failed and where in *their* template; a
/// failure inside one of the default partials names the partial, not a file of ours.
fn render_message(error: &RenderError) -> String {
    let reason = match error.reason() {
        RenderErrorReason::MissingVariable(Some(name)) => {
            format!("the variable `{name}` does not exist")
        }
        other => other.to_string(),
    };
    let place = match (
        error.template_name.as_deref(),
        error.line_no,
        error.column_no,
    ) {
        (Some(REPORT) | None, Some(line), Some(column)) => {
            format!(" at line {line}, column {column}")
        }
        (Some(partial), Some(line), _) => format!(" in the partial `{partial}` (line {line})"),
        _ => String::new(),
    };
    format!("{reason}{place}")
}

handlebars_helper!(num: |value: Value| match value.as_u64() {
    Some(n) => signoff_core::text::thousands(n),
    None => value.as_f64().map(crate::score::number).unwrap_or_default(),
});
handlebars_helper!(pct: |value: f64| format!("{value:.1}%"));
handlebars_helper!(plural_helper: |n: u64, one: str, many: str| signoff_core::text::plural(n, one, many));
handlebars_helper!(duration: |ms: u64| human_duration(ms));
handlebars_helper!(badge: |severity: str| match severity {
    "critical" => "🟣 critical",
    "high" => "🔴 high",
    "medium" => "🟠 medium",
    "low" => "🟡 low",
    _ => "⚪ info",
});
handlebars_helper!(status_icon: |status: str| match status {
    "pass" => "✅",
    "warn" => "⚠️",
    "fail" => "❌",
    "error" => "🛑",
    "skipped" => "⏭️",
    "missing" => "❓",
    _ => "•",
});

fn register_helpers(registry: &mut Handlebars<'static>) {
    registry.register_helper("num", Box::new(num));
    registry.register_helper("pct", Box::new(pct));
    registry.register_helper("plural", Box::new(plural_helper));
    registry.register_helper("duration", Box::new(duration));
    registry.register_helper("badge", Box::new(badge));
    registry.register_helper("status_icon", Box::new(status_icon));
    registry.register_helper("link", Box::new(link));
    registry.register_helper("code", Box::new(code));
    registry.register_helper("md", Box::new(md));
    registry.register_helper("indent", Box::new(indent));
}

/// `{{md text}}`: a sentence whose `backticked` parts are code, the rest escaped.
fn md(
    helper: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let text = param_text(helper, 0)?;
    out.write(&signoff_core::markdown::inline(&text))?;
    Ok(())
}

/// `{{{indent text}}}`: each line of `text` indented by three spaces, to sit in a list
/// item (for code blocks; the text is not escaped, so only use it inside a code fence).
fn indent(
    helper: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let text = param_text(helper, 0)?;
    let indented: Vec<String> = text.lines().map(|line| format!("   {line}")).collect();
    out.write(&indented.join("\n"))?;
    Ok(())
}

/// `{{link text url}}`: a markdown link when `url` is http(s), else the escaped text.
fn link(
    helper: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let text = param_text(helper, 0)?;
    let url = helper
        .param(1)
        .map(|p| p.value())
        .filter(|v| !v.is_null())
        .map(|v| v.render());
    let escaped = signoff_core::markdown::escape(&text);
    match url.as_deref().and_then(safe_url) {
        Some(url) => out.write(&format!("[{escaped}]({url})"))?,
        None => out.write(&escaped)?,
    }
    Ok(())
}

/// `{{code text}}`: an inline code span that is safe in table cells.
fn code(
    helper: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let text = param_text(helper, 0)?;
    out.write(&signoff_core::markdown::code(&text))?;
    Ok(())
}

fn param_text(helper: &Helper, index: usize) -> Result<String, RenderError> {
    helper
        .param(index)
        .map(|p| p.value().render())
        .ok_or_else(|| {
            RenderErrorReason::ParamNotFoundForIndex(helper.name().to_string().leak(), index).into()
        })
}

/// An http(s) URL made safe for a markdown link target, or `None`.
pub fn safe_url(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return None;
    }
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '"' => out.push_str("%22"),
            '\'' => out.push_str("%27"),
            '`' => out.push_str("%60"),
            '[' => out.push_str("%5B"),
            ']' => out.push_str("%5D"),
            '|' => out.push_str("%7C"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() || c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    Some(out)
}

/// A repository path percent-encoded for a URL path (`/` kept).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// `812 ms`, `3.2 s`, `1 min 04 s`.
pub fn human_duration(ms: u64) -> String {
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=59_999 => format!("{:.1} s", ms as f64 / 1000.0),
        _ => format!("{} min {:02} s", ms / 60_000, (ms % 60_000) / 1000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_urls_become_links() {
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url("data:text/html,x"), None);
        assert_eq!(
            safe_url("https://x/a b(c)").as_deref(),
            Some("https://x/a%20b%28c%29")
        );
    }

    #[test]
    fn paths_are_encoded_for_urls() {
        assert_eq!(encode_path("src/a b/[x].rs"), "src/a%20b/%5Bx%5D.rs");
        assert_eq!(encode_path("日.rs"), "%E6%97%A5.rs");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(812), "812 ms");
        assert_eq!(human_duration(3_240), "3.2 s");
        assert_eq!(human_duration(64_000), "1 min 04 s");
    }

    #[test]
    fn strict_mode_rejects_missing_variables() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.hbs");
        std::fs::write(&path, "{{verdict}} {{no_such_field}}").unwrap();
        let templates = Templates::load(Some(&path)).unwrap();
        let error = templates
            .render(&serde_json::json!({"verdict": "APPROVED"}))
            .unwrap_err();
        assert!(error.to_string().contains("no_such_field"), "{error}");
    }

    #[test]
    fn values_are_escaped_and_helpers_are_safe() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.hbs");
        std::fs::write(&path, "{{x}}\n{{link x url}}\n{{link x bad}}\n{{code x}}").unwrap();
        let templates = Templates::load(Some(&path)).unwrap();
        let text = templates
            .render(&serde_json::json!({"x": "<b>[a](b)</b>|@team", "url": "https://e/x", "bad": "javascript:x"}))
            .unwrap();
        let escaped = "\\<b\\>\\[a\\](b)\\</b\\>\\|@\u{2060}team";
        let expected =
            format!("{escaped}\n[{escaped}](https://e/x)\n{escaped}\n`<b>[a](b)</b>\\|@team`");
        assert_eq!(text, expected);
        // Rendered, none of it is markup: no tag, no link but the safe one.
        let html = crate::html::page(&text, "t", None);
        let body = html.split("<main>").nth(1).unwrap();
        assert!(!body.contains("<b>"), "{body}");
        assert_eq!(body.matches("<a href").count(), 1, "{body}");
    }
}
