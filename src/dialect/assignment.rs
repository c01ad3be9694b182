//! Policy assignments: the documents that say which role a policy governs. Graph (and the
//! PowerShell SDK) `{policyId, roleDefinitionId, policy}`, with the policy expanded or not; ARM
//! `properties.{policyId, roleDefinitionId, effectiveRules, policyAssignmentProperties}`.

use super::policy::{POWERSHELL, graph_kind, has_rules_array, policy};
use super::read::{self, Field, Obj};
use super::{DialectInfo, Document, Link, Reader};
use crate::model::intern::intern;

/// A byte range in 32 bits (inputs are at most 1 GiB).
fn span32(r: &std::ops::Range<usize>) -> std::ops::Range<u32> {
    let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    n(r.start)..n(r.end)
}
use crate::model::{Dialect, PolicyKind, Problem, RoleRef};

pub const GRAPH_ASSIGNMENT: Dialect = Dialect("graph-assignment");
pub const ARM_ASSIGNMENT: Dialect = Dialect("arm-assignment");

/// Graph `unifiedRoleManagementPolicyAssignment` (or its PowerShell SDK form).
pub struct GraphAssignment;

impl Reader for GraphAssignment {
    fn dialects(&self) -> &'static [DialectInfo] {
        &[DialectInfo {
            dialect: GRAPH_ASSIGNMENT,
            describe: "Graph role management policy assignment",
        }]
    }

    fn read(&self, file: usize, f: &Field<'_>, doc: &mut Document) -> bool {
        // Graph (or PowerShell) policy assignment: {policyId, roleDefinitionId, [policy]}.
        let obj = Obj::new(f.clone());
        if let (Some(policy_id), Some(role_id)) = (obj.str("policyId"), obj.str("roleDefinitionId"))
        {
            let scope = obj.str("scopeId");
            let kind = graph_kind(obj.str("scopeType").as_deref(), Some(&policy_id));
            let at = obj
                .get("roleDefinitionId")
                .map_or_else(|| f.at(), |r| r.into_at());
            doc.links.push(Link {
                policy_id: policy_id.as_str().into(),
                role_id: intern(&role_id),
                role_name: None,
                scope: scope.as_deref().map(intern),
                kind,
                file,
                at_path: intern(&at.path),
                at_span: span32(&at.span),
                position: None,
                expanded: false,
            });
            // The assignment's own fields; its expanded policy is read (and checked) below.
            let mut problems = Vec::new();
            read::ambiguities(f, Some("policy"), &mut problems);
            let expanded = obj.value("policy");
            if let Some(link) = doc.links.last_mut() {
                link.expanded = expanded
                    .as_ref()
                    .is_some_and(|p| p.node.as_object().is_some());
            }
            if let Some(p) = expanded.as_ref().filter(|p| p.node.as_object().is_none()) {
                problems.push(Problem::new(
                    p.at(),
                    format!(
                        "`{}` must be an object (the policy, exported with `$expand=policy($expand=rules)`), found {}: the policy is not read",
                        p.ptr.rsplit('/').next().unwrap_or("policy"),
                        p.node.value.type_name()
                    ),
                ));
            }
            if let Some(expanded) = expanded.filter(|p| p.node.as_object().is_some()) {
                let role = RoleRef {
                    id: Some(role_id),
                    name: None,
                    tier: None,
                    ..Default::default()
                };
                let powershell = f.node.member("Policy").is_some();
                let mut p = policy(
                    file,
                    expanded,
                    if powershell {
                        POWERSHELL
                    } else {
                        GRAPH_ASSIGNMENT
                    },
                    Some(role),
                );
                if p.scope.is_none() {
                    p.scope = scope;
                }
                if p.kind == PolicyKind::Unknown {
                    p.kind = kind;
                }
                p.problems.append(&mut problems);
                doc.policies.push(p);
            }
            doc.link_problems.append(&mut problems);
            return true;
        }
        false
    }
}

/// ARM `roleManagementPolicyAssignments` (with `effectiveRules`).
pub struct ArmAssignment;

impl Reader for ArmAssignment {
    fn dialects(&self) -> &'static [DialectInfo] {
        &[DialectInfo {
            dialect: ARM_ASSIGNMENT,
            describe: "ARM role management policy assignment",
        }]
    }

    fn read(&self, file: usize, f: &Field<'_>, doc: &mut Document) -> bool {
        let props = f
            .field("properties")
            .filter(|p| p.node.as_object().is_some());
        // ARM policy assignment: properties.{policyId, roleDefinitionId, effectiveRules, policyAssignmentProperties}.
        if let Some(props) = &props {
            let pobj = Obj::new(props.clone());
            if let (Some(policy_id), Some(role_id)) =
                (pobj.str("policyId"), pobj.str("roleDefinitionId"))
            {
                let role_def = pobj
                    .value("policyAssignmentProperties")
                    .and_then(|p| p.field("roleDefinition"));
                let role_name = role_def
                    .as_ref()
                    .and_then(|r| r.field("displayName"))
                    .and_then(|n| n.node.as_str().map(str::to_owned));
                let scope = pobj.str("scope");
                let at = pobj
                    .get("roleDefinitionId")
                    .map_or_else(|| props.at(), |r| r.into_at());
                doc.links.push(Link {
                    policy_id: policy_id.as_str().into(),
                    role_id: intern(&role_id),
                    role_name: role_name.as_deref().map(intern),
                    scope: scope.as_deref().map(intern),
                    kind: PolicyKind::AzureResource,
                    file,
                    at_path: intern(&at.path),
                    at_span: span32(&at.span),
                    position: None,
                    expanded: has_rules_array(props),
                });
                if !has_rules_array(props) {
                    read::ambiguities(f, None, &mut doc.link_problems);
                } else {
                    let role = RoleRef {
                        id: Some(role_id),
                        name: role_name,
                        tier: None,
                        ..Default::default()
                    };
                    let mut p = policy(file, f.clone(), ARM_ASSIGNMENT, Some(role));
                    p.kind = PolicyKind::AzureResource;
                    p.id = Some(policy_id);
                    p.scope = scope.or(p.scope);
                    doc.policies.push(p);
                }
                return true;
            }
        }
        false
    }
}
