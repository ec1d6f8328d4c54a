//! The coverage badge: a small flat SVG (`coverage | 87%`), colored by the percentage.

/// The badge for `percent` (none: "unknown").
pub fn svg(label: &str, percent: Option<f64>) -> String {
    match percent {
        Some(p) => signoff_core::badge::svg(label, &format!("{}%", crate::gate::pct(p)), color(p)),
        None => signoff_core::badge::svg(label, "unknown", "#9f9f9f"),
    }
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
