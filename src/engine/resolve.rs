//! The resolve stage: what a normalised policy is about — its role's name and tier, the role a
//! bare policy gets from an assignment exported beside it, the tier a PIM-for-Groups group takes
//! from the roles it holds — and the directory's role schedules as policy-shaped records.

use crate::dialect::Link;
use crate::model::directory::{Directory, Schedule, Target};
use crate::model::{
    KnownBy, Loc, Policy, PolicyKind, RoleAssignment, RoleCatalog, RoleRef, RuleId, RuleKind, Tier,
};
use std::collections::HashMap;

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

/// For a group's member policy: a copy with the tier of the strongest role the group holds
/// (eligible or active), when that is stronger than the group's own tier.
pub(crate) fn group_uplift(
    p: &Policy,
    directory: &Directory,
    catalog: &RoleCatalog,
) -> Option<Policy> {
    if p.kind != PolicyKind::Group
        || p.role.as_ref().and_then(|r| r.id.as_deref()) != Some("member")
    {
        return None;
    }
    let strongest = directory
        .roles_held_by(p.scope.as_deref()?)
        .iter()
        .filter_map(|r| catalog.classify(Some(r), None, None).0)
        .min()?; // Tier orders tier0 < privileged < standard
    let current = p.tier().unwrap_or(Tier::Standard);
    (strongest < current).then(|| {
        let mut q = p.clone();
        if let Some(r) = q.role.as_mut() {
            r.tier = Some(strongest);
        }
        q
    })
}

/// Policies the directory rules and the approver report look at: those requiring approval, and
/// every directory-role and PIM-for-Groups policy (PIM501 compares them).
pub(crate) fn wants_context(p: &Policy) -> bool {
    matches!(p.kind, PolicyKind::DirectoryRole | PolicyKind::Group)
        || p.approval()
            .is_some_and(|(_, a)| a.is_approval_required.as_ref().is_some_and(|r| r.value))
}

/// A copy with only what the run-level rules and the approver report read: approval,
/// authentication context and the activation (end user) rules.
pub(crate) fn slim(p: &Policy) -> Policy {
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
        rules: p
            .rules
            .iter()
            .filter(|r| {
                r.known.is_some_and(|k| {
                    matches!(
                        k.kind(),
                        RuleKind::Approval | RuleKind::AuthenticationContext
                    ) || k == RuleId::EnablementEndUserAssignment
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
            let is_ga =
                RoleCatalog::normalise_id(&role_id) == "62e90394-69f5-4237-9190-012177145e10";
            let holders = (is_ga && !ga_done).then(|| {
                ga_done = true;
                let mut names: Vec<String> = directory
                    .holders(&target)
                    .into_iter()
                    .map(|(r, _)| {
                        directory
                            .user(&r.user_id)
                            .map_or_else(|| r.user_id.clone(), |u| u.label())
                    })
                    .collect();
                names.sort();
                names.dedup();
                Loc::new(names, &first)
            });
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
                    grant: s.grant,
                    principal_kind: s.principal_kind,
                    condition: s.condition.clone(),
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
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::join_key;

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
