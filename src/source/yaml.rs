//! YAML → the same span-keeping tree as JSON, built from `saphyr-parser` events.
//!
//! Scalars resolve with the YAML 1.2 core schema (plain `true`, `null`, `42`; quoted stays a
//! string). Anchors and aliases are expanded with a bound on the total size, so an alias bomb is
//! an error, not an out-of-memory.

use super::SyntaxError;
use super::json::MAX_DEPTH;
use super::node::{Member, Node, Value};
use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

const MAX_NODES: usize = 1_000_000;
/// Text (keys, strings, numbers) that aliases may repeat, in bytes: a few large scalars repeated
/// many times are a bomb too, though they are few nodes.
const MAX_ALIASED_BYTES: usize = 16 << 20;

pub fn parse(text: &str) -> Result<Node<'_>, SyntaxError> {
    parse_reporting(text, &mut Vec::new())
}

/// Parses like [`parse`], appending each key repeated within one mapping to `duplicates` (the
/// later key's span), as the JSON parser does: YAML forbids them, but parsers differ on whether
/// they reject them or keep the first or the last value.
pub fn parse_reporting<'a>(
    text: &'a str,
    duplicates: &mut Vec<(String, std::ops::Range<usize>)>,
) -> Result<Node<'a>, SyntaxError> {
    let offsets = CharOffsets::new(text);
    let mut b = Builder {
        parser: Parser::new_from_str(text),
        offsets,
        anchors: HashMap::new(),
        nodes: 0,
        aliased_bytes: 0,
        duplicates: Vec::new(),
    };
    let root = parse_with(&mut b);
    duplicates.append(&mut b.duplicates);
    root
}

fn parse_with<'a>(b: &mut Builder<'a>) -> Result<Node<'a>, SyntaxError> {
    let mut root: Option<Node> = None;
    loop {
        let (event, span) = b.next()?;
        match event {
            Event::StreamStart | Event::DocumentStart(_) | Event::DocumentEnd | Event::Nothing => {}
            Event::StreamEnd => break,
            other => {
                if root.is_some() {
                    return Err(SyntaxError {
                        offset: b.offsets.byte(span.start.index()),
                        message: "more than one YAML document in the file; put one per file".into(),
                    });
                }
                root = Some(b.node(other, span, 0)?);
            }
        }
    }
    root.ok_or(SyntaxError {
        offset: 0,
        message: "the file is empty: expected a YAML document".into(),
    })
}

struct CharOffsets {
    /// Byte offset of every char, only built when the text is not ASCII.
    map: Option<Vec<usize>>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> CharOffsets {
        let map = (!text.is_ascii()).then(|| text.char_indices().map(|(i, _)| i).collect());
        CharOffsets {
            map,
            len: text.len(),
        }
    }
    fn byte(&self, char_index: usize) -> usize {
        match &self.map {
            None => char_index.min(self.len),
            Some(m) => m.get(char_index).copied().unwrap_or(self.len),
        }
    }
}

struct Builder<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    offsets: CharOffsets,
    anchors: HashMap<usize, Node<'a>>,
    nodes: usize,
    aliased_bytes: usize,
    /// Keys repeated within one mapping, with the later key's span.
    duplicates: Vec<(String, std::ops::Range<usize>)>,
}

