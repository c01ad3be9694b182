//! The resolve stage: what a normalised policy is about — its role's name and tier, the role a
//! bare policy gets from an assignment exported beside it, the tier a PIM-for-Groups group takes
//! from the roles it holds — and the directory's role schedules as policy-shaped records.

use crate::dialect::Link;
use crate::model::directory::{Directory, Schedule, Target};
use crate::model::{
    Holder, KnownBy, Loc, Policy, PolicyKind, RoleAssignment, RoleCatalog, RoleHolders, RoleRef,
    RuleId, RuleKind, Tally, Tier,
};
use std::collections::{HashMap, HashSet};

const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";

/// CISA's highly privileged roles besides Global Administrator (ScubaGear's
/// `DefaultPrivilegedRoles`, whose holders `privileged_users` lists): MS.AAD.7.2 compares the
/// Global Administrators with the users who hold one of these and not Global Administrator.
const HIGHLY_PRIVILEGED: &[&str] = &[
    "e8611ab8-c189-46e8-94e1-60213ab1f814", // Privileged Role Administrator
    "fe930be7-5e62-47db-91af-98c3a49a38b1", // User Administrator
    "f28a1f50-f6e7-4571-818b-6a12f2af6b6c", // SharePoint Administrator
    "29232cdf-9323-42fd-ade2-1d097af3e4de", // Exchange Administrator
    "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2", // Hybrid Identity Administrator
    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", // Application Administrator
    "158c047a-c907-4556-b7ef-446551a6b5f7", // Cloud Application Administrator
];

fn group_role_name(role_id: &str) -> Option<String> {
    match role_id {
        "member" => Some("Group membership".into()),
        "owner" => Some("Group ownership".into()),
        _ => None,
    }
}

