//! Ambiguity in one object: keys that differ only in case, and values that disagree between an
//! object and its `AdditionalProperties` (readers differ on which wins, so both are reported).

use super::*;

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
