//! Value types of the policy file that validate themselves while parsing, so a bad value
//! is reported at its own line and column.

use std::fmt;

use serde::{Deserialize, Deserializer, de};

/// A percentage, 0 to 100 inclusive.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Percent(pub f64);

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        if value.is_finite() && (0.0..=100.0).contains(&value) {
            Ok(Percent(value))
        } else {
            Err(de::Error::invalid_value(
                de::Unexpected::Float(value),
                &"a percentage from 0 to 100, like `80` or `92.5`",
            ))
        }
    }
}

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub jiff::civil::Date);

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date in the form YYYY-MM-DD, like `2026-12-31`")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Date, E> {
                let well_formed = value.len() == 10
                    && value.bytes().enumerate().all(|(index, b)| match index {
                        4 | 7 => b == b'-',
                        _ => b.is_ascii_digit(),
                    });
                match value.parse::<jiff::civil::Date>() {
                    Ok(date) if well_formed => Ok(Date(date)),
                    _ => Err(E::invalid_value(de::Unexpected::Str(value), &self)),
                }
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Date, E> {
                Err(E::invalid_type(de::Unexpected::Unsigned(value), &self))
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Date, E> {
                Err(E::invalid_type(de::Unexpected::Signed(value), &self))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// A gitignore-style path glob (`tests/**`, `*.pem`), checked when read.
#[derive(Debug, Clone)]
pub struct PathGlob {
    pub pattern: String,
    pub matcher: globset::GlobMatcher,
}

impl PartialEq for PathGlob {
    fn eq(&self, other: &Self) -> bool {
        self.pattern == other.pattern
    }
}

impl PathGlob {
    /// Compiles a glob; `*` does not cross `/`, `**` does.
    pub fn new(pattern: &str) -> Result<Self, globset::Error> {
        let glob = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()?;
        Ok(Self {
            pattern: pattern.to_owned(),
            matcher: glob.compile_matcher(),
        })
    }

    /// Whether a repository-relative path matches.
    pub fn is_match(&self, path: &str) -> bool {
        self.matcher.is_match(path)
    }
}

impl<'de> Deserialize<'de> for PathGlob {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let pattern = String::deserialize(deserializer)?;
        PathGlob::new(&pattern).map_err(|error| {
            de::Error::custom(format!(
                "invalid path glob `{pattern}`: {}; write a glob like `tests/**` or `*.pem`",
                error.kind()
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rejects_out_of_range() {
        assert!(crate::yaml::from_str::<Percent>("80", "t").is_ok());
        let error = crate::yaml::from_str::<Percent>("120", "t").unwrap_err();
        assert!(
            error.to_string().contains("percentage from 0 to 100"),
            "{error}"
        );
    }

    #[test]
    fn date_must_be_real_and_iso() {
        assert!(crate::yaml::from_str::<Date>("2026-12-31", "t").is_ok());
        for bad in [
            "2026-02-30",
            "31/12/2026",
            "2026-1-5",
            "20261231",
            "tomorrow",
        ] {
            let error = crate::yaml::from_str::<Date>(bad, "t").unwrap_err();
            assert!(error.to_string().contains("YYYY-MM-DD"), "{bad}: {error}");
        }
    }

    #[test]
    fn globs_match_paths() {
        let glob = PathGlob::new("tests/**").unwrap();
        assert!(glob.is_match("tests/a/b.rs"));
        assert!(!glob.is_match("src/tests.rs"));
        assert!(!PathGlob::new("*.pem").unwrap().is_match("a/b.pem"));
        assert!(PathGlob::new("a[").is_err());
    }
}
