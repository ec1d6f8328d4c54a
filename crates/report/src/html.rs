//! `report.html`: one self-contained page. Above the report (the markdown rendered with
//! pulldown-cmark), a dashboard built from the view: a verdict banner with a score gauge,
//! a card per review area with its grade, and a findings table that filters and sorts in
//! the browser. The page's only script is inline and allowed by its hash in the
//! Content-Security-Policy, which forbids every other script and all remote content; every
//! untrusted string is escaped on top.

use std::fmt::Write as _;

use base64::Engine as _;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};
use sha2::{Digest as _, Sha256};

use crate::view::View;

/// Findings listed in the page's findings table; the report lists the rest per gate.
pub const TABLE_ROWS: usize = 5_000;

/// Filters and sorts the findings table. Reads only the table; no network, no storage.
const SCRIPT: &str = r#"(function () {
  var table = document.getElementById('findings-table');
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var text = document.getElementById('filter-text');
  var severity = document.getElementById('filter-severity');
  var area = document.getElementById('filter-area');
  var state = document.getElementById('filter-state');
  var count = document.getElementById('filter-count');
  function apply() {
    var q = text.value.toLowerCase(), shown = 0;
    rows.forEach(function (row) {
      var ok = (!q || row.textContent.toLowerCase().indexOf(q) >= 0)
        && (!severity.value || row.dataset.severity === severity.value)
        && (!area.value || row.dataset.area === area.value)
        && (!state.value || row.dataset.state === state.value);
      row.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown + ' of ' + rows.length + ' shown';
  }
  [text, severity, area, state].forEach(function (el) { el.addEventListener('input', apply); });
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
    var button = th.querySelector('button');
    if (!button) return;
    button.addEventListener('click', function () {
      var down = th.getAttribute('aria-sort') !== 'descending';
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', down ? 'descending' : 'ascending');
      rows.sort(function (a, b) {
        var x = a.cells[i].dataset.key || a.cells[i].textContent;
        var y = b.cells[i].dataset.key || b.cells[i].textContent;
        var c = x.localeCompare(y, undefined, { numeric: true });
        return down ? -c : c;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  apply();
})();"#;

const STYLE: &str = r#"
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #ffffff;
  --border: #d1d9e0; --code: #f6f8fa; --link: #0969da; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117;
  --border: #3d444d; --code: #151b23; --link: #4493f8; --ok: #3fb950; --warn: #d29922; --bad: #f85149; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.55 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 32px 24px 64px; }
h1 { font-size: 1.9em; border-bottom: 1px solid var(--border); padding-bottom: .3em; margin-top: 0; }
h2 { font-size: 1.4em; border-bottom: 1px solid var(--border); padding-bottom: .3em; margin-top: 1.8em; }
h3 { font-size: 1.15em; margin-top: 1.6em; }
a { color: var(--link); text-decoration: none; } a:hover { text-decoration: underline; }
code { font: 0.88em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--code);
  padding: .15em .35em; border-radius: 6px; overflow-wrap: anywhere; }
table { border-collapse: collapse; display: block; max-width: 100%; overflow-x: auto; margin: 12px 0; }
th, td { border: 1px solid var(--border); padding: 6px 12px; vertical-align: top; }
th { background: var(--code); font-weight: 600; text-align: left; }
tr:nth-child(2n) td { background: color-mix(in srgb, var(--code) 60%, transparent); }
blockquote { margin: 16px 0; padding: 10px 16px; border-left: 4px solid var(--border); background: var(--code);
  border-radius: 0 6px 6px 0; }
blockquote.markdown-alert-tip { border-left-color: var(--ok); }
blockquote.markdown-alert-warning { border-left-color: var(--warn); }
blockquote.markdown-alert-caution, blockquote.markdown-alert-important { border-left-color: var(--bad); }
blockquote.markdown-alert-note { border-left-color: var(--link); }
blockquote p { margin: 4px 0; }
details { margin: 12px 0; padding: 8px 12px; border: 1px solid var(--border); border-radius: 6px; }
summary { cursor: pointer; font-weight: 600; }
ul.contains-task-list, ul:has(> li > input[type=checkbox]) { list-style: none; padding-left: 1.2em; }
input[type=checkbox] { margin-right: .5em; }
footer { margin-top: 48px; color: var(--muted); font-size: .85em; }
td code, li code { overflow-wrap: break-word; }
pre:has(> code.language-mermaid) { display: none; }
.tick { font-weight: 700; margin-right: .4em; } .tick.yes { color: var(--ok); } .tick.no { color: var(--bad); }
.banner { display: flex; gap: 24px; align-items: center; padding: 20px 24px; border-radius: 12px;
  border: 2px solid var(--border); margin-bottom: 20px; }
.banner.approved { border-color: var(--ok); background: color-mix(in srgb, var(--ok) 10%, var(--bg)); }
.banner.conditions { border-color: var(--warn); background: color-mix(in srgb, var(--warn) 10%, var(--bg)); }
.banner.rejected { border-color: var(--bad); background: color-mix(in srgb, var(--bad) 10%, var(--bg)); }
.banner .verdict { font-size: 1.9em; font-weight: 700; margin: 0; line-height: 1.2; }
.banner p { margin: 6px 0 0; }
.banner a { color: var(--fg); text-decoration: underline; }
.gauge { flex: none; }
.gauge .track { stroke: var(--border); } .gauge .value { stroke: currentColor; }
.approved .gauge { color: var(--ok); } .conditions .gauge { color: var(--warn); } .rejected .gauge { color: var(--bad); }
.gauge text { fill: var(--fg); font-weight: 700; }
.areas { display: grid; grid-template-columns: repeat(auto-fill, minmax(132px, 1fr)); gap: 12px; margin: 0 0 24px; padding: 0; list-style: none; }
.area { border: 1px solid var(--border); border-radius: 10px; padding: 10px 12px; }
.area .grade { font-size: 2em; font-weight: 700; line-height: 1; }
.area .name { font-weight: 600; } .area .detail { color: var(--muted); font-size: .85em; }
.grade-A, .grade-B { color: var(--ok); } .grade-C, .grade-D { color: var(--warn); } .grade-F { color: var(--bad); }
.grade-none { color: var(--muted); }
.explorer .controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 8px 0; }
.explorer input, .explorer select { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--border);
  border-radius: 6px; padding: 4px 8px; }
.explorer td { overflow-wrap: anywhere; }
.explorer th button { font: inherit; font-weight: 600; color: var(--fg); background: none; border: 0; padding: 0; cursor: pointer; }
.explorer th[aria-sort=ascending] button::after { content: " ▲"; } .explorer th[aria-sort=descending] button::after { content: " ▼"; }
.sev { white-space: nowrap; }
@media (max-width: 640px) { main { padding: 16px 12px 48px; } .banner { flex-direction: column; align-items: flex-start; } }
@media print { :root { color-scheme: light; } .explorer .controls { display: none; } details { border: 0; }
  a { color: inherit; } tr, .area, .banner { break-inside: avoid; } main { max-width: none; } }
"#;

/// The full HTML page for the markdown report, with the dashboard of `view` above it
/// (the markdown's own title and verdict line give way to the banner).
pub fn page(markdown: &str, title: &str, view: Option<&View>) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_GFM;
    let parser = Parser::new_ext(markdown, options);
    let mut body = String::with_capacity(markdown.len() * 3 / 2);
    match view {
        Some(_) => html::push_html(&mut body, without_title(parser)),
        None => html::push_html(&mut body, parser),
    }
    let body = touch_up(&body);
    let dashboard = view.map(dashboard).unwrap_or_default();
    let mut explorer = String::new();
    if let Some(view) = view {
        findings_table(view, &mut explorer);
    }
    let script_hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(SCRIPT));
    let script = if view.is_some() {
        format!("<script>{SCRIPT}</script>\n")
    } else {
        String::new()
    };
    let title = escape_html(title);
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{script_hash}'\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{dashboard}{body}{explorer}\
         <footer>Generated by signoff {}</footer>\n</main>\n{script}</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// The markdown's events without its first heading and the alert after it, which the
