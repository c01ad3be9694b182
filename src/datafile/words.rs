//! Words for schema errors: what a schema accepts, how a value is shown, and the schema's own
//! messages (`x-messages`, `x-expected`, `x-name`; see [`super::explain`]).

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind as K;
use serde_json::Value;

/// The schema's own words for a keyword's failure, if it has any.
pub(super) fn custom(
    parent: &Value,
    keyword: &str,
    sub: &str,
    vars: &[(&str, &str)],
) -> Option<(String, Option<String>)> {
    let messages = parent.get("x-messages")?;
    let entry = messages
        .get(format!("{keyword}:{sub}"))
        .or_else(|| messages.get(keyword))?;
    let fill = |s: &str| {
        vars.iter().fold(s.to_owned(), |acc, (k, v)| {
            acc.replace(&format!("{{{k}}}"), v)
        })
    };
    match entry {
        Value::String(s) => Some((fill(s), None)),
        Value::Object(o) => Some((
            fill(o.get("message")?.as_str()?),
            o.get("help").and_then(Value::as_str).map(fill),
        )),
        _ => None,
    }
}

/// "the pack entry", from the schema's `x-name`.
pub(super) fn noun(schema: &Value) -> String {
    match schema.get("x-name").and_then(Value::as_str) {
        Some(n) => format!("the {n}"),
        None => "this mapping".into(),
    }
}

/// Keys a `not` forbids: `{required: [k]}`, or several under `anyOf`/`oneOf`.
pub(super) fn required_keys(schema: &Value) -> Vec<&str> {
    let own = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str);
    let nested = ["anyOf", "oneOf"]
        .into_iter()
        .filter_map(|k| schema.get(k).and_then(Value::as_array))
        .flatten()
        .flat_map(required_keys);
    own.chain(nested).collect()
}

/// The alternative rejects the value's type, not its content.
pub(super) fn mismatched(e: &ValidationError) -> bool {
    let same_type = |a: &Value, b: &Value| std::mem::discriminant(a) == std::mem::discriminant(b);
    match e.kind() {
        K::Type { .. } => true,
        K::Enum { options } => !options
            .as_array()
            .is_some_and(|o| o.iter().any(|x| same_type(x, e.instance()))),
        K::Constant { expected_value } => !same_type(expected_value, e.instance()),
        _ => false,
    }
}

/// What a schema accepts, in words.
pub(super) fn expected(s: &Value, root: &Value, depth: usize) -> String {
    if depth > 4 {
        return "a value".into();
    }
    if let Some(x) = s.get("x-expected").and_then(Value::as_str) {
        return x.to_owned();
    }
    if let Some(target) = s
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|p| root.pointer(p))
    {
        return expected(target, root, depth + 1);
    }
    if let Some(options) = s.get("enum") {
        return one_of(options);
    }
    for keyword in ["oneOf", "anyOf"] {
        if let Some(alts) = s.get(keyword).and_then(Value::as_array) {
            let words: Vec<String> = alts.iter().map(|a| expected(a, root, depth + 1)).collect();
            return words.join(" or ");
        }
    }
    let type_word = |t: &str| match t {
        "string" => "a string".to_owned(),
        "integer" => "a whole number".to_owned(),
        "number" => "a number".to_owned(),
        "boolean" => "true or false".to_owned(),
        "null" => "nothing".to_owned(),
        "object" => "a mapping".to_owned(),
        "array" => match s.get("items").map(|i| expected(i, root, depth + 1)) {
            Some(item) if item == "a string" => "a list of strings".to_owned(),
            Some(item) if item != "a value" => format!("a list of {item}"),
            _ => "a list".to_owned(),
        },
        other => other.to_owned(),
    };
    match s.get("type") {
        Some(Value::String(t)) => type_word(t),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(type_word)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "a value".into(),
    }
}

pub(super) fn one_of(options: &Value) -> String {
    let words: Vec<String> = options
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| o.as_str().map_or_else(|| o.to_string(), str::to_owned))
        .collect();
    format!("one of {}", words.join(", "))
}

/// A value as messages show it: short scalars quoted, containers by kind.
pub(super) fn show(v: &Value) -> String {
    match v {
        Value::Null => "nothing".into(),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
        _ => format!("`{}`", shown_bare(v)),
    }
}

pub(super) fn shown_bare(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 60 {
        text.chars().take(57).collect::<String>() + "..."
    } else {
        text
    }
}
