//! A strict RFC 8259 JSON parser that keeps the byte span of every value and key.
//!
//! Strict on purpose: no comments, trailing commas, NaN/Infinity or control characters in strings —
//! what Graph and ARM would reject, the linter reports. Nesting is bounded so hostile input cannot
//! exhaust the stack.

use super::SyntaxError;
use super::node::{Member, Node, Value};
use std::borrow::Cow;
use std::collections::HashSet;

/// Deeper documents are rejected with a diagnostic (real exports nest about 10 levels).
pub const MAX_DEPTH: usize = 256;

/// Objects with up to this many members look for a repeated key by scanning the members (no
/// allocation); larger ones switch to a hash set of their keys, so the check stays linear.
const KEY_SCAN_LIMIT: usize = 16;

pub fn parse(text: &str) -> Result<Node<'_>, SyntaxError> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        pos: 0,
        duplicates: Vec::new(),
        stop_after_first: false,
    };
    p.ws();
    if p.pos >= p.s.len() {
        return Err(p.err("the file is empty: expected a JSON value"));
    }
    let node = p.value(0)?;
    p.ws();
    if p.pos < p.s.len() {
        return Err(p.err("unexpected content after the end of the JSON value"));
    }
    Ok(node)
}

/// Parses like [`parse`], but hands each item of the top-level list — the root array, or the
/// `value` array of a root object (Graph and ARM list responses) — to `on_item` with its
/// pointer, and does not keep it: a large export is held as text plus one item's tree. The
/// returned root has that list emptied (its span kept). On a syntax error the items already
/// handed over belong to a file that does not parse; the caller decides what to keep.
///
/// Keys repeated within one object are appended to `duplicates` (the later key's span): JSON
/// allows them, but tools disagree on which value wins.
pub fn parse_streaming<'a>(
    text: &'a str,
    on_item: &mut dyn FnMut(String, Node<'a>),
    duplicates: &mut Vec<(String, std::ops::Range<usize>)>,
) -> Result<Node<'a>, SyntaxError> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        pos: 0,
        duplicates: Vec::new(),
        stop_after_first: false,
    };
    let result = parse_streaming_inner(&mut p, on_item);
    duplicates.append(&mut p.duplicates);
    result
}

/// What a document is, without reading all of it: the first item of its streamed list (with its
/// pointer), or the whole root when it has no list to stream.
pub fn first_item(text: &str) -> Result<(String, Node<'_>), SyntaxError> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        pos: 0,
        duplicates: Vec::new(),
        stop_after_first: true,
    };
    let mut first = None;
    let result = parse_streaming_inner(&mut p, &mut |ptr, item| {
        if first.is_none() {
            first = Some((ptr, item));
        }
    });
    match (first, result) {
        (Some(item), _) => Ok(item),
        (None, Ok(root)) => Ok((String::new(), root)),
        (None, Err(e)) => Err(e),
    }
}

fn parse_streaming_inner<'a>(
    p: &mut Parser<'a>,
    on_item: &mut dyn FnMut(String, Node<'a>),
) -> Result<Node<'a>, SyntaxError> {
    p.ws();
    if p.pos >= p.s.len() {
        return Err(p.err("the file is empty: expected a JSON value"));
    }
    let start = p.pos;
    let node = match p.s.get(p.pos) {
        Some(b'[') => {
            let value = p.stream_array(0, "", on_item)?;
            Node {
                span: start..p.pos,
                value,
            }
        }
        Some(b'{') => {
            let value = p.object_streaming_value(on_item)?;
            Node {
                span: start..p.pos,
                value,
            }
        }
        _ => p.value(0)?,
    };
    p.ws();
    if p.pos < p.s.len() {
        return Err(p.err("unexpected content after the end of the JSON value"));
    }
    Ok(node)
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
    duplicates: Vec<(String, std::ops::Range<usize>)>,
    /// Stop at the first streamed item ([`first_item`]).
    stop_after_first: bool,
}

