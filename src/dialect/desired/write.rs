//! Normalised policies → desired-state YAML: what `pim-lint convert` writes. Every setting the
//! rules read is written (reading the file back gives the same rules), by role name when the
//! policy's role has one.

use super::{ANY_SCOPE, MARKER, REQUIREMENTS, VERSION};
use crate::model::{
    Approval, ApprovalStage, Approver, ApproverKind, Loc, Notification, Policy, PolicyKind, RuleId,
    Strings,
};
use std::collections::BTreeMap;

/// The line that lets editors (the YAML language server) complete and check the file.
pub const SCHEMA_LINE: &str = "# yaml-language-server: $schema=https://raw.githubusercontent.com/pim-lint/pim-lint/main/schemas/desired-state.schema.json";

/// What [`write`] produced: the document, which policies it holds (their indices) and, for
/// each policy or setting it could not write, why.
#[derive(Debug, Default)]
pub struct Written {
    pub text: String,
    pub written: Vec<usize>,
    pub notes: Vec<String>,
}

/// A YAML value to emit.
enum Y {
    Map(Vec<(String, Y)>),
    List(Vec<Y>),
    Str(String),
    Bool(bool),
    Num(f64),
    Null,
}

fn s(v: &str) -> Y {
    Y::Str(v.to_owned())
}

/// Writes `policies` as one desired-state document. A policy without a role, a second policy
/// for a role already written (at the same scope), or a record of assignments without settings
/// (an EasyPIM, Terraform or Bicep assignment) is left out with a note.
pub fn write(policies: &[Policy]) -> Written {
    let mut out = Written::default();
    let mut roles: BTreeMap<String, Y> = BTreeMap::new();
    let mut azure: BTreeMap<String, BTreeMap<String, Y>> = BTreeMap::new();
    let mut groups: BTreeMap<String, BTreeMap<String, Y>> = BTreeMap::new();
    for (i, p) in policies.iter().enumerate() {
        let subject = crate::model::Policy::role_label(p);
        if p.assignments.is_some() && p.rules.is_empty() && !p.rules_expanded {
            out.notes.push(format!(
                "{subject}: assignments, no role settings: not written (desired state holds settings)"
            ));
            continue;
        }
        let Some(role) = &p.role else {
            out.notes.push(format!(
                "{}: no role is known for this policy (a bare policy or a change without its role): not written",
                p.id.as_deref().unwrap_or("a policy")
            ));
            continue;
        };
        let scope = p.scope.clone().unwrap_or_else(|| ANY_SCOPE.to_owned());
        let (map, key, id_field) = match p.kind {
            PolicyKind::Group => {
                let which = role.id.as_deref().unwrap_or_default().to_ascii_lowercase();
                if which != "member" && which != "owner" {
                    out.notes.push(format!("{subject}: a group policy for neither membership nor ownership: not written"));
                    continue;
                }
                (groups.entry(scope).or_default(), which, None)
            }
            PolicyKind::AzureResource => {
                let (key, id) = role_key(role);
                (azure.entry(scope).or_default(), key, id)
            }
            PolicyKind::DirectoryRole | PolicyKind::Unknown => {
                let (key, id) = role_key(role);
                (&mut roles, key, id)
            }
        };
        if map.contains_key(&key) {
            out.notes.push(format!(
                "{subject}: a second policy for this role{}: only the first is written",
                match p.kind {
                    PolicyKind::DirectoryRole | PolicyKind::Unknown => String::new(),
                    _ => format!(" at {}", p.scope.as_deref().unwrap_or(ANY_SCOPE)),
                }
            ));
            continue;
        }
        let mut entry = Vec::new();
        if let Some(id) = id_field {
            entry.push(("id".to_owned(), s(&id)));
        }
        entry.extend(settings(p, &subject, &mut out.notes));
        map.insert(key, Y::Map(entry));
        out.written.push(i);
    }
    let mut top = vec![(MARKER.to_owned(), s(VERSION))];
    let nested = |m: BTreeMap<String, BTreeMap<String, Y>>| {
        Y::Map(
            m.into_iter()
                .map(|(k, v)| (k, Y::Map(v.into_iter().collect())))
                .collect(),
        )
    };
    if !roles.is_empty() {
        top.push(("roles".into(), Y::Map(roles.into_iter().collect())));
    }
    if !azure.is_empty() {
        top.push(("azure".into(), nested(azure)));
    }
    if !groups.is_empty() {
        top.push(("groups".into(), nested(groups)));
    }
    out.text = format!("{SCHEMA_LINE}\n");
    emit_map(&top, 0, &mut out.text);
    out
}

/// The key a role is written under (its name, else its id) and the id to write beside a name.
fn role_key(role: &crate::model::RoleRef) -> (String, Option<String>) {
    match (&role.name, &role.id) {
        (Some(n), Some(id)) if n != id => (n.clone(), Some(id.clone())),
        (Some(n), _) => (n.clone(), None),
        (None, Some(id)) => (id.clone(), None),
        (None, None) => ("unknown role".into(), None),
    }
}

