//! pim-lint's own desired-state YAML (`pim-lint: desired-state/v1`): role settings written by
//! people, by role name or id, with templates and per-role overrides. Schema:
//! `schemas/desired-state.schema.json`.
//!
//! ```yaml
//! pim-lint: desired-state/v1
//! templates:
//!   tier0: {activation: {max: PT2H, require: [mfa, justification], approval: {required: true}}}
//! roles:                       # Entra directory roles, by name or template id
//!   Global Administrator: {extends: tier0, activation: {max: PT1H}}
//! azure:                       # Azure resource roles, by scope, then role name or id
//!   /subscriptions/…: {Owner: {extends: tier0}}
//! groups:                      # PIM for Groups, by group id: member and owner
//!   <group id>: {member: {…}, owner: {…}}
//! ```
//!
//! A role's settings are its own keys over those of the templates it `extends` (nearest first;
//! a list replaces, a mapping merges key by key). Each value keeps the place it was written —
//! in the role or in a template — so a finding points at that line. A rule exists in the policy
//! when a key of its section is written: a role that leaves rules out is partial (they are left
//! as they are, not missing). [`write`] turns normalised policies back into this shape.

use super::read::{Field, Obj, child};
use super::{DialectInfo, Document, Reader};
use crate::model::{
    Approval, ApprovalStage, Approver, ApproverKind, Dialect, Loc, Notification, Policy,
    PolicyKind, PolicyRule, Problem, ProblemKind, Ptr, RoleRef, RuleId, Setting, Strings,
};
use std::collections::HashSet;

pub const DESIRED_STATE: Dialect = Dialect("desired-state");

/// The key that marks a desired-state document, and the version this reader reads.
pub const MARKER: &str = "pim-lint";
pub const VERSION: &str = "desired-state/v1";

/// The scope key of an Azure role or group written for no scope in particular.
pub const ANY_SCOPE: &str = "*";

pub struct DesiredState;

impl Reader for DesiredState {
    fn dialects(&self) -> &'static [DialectInfo] {
        &[DialectInfo {
            dialect: DESIRED_STATE,
            describe: "pim-lint desired-state YAML",
        }]
    }

    fn read(&self, file: usize, f: &Field<'_>, doc: &mut Document) -> bool {
        if !f.ptr.is_empty() {
            return false;
        }
        let Some(marker) = f.node.get(MARKER).and_then(|m| m.as_str()) else {
            return false;
        };
        if !marker.starts_with("desired-state/") {
            return false;
        }
        let mut r = Read {
            file,
            templates: f.field("templates"),
            problems: Vec::new(),
            seen: HashSet::new(),
        };
        if marker != VERSION
            && let Some(m) = f.field(MARKER)
        {
            r.problem(
                m.at(),
                format!("`{MARKER}: {marker}` is not a version this pim-lint reads: write `{MARKER}: {VERSION}`"),
            );
        }
        r.known_keys(f, TOP_KEYS, "the document");
        if let Some(t) = r.templates.clone() {
            for (_, tf) in r.members(&t, "templates") {
                r.check_settings(&tf);
            }
        }
        let mut policies = Vec::new();
        if let Some(roles) = f.field("roles") {
            for (key, entry) in r.members(&roles, "roles") {
                let role = role_ref(&key, &entry);
                if let Some(p) = r.policy(&entry, PolicyKind::DirectoryRole, Some("/".into()), role)
                {
                    policies.push(p);
                }
            }
        }
        if let Some(azure) = f.field("azure") {
            for (scope, roles) in r.members(&azure, "azure") {
                let scope = (scope != ANY_SCOPE).then_some(scope);
                for (key, entry) in r.members(&roles, "the roles of a scope") {
                    let role = role_ref(&key, &entry);
                    if let Some(p) =
                        r.policy(&entry, PolicyKind::AzureResource, scope.clone(), role)
                    {
                        policies.push(p);
                    }
                }
            }
        }
        if let Some(groups) = f.field("groups") {
            for (group, g) in r.members(&groups, "groups") {
                let scope = (group != ANY_SCOPE).then_some(group);
                r.known_keys(&g, &["member", "owner"], "a group");
                for which in ["member", "owner"] {
                    let Some(entry) = g.field(which) else {
                        continue;
                    };
                    let role = RoleRef {
                        id: Some(which.to_owned()),
                        ..RoleRef::default()
                    };
                    if let Some(p) = r.policy(&entry, PolicyKind::Group, scope.clone(), role) {
                        policies.push(p);
                    }
                }
            }
        }
        doc.policies.extend(policies);
        doc.link_problems.append(&mut r.problems);
        true
    }
}