impl<'a> Parser<'a> {
    fn err(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            offset: self.pos.min(self.s.len()),
            message: message.into(),
        }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.pos) {
            self.pos += 1;
        }
    }

    fn describe_here(&self) -> String {
        match self.text.get(self.pos..).and_then(|r| r.chars().next()) {
            None => "the end of the file (is it truncated?)".into(),
            Some('/') => "'/' (comments are not allowed in JSON)".into(),
            Some('#') => "'#' (comments are not allowed in JSON)".into(),
            Some(c) if c.is_control() => format!("control character U+{:04X}", c as u32),
            Some(c) => format!("'{c}'"),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node<'a>, SyntaxError> {
        if depth >= MAX_DEPTH {
            return Err(self.err(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        let start = self.pos;
        let value = match self.s.get(self.pos) {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(b'N' | b'I') => {
                return Err(self.err("NaN and Infinity are not valid JSON numbers"));
            }
            Some(b',' | b']' | b'}') if depth > 0 => {
                return Err(self.err(format!(
                    "expected a value but found {} (trailing commas are not allowed in JSON)",
                    self.describe_here()
                )));
            }
            _ => {
                return Err(self.err(format!(
                    "expected a value but found {}",
                    self.describe_here()
                )));
            }
        };
        Ok(Node {
            span: start..self.pos,
            value,
        })
    }

    fn literal(&mut self, word: &str, value: Value<'a>) -> Result<Value<'a>, SyntaxError> {
        if self.s[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.err(format!(
                "expected a value but found {}",
                self.describe_here()
            )))
        }
    }

    fn number(&mut self) -> Result<Value<'a>, SyntaxError> {
        let start = self.pos;
        if self.s.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        match self.s.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.err("invalid number: expected a digit")),
        }
        if self.s.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !matches!(self.s.get(self.pos), Some(b'0'..=b'9')) {
                return Err(self.err("invalid number: expected a digit after '.'"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.s.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.s.get(self.pos) {
                self.pos += 1;
            }
            if !matches!(self.s.get(self.pos), Some(b'0'..=b'9')) {
                return Err(self.err("invalid number: expected a digit in the exponent"));
            }
            self.digits();
        }
        Ok(Value::Number(Cow::Borrowed(&self.text[start..self.pos])))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.s.get(self.pos) {
            self.pos += 1;
        }
    }

    /// A string; borrowed from the text unless it holds escapes.
    fn string(&mut self) -> Result<Cow<'a, str>, SyntaxError> {
        let open = self.pos;
        self.pos += 1;
        let mut out: Option<String> = None;
        let mut run = self.pos;
        loop {
            match self.s.get(self.pos) {
                None => {
                    self.pos = open;
                    return Err(self.err("unterminated string (is the file truncated?)"));
                }
                Some(b'"') => {
                    let tail = &self.text[run..self.pos];
                    self.pos += 1;
                    return Ok(match out {
                        None => Cow::Borrowed(tail),
                        Some(mut o) => {
                            o.push_str(tail);
                            Cow::Owned(o)
                        }
                    });
                }
                Some(b'\\') => {
                    let o = out.get_or_insert_with(String::new);
                    o.push_str(&self.text[run..self.pos]);
                    self.escape(o)?;
                    run = self.pos;
                }
                Some(b) if *b < 0x20 => {
                    return Err(self.err(format!(
                        "control character U+{b:04X} inside a string must be escaped"
                    )));
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        self.pos += 1;
        let c = match self.s.get(self.pos) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let hi = self.hex4()?;
                let c = if (0xD800..0xDC00).contains(&hi) {
                    if self.s.get(self.pos..self.pos + 2) != Some(b"\\u") {
                        return Err(self.err("unpaired UTF-16 surrogate in \\u escape"));
                    }
                    self.pos += 2;
                    let lo = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return Err(self.err("unpaired UTF-16 surrogate in \\u escape"));
                    }
                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                } else {
                    char::from_u32(hi)
                };
                out.push(c.ok_or_else(|| self.err("invalid \\u escape (lone surrogate)"))?);
                return Ok(());
            }
            _ => return Err(self.err("invalid escape sequence in string")),
        };
        out.push(c);
        self.pos += 1;
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self
            .s
            .get(self.pos..self.pos + 4)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| self.err("invalid \\u escape: expected 4 hex digits"))?;
        self.pos += 4;
        Ok(digits)
    }

    /// An array whose items go to `on_item` instead of into the tree.
    fn stream_array(
        &mut self,
        depth: usize,
        base: &str,
        on_item: &mut dyn FnMut(String, Node<'a>),
    ) -> Result<Value<'a>, SyntaxError> {
        self.pos += 1;
        self.ws();
        if self.s.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Value::Array(Vec::new()));
        }
        let mut i = 0usize;
        loop {
            self.ws();
            let item = self.value(depth + 1)?;
            on_item(format!("{base}/{i}"), item);
            if self.stop_after_first {
                return Err(self.err("stopped after the first item"));
            }
            i += 1;
            self.ws();
            match self.s.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(Vec::new()));
                }
                _ => {
                    return Err(self.err(format!(
                        "expected ',' or ']' after an array item but found {}",
                        self.describe_here()
                    )));
                }
            }
        }
    }

    /// The root object, streaming the items of its `value` array.
    fn object_streaming_value(
        &mut self,
        on_item: &mut dyn FnMut(String, Node<'a>),
    ) -> Result<Value<'a>, SyntaxError> {
        self.members(&mut |p, key| {
            if key == "value" && p.s.get(p.pos) == Some(&b'[') {
                let start = p.pos;
                let v = p.stream_array(1, "/value", on_item)?;
                Ok(Node {
                    span: start..p.pos,
                    value: v,
                })
            } else {
                p.value(1)
            }
        })
    }

    fn array(&mut self, depth: usize) -> Result<Value<'a>, SyntaxError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.s.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.s.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => {
                    return Err(self.err(format!(
                        "expected ',' or ']' after an array item but found {}",
                        self.describe_here()
                    )));
                }
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value<'a>, SyntaxError> {
        self.members(&mut |p, _| p.value(depth + 1))
    }

    /// An object's members; `value_of` parses each member's value (streaming or not). Repeated
    /// keys are recorded in `duplicates`, compared exactly (after unescaping, case-sensitive).
    fn members(
        &mut self,
        value_of: &mut dyn FnMut(&mut Self, &str) -> Result<Node<'a>, SyntaxError>,
    ) -> Result<Value<'a>, SyntaxError> {
        self.pos += 1;
        let mut members: Vec<Member<'a>> = Vec::new();
        // The keys so far, once the object has more than `KEY_SCAN_LIMIT` members.
        let mut keys: Option<HashSet<Cow<'a, str>>> = None;
        self.ws();
        if self.s.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.ws();
            if self.s.get(self.pos) != Some(&b'"') {
                let trailing = if self.s.get(self.pos) == Some(&b'}') {
                    " (trailing commas are not allowed in JSON)"
                } else {
                    ""
                };
                return Err(self.err(format!(
                    "expected a quoted key but found {}{trailing}",
                    self.describe_here()
                )));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = key_start..self.pos;
            self.ws();
            if self.s.get(self.pos) != Some(&b':') {
                return Err(self.err(format!(
                    "expected ':' after the key \"{key}\" but found {}",
                    self.describe_here()
                )));
            }
            self.pos += 1;
            self.ws();
            let value = value_of(self, &key)?;
            let repeated = match &mut keys {
                Some(set) => !set.insert(key.clone()),
                None if members.len() < KEY_SCAN_LIMIT => members.iter().any(|x| x.key == key),
                None => {
                    let mut set: HashSet<Cow<'a, str>> = HashSet::with_capacity(2 * members.len());
                    set.extend(members.iter().map(|x| x.key.clone()));
                    let repeated = !set.insert(key.clone());
                    keys = Some(set);
                    repeated
                }
            };
            if repeated {
                self.duplicates.push((key.to_string(), key_span.clone()));
            }
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.ws();
            match self.s.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                _ => {
                    return Err(self.err(format!(
                        "expected ',' or '}}' after an object member but found {}",
                        self.describe_here()
                    )));
                }
            }
        }
    }
}