/// Fills in the role's tier (and name, when the source gave only an id).
pub(crate) fn classify(p: &mut Policy, catalog: &RoleCatalog) {
    let scope = if p.kind == PolicyKind::Group {
        p.scope.clone()
    } else {
        None
    };
    if let Some(role) = &mut p.role {
        let (tier, known_name) =
            catalog.classify(role.id.as_deref(), role.name.as_deref(), scope.as_deref());
        role.tier = tier;
        if let Some((known, by)) = catalog.recognise(role.id.as_deref(), role.name.as_deref()) {
            role.known_by = Some(by);
            if by == KnownBy::Name {
                role.template_id = Some(known.id.clone());
            }
        }
        // A group that grants a role (ScubaGear `PIM Group` rules) is checked at that role's
        // tier when it is stronger than the group's own.
        if let Some(granted) = role.grants.as_deref_mut() {
            let (granted_tier, granted_name) =
                catalog.classify(granted.id.as_deref(), granted.name.as_deref(), None);
            granted.tier = granted_tier;
            if granted.name.is_none() {
                granted.name = granted_name;
            }
            if let Some((known, by)) =
                catalog.recognise(granted.id.as_deref(), granted.name.as_deref())
            {
                granted.known_by = Some(by);
                if by == KnownBy::Name {
                    granted.template_id = Some(known.id.clone());
                }
            }
            role.tier = match (role.tier, granted_tier) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        if role.name.is_none() {
            role.name = known_name.or_else(|| role.id.as_deref().and_then(group_role_name));
        }
        if let Some(id) = &role.id
            && id.contains('/')
        {
            role.id = Some(RoleCatalog::normalise_id(id));
        }
    }
}

/// The assignment lists of a run by policy id (as [`join_key`] writes it): for each, the links
/// to distinct roles, in the order they were read (a second link to the same role adds nothing).
pub(crate) fn links_by_policy(links: &[Link]) -> HashMap<String, Vec<&Link>> {
    let mut by_policy: HashMap<String, Vec<&Link>> = HashMap::new();
    for l in links {
        let roles = by_policy.entry(join_key(&l.policy_id)).or_default();
        if !roles.iter().any(|k| same_role(k, l)) {
            roles.push(l);
        }
    }
    by_policy
}

/// The key a policy id joins on: case-insensitive, and Graph's two spellings of one directory
/// policy, `Directory_<tenant>_<guid>` (a policy list) and `DirectoryRole_<tenant>_<guid>` (an
/// assignment list filtered by scope), are one key. Only that prefix is folded: any other id,
/// a bare `<tenant>_<guid>` included, keeps its own key.
pub(crate) fn join_key(id: &str) -> String {
    let lower = id.to_ascii_lowercase();
    match lower.strip_prefix("directoryrole_") {
        Some(rest) => format!("directory_{rest}"),
        None => lower,
    }
}

fn same_role(a: &Link, b: &Link) -> bool {
    RoleCatalog::normalise_id(&a.role_id)
        .eq_ignore_ascii_case(&RoleCatalog::normalise_id(&b.role_id))
}

/// A bare policy (a policy list exported without its assignments) with the role each link of
/// an assignment list of the same run names for its id: one copy per role the policy governs
/// (two assignments naming one policy with different roles are checked for each role), or the
/// policy alone when no link names it.
pub(crate) fn join_all(p: Policy, links: &HashMap<String, Vec<&Link>>) -> Vec<Policy> {
    let found = p.id.as_deref().and_then(|id| links.get(&join_key(id)));
    let Some(found) = found.filter(|l| !l.is_empty()) else {
        return vec![p];
    };
    let mut out: Vec<Policy> = found
        .iter()
        .skip(1)
        .map(|link| {
            let mut q = p.clone();
            join(&mut q, link);
            q
        })
        .collect();
    if let Some(first) = found.first() {
        let mut p = p;
        join(&mut p, first);
        out.insert(0, p);
    }
    out
}

/// Gives a bare policy the role a link names.
pub(crate) fn join(p: &mut Policy, link: &Link) {
    p.role = Some(RoleRef {
        id: Some(link.role_id.to_string()),
        name: link.role_name.as_deref().map(str::to_owned),
        tier: None,
        ..Default::default()
    });
    if p.kind == PolicyKind::Unknown {
        p.kind = link.kind;
    }
    if p.scope.is_none() {
        p.scope = link.scope.as_deref().map(str::to_owned);
    }
}

/// A PIM-for-Groups policy (member or owner) takes the tier of the strongest role the group
/// holds, eligible or active — a directory role, or an Azure role at any scope — when that is
/// stronger than the group's own: activating membership grants the role (or the eligibility
/// for it), and the owners of a role-assignable group decide who its members are. Every rule
/// then judges the group's policy at that tier.
pub(crate) fn raise_group_tier(p: &mut Policy, directory: &Directory, catalog: &RoleCatalog) {
    if p.kind != PolicyKind::Group
        || !p
            .role
            .as_ref()
            .and_then(|r| r.id.as_deref())
            .is_some_and(|id| id.eq_ignore_ascii_case("member") || id.eq_ignore_ascii_case("owner"))
    {
        return;
    }
    let Some(group) = p.scope.clone() else {
        return;
    };
    let group = group.as_str();
    if let (Some(r), Some(g)) = (p.role.as_mut(), directory.group(group)) {
        r.group_name.clone_from(&g.display_name);
    }
    let strongest = directory
        .roles_held_by(group)
        .iter()
        .filter_map(|r| catalog.classify(Some(r), None, None).0)
        .min(); // Tier orders tier0 < privileged < standard
    let Some(strongest) = strongest else { return };
    if let Some(r) = p.role.as_mut()
        && strongest < r.tier.unwrap_or(Tier::Standard)
    {
        r.tier = Some(strongest);
    }
}

/// Names the principals of a policy's assignments from the directory (a user's display name and
/// UPN, a group's display name), so messages, ignores and emergency accounts can use them.
pub(crate) fn name_principals(p: &mut Policy, directory: &Directory) {
    let Some(list) = p.assignments.as_mut() else {
        return;
    };
    for a in &mut list.value {
        let Some(id) = a.principal_id.as_deref() else {
            continue;
        };
        if let Some(u) = directory.user(id) {
            a.principal_name.clone_from(&u.display_name);
            a.principal_upn.clone_from(&u.upn);
        } else if let Some(g) = directory.group(id) {
            a.principal_name.clone_from(&g.display_name);
        }
    }
}

/// Policies the directory rules and the approver report look at: those requiring approval, and
/// every directory-role, Azure-role and PIM-for-Groups policy (PIM501 compares them).
pub(crate) fn wants_context(p: &Policy) -> bool {
    matches!(
        p.kind,
        PolicyKind::DirectoryRole | PolicyKind::Group | PolicyKind::AzureResource
    ) || p
        .approval()
        .is_some_and(|(_, a)| a.is_approval_required.as_ref().is_some_and(|r| r.value))
}

/// A copy with only what the run-level rules and the approver report read: approval,
/// authentication context and the activation (end user) rules — and, when the policy is
/// `compared` with another (PIM502, PIM601), every rule the ordering of
/// [`crate::model::compare`] reads.
pub(crate) fn slim(p: &Policy, compared: bool) -> Policy {
    Policy {
        file: p.file,
        pointer: p.pointer.clone(),
        dialect: p.dialect,
        kind: p.kind,
        id: p.id.clone(),
        display_name: p.display_name.clone(),
        scope: p.scope.clone(),
        role: p.role.clone(),
        rules_pointer: p.rules_pointer.clone(),
        rules_expanded: p.rules_expanded,
        partial: p.partial,
        last_modified: p.last_modified.clone(),
        problems: Vec::new(),
        assignments: None,
        holders: None,
        unknown: Vec::new(),
        rules: p
            .rules
            .iter()
            .filter(|r| {
                r.known.is_some_and(|k| {
                    (compared && crate::model::compare::reads(k))
                        || matches!(
                            k.kind(),
                            RuleKind::Approval | RuleKind::AuthenticationContext
                        )
                        || k == RuleId::EnablementEndUserAssignment
                        || k == RuleId::ExpirationEndUserAssignment
                })
            })
            .cloned()
            .collect(),
    }
}

/// The policy of a request's role among the policies the run kept: a directory role by its id
/// or template id, a PIM-for-Groups request by group and access (`member`, `owner`).
pub(crate) fn policy_of_request<'p>(
    r: &crate::model::directory::Request,
    kept: &'p [Policy],
) -> Option<&'p Policy> {
    let same = |a: &str, b: &str| RoleCatalog::normalise_id(a) == RoleCatalog::normalise_id(b);
    kept.iter().find(|p| {
        let Some(role) = &p.role else { return false };
        let ids = || role.id.iter().chain(role.template_id.iter());
        match &r.target {
            Target::DirectoryRole(id) => {
                p.kind == PolicyKind::DirectoryRole && ids().any(|x| same(x, id))
            }
            Target::Group { group, access } => {
                p.kind == PolicyKind::Group
                    && p.scope.as_deref().is_some_and(|s| same(s, group))
                    && ids().any(|x| x.eq_ignore_ascii_case(access))
            }
            Target::AzureRole { .. } => false,
        }
    })
}

