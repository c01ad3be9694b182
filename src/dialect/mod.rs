//! Dialect detection and normalisation: a parsed tree → [`Document`] of model policies.
//!
//! One normaliser serves every policy dialect: Graph, ARM and the PowerShell SDK differ in key
//! case, the rule discriminator (`@odata.type`/`ruleType`), where rule data sits
//! (`AdditionalProperties`) and approver shapes — all handled by [`read`]. The walker below only
//! decides *where* policies are in a document and what it knows about their role.

mod directory;
mod read;
mod rule;
mod scuba;

use crate::model::{Dialect, Policy, PolicyKind, Problem, RoleRef};
use crate::source::Node;
use read::{Field, Obj, child};

/// The dialect names pack selectors (`dialects:`) and reports use, e.g. `graph`, `arm`.
pub fn names() -> impl Iterator<Item = &'static str> {
    use Dialect::*;
    [
        Graph,
        GraphAssignment,
        Arm,
        ArmAssignment,
        PowerShell,
        ScubaGear,
    ]
    .into_iter()
    .map(crate::model::view::dialect_name)
}

/// Whether `name` is a dialect name (pack selectors are checked with it).
pub fn is_known(name: &str) -> bool {
    names().any(|n| n == name)
}

/// A policy assignment that only links a policy to its role (no expanded policy). Used to join
/// a bare policy list with an assignment list exported beside it.
#[derive(Debug, Clone)]
pub struct Link {
    pub policy_id: String,
    pub role_id: String,
    pub role_name: Option<String>,
    pub scope: Option<String>,
    pub kind: PolicyKind,
}

#[derive(Debug, Default)]
pub struct Document {
    pub policies: Vec<Policy>,
    pub links: Vec<Link>,
    /// Names of the dialects seen, for `--verbose`.
    pub dialects: Vec<Dialect>,
    /// Directory context records (users, groups, schedules, role definitions).
    pub directory: crate::model::directory::Directory,
}

impl Document {
    /// The document holds something pim-lint understands.
    pub fn recognised(&self) -> bool {
        !self.policies.is_empty() || !self.links.is_empty() || !self.directory.is_empty()
    }
}

/// How deep the walker looks for policies inside wrappers (`value`, `responses.200.body`,
/// `privileged_roles`, …).
const MAX_WALK_DEPTH: usize = 5;

/// Normalises one item of a streamed list (`/value/3`, or `/3` for a root array): what the
/// walker would do when it reaches that item at that depth.
pub fn normalise_item(file: usize, item: &Node, pointer: &str) -> Document {
    let mut doc = Document::default();
    let depth = pointer.matches('/').count();
    walk(
        file,
        Field {
            node: item,
            ptr: pointer.to_owned(),
        },
        depth,
        &mut doc,
    );
    doc.dialects.sort_by_key(|d| *d as u8);
    doc.dialects.dedup();
    doc
}

pub fn normalise(file: usize, root: &Node) -> Document {
    let mut doc = Document::default();
    walk(
        file,
        Field {
            node: root,
            ptr: String::new(),
        },
        0,
        &mut doc,
    );
    scuba::attach_holders(root, &mut doc.policies);
    doc.dialects.sort_by_key(|d| *d as u8);
    doc.dialects.dedup();
    doc
}

fn walk(file: usize, f: Field<'_>, depth: usize, doc: &mut Document) {
    if depth > MAX_WALK_DEPTH {
        return;
    }
    if f.node.as_array().is_some() {
        for item in f.items() {
            walk(file, item, depth + 1, doc);
        }
        return;
    }
    if f.node.as_object().is_none() {
        return;
    }
    if classify(file, &f, doc) || directory::classify(file, &f, &mut doc.directory) {
        return;
    }
    // A wrapper: look inside (Graph `value`, ScubaGear `privileged_roles`, ARM examples'
    // `responses.200.body` and `parameters.parameters`, …).
    if let Some(members) = f.node.as_object() {
        for m in members {
            if matches!(
                m.value.value,
                crate::source::Value::Object(_) | crate::source::Value::Array(_)
            ) {
                walk(
                    file,
                    Field {
                        node: &m.value,
                        ptr: child(&f.ptr, &m.key),
                    },
                    depth + 1,
                    doc,
                );
            }
        }
    }
}

fn has_rules_array(o: &Field<'_>) -> bool {
    ["rules", "effectiveRules"]
        .iter()
        .any(|k| o.field(k).is_some_and(|r| r.node.as_array().is_some()))
}