const TOP_KEYS: &[&str] = &[MARKER, "templates", "roles", "azure", "groups"];
const ENTRY_KEYS: &[&str] = &["extends", "id", "name", "activation", "eligible", "active"];
const TEMPLATE_KEYS: &[&str] = &["extends", "activation", "eligible", "active"];
const ACTIVATION_KEYS: &[&str] = &[
    "max",
    "expires",
    "require",
    "authentication-context",
    "approval",
    "notify",
];
const ASSIGNMENT_KEYS: &[&str] = &["max", "expires", "require", "notify"];
const NOTIFY_KEYS: &[&str] = &["admin", "requestor", "approver"];
const NOTIFICATION_KEYS: &[&str] = &[
    "level",
    "default-recipients",
    "recipients",
    "type",
    "recipient-type",
];
const APPROVAL_KEYS: &[&str] = &[
    "required",
    "required-for-extension",
    "justification",
    "mode",
    "stages",
    "approvers",
    "approver-justification",
    "escalation",
];
const STAGE_KEYS: &[&str] = &["approvers", "approver-justification", "escalation"];
const ESCALATION_KEYS: &[&str] = &["enabled", "minutes", "approvers"];
const AUTH_CONTEXT_KEYS: &[&str] = &["enabled", "claim"];
const APPROVER_KEYS: &[&str] = &["user", "group", "other", "name", "backup"];

/// The short names `require:` takes for the enablement rules' values (any other value is
/// passed through as written).
pub const REQUIREMENTS: &[(&str, &str)] = &[
    ("mfa", "MultiFactorAuthentication"),
    ("justification", "Justification"),
    ("ticket", "Ticketing"),
];

/// How many templates a role may go through (`extends` of `extends`…).
const MAX_EXTENDS: usize = 16;

fn looks_like_guid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// The role an entry names: its key (an id when it is a GUID, else a name), or `id`/`name`.
fn role_ref(key: &str, entry: &Field<'_>) -> RoleRef {
    let text = |k: &str| {
        entry
            .field(k)
            .and_then(|f| f.node.as_str().map(str::to_owned))
    };
    let (mut id, mut name) = if looks_like_guid(key) {
        (Some(key.to_owned()), None)
    } else {
        (None, Some(key.to_owned()))
    };
    if let Some(i) = text("id") {
        id = Some(i);
    }
    if let Some(n) = text("name") {
        name = Some(n);
    }
    RoleRef {
        id,
        name,
        ..RoleRef::default()
    }
}

struct Read<'a> {
    file: usize,
    templates: Option<Field<'a>>,
    /// Problems of the document's shape (unknown keys, templates), each reported once.
    problems: Vec<Problem>,
    seen: HashSet<String>,
}

/// A role's settings: the role's own object first, then the templates it extends, nearest
/// first. A key is read from the first layer that has it.
#[derive(Clone)]
struct Layers<'a> {
    fields: Vec<Field<'a>>,
}

impl<'a> Layers<'a> {
    /// The mapping `key` of every layer that has one, or `None` when no layer has it.
    fn section(&self, key: &str) -> Option<Layers<'a>> {
        let fields: Vec<Field<'a>> = self
            .fields
            .iter()
            .filter_map(|f| f.field(key))
            .filter(|f| f.node.as_object().is_some())
            .collect();
        (!fields.is_empty()).then_some(Layers { fields })
    }

    /// The first layer that has `key`, for a typed read.
    fn leaf(&self, key: &str) -> Option<Obj<'a>> {
        self.fields
            .iter()
            .find(|f| f.field(key).is_some())
            .map(|f| Obj::new(f.clone()))
    }

    fn has(&self, key: &str) -> bool {
        self.fields.iter().any(|f| f.field(key).is_some())
    }

    fn at(&self) -> Ptr {
        self.fields.first().map(Field::at).unwrap_or_default()
    }

    fn bool(&self, key: &str, problems: &mut Vec<Problem>) -> Option<Loc<bool>> {
        self.leaf(key)?.bool(key, problems)
    }

    fn string(&self, key: &str, problems: &mut Vec<Problem>) -> Option<Loc<String>> {
        self.leaf(key)?.string(key, problems)
    }
}