/// A policy-shaped record for a request whose role has no policy in the run: the role and its
/// tier from the catalogue (and the directory's role names), no rules — so the request rules that
/// need only the role (PIM704, PIM706, PIM707) still run.
pub(crate) fn request_stub(
    r: &crate::model::directory::Request,
    directory: &Directory,
    catalog: &RoleCatalog,
) -> Policy {
    let (kind, id, scope) = match &r.target {
        Target::DirectoryRole(id) => (PolicyKind::DirectoryRole, id.clone(), "/".to_owned()),
        Target::Group { group, access } => (PolicyKind::Group, access.clone(), group.clone()),
        Target::AzureRole { role, scope } => {
            (PolicyKind::AzureResource, role.clone(), scope.clone())
        }
    };
    let name = directory
        .role_names
        .get(&RoleCatalog::normalise_id(&id))
        .cloned();
    let mut p = Policy {
        file: r.at.file,
        pointer: r.at.pointer.clone(),
        dialect: crate::dialect::GRAPH,
        kind,
        id: None,
        display_name: None,
        scope: Some(scope),
        role: Some(RoleRef {
            id: Some(id),
            name,
            ..RoleRef::default()
        }),
        rules_pointer: r.at.pointer.clone(),
        rules_expanded: true,
        partial: true,
        last_modified: None,
        problems: Vec::new(),
        assignments: None,
        holders: None,
        unknown: Vec::new(),
        rules: Vec::new(),
    };
    classify(&mut p, catalog);
    p
}

