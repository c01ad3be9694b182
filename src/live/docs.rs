//! The documents a fetch produces: Graph and ARM list responses (`{"@odata.context", "value"}`
//! / `{"value"}`), items sorted by id, keys sorted, pretty-printed, so that fetching an unchanged
//! tenant twice gives the same bytes and a folder of them diffs as the tenant changes.

use serde_json::{Map, Value};

/// One fetched document: its relative name (`graph/users.json`) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Graph's `@odata.context` for a list, independent of the base URL used.
pub(crate) fn graph_context(fragment: &str) -> String {
    format!("https://graph.microsoft.com/v1.0/$metadata#{fragment}")
}

/// A list document. `context` is Graph's `@odata.context` (None for ARM lists).
pub(crate) fn list_document(name: String, context: Option<String>, items: Vec<Value>) -> Document {
    let mut items: Vec<(String, Value)> = items
        .into_iter()
        .map(canonical)
        .map(|v| (sort_key(&v), v))
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    // The same object read twice (two filters, two pages that overlap) is kept once.
    items.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    let mut root = Map::new();
    if let Some(c) = context {
        root.insert("@odata.context".into(), Value::String(c));
    }
    root.insert(
        "value".into(),
        Value::Array(items.into_iter().map(|(_, v)| v).collect()),
    );
    let mut bytes = serde_json::to_vec_pretty(&Value::Object(root)).unwrap_or_default();
    bytes.push(b'\n');
    Document { name, bytes }
}

/// Sorts by `id` (case-insensitively: Graph and ARM ids differ in case between calls), then by
/// the whole item.
fn sort_key(v: &Value) -> String {
    let id = v
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    format!("{id}\u{0}{v}")
}

/// The value with every object's keys in sorted order, whatever map serde_json was built with.
/// Recursive: the depth is bounded by serde_json's recursion limit (128) when it parsed the body.
fn canonical(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> =
                m.into_iter().map(|(k, v)| (k, canonical(v))).collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(canonical).collect()),
        other => other,
    }
}

/// A schedule's expanded `principal` cut to what the rules read (its type and id): the
/// directory's users file already has the rest, and a fetched folder should not repeat it.
pub(crate) fn slim_principal(mut item: Value) -> Value {
    if let Some(Value::Object(p)) = item.get_mut("principal") {
        p.retain(|k, _| k == "@odata.type" || k == "id");
    }
    item
}

/// A file-name-safe form of an ARM scope: `/subscriptions/ab/resourceGroups/rg` →
/// `subscriptions.ab.resourceGroups.rg`.
pub(crate) fn scope_slug(scope: &str) -> String {
    let parts: Vec<String> = scope
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        })
        .collect();
    if parts.is_empty() {
        "root".into()
    } else {
        parts.join(".")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documents_are_stable_whatever_the_order() {
        let a = list_document(
            "x.json".into(),
            None,
            vec![json!({"id": "b", "z": 1, "a": 2}), json!({"id": "A"})],
        );
        let b = list_document(
            "x.json".into(),
            None,
            vec![json!({"id": "A"}), json!({"a": 2, "id": "b", "z": 1})],
        );
        assert_eq!(a, b);
        let text = String::from_utf8(a.bytes).unwrap_or_default();
        assert!(text.find("\"A\"") < text.find("\"b\""), "{text}");
        assert!(text.ends_with("}\n"));
    }

    #[test]
    fn slugs_are_file_names() {
        assert_eq!(
            scope_slug("/subscriptions/ab/resourceGroups/rg 1"),
            "subscriptions.ab.resourceGroups.rg_1"
        );
        assert_eq!(
            scope_slug("/providers/Microsoft.Management/managementGroups/mg"),
            "providers.Microsoft_Management.managementGroups.mg"
        );
    }
}
