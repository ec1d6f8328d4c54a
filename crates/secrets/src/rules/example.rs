//! Examples of a rule's format, expanded from its `example` template with fresh random
//! characters (and valid checksums). The ruleset's tests, the integration tests and the
//! benchmarks plant these; none of them is a credential.

use super::validate;

/// A small deterministic generator (xorshift), so failures reproduce.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick(&mut self, alphabet: &[u8]) -> u8 {
        alphabet[(self.next() % alphabet.len() as u64) as usize]
    }
}

const DIGITS: &[u8] = b"0123456789";
const HEX: &[u8] = b"0123456789abcdef";
const HEX_UPPER: &[u8] = b"0123456789ABCDEF";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE32_LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BECH32: &[u8] = b"QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
const URLSAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn alphabet(class: &str) -> Option<&'static [u8]> {
    Some(match class {
        "d" => DIGITS,
        "h" => HEX,
        "H" => HEX_UPPER,
        "a" => ALNUM,
        "l" => LOWER_ALNUM,
        "u" => UPPER_ALNUM,
        "A" => LETTERS,
        "L" => LOWER,
        "U" => UPPER,
        "b32" => BASE32,
        "b32l" => BASE32_LOWER,
        "b64" => BASE64,
        "w" => URLSAFE,
        "bech" => BECH32,
        _ => return None,
    })
}

/// Expands an `example` template. `fill` replaces every random character (for the
/// placeholder variant); `None` draws random characters.
pub fn expand(template: &str, rng: &mut Rng, fill: Option<u8>) -> String {
    let mut out = String::new();
    let mut last_random = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let spec = &rest[open + 1..close];
        let (class, count) = spec
            .split_once(':')
            .map_or((spec, 0), |(c, n)| (c, n.parse::<usize>().unwrap_or(0)));
        let generated = match (class, alphabet(class)) {
            (_, Some(chars)) => {
                let mut s = String::new();
                for _ in 0..count {
                    s.push(fill.unwrap_or_else(|| rng.pick(chars)) as char);
                }
                // Keep generated parts free of accidental placeholder runs.
                if fill.is_none() {
                    s = s
                        .replace("abcdefgh", "abcdefgX")
                        .replace("12345678", "12345670");
                }
                last_random = s.clone();
                Some(s)
            }
            ("crc", None) => {
                let crc = crc32fast::hash(last_random.as_bytes());
                Some(validate::base62(u64::from(crc), 6))
            }
            ("uuid", None) => {
                let mut h = |n: usize| {
                    (0..n)
                        .map(|_| fill.unwrap_or_else(|| rng.pick(HEX)) as char)
                        .collect::<String>()
                };
                Some(format!("{}-{}-4{}-a{}-{}", h(8), h(4), h(3), h(3), h(12)))
            }
            ("jwt", None) => {
                use base64::Engine as _;
                let enc = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
                let sub: String = (0..16)
                    .map(|_| fill.unwrap_or_else(|| rng.pick(HEX)) as char)
                    .collect();
                let sig: String = (0..43)
                    .map(|_| fill.unwrap_or_else(|| rng.pick(URLSAFE)) as char)
                    .collect();
                Some(format!(
                    "{}.{}.{}",
                    enc(r#"{"alg":"HS256","typ":"JWT"}"#),
                    enc(&format!(r#"{{"sub":"{sub}","role":"admin"}}"#)),
                    sig
                ))
            }
            _ => None,
        };
        match generated {
            Some(text) => {
                out.push_str(&rest[..open]);
                out.push_str(&text);
            }
            None => {
                // A literal brace (JSON in the example): keep it and read on after it.
                out.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
                continue;
            }
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}