/// Mappings with up to this many keys look for a repeat by scanning (no allocation); larger
/// ones use a set of their keys, so the check stays linear.
const KEY_SCAN_LIMIT: usize = 16;

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span), SyntaxError> {
        match self.parser.next_event() {
            Some(Ok(ev)) => Ok(ev),
            Some(Err(e)) => Err(SyntaxError {
                offset: self.offsets.byte(e.marker().index()),
                message: e.info().to_owned(),
            }),
            None => Err(SyntaxError {
                offset: self.offsets.len,
                message: "unexpected end of YAML".into(),
            }),
        }
    }

    fn span(&self, span: Span) -> std::ops::Range<usize> {
        self.offsets.byte(span.start.index())..self.offsets.byte(span.end.index())
    }

    fn count(&mut self, at: usize, n: usize) -> Result<(), SyntaxError> {
        self.nodes += n;
        if self.nodes > MAX_NODES {
            return Err(SyntaxError {
                offset: at,
                message: format!(
                    "the document expands to more than {MAX_NODES} nodes (alias bomb?)"
                ),
            });
        }
        Ok(())
    }

    fn node(
        &mut self,
        event: Event<'a>,
        span: Span,
        depth: usize,
    ) -> Result<Node<'a>, SyntaxError> {
        let range = self.span(span);
        if depth >= MAX_DEPTH {
            return Err(SyntaxError {
                offset: range.start,
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
            });
        }
        self.count(range.start, 1)?;
        let (node, anchor) = match event {
            Event::Scalar(text, style, anchor, _tag) => {
                let value = if style == ScalarStyle::Plain {
                    resolve_plain(text)
                } else {
                    Value::String(text)
                };
                (Node { span: range, value }, anchor)
            }
            Event::Alias(id) => {
                let target = self.anchors.get(&id).cloned().ok_or(SyntaxError {
                    offset: range.start,
                    message: "alias to an unknown anchor".into(),
                })?;
                let size = count_nodes(&target);
                self.count(range.start, size)?;
                self.aliased_bytes = self.aliased_bytes.saturating_add(count_bytes(&target));
                if self.aliased_bytes > MAX_ALIASED_BYTES {
                    return Err(SyntaxError {
                        offset: range.start,
                        message: format!(
                            "aliases repeat more than {} MiB of text (alias bomb?)",
                            MAX_ALIASED_BYTES >> 20
                        ),
                    });
                }
                (
                    Node {
                        span: range,
                        value: target.value,
                    },
                    0,
                )
            }
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                let end = loop {
                    let (ev, sp) = self.next()?;
                    if let Event::SequenceEnd = ev {
                        break self.span(sp).end;
                    }
                    items.push(self.node(ev, sp, depth + 1)?);
                };
                let end = end.max(items.last().map_or(range.start + 1, |n| n.span.end));
                (
                    Node {
                        span: range.start..end,
                        value: Value::Array(items),
                    },
                    anchor,
                )
            }
            Event::MappingStart(anchor, _) => {
                let mut members: Vec<Member<'a>> = Vec::new();
                let mut keys: Option<HashSet<Cow<'a, str>>> = None;
                let end = loop {
                    let (ev, sp) = self.next()?;
                    if let Event::MappingEnd = ev {
                        break self.span(sp).end;
                    }
                    let key_node = self.node(ev, sp, depth + 1)?;
                    let key = match &key_node.value {
                        Value::String(s) | Value::Number(s) => s.clone(),
                        Value::Bool(b) => Cow::Owned(b.to_string()),
                        Value::Null => Cow::Borrowed("null"),
                        _ => {
                            return Err(SyntaxError {
                                offset: key_node.span.start,
                                message: "mapping keys must be plain scalars".into(),
                            });
                        }
                    };
                    let (ev, sp) = self.next()?;
                    let value = self.node(ev, sp, depth + 1)?;
                    let repeated = match &mut keys {
                        Some(set) => !set.insert(key.clone()),
                        None if members.len() < KEY_SCAN_LIMIT => {
                            members.iter().any(|m| m.key == key)
                        }
                        None => {
                            let mut set: HashSet<Cow<'a, str>> =
                                members.iter().map(|m| m.key.clone()).collect();
                            let repeated = !set.insert(key.clone());
                            keys = Some(set);
                            repeated
                        }
                    };
                    if repeated {
                        self.duplicates
                            .push((key.to_string(), key_node.span.clone()));
                    }
                    members.push(Member {
                        key,
                        key_span: key_node.span,
                        value,
                    });
                };
                let end = end.max(members.last().map_or(range.start + 1, |m| m.value.span.end));
                (
                    Node {
                        span: range.start..end,
                        value: Value::Object(members),
                    },
                    anchor,
                )
            }
            _ => {
                return Err(SyntaxError {
                    offset: range.start,
                    message: "unexpected YAML event".into(),
                });
            }
        };
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }
}

fn count_nodes(n: &Node<'_>) -> usize {
    1 + match &n.value {
        Value::Array(a) => a.iter().map(count_nodes).sum(),
        Value::Object(m) => m.iter().map(|m| count_nodes(&m.value)).sum(),
        _ => 0,
    }
}

/// The text a node holds (keys, strings, numbers), in bytes.
fn count_bytes(n: &Node<'_>) -> usize {
    match &n.value {
        Value::String(s) | Value::Number(s) => s.len(),
        Value::Array(a) => a.iter().map(count_bytes).sum(),
        Value::Object(m) => m.iter().map(|m| m.key.len() + count_bytes(&m.value)).sum(),
        _ => 0,
    }
}

fn resolve_plain(s: Cow<'_, str>) -> Value<'_> {
    match s.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        t if is_yaml_number(t) => Value::Number(s),
        _ => Value::String(s),
    }
}

fn is_yaml_number(s: &str) -> bool {
    let t = s.strip_prefix(['-', '+']).unwrap_or(s);
    !t.is_empty()
        && t.chars().next().is_some_and(|c| c.is_ascii_digit())
        && t.parse::<f64>().is_ok()
        && !t.contains(['i', 'n', 'I', 'N'])
}
