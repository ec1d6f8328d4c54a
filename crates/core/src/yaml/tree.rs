//! A positioned YAML document tree: every mapping key and every value keeps its line and
//! column, so gates that judge YAML files (workflows, compose files, manifests) point each
//! finding at its exact place.
//!
//! Built on granit-parser, the event parser under serde-saphyr, with budgets against hostile
//! input: file size, nodes (alias expansions and stored anchors count), nesting depth. Aliases
//! are resolved within that budget; duplicate keys, tabs in indentation and complex keys are
//! errors that say where and how to fix them. A stream holds one tree per document.
//!
//! ```
//! use signoff_core::yaml::tree::{self, Limits};
//! let docs = tree::parse_str("on: push\njobs:\n  test: {runs-on: x}\n", "ci.yml", &Limits::default()).unwrap();
//! let jobs = docs[0].get("jobs").unwrap();
//! let (key, job) = jobs.entries().next().unwrap();
//! assert_eq!((key.text.as_str(), key.pos.line, key.pos.column), ("test", 3, 3));
//! assert_eq!(job.get("runs-on").unwrap().pos.column, 19);
//! ```

use std::collections::HashMap;

use granit_parser::{ErrorKind, Event, Marker, Parser, ScalarStyle, ScanError};

use crate::diag::{ConfigError, Problem};

/// A 1-based line and column (the column counts characters).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    fn of(marker: &Marker) -> Self {
        Pos {
            line: u32::try_from(marker.line()).unwrap_or(u32::MAX),
            column: u32::try_from(marker.col() + 1).unwrap_or(u32::MAX),
        }
    }
}

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Unquoted: `true`, `3.10` and `null` keep their text; [`Node::is_null`] and
    /// [`Node::is_true`] interpret it.
    Plain,
    /// `'…'` or `"…"`.
    Quoted,
    /// A `|` block: each line of the text is a line of the file after the indicator.
    Literal,
    /// A `>` block: lines are folded, so positions inside are approximate.
    Folded,
}

/// One node of a document: where it starts and what it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the value starts (for a block mapping, its first key).
    pub pos: Pos,
    pub value: Value,
}

/// The value of a node.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar { text: String, style: Style },
    Sequence(Vec<Node>),
    Mapping(Vec<Entry>),
}

/// A mapping key with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub text: String,
    pub pos: Pos,
}

/// One `key: value` pair of a mapping, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Key,
    pub value: Node,
}

