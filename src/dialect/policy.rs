//! Role management policies: Graph `unifiedRoleManagementPolicy` (camelCase, `@odata.type` on
//! rules), ARM `Microsoft.Authorization/roleManagementPolicies` (`properties.rules`, `ruleType`)
//! and the Graph PowerShell SDK's `ConvertTo-Json` output (PascalCase, rule data under
//! `AdditionalProperties`) — one normaliser, since they differ only in what [`super::read`]
//! already absorbs. A policy exported without `$expand=rules` is read too (PIM005 reports it).

use super::assignment::{ARM_ASSIGNMENT, GRAPH_ASSIGNMENT};
use super::read::{self, Field, Obj};
use super::rule;
use super::scuba::SCUBAGEAR;
use super::{DialectInfo, Document, Reader};
use crate::model::{Dialect, Policy, PolicyKind, Problem, ProblemKind, RoleRef};

pub const GRAPH: Dialect = Dialect("graph");
pub const ARM: Dialect = Dialect("arm");
pub const POWERSHELL: Dialect = Dialect("powershell");

pub struct Policies;

impl Reader for Policies {
    fn dialects(&self) -> &'static [DialectInfo] {
        &[
            DialectInfo {
                dialect: GRAPH,
                describe: "Graph role management policy",
            },
            DialectInfo {
                dialect: ARM,
                describe: "ARM role management policy",
            },
            DialectInfo {
                dialect: POWERSHELL,
                describe: "Graph PowerShell SDK export",
            },
        ]
    }

    fn read(&self, file: usize, f: &Field<'_>, doc: &mut Document) -> bool {
        let props = f
            .field("properties")
            .filter(|p| p.node.as_object().is_some());
        let obj = Obj::new(f.clone());
        // A policy: rules or effectiveRules, directly or under ARM `properties`.
        if has_rules_array(f) || props.as_ref().is_some_and(has_rules_array) {
            let p = policy(file, f.clone(), GRAPH, None);
            doc.policies.push(p);
            return true;
        }

        // A policy exported without `$expand=rules` (PIM005).
        let graph_policy = obj.has_value("scopeType") && obj.has_value("isOrganizationDefault");
        let arm_policy = obj.str("type").is_some_and(|t| {
            t.eq_ignore_ascii_case("Microsoft.Authorization/roleManagementPolicies")
        });
        if graph_policy || arm_policy {
            let p = policy(file, f.clone(), if arm_policy { ARM } else { GRAPH }, None);
            doc.policies.push(p);
            return true;
        }
        false
    }
}

pub(crate) fn has_rules_array(o: &Field<'_>) -> bool {
    ["rules", "effectiveRules"]
        .iter()
        .any(|k| o.field(k).is_some_and(|r| r.node.as_array().is_some()))
}

pub(crate) fn graph_kind(scope_type: Option<&str>, id: Option<&str>) -> PolicyKind {
    let st = scope_type.unwrap_or_default();
    let id = id.unwrap_or_default();
    if st.eq_ignore_ascii_case("Group") || id.starts_with("Group_") {
        PolicyKind::Group
    } else if st.eq_ignore_ascii_case("DirectoryRole")
        || st.eq_ignore_ascii_case("Directory")
        || id.starts_with("DirectoryRole_")
        || id.starts_with("Directory_")
    {
        PolicyKind::DirectoryRole
    } else if id.starts_with('/') {
        PolicyKind::AzureResource
    } else {
        PolicyKind::Unknown
    }
}

