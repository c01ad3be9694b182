//! Schema errors in words a user understands: which key is unknown (and the likely intended
//! one), which key is missing, what was expected where — for a `oneOf`, the alternative the value
//! was meant to be, or what each alternative takes.
//!
//! Schemas may add words beside a keyword: `x-messages` maps a keyword (or `keyword:property`)
//! to a message, or to `{message, help}`, with `{key}`, `{value}` and `{property}` filled in;
//! `x-expected` says what a value must be ("an ISO 8601 duration such as PT8H"); `x-name` names
//! what a mapping is ("pack entry").

use super::words::{custom, expected, mismatched, noun, one_of, required_keys, show, shown_bare};
use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind as K;
use serde_json::Value;

/// What to drop from the instance before deserialising it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Prune {
    /// Exactly the member at the pointer (an unknown key).
    Key,
    /// The list item or map value of the top-level collection that holds the pointer.
    Item,
}

#[derive(Debug, Clone)]
pub(super) struct Problem {
    pub pointer: String,
    pub at_key: bool,
    pub message: String,
    pub help: Option<String>,
    pub prune: Prune,
}

/// The problems of an instance, one per distinct complaint, skipping pointers `by_hand` takes.
pub(super) fn problems<'a>(
    errors: impl Iterator<Item = ValidationError<'a>>,
    schema: &Value,
    by_hand: &dyn Fn(&str) -> bool,
) -> Vec<Problem> {
    let errors: Vec<ValidationError> = errors
        .filter(|e| !by_hand(&e.instance_path().to_string()))
        .collect();
    // A value of the wrong type makes every other complaint about it noise.
    let mistyped: Vec<String> = errors
        .iter()
        .filter(|e| matches!(e.kind(), K::Type { .. }))
        .map(|e| e.instance_path().to_string())
        .collect();
    let mut out: Vec<Problem> = Vec::new();
    for e in &errors {
        let at = e.instance_path().to_string();
        let covered = mistyped
            .iter()
            .any(|t| at == *t || at.starts_with(&format!("{t}/")));
        if covered && !matches!(e.kind(), K::Type { .. }) {
            continue;
        }
        for p in describe(e, schema, 0) {
            if !out
                .iter()
                .any(|o| o.pointer == p.pointer && o.message == p.message)
            {
                out.push(p);
            }
        }
    }
    out
}

/// Drops what a problem is about, so the rest of the file still deserialises.
pub(super) fn prune(json: &mut Value, p: &Problem) {
    let tokens: Vec<String> = p
        .pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let keep = match p.prune {
        Prune::Key => tokens.len(),
        Prune::Item => tokens.len().min(2),
    };
    let Some((last, path)) = tokens[..keep].split_last() else {
        return;
    };
    let mut node = json;
    for t in path {
        node = match node {
            Value::Object(m) => match m.get_mut(t) {
                Some(n) => n,
                None => return,
            },
            Value::Array(a) => match t.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                Some(n) => n,
                None => return,
            },
            _ => return,
        };
    }
    match node {
        Value::Object(m) => {
            m.remove(last);
        }
        Value::Array(a) => {
            if let Some(slot) = last.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                *slot = Value::Null;
            }
        }
        _ => {}
    }
}