fn settings(p: &Policy, subject: &str, notes: &mut Vec<String>) -> Vec<(String, Y)> {
    let mut seen = Vec::new();
    for r in &p.rules {
        match r.known {
            Some(k) if RuleId::STANDARD.contains(&k) => {
                if seen.contains(&k) {
                    notes.push(format!(
                        "{subject}: rule {} is repeated: only the first is written",
                        k.as_str()
                    ));
                }
                seen.push(k);
            }
            _ => notes.push(format!(
                "{subject}: rule `{}` is not one of the 17 standard rules: not written",
                r.id.value
            )),
        }
    }
    let mut out = Vec::new();
    let sections = [
        (
            "activation",
            RuleId::ExpirationEndUserAssignment,
            RuleId::EnablementEndUserAssignment,
            [
                RuleId::NotificationAdminEndUserAssignment,
                RuleId::NotificationRequestorEndUserAssignment,
                RuleId::NotificationApproverEndUserAssignment,
            ],
        ),
        (
            "eligible",
            RuleId::ExpirationAdminEligibility,
            RuleId::EnablementAdminEligibility,
            [
                RuleId::NotificationAdminAdminEligibility,
                RuleId::NotificationRequestorAdminEligibility,
                RuleId::NotificationApproverAdminEligibility,
            ],
        ),
        (
            "active",
            RuleId::ExpirationAdminAssignment,
            RuleId::EnablementAdminAssignment,
            [
                RuleId::NotificationAdminAdminAssignment,
                RuleId::NotificationRequestorAdminAssignment,
                RuleId::NotificationApproverAdminAssignment,
            ],
        ),
    ];
    for (name, exp, ena, notify) in sections {
        let mut sec = Vec::new();
        if let Some((_, required, max)) = p.expiration(exp) {
            if max.is_none() && required.is_none() {
                notes.push(format!(
                    "{subject}: rule {} sets nothing: not written",
                    exp.as_str()
                ));
            }
            if let Some(m) = max {
                sec.push(("max".into(), s(&m.value)));
            }
            if let Some(e) = required {
                sec.push(("expires".into(), Y::Bool(e.value)));
            }
        }
        if let Some((_, list)) = p.enabled_rules(ena) {
            sec.push(("require".into(), list.map_or(Y::Null, requirements)));
        }
        if name == "activation" {
            if let Some((_, enabled, claim)) = p.auth_context() {
                let mut c = Vec::new();
                if let Some(e) = enabled {
                    c.push(("enabled".into(), Y::Bool(e.value)));
                }
                if let Some(v) = claim {
                    c.push(("claim".into(), v.value.as_deref().map_or(Y::Null, s)));
                }
                sec.push(("authentication-context".into(), Y::Map(c)));
            }
            if let Some((_, a)) = p.approval() {
                sec.push(("approval".into(), approval(a)));
            }
        }
        let mut n = Vec::new();
        for (who, id) in ["admin", "requestor", "approver"].into_iter().zip(notify) {
            if let Some((_, x)) = p.notification(id) {
                n.push((who.to_owned(), notification(x, who)));
            }
        }
        if !n.is_empty() {
            sec.push(("notify".into(), Y::Map(n)));
        }
        if !sec.is_empty() {
            out.push((name.to_owned(), Y::Map(sec)));
        }
    }
    out
}

fn requirements(list: &Strings) -> Y {
    Y::List(
        list.value
            .iter()
            .map(|v| {
                let short = REQUIREMENTS
                    .iter()
                    .find(|(_, graph)| graph.eq_ignore_ascii_case(v))
                    .map_or(v.as_str(), |(short, _)| short);
                s(short)
            })
            .collect(),
    )
}

fn bool_of(out: &mut Vec<(String, Y)>, key: &str, v: Option<&Loc<bool>>) {
    if let Some(v) = v {
        out.push((key.to_owned(), Y::Bool(v.value)));
    }
}

fn approval(a: &Approval) -> Y {
    let mut m = Vec::new();
    bool_of(&mut m, "required", a.is_approval_required.as_ref());
    bool_of(
        &mut m,
        "required-for-extension",
        a.is_approval_required_for_extension.as_ref(),
    );
    bool_of(
        &mut m,
        "justification",
        a.is_requestor_justification_required.as_ref(),
    );
    if let Some(mode) = &a.approval_mode {
        m.push(("mode".into(), s(&mode.value)));
    }
    match &a.stages {
        Some(st) if st.value.len() == 1 => {
            if let Some(one) = st.value.first() {
                m.extend(stage(one));
            }
        }
        Some(st) => m.push((
            "stages".into(),
            Y::List(st.value.iter().map(|x| Y::Map(stage(x))).collect()),
        )),
        None => {}
    }
    Y::Map(m)
}

