//! Field access shared by the normalisers: case-insensitive keys (PowerShell and ScubaGear write
//! PascalCase), rule data that may sit under `AdditionalProperties`, and typed reads that record
//! a [`Problem`] instead of failing when a known field has the wrong type.

use crate::model::{Loc, Problem, ProblemKind, Ptr, Strings};
use crate::source::{Member, Node, Value, escape_pointer_token};
use std::ops::Range;

mod ambiguity;
pub use ambiguity::ambiguities;
pub(crate) use ambiguity::shorten;

/// `ptr/key`, with `~` and `/` in the key escaped (one allocation).
pub fn child(ptr: &str, key: &str) -> String {
    if key.contains(['~', '/']) {
        let key = escape_pointer_token(key);
        let mut s = String::with_capacity(ptr.len() + 1 + key.len());
        s.push_str(ptr);
        s.push('/');
        s.push_str(&key);
        return s;
    }
    let mut s = String::with_capacity(ptr.len() + 1 + key.len());
    s.push_str(ptr);
    s.push('/');
    s.push_str(key);
    s
}

pub fn index(ptr: &str, i: usize) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(ptr.len() + 4);
    s.push_str(ptr);
    s.push('/');
    let _ = write!(s, "{i}");
    s
}

/// A node with its pointer and the span a report shows for it, for walking.
#[derive(Clone)]
pub struct Field<'a> {
    pub node: &'a Node<'a>,
    pub ptr: String,
    /// What a finding about this node highlights: a scalar's value; a container's key (when it
    /// has one) up to its opening bracket — as [`Node::locate`] resolves the same pointer.
    pub span: Range<usize>,
}

/// The span a report shows for a node reached through `key_span` (a member) or not (an item).
pub(crate) fn report_span(node: &Node<'_>, key_span: Option<&Range<usize>>) -> Range<usize> {
    match (&node.value, key_span) {
        (Value::Object(_) | Value::Array(_), Some(k)) => k.start..node.span.start + 1,
        (Value::Object(_) | Value::Array(_), None) => node.span.start..node.span.start + 1,
        _ => node.span.clone(),
    }
}

impl<'a> Field<'a> {
    /// A document root or a streamed list item at `ptr`.
    pub fn root(node: &'a Node<'a>, ptr: String) -> Field<'a> {
        Field {
            node,
            span: report_span(node, None),
            ptr,
        }
    }

    /// Where this node is, for the model.
    pub fn at(&self) -> Ptr {
        Ptr::new(self.ptr.clone(), self.span.clone())
    }

    /// Where this node is, consuming the field.
    pub fn into_at(self) -> Ptr {
        Ptr::new(self.ptr, self.span)
    }

    pub fn field(&self, key: &str) -> Option<Field<'a>> {
        let m = self.node.member_ci(key)?;
        Some(Field {
            node: &m.value,
            ptr: child(&self.ptr, &m.key),
            span: report_span(&m.value, Some(&m.key_span)),
        })
    }

    pub fn items(&self) -> Vec<Field<'a>> {
        match &self.node.value {
            Value::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, n)| Field {
                    node: n,
                    ptr: index(&self.ptr, i),
                    span: report_span(n, None),
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Reads fields of one object, looking in the object and then in its `AdditionalProperties`
/// (the Graph PowerShell SDK puts everything it has no typed property for there).
pub struct Obj<'a> {
    pub this: Field<'a>,
    pub extra: Option<Field<'a>>,
}

impl<'a> Obj<'a> {
    pub fn new(this: Field<'a>) -> Obj<'a> {
        let extra = this
            .field("AdditionalProperties")
            .filter(|f| f.node.as_object().is_some());
        Obj { this, extra }
    }

    pub fn get(&self, key: &str) -> Option<Field<'a>> {
        self.this
            .field(key)
            .or_else(|| self.extra.as_ref().and_then(|e| e.field(key)))
    }

    /// The node of `key` (in the object, then in `AdditionalProperties`), without building its
    /// pointer: for reads that locate nothing.
    fn node(&self, key: &str) -> Option<&'a Node<'a>> {
        let this: &'a Node<'a> = self.this.node;
        this.member_ci(key).map(|m| &m.value).or_else(|| {
            let extra: &'a Node<'a> = self.extra.as_ref()?.node;
            extra.member_ci(key).map(|m| &m.value)
        })
    }

    /// The key is present (null or not).
    pub fn has(&self, key: &str) -> bool {
        self.node(key).is_some()
    }

    /// The key is present and not null.
    pub fn has_value(&self, key: &str) -> bool {
        self.node(key).is_some_and(|n| !n.is_null())
    }

