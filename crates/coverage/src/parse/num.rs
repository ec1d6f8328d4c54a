//! Number parsing shared by the text formats, with messages that name the bad value.

fn shown(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(40)]);
    signoff_core::text::one_line(&text)
}

/// A non-negative integer that fits in a `u64`.
pub fn count(bytes: &[u8]) -> Result<u64, String> {
    if bytes.is_empty() {
        return Err("a number is missing".into());
    }
    let mut value: u64 = 0;
    for &b in bytes {
        if !b.is_ascii_digit() {
            return Err(format!("`{}` is not a whole number", shown(bytes)));
        }
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(b - b'0')))
            .ok_or_else(|| format!("the count `{}` overflows a 64-bit counter", shown(bytes)))?;
    }
    Ok(value)
}

/// An execution count: like [`count`], but negative counts (a known gcov bug) and
/// fractional ones (some converters) are accepted; only whether it is above zero matters.
pub fn hits(bytes: &[u8]) -> Result<bool, String> {
    match bytes.first() {
        Some(b'-') if bytes.len() > 1 && bytes[1..].iter().all(u8::is_ascii_digit) => Ok(false),
        _ => match count(bytes) {
            Ok(n) => Ok(n > 0),
            Err(error) => {
                let text = std::str::from_utf8(bytes).unwrap_or("");
                match text.parse::<f64>() {
                    Ok(f) if f.is_finite() && f >= 0.0 && text.contains('.') => Ok(f > 0.0),
                    _ => Err(error),
                }
            }
        },
    }
}

/// A line number (1 to 4,294,967,295).
pub fn line(bytes: &[u8]) -> Result<u32, String> {
    let value = count(bytes)?;
    u32::try_from(value).map_err(|_| format!("line number {value} is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_overflow_with_a_clear_message() {
        assert_eq!(count(b"18446744073709551615"), Ok(u64::MAX));
        let error = count(b"18446744073709551616").unwrap_err();
        assert!(error.contains("overflows"), "{error}");
        assert!(count(b"12a").unwrap_err().contains("not a whole number"));
        assert!(line(b"4294967296").unwrap_err().contains("out of range"));
    }

    #[test]
    fn hits_accept_gcov_negatives_and_fractions() {
        assert_eq!(hits(b"-1"), Ok(false));
        assert_eq!(hits(b"0"), Ok(false));
        assert_eq!(hits(b"3"), Ok(true));
        assert_eq!(hits(b"0.5"), Ok(true));
        assert!(hits(b"x").is_err());
    }
}
