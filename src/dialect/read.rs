//! Field access shared by the normalisers: case-insensitive keys (PowerShell and ScubaGear write
//! PascalCase), rule data that may sit under `AdditionalProperties`, and typed reads that record
//! a [`Problem`] instead of failing when a known field has the wrong type.

use crate::model::{Loc, Problem, ProblemKind, Ptr, Strings};
use crate::source::{Member, Node, Value, escape_pointer_token};
use std::ops::Range;

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

/// A value as a message shows it: short scalars as written, containers by their type.
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let head: String = text.chars().take(MAX - 1).collect();
        format!("{head}…")
    }
}

fn show(n: &Node<'_>) -> String {
    match &n.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(t) => shorten(t),
        Value::String(t) => format!("\"{}\"", shorten(t)),
        other => other.type_name().into(),
    }
}

/// Whether two values are the same, wherever they are (spans aside). Numbers compare by value
/// (`1` and `1.0`), keys exactly.
fn same_value(a: &Node<'_>, b: &Node<'_>) -> bool {
    match (&a.value, &b.value) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => {
            x == y
                || matches!((x.parse::<f64>(), y.parse::<f64>()), (Ok(u), Ok(v)) if u.is_finite() && u == v)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(u, v)| same_value(u, v))
        }
        (Value::Object(x), Value::Object(y)) => {
            let y = Index::new(y, false);
            x.len() == y.members.len()
                && x.iter().all(|m| {
                    y.get(&m.key)
                        .is_some_and(|n| same_value(&m.value, &n.value))
                })
        }
        _ => false,
    }
}

/// The members of an object by key — exactly, or ignoring ASCII case — scanned when the object
/// is small and through a map built once when it is large, so hostile objects cost linear time.
/// The last of repeated keys wins, as in [`Node::member`].
struct Index<'m, 'a> {
    members: &'m [Member<'a>],
    ignore_case: bool,
    map: Option<std::collections::HashMap<String, usize>>,
}

impl<'m, 'a> Index<'m, 'a> {
    fn new(members: &'m [Member<'a>], ignore_case: bool) -> Index<'m, 'a> {
        let map = (members.len() > KEY_SCAN_LIMIT).then(|| {
            members
                .iter()
                .enumerate()
                .map(|(i, m)| (Index::fold(&m.key, ignore_case), i))
                .collect()
        });
        Index {
            members,
            ignore_case,
            map,
        }
    }

    fn fold(key: &str, ignore_case: bool) -> String {
        if ignore_case {
            key.to_ascii_lowercase()
        } else {
            key.to_owned()
        }
    }

    fn get(&self, key: &str) -> Option<&'m Member<'a>> {
        match &self.map {
            Some(map) => map
                .get(&Index::fold(key, self.ignore_case))
                .and_then(|&i| self.members.get(i)),
            None => self.members.iter().rev().find(|m| {
                if self.ignore_case {
                    m.key.eq_ignore_ascii_case(key)
                } else {
                    m.key == key
                }
            }),
        }
    }
}

/// Where two different values first differ: the dotted path inside them (empty at the top) and
/// each value there, as a message shows it.
fn difference(a: &Node<'_>, b: &Node<'_>) -> Option<(String, String, String)> {
    if same_value(a, b) {
        return None;
    }
    if let (Value::Object(x), Value::Object(y)) = (&a.value, &b.value) {
        let (xs, ys) = (Index::new(x, true), Index::new(y, true));
        for m in x {
            match ys.get(&m.key) {
                Some(n) => {
                    if let Some((at, u, v)) = difference(&m.value, &n.value) {
                        let at = if at.is_empty() {
                            m.key.to_string()
                        } else {
                            format!("{}.{at}", m.key)
                        };
                        return Some((at, u, v));
                    }
                }
                None => return Some((m.key.to_string(), show(&m.value), "absent".into())),
            }
        }
        if let Some(n) = y.iter().find(|n| xs.get(&n.key).is_none()) {
            return Some((n.key.to_string(), "absent".into(), show(&n.value)));
        }
    }
    Some((String::new(), show(a), show(b)))
}

/// Objects with up to this many members compare their keys pairwise; larger ones use a map.
const KEY_SCAN_LIMIT: usize = 16;

/// Reports what a reader could take two ways in `f` and everything inside it: keys of one
/// object that differ only in case (the readers match keys without regard to case, as
/// PowerShell and ScubaGear write PascalCase); a key set both in an object and in its
/// `AdditionalProperties`, with different values; and an `AdditionalProperties` that is not an
/// object (which the readers would pass over). A member of `f` named `skip` is not looked into
/// (it is read, and checked, on its own). Keys repeated exactly are the parser's to report.
pub fn ambiguities(f: &Field<'_>, skip: Option<&str>, problems: &mut Vec<Problem>) {
    let mut path = Vec::new();
    walk_ambiguities(f.node, &f.ptr, &mut path, skip, problems);
}