fn describe(e: &ValidationError, root: &Value, depth: usize) -> Vec<Problem> {
    let at = e.instance_path().to_string();
    let keyword_path = e.schema_path().to_string();
    let parent = keyword_path
        .rsplit_once('/')
        .and_then(|(p, _)| root.pointer(p))
        .unwrap_or(&Value::Null);
    let value = e.instance();
    let shown = show(value);
    let one = |message: String, help: Option<String>| {
        vec![Problem {
            pointer: at.clone(),
            at_key: false,
            message,
            help,
            prune: Prune::Item,
        }]
    };
    let custom =
        |keyword: &str, sub: &str, vars: &[(&str, &str)]| custom(parent, keyword, sub, vars);
    match e.kind() {
        K::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|k| {
                let known: Vec<&str> = parent
                    .get("properties")
                    .and_then(Value::as_object)
                    .map(|m| m.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                let guess = crate::suggest::did_you_mean(k, known.iter().copied())
                    .map(|g| format!("Did you mean `{g}`? "))
                    .unwrap_or_default();
                let (message, help) = custom("additionalProperties", k, &[("key", k)])
                    .unwrap_or_else(|| (format!("unknown key `{k}`"), None));
                Problem {
                    pointer: super::join(&at, k),
                    at_key: true,
                    message,
                    // The closest known key first, also before the schema's own help.
                    help: Some(match help {
                        Some(h) => format!("{guess}{h}"),
                        None => format!("{guess}Known keys: {}.", known.join(", ")),
                    }),
                    prune: Prune::Key,
                }
            })
            .collect(),
        K::Required { property } => {
            let prop = property.as_str().unwrap_or_default();
            let (message, help) = custom("required", prop, &[("property", prop)])
                .unwrap_or_else(|| (format!("{} needs a `{prop}`", noun(parent)), None));
            one(message, help)
        }
        K::Not { schema } => {
            let present: Vec<&str> = required_keys(schema)
                .into_iter()
                .filter(|k| value.get(k).is_some())
                .collect();
            if present.is_empty() {
                return one(e.to_string(), None);
            }
            present
                .into_iter()
                .map(|k| {
                    let (message, help) = custom("not", k, &[("key", k)])
                        .unwrap_or_else(|| (format!("`{k}` is not allowed here"), None));
                    Problem {
                        pointer: super::join(&at, k),
                        at_key: true,
                        message,
                        help,
                        prune: Prune::Item,
                    }
                })
                .collect()
        }
        K::OneOfNotValid { context } | K::AnyOf { context } => {
            let keyword = e.kind().keyword();
            if let Some((message, help)) = custom(keyword, "", &[("value", &shown)]) {
                return one(message, help);
            }
            // The alternatives the value was plausibly meant to be: those not rejecting its type.
            let meant: Vec<&Vec<ValidationError>> = context
                .iter()
                .filter(|errs| {
                    !errs
                        .iter()
                        .any(|x| x.instance_path() == e.instance_path() && mismatched(x))
                })
                .collect();
            if let [errs] = meant.as_slice()
                && depth < 4
            {
                let mut out: Vec<Problem> = errs
                    .iter()
                    .flat_map(|x| describe(x, root, depth + 1))
                    .collect();
                out.iter_mut().for_each(|p| p.prune = Prune::Item);
                if !out.is_empty() {
                    return out;
                }
            }
            one(
                format!("expected {}, found {shown}", expected(parent, root, 0)),
                None,
            )
        }
        K::PropertyNames { error } => {
            let key = error.instance().as_str().unwrap_or_default().to_owned();
            let pointer = super::join(&at, &key);
            describe(error, root, depth + 1)
                .into_iter()
                .map(|p| Problem {
                    pointer: pointer.clone(),
                    at_key: true,
                    prune: Prune::Key,
                    ..p
                })
                .collect()
        }
        K::Type { .. } => {
            let (message, help) = custom("type", "", &[("value", &shown)]).unwrap_or_else(|| {
                (
                    format!("expected {}, found {shown}", expected(parent, root, 0)),
                    None,
                )
            });
            one(message, help)
        }
        K::Enum { options } => {
            let (message, help) = custom("enum", "", &[("value", &shown_bare(value))])
                .unwrap_or_else(|| (format!("expected {}, found {shown}", one_of(options)), None));
            let guess = value.as_str().and_then(|v| {
                let names = options.as_array()?.iter().filter_map(Value::as_str);
                crate::suggest::did_you_mean(v, names)
            });
            let help = match (guess, help) {
                (Some(g), Some(h)) => Some(format!("Did you mean `{g}`? {h}")),
                (Some(g), None) => Some(format!("Did you mean `{g}`?")),
                (None, h) => h,
            };
            one(message, help)
        }
        K::Pattern { pattern } => {
            let (message, help) = custom("pattern", "", &[("value", &shown_bare(value))])
                .unwrap_or_else(|| match parent.get("x-expected").and_then(Value::as_str) {
                    Some(x) => (format!("expected {x}, found {shown}"), None),
                    None => (format!("{shown} does not match `{pattern}`"), None),
                });
            one(message, help)
        }
        kind => {
            let (message, help) = custom(kind.keyword(), "", &[("value", &shown_bare(value))])
                .unwrap_or_else(|| match kind {
                    K::MinLength { .. } => ("must not be empty".into(), None),
                    K::MinProperties { limit } => (format!("needs at least {limit} entries"), None),
                    K::Minimum { limit } => {
                        (format!("must be at least {limit}, found {shown}"), None)
                    }
                    _ => (e.to_string(), None),
                });
            one(message, help)
        }
    }
}