    /// Present and not null.
    pub fn value(&self, key: &str) -> Option<Field<'a>> {
        self.get(key).filter(|f| !f.node.is_null())
    }

    pub fn str(&self, key: &str) -> Option<String> {
        self.node(key).and_then(Node::as_str).map(str::to_owned)
    }

    pub fn bool(&self, key: &str, problems: &mut Vec<Problem>) -> Option<Loc<bool>> {
        let f = self.value(key)?;
        match &f.node.value {
            Value::Bool(b) => Some(Loc::new(*b, f.into_at())),
            other => {
                let hint = match other {
                    Value::String(s)
                        if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") =>
                    {
                        format!(" (write {} without quotes)", s.to_ascii_lowercase())
                    }
                    _ => String::new(),
                };
                problems.push(Problem {
                    kind: ProblemKind::WrongType,
                    pointer: f.into_at(),
                    message: format!(
                        "`{key}` must be a boolean, found {}{hint}",
                        other.type_name()
                    ),
                });
                None
            }
        }
    }

    pub fn string(&self, key: &str, problems: &mut Vec<Problem>) -> Option<Loc<String>> {
        let f = self.value(key)?;
        match &f.node.value {
            Value::String(s) => Some(Loc::new(s.to_string(), f.into_at())),
            other => {
                problems.push(Problem {
                    kind: ProblemKind::WrongType,
                    pointer: f.into_at(),
                    message: format!("`{key}` must be a string, found {}", other.type_name()),
                });
                None
            }
        }
    }

    /// A whole number from 0 to 2^31 − 1 (Graph's `Int32` fields). A number out of that range —
    /// too large to read (`1e999999`), negative, or with a fraction — is a problem and reads as
    /// absent, never as infinity or a rounded value.
    pub fn whole_number(&self, key: &str, problems: &mut Vec<Problem>) -> Option<Loc<f64>> {
        let f = self.value(key)?;
        match &f.node.value {
            Value::Number(n) => match n.parse::<f64>() {
                Ok(v)
                    if v.is_finite()
                        && v.fract() == 0.0
                        && (0.0..=2_147_483_647.0).contains(&v) =>
                {
                    Some(Loc::new(v, f.into_at()))
                }
                Ok(v) => {
                    let why = if !v.is_finite() {
                        "a number too large to read"
                    } else if v.fract() != 0.0 {
                        "not a whole number"
                    } else {
                        "out of range"
                    };
                    problems.push(Problem::of(
                        ProblemKind::OutOfRange,
                        f.into_at(),
                        format!(
                            "`{key}` is {}, {why}: it must be a whole number from 0 to 2147483647",
                            shorten(n)
                        ),
                    ));
                    None
                }
                Err(_) => {
                    problems.push(Problem::of(
                        ProblemKind::OutOfRange,
                        f.into_at(),
                        format!("`{key}` is {}, a number that cannot be read", shorten(n)),
                    ));
                    None
                }
            },
            other => {
                problems.push(Problem {
                    kind: ProblemKind::WrongType,
                    pointer: f.into_at(),
                    message: format!("`{key}` must be a number, found {}", other.type_name()),
                });
                None
            }
        }
    }

    /// An array of strings; `null` reads as absent.
    pub fn strings(&self, key: &str, problems: &mut Vec<Problem>) -> Option<Strings> {
        let f = self.value(key)?;
        let Some(items) = f.node.as_array() else {
            problems.push(Problem {
                kind: ProblemKind::WrongType,
                pointer: f.at(),
                message: format!(
                    "`{key}` must be an array of strings, found {}",
                    f.node.value.type_name()
                ),
            });
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut spans = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item.as_str() {
                Some(s) => {
                    out.push(s.to_owned());
                    spans.push(item.span.clone());
                }
                None => problems.push(Problem {
                    kind: ProblemKind::WrongType,
                    pointer: Ptr::new(index(&f.ptr, i), report_span(item, None)),
                    message: format!(
                        "items of `{key}` must be strings, found {}",
                        item.value.type_name()
                    ),
                }),
            }
        }
        Some(Strings {
            value: out,
            pointer: f.into_at(),
            items: spans,
        })
    }

    /// An array of objects (null → absent), recording a problem for anything else.
    pub fn objects(&self, key: &str, problems: &mut Vec<Problem>) -> Option<(Ptr, Vec<Field<'a>>)> {
        let f = self.value(key)?;
        if f.node.as_array().is_none() {
            problems.push(Problem {
                kind: ProblemKind::WrongType,
                pointer: f.at(),
                message: format!(
                    "`{key}` must be an array, found {}",
                    f.node.value.type_name()
                ),
            });
            return None;
        }
        let mut out = Vec::new();
        for item in f.items() {
            if item.node.as_object().is_some() {
                out.push(item);
            } else {
                problems.push(Problem {
                    kind: ProblemKind::WrongType,
                    pointer: item.at(),
                    message: format!(
                        "items of `{key}` must be objects, found {}",
                        item.node.value.type_name()
                    ),
                });
            }
        }
        Some((f.into_at(), out))
    }

    /// An object-valued field; a non-object records a problem.
    pub fn object(&self, key: &str, problems: &mut Vec<Problem>) -> Option<Field<'a>> {
        let f = self.value(key)?;
        if f.node.as_object().is_some() {
            Some(f)
        } else {
            problems.push(Problem {
                kind: ProblemKind::WrongType,
                pointer: f.at(),
                message: format!(
                    "`{key}` must be an object, found {}",
                    f.node.value.type_name()
                ),
            });
            None
        }
    }
}

/// PowerShell 5.1 `ConvertTo-Json` writes dates as `/Date(1660328610000)/` (ms since the epoch,
/// optionally with an offset). Returns an RFC 3339 UTC timestamp; other strings pass through.
pub fn normalise_date(s: &str) -> String {
    let Some(inner) = s.strip_prefix("/Date(").and_then(|r| r.strip_suffix(")/")) else {
        return s.to_owned();
    };
    let digits_end = inner
        .char_indices()
        .find(|(i, c)| *i > 0 && (*c == '+' || *c == '-'))
        .map_or(inner.len(), |(i, _)| i);
    let Ok(ms) = inner[..digits_end].parse::<i64>() else {
        return s.to_owned();
    };
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = crate::model::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn powershell_dates() {
        assert_eq!(
            super::normalise_date("/Date(1660328610000)/"),
            "2022-08-12T18:23:30Z"
        );
        assert_eq!(
            super::normalise_date("/Date(0+0100)/"),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(
            super::normalise_date("2021-03-17T02:54:27Z"),
            "2021-03-17T02:54:27Z"
        );
    }
}
