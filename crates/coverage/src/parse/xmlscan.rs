//! A small, fast XML tag scanner for the hot path of large Cobertura reports: it finds
//! tags with `memchr`, skips comments, processing instructions, CDATA and the doctype,
//! and hands out raw attributes. Entities are resolved only where a value is text the
//! gate keeps (file names, source roots). It checks what the gate relies on: tags and
//! quotes that close, and it reports where the input ends early.

/// What a tag does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Start,
    Empty,
    End,
}

/// One tag: its name, its raw attribute text and its byte offset.
#[derive(Debug, Clone, Copy)]
pub struct Tag<'a> {
    pub kind: Kind,
    pub name: &'a [u8],
    pub attrs: &'a [u8],
    pub at: usize,
}

/// A scan failure: its byte offset, whether the input simply ended, and what is wrong.
#[derive(Debug)]
pub struct ScanError {
    pub at: usize,
    pub eof: bool,
    pub message: String,
}

pub struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Scanner<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    /// The text from the current position to the next tag.
    pub fn text(&self) -> &'a [u8] {
        let rest = &self.bytes[self.pos..];
        &rest[..memchr::memchr(b'<', rest).unwrap_or(rest.len())]
    }

    fn skip_past(&mut self, start: usize, end: &[u8], what: &str) -> Result<(), ScanError> {
        match memchr::memmem::find(&self.bytes[start..], end) {
            Some(i) => {
                self.pos = start + i + end.len();
                Ok(())
            }
            None => Err(ScanError {
                at: start,
                eof: true,
                message: format!("the {what} is not closed"),
            }),
        }
    }

    /// The next tag, if any.
    pub fn next_tag(&mut self) -> Option<Result<Tag<'a>, ScanError>> {
        loop {
            let lt = self.pos + memchr::memchr(b'<', &self.bytes[self.pos..])?;
            let rest = &self.bytes[lt + 1..];
            let skipped = if rest.starts_with(b"!--") {
                Some(self.skip_past(lt + 4, b"-->", "comment"))
            } else if rest.starts_with(b"![CDATA[") {
                Some(self.skip_past(lt + 9, b"]]>", "CDATA section"))
            } else if rest.starts_with(b"?") {
                Some(self.skip_past(lt + 2, b"?>", "processing instruction"))
            } else if rest.starts_with(b"!") {
                Some(self.skip_past(lt + 2, b">", "declaration"))
            } else {
                None
            };
            match skipped {
                Some(Ok(())) => continue,
                Some(Err(error)) => return Some(Err(error)),
                None => return Some(self.tag(lt)),
            }
        }
    }

    fn tag(&mut self, lt: usize) -> Result<Tag<'a>, ScanError> {
        // Find the closing `>`, stepping over quoted attribute values.
        let mut i = lt + 1;
        let gt = loop {
            match memchr::memchr3(b'>', b'"', b'\'', &self.bytes[i..]) {
                None => {
                    return Err(ScanError {
                        at: lt,
                        eof: true,
                        message: "a tag is not closed".into(),
                    });
                }
                Some(j) if self.bytes[i + j] == b'>' => break i + j,
                Some(j) => {
                    let quote = self.bytes[i + j];
                    match memchr::memchr(quote, &self.bytes[i + j + 1..]) {
                        Some(k) => i = i + j + 1 + k + 1,
                        None => {
                            return Err(ScanError {
                                at: lt,
                                eof: true,
                                message: "an attribute value is not closed".into(),
                            });
                        }
                    }
                }
            }
        };
        self.pos = gt + 1;
        let mut inner = &self.bytes[lt + 1..gt];
        let kind = if let Some(name) = inner.strip_prefix(b"/") {
            inner = name;
            Kind::End
        } else if let Some(body) = inner.strip_suffix(b"/") {
            inner = body;
            Kind::Empty
        } else {
            Kind::Start
        };
        let name_end = inner
            .iter()
            .position(|b| b.is_ascii_whitespace())
            .unwrap_or(inner.len());
        if name_end == 0 {
            return Err(ScanError {
                at: lt,
                eof: false,
                message: "a tag has no name".into(),
            });
        }
        Ok(Tag {
            kind,
            name: &inner[..name_end],
            attrs: &inner[name_end..],
            at: lt,
        })
    }
}

/// The attributes of a tag as `(name, raw value)`.
pub fn attributes(mut attrs: &[u8]) -> impl Iterator<Item = Result<(&[u8], &[u8]), String>> {
    std::iter::from_fn(move || {
        let start = attrs.iter().position(|b| !b.is_ascii_whitespace())?;
        attrs = &attrs[start..];
        let bad = || {
            format!(
                "malformed attribute `{}`",
                String::from_utf8_lossy(&attrs[..attrs.len().min(40)])
            )
        };
        let Some(eq) = memchr::memchr(b'=', attrs) else {
            let error = bad();
            attrs = &[];
            return Some(Err(error));
        };
        let name = attrs[..eq].trim_ascii();
        let after = attrs[eq + 1..].trim_ascii_start();
        let quote = match after.first() {
            Some(q @ (b'"' | b'\'')) => *q,
            _ => {
                let error = bad();
                attrs = &[];
                return Some(Err(error));
            }
        };
        let Some(close) = memchr::memchr(quote, &after[1..]) else {
            let error = bad();
            attrs = &[];
            return Some(Err(error));
        };
        let value = &after[1..1 + close];
        attrs = &after[close + 2..];
        Some(Ok((name, value)))
    })
}

/// An attribute value or text with its entities resolved.
pub fn unescape(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    match quick_xml::escape::unescape(&text) {
        Ok(value) => value.into_owned(),
        Err(_) => text.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_tags_and_skips_the_rest() {
        let xml = b"<?xml version='1.0'?><!DOCTYPE x><!-- <line> --><a k=\"v>w\" j='2'><b/></a><![CDATA[<c>]]>";
        let mut scanner = Scanner::new(xml);
        let mut seen = Vec::new();
        while let Some(tag) = scanner.next_tag() {
            let tag = tag.unwrap();
            seen.push((tag.kind, String::from_utf8_lossy(tag.name).into_owned()));
            if tag.name == b"a" && tag.kind == Kind::Start {
                let attrs: Vec<_> = attributes(tag.attrs).map(Result::unwrap).collect();
                assert_eq!(
                    attrs,
                    vec![(&b"k"[..], &b"v>w"[..]), (&b"j"[..], &b"2"[..])]
                );
            }
        }
        assert_eq!(
            seen,
            vec![
                (Kind::Start, "a".into()),
                (Kind::Empty, "b".into()),
                (Kind::End, "a".into())
            ]
        );
        assert_eq!(unescape(b"a&amp;b&#233;"), "a&b\u{e9}");
    }

    #[test]
    fn reports_where_input_ends_early() {
        let mut scanner = Scanner::new(b"<a><b x=\"1");
        scanner.next_tag().unwrap().unwrap();
        let error = scanner.next_tag().unwrap().unwrap_err();
        assert!(error.eof && error.at == 3, "{error:?}");
        assert!(attributes(b" x=1").next().unwrap().is_err());
    }
}
