//! The assignments of an EasyPIM orchestrator config, read as assignment data (PIM310, PIM313–
//! PIM315 judge them), each at the place it is written.
//!
//! Two shapes, both read:
//! - the `Assignments` block: `EntraRoles`, `AzureRoles` and `Groups` (earlier versions:
//!   `GroupRoles`), each a list of role blocks (`roleName`, `scope`, `groupId`) holding
//!   `assignments` (`principalId`, `principalType`, `assignmentType`, `duration`, `permanent`,
//!   `condition`). An `assignmentType` that contains "Active" makes an active assignment (EasyPIM
//!   matches it as a pattern); anything else, or none, an eligible one. `permanent` is tested for
//!   truth, so the text "false" makes the assignment permanent;
//! - the sections of the first versions: `EntraIDRoles`, `AzureRoles` and `GroupRoles` when they
//!   are lists (eligible), `EntraIDRolesActive`, `AzureRolesActive` and `GroupRolesActive`
//!   (active); an entry names its role (`Rolename` or `Role`), its principal (`PrincipalId`, or
//!   several in `PrincipalIds`), `Scope` or `GroupId`, `Duration`, `Permanent` (compared with
//!   `$true`: true or the text "true") and `Condition`.
//!
//! An assignment without `permanent` is never permanent: EasyPIM requests it for its `duration`,
//! or for the longest the role's policy allows. Every assignment is made through a PIM schedule
//! request, so none is "outside PIM" (PIM311).
//!
//! A value left for a pipeline to fill in (`#{…}#`, `${…}`, `$(…)`, `{{…}}`, `__NAME__`,
//! `<…>`) is not guessed: an assignment that depends on one is left out and the value is named
//! (PIM017).
//!
//! `ProtectedUsers` is not read: EasyPIM only keeps those principals' assignments from being
//! removed. It does not say that an account may hold a role permanently (that is
//! `emergency_access:` in `.pim-lint.yaml`).

use super::super::authored;
use super::super::read::Field;
use super::EASYPIM;
use crate::model::directory::{Grant, PrincipalKind};
use crate::model::{Loc, Policy, PolicyKind, Problem, Ptr, RoleAssignment, RoleRef};
use crate::source::Value;

/// Reads every assignment of the config rooted at `root` into policy-shaped records (one per
/// role block or section entry) that hold them.
pub(super) fn read(file: usize, root: &Field<'_>, out: &mut Vec<Policy>) {
    let reader = Reader { file };
    for (section, kind, grant) in [
        ("EntraIDRoles", PolicyKind::DirectoryRole, Grant::Eligible),
        (
            "EntraIDRolesActive",
            PolicyKind::DirectoryRole,
            Grant::Active,
        ),
        ("AzureRoles", PolicyKind::AzureResource, Grant::Eligible),
        ("AzureRolesActive", PolicyKind::AzureResource, Grant::Active),
        ("GroupRoles", PolicyKind::Group, Grant::Eligible),
        ("GroupRolesActive", PolicyKind::Group, Grant::Active),
    ] {
        // `AzureRoles` and `GroupRoles` that are objects hold policies (`Policies`).
        let Some(list) = root.field(section).filter(|s| s.node.as_array().is_some()) else {
            continue;
        };
        for entry in list.items() {
            if entry.node.as_object().is_some() {
                out.push(reader.legacy_entry(&entry, kind, grant));
            }
        }
    }
    let Some(block) = root
        .field("Assignments")
        .filter(|b| b.node.as_object().is_some())
    else {
        return;
    };
    for &(section, kind) in BLOCK_SECTIONS {
        let Some(list) = block.field(section) else {
            continue;
        };
        for role_block in list.items() {
            if role_block.node.as_object().is_some() {
                out.push(reader.role_block(&role_block, kind));
            }
        }
    }
}

/// The sections of the `Assignments` block.
const BLOCK_SECTIONS: &[(&str, PolicyKind)] = &[
    ("EntraRoles", PolicyKind::DirectoryRole),
    ("AzureRoles", PolicyKind::AzureResource),
    ("Groups", PolicyKind::Group),
    ("GroupRoles", PolicyKind::Group),
];

