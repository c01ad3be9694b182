//! The span-keeping tree shared by the JSON and YAML readers.

use std::borrow::Cow;
use std::ops::Range;

/// A value with the byte range it occupies in the decoded text. Strings borrow from the text
/// when they hold no escapes (`'a`), or own their data (`Node<'static>`, for trees kept longer).
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    pub span: Range<usize>,
    pub value: Value<'a>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    /// The number as written (kept exact; converted on demand).
    Number(Cow<'a, str>),
    String(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    Object(Vec<Member<'a>>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member<'a> {
    pub key: Cow<'a, str>,
    pub key_span: Range<usize>,
    pub value: Node<'a>,
}

impl Value<'_> {
    /// The JSON type name used in messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

impl<'a> Node<'a> {
    pub fn as_object(&self) -> Option<&[Member<'a>]> {
        match &self.value {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node<'a>]> {
        match &self.value {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// The member with exactly this key (the last one when a key is duplicated, as JSON parsers do).
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        self.member(key).map(|m| &m.value)
    }

    pub fn member(&self, key: &str) -> Option<&Member<'a>> {
        self.as_object()?.iter().rev().find(|m| m.key == key)
    }

    /// The member whose key equals `key` ignoring ASCII case (PowerShell and ScubaGear write
    /// `Rules`/`Id` where Graph writes `rules`/`id`). Returns the actual key too.
    pub fn member_ci(&self, key: &str) -> Option<&Member<'a>> {
        let members = self.as_object()?;
        members.iter().rev().find(|m| m.key == key).or_else(|| {
            members
                .iter()
                .rev()
                .find(|m| m.key.eq_ignore_ascii_case(key))
        })
    }

    /// Resolves an RFC 6901 pointer to the span a report should show: scalars by their value;
    /// objects and arrays by their key up to the opening bracket. A pointer past the tree resolves
    /// to the deepest node that exists.
    pub fn locate(&self, pointer: &str) -> Range<usize> {
        let mut node = self;
        let mut key_span: Option<Range<usize>> = None;
        for token in pointer.split('/').skip(1) {
            let token = unescape_pointer_token(token);
            let next = match &node.value {
                Value::Object(members) => members
                    .iter()
                    .rev()
                    .find(|m| m.key == token)
                    .map(|m| (Some(m.key_span.clone()), &m.value)),
                Value::Array(items) => token
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .map(|n| (None, n)),
                _ => None,
            };
            match next {
                Some((k, n)) => {
                    key_span = k;
                    node = n;
                }
                None => break,
            }
        }
        match (&node.value, key_span) {
            (Value::Object(_) | Value::Array(_), Some(k)) => k.start..node.span.start + 1,
            (Value::Object(_) | Value::Array(_), None) => node.span.start..node.span.start + 1,
            _ => node.span.clone(),
        }
    }

    /// Converts to a `serde_json::Value` (numbers that do not fit become strings).
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::from_str::<serde_json::Number>(n)
                .map(serde_json::Value::Number)
                .unwrap_or_else(|_| serde_json::Value::String(n.to_string())),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Array(a) => serde_json::Value::Array(a.iter().map(Node::to_json).collect()),
            Value::Object(m) => serde_json::Value::Object(
                m.iter()
                    .map(|m| (m.key.to_string(), m.value.to_json()))
                    .collect(),
            ),
        }
    }
}

impl Node<'_> {
    /// A copy that owns all its strings, to outlive the text it was parsed from.
    pub fn into_owned(self) -> Node<'static> {
        Node {
            span: self.span,
            value: self.value.into_owned(),
        }
    }
}

impl Value<'_> {
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(b),
            Value::Number(n) => Value::Number(Cow::Owned(n.into_owned())),
            Value::String(s) => Value::String(Cow::Owned(s.into_owned())),
            Value::Array(a) => Value::Array(a.into_iter().map(Node::into_owned).collect()),
            Value::Object(m) => Value::Object(
                m.into_iter()
                    .map(|m| Member {
                        key: Cow::Owned(m.key.into_owned()),
                        key_span: m.key_span,
                        value: m.value.into_owned(),
                    })
                    .collect(),
            ),
        }
    }
}

pub fn escape_pointer_token(token: &str) -> String {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1")
    } else {
        token.to_owned()
    }
}

fn unescape_pointer_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~").into()
    } else {
        token.into()
    }
}
