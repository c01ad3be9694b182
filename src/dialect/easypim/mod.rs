//! EasyPIM orchestrator configs (`Invoke-EasyPIMOrchestrator -ConfigFilePath`): JSON, often with
//! `//` and `/* */` comments (the engine blanks them, see `source::jsonc`), holding assignments
//! and role policies for Entra roles, Azure roles and PIM for Groups.
//!
//! Policies are read as EasyPIM's orchestrator resolves them:
//! - sections `EntraRolePolicies` or `EntraRoles.Policies`, `AzureRolePolicies` or
//!   `AzureRoles.Policies`, `GroupPolicies`, `Groups.Policies` or `GroupRoles.Policies`; each an
//!   array of entries (`RoleName`, `Scope`, `GroupId`/`GroupName`) or an object keyed by role
//!   (Azure: with its `Scope`) or by group (then `Member`/`Owner`);
//! - an entry names a `Template` (or `PolicyTemplate`) of `PolicyTemplates`, and its other
//!   fields override the template's; or it carries an inline `Policy` (or, with
//!   `PolicySource: inline`, its own fields);
//! - `MaximumEligibilityDuration` without `AllowPermanentEligibility` means permanent
//!   eligibility is not allowed (likewise for active assignments); zero durations are skipped;
//! - nested `Notifications.{Eligibility,Active,Activation}.{Alert,Assignee,Approvers}` override
//!   the flat `Notification_*` fields; `isDefaultRecipientEnabled` is cast with PowerShell's
//!   `[bool]`, so the string "false" is true.
//!
//! Each policy is partial: what it does not set stays as the tenant has it. Values point where
//! they are written (a template's value at the template). Assignments are read as assignment
//! data ([`assignments`]).

mod assignments;

use super::authored::{self, requirement_name};
use super::read::Field;
use super::{DialectInfo, Document, Reader};
use crate::model::{
    ApproverKind, Dialect, Loc, Policy, PolicyKind, Problem, ProblemKind, Ptr, RoleRef, RuleId,
    Strings,
};
use crate::source::Value;

pub const EASYPIM: Dialect = Dialect("easypim");

/// Top-level sections of an EasyPIM config (policies, assignments, protected users).
const SECTIONS: &[&str] = &[
    "PolicyTemplates",
    "EntraRolePolicies",
    "AzureRolePolicies",
    "GroupPolicies",
    "EntraRoles",
    "AzureRoles",
    "GroupRoles",
    "Groups",
    "EntraIDRoles",
    "EntraIDRolesActive",
    "AzureRolesActive",
    "GroupRolesActive",
    "ProtectedUsers",
];

pub struct EasyPim;

impl Reader for EasyPim {
    fn dialects(&self) -> &'static [DialectInfo] {
        &[DialectInfo {
            dialect: EASYPIM,
            describe: "EasyPIM orchestrator config",
        }]
    }

    fn read(&self, file: usize, f: &Field<'_>, doc: &mut Document) -> bool {
        if !f.ptr.is_empty() || !is_config(f) {
            return false;
        }
        let cfg = Config {
            file,
            templates: f.field("PolicyTemplates"),
        };
        let before = doc.policies.len();
        for (section, nested, kind) in [
            ("EntraRolePolicies", None, PolicyKind::DirectoryRole),
            ("EntraRoles", Some("Policies"), PolicyKind::DirectoryRole),
            ("AzureRolePolicies", None, PolicyKind::AzureResource),
            ("AzureRoles", Some("Policies"), PolicyKind::AzureResource),
            ("GroupPolicies", None, PolicyKind::Group),
            ("Groups", Some("Policies"), PolicyKind::Group),
            ("GroupRoles", Some("Policies"), PolicyKind::Group),
        ] {
            let node = f.field(section).and_then(|s| match nested {
                Some(n) => s.field(n),
                None => Some(s),
            });
            if let Some(node) = node {
                cfg.section(&node, kind, &mut doc.policies);
            }
        }
        assignments::read(file, f, &mut doc.policies);
        doc.known_format |= doc.policies.len() == before;
        true
    }
}

