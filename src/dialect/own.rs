//! pim-lint's own files and other tools' files found beside policies: recognised so a walk
//! passes over them (with the reason under `--verbose`) instead of reading a rule pack's `rules`
//! as a policy's.

use crate::source::Node;

/// What the document is when it is not a policy export, by its shape.
pub fn own_file(root: &Node<'_>) -> Option<&'static str> {
    let items_with = |list: &Node<'_>, key: &str| {
        list.as_array().is_some_and(|a| {
            !a.is_empty()
                && a.iter()
                    .all(|i| i.as_object().is_some() && i.member(key).is_some())
        })
    };
    if let Some(rules) = root.get("rules")
        && items_with(rules, "rule")
    {
        return Some("a pim-lint rule pack");
    }
    if root.as_array().is_some_and(|a| {
        !a.is_empty()
            && a.iter()
                .all(|i| i.member("code").is_some() && i.member("line").is_some())
    }) {
        return Some("pim-lint test expectations");
    }
    if root
        .get("$schema")
        .and_then(Node::as_str)
        .is_some_and(|s| s.contains("json-schema.org"))
    {
        return Some("a JSON Schema");
    }
    if ["tier0", "privileged"]
        .iter()
        .any(|t| root.get(t).is_some_and(|l| items_with(l, "id")))
        && root.get("rules").is_none()
    {
        return Some("the pim-lint role catalogue");
    }
    if root.get("jobs").is_some() && (root.get("on").is_some() || root.get("true").is_some()) {
        return Some("a GitHub workflow");
    }
    if root.get("runs").and_then(|r| r.get("using")).is_some() {
        return Some("a GitHub Action");
    }
    None
}
