//! A small element tree over quick-xml for the XML manifests read here (pom.xml, MSBuild
//! projects): element names without namespace prefix, attributes, trimmed text, children,
//! and the line each element starts on. Depth and size are bounded.

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

use super::ParseError;

/// Deepest nesting read.
const MAX_DEPTH: usize = 64;
/// Most elements read from one file.
const MAX_ELEMENTS: usize = 1_000_000;

/// One element.
#[derive(Debug, Default, Clone)]
pub struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Element>,
    pub line: u64,
}

impl Element {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Children named `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the first child named `name`, when not empty.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
    }

    /// An attribute's value, the name compared without regard to case (MSBuild's rule).
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

fn local(name: &str) -> String {
    name.rsplit(':').next().unwrap_or(name).to_owned()
}

fn open(e: &BytesStart<'_>, line: u64) -> Element {
    let attributes = e
        .attributes()
        .with_checks(false)
        .flatten()
        .filter_map(|a| {
            let value = a.normalized_value(XmlVersion::Implicit1_0).ok()?;
            Some((local(a.key.as_ref()), value.into_owned()))
        })
        .collect();
    Element {
        name: local(e.name().as_ref()),
        attributes,
        line,
        ..Element::default()
    }
}

/// Parses `text` into its root element.
pub fn parse(text: &str) -> Result<Element, ParseError> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut count = 0usize;
    let line_at = |offset: u64| super::line_of(text, offset as usize);
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event().map_err(|error| {
            ParseError::new(
                Some(line_at(reader.error_position())),
                format!("invalid XML: {error}"),
            )
        })?;
        match event {
            Event::Start(e) => {
                count += 1;
                if stack.len() > MAX_DEPTH || count > MAX_ELEMENTS {
                    return Err(ParseError::new(
                        Some(line_at(position)),
                        "the XML nests too deep or holds too many elements to be a manifest",
                    ));
                }
                stack.push(open(&e, line_at(position)));
            }
            Event::Empty(e) => {
                count += 1;
                let element = open(&e, line_at(position));
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(element);
                }
            }
            Event::End(_) => {
                let Some(element) = stack.pop() else {
                    break;
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => break,
                }
            }
            Event::Text(t) => {
                if let Some(current) = stack.last_mut() {
                    current
                        .text
                        .push_str(&t.xml_content(XmlVersion::Implicit1_0));
                }
            }
            Event::CData(t) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&t);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match r.as_ref() {
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "amp" => Some('&'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                };
                if let (Some(current), Some(c)) = (stack.last_mut(), resolved) {
                    current.text.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err(ParseError::new(
            Some(line_at(text.len() as u64)),
            "the XML ends before its elements are closed",
        ));
    }
    stack
        .pop()
        .and_then(|document| document.children.into_iter().next())
        .ok_or_else(|| ParseError::new(None, "the XML has no root element"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_keep_text_attributes_and_lines() {
        let root = parse(
            "<?xml version=\"1.0\"?>\n<a xmlns=\"x\">\n  <b k=\"v\">t&amp;u</b>\n  <c/>\n</a>\n",
        )
        .unwrap();
        assert_eq!(root.name, "a");
        let b = root.child("b").unwrap();
        assert_eq!(
            (b.text.as_str(), b.attribute("K"), b.line),
            ("t&u", Some("v"), 3)
        );
        assert!(root.child("c").is_some());
        assert!(parse("<a><b></a>").is_err());
        assert!(parse("<a>").is_err());
    }

    #[test]
    fn deep_nesting_and_billion_laughs_are_refused() {
        let deep = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
        let error = parse(&deep).unwrap_err();
        assert!(error.message.contains("too deep"), "{error}");
        // quick-xml does not expand entities declared in a DTD: the text stays small.
        let laughs = "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><x>&b;&b;&b;</x>";
        let root = parse(laughs).unwrap();
        assert!(root.text.len() < 100);
    }
}