impl Node {
    /// The value under `key`, when this node is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|entry| &entry.value)
    }

    /// The `key: value` pair under `key`, with the key's position.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Mapping(entries) => entries.iter().find(|entry| entry.key.text == key),
            _ => None,
        }
    }

    /// The pairs of a mapping (nothing for other nodes).
    pub fn entries(&self) -> impl Iterator<Item = (&Key, &Node)> {
        let entries: &[Entry] = match &self.value {
            Value::Mapping(entries) => entries,
            _ => &[],
        };
        entries.iter().map(|entry| (&entry.key, &entry.value))
    }

    /// The items of a sequence (nothing for other nodes).
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Sequence(items) => items,
            _ => &[],
        }
    }

    /// The text of a scalar that is not null.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } if !self.is_null() => Some(text),
            _ => None,
        }
    }

    /// The scalar's style, if this is a scalar.
    pub fn style(&self) -> Option<Style> {
        match &self.value {
            Value::Scalar { style, .. } => Some(*style),
            _ => None,
        }
    }

    /// Whether this is a mapping.
    pub fn is_mapping(&self) -> bool {
        matches!(self.value, Value::Mapping(_))
    }

    /// Whether this is a sequence.
    pub fn is_sequence(&self) -> bool {
        matches!(self.value, Value::Sequence(_))
    }

    /// Whether this is YAML's null: an empty value, `~` or `null`, unquoted.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, style: Style::Plain }
            if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// Whether this is YAML's `true`, unquoted.
    pub fn is_true(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, style: Style::Plain }
            if matches!(text.as_str(), "true" | "True" | "TRUE"))
    }

    /// How the node reads in a message: "a mapping", "a list" or "a single value".
    pub fn kind_name(&self) -> &'static str {
        match self.value {
            Value::Scalar { .. } => "a single value",
            Value::Sequence(_) => "a list",
            Value::Mapping(_) => "a mapping",
        }
    }

    /// Where the text at byte `offset` of this scalar sits in the file. Exact for `|`
    /// blocks and single-line scalars; the scalar's start otherwise.
    pub fn pos_of(&self, offset: usize) -> Pos {
        let Value::Scalar { text, style } = &self.value else {
            return self.pos;
        };
        let before = &text[..floor_boundary(text, offset)];
        let lines_before = before.matches('\n').count();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = |extra: u32| {
            let chars = u32::try_from(before[line_start..].chars().count()).unwrap_or(0);
            self.pos.column.saturating_add(chars).saturating_add(extra)
        };
        match style {
            // The block's position is its first non-blank line; the text keeps blank lines
            // before it as empty lines.
            Style::Literal => {
                let blank = text.len() - text.trim_start_matches('\n').len();
                let line = lines_before.saturating_sub(blank);
                Pos {
                    line: self
                        .pos
                        .line
                        .saturating_add(u32::try_from(line).unwrap_or(0)),
                    column: column(0),
                }
            }
            Style::Plain if lines_before == 0 => Pos {
                line: self.pos.line,
                column: column(0),
            },
            Style::Quoted if lines_before == 0 => Pos {
                line: self.pos.line,
                column: column(1),
            },
            _ => self.pos,
        }
    }
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Budgets for one file.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_bytes: usize,
    /// Most nodes in the whole stream, counting each alias expansion and stored anchor.
    pub max_nodes: usize,
    /// Deepest nesting of sequences and mappings.
    pub max_depth: usize,
    /// Resolve `<<: *anchor` merge keys (GitLab CI, compose); otherwise `<<` is a plain key.
    pub merge_keys: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 8 << 20,
            max_nodes: 250_000,
            max_depth: 64,
            merge_keys: false,
        }
    }
}

/// Parses the YAML `bytes` of `file`: one tree per document. Files that are too large, not
/// UTF-8 text or binary are rejected before the parser sees them.
pub fn parse(bytes: &[u8], file: &str, limits: &Limits) -> Result<Vec<Node>, ConfigError> {
    let text = super::text_within(bytes, file, limits.max_bytes)?;
    parse_str(text, file, limits)
}

/// Parses YAML `text` read from `file`: one tree per document.
pub fn parse_str(text: &str, file: &str, limits: &Limits) -> Result<Vec<Node>, ConfigError> {
    if text.len() > limits.max_bytes {
        return Err(ConfigError::one(
            file,
            too_large(text.len(), limits.max_bytes),
        ));
    }
    let options = granit_parser::options! {
        block_nesting_limit: limits.max_depth + 2,
        flow_nesting_limit: limits.max_depth + 2,
    };
    let mut builder = Builder::new(limits);
    for event in Parser::new_from_str_with_options(text, options) {
        let (event, span) = event.map_err(|error| ConfigError::one(file, scan_problem(&error)))?;
        builder
            .event(event, Pos::of(&span.start))
            .map_err(|problem| ConfigError::one(file, problem))?;
    }
    Ok(builder.documents)
}

fn too_large(len: usize, max: usize) -> Problem {
    Problem::file(format!("the file is {len} bytes, over the {max} byte limit"))
        .help("split the file, or check that this is the right file; YAML configuration is rarely more than a few hundred kilobytes")
}

/// A collection being built, with its running node count.
enum Frame {
    Sequence {
        pos: Pos,
        anchor: usize,
        items: Vec<Node>,
        size: usize,
    },
    Mapping(MappingFrame),
}

struct MappingFrame {
    pos: Pos,
    anchor: usize,
    entries: Vec<Entry>,
    index: HashMap<String, usize>,
    key: Option<Key>,
    merges: Vec<Node>,
    size: usize,
}

