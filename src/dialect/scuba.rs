//! What a ScubaGear provider export says beyond the policy rules: the role's active
//! assignments (`Assignments`) and which users hold which roles (`privileged_users`).

use super::policy::policy;
use super::read::{Field, Obj, normalise_date};
use super::{DialectInfo, Document, Reader};
use crate::model::{Dialect, Loc, Policy, PolicyKind, Problem, RoleAssignment, RoleRef};
use crate::source::Node;

/// `Assignments` of one privileged role. Only rows that name a principal are kept (ScubaGear
/// pads some exports with all-null placeholder rows).
fn assignments(role: &Obj<'_>, problems: &mut Vec<Problem>) -> Option<Loc<Vec<RoleAssignment>>> {
    let (ptr, rows) = role.objects("Assignments", problems)?;
    let list = rows
        .into_iter()
        .filter_map(|row| {
            let o = Obj::new(row.clone());
            let principal_id = o.str("PrincipalId");
            if principal_id.is_none() && o.str("Id").is_none() {
                return None;
            }
            let date = |key: &str| {
                o.value(key)
                    .and_then(|f| f.node.as_str().map(|s| Loc::new(normalise_date(s), f.at())))
            };
            let key_ptr = |key: &str| o.get(key).map_or_else(|| row.at(), |f| f.into_at());
            Some(RoleAssignment {
                pointer: row.at(),
                principal_id,
                start: date("StartDateTime"),
                end: date("EndDateTime"),
                end_pointer: key_ptr("EndDateTime"),
                start_pointer: key_ptr("StartDateTime"),
                assignment_type: o.str("AssignmentType"),
                grant: crate::model::directory::Grant::Active,
                principal_kind: None,
                condition: None,
                principal_name: None,
                principal_upn: None,
            })
        })
        .collect();
    Some(Loc::new(list, ptr))
}

/// ScubaGear's `privileged_users` maps user ids to `{DisplayName, roles: [role names]}`; each
/// ScubaGear role policy of the same document gets the names of the users holding it.
pub fn attach_holders(root: &Node, policies: &mut [Policy]) {
    let Some(member) = root.member("privileged_users") else {
        return;
    };
    let Some(users) = member.value.as_object() else {
        return;
    };
    let at = crate::model::Ptr::new(
        "/privileged_users",
        member.key_span.start..member.value.span.start + 1,
    );
    for p in policies.iter_mut().filter(|p| p.dialect == SCUBAGEAR) {
        let Some(role_name) = p.role.as_ref().and_then(|r| r.name.clone()) else {
            continue;
        };
        let mut names: Vec<String> = users
            .iter()
            .filter(|u| {
                u.value
                    .get("roles")
                    .and_then(Node::as_array)
                    .is_some_and(|roles| {
                        roles.iter().any(|r| {
                            r.as_str()
                                .is_some_and(|s| s.eq_ignore_ascii_case(&role_name))
                        })
                    })
            })
            .map(|u| {
                u.value
                    .get("DisplayName")
                    .and_then(Node::as_str)
                    .unwrap_or(&u.key)
                    .to_owned()
            })
            .collect();
        names.sort();
        names.dedup();
        p.holders = Some(Loc::new(names, &at));
        // The assignments' principals by the names `privileged_users` gives their ids.
        for a in p.assignments.iter_mut().flat_map(|l| l.value.iter_mut()) {
            let Some(id) = a.principal_id.as_deref() else {
                continue;
            };
            a.principal_name = users
                .iter()
                .find(|u| u.key.eq_ignore_ascii_case(id))
                .and_then(|u| u.value.get("DisplayName").and_then(Node::as_str))
                .map(str::to_owned);
        }
    }
}

/// The `RuleSourceType` ScubaGear gives the rules of a PIM-enabled group that holds the role.
const PIM_GROUP: &str = "PIM Group";

/// ScubaGear appends the member-policy rules of each PIM-enabled group that holds the role to
/// the role's `Rules`, tagged `RuleSourceType: PIM Group` and `RuleSource: <group name>` (the
/// role's own rules are tagged `Directory Role`), with the same rule ids. Each group's rules
/// are moved out of the role's policy into a policy of their own: PIM for Groups, scope the
/// group, role `member`, granting the role (whose tier it takes). Rules of any other source,
/// or of none, stay with the role.
fn split_group_sources(p: &mut Policy, role: &RoleRef) -> Vec<Policy> {
    let group_of = |r: &crate::model::PolicyRule| {
        r.source.as_deref().and_then(|s| {
            let (kind, name) = s.split_once(": ")?;
            kind.trim()
                .eq_ignore_ascii_case(PIM_GROUP)
                .then(|| name.trim().to_owned())
        })
    };
    let mut order: Vec<String> = Vec::new();
    for r in &p.rules {
        if let Some(g) = group_of(r)
            && !order.iter().any(|o| o.eq_ignore_ascii_case(&g))
        {
            order.push(g);
        }
    }
    if order.is_empty() {
        return Vec::new();
    }
    let role_name = role
        .name
        .clone()
        .or_else(|| role.id.clone())
        .unwrap_or_else(|| "an unnamed role".into());
    let rules = std::mem::take(&mut p.rules);
    let mut by_group: Vec<Vec<crate::model::PolicyRule>> = vec![Vec::new(); order.len()];
    for r in rules {
        match group_of(&r).and_then(|g| order.iter().position(|o| o.eq_ignore_ascii_case(&g))) {
            Some(i) => by_group[i].push(r),
            None => p.rules.push(r),
        }
    }
    order
        .into_iter()
        .zip(by_group)
        .map(|(group, rules)| {
            let name = format!("group {group} (grants {role_name})");
            let at = rules
                .first()
                .map_or_else(|| p.rules_pointer.clone(), |r| r.pointer.clone());
            Policy {
                file: p.file,
                pointer: at.clone(),
                dialect: SCUBAGEAR,
                kind: PolicyKind::Group,
                id: None,
                display_name: Some(name.clone()),
                scope: Some(group),
                role: Some(RoleRef {
                    id: Some("member".into()),
                    name: Some(name),
                    grants: Some(Box::new(role.clone())),
                    ..RoleRef::default()
                }),
                rules_pointer: at,
                rules_expanded: true,
                partial: false,
                last_modified: None,
                rules,
                problems: Vec::new(),
                assignments: None,
                holders: None,
            }
        })
        .collect()
}

