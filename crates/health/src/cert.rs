//! The expiry date of a server certificate, read from its DER encoding. Only the path to
//! `tbsCertificate.validity.notAfter` is walked (RFC 5280 §4.1), which keeps an X.509
//! parser out of the binary; the TLS library has already verified the certificate (or
//! the user chose `insecure`).

/// The certificate's `notAfter` as a timestamp, or `None` if the DER is not a certificate.
pub(crate) fn not_after(der: &[u8]) -> Option<jiff::Timestamp> {
    let (certificate, _) = element(der, 0x30)?;
    let (mut tbs, _) = element(certificate, 0x30)?;
    // version [0] EXPLICIT, optional.
    if tbs.first() == Some(&0xa0) {
        tbs = element(tbs, 0xa0)?.1;
    }
    let (_, rest) = element(tbs, 0x02)?; // serialNumber
    let (_, rest) = element(rest, 0x30)?; // signature
    let (_, rest) = element(rest, 0x30)?; // issuer
    let (validity, _) = element(rest, 0x30)?;
    let (_, rest) = any_time(validity)?; // notBefore
    let (not_after, _) = any_time(rest)?;
    Some(not_after)
}

/// One DER element with tag `tag`: its contents and what follows it.
fn element(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    if *input.first()? != tag {
        return None;
    }
    let first = *input.get(1)?;
    let (length, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 {
            return None;
        }
        let mut length = 0usize;
        for byte in input.get(2..2 + count)? {
            length = (length << 8) | usize::from(*byte);
        }
        (length, 2 + count)
    };
    let end = header.checked_add(length)?;
    Some((input.get(header..end)?, input.get(end..)?))
}

/// A UTCTime (`YYMMDDHHMMSSZ`) or GeneralizedTime (`YYYYMMDDHHMMSSZ`).
fn any_time(input: &[u8]) -> Option<(jiff::Timestamp, &[u8])> {
    let tag = *input.first()?;
    let (contents, rest) = element(input, tag)?;
    let text = std::str::from_utf8(contents).ok()?;
    let digits = text.strip_suffix('Z')?;
    // Checked before any slicing: the bytes come from the server (in `insecure` mode, from
    // anyone), and a multi-byte character would put a slice inside it.
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let full = match tag {
        0x17 if digits.len() == 12 => {
            // RFC 5280: two-digit years 50-99 are 19xx, 00-49 are 20xx.
            let year: u32 = digits.get(..2)?.parse().ok()?;
            format!("{}{digits}", if year >= 50 { "19" } else { "20" })
        }
        0x18 if digits.len() == 14 => digits.to_owned(),
        _ => return None,
    };
    let iso = format!(
        "{}-{}-{}T{}:{}:{}Z",
        full.get(..4)?,
        full.get(4..6)?,
        full.get(6..8)?,
        full.get(8..10)?,
        full.get(10..12)?,
        full.get(12..14)?
    );
    Some((iso.parse().ok()?, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_not_after_of_a_generated_certificate() {
        let mut params = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap();
        params.not_before = rcgen::date_time_ymd(2020, 1, 2);
        params.not_after = rcgen::date_time_ymd(2049, 12, 31);
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let at = not_after(cert.der()).unwrap();
        assert_eq!(at.to_string(), "2049-12-31T00:00:00Z");
        params.not_after = rcgen::date_time_ymd(2051, 6, 1); // GeneralizedTime from 2050
        let cert = params.self_signed(&key).unwrap();
        assert_eq!(
            not_after(cert.der()).unwrap().to_string(),
            "2051-06-01T00:00:00Z"
        );
    }

    #[test]
    fn garbage_is_none() {
        assert_eq!(not_after(b""), None);
        assert_eq!(not_after(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(not_after(&[0x30, 0x03, 0x30, 0x01, 0x00]), None);
        let mut bytes = vec![0x30u8, 0x82, 0x01, 0x00];
        bytes.extend(std::iter::repeat_n(0x30, 256));
        assert_eq!(not_after(&bytes), None);

        // A certificate whose notAfter UTCTime has the right length (13 bytes) but starts
        // with a three-byte character: slicing the two-digit year would cut it.
        let mut params = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap();
        params.not_after = rcgen::date_time_ymd(2049, 12, 31);
        let key = rcgen::KeyPair::generate().unwrap();
        let mut der = params.self_signed(&key).unwrap().der().to_vec();
        let time = b"491231000000Z";
        let at = der.windows(time.len()).position(|w| w == time).unwrap();
        der[at..at + time.len()].copy_from_slice("€912310000Z".as_bytes());
        assert_eq!(not_after(&der), None);

        for time in [
            "€010100000Z",
            "ü01010000000Z",
            "2x0101000000Z",
            "+12345678901Z",
        ] {
            assert_eq!(any_time(&time_element(0x17, time)), None, "{time}");
        }
        for time in ["€€01010000Z", "20250101ü000Z"] {
            assert_eq!(any_time(&time_element(0x18, time)), None, "{time}");
        }
    }

    /// A DER UTCTime (0x17) or GeneralizedTime (0x18) holding `text`.
    fn time_element(tag: u8, text: &str) -> Vec<u8> {
        let mut der = vec![tag, u8::try_from(text.len()).unwrap()];
        der.extend_from_slice(text.as_bytes());
        der
    }
}