/// banner shows instead; everything else, the report's meta line included, stays.
fn without_title<'a>(parser: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    #[derive(PartialEq)]
    enum At {
        Before,
        Title,
        AfterTitle,
        Alert(usize),
        Done,
    }
    let mut at = At::Before;
    parser.filter(move |event| match (&at, event) {
        (
            At::Before,
            Event::Start(Tag::Heading {
                level: pulldown_cmark::HeadingLevel::H1,
                ..
            }),
        ) => {
            at = At::Title;
            false
        }
        (At::Title, Event::End(TagEnd::Heading(_))) => {
            at = At::AfterTitle;
            false
        }
        (At::Title, _) => false,
        (At::AfterTitle, Event::Start(Tag::BlockQuote(_))) => {
            at = At::Alert(1);
            false
        }
        (At::AfterTitle, Event::Start(Tag::Heading { .. })) => {
            at = At::Done;
            true
        }
        (At::Alert(depth), Event::Start(Tag::BlockQuote(_))) => {
            at = At::Alert(depth + 1);
            false
        }
        (At::Alert(depth), Event::End(TagEnd::BlockQuote(_))) => {
            at = if *depth == 1 {
                At::Done
            } else {
                At::Alert(depth - 1)
            };
            false
        }
        (At::Alert(_), _) => false,
        _ => true,
    })
}