struct Builder<'l> {
    limits: &'l Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    nodes: usize,
    documents: Vec<Node>,
}

impl<'l> Builder<'l> {
    fn new(limits: &'l Limits) -> Self {
        Builder {
            limits,
            stack: Vec::new(),
            anchors: HashMap::new(),
            nodes: 0,
            documents: Vec::new(),
        }
    }

    fn event(&mut self, event: Event<'_>, pos: Pos) -> Result<(), Problem> {
        match event {
            Event::DocumentStart(..) => self.anchors.clear(),
            Event::Scalar(text, style, anchor, _) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                    _ => Style::Quoted,
                };
                let node = Node {
                    pos,
                    value: Value::Scalar {
                        text: text.into_owned(),
                        style,
                    },
                };
                self.count(1, pos)?;
                self.complete(node, 1, anchor)?;
            }
            Event::Alias(id) => {
                let Some((node, size)) = self.anchors.get(&id).cloned() else {
                    return Err(Problem::at(
                        pos.line.into(),
                        pos.column.into(),
                        "an alias names no anchor defined before it",
                    )
                    .help("define `&name` before using `*name`"));
                };
                self.count(size, pos)?;
                self.complete(node, size, 0)?;
            }
            Event::SequenceStart(_, anchor, _) => {
                self.open(pos)?;
                self.stack.push(Frame::Sequence {
                    pos,
                    anchor,
                    items: Vec::new(),
                    size: 1,
                });
            }
            Event::MappingStart(_, anchor, _) => {
                self.open(pos)?;
                self.stack.push(Frame::Mapping(MappingFrame {
                    pos,
                    anchor,
                    entries: Vec::new(),
                    index: HashMap::new(),
                    key: None,
                    merges: Vec::new(),
                    size: 1,
                }));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, size, anchor) = match self.stack.pop() {
                    Some(Frame::Sequence {
                        pos,
                        anchor,
                        items,
                        size,
                    }) => (
                        Node {
                            pos,
                            value: Value::Sequence(items),
                        },
                        size,
                        anchor,
                    ),
                    Some(Frame::Mapping(frame)) => self.close_mapping(frame)?,
                    None => return Ok(()),
                };
                self.complete(node, size, anchor)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn open(&mut self, pos: Pos) -> Result<(), Problem> {
        self.count(1, pos)?;
        if self.stack.len() >= self.limits.max_depth {
            return Err(too_deep(pos, self.limits.max_depth));
        }
        Ok(())
    }

    fn count(&mut self, size: usize, pos: Pos) -> Result<(), Problem> {
        self.nodes = self.nodes.saturating_add(size);
        if self.nodes > self.limits.max_nodes {
            return Err(Problem::at(
                pos.line.into(),
                pos.column.into(),
                format!("the document holds more than {} values (aliases counted each time they are used)", self.limits.max_nodes),
            )
            .help("remove repeated aliases (`*name`) of large anchors; signoff bounds YAML to stay safe on hostile input"));
        }
        Ok(())
    }

    /// Adds a finished node to its parent (as a key, a value or an item), or as a document.
    fn complete(&mut self, node: Node, size: usize, anchor: usize) -> Result<(), Problem> {
        if anchor != 0 {
            // A stored anchor costs what it holds, so nested anchors cannot multiply memory.
            self.count(size, node.pos)?;
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some(Frame::Sequence {
                items, size: total, ..
            }) => {
                *total += size;
                items.push(node);
            }
            Some(Frame::Mapping(frame)) => {
                frame.size += size;
                match frame.key.take() {
                    None => frame.key = Some(key_of(node)?),
                    Some(key) => insert(frame, key, node, self.limits.merge_keys)?,
                }
            }
        }
        Ok(())
    }