fn walk_ambiguities<'a>(
    node: &'a Node<'a>,
    base: &str,
    path: &mut Vec<PathToken<'a>>,
    skip: Option<&str>,
    problems: &mut Vec<Problem>,
) {
    match &node.value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if matches!(item.value, Value::Array(_) | Value::Object(_)) {
                    path.push(PathToken::Index(i));
                    walk_ambiguities(item, base, path, None, problems);
                    path.pop();
                }
            }
        }
        Value::Object(members) => {
            object_ambiguities(members, base, path, problems);
            for m in members {
                if skip.is_some_and(|k| m.key.eq_ignore_ascii_case(k)) {
                    continue;
                }
                if matches!(m.value.value, Value::Array(_) | Value::Object(_)) {
                    path.push(PathToken::Key(&m.key));
                    walk_ambiguities(&m.value, base, path, None, problems);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

#[derive(Clone, Copy)]
enum PathToken<'a> {
    Key(&'a str),
    Index(usize),
}

/// The pointer of `path` below `base`, then `key`.
fn pointer_of(base: &str, path: &[PathToken<'_>], key: &str) -> String {
    let mut s = base.to_owned();
    for t in path {
        s = match t {
            PathToken::Key(k) => child(&s, k),
            PathToken::Index(i) => index(&s, *i),
        };
    }
    child(&s, key)
}

fn object_ambiguities(
    members: &[Member<'_>],
    base: &str,
    path: &[PathToken<'_>],
    problems: &mut Vec<Problem>,
) {
    // Keys that differ only in case: the second is reported.
    let mut report_case = |m: &Member<'_>, earlier: &Member<'_>| {
        problems.push(Problem::of(
            ProblemKind::CaseVariantKey,
            Ptr::new(pointer_of(base, path, &m.key), m.key_span.clone()),
            format!(
                "The keys `{}` and `{}` of one object differ only in case: readers that ignore case (Graph PowerShell, ScubaGear, pim-lint) may take either value",
                earlier.key, m.key
            ),
        ));
    };
    if members.len() <= KEY_SCAN_LIMIT {
        for (i, m) in members.iter().enumerate() {
            if let Some(earlier) = members[..i]
                .iter()
                .find(|e| e.key != m.key && e.key.eq_ignore_ascii_case(&m.key))
            {
                report_case(m, earlier);
            }
        }
    } else {
        let mut first: std::collections::HashMap<String, usize> =
            std::collections::HashMap::with_capacity(members.len());
        for (i, m) in members.iter().enumerate() {
            match first.entry(m.key.to_ascii_lowercase()) {
                std::collections::hash_map::Entry::Occupied(e) => {
                    if let Some(earlier) = members.get(*e.get())
                        && earlier.key != m.key
                    {
                        report_case(m, earlier);
                    }
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(i);
                }
            }
        }
    }

    // The same key in the object and in its `AdditionalProperties`, with different values.
    for extra in members
        .iter()
        .filter(|m| m.key.eq_ignore_ascii_case("AdditionalProperties"))
    {
        let Some(inner) = extra.value.as_object() else {
            if !extra.value.is_null() {
                problems.push(Problem::new(
                    Ptr::new(
                        pointer_of(base, path, &extra.key),
                        report_span(&extra.value, Some(&extra.key_span)),
                    ),
                    format!(
                        "`{}` must be an object, found {}: the settings it should hold are not read",
                        extra.key,
                        extra.value.value.type_name()
                    ),
                ));
            }
            continue;
        };
        let outside = Index::new(members, true);
        for m in inner {
            let Some(outer) = outside
                .get(&m.key)
                .filter(|o| !o.key.eq_ignore_ascii_case("AdditionalProperties"))
            else {
                continue;
            };
            if same_value(&outer.value, &m.value) {
                continue;
            }
            let mut inner_path = path.to_vec();
            inner_path.push(PathToken::Key(&extra.key));
            let (at, here, there) = difference(&m.value, &outer.value)
                .unwrap_or_else(|| (String::new(), show(&m.value), show(&outer.value)));
            let what = if at.is_empty() {
                format!("`{}`", outer.key)
            } else {
                format!("`{}` in `{}`", at, outer.key)
            };
            problems.push(Problem::of(
                ProblemKind::AdditionalProperties,
                Ptr::new(pointer_of(base, &inner_path, &m.key), m.key_span.clone()),
                format!(
                    "`{}` is set both in the object and in its `{}`, differently: {what} is {there} in the object and {here} here; readers disagree on which counts",
                    m.key, extra.key
                ),
            ));
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