/// Task-list boxes as marks that look different when ticked; tables, which scroll
/// sideways when wide, reachable from the keyboard.
fn touch_up(body: &str) -> String {
    body.replace("<table>", "<table tabindex=\"0\">")
        .replace(
            "<input disabled=\"\" type=\"checkbox\" checked=\"\"/>",
            "<span class=\"tick yes\" role=\"img\" aria-label=\"done\">✔</span>",
        )
        .replace(
            "<input disabled=\"\" type=\"checkbox\"/>",
            "<span class=\"tick no\" role=\"img\" aria-label=\"not done\">✘</span>",
        )
}

/// The banner, the area cards and the findings table.
fn dashboard(view: &View) -> String {
    let mut out = String::new();
    let kind = view.verdict_kind;
    let score = view.score.min(100);
    // A ring: circumference 100 for a radius of 100 / 2π.
    let _ = write!(
        out,
        "<section class=\"banner {kind}\" aria-label=\"verdict\">\n\
         <svg class=\"gauge\" width=\"96\" height=\"96\" viewBox=\"0 0 42 42\" role=\"img\" aria-label=\"score {score} of 100\">\
         <circle class=\"track\" cx=\"21\" cy=\"21\" r=\"15.915\" fill=\"none\" stroke-width=\"4\"/>\
         <circle class=\"value\" cx=\"21\" cy=\"21\" r=\"15.915\" fill=\"none\" stroke-width=\"4\" \
         stroke-dasharray=\"{score} {}\" stroke-dashoffset=\"25\"/>\
         <text x=\"21\" y=\"24.5\" text-anchor=\"middle\" font-size=\"10\">{score}</text></svg>\n\
         <div><h1 class=\"verdict\">{} {}</h1>\n<p>{}</p>\n<p>Maturity level {} of 5, {} · {} of 7 areas assessed{}</p></div>\n</section>\n",
        100 - score,
        view.verdict_icon,
        escape_html(&view.verdict),
        escape_html(&view.headline),
        view.review.maturity.level,
        view.review.maturity.name,
        view.review.assessed,
        {
            let findings: usize = view.gates.iter().map(|g| g.findings_total).sum();
            if findings > 0 {
                format!(
                    " · <a href=\"#findings-title\">all {findings} findings, to filter and sort</a>"
                )
            } else {
                String::new()
            }
        },
    );
    out.push_str("<ul class=\"areas\" aria-label=\"review areas\">\n");
    for area in &view.review.areas {
        let (class, grade) = if area.assessed {
            (format!("grade-{}", area.grade), area.grade)
        } else {
            ("grade-none".to_owned(), "—")
        };
        let detail = match area.score {
            Some(score) => format!("{score}/100 · open: {}", area.open_text),
            None => "not assessed".to_owned(),
        };
        let _ = writeln!(
            out,
            "<li class=\"area\"><div class=\"grade {class}\" aria-label=\"grade {grade}\">{grade}</div>\
             <div class=\"name\">{}</div><div class=\"detail\">{}</div></li>",
            escape_html(area.title),
            escape_html(&detail),
        );
    }
    out.push_str("</ul>\n");
    out
}