/// Whether `root` has an `Assignments` block with one of EasyPIM's sections (a key named
/// `Assignments` alone does not make a document an EasyPIM config).
pub(super) fn is_block(root: &Field<'_>) -> bool {
    root.field("Assignments")
        .is_some_and(|b| BLOCK_SECTIONS.iter().any(|(s, _)| b.field(s).is_some()))
}

struct Reader {
    file: usize,
}

/// What a value of the config is, for an assignment.
enum Text<'a> {
    Absent,
    Known(&'a str, Ptr),
    /// Left for a pipeline to fill in, or of a type EasyPIM does not read there.
    Unknown(String, Ptr),
}

/// A value a pipeline fills in before EasyPIM reads the file: Azure DevOps `#{…}#`, `${…}`,
/// `$(…)` and `$name`, `{{…}}`, `__NAME__`, `<…>`.
pub(crate) fn placeholder(s: &str) -> bool {
    let t = s.trim();
    let dunder = t.len() > 4
        && t.starts_with("__")
        && t.ends_with("__")
        && t[2..t.len() - 2]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    t.contains("#{")
        || t.contains("${")
        || t.contains("$(")
        || t.contains("{{")
        || t.strip_prefix('$')
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_alphabetic()))
        || (t.starts_with('<') && t.ends_with('>') && t.len() > 2)
        || dunder
}

fn text<'a>(f: Option<&Field<'a>>) -> Text<'a> {
    let Some(f) = f else {
        return Text::Absent;
    };
    match &f.node.value {
        Value::Null => Text::Absent,
        Value::String(s) if s.trim().is_empty() => Text::Absent,
        Value::String(s) if placeholder(s) => Text::Unknown(s.to_string(), f.at()),
        Value::String(_) => match f.node.as_str() {
            Some(s) => Text::Known(s, f.at()),
            None => Text::Absent,
        },
        other => Text::Unknown(format!("a {}", other.type_name()), f.at()),
    }
}

/// What `permanent` makes of an assignment: `Some(true)` permanent, `Some(false)` not, `None`
/// not known from the file. `truthy`: EasyPIM tests the value for truth (the `Assignments`
/// block), else compares it with `$true` (the first versions' sections).
fn permanent(f: &Field<'_>, truthy: bool, problems: &mut Vec<Problem>) -> Option<bool> {
    match &f.node.value {
        Value::Bool(b) => Some(*b),
        Value::Null => Some(false),
        Value::String(s) if s.is_empty() => Some(false),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => {
            if truthy {
                problems.push(Problem::new(
                    f.at(),
                    "the text \"false\" is true for EasyPIM (it tests `permanent` for truth, and any non-empty text is true): the assignment is made permanent; write false without quotes",
                ));
            }
            Some(truthy)
        }
        Value::Number(n) => match n.parse::<f64>() {
            Ok(0.0) => Some(false),
            Ok(1.0) => Some(true),
            _ => None,
        },
        _ => None,
    }
}

/// The fields of one assignment, wherever they were written.
struct Fields<'a, 'b> {
    principal: (Option<String>, Ptr),
    permanent: Option<Field<'a>>,
    duration: Option<&'b Field<'a>>,
    condition: Option<&'b Field<'a>>,
    principal_type: Option<&'b Field<'a>>,
    grant: Grant,
    /// `permanent` is tested for truth (the `Assignments` block).
    truthy: bool,
}

impl Reader {
    fn policy(
        &self,
        at: Ptr,
        kind: PolicyKind,
        role: Option<String>,
        scope: Option<String>,
        group: Option<String>,
    ) -> Policy {
        let role_ref = match kind {
            PolicyKind::Group => RoleRef {
                id: role.map(|r| r.to_ascii_lowercase()),
                ..RoleRef::default()
            },
            _ => RoleRef {
                name: role,
                ..RoleRef::default()
            },
        };
        let scope = match kind {
            PolicyKind::DirectoryRole => Some("/".to_owned()),
            PolicyKind::Group => group,
            _ => scope,
        };
        let mut p = authored::policy(self.file, at.clone(), EASYPIM, kind, role_ref, scope);
        // It holds assignments, not settings (as a Terraform assignment resource does).
        p.rules_expanded = false;
        p.assignments = Some(Loc::new(Vec::new(), at));
        p
    }

