//! A small flat SVG badge (`label | value`), as shields draw them: the coverage badge and
//! the sign-off badge. Label and value are the caller's own words, never user input.

/// The badge `label | value`, the value on `color` (a CSS color).
pub fn svg(label: &str, value: &str, color: &str) -> String {
    let label_width = text_width(label) + 10;
    let value_width = text_width(value) + 10;
    let width = label_width + value_width;
    let label_x = label_width * 5;
    let value_x = label_width * 10 + value_width * 5;
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" aria-label="{label}: {value}"><title>{label}: {value}</title><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath><g clip-path="url(#r)"><rect width="{label_width}" height="20" fill="#555"/><rect x="{label_width}" width="{value_width}" height="20" fill="{color}"/><rect width="{width}" height="20" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="110"><text x="{label_x}" y="140" transform="scale(.1)">{label}</text><text x="{value_x}" y="140" transform="scale(.1)">{value}</text></g></svg>
"##
    )
}

/// Approximate width in pixels of Verdana 11px text.
fn text_width(text: &str) -> u32 {
    text.chars()
        .map(|c| match c {
            'i' | 'l' | '.' | ':' | '|' | ' ' => 4,
            'm' | 'w' | '%' | 'M' | 'W' => 10,
            c if c.is_ascii_uppercase() => 8,
            _ => 7,
        })
        .sum()
}