    fn close_mapping(&mut self, mut frame: MappingFrame) -> Result<(Node, usize, usize), Problem> {
        for source in std::mem::take(&mut frame.merges) {
            let sources = match source.value {
                Value::Sequence(items) => items,
                _ => vec![source],
            };
            for source in sources {
                let Value::Mapping(entries) = source.value else {
                    return Err(Problem::at(
                        source.pos.line.into(),
                        source.pos.column.into(),
                        "`<<` merges a value that is not a mapping",
                    )
                    .help("merge a mapping anchor: `<<: *defaults`"));
                };
                for entry in entries {
                    if frame.find(&entry.key.text).is_none() {
                        frame.add(entry);
                    }
                }
            }
        }
        let node = Node {
            pos: frame.pos,
            value: Value::Mapping(frame.entries),
        };
        Ok((node, frame.size, frame.anchor))
    }
}

fn key_of(node: Node) -> Result<Key, Problem> {
    match node.value {
        Value::Scalar { text, .. } => Ok(Key {
            text,
            pos: node.pos,
        }),
        _ => Err(Problem::at(
            node.pos.line.into(),
            node.pos.column.into(),
            format!("a mapping key is {}", node.kind_name()),
        )
        .help(
            "write keys as single values (`name: value`); complex keys (`? …`) are not supported",
        )),
    }
}

fn insert(
    frame: &mut MappingFrame,
    key: Key,
    value: Node,
    merge_keys: bool,
) -> Result<(), Problem> {
    if merge_keys && key.text == "<<" {
        frame.merges.push(value);
        return Ok(());
    }
    if let Some(first) = frame.find(&key.text) {
        let first = frame.entries[first].key.pos;
        return Err(Problem::at(
            key.pos.line.into(),
            key.pos.column.into(),
            format!(
                "duplicate key `{}` (first at line {}:{})",
                crate::text::one_line(&key.text),
                first.line,
                first.column
            ),
        )
        .help("each key may appear once in a mapping; remove or merge the repeated key"));
    }
    frame.add(Entry { key, value });
    Ok(())
}

/// Mappings this small are searched key by key; larger ones get a hash index, so a
/// mapping of many thousand keys is still read in linear time.
const INDEX_FROM: usize = 16;

impl MappingFrame {
    fn find(&self, key: &str) -> Option<usize> {
        if self.entries.len() < INDEX_FROM {
            return self.entries.iter().position(|e| e.key.text == key);
        }
        self.index.get(key).copied()
    }

    fn add(&mut self, entry: Entry) {
        if self.entries.len() + 1 == INDEX_FROM {
            self.index = self
                .entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.key.text.clone(), i))
                .collect();
        }
        if self.entries.len() + 1 >= INDEX_FROM {
            self.index
                .insert(entry.key.text.clone(), self.entries.len());
        }
        self.entries.push(entry);
    }
}

fn too_deep(pos: Pos, max: usize) -> Problem {
    Problem::at(
        pos.line.into(),
        pos.column.into(),
        format!("the document is nested deeper than {max} levels"),
    )
    .help("flatten the structure; signoff bounds nesting to stay safe on hostile input")
}

fn scan_problem(error: &ScanError) -> Problem {
    let pos = Pos::of(error.marker());
    let at = |message: String| Problem::at(pos.line.into(), pos.column.into(), message);
    match error.kind() {
        ErrorKind::TabNotAllowed
        | ErrorKind::TabInBlockIndentation
        | ErrorKind::TabInIndentation
        | ErrorKind::TabAtBlockScalarStart => at("a tab is used for indentation".into())
            .help("YAML indents with spaces only: replace the tab with spaces"),
        ErrorKind::RecursionLimitExceeded => at("the document is nested too deeply".into())
            .help("flatten the structure; signoff bounds nesting to stay safe on hostile input"),
        ErrorKind::UnknownAnchor => at("an alias names no anchor defined before it".into())
            .help("define `&name` before using `*name`"),
        _ => {
            let info = error.info();
            let info = if info.is_empty() {
                "invalid YAML".to_owned()
            } else {
                info
            };
            at(info)
                .help("check the YAML syntax at this position (indentation, quotes, `key: value`)")
        }
    }
}

#[cfg(test)]
#[path = "tree_tests.rs"]
mod tests;