/// Whether a parsed document is an EasyPIM config (the engine then accepts its comments).
pub fn is_config_root(root: &crate::source::Node<'_>) -> bool {
    is_config(&Field::root(root, String::new()))
}

/// The root of an EasyPIM config: an object with one of its sections (and not a Graph or ARM
/// document, which would have `rules` or `properties`).
fn is_config(f: &Field<'_>) -> bool {
    let Some(members) = f.node.as_object() else {
        return false;
    };
    let has = |k: &str| members.iter().any(|m| m.key.eq_ignore_ascii_case(k));
    if has("rules") || has("properties") || has("value") || has("@odata.context") {
        return false;
    }
    SECTIONS.iter().any(|s| has(s)) || assignments::is_block(f)
}

struct Config<'a> {
    file: usize,
    templates: Option<Field<'a>>,
}

/// Keys of an entry that say which policy it is, not what it sets.
const ENTRY_KEYS: &[&str] = &[
    "RoleName",
    "Scope",
    "GroupId",
    "GroupName",
    "Template",
    "PolicyTemplate",
    "PolicySource",
    "Policy",
];

/// A policy's settings: later entries override earlier ones (keys compared without case, as
/// PowerShell does).
#[derive(Default)]
struct Settings<'a> {
    items: Vec<(String, Field<'a>)>,
}

impl<'a> Settings<'a> {
    fn set(&mut self, key: &str, f: Field<'a>) {
        let key = key.to_ascii_lowercase();
        self.items.retain(|(k, _)| *k != key);
        self.items.push((key, f));
    }

    fn extend_from(&mut self, obj: &Field<'a>, skip: &[&str]) {
        let Some(members) = obj.node.as_object() else {
            return;
        };
        for m in members {
            if skip.iter().any(|s| m.key.eq_ignore_ascii_case(s)) {
                continue;
            }
            if let Some(f) = obj.field(&m.key) {
                self.set(&m.key, f);
            }
        }
    }

    fn get(&self, key: &str) -> Option<&Field<'a>> {
        let key = key.to_ascii_lowercase();
        self.items
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, f)| f)
            .filter(|f| !f.node.is_null())
    }
}

impl<'a> Config<'a> {
    fn section(&self, node: &Field<'a>, kind: PolicyKind, out: &mut Vec<Policy>) {
        match &node.node.value {
            Value::Array(_) => {
                for entry in node.items() {
                    if entry.node.as_object().is_none() {
                        continue;
                    }
                    let named = |k: &str| {
                        entry
                            .field(k)
                            .and_then(|f| f.node.as_str().map(|s| (s.to_owned(), f.at())))
                    };
                    let role = named("RoleName");
                    let scope = named("Scope").map(|s| s.0);
                    let group = named("GroupId").or_else(|| named("GroupName")).map(|g| g.0);
                    out.push(self.entry(&entry, kind, role, scope, group, false));
                }
            }
            Value::Object(members) => {
                for m in members {
                    let Some(content) = node.field(&m.key) else {
                        continue;
                    };
                    if content.node.as_object().is_none() {
                        continue;
                    }
                    let key_at = Ptr::new(content.ptr.clone(), m.key_span.clone());
                    if kind == PolicyKind::Group {
                        // `{ "<group>": { "Member": {…}, "Owner": {…} } }`
                        for access in ["Member", "Owner"] {
                            if let Some(c) = content.field(access) {
                                let role = Some((access.to_owned(), c.at()));
                                let group = Some(m.key.to_string());
                                out.push(self.entry(&c, kind, role, None, group, true));
                            }
                        }
                    } else {
                        let role = Some((m.key.to_string(), key_at));
                        let scope = content
                            .field("Scope")
                            .and_then(|s| s.node.as_str().map(str::to_owned));
                        out.push(self.entry(&content, kind, role, scope, None, true));
                    }
                }
            }
            _ => {}
        }
    }

