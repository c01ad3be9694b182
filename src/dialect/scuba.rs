//! What a ScubaGear provider export says beyond the policy rules: the role's active
//! assignments (`Assignments`) and which users hold which roles (`privileged_users`).

use super::read::{Obj, normalise_date};
use crate::model::{Dialect, Loc, Policy, Problem, RoleAssignment};
use crate::source::Node;

/// `Assignments` of one privileged role. Only rows that name a principal are kept (ScubaGear
/// pads some exports with all-null placeholder rows).
pub fn assignments(
    role: &Obj<'_>,
    problems: &mut Vec<Problem>,
) -> Option<Loc<Vec<RoleAssignment>>> {
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
    for p in policies
        .iter_mut()
        .filter(|p| p.dialect == Dialect::ScubaGear)
    {
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