/// Recognises one object. Returns false when it is none of the known shapes.
fn classify(file: usize, f: &Field<'_>, doc: &mut Document) -> bool {
    let props = f
        .field("properties")
        .filter(|p| p.node.as_object().is_some());

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
        let mut p = policy(file, f.clone(), Dialect::ScubaGear, Some(role));
        p.kind = PolicyKind::DirectoryRole;
        p.scope = Some("/".into());
        p.assignments = scuba::assignments(&obj, &mut p.problems);
        doc.dialects.push(p.dialect);
        doc.policies.push(p);
        return true;
    }

    // Graph (or PowerShell) policy assignment: {policyId, roleDefinitionId, [policy]}.
    let obj = Obj::new(f.clone());
    if let (Some(policy_id), Some(role_id)) = (obj.str("policyId"), obj.str("roleDefinitionId")) {
        let scope = obj.str("scopeId");
        let kind = graph_kind(obj.str("scopeType").as_deref(), Some(&policy_id));
        doc.links.push(Link {
            policy_id,
            role_id: role_id.clone(),
            role_name: None,
            scope: scope.clone(),
            kind,
        });
        if let Some(expanded) = obj.value("policy").filter(|p| p.node.as_object().is_some()) {
            let role = RoleRef {
                id: Some(role_id),
                name: None,
                tier: None,
            };
            let powershell = f.node.member("Policy").is_some();
            let mut p = policy(
                file,
                expanded,
                if powershell {
                    Dialect::PowerShell
                } else {
                    Dialect::GraphAssignment
                },
                Some(role),
            );
            if p.scope.is_none() {
                p.scope = scope;
            }
            if p.kind == PolicyKind::Unknown {
                p.kind = kind;
            }
            doc.dialects.push(p.dialect);
            doc.policies.push(p);
        } else {
            doc.dialects.push(Dialect::GraphAssignment);
        }
        return true;
    }

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
            doc.links.push(Link {
                policy_id: policy_id.clone(),
                role_id: role_id.clone(),
                role_name: role_name.clone(),
                scope: scope.clone(),
                kind: PolicyKind::AzureResource,
            });
            if has_rules_array(props) {
                let role = RoleRef {
                    id: Some(role_id),
                    name: role_name,
                    tier: None,
                };
                let mut p = policy(file, f.clone(), Dialect::ArmAssignment, Some(role));
                p.kind = PolicyKind::AzureResource;
                p.id = Some(policy_id);
                p.scope = scope.or(p.scope);
                doc.dialects.push(p.dialect);
                doc.policies.push(p);
            } else {
                doc.dialects.push(Dialect::ArmAssignment);
            }
            return true;
        }
    }

    // A policy: rules or effectiveRules, directly or under ARM `properties`.
    if has_rules_array(f) || props.as_ref().is_some_and(has_rules_array) {
        let p = policy(file, f.clone(), Dialect::Graph, None);
        doc.dialects.push(p.dialect);
        doc.policies.push(p);
        return true;
    }

    // A policy exported without `$expand=rules` (PIM005).
    let graph_policy =
        obj.value("scopeType").is_some() && obj.value("isOrganizationDefault").is_some();
    let arm_policy = obj
        .str("type")
        .is_some_and(|t| t.eq_ignore_ascii_case("Microsoft.Authorization/roleManagementPolicies"));
    if graph_policy || arm_policy {
        let p = policy(
            file,
            f.clone(),
            if arm_policy {
                Dialect::Arm
            } else {
                Dialect::Graph
            },
            None,
        );
        doc.dialects.push(p.dialect);
        doc.policies.push(p);
        return true;
    }

    // A single rule (a PATCH body for one rule): a partial policy of one rule.
    if obj
        .str("id")
        .as_deref()
        .and_then(crate::model::RuleId::parse)
        .is_some()
        && (obj.value("@odata.type").is_some() || obj.value("ruleType").is_some())
    {
        let mut problems = Vec::new();
        let r = rule::rule(f.clone(), &mut problems);
        let arm = r
            .discriminator
            .as_ref()
            .is_some_and(|d| !d.value.starts_with('#'));
        let p = Policy {
            file,
            pointer: f.ptr.clone(),
            dialect: if arm { Dialect::Arm } else { Dialect::Graph },
            kind: if arm {
                PolicyKind::AzureResource
            } else {
                PolicyKind::Unknown
            },
            id: None,
            display_name: None,
            scope: None,
            role: None,
            rules_pointer: f.ptr.clone(),
            rules_expanded: true,
            partial: true,
            last_modified: None,
            rules: vec![r],
            problems,
            assignments: None,
            holders: None,
        };
        doc.dialects.push(p.dialect);
        doc.policies.push(p);
        return true;
    }
    false
}

fn graph_kind(scope_type: Option<&str>, id: Option<&str>) -> PolicyKind {
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
fn policy(file: usize, f: Field<'_>, hint: Dialect, role: Option<RoleRef>) -> Policy {
    let mut problems: Vec<Problem> = Vec::new();
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
                            pointer: item.ptr.clone(),
                            message: format!(
                                "a rule must be an object, found {}",
                                item.node.value.type_name()
                            ),
                        });
                        None
                    }
                })
                .collect();
            (rf.ptr.clone(), true, rules)
        }
        Some(rf) => {
            problems.push(Problem {
                pointer: rf.ptr.clone(),
                message: format!(
                    "`rules` must be an array, found {}",
                    rf.node.value.type_name()
                ),
            });
            (rf.ptr.clone(), true, Vec::new())
        }
        None => (f.ptr.clone(), false, Vec::new()),
    };

    let id = top.str("id").or_else(|| top.str("name"));
    let mut dialect = hint;
    let any_ps = f.node.member("Rules").is_some()
        || f.node.member("Id").is_some()
        || rules
            .iter()
            .any(|r| r.pointer.contains("/AdditionalProperties") || r.id.pointer.ends_with("/Id"));
    let any_arm = arm_props.is_some()
        || rules.iter().any(|r| {
            r.discriminator
                .as_ref()
                .is_some_and(|d| !d.value.starts_with('#'))
        });
    if hint == Dialect::Graph && any_arm {
        dialect = Dialect::Arm;
    }
    if matches!(hint, Dialect::Graph | Dialect::GraphAssignment) && any_ps {
        dialect = Dialect::PowerShell;
    }

    let scope_type = body.str("scopeType");
    let mut kind = graph_kind(scope_type.as_deref(), id.as_deref());
    if matches!(dialect, Dialect::Arm | Dialect::ArmAssignment) {
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
    let partial = id.is_none() && dialect != Dialect::ScubaGear;
    Policy {
        file,
        pointer: f.ptr.clone(),
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