    /// One policy entry. `keyed`: the entry is the value of a key naming its role or group (an
    /// inline policy is then the entry itself).
    fn entry(
        &self,
        entry: &Field<'a>,
        kind: PolicyKind,
        role: Option<(String, Ptr)>,
        scope: Option<String>,
        group: Option<String>,
        keyed: bool,
    ) -> Policy {
        let role_name = role.map(|r| r.0);
        let role_ref = match kind {
            PolicyKind::Group => RoleRef {
                id: role_name.as_ref().map(|r| r.to_ascii_lowercase()),
                ..RoleRef::default()
            },
            _ => RoleRef {
                name: role_name.clone(),
                ..RoleRef::default()
            },
        };
        let scope_text = match kind {
            PolicyKind::DirectoryRole => Some("/".to_owned()),
            PolicyKind::Group => group,
            _ => scope,
        };
        let mut p = authored::policy(self.file, entry.at(), EASYPIM, kind, role_ref, scope_text);
        if role_name.is_none() {
            p.problems.push(Problem::new(
                entry.at(),
                "the policy entry has no `RoleName`: EasyPIM stops with an error",
            ));
        }
        let mut settings = Settings::default();
        let template = entry
            .field("Template")
            .or_else(|| entry.field("PolicyTemplate"))
            .filter(|t| t.node.as_str().is_some_and(|s| !s.trim().is_empty()));
        let inline = entry
            .field("Policy")
            .filter(|p| p.node.as_object().is_some());
        let source_inline = entry
            .field("PolicySource")
            .and_then(|s| s.node.as_str().map(|s| s.eq_ignore_ascii_case("inline")))
            .unwrap_or(false);
        if let Some(t) = template {
            let name = t.node.as_str().unwrap_or_default().trim().to_owned();
            match self.templates.as_ref().and_then(|all| all.field(&name)) {
                Some(body) if body.node.as_object().is_some() => {
                    settings.extend_from(&body, &[]);
                }
                _ => p.problems.push(Problem::new(
                    t.at(),
                    format!("template \"{name}\" is not in `PolicyTemplates`: EasyPIM stops with an error"),
                )),
            }
            settings.extend_from(entry, ENTRY_KEYS);
        } else if let Some(body) = inline {
            settings.extend_from(&body, &[]);
        } else if source_inline || keyed {
            settings.extend_from(entry, ENTRY_KEYS);
        } else {
            p.problems.push(Problem::new(
                entry.at(),
                "the policy entry has neither `Template` nor `Policy`: EasyPIM stops with an error",
            ));
        }
        flatten_notifications(&mut settings);
        // A value a pipeline fills in before EasyPIM reads the file is known only then: the
        // setting holding it is left out and named (PIM017), never read as a bad value.
        // Settings one rule is read from together go together: approval is not judged
        // without its approvers, nor an authentication context without its value.
        let mut dropped: Vec<String> = Vec::new();
        settings
            .items
            .retain(|(key, f)| match first_placeholder(f) {
                Some(unknown) => {
                    p.unknown.push(unknown);
                    dropped.push(key.clone());
                    false
                }
                None => true,
            });
        for group in TOGETHER {
            if group
                .iter()
                .any(|k| dropped.contains(&k.to_ascii_lowercase()))
            {
                settings
                    .items
                    .retain(|(key, _)| !group.iter().any(|k| k.eq_ignore_ascii_case(key)));
            }
        }
        rules(&settings, &mut p);
        p
    }
}

/// Settings read together into one rule (keys as EasyPIM writes them).
const TOGETHER: &[&[&str]] = &[
    &["ApprovalRequired", "Approvers"],
    &[
        "AuthenticationContext_Enabled",
        "AuthenticationContext_Value",
    ],
    &["MaximumEligibilityDuration", "AllowPermanentEligibility"],
    &[
        "MaximumActiveAssignmentDuration",
        "AllowPermanentActiveAssignment",
    ],
];