pub const SCUBAGEAR: Dialect = Dialect("scubagear");

/// ScubaGear provider export: `privileged_roles` items `{DisplayName, RoleTemplateId, Rules,
/// Assignments}` (PowerShell SDK objects serialised by ScubaGear).
pub struct ScubaGear;

impl Reader for ScubaGear {
    fn dialects(&self) -> &'static [DialectInfo] {
        &[DialectInfo {
            dialect: SCUBAGEAR,
            describe: "ScubaGear privileged role export",
        }]
    }

    fn read(&self, file: usize, f: &Field<'_>, doc: &mut Document) -> bool {
        // ScubaGear privileged role: {DisplayName, RoleTemplateId, Rules, Assignments}.
        if f.node.member("Rules").is_some()
            && (f.node.member("RoleTemplateId").is_some() || f.node.member("DisplayName").is_some())
            && f.node.member("Id").is_none()
        {
            let obj = Obj::new(f.clone());
            let role = RoleRef {
                id: obj.str("RoleTemplateId"),
                name: obj.str("DisplayName"),
                tier: None,
                ..RoleRef::default()
            };
            let mut p = policy(file, f.clone(), SCUBAGEAR, Some(role.clone()));
            p.kind = PolicyKind::DirectoryRole;
            p.scope = Some("/".into());
            p.assignments = assignments(&obj, &mut p.problems);
            let groups = split_group_sources(&mut p, &role);
            doc.policies.push(p);
            doc.policies.extend(groups);
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use crate::model::PolicyKind;
    use crate::source::{Syntax, parse_text};

    fn rule(id: &str, kind: &str, source: &str) -> String {
        format!(r#"{{"Id": "{id}", "RuleSourceType": "{kind}", "RuleSource": "{source}"}}"#)
    }

    #[test]
    fn each_pim_group_source_is_its_own_policy_whatever_the_order() {
        let a = "Approval_EndUser_Assignment";
        let rules = [
            rule(a, "PIM Group", "Tier0 Admins"),
            rule(a, "Directory Role", "Global Administrator"),
            rule(a, "PIM Group", "Break Glass Ops"),
            r#"{"Id": "Enablement_EndUser_Assignment"}"#.to_owned(),
            rule(a, "pim group", "tier0 admins"),
        ];
        let text = format!(
            r#"{{"privileged_roles": [{{"DisplayName": "Global Administrator",
                "RoleTemplateId": "62e90394-69f5-4237-9190-012177145e10", "Rules": [{}]}}]}}"#,
            rules.join(",")
        );
        let root = parse_text(&text, Syntax::Json).expect("parses");
        let doc = crate::dialect::normalise(0, &root);
        let got: Vec<(PolicyKind, Option<&str>, Option<&str>, usize)> = doc
            .policies
            .iter()
            .map(|p| {
                (
                    p.kind,
                    p.scope.as_deref(),
                    p.role.as_ref().and_then(|r| r.name.as_deref()),
                    p.rules.len(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    PolicyKind::DirectoryRole,
                    Some("/"),
                    Some("Global Administrator"),
                    2
                ),
                (
                    PolicyKind::Group,
                    Some("Tier0 Admins"),
                    Some("group Tier0 Admins (grants Global Administrator)"),
                    2
                ),
                (
                    PolicyKind::Group,
                    Some("Break Glass Ops"),
                    Some("group Break Glass Ops (grants Global Administrator)"),
                    1
                ),
            ]
        );
        let group = &doc.policies[1];
        let role = group.role.as_ref().expect("a role");
        assert_eq!(role.id.as_deref(), Some("member"));
        assert_eq!(
            role.grants.as_ref().and_then(|g| g.id.as_deref()),
            Some("62e90394-69f5-4237-9190-012177145e10")
        );
        assert_eq!(group.rules[0].pointer.path, "/privileged_roles/0/Rules/0");
    }
}