fn stage(st: &ApprovalStage) -> Vec<(String, Y)> {
    let mut m = vec![(
        "approvers".to_owned(),
        approvers(&st.primary_approvers.value),
    )];
    bool_of(
        &mut m,
        "approver-justification",
        st.is_approver_justification_required.as_ref(),
    );
    let mut e = Vec::new();
    bool_of(&mut e, "enabled", st.is_escalation_enabled.as_ref());
    if let Some(min) = &st.escalation_time_in_minutes {
        e.push(("minutes".into(), Y::Num(min.value)));
    }
    if !st.escalation_approvers.value.is_empty() {
        e.push((
            "approvers".into(),
            approvers(&st.escalation_approvers.value),
        ));
    }
    if !e.is_empty() {
        m.push(("escalation".into(), Y::Map(e)));
    }
    m
}

fn approvers(list: &[Approver]) -> Y {
    Y::List(
        list.iter()
            .map(|a| {
                let key = match a.kind {
                    ApproverKind::User => "user",
                    ApproverKind::Group => "group",
                    ApproverKind::Other => "other",
                };
                let mut m = vec![(key.to_owned(), a.id.as_deref().map_or(Y::Null, s))];
                if let Some(d) = &a.description {
                    m.push(("name".into(), s(d)));
                }
                if a.is_backup {
                    m.push(("backup".into(), Y::Bool(true)));
                }
                Y::Map(m)
            })
            .collect(),
    )
}

fn notification(n: &Notification, who: &str) -> Y {
    let mut m = Vec::new();
    if let Some(l) = &n.notification_level {
        m.push(("level".into(), s(&l.value)));
    }
    bool_of(
        &mut m,
        "default-recipients",
        n.is_default_recipients_enabled.as_ref(),
    );
    if let Some(r) = &n.notification_recipients {
        m.push((
            "recipients".into(),
            Y::List(r.value.iter().map(|x| s(x)).collect()),
        ));
    }
    // The reader fills in `Email` and the recipient its key names: written only when different.
    if let Some(t) = n.notification_type.as_ref().filter(|t| t.value != "Email") {
        m.push(("type".into(), s(&t.value)));
    }
    let implied = match who {
        "admin" => "Admin",
        "requestor" => "Requestor",
        _ => "Approver",
    };
    if let Some(t) = n.recipient_type.as_ref().filter(|t| t.value != implied) {
        m.push(("recipient-type".into(), s(&t.value)));
    }
    Y::Map(m)
}

/// A scalar as YAML writes it: plain when it reads back as the same string, else double quoted.
fn scalar(v: &Y) -> String {
    match v {
        Y::Str(t) => quote(t),
        Y::Bool(b) => b.to_string(),
        Y::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Y::Num(n) => n.to_string(),
        Y::Null => "null".into(),
        Y::Map(m) if m.is_empty() => "{}".into(),
        Y::List(l) if l.is_empty() => "[]".into(),
        Y::Map(_) | Y::List(_) => String::new(),
    }
}

fn quote(t: &str) -> String {
    let plain = !t.is_empty()
        && t.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '/')
        && !t.ends_with(' ')
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || " ._-@/()".contains(c))
        && !t.contains("  ")
        && t.parse::<f64>().is_err()
        && !["true", "false", "null", "yes", "no", "on", "off", "y", "n"]
            .iter()
            .any(|w| w.eq_ignore_ascii_case(t))
        && !t.to_ascii_lowercase().starts_with("0x")
        && !t.to_ascii_lowercase().starts_with("0o");
    if plain {
        t.to_owned()
    } else {
        serde_json::to_string(t).unwrap_or_else(|_| "\"\"".into())
    }
}

fn simple(v: &Y) -> bool {
    match v {
        Y::Map(m) => m.is_empty(),
        Y::List(l) => l.is_empty(),
        _ => true,
    }
}

fn emit_map(m: &[(String, Y)], indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for (k, v) in m {
        out.push_str(&pad);
        out.push_str(&quote(k));
        out.push(':');
        emit_value(v, indent, out);
    }
}

/// A value after `key:` (or `-`): on the same line when it is a scalar or a list of scalars.
fn emit_value(v: &Y, indent: usize, out: &mut String) {
    match v {
        _ if simple(v) => {
            out.push(' ');
            out.push_str(&scalar(v));
            out.push('\n');
        }
        Y::List(items) if items.iter().all(simple) => {
            let parts: Vec<String> = items.iter().map(scalar).collect();
            out.push_str(&format!(" [{}]\n", parts.join(", ")));
        }
        Y::Map(m) => {
            out.push('\n');
            emit_map(m, indent + 2, out);
        }
        Y::List(items) => {
            out.push('\n');
            let pad = " ".repeat(indent + 2);
            for item in items {
                match item {
                    Y::Map(m) if !m.is_empty() => {
                        // `- first: …` then the other keys under it.
                        let mut first = true;
                        for (k, v) in m {
                            if first {
                                out.push_str(&format!("{pad}- {}:", quote(k)));
                                first = false;
                            } else {
                                out.push_str(&format!("{pad}  {}:", quote(k)));
                            }
                            emit_value(v, indent + 4, out);
                        }
                    }
                    other => {
                        out.push_str(&format!("{pad}-"));
                        emit_value(other, indent + 2, out);
                    }
                }
            }
        }
        _ => out.push('\n'),
    }
}