/// The first text in a setting (searched through its objects and arrays, to a bounded depth)
/// that a pipeline fills in before EasyPIM reads the file.
fn first_placeholder(f: &Field<'_>) -> Option<Loc<String>> {
    let mut stack = vec![(f.clone(), 0usize)];
    while let Some((f, depth)) = stack.pop() {
        match &f.node.value {
            Value::String(s) if assignments::placeholder(s) => {
                return Some(Loc::new(s.to_string(), f.at()));
            }
            Value::Array(_) if depth < 8 => {
                stack.extend(f.items().into_iter().rev().map(|i| (i, depth + 1)));
            }
            Value::Object(members) if depth < 8 => {
                for m in members.iter().rev() {
                    if let Some(c) = f.field(&m.key) {
                        stack.push((c, depth + 1));
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// `Notifications.Eligibility.Alert` → `Notification_EligibleAssignment_Alert`, and so on.
fn flatten_notifications(s: &mut Settings<'_>) {
    let Some(n) = s.get("Notifications").cloned() else {
        return;
    };
    for (section, prefix) in [
        ("Eligibility", "EligibleAssignment"),
        ("Active", "ActiveAssignment"),
        ("Activation", "Activation"),
    ] {
        let Some(sec) = n.field(section) else {
            continue;
        };
        for (who, suffix) in [
            ("Alert", "Alert"),
            ("Assignee", "Assignee"),
            ("Approvers", "Approver"),
        ] {
            if let Some(v) = sec.field(who).filter(|v| v.node.as_object().is_some()) {
                s.set(&format!("Notification_{prefix}_{suffix}"), v);
            }
        }
    }
}

fn text(f: &Field<'_>, key: &str, problems: &mut Vec<Problem>) -> Option<Loc<String>> {
    match f.node.as_str() {
        Some(s) => Some(Loc::new(s.to_owned(), f.at())),
        None => {
            problems.push(Problem::new(
                f.at(),
                format!(
                    "`{key}` must be a string, found {}",
                    f.node.value.type_name()
                ),
            ));
            None
        }
    }
}

/// A switch EasyPIM compares with `$false`: a boolean, or the text "true"/"false".
fn switch(f: &Field<'_>, key: &str, problems: &mut Vec<Problem>) -> Option<Loc<bool>> {
    match &f.node.value {
        Value::Bool(b) => Some(Loc::new(*b, f.at())),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(Loc::new(true, f.at())),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(Loc::new(false, f.at())),
        other => {
            problems.push(Problem::new(
                f.at(),
                format!("`{key}` must be true or false, found {}", other.type_name()),
            ));
            None
        }
    }
}

/// A duration EasyPIM passes on (it skips empty and zero ones).
fn duration(s: &Settings<'_>, key: &str, problems: &mut Vec<Problem>) -> Option<Loc<String>> {
    let d = text(s.get(key)?, key, problems)?;
    let zero = ["PT0S", "PT0M", "PT0H", "P0D"].contains(&d.value.as_str());
    (!d.value.is_empty() && !zero).then_some(d)
}

/// Activation requirements: an array of names, or one text of names separated by commas;
/// `None` or nothing means no requirement.
fn requirements(f: &Field<'_>, key: &str, problems: &mut Vec<Problem>) -> Option<Strings> {
    let (value, items) = match &f.node.value {
        Value::String(s) => {
            let names: Vec<String> = s
                .split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case("None"))
                .map(requirement_name)
                .collect();
            let spans = vec![f.span.clone(); names.len()];
            (names, spans)
        }
        Value::Array(list) => {
            let mut names = Vec::new();
            let mut spans = Vec::new();
            for item in list {
                match item.as_str() {
                    Some(n) if n.trim().is_empty() || n.trim().eq_ignore_ascii_case("None") => {}
                    Some(n) => {
                        names.push(requirement_name(n.trim()));
                        spans.push(item.span.clone());
                    }
                    None => problems.push(Problem::new(
                        Ptr::new(f.ptr.clone(), item.span.clone()),
                        format!(
                            "items of `{key}` must be strings, found {}",
                            item.value.type_name()
                        ),
                    )),
                }
            }
            (names, spans)
        }
        other => {
            problems.push(Problem::new(
                f.at(),
                format!(
                    "`{key}` must be a string or an array of strings, found {}",
                    other.type_name()
                ),
            ));
            return None;
        }
    };
    Some(Strings {
        value,
        pointer: f.at(),
        items,
    })
}

fn approvers(f: &Field<'_>) -> Loc<Vec<crate::model::Approver>> {
    let list = f
        .items()
        .into_iter()
        .filter_map(|a| {
            if let Some(id) = a.node.as_str() {
                return Some(authored::approver(
                    a.at(),
                    ApproverKind::User,
                    id.to_owned(),
                    None,
                ));
            }
            let get = |k: &str| a.field(k).and_then(|v| v.node.as_str().map(str::to_owned));
            let id = get("Id")?;
            // EasyPIM looks the type up when it is not given; without it, a user.
            let kind = match get("Type").or_else(|| get("userType")) {
                Some(t) if t.eq_ignore_ascii_case("group") => ApproverKind::Group,
                _ => ApproverKind::User,
            };
            let name = get("Name").or_else(|| get("description"));
            Some(authored::approver(a.at(), kind, id, name))
        })
        .collect();
    Loc::new(list, f.at())
}

/// The nine notification settings and the rule each sets.
const NOTIFICATIONS: &[(&str, RuleId)] = &[
    (
        "Notification_EligibleAssignment_Alert",
        RuleId::NotificationAdminAdminEligibility,
    ),
    (
        "Notification_EligibleAssignment_Assignee",
        RuleId::NotificationRequestorAdminEligibility,
    ),
    (
        "Notification_EligibleAssignment_Approver",
        RuleId::NotificationApproverAdminEligibility,
    ),
    (
        "Notification_ActiveAssignment_Alert",
        RuleId::NotificationAdminAdminAssignment,
    ),
    (
        "Notification_ActiveAssignment_Assignee",
        RuleId::NotificationRequestorAdminAssignment,
    ),
    (
        "Notification_ActiveAssignment_Approver",
        RuleId::NotificationApproverAdminAssignment,
    ),
    (
        "Notification_Activation_Alert",
        RuleId::NotificationAdminEndUserAssignment,
    ),
    (
        "Notification_Activation_Assignee",
        RuleId::NotificationRequestorEndUserAssignment,
    ),
    (
        "Notification_Activation_Approver",
        RuleId::NotificationApproverEndUserAssignment,
    ),
];

fn rules(s: &Settings<'_>, p: &mut Policy) {
    let kind = p.kind;
    let problems = &mut p.problems;
    let mut out = Vec::new();
    if let Some(d) = duration(s, "ActivationDuration", problems) {
        let at = d.pointer.clone();
        out.push(authored::expiration(
            RuleId::ExpirationEndUserAssignment,
            &at,
            None,
            Some(d),
        ));
    }
    for (key, id) in [
        ("ActivationRequirement", RuleId::EnablementEndUserAssignment),
        (
            "ActiveAssignmentRequirement",
            RuleId::EnablementAdminAssignment,
        ),
    ] {
        if let Some(f) = s.get(key)
            && let Some(list) = requirements(f, key, problems)
        {
            out.push(authored::enablement(id, &f.at(), list));
        }
    }
    if let Some(f) = s.get("AuthenticationContext_Enabled")
        && let Some(on) = switch(f, "AuthenticationContext_Enabled", problems)
    {
        // For Entra and Azure roles EasyPIM drops MFA from the activation requirements when it
        // turns an authentication context on (the two conflict); for groups it does not.
        if on.value && kind != PolicyKind::Group {
            for r in &mut out {
                if let crate::model::Setting::Enablement {
                    enabled_rules: Some(list),
                } = &mut r.setting
                    && r.known == Some(RuleId::EnablementEndUserAssignment)
                {
                    while let Some(i) = list
                        .value
                        .iter()
                        .position(|n| n == "MultiFactorAuthentication")
                    {
                        list.value.remove(i);
                        if i < list.items.len() {
                            list.items.remove(i);
                        }
                    }
                }
            }
        }
        let claim = s
            .get("AuthenticationContext_Value")
            .and_then(|v| text(v, "AuthenticationContext_Value", problems))
            .map(|l| Loc::new(Some(l.value), l.pointer));
        out.push(authored::rule(
            RuleId::AuthenticationContextEndUserAssignment,
            &f.at(),
            crate::model::Setting::AuthenticationContext {
                is_enabled: Some(on),
                claim_value: claim,
            },
        ));
    }
    // Approvers without `ApprovalRequired` turn approval on (EasyPIM's `Set-Approval` reads a
    // missing switch as true); `ApprovalRequired: false` drops the approvers.
    let approval_required = match s.get("ApprovalRequired") {
        Some(f) => switch(f, "ApprovalRequired", problems),
        None => s
            .get("Approvers")
            .filter(|a| a.node.as_array().is_some())
            .map(|a| Loc::new(true, a.at())),
    };
    if let Some(required) = approval_required {
        let list = match s.get("Approvers") {
            Some(a) if required.value && a.node.as_array().is_some() => approvers(a),
            _ => Loc::new(Vec::new(), &required.pointer),
        };
        let at = required.pointer.clone();
        out.push(authored::approval(&at, required, list));
    }
    for (max_key, allow_key, id) in [
        (
            "MaximumEligibilityDuration",
            "AllowPermanentEligibility",
            RuleId::ExpirationAdminEligibility,
        ),
        (
            "MaximumActiveAssignmentDuration",
            "AllowPermanentActiveAssignment",
            RuleId::ExpirationAdminAssignment,
        ),
    ] {
        let max = duration(s, max_key, problems);
        let allow = s
            .get(allow_key)
            .and_then(|f| switch(f, allow_key, problems));
        // A maximum without the switch: EasyPIM sets "permanent not allowed".
        let required = match (&allow, &max) {
            (Some(a), _) => Some(Loc::new(!a.value, &a.pointer)),
            (None, Some(m)) => Some(Loc::new(true, &m.pointer)),
            (None, None) => None,
        };
        if let Some(at) = required.as_ref().map(|r| r.pointer.clone()) {
            out.push(authored::expiration(id, &at, required, max));
        }
    }
    for (key, id) in NOTIFICATIONS {
        let Some(f) = s.get(key).filter(|f| f.node.as_object().is_some()) else {
            continue;
        };
        out.push(notification(f, *id, problems));
    }
    p.rules = out;
}

/// One `Notification_*` object: `isDefaultRecipientEnabled` (cast with `[bool]`; true when
/// absent), `notificationLevel` (All when absent), `Recipients` (an array, or one text of
/// addresses separated by commas).
fn notification(
    f: &Field<'_>,
    id: RuleId,
    problems: &mut Vec<Problem>,
) -> crate::model::PolicyRule {
    let default = f
        .field("isDefaultRecipientEnabled")
        .or_else(|| f.field("isDefaultRecipientsEnabled"))
        .map(|d| {
            let on = match &d.node.value {
                Value::Bool(b) => *b,
                Value::String(t) => {
                    if t.eq_ignore_ascii_case("false") {
                        problems.push(Problem::of(
                            ProblemKind::WrongType,
                            d.at(),
                            "the text \"false\" is true for EasyPIM (it casts the value with `[bool]`, and any non-empty text is true): write false without quotes",
                        ));
                    }
                    !t.is_empty()
                }
                Value::Null => false,
                Value::Number(n) => n.parse::<f64>().is_ok_and(|x| x != 0.0),
                _ => true,
            };
            Loc::new(on, d.at())
        });
    let level = f
        .field("notificationLevel")
        .and_then(|l| text(&l, "notificationLevel", problems));
    let recipients = f.field("Recipients").map(|r| match &r.node.value {
        Value::String(t) => {
            let list: Vec<String> = t
                .split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect();
            let items = vec![r.span.clone(); list.len()];
            Strings {
                value: list,
                pointer: r.at(),
                items,
            }
        }
        _ => {
            let mut value = Vec::new();
            let mut items = Vec::new();
            for item in r.node.as_array().unwrap_or_default() {
                if let Some(t) = item.as_str() {
                    value.push(t.to_owned());
                    items.push(item.span.clone());
                }
            }
            Strings {
                value,
                pointer: r.at(),
                items,
            }
        }
    });
    let at = f.at();
    authored::notification(id, &at, level, default, recipients)
}
