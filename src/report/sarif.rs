//! SARIF 2.1.0 for GitHub code scanning. Hand-written minimal types (serde_json values).

use crate::finding::{Finding, Outcome, Suppressed};
use crate::pack::RuleInfo;
use crate::pack::{RuleSet, SeveritySpec};
use crate::rules::Severity;
use serde_json::{Value, json};
use std::path::Path;

/// Where rule documentation is published (the repository's `docs/rules/`).
pub const DOCS_BASE: &str = "https://github.com/pim-lint/pim-lint/blob/main/docs/rules/";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// The strongest severity the rule set gives a rule, `None` when it is off.
fn default_level(set: &RuleSet, code: &str) -> Option<Severity> {
    set.entry(code).and_then(|e| match &e.severity {
        SeveritySpec::All(s) => Some(*s),
        SeveritySpec::PerTier(m) => m.values().max().copied(),
    })
}

/// First paragraph under "## What it does".
fn full_description(r: &RuleInfo<'_>) -> String {
    r.doc
        .split("## What it does")
        .nth(1)
        .and_then(|s| s.split("\n\n").find(|p| !p.trim().is_empty()))
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| r.summary.to_owned())
}

/// A rule as SARIF's `tool.driver.rules` lists it: built-in and pack-defined rules alike.
fn rule_descriptor(r: &RuleInfo<'_>, set: &RuleSet) -> Value {
    let lvl = match r.user {
        Some(u) => u.severity.max(),
        None => default_level(set, r.code),
    };
    let security_severity = match lvl {
        Some(Severity::Error) => "8.0",
        Some(Severity::Warning) => "5.0",
        _ => "2.0",
    };
    let control = match r.user {
        Some(u) => u.control.clone(),
        None => set.entry(r.code).and_then(|e| e.control.clone()),
    };
    let category = r.builtin.map_or("user-defined", |b| b.category.as_str());
    let mut tags = vec![json!("security"), json!(category)];
    if let Some(c) = &control {
        tags.push(json!(c));
    }
    let mut d = json!({
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": full_description(r)},
        "help": {"text": r.doc, "markdown": format!("# {} {}\n\n{}", r.code, r.name, r.doc)},
        "helpUri": format!("{DOCS_BASE}{}.md", r.code),
        "defaultConfiguration": {
            "enabled": lvl.is_some(),
            "level": lvl.map_or("none", level),
        },
        "properties": {"tags": tags, "precision": "very-high", "security-severity": security_severity},
    });
    // A pack's own rule has no page in this repository's docs.
    if r.user.is_some()
        && let Some(o) = d.as_object_mut()
    {
        o.remove("helpUri");
    }
    d
}

fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A repository-relative URI for a file name as the run shows it.
pub fn artifact_uri(name: &str, root: Option<&Path>) -> String {
    percent_encode(&super::repo_path(name, root))
}

/// One result; a suppressed finding carries a `suppressions` entry with the ignore's reason
/// (GitHub code scanning shows it as dismissed instead of dropping it).
fn result(
    out: &Outcome,
    set: &RuleSet,
    root: Option<&Path>,
    f: &Finding,
    suppressed: Option<&Suppressed>,
) -> Value {
    let name = out.files.get(f.file).map_or("", |s| s.name.as_str());
    let p = f.position;
    let text = match &f.subject {
        Some(s) => format!("{s}: {}", f.message),
        None => f.message.to_string(),
    };
    let role = f.role.as_ref();
    let mut properties = json!({
        "help": f.help,
        "pointer": f.pointer,
        "policyId": f.policy_id,
        "scope": f.scope,
        "role": role.map(|r| json!({"id": r.id, "name": r.name, "tier": r.tier.map(|t| t.as_str())})),
    });
    if let Some(c) = &f.control {
        properties["control"] = json!(c);
        properties["tags"] = json!([c]);
    }
    let mut r = json!({
        "ruleId": f.code,
        "ruleIndex": set.rules().position(|r| r.code == f.code),
        "level": level(f.severity),
        "message": {"text": format!("{text}\n\nHelp: {}", f.help)},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": artifact_uri(name, root)},
                "region": {
                    "startLine": p.line,
                    "startColumn": p.column,
                    "endLine": p.end_line,
                    "endColumn": p.end_column.max(if p.end_line == p.line { p.column + 1 } else { 1 }),
                }
            }
        }],
        "partialFingerprints": {"pimLintFinding/v1": f.fingerprint.hex()},
        "properties": properties,
    });
    if let Some(s) = suppressed {
        let mut suppression = json!({
            "kind": "external",
            "status": "accepted",
            "justification": s.reason,
        });
        if let Some(until) = &s.until {
            suppression["properties"] = json!({"until": until});
        }
        r["suppressions"] = json!([suppression]);
    }
    r
}

pub fn render(out: &Outcome, set: &RuleSet) -> String {
    let root = super::repo_root();
    let mut all: Vec<(&Finding, Option<&Suppressed>)> = out
        .findings
        .iter()
        .map(|f| (f, None))
        .chain(out.suppressed.iter().map(|s| (&s.finding, Some(s))))
        .collect();
    if !out.suppressed.is_empty() {
        // The report order (file, line, column, code), suppressed findings in their place.
        let name = |f: &Finding| out.files.get(f.file).map(|s| s.name.as_str());
        all.sort_by(|(a, _), (b, _)| {
            (name(a), a.position.line, a.position.column, &a.code).cmp(&(
                name(b),
                b.position.line,
                b.position.column,
                &b.code,
            ))
        });
    }
    let results: Vec<Value> = all
        .into_iter()
        .map(|(f, s)| result(out, set, root.as_deref(), f, s))
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "pim-lint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/pim-lint/pim-lint",
                "rules": set.rules().map(|r| rule_descriptor(&r, set)).collect::<Vec<_>>(),
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