impl<'a> Read<'a> {
    fn problem(&mut self, at: Ptr, message: String) {
        if self.seen.insert(at.path.clone()) {
            self.problems.push(Problem::new(at, message));
        }
    }

    /// The members of a mapping, with a problem when it is something else. A key written twice
    /// (PIM003 reports it, and says so) is read once, from its last entry, as every other read
    /// of the document takes it.
    fn members(&mut self, f: &Field<'a>, what: &str) -> Vec<(String, Field<'a>)> {
        match f.node.as_object() {
            Some(members) => {
                let mut keys = HashSet::new();
                let mut last: Vec<(String, Field<'a>)> = members
                    .iter()
                    .rev()
                    .filter(|m| keys.insert(&*m.key))
                    .map(|m| {
                        (
                            m.key.to_string(),
                            Field {
                                node: &m.value,
                                ptr: child(&f.ptr, &m.key),
                                span: super::read::report_span(&m.value, Some(&m.key_span)),
                            },
                        )
                    })
                    .collect();
                last.reverse();
                last
            }
            None if f.node.is_null() => Vec::new(),
            None => {
                self.problem(
                    f.at(),
                    format!(
                        "{what} must be a mapping, found {}",
                        f.node.value.type_name()
                    ),
                );
                Vec::new()
            }
        }
    }

    /// A problem for each key of `f` that is not one of `known`.
    fn known_keys(&mut self, f: &Field<'a>, known: &[&str], what: &str) {
        let Some(members) = f.node.as_object() else {
            return;
        };
        for m in members {
            if !known.contains(&m.key.as_ref()) {
                let at = Ptr::new(child(&f.ptr, &m.key), m.key_span.clone());
                self.problem(
                    at,
                    format!(
                        "`{}` is not a key of {what}: it is not read (keys: {})",
                        m.key,
                        known.join(", ")
                    ),
                );
            }
        }
    }

    /// Checks the keys of a role's or a template's settings, where they are written.
    fn check_settings(&mut self, f: &Field<'a>) {
        let keys = if f.ptr.starts_with("/templates/") {
            TEMPLATE_KEYS
        } else {
            ENTRY_KEYS
        };
        if f.node.as_object().is_none() {
            self.problem(
                f.at(),
                format!(
                    "a role's settings must be a mapping, found {}",
                    f.node.value.type_name()
                ),
            );
            return;
        }
        self.known_keys(f, keys, "a role's settings");
        for (section, known) in [
            ("activation", ACTIVATION_KEYS),
            ("eligible", ASSIGNMENT_KEYS),
            ("active", ASSIGNMENT_KEYS),
        ] {
            let Some(s) = f.field(section) else { continue };
            if s.node.as_object().is_none() {
                self.problem(
                    s.at(),
                    format!(
                        "`{section}` must be a mapping, found {}",
                        s.node.value.type_name()
                    ),
                );
                continue;
            }
            self.known_keys(&s, known, &format!("`{section}`"));
            if let Some(n) = s.field("notify") {
                self.known_keys(&n, NOTIFY_KEYS, "`notify`");
                for who in NOTIFY_KEYS {
                    if let Some(w) = n.field(who) {
                        self.known_keys(&w, NOTIFICATION_KEYS, &format!("`notify.{who}`"));
                    }
                }
            }
            if let Some(c) = s.field("authentication-context") {
                self.known_keys(&c, AUTH_CONTEXT_KEYS, "`authentication-context`");
            }
            if let Some(a) = s.field("approval") {
                self.known_keys(&a, APPROVAL_KEYS, "`approval`");
                self.check_stage(&a);
                if let Some(stages) = a.field("stages") {
                    for st in stages.items() {
                        self.known_keys(&st, STAGE_KEYS, "an approval stage");
                        self.check_stage(&st);
                    }
                }
            }
        }
    }

    fn check_stage(&mut self, st: &Field<'a>) {
        if let Some(e) = st.field("escalation") {
            self.known_keys(&e, ESCALATION_KEYS, "`escalation`");
            self.check_approvers(&e);
        }
        self.check_approvers(st);
    }

    fn check_approvers(&mut self, f: &Field<'a>) {
        if let Some(list) = f.field("approvers") {
            for a in list.items() {
                self.known_keys(&a, APPROVER_KEYS, "an approver");
            }
        }
    }

    /// The role's object and the templates it extends, nearest first.
    fn layers(&mut self, entry: &Field<'a>) -> Layers<'a> {
        let mut fields = vec![entry.clone()];
        let mut visited: Vec<String> = Vec::new();
        self.extend(entry, &mut fields, &mut visited);
        Layers { fields }
    }

    fn extend(&mut self, f: &Field<'a>, out: &mut Vec<Field<'a>>, visited: &mut Vec<String>) {
        let Some(ext) = f.field("extends") else {
            return;
        };
        let names: Vec<Field<'a>> = if ext.node.as_array().is_some() {
            ext.items()
        } else {
            vec![ext.clone()]
        };
        for n in names {
            let Some(name) = n.node.as_str().map(str::to_owned) else {
                self.problem(
                    n.at(),
                    format!(
                        "`extends` names templates: a name or a list of names, found {}",
                        n.node.value.type_name()
                    ),
                );
                continue;
            };
            let template = self
                .templates
                .as_ref()
                .and_then(|t| t.node.member(&name).map(|m| (t, m)))
                .map(|(t, m)| Field {
                    node: &m.value,
                    ptr: child(&t.ptr, &m.key),
                    span: super::read::report_span(&m.value, Some(&m.key_span)),
                });
            let Some(template) = template else {
                let known: Vec<String> = self
                    .templates
                    .as_ref()
                    .and_then(|t| t.node.as_object())
                    .map(|m| m.iter().map(|m| format!("`{}`", m.key)).collect())
                    .unwrap_or_default();
                let known = if known.is_empty() {
                    "the document has no `templates`".to_owned()
                } else {
                    format!("templates: {}", known.join(", "))
                };
                self.problem(
                    n.at(),
                    format!("`extends` names `{name}`, which is no template ({known}): its settings are not read"),
                );
                continue;
            };
            if visited.contains(&name) || visited.len() >= MAX_EXTENDS {
                self.problem(
                    n.at(),
                    format!("template `{name}` extends itself, through `extends`: it is read once"),
                );
                continue;
            }
            if template.node.as_object().is_none() {
                continue;
            }
            visited.push(name);
            out.push(template.clone());
            self.extend(&template, out, visited);
        }
    }

    /// One policy from a role's entry, or `None` when the entry is not a mapping.
    fn policy(
        &mut self,
        entry: &Field<'a>,
        kind: PolicyKind,
        scope: Option<String>,
        role: RoleRef,
    ) -> Option<Policy> {
        self.check_settings(entry);
        entry.node.as_object()?;
        let layers = self.layers(entry);
        let mut problems = Vec::new();
        let mut rules = Vec::new();
        if let Some(a) = layers.section("activation") {
            expiration(
                &a,
                RuleId::ExpirationEndUserAssignment,
                &mut rules,
                &mut problems,
            );
            enablement(
                &a,
                RuleId::EnablementEndUserAssignment,
                &mut rules,
                &mut problems,
            );
            auth_context(&a, &mut rules, &mut problems);
            if let Some(ap) = a.section("approval") {
                rules.push(rule(
                    RuleId::ApprovalEndUserAssignment,
                    ap.at(),
                    Setting::Approval(approval(&ap, &mut problems)),
                ));
            }
            notifications(
                &a,
                [
                    RuleId::NotificationAdminEndUserAssignment,
                    RuleId::NotificationRequestorEndUserAssignment,
                    RuleId::NotificationApproverEndUserAssignment,
                ],
                &mut rules,
                &mut problems,
            );
        }
        if let Some(e) = layers.section("eligible") {
            expiration(
                &e,
                RuleId::ExpirationAdminEligibility,
                &mut rules,
                &mut problems,
            );
            enablement(
                &e,
                RuleId::EnablementAdminEligibility,
                &mut rules,
                &mut problems,
            );
            notifications(
                &e,
                [
                    RuleId::NotificationAdminAdminEligibility,
                    RuleId::NotificationRequestorAdminEligibility,
                    RuleId::NotificationApproverAdminEligibility,
                ],
                &mut rules,
                &mut problems,
            );
        }
        if let Some(e) = layers.section("active") {
            expiration(
                &e,
                RuleId::ExpirationAdminAssignment,
                &mut rules,
                &mut problems,
            );
            enablement(
                &e,
                RuleId::EnablementAdminAssignment,
                &mut rules,
                &mut problems,
            );
            notifications(
                &e,
                [
                    RuleId::NotificationAdminAdminAssignment,
                    RuleId::NotificationRequestorAdminAssignment,
                    RuleId::NotificationApproverAdminAssignment,
                ],
                &mut rules,
                &mut problems,
            );
        }
        // Wrong types in templates are met once per role that reads them: reported once.
        problems.retain(|p| self.seen.insert(p.pointer.path.clone()));
        let partial = RuleId::STANDARD
            .iter()
            .any(|id| !rules.iter().any(|r: &PolicyRule| r.known == Some(*id)));
        Some(Policy {
            file: self.file,
            pointer: entry.at(),
            dialect: DESIRED_STATE,
            kind,
            id: None,
            display_name: None,
            scope,
            role: Some(role),
            rules_pointer: entry.at(),
            rules_expanded: true,
            partial,
            last_modified: None,
            rules,
            problems,
            assignments: None,
            holders: None,
            unknown: Vec::new(),
        })
    }
}

fn rule(id: RuleId, at: Ptr, setting: Setting) -> PolicyRule {
    super::authored::rule(id, &at, setting)
}

fn expiration(l: &Layers<'_>, id: RuleId, rules: &mut Vec<PolicyRule>, pr: &mut Vec<Problem>) {
    if !l.has("max") && !l.has("expires") {
        return;
    }
    let setting = Setting::Expiration {
        is_expiration_required: l.bool("expires", pr),
        maximum_duration: l.string("max", pr),
    };
    rules.push(rule(id, l.at(), setting));
}

fn enablement(l: &Layers<'_>, id: RuleId, rules: &mut Vec<PolicyRule>, pr: &mut Vec<Problem>) {
    let Some(obj) = l.leaf("require") else {
        return;
    };
    let enabled_rules = obj.strings("require", pr).map(|s| Strings {
        value: s
            .value
            .into_iter()
            .map(|v| {
                REQUIREMENTS
                    .iter()
                    .find(|(short, _)| short.eq_ignore_ascii_case(&v))
                    .map_or(v, |(_, graph)| (*graph).to_owned())
            })
            .collect(),
        ..s
    });
    let at = obj.get("require").map_or_else(|| l.at(), Field::into_at);
    rules.push(rule(id, at, Setting::Enablement { enabled_rules }));
}

fn auth_context(l: &Layers<'_>, rules: &mut Vec<PolicyRule>, pr: &mut Vec<Problem>) {
    const KEY: &str = "authentication-context";
    let Some(obj) = l.leaf(KEY) else { return };
    let Some(f) = obj.get(KEY) else { return };
    let setting = match &f.node.value {
        // `authentication-context: c1`: required, with that claim.
        crate::source::Value::String(s) => Setting::AuthenticationContext {
            is_enabled: Some(Loc::new(true, f.at())),
            claim_value: Some(Loc::new(Some(s.to_string()), f.at())),
        },
        crate::source::Value::Object(_) => {
            let c = Layers {
                fields: l.section(KEY).map(|s| s.fields).unwrap_or_default(),
            };
            Setting::AuthenticationContext {
                is_enabled: c.bool("enabled", pr),
                claim_value: c.leaf("claim").and_then(|o| match o.get("claim") {
                    Some(v) if v.node.is_null() => Some(Loc::new(None, v.into_at())),
                    _ => o
                        .string("claim", pr)
                        .map(|s| Loc::new(Some(s.value), s.pointer)),
                }),
            }
        }
        crate::source::Value::Null => return,
        other => {
            pr.push(Problem::new(
                f.at(),
                format!(
                    "`{KEY}` must be a claim (c1…c99) or a mapping {{enabled, claim}}, found {}",
                    other.type_name()
                ),
            ));
            return;
        }
    };
    rules.push(rule(
        RuleId::AuthenticationContextEndUserAssignment,
        f.into_at(),
        setting,
    ));
}

fn notifications(
    l: &Layers<'_>,
    ids: [RuleId; 3],
    rules: &mut Vec<PolicyRule>,
    pr: &mut Vec<Problem>,
) {
    let Some(n) = l.section("notify") else { return };
    for (who, id) in NOTIFY_KEYS.iter().zip(ids) {
        let Some(w) = n.section(who) else { continue };
        let recipients = w
            .leaf("recipients")
            .and_then(|o| o.strings("recipients", pr));
        let implied = match *who {
            "admin" => "Admin",
            "requestor" => "Requestor",
            _ => "Approver",
        };
        let notification = Notification {
            notification_type: w
                .string("type", pr)
                .or_else(|| Some(Loc::new("Email".to_owned(), w.at()))),
            recipient_type: w
                .string("recipient-type", pr)
                .or_else(|| Some(Loc::new(implied.to_owned(), w.at()))),
            notification_level: w.string("level", pr),
            is_default_recipients_enabled: w.bool("default-recipients", pr),
            notification_recipients: recipients,
        };
        rules.push(rule(id, w.at(), Setting::Notification(notification)));
    }
}

fn approval(l: &Layers<'_>, pr: &mut Vec<Problem>) -> Approval {
    let stages = match l.leaf("stages") {
        Some(obj) => obj.objects("stages", pr).map(|(at, items)| {
            Loc::new(
                items
                    .into_iter()
                    .map(|st| stage(&Layers { fields: vec![st] }, pr))
                    .collect(),
                at,
            )
        }),
        None if STAGE_KEYS.iter().any(|k| l.has(k)) => {
            // The stage keys written in `approval` itself: one stage.
            Some(Loc::new(vec![stage(l, pr)], l.at()))
        }
        None => None,
    };
    Approval {
        setting_pointer: l.at(),
        is_approval_required: l.bool("required", pr),
        is_approval_required_for_extension: l.bool("required-for-extension", pr),
        is_requestor_justification_required: l.bool("justification", pr),
        approval_mode: l.string("mode", pr),
        stages,
    }
}

fn stage(l: &Layers<'_>, pr: &mut Vec<Problem>) -> ApprovalStage {
    let esc = l.section("escalation");
    let empty = |at: Ptr| Loc::new(Vec::new(), at);
    ApprovalStage {
        pointer: l.at(),
        is_approver_justification_required: l.bool("approver-justification", pr),
        is_escalation_enabled: esc.as_ref().and_then(|e| e.bool("enabled", pr)),
        escalation_time_in_minutes: esc
            .as_ref()
            .and_then(|e| e.leaf("minutes"))
            .and_then(|o| o.whole_number("minutes", pr)),
        primary_approvers: approvers(l, pr).unwrap_or_else(|| empty(l.at())),
        escalation_approvers: esc
            .as_ref()
            .and_then(|e| approvers(e, pr))
            .unwrap_or_else(|| empty(l.at())),
    }
}

/// `approvers: [{user: <id>}, {group: <id>, name: …}, {other: null, backup: true}]`. An entry
/// that names nobody is reported and left out, as in every dialect.
fn approvers(l: &Layers<'_>, pr: &mut Vec<Problem>) -> Option<Loc<Vec<Approver>>> {
    let obj = l.leaf("approvers")?;
    let (at, items) = obj.objects("approvers", pr)?;
    let list = items
        .into_iter()
        .filter_map(|a| {
            let o = Obj::new(a.clone());
            let (kind, key) = [
                (ApproverKind::User, "user"),
                (ApproverKind::Group, "group"),
                (ApproverKind::Other, "other"),
            ]
            .into_iter()
            .find(|(_, k)| o.get(k).is_some())?;
            let id = o
                .str(key)
                .filter(|s| !s.trim().is_empty());
            let id_less = kind == ApproverKind::Other && o.get(key).is_some_and(|f| f.node.is_null());
            if id.is_none() && !id_less {
                pr.push(Problem::of(
                    ProblemKind::BlankApprover,
                    a.at(),
                    format!("An approver names nobody (its `{key}` is not an id): it is not counted as an approver"),
                ));
                return None;
            }
            Some(Approver {
                pointer: a.at(),
                kind,
                id,
                description: o.str("name"),
                is_backup: o
                    .value("backup")
                    .and_then(|b| b.node.as_bool())
                    .unwrap_or(false),
            })
        })
        .collect();
    Some(Loc::new(list, at))
}

mod write;
pub use write::{SCHEMA_LINE, Written, write};
