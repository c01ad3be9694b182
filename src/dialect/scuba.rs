//! What a ScubaGear provider export says beyond the policy rules: the role's active
//! assignments (`Assignments`) and which users hold which roles (`privileged_users`).

use super::policy::policy;
use super::read::{Field, Obj, normalise_date};
use super::{DialectInfo, Document, Reader};
use crate::model::{
    Dialect, Holder, Loc, Policy, PolicyKind, Problem, Ptr, RoleAssignment, RoleHolders, RoleRef,
    Tally,
};
use crate::source::Node;
use std::collections::{HashMap, HashSet};

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
                scuba_excluded: None,
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

/// One entry of ScubaGear's `privileged_users`: `{DisplayName, OnPremisesImmutableId, roles}`
/// under the user's id.
struct PrivilegedUser {
    id: String,
    name: String,
    roles: Vec<String>,
    pointer: Ptr,
    synced: Option<Loc<bool>>,
    synced_assumed: bool,
}

fn privileged_users(users: &Field<'_>) -> Vec<PrivilegedUser> {
    let Some(members) = users.node.as_object() else {
        return Vec::new();
    };
    members
        .iter()
        .filter_map(|m| {
            m.value.as_object()?;
            // Built from the member itself: a look-up by key would scan every user for each.
            let f = Field {
                node: &m.value,
                ptr: super::read::child(&users.ptr, &m.key),
                span: super::read::report_span(&m.value, Some(&m.key_span)),
            };
            let o = Obj::new(f.clone());
            let roles = o
                .get("roles")
                .map(|r| {
                    r.node
                        .as_array()
                        .unwrap_or_default()
                        .iter()
                        .filter_map(Node::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            // ScubaGear's rego counts a user whose `OnPremisesImmutableId` is not null (an
            // absent key counts too: `not is_null(undefined)` holds).
            let field = o.get("OnPremisesImmutableId");
            let synced_assumed = field.is_none();
            let synced = Some(match field {
                Some(v) => Loc::new(!v.node.is_null(), v.into_at()),
                None => Loc::new(true, f.at()),
            });
            Some(PrivilegedUser {
                id: o.str("id").unwrap_or_else(|| m.key.to_string()),
                name: o.str("DisplayName").unwrap_or_else(|| m.key.to_string()),
                roles,
                pointer: f.at(),
                synced,
                synced_assumed,
            })
        })
        .collect()
}

const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";

fn is_ga(p: &Policy) -> bool {
    p.role.as_ref().is_some_and(|r| {
        r.id.as_deref()
            .is_some_and(|id| id.eq_ignore_ascii_case(GLOBAL_ADMINISTRATOR))
            || r.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case("Global Administrator"))
    })
}

/// A policy-shaped record for a role the export names only in `privileged_users` (or, for
/// Global Administrator, not at all): it carries who holds the role and no rules, so only the
/// rules about holders read it (as the directory's role schedules are read).
fn holder_record(file: usize, at: &Ptr, id: Option<&str>, name: &str) -> Policy {
    Policy {
        file,
        pointer: at.clone(),
        dialect: SCUBAGEAR,
        kind: PolicyKind::DirectoryRole,
        id: None,
        display_name: None,
        scope: Some("/".into()),
        role: Some(RoleRef {
            id: id.map(str::to_owned),
            name: Some(name.to_owned()),
            ..RoleRef::default()
        }),
        rules_pointer: at.clone(),
        rules_expanded: false,
        partial: true,
        last_modified: None,
        rules: Vec::new(),
        problems: Vec::new(),
        assignments: None,
        holders: None,
        unknown: Vec::new(),
    }
}

/// The principals ScubaGear's configuration excludes from MS.AAD.7.4 (permanent active
/// assignments): `scuba_config.Aad["MS.AAD.7.4v1"].RoleExclusions.Users` and `.Groups`, lower
/// case, with where each entry is. Keys are matched without regard to case (PowerShell's
/// configuration is case-insensitive).
fn role_exclusions(root: &Field<'_>) -> Vec<(String, Ptr)> {
    let Some(ex) = root
        .field("scuba_config")
        .and_then(|c| c.field("Aad"))
        .and_then(|a| a.field("MS.AAD.7.4v1"))
        .and_then(|c| c.field("RoleExclusions"))
    else {
        return Vec::new();
    };
    ["Users", "Groups"]
        .iter()
        .filter_map(|k| ex.field(k))
        .flat_map(|list| list.items())
        .filter_map(|item| {
            let id = item.node.as_str()?.trim().to_ascii_lowercase();
            (!id.is_empty()).then(|| (id, item.at()))
        })
        .collect()
}

/// Whether `service_plans` lists Microsoft Entra ID P2 (`AAD_PREMIUM_P2`), which PIM needs:
/// `Some(pointer)` of the list when it is there and lacks it, `None` when it has it or the export
/// has no such list. ScubaGear's exporter keeps only plans provisioned with `Success`; a plan
/// marked otherwise is not counted here either.
fn lacks_p2(root: &Field<'_>) -> Option<Ptr> {
    let plans = root.field("service_plans")?;
    plans.node.as_array()?;
    let has = plans.items().iter().any(|plan| {
        let o = Obj::new(plan.clone());
        o.str("ServicePlanName")
            .is_some_and(|n| n.eq_ignore_ascii_case("AAD_PREMIUM_P2"))
            && o.str("ProvisioningStatus")
                .is_none_or(|s| s.eq_ignore_ascii_case("Success"))
    });
    (!has).then(|| plans.at())
}

/// What a ScubaGear provider export (a document with `privileged_roles` or `privileged_users`
/// at its root) says beyond each role's rules:
/// - who holds each role (`privileged_users`, users reached through groups included): each role
///   policy of the document gets its holders; a role named only there gets a record of its
///   own; Global Administrator always has one, whose count says how many hold it (none when
///   `privileged_users` is missing: ScubaGear then fails MS.AAD.7.1) and how many hold another
///   of the highly privileged roles but not it (MS.AAD.7.2);
/// - which principals the export's ScubaGear configuration excludes from MS.AAD.7.4;
/// - whether the tenant has Entra ID P2 (`service_plans`): without it a role's missing `Rules`
///   are the licence's doing, said once for the file (PIM016), not once per role.
pub fn tenant(file: usize, root: &Node, doc: &mut super::Document) {
    let top = Field::root(root, String::new());
    let (roles_f, users_f) = (top.field("privileged_roles"), top.field("privileged_users"));
    if roles_f.is_none() && users_f.is_none() {
        return;
    }
    doc.no_p2 = lacks_p2(&top);
    let excluded: HashMap<String, Ptr> = role_exclusions(&top).into_iter().rev().collect();
    let users = users_f.as_ref().map(privileged_users);
    let ours = |p: &Policy| p.dialect == SCUBAGEAR && p.kind == PolicyKind::DirectoryRole;
    for p in doc.policies.iter_mut().filter(|p| ours(p)) {
        if doc.no_p2.is_some() && !p.rules_expanded {
            p.partial = true;
        }
        if let Some(list) = p.assignments.as_mut() {
            for a in &mut list.value {
                a.scuba_excluded = a
                    .principal_id
                    .as_deref()
                    .and_then(|id| excluded.get(&id.to_ascii_lowercase()))
                    .cloned();
            }
        }
    }
    // Records for the roles `privileged_users` names that have no policy here, and for Global
    // Administrator when nothing names it. Role names compare without regard to case; every
    // look-up is hashed, so a hostile export with many users and role names stays linear.
    let role_name = |p: &Policy| p.role.as_ref().and_then(|r| r.name.clone());
    let mut by_role: HashMap<String, Vec<usize>> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    for (i, u) in users.iter().flatten().enumerate() {
        for r in &u.roles {
            let held = by_role.entry(r.to_ascii_lowercase()).or_insert_with(|| {
                names.push(r.clone());
                Vec::new()
            });
            if held.last() != Some(&i) {
                held.push(i);
            }
        }
    }
    let at = users_f
        .as_ref()
        .or(roles_f.as_ref())
        .map_or_else(|| top.at(), Field::at);
    let known: HashSet<String> = doc
        .policies
        .iter()
        .filter(|p| ours(p))
        .filter_map(role_name)
        .map(|n| n.to_ascii_lowercase())
        .collect();
    for n in names {
        if !known.contains(&n.to_ascii_lowercase()) {
            let id = n
                .eq_ignore_ascii_case("Global Administrator")
                .then_some(GLOBAL_ADMINISTRATOR);
            doc.policies.push(holder_record(file, &at, id, &n));
        }
    }
    if !doc.policies.iter().any(|p| ours(p) && is_ga(p)) {
        doc.policies.push(holder_record(
            file,
            &at,
            Some(GLOBAL_ADMINISTRATOR),
            "Global Administrator",
        ));
    }
    let name_of: HashMap<String, String> = users
        .iter()
        .flatten()
        .map(|u| (u.id.to_ascii_lowercase(), u.name.clone()))
        .collect();
    let mut ga_counted = false;
    for p in doc.policies.iter_mut().filter(|p| ours(p)) {
        let ga = is_ga(p);
        let Some(users) = users.as_ref() else {
            if ga && !ga_counted {
                ga_counted = true;
                p.holders = Some(Loc::new(
                    RoleHolders {
                        tally: Some(Tally {
                            missing: true,
                            ..Tally::default()
                        }),
                        ..RoleHolders::default()
                    },
                    &at,
                ));
            }
            continue;
        };
        let Some(name) = role_name(p) else {
            continue;
        };
        let list: Vec<Holder> = by_role
            .get(&name.to_ascii_lowercase())
            .into_iter()
            .flatten()
            .filter_map(|&i| users.get(i))
            .map(|u| Holder {
                id: Some(u.id.clone()),
                name: u.name.clone(),
                pointer: u.pointer.clone(),
                synced: u.synced.clone(),
                synced_assumed: u.synced_assumed,
                everyday: None,
            })
            .collect();
        let mut h = RoleHolders {
            users: list,
            tally: None,
        };
        if ga && !ga_counted {
            ga_counted = true;
            let ga_holders: HashSet<usize> = by_role
                .get("global administrator")
                .into_iter()
                .flatten()
                .copied()
                .collect();
            let mut others: Vec<String> = users
                .iter()
                .enumerate()
                .filter(|(i, _)| !ga_holders.contains(i))
                .map(|(_, u)| u.name.clone())
                .collect();
            others.sort();
            others.dedup();
            h.tally = Some(Tally {
                holders: h.names(),
                others: Some(others),
                missing: false,
            });
        }
        p.holders = Some(Loc::new(h, &at));
        // The assignments' principals by the names `privileged_users` gives their ids.
        for a in p.assignments.iter_mut().flat_map(|l| l.value.iter_mut()) {
            if let Some(id) = a.principal_id.as_deref() {
                a.principal_name = name_of.get(&id.to_ascii_lowercase()).cloned();
            }
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
                unknown: Vec::new(),
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
        // A role of `privileged_roles` without `Rules` is a tenant without Entra ID P2 (the
        // exporter reads no PIM settings then): still a role, whose missing rules are reported.
        let in_export = f.ptr.starts_with("/privileged_roles/")
            && f.node.member("RoleTemplateId").is_some()
            && f.node.member("DisplayName").is_some();
        if (f.node.member("Rules").is_some() || in_export)
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
    fn an_export_gives_holders_exclusions_and_the_licence() {
        let text = r#"{
            "scuba_config": {"aad": {"MS.AAD.7.4V1": {"roleexclusions": {"Users": ["AE71E61C-F465-4DB6-8D26-5F3E52BDD800", null, ""]}}}},
            "privileged_users": {
                "u1": {"DisplayName": "Avery", "OnPremisesImmutableId": null, "roles": ["Global Administrator", "User Administrator"]},
                "u2": {"DisplayName": "Sam", "roles": ["User Administrator"]}
            },
            "privileged_roles": [
                {"DisplayName": "Global Administrator", "RoleTemplateId": "62e90394-69f5-4237-9190-012177145e10",
                 "Assignments": [{"PrincipalId": "ae71e61c-f465-4db6-8d26-5f3e52bdd800", "StartDateTime": null, "EndDateTime": null},
                                 {"PrincipalId": "bf000000-0000-4000-8000-000000000001", "StartDateTime": null, "EndDateTime": null}]}
            ],
            "service_plans": [{"ServicePlanName": "AAD_PREMIUM"}]
        }"#;
        let root = parse_text(text, Syntax::Json).expect("parses");
        let doc = crate::dialect::normalise(0, &root);
        assert_eq!(
            doc.no_p2.as_ref().map(|p| p.path.as_str()),
            Some("/service_plans")
        );
        // The role without `Rules` (no P2) is partial: PIM016 speaks for it, not PIM005.
        let ga = &doc.policies[0];
        assert!(ga.partial && !ga.rules_expanded);
        let excluded: Vec<bool> = ga
            .assignments
            .as_ref()
            .expect("assignments")
            .value
            .iter()
            .map(|a| a.scuba_excluded.is_some())
            .collect();
        assert_eq!(excluded, [true, false]);
        let tally = ga
            .holders
            .as_ref()
            .and_then(|h| h.value.tally.clone())
            .expect("Global Administrator is counted");
        assert_eq!(tally.holders, ["Avery"]);
        assert_eq!(tally.others, Some(vec!["Sam".to_owned()]));
        // User Administrator is named only in privileged_users: a holder record of its own.
        let ua = &doc.policies[1];
        assert_eq!(
            ua.role.as_ref().and_then(|r| r.name.as_deref()),
            Some("User Administrator")
        );
        let users = &ua.holders.as_ref().expect("holders").value.users;
        let synced: Vec<(bool, bool)> = users
            .iter()
            .map(|u| (u.synced.as_ref().is_some_and(|s| s.value), u.synced_assumed))
            .collect();
        assert_eq!(synced, [(false, false), (true, true)]);
        assert!(ua.holders.as_ref().is_some_and(|h| h.value.tally.is_none()));
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