/// The directory's role schedules as policy-shaped records, one per (role, file), so the
/// assignment-data rules (PIM310–PIM315) read them like ScubaGear's `Assignments`.
pub(crate) fn schedule_policies(directory: &Directory) -> Vec<Policy> {
    let mut groups: Vec<((Target, usize), Vec<&Schedule>)> = Vec::new();
    let mut index: HashMap<(Target, usize), usize> = HashMap::new();
    for s in &directory.schedules {
        let key = (s.target.clone(), s.at.file);
        match index.get(&key) {
            Some(&i) => groups[i].1.push(s),
            None => {
                index.insert(key.clone(), groups.len());
                groups.push((key, vec![s]));
            }
        }
    }
    let mut ga_done = false;
    groups
        .into_iter()
        .map(|((target, file), schedules)| {
            let (kind, role_id, scope, dialect) = match &target {
                Target::DirectoryRole(r) => (
                    PolicyKind::DirectoryRole,
                    r.clone(),
                    "/".to_owned(),
                    crate::dialect::GRAPH,
                ),
                Target::Group { group, access } => (
                    PolicyKind::Group,
                    access.clone(),
                    group.clone(),
                    crate::dialect::GRAPH,
                ),
                Target::AzureRole { role, scope } => (
                    PolicyKind::AzureResource,
                    role.clone(),
                    scope.clone(),
                    crate::dialect::ARM,
                ),
            };
            let first = schedules
                .first()
                .map(|s| s.at.pointer.clone())
                .unwrap_or_default();
            let name = directory
                .role_names
                .get(&RoleCatalog::normalise_id(&role_id))
                .cloned();
            let role_key = RoleCatalog::normalise_id(&role_id);
            let is_ga = role_key == GLOBAL_ADMINISTRATOR;
            // Every holder whose schedule is in this file, once, at that schedule: the rules
            // about each account (PIM316, PIM317) report it there.
            let mut seen: HashSet<String> = HashSet::new();
            let users: Vec<Holder> = directory
                .holders(&target)
                .into_iter()
                .filter(|(_, s)| s.at.file == file)
                .filter(|(r, _)| seen.insert(r.user_id.to_ascii_lowercase()))
                .map(|(r, s)| {
                    let user = directory.user(&r.user_id);
                    Holder {
                        id: Some(r.user_id.clone()),
                        name: user.map_or_else(|| r.user_id.clone(), |u| u.label()),
                        pointer: s.at.pointer.clone(),
                        synced: user
                            .and_then(|u| u.on_premises_sync)
                            .map(|b| Loc::new(b, &s.at.pointer)),
                        synced_assumed: false,
                        everyday: user.and_then(|u| u.everyday.clone()),
                    }
                })
                .collect();
            // The count (PIM312, PIM318) on the first Global Administrator record: every holder,
            // whichever file their schedule is in.
            let tally = (is_ga && !ga_done).then(|| {
                ga_done = true;
                let label = |user_id: &str| {
                    directory
                        .user(user_id)
                        .map_or_else(|| user_id.to_owned(), |u| u.label())
                };
                let ga: Vec<(String, String)> = directory
                    .holders(&target)
                    .into_iter()
                    .map(|(r, _)| (r.user_id.to_ascii_lowercase(), label(&r.user_id)))
                    .collect();
                let mut holders: Vec<String> = ga.iter().map(|(_, n)| n.clone()).collect();
                holders.sort();
                holders.dedup();
                let ga_ids: HashSet<&str> = ga.iter().map(|(id, _)| id.as_str()).collect();
                let mut others: Vec<String> = HIGHLY_PRIVILEGED
                    .iter()
                    .flat_map(|id| directory.holders(&Target::DirectoryRole((*id).to_owned())))
                    .filter(|(r, _)| !ga_ids.contains(r.user_id.to_ascii_lowercase().as_str()))
                    .map(|(r, _)| label(&r.user_id))
                    .collect();
                others.sort();
                others.dedup();
                Tally {
                    holders,
                    others: Some(others),
                    missing: false,
                }
            });
            let holders = Some(Loc::new(RoleHolders { users, tally }, &first));
            let assignments = schedules
                .iter()
                .map(|s| RoleAssignment {
                    pointer: s.at.pointer.clone(),
                    principal_id: s.principal_id.clone(),
                    start: s.start.clone(),
                    end: s.end.clone(),
                    end_pointer: s.end_pointer.clone(),
                    start_pointer: s.start_pointer.clone(),
                    assignment_type: s.assignment_type.clone(),
                    scuba_excluded: None,
                    grant: s.grant,
                    principal_kind: s.principal_kind,
                    condition: s.condition.clone(),
                    principal_name: None,
                    principal_upn: None,
                })
                .collect();
            Policy {
                file,
                pointer: first.clone(),
                dialect,
                kind,
                id: None,
                display_name: None,
                scope: Some(scope),
                role: Some(RoleRef {
                    id: Some(role_id),
                    name,
                    tier: None,
                    ..Default::default()
                }),
                rules_pointer: first.clone(),
                rules_expanded: false,
                partial: true,
                last_modified: None,
                rules: Vec::new(),
                problems: Vec::new(),
                assignments: Some(Loc::new(assignments, first)),
                holders,
                unknown: Vec::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::join_key;
    use crate::model::directory::{At, Directory, Grant, PrincipalKind, Schedule, Target};
    use crate::model::{Policy, PolicyKind, RoleRef, Tier};

    fn group_policy(access: &str, group: &str) -> Policy {
        let text = format!(
            r#"{{"scopeId": "{group}", "scopeType": "Group", "roleDefinitionId": "{access}", "policyId": "Group_{group}_p", "policy": {{"rules": []}}}}"#
        );
        let root = crate::source::parse_text(&text, crate::source::Syntax::Json).expect("parses");
        let mut doc = crate::dialect::normalise(0, &root);
        doc.policies.pop().expect("a policy")
    }

    fn holding(group: &str, target: Target, grant: Grant) -> Directory {
        let mut dir = Directory::default();
        dir.schedules = vec![Schedule {
            grant,
            target,
            principal_id: Some(group.into()),
            principal_kind: Some(PrincipalKind::Group),
            start: None,
            end: None,
            start_pointer: Default::default(),
            end_pointer: Default::default(),
            assignment_type: None,
            condition: None,
            at: At {
                file: 0,
                pointer: Default::default(),
            },
        }];
        dir.kinds.insert("schedules");
        dir
    }

    #[test]
    fn member_and_owner_policies_take_the_tier_of_any_role_the_group_holds() {
        let catalog = crate::roles::builtin_roles().expect("built-in roles");
        let owner_role = Target::AzureRole {
            role: "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635".into(),
            scope: "/subscriptions/s".into(),
        };
        let ga = Target::DirectoryRole("62e90394-69f5-4237-9190-012177145e10".into());
        let reader = Target::DirectoryRole("790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b".into());
        for (target, grant, want) in [
            (owner_role, Grant::Eligible, Some(Tier::Tier0)),
            (ga, Grant::Active, Some(Tier::Tier0)),
            (reader, Grant::Active, Some(Tier::Standard)),
        ] {
            let dir = holding("G1", target.clone(), grant);
            for access in ["member", "owner"] {
                let mut p = group_policy(access, "g1");
                assert_eq!(p.kind, PolicyKind::Group);
                super::classify(&mut p, &catalog);
                super::raise_group_tier(&mut p, &dir, &catalog);
                assert_eq!(p.tier(), want, "{access} of a group holding {target:?}");
            }
        }
        // Another group's roles, or a policy that is no group's, change nothing.
        let dir = holding(
            "other",
            Target::DirectoryRole("62e90394-69f5-4237-9190-012177145e10".into()),
            Grant::Active,
        );
        let mut p = group_policy("member", "g1");
        super::classify(&mut p, &catalog);
        super::raise_group_tier(&mut p, &dir, &catalog);
        assert_eq!(p.tier(), Some(Tier::Standard));
        let mut q = p.clone();
        q.kind = PolicyKind::DirectoryRole;
        q.role = Some(RoleRef {
            id: Some("member".into()),
            tier: Some(Tier::Standard),
            ..Default::default()
        });
        q.scope = Some("other".into());
        super::raise_group_tier(&mut q, &dir, &catalog);
        assert_eq!(q.tier(), Some(Tier::Standard));
    }

    #[test]
    fn directory_and_directory_role_ids_share_a_join_key_and_nothing_else_does() {
        let t = "3c1f8e2a-5b7d-4e90-a6c4-9d2b7f1e0a53_6b1f0e2d-4c3a-4f5e-9d8c-7a6b5c4d3e2f";
        let key = join_key(&format!("Directory_{t}"));
        assert_eq!(join_key(&format!("DirectoryRole_{t}")), key);
        assert_eq!(
            join_key(&format!("DIRECTORYROLE_{}", t.to_uppercase())),
            key
        );
        assert_ne!(join_key(t), key);
        assert_ne!(join_key(&format!("Group_{t}")), key);
        assert_ne!(join_key(&format!("DirectoryRoles_{t}")), key);
    }
}