    /// The role (and for a group, the group) a block or entry names; `None` when it is not
    /// known from the file (then named in `unknown`, or a problem when it is missing).
    fn role(&self, f: &Field<'_>, keys: &[&str], p: &mut Policy) -> Option<String> {
        let field = keys.iter().find_map(|k| f.field(k));
        match text(field.as_ref()) {
            Text::Known(s, _) => Some(s.trim().to_owned()),
            Text::Unknown(s, at) => {
                p.unknown.push(Loc::new(s, at));
                None
            }
            Text::Absent => {
                p.problems.push(Problem::new(
                    f.at(),
                    format!(
                        "the assignment has no `{}`: EasyPIM cannot make it",
                        keys.first().copied().unwrap_or("roleName")
                    ),
                ));
                None
            }
        }
    }

    /// `Assignments.<section>[i]`: a role (and scope or group) with its `assignments`.
    fn role_block(&self, block: &Field<'_>, kind: PolicyKind) -> Policy {
        let get = |k: &str| {
            block
                .field(k)
                .and_then(|f| f.node.as_str().map(str::to_owned))
        };
        let mut p = self.policy(block.at(), kind, None, get("scope"), get("groupId"));
        let role = match kind {
            PolicyKind::Group => {
                // EasyPIM's group blocks name the access as `roleName` (owner or member).
                self.role(block, &["roleName", "type"], &mut p)
            }
            _ => self.role(block, &["roleName"], &mut p),
        };
        if kind == PolicyKind::Group
            && let Text::Unknown(s, at) = text(block.field("groupId").as_ref())
        {
            p.unknown.push(Loc::new(s, at));
        }
        set_role(&mut p, kind, role.clone());
        let list = block.field("assignments");
        for a in list.as_ref().map(Field::items).unwrap_or_default() {
            if a.node.as_object().is_none() {
                continue;
            }
            let grant = match text(a.field("assignmentType").as_ref()) {
                Text::Known(t, _) if t.to_ascii_lowercase().contains("active") => Grant::Active,
                Text::Known(..) | Text::Absent => Grant::Eligible,
                Text::Unknown(s, at) => {
                    p.unknown.push(Loc::new(s, at));
                    continue;
                }
            };
            let principal_field = a.field("principalId").or_else(|| a.field("principalName"));
            let principal = match text(principal_field.as_ref()) {
                Text::Known(s, at) => (Some(s.trim().to_owned()), at),
                Text::Unknown(s, at) => {
                    p.unknown.push(Loc::new(s, at));
                    continue;
                }
                Text::Absent => {
                    p.problems.push(Problem::new(
                        a.at(),
                        "the assignment has no `principalId`: EasyPIM cannot make it",
                    ));
                    continue;
                }
            };
            let (duration, condition, principal_type) = (
                a.field("duration"),
                a.field("condition"),
                a.field("principalType"),
            );
            let fields = Fields {
                principal,
                permanent: a.field("permanent"),
                duration: duration.as_ref(),
                condition: condition.as_ref(),
                principal_type: principal_type.as_ref(),
                grant,
                truthy: true,
            };
            self.assignment(fields, role.is_some(), &mut p);
        }
        p
    }

    /// An entry of a first-version section (`EntraIDRolesActive[i]`, …).
    fn legacy_entry(&self, entry: &Field<'_>, kind: PolicyKind, grant: Grant) -> Policy {
        let get = |k: &str| {
            entry
                .field(k)
                .and_then(|f| f.node.as_str().map(str::to_owned))
        };
        let mut p = self.policy(entry.at(), kind, None, get("Scope"), get("GroupId"));
        let role = self.role(entry, &["Rolename", "Role"], &mut p);
        if kind == PolicyKind::Group
            && let Text::Unknown(s, at) = text(entry.field("GroupId").as_ref())
        {
            p.unknown.push(Loc::new(s, at));
        }
        set_role(&mut p, kind, role.clone());
        let mut principals = Vec::new();
        match entry
            .field("PrincipalIds")
            .filter(|l| l.node.as_array().is_some())
        {
            Some(list) => principals.extend(list.items().iter().map(|i| text(Some(i)))),
            None => principals.push(text(entry.field("PrincipalId").as_ref())),
        }
        let (duration, condition) = (entry.field("Duration"), entry.field("Condition"));
        for principal in principals {
            let principal = match principal {
                Text::Known(s, at) => (Some(s.trim().to_owned()), at),
                Text::Unknown(s, at) => {
                    p.unknown.push(Loc::new(s, at));
                    continue;
                }
                Text::Absent => {
                    p.problems.push(Problem::new(
                        entry.at(),
                        "the assignment has no `PrincipalId`: EasyPIM skips it",
                    ));
                    continue;
                }
            };
            let fields = Fields {
                principal,
                permanent: entry.field("Permanent"),
                duration: duration.as_ref(),
                condition: condition.as_ref(),
                principal_type: None,
                grant,
                truthy: false,
            };
            self.assignment(fields, role.is_some(), &mut p);
        }
        p
    }