/// Every listed finding of every gate, one row each, with filters and sortable columns.
fn findings_table(view: &View, out: &mut String) {
    let rows: Vec<(&crate::view::GateView, &crate::view::FindingView)> = view
        .gates
        .iter()
        .flat_map(|g| {
            g.findings_top
                .iter()
                .chain(&g.findings_more)
                .map(move |f| (g, f))
        })
        .take(TABLE_ROWS)
        .collect();
    if rows.is_empty() {
        return;
    }
    let listed: usize = view.gates.iter().map(|g| g.findings_total).sum();
    out.push_str("<section class=\"explorer\" aria-labelledby=\"findings-title\">\n<h2 id=\"findings-title\">All findings</h2>\n");
    out.push_str("<div class=\"controls\"><label>Search <input id=\"filter-text\" type=\"search\"></label>\n");
    out.push_str("<label>Severity <select id=\"filter-severity\"><option value=\"\">all</option>");
    for s in ["critical", "high", "medium", "low", "info"] {
        let _ = write!(out, "<option>{s}</option>");
    }
    out.push_str(
        "</select></label>\n<label>Area <select id=\"filter-area\"><option value=\"\">all</option>",
    );
    for area in &view.review.areas {
        let _ = write!(
            out,
            "<option value=\"{}\">{}</option>",
            area.id,
            escape_html(area.title)
        );
    }
    out.push_str("</select></label>\n<label>State <select id=\"filter-state\"><option value=\"\">all</option><option>open</option><option>accepted</option></select></label>\n");
    let _ = writeln!(
        out,
        "<span id=\"filter-count\" role=\"status\">{} findings{}</span></div>",
        rows.len(),
        if listed > rows.len() {
            format!(" of {listed}; the gate reports in the artifact list every one")
        } else {
            String::new()
        }
    );
    out.push_str("<table id=\"findings-table\" tabindex=\"0\">\n<thead><tr>");
    for column in ["Severity", "Area", "Gate", "Rule", "Where", "Finding"] {
        let _ = write!(
            out,
            "<th scope=\"col\"><button type=\"button\">{column}</button></th>"
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (gate, finding) in rows {
        let area =
            crate::review::Area::from_id(finding.area).unwrap_or(crate::review::Area::BuildQuality);
        let severity = finding.severity.as_str();
        let rank = 5 - finding.severity as u8;
        let state = if finding.waived { "accepted" } else { "open" };
        let place = finding.location.as_deref().unwrap_or("—");
        let place = match &finding.url {
            Some(url) => format!(
                "<a href=\"{}\"><code>{}</code></a>",
                escape_html(url),
                escape_html(place)
            ),
            None => format!("<code>{}</code>", escape_html(place)),
        };
        let _ = writeln!(
            out,
            "<tr data-severity=\"{severity}\" data-area=\"{}\" data-state=\"{state}\">\
             <td class=\"sev\" data-key=\"{rank}\">{}{}</td><td>{}</td><td>{}</td><td class=\"rule\"><code>{}</code></td><td>{place}</td><td>{}</td></tr>",
            area.id(),
            severity,
            if finding.waived {
                format!(" ({})", finding.accepted.unwrap_or("accepted"))
            } else {
                String::new()
            },
            escape_html(area.title()),
            escape_html(&gate.title),
            escape_html(&finding.rule),
            inline_code(&finding.message),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// Escaped text with its `backticked` spans as code.
fn inline_code(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len().is_multiple_of(2) {
        // An unpaired backtick: no code spans.
        return escape_html(text);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", escape_html(part))
            } else {
                escape_html(part)
            }
        })
        .collect()
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_markdown_stays_inert_in_html() {
        let markdown = signoff_core::markdown::escape(
            "<script>alert(1)</script> [x](javascript:alert(1)) <!--",
        );
        let page = page(&markdown, "<title>", None);
        let body = page.split("<main>").nth(1).unwrap();
        assert!(!body.contains("<script"), "{body}");
        assert!(!body.contains("href=\"javascript"), "{body}");
        assert!(!body.contains("<!--"), "{body}");
        assert!(page.contains("<title>&lt;title&gt;</title>"));
    }

    #[test]
    fn tables_and_alerts_render() {
        let page = page(
            "> [!TIP]\n> ok\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
            "t",
            None,
        );
        assert!(page.contains("<table"), "{page}");
        assert!(page.contains("markdown-alert-tip"), "{page}");
    }
}
