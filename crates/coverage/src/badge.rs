//! The coverage badge: a small flat SVG (`coverage | 87%`), colored by the percentage.

/// The badge for `percent` (none: "unknown").
pub fn svg(label: &str, percent: Option<f64>) -> String {
    let (value, color) = match percent {
        Some(p) => (format!("{}%", crate::gate::pct(p)), color(p)),
        None => ("unknown".to_owned(), "#9f9f9f"),
    };
    let label_width = text_width(label) + 10;
    let value_width = text_width(&value) + 10;
    let width = label_width + value_width;
    let label_x = label_width * 5;
    let value_x = label_width * 10 + value_width * 5;
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" aria-label="{label}: {value}"><title>{label}: {value}</title><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath><g clip-path="url(#r)"><rect width="{label_width}" height="20" fill="#555"/><rect x="{label_width}" width="{value_width}" height="20" fill="{color}"/><rect width="{width}" height="20" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="110"><text x="{label_x}" y="140" transform="scale(.1)">{label}</text><text x="{value_x}" y="140" transform="scale(.1)">{value}</text></g></svg>
"##
    )
}

fn color(percent: f64) -> &'static str {
    match percent {
        p if p >= 95.0 => "#4c1",
        p if p >= 90.0 => "#97ca00",
        p if p >= 75.0 => "#a4a61d",
        p if p >= 60.0 => "#dfb317",
        p if p >= 40.0 => "#fe7d37",
        _ => "#e05d44",
    }
}

/// Approximate width in pixels of Verdana 11px text.
fn text_width(text: &str) -> u32 {
    text.chars()
        .map(|c| match c {
            'i' | 'l' | '.' | ':' | '|' => 4,
            'm' | 'w' | '%' => 10,
            _ => 7,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badge_shows_the_floored_percentage_and_its_color() {
        let badge = svg("coverage", Some(89.99));
        assert!(badge.contains(">89.9%<"), "{badge}");
        assert!(badge.contains("#a4a61d"), "{badge}");
        assert!(svg("coverage", None).contains(">unknown<"));
        insta::assert_snapshot!(svg("coverage", Some(100.0)));
    }
}