    /// One assignment into `p`, unless a value it depends on is not known from the file (then
    /// named in `p.unknown`) or its role is not.
    fn assignment(&self, f: Fields<'_, '_>, role_known: bool, p: &mut Policy) {
        let mut unknown = Vec::new();
        let permanent = match &f.permanent {
            None => Some(false),
            Some(field) => permanent(field, f.truthy, &mut p.problems),
        };
        if permanent.is_none()
            && let Some(field) = &f.permanent
        {
            unknown.push(Loc::new(value_text(field), field.at()));
        }
        let condition = match text(f.condition) {
            Text::Known(c, at) => Some(Loc::new(c.to_owned(), at)),
            Text::Absent => None,
            Text::Unknown(s, at) => {
                unknown.push(Loc::new(s, at));
                None
            }
        };
        let principal_kind = match text(f.principal_type) {
            Text::Known(t, _) => Some(PrincipalKind::parse(t.trim())),
            Text::Absent => None,
            Text::Unknown(s, at) => {
                unknown.push(Loc::new(s, at));
                None
            }
        };
        if !unknown.is_empty() || !role_known {
            p.unknown.extend(unknown);
            return;
        }
        let (principal_id, at) = f.principal;
        let end_pointer = f.permanent.as_ref().map_or_else(|| at.clone(), Field::at);
        let end = match permanent {
            Some(true) => None,
            _ => Some(match text(f.duration) {
                Text::Known(d, dat) => Loc::new(d.trim().to_owned(), dat),
                // Known or not, a duration never makes the assignment permanent.
                Text::Unknown(..) | Text::Absent => {
                    Loc::new("the role policy's longest".to_owned(), at.clone())
                }
            }),
        };
        let a = RoleAssignment {
            pointer: at.clone(),
            principal_id,
            start: Some(Loc::new("when EasyPIM runs".to_owned(), at.clone())),
            end,
            end_pointer,
            start_pointer: at,
            assignment_type: Some("Assigned".to_owned()),
            scuba_excluded: None,
            grant: f.grant,
            principal_kind,
            condition,
            principal_name: None,
            principal_upn: None,
        };
        if let Some(list) = p.assignments.as_mut() {
            list.value.push(a);
        }
    }
}

fn set_role(p: &mut Policy, kind: PolicyKind, role: Option<String>) {
    if let Some(r) = p.role.as_mut() {
        match kind {
            PolicyKind::Group => r.id = role.map(|x| x.to_ascii_lowercase()),
            _ => r.name = role,
        }
    }
}

/// A value as PIM017 names it: text as written, anything else by its JSON.
fn value_text(f: &Field<'_>) -> String {
    match &f.node.value {
        Value::String(s) => s.to_string(),
        Value::Number(n) => n.to_string(),
        other => format!("a {}", other.type_name()),
    }
}

#[cfg(test)]
mod tests {
    use super::placeholder;

    #[test]
    fn placeholders_are_told_from_values() {
        for p in [
            "#{PrincipalId}#",
            "${BREAK_GLASS}",
            "$(principalId)",
            "$env:PRINCIPAL",
            "{{ principal }}",
            "__PRINCIPAL_ID__",
            "<principal-object-id>",
        ] {
            assert!(placeholder(p), "{p}");
        }
        for v in [
            "a621fbf5-d750-4e68-b898-2e2b41cd45c6",
            "Global Administrator",
            "P90D",
            "Active",
            "$",
            "__",
            "((!(ActionMatches{'Microsoft.Storage/x'})) OR (@Resource[a:b] StringEquals 'c'))",
        ] {
            assert!(!placeholder(v), "{v}");
        }
    }
}