/// Normalises one policy object (Graph, ARM, PowerShell or ScubaGear role).
pub(crate) fn policy(file: usize, f: Field<'_>, hint: Dialect, role: Option<RoleRef>) -> Policy {
    let mut problems: Vec<Problem> = Vec::new();
    read::ambiguities(&f, None, &mut problems);
    let top = Obj::new(f.clone());
    let arm_props = f
        .field("properties")
        .filter(|p| p.node.as_object().is_some());
    let body = arm_props
        .clone()
        .map(Obj::new)
        .unwrap_or_else(|| Obj::new(f.clone()));

    // Prefer `rules` (what the policy sets); fall back to `effectiveRules` (ARM assignments).
    let rules_field = ["rules", "effectiveRules"]
        .iter()
        .filter_map(|k| body.value(k))
        .find(|r| r.node.as_array().is_some_and(|a| !a.is_empty()))
        .or_else(|| body.value("rules"))
        .or_else(|| body.value("effectiveRules"));
    let (rules_pointer, rules_expanded, rules) = match &rules_field {
        Some(rf) if rf.node.as_array().is_some() => {
            let rules = rf
                .items()
                .into_iter()
                .filter_map(|item| {
                    if item.node.as_object().is_some() {
                        Some(rule::rule(item, &mut problems))
                    } else {
                        problems.push(Problem {
                            kind: ProblemKind::WrongType,
                            pointer: item.at(),
                            message: format!(
                                "a rule must be an object, found {}",
                                item.node.value.type_name()
                            ),
                        });
                        None
                    }
                })
                .collect();
            (rf.at(), true, rules)
        }
        Some(rf) => {
            problems.push(Problem {
                kind: ProblemKind::WrongType,
                pointer: rf.at(),
                message: format!(
                    "`rules` must be an array, found {}",
                    rf.node.value.type_name()
                ),
            });
            (rf.at(), true, Vec::new())
        }
        None => (f.at(), false, Vec::new()),
    };

    let id = top.str("id").or_else(|| top.str("name"));
    let mut dialect = hint;
    let any_ps = f.node.member("Rules").is_some()
        || f.node.member("Id").is_some()
        || rules.iter().any(|r| {
            r.pointer.path.contains("/AdditionalProperties") || r.id.pointer.path.ends_with("/Id")
        });
    let any_arm = arm_props.is_some()
        || rules.iter().any(|r| {
            r.discriminator
                .as_ref()
                .is_some_and(|d| !d.value.starts_with('#'))
        });
    if hint == GRAPH && any_arm {
        dialect = ARM;
    }
    if matches!(hint, GRAPH | GRAPH_ASSIGNMENT) && any_ps {
        dialect = POWERSHELL;
    }

    let scope_type = body.str("scopeType");
    let mut kind = graph_kind(scope_type.as_deref(), id.as_deref());
    if matches!(dialect, ARM | ARM_ASSIGNMENT) {
        kind = PolicyKind::AzureResource;
    }
    let scope = body
        .str("scope")
        .or_else(|| body.str("scopeId"))
        .or_else(|| {
            id.as_deref()
                .filter(|i| i.starts_with('/'))
                .and_then(arm_scope_of)
        });
    let last_modified = body
        .str("lastModifiedDateTime")
        .map(|d| read::normalise_date(&d));
    // Request bodies and templates carry no id: rules they leave out are unchanged, not missing.
    let partial = id.is_none() && dialect != SCUBAGEAR;
    Policy {
        file,
        pointer: f.at(),
        dialect,
        kind,
        id,
        display_name: body.str("displayName").or_else(|| top.str("displayName")),
        scope,
        role,
        rules_pointer,
        rules_expanded,
        partial,
        last_modified,
        rules,
        problems,
        assignments: None,
        holders: None,
        unknown: Vec::new(),
    }
}

/// `/subscriptions/x/providers/Microsoft.Authorization/roleManagementPolicies/y` → `/subscriptions/x`.
fn arm_scope_of(id: &str) -> Option<String> {
    let lower = id.to_ascii_lowercase();
    let cut = lower.find("/providers/microsoft.authorization/")?;
    let scope = &id[..cut];
    let scope = scope
        .strip_prefix("/providers/Microsoft.Subscription")
        .unwrap_or(scope);
    Some(if scope.is_empty() {
        "/".into()
    } else {
        scope.to_owned()
    })
}