/// Where the first item of a document ends (the item [`first_item`] would return), found by
/// scanning brackets and strings without building anything; `None` when the text ends first or
/// is not shaped like JSON. A cheap way to know that a head of a file holds a whole first item.
pub fn first_item_end(text: &str) -> Option<usize> {
    let s = text.as_bytes();
    let mut i = skip_ws(s, 0);
    match s.get(i)? {
        b'[' => {
            i = skip_ws(s, i + 1);
            if s.get(i) == Some(&b']') {
                return Some(i + 1);
            }
            skip_value(s, i, 0)
        }
        b'{' => {
            // The items of a root `value` list are streamed; otherwise the root is the item.
            let root = i;
            i = skip_ws(s, i + 1);
            while s.get(i) == Some(&b'"') {
                let key_end = skip_string(s, i)?;
                let key = &s[i + 1..key_end - 1];
                i = skip_ws(s, key_end);
                if s.get(i) != Some(&b':') {
                    return None;
                }
                i = skip_ws(s, i + 1);
                if key == b"value" && s.get(i) == Some(&b'[') {
                    i = skip_ws(s, i + 1);
                    if s.get(i) == Some(&b']') {
                        break;
                    }
                    return skip_value(s, i, 0);
                }
                i = skip_ws(s, skip_value(s, i, 0)?);
                match s.get(i)? {
                    b',' => i = skip_ws(s, i + 1),
                    b'}' => break,
                    _ => return None,
                }
            }
            skip_value(s, root, 0)
        }
        _ => skip_value(s, i, 0),
    }
}

fn skip_ws(s: &[u8], mut i: usize) -> usize {
    while matches!(s.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The end of the string starting at `i` (after its closing quote).
fn skip_string(s: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        let k = j + memchr::memchr2(b'"', b'\\', s.get(j..)?)?;
        if s[k] == b'\\' {
            j = k + 2;
        } else {
            return Some(k + 1);
        }
    }
}

/// The end of the value starting at `i`.
fn skip_value(s: &[u8], i: usize, depth: usize) -> Option<usize> {
    if depth > MAX_DEPTH {
        return None;
    }
    match s.get(i)? {
        b'"' => skip_string(s, i),
        b'{' | b'[' => {
            let mut j = skip_ws(s, i + 1);
            loop {
                match s.get(j)? {
                    b'}' | b']' => return Some(j + 1),
                    b',' | b':' => j = skip_ws(s, j + 1),
                    _ => j = skip_ws(s, skip_value(s, j, depth + 1)?),
                }
            }
        }
        _ => {
            let mut j = i;
            while !matches!(s.get(j)?, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                j += 1;
            }
            Some(j)
        }
    }
}
