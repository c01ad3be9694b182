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
    }
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
            };
            let mut p = policy(file, f.clone(), SCUBAGEAR, Some(role));
            p.kind = PolicyKind::DirectoryRole;
            p.scope = Some("/".into());
            p.assignments = assignments(&obj, &mut p.problems);
            doc.policies.push(p);
            return true;
        }
        false
    }
}
