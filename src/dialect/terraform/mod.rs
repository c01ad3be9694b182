//! Terraform, read where teams author it: `.tf` files (parsed with `hcl-edit`, which keeps every
//! span, so a finding points into the `.tf`) and `terraform show -json` plans ([`plan`]).
//!
//! What is read, by resource type (facts from the providers' documentation and source):
//!
//! | resource | becomes |
//! |---|---|
//! | `azurerm_role_management_policy` | an Azure resource role policy at `scope` for `role_definition_id` |
//! | `azuread_group_role_management_policy` | a PIM for Groups policy (`object_id`/`group_id`, `assignment_type`/`role_id`) |
//! | `azurerm_pim_eligible_role_assignment`, `azurerm_pim_active_role_assignment` | an eligible / active assignment (PIM313–PIM315) |
//! | `azuread_directory_role_eligibility_schedule_request` | an eligibility without an end (the provider asks for `noExpiration`) |
//! | `azuread_directory_role_assignment` | an active assignment made outside PIM (no schedule) |
//! | `azuread_privileged_access_group_eligibility_schedule`, `…_assignment_schedule` | a PIM for Groups eligibility / assignment |
//!
//! The providers PATCH a policy: a block or argument left out keeps the tenant's value, so every
//! policy read from Terraform is partial (what it does not write is not "missing"). A value is
//! resolved when it is a literal, a `variable` default, a `local`, or a role named the way the
//! providers' examples name it (`data "azurerm_role_definition"` with a literal `name` or
//! `role_definition_id`; `data`/`resource "azuread_directory_role"` with a literal
//! `display_name` or `template_id`). Anything else is known only after apply: the settings it
//! feeds are left out and the expression is named in `Policy::unknown` (PIM017).

mod eval;
mod plan;
pub use plan::is_show_json;
mod tree;

use super::authored;
use super::{DialectInfo, Document};
use crate::model::directory::{Grant, PrincipalKind};
use crate::model::{
    Approval, ApprovalStage, Approver, ApproverKind, Dialect, Loc, Notification, Policy,
    PolicyKind, PolicyRule, Problem, Ptr, RoleAssignment, RoleRef, RuleId, Setting, Strings,
};
use crate::source::SyntaxError;
use eval::{Module, Val};
use hcl_edit::Span;
use std::ops::Range;
use tree::{Attr, Block, Body};

pub const TERRAFORM: Dialect = Dialect("terraform");
pub const TERRAFORM_PLAN: Dialect = Dialect("terraform-plan");

pub(crate) const DIALECTS: &[DialectInfo] = &[
    DialectInfo {
        dialect: TERRAFORM,
        describe: "Terraform resource (.tf)",
    },
    DialectInfo {
        dialect: TERRAFORM_PLAN,
        describe: "Terraform plan or state (terraform show -json)",
    },
];

/// Reads `terraform show -json` output when offered its root; lists both Terraform dialects
/// (pack selectors accept them). `.tf` files are read by [`read`], not offered JSON objects.
pub(crate) struct TerraformFiles;

impl super::Reader for TerraformFiles {
    fn dialects(&self) -> &'static [DialectInfo] {
        DIALECTS
    }

    fn read(&self, file: usize, f: &super::read::Field<'_>, doc: &mut Document) -> bool {
        plan::read(file, f, doc)
    }
}

/// Whether a file name is a Terraform configuration file.
pub fn is_terraform(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".tf")
}

/// Reads a `.tf` file: its policies and assignments, or the HCL syntax error at its offset.
pub fn read(file: usize, text: &str) -> Result<Document, SyntaxError> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| SyntaxError {
        offset: e.location().offset().min(text.len()),
        message: e.message().to_owned(),
    })?;
    let module = Module::new(&body, text);
    let mut doc = Document::default();
    for block in body.blocks() {
        if block.ident.as_str() != "resource" {
            continue;
        }
        let (Some(rtype), Some(name)) = (block.labels.first(), block.labels.get(1)) else {
            continue;
        };
        let (rtype, name) = (rtype.as_str(), name.as_str());
        if !is_pim_resource(rtype) || never_created(block, &module) {
            continue;
        }
        let path = format!("/resource/{rtype}/{name}");
        let start = span_of(&block.ident).start;
        let end = block
            .labels
            .last()
            .map_or_else(|| span_of(&block.ident).end, |l| span_of(l).end);
        let tree = tree::from_hcl(&block.body, path.clone(), &module);
        let r = Resource {
            file,
            dialect: TERRAFORM,
            rtype,
            address: format!("{rtype}.{name}"),
            body: &tree,
            head: Ptr::new(path, start..end),
        };
        if let Some(p) = r.read() {
            doc.policies.push(p);
        }
    }
    flag_repeated_addresses(
        &mut doc.policies,
        "declared twice in this file: Terraform refuses the configuration",
    );
    Ok(doc)
}

/// A resource address read twice is ambiguous (which settings does Terraform apply?): both are
/// read and checked, and each repeat is PIM003 at its header.
fn flag_repeated_addresses(policies: &mut [Policy], why: &str) {
    let mut seen = std::collections::HashSet::new();
    for p in policies.iter_mut() {
        let Some(address) = p.display_name.clone() else {
            continue;
        };
        if !seen.insert(address.clone()) {
            p.problems.push(Problem::new(
                p.pointer.clone(),
                format!("`{address}` is {why}; both are read"),
            ));
        }
    }
}

/// A resource whose `count` is known to be 0, or whose `for_each` is a known empty list: it is
/// not deployed. (An unknown `count` or `for_each` is read: the resource is what would be
/// deployed when it is created.)
fn never_created(block: &hcl_edit::structure::Block, module: &Module) -> bool {
    let known = |key: &str| block.body.get_attribute(key).map(|a| module.eval(&a.value));
    matches!(known("count"), Some(Val::Num(n)) if n.parse::<f64>() == Ok(0.0))
        || matches!(known("for_each"), Some(Val::List(items)) if items.is_empty())
}

/// The resource types pim-lint reads.
const PIM_RESOURCES: &[&str] = &[
    "azurerm_role_management_policy",
    "azuread_group_role_management_policy",
    "azurerm_pim_eligible_role_assignment",
    "azurerm_pim_active_role_assignment",
    "azuread_directory_role_eligibility_schedule_request",
    "azuread_directory_role_assignment",
    "azuread_privileged_access_group_eligibility_schedule",
    "azuread_privileged_access_group_assignment_schedule",
];

fn is_pim_resource(rtype: &str) -> bool {
    PIM_RESOURCES.contains(&rtype)
}

/// The span of anything hcl-edit parsed (always set for parsed input).
fn span_of(s: &impl Span) -> Range<usize> {
    s.span().unwrap_or(0..0)
}

/// A resource being read, and what a finding about it names.
struct Resource<'a> {
    file: usize,
    dialect: Dialect,
    rtype: &'a str,
    /// The resource address (`module.pim.azurerm_role_management_policy.owner["ga"]`).
    address: String,
    body: &'a Body,
    /// The resource's header (`resource "type" "name"`, or a plan's `address`), where findings
    /// about it as a whole go.
    head: Ptr,
}

/// What a policy or assignment collects while it is read.
#[derive(Default)]
struct Acc {
    unknown: Vec<Loc<String>>,
    problems: Vec<Problem>,
}

/// A value read from an argument: known, or known only at deployment (already recorded).
struct Arg<'a> {
    val: Val,
    ptr: Ptr,
    attr: &'a Attr,
}

impl<'a> Resource<'a> {
    /// The policy or assignment-holding record this resource becomes.
    fn read(&self) -> Option<Policy> {
        Some(match self.rtype {
            "azurerm_role_management_policy" => self.policy(false),
            "azuread_group_role_management_policy" => self.policy(true),
            "azurerm_pim_eligible_role_assignment" => self.arm_assignment(Grant::Eligible),
            "azurerm_pim_active_role_assignment" => self.arm_assignment(Grant::Active),
            "azuread_directory_role_eligibility_schedule_request" => {
                self.directory_assignment(Grant::Eligible)
            }
            "azuread_directory_role_assignment" => self.directory_assignment(Grant::Active),
            "azuread_privileged_access_group_eligibility_schedule" => {
                self.group_assignment(Grant::Eligible)
            }
            "azuread_privileged_access_group_assignment_schedule" => {
                self.group_assignment(Grant::Active)
            }
            _ => return None,
        })
    }

    fn head(&self) -> Ptr {
        self.head.clone()
    }

    /// An argument of `body`, evaluated; an unknown value is recorded in `acc`.
    fn arg(&self, body: &'a Body, key: &str, acc: &mut Acc) -> Option<Arg<'a>> {
        let attr = body.attr(key)?;
        let ptr = Ptr::new(body.attr_path(key), attr.span.clone());
        if matches!(attr.val, Val::Unknown) {
            acc.unknown.push(Loc::new(attr.text.clone(), ptr.clone()));
        }
        Some(Arg {
            val: attr.val.clone(),
            ptr,
            attr,
        })
    }

    fn string(&self, body: &'a Body, key: &str, acc: &mut Acc) -> Option<Loc<String>> {
        let a = self.arg(body, key, acc)?;
        match a.val {
            Val::Str(s) => Some(Loc::new(s, a.ptr)),
            Val::Num(n) => Some(Loc::new(n, a.ptr)),
            Val::Unknown | Val::Null => None,
            other => {
                acc.problems.push(Problem::new(
                    a.ptr,
                    format!("`{key}` must be a string, found {}", other.type_name()),
                ));
                None
            }
        }
    }

    fn bool(&self, body: &'a Body, key: &str, acc: &mut Acc) -> Option<Loc<bool>> {
        let a = self.arg(body, key, acc)?;
        match a.val {
            Val::Bool(b) => Some(Loc::new(b, a.ptr)),
            // Terraform converts the strings "true" and "false" to a bool argument.
            Val::Str(s) if s == "true" || s == "false" => Some(Loc::new(s == "true", a.ptr)),
            Val::Unknown | Val::Null => None,
            other => {
                acc.problems.push(Problem::new(
                    a.ptr,
                    format!("`{key}` must be a boolean, found {}", other.type_name()),
                ));
                None
            }
        }
    }

    fn block_ptr(&self, b: &Block) -> Ptr {
        Ptr::new(b.body.path.clone(), b.span.clone())
    }

    /// The role an expression names (a role id, a role definition id, a template id, or a
    /// role named by a data source), or `None` with the expression recorded as unknown.
    fn role(&self, key: &str, acc: &mut Acc) -> Option<(RoleRef, Ptr)> {
        let a = self.arg(self.body, key, acc)?;
        match a.val {
            Val::Str(id) if !id.is_empty() => Some((
                RoleRef {
                    id: Some(id),
                    ..Default::default()
                },
                a.ptr,
            )),
            Val::Role { id, name } => Some((
                RoleRef {
                    id,
                    name,
                    ..Default::default()
                },
                a.ptr,
            )),
            Val::Unknown => None,
            other => {
                acc.problems.push(Problem::new(
                    a.ptr,
                    format!("`{key}` must be a string, found {}", other.type_name()),
                ));
                None
            }
        }
    }

    fn finish(&self, mut p: Policy, mut acc: Acc) -> Policy {
        // Blocks whose content is known only at deployment (`dynamic` blocks, a plan's
        // unknown block): what they set is not read, and they are named.
        let mut stack = vec![self.body];
        while let Some(b) = stack.pop() {
            for (text, span) in &b.opaque {
                acc.unknown.push(Loc::new(
                    text.clone(),
                    Ptr::new(b.path.clone(), span.clone()),
                ));
            }
            stack.extend(b.blocks.iter().map(|x| &x.body));
        }
        p.unknown = acc.unknown;
        p.problems = acc.problems;
        p
    }

    fn empty_policy(&self, kind: PolicyKind) -> Policy {
        let mut p = authored::policy(
            self.file,
            self.head(),
            self.dialect,
            kind,
            RoleRef::default(),
            None,
        );
        // The role comes from an argument, and may be known only at deployment.
        p.role = None;
        p.display_name = Some(self.address.clone());
        p
    }

    /// `azurerm_role_management_policy` (`group` false) or `azuread_group_role_management_policy`.
    fn policy(&self, group: bool) -> Policy {
        let mut acc = Acc::default();
        let body = self.body;
        let mut p = self.empty_policy(if group {
            PolicyKind::Group
        } else {
            PolicyKind::AzureResource
        });
        if group {
            let group_key = if body.has("object_id") {
                "object_id"
            } else {
                "group_id"
            };
            p.scope = self
                .string(body, group_key, &mut Acc::default())
                .map(|l| l.value);
            let access_key = if body.has("assignment_type") {
                "assignment_type"
            } else {
                "role_id"
            };
            if let Some(access) = self.string(body, access_key, &mut acc) {
                p.role = Some(RoleRef {
                    id: Some(access.value.to_ascii_lowercase()),
                    ..Default::default()
                });
            }
        } else {
            // The scope names where the policy applies; it feeds no setting.
            p.scope = self
                .string(body, "scope", &mut Acc::default())
                .map(|l| l.value);
            p.role = self.role("role_definition_id", &mut acc).map(|r| r.0);
        }
        let mut rules = Vec::new();
        if let Some(b) = body.block("activation_rules") {
            self.activation(b, &mut rules, &mut acc);
        }
        if let Some(b) = body.block("active_assignment_rules") {
            self.expiration(b, RuleId::ExpirationAdminAssignment, &mut rules, &mut acc);
            let flags: &[(&str, &str)] = if group {
                &[
                    (
                        "require_multifactor_authentication",
                        "MultiFactorAuthentication",
                    ),
                    ("require_justification", "Justification"),
                ]
            } else {
                &[
                    (
                        "require_multifactor_authentication",
                        "MultiFactorAuthentication",
                    ),
                    ("require_justification", "Justification"),
                    ("require_ticket_info", "Ticketing"),
                ]
            };
            self.enablement(
                b,
                RuleId::EnablementAdminAssignment,
                flags,
                &[],
                &mut rules,
                &mut acc,
            );
        }
        if let Some(b) = body.block("eligible_assignment_rules") {
            self.expiration(b, RuleId::ExpirationAdminEligibility, &mut rules, &mut acc);
        }
        if let Some(b) = body.block("notification_rules") {
            self.notifications(b, &mut rules, &mut acc);
        }
        p.rules = rules;
        self.finish(p, acc)
    }

    fn activation(&self, b: &'a Block, rules: &mut Vec<PolicyRule>, acc: &mut Acc) {
        let body = &b.body;
        let at = self.block_ptr(b);
        if let Some(d) = self.string(body, "maximum_duration", acc) {
            rules.push(authored::rule(
                RuleId::ExpirationEndUserAssignment,
                &d.pointer.clone(),
                Setting::Expiration {
                    is_expiration_required: None,
                    maximum_duration: Some(d),
                },
            ));
        }
        // Approval: `require_approval` and the stage (azurerm `approval_stage.primary_approver`
        // `{object_id, type}`; azuread `approval_stages.primary_approvers` `{object_id, object_type}`).
        let required = self.bool(body, "require_approval", acc);
        let stage_block = body
            .block("approval_stage")
            .or_else(|| body.block("approval_stages"));
        let stages = match stage_block {
            Some(sb) => match self.stage(sb, acc) {
                Some(s) => Some(s),
                // An approver known only at deployment: the approval rule is not judged.
                None => return self.activation_rest(b, rules, acc),
            },
            None => None,
        };
        if required.is_some() || stages.is_some() {
            let setting_pointer = required
                .as_ref()
                .map_or_else(|| at.clone(), |r| r.pointer.clone());
            rules.push(authored::rule(
                RuleId::ApprovalEndUserAssignment,
                &setting_pointer.clone(),
                Setting::Approval(Approval {
                    setting_pointer,
                    is_approval_required: required,
                    is_approval_required_for_extension: None,
                    is_requestor_justification_required: None,
                    approval_mode: None,
                    stages,
                }),
            ));
        }
        self.activation_rest(b, rules, acc);
    }

    /// Activation's authentication context and enablement rules.
    fn activation_rest(&self, b: &'a Block, rules: &mut Vec<PolicyRule>, acc: &mut Acc) {
        let body = &b.body;
        // Authentication context: set means enabled with that claim value.
        // An empty string is no context (the providers write "" for one not set).
        let context = self
            .string(
                body,
                "required_conditional_access_authentication_context",
                acc,
            )
            .filter(|c| !c.value.is_empty());
        if let Some(c) = &context {
            rules.push(authored::rule(
                RuleId::AuthenticationContextEndUserAssignment,
                &c.pointer.clone(),
                Setting::AuthenticationContext {
                    is_enabled: Some(Loc::new(true, c.pointer.clone())),
                    claim_value: Some(Loc::new(Some(c.value.clone()), c.pointer.clone())),
                },
            ));
        }
        let flags: &[(&str, &str)] = &[
            (
                "require_multifactor_authentication",
                "MultiFactorAuthentication",
            ),
            ("require_justification", "Justification"),
            ("require_ticket_info", "Ticketing"),
        ];
        // MFA conflicts with an authentication context: with one, MFA is not enabled.
        let implied_off: &[&str] = if context.is_some() {
            &["require_multifactor_authentication"]
        } else {
            &[]
        };
        self.enablement(
            b,
            RuleId::EnablementEndUserAssignment,
            flags,
            implied_off,
            rules,
            acc,
        );
    }

    /// The approval stage, or `None` when an approver is known only at deployment.
    fn stage(&self, sb: &'a Block, acc: &mut Acc) -> Option<Loc<Vec<ApprovalStage>>> {
        let stage_ptr = self.block_ptr(sb);
        let mut approvers = Vec::new();
        let mut first_ptr: Option<Ptr> = None;
        let mut complete = true;
        for ab in sb
            .body
            .blocks
            .iter()
            .filter(|b| matches!(b.ident.as_str(), "primary_approver" | "primary_approvers"))
        {
            let aptr = self.block_ptr(ab);
            first_ptr.get_or_insert_with(|| aptr.clone());
            let id = self.string(&ab.body, "object_id", acc);
            let kind_text = self
                .string(&ab.body, "type", acc)
                .or_else(|| self.string(&ab.body, "object_type", acc));
            if id.is_none() {
                complete = false;
                continue;
            }
            let kind = match kind_text.as_ref().map(|k| k.value.to_ascii_lowercase()) {
                Some(k) if k == "user" || k == "singleuser" => ApproverKind::User,
                Some(k) if k == "group" || k == "groupmembers" => ApproverKind::Group,
                _ => ApproverKind::Other,
            };
            approvers.push(Approver {
                pointer: aptr,
                kind,
                id: id.map(|i| i.value),
                description: self
                    .string(&ab.body, "description", &mut Acc::default())
                    .map(|d| d.value),
                is_backup: false,
            });
        }
        if !complete || !sb.body.opaque.is_empty() {
            return None;
        }
        let list_ptr = first_ptr.unwrap_or_else(|| stage_ptr.clone());
        let none = Loc::new(Vec::new(), stage_ptr.clone());
        Some(Loc::new(
            vec![ApprovalStage {
                pointer: stage_ptr.clone(),
                is_approver_justification_required: None,
                is_escalation_enabled: None,
                escalation_time_in_minutes: None,
                primary_approvers: Loc::new(approvers, list_ptr),
                escalation_approvers: none,
            }],
            stage_ptr,
        ))
    }

    fn expiration(&self, b: &'a Block, id: RuleId, rules: &mut Vec<PolicyRule>, acc: &mut Acc) {
        // `expiration_required` left out keeps the tenant's value (the argument is computed):
        // without it the rule is not known, and `expire_after` alone is not judged.
        let required = self.bool(&b.body, "expiration_required", acc);
        let after = self.string(&b.body, "expire_after", acc);
        if required.is_none() {
            return;
        }
        let at = required
            .as_ref()
            .map(|r| r.pointer.clone())
            .or_else(|| after.as_ref().map(|a| a.pointer.clone()))
            .unwrap_or_else(|| self.block_ptr(b));
        rules.push(authored::rule(
            id,
            &at,
            Setting::Expiration {
                is_expiration_required: required,
                maximum_duration: after,
            },
        ));
    }

    /// An enablement rule from boolean arguments. The provider keeps the tenant's value of a
    /// flag the file leaves out, so the list is known only when every flag is written (or
    /// implied off): otherwise the rule is left out, as in a partial document.
    fn enablement(
        &self,
        b: &'a Block,
        id: RuleId,
        flags: &[(&str, &str)],
        implied_off: &[&str],
        rules: &mut Vec<PolicyRule>,
        acc: &mut Acc,
    ) {
        let mut enabled = Vec::new();
        let mut items = Vec::new();
        let mut first: Option<Ptr> = None;
        let mut complete = true;
        for (key, rule) in flags {
            if implied_off.contains(key) && !b.body.has(key) {
                continue;
            }
            match self.bool(&b.body, key, acc) {
                Some(v) => {
                    first.get_or_insert_with(|| v.pointer.clone());
                    if v.value {
                        enabled.push((*rule).to_owned());
                        items.push(v.pointer.span.clone());
                    }
                }
                None => complete = false,
            }
        }
        let Some(first) = first.filter(|_| complete) else {
            return;
        };
        let list_ptr = Ptr::new(format!("{}/enabledRules", b.body.path), b.span.clone());
        rules.push(authored::rule(
            id,
            &first,
            Setting::Enablement {
                enabled_rules: Some(Strings {
                    value: enabled,
                    pointer: list_ptr,
                    items,
                }),
            },
        ));
    }

    /// `notification_rules`: azurerm nests event → recipient (`eligible_assignments {
    /// approver_notifications {…} }`), azuread recipient → event; both are read.
    fn notifications(&self, b: &'a Block, rules: &mut Vec<PolicyRule>, acc: &mut Acc) {
        for outer in &b.body.blocks {
            for inner in &outer.body.blocks {
                let (o, i) = (outer.ident.as_str(), inner.ident.as_str());
                let pair = recipient(o)
                    .zip(event(i))
                    .or_else(|| recipient(i).zip(event(o)));
                let Some((recipient, event)) = pair else {
                    continue;
                };
                let Some(id) = RuleId::parse(&format!("Notification_{recipient}_{event}")) else {
                    continue;
                };
                let at = self.block_ptr(inner);
                let body = &inner.body;
                let recipients = self
                    .arg(body, "additional_recipients", acc)
                    .and_then(|a| match a.val {
                        Val::List(items) => {
                            let mut value = Vec::new();
                            for it in items {
                                match it {
                                    Val::Str(s) => value.push(s),
                                    _ => return None,
                                }
                            }
                            Some(Strings {
                                value,
                                pointer: a.ptr,
                                items: a.attr.items.clone(),
                            })
                        }
                        _ => None,
                    });
                rules.push(authored::rule(
                    id,
                    &at.clone(),
                    Setting::Notification(Notification {
                        notification_type: Some(Loc::new("Email".to_owned(), at.clone())),
                        recipient_type: Some(Loc::new(recipient.to_owned(), at.clone())),
                        notification_level: self.string(body, "notification_level", acc),
                        is_default_recipients_enabled: self.bool(body, "default_recipients", acc),
                        notification_recipients: recipients,
                    }),
                ));
            }
        }
    }

    /// A policy-shaped record holding one assignment (PIM310–PIM315 read `assignments`).
    fn assignment_policy(
        &self,
        kind: PolicyKind,
        role: Option<RoleRef>,
        scope: Option<String>,
        a: RoleAssignment,
        acc: Acc,
    ) -> Policy {
        let mut p = self.empty_policy(kind);
        p.rules_expanded = false;
        p.role = role;
        p.scope = scope;
        p.assignments = Some(Loc::new(vec![a], self.head()));
        self.finish(p, acc)
    }

    /// Who is assigned: the id when known; otherwise the expression as written (who it is is
    /// known only after apply, but what it is often shows in the reference:
    /// `azuread_service_principal.app.object_id`).
    fn principal(&self) -> (Option<String>, Option<PrincipalKind>) {
        let Some(attr) = self.body.attr("principal_id") else {
            return (None, None);
        };
        match &attr.val {
            Val::Str(s) => (Some(s.clone()), None),
            _ => (Some(attr.text.clone()), attr.kind),
        }
    }

    fn assignment(
        &self,
        grant: Grant,
        principal: (Option<String>, Option<PrincipalKind>),
        start: Option<Loc<String>>,
        end: Option<Loc<String>>,
        end_pointer: Ptr,
        condition: Option<Loc<String>>,
    ) -> RoleAssignment {
        let head = self.head();
        RoleAssignment {
            pointer: head.clone(),
            principal_id: principal.0,
            start_pointer: start
                .as_ref()
                .map_or_else(|| head.clone(), |s| s.pointer.clone()),
            start,
            end,
            end_pointer,
            assignment_type: Some("Assigned".into()),
            scuba_excluded: None,
            grant,
            principal_kind: principal.1,
            condition,
            principal_name: None,
            principal_upn: None,
        }
    }

    /// `azurerm_pim_eligible_role_assignment` / `azurerm_pim_active_role_assignment`.
    fn arm_assignment(&self, grant: Grant) -> Policy {
        let mut acc = Acc::default();
        let body = self.body;
        let scope = self
            .string(body, "scope", &mut Acc::default())
            .map(|l| l.value);
        let role = self.role("role_definition_id", &mut acc).map(|r| r.0);
        let principal = self.principal();
        let head = self.head();
        let mut start = Some(Loc::new("when applied".to_owned(), head.clone()));
        let mut end = None;
        let mut end_pointer = head.clone();
        if let Some(sb) = body.block("schedule") {
            end_pointer = self.block_ptr(sb);
            if let Some(s) = self.string(&sb.body, "start_date_time", &mut acc) {
                start = Some(s);
            }
            if let Some(eb) = sb.body.block("expiration") {
                end_pointer = self.block_ptr(eb);
                let before = acc.unknown.len();
                end = self
                    .string(&eb.body, "end_date_time", &mut acc)
                    .or_else(|| {
                        self.string(&eb.body, "duration_days", &mut acc)
                            .map(|d| Loc::new(format!("P{}D", d.value), d.pointer))
                    })
                    .or_else(|| {
                        self.string(&eb.body, "duration_hours", &mut acc)
                            .map(|d| Loc::new(format!("PT{}H", d.value), d.pointer))
                    });
                if end.is_none() && acc.unknown.len() > before {
                    // The end is known only at deployment: not judged as permanent.
                    end = acc
                        .unknown
                        .last()
                        .map(|u| Loc::new(u.value.clone(), u.pointer.clone()));
                }
            }
        }
        let condition = self.string(body, "condition", &mut acc);
        let a = self.assignment(grant, principal, start, end, end_pointer, condition);
        self.assignment_policy(PolicyKind::AzureResource, role, scope, a, acc)
    }

    /// `azuread_directory_role_eligibility_schedule_request` (the provider requests
    /// `noExpiration`) and `azuread_directory_role_assignment` (a role assignment outside PIM).
    fn directory_assignment(&self, grant: Grant) -> Policy {
        let mut acc = Acc::default();
        let role = self.role("role_definition_id", &mut acc).map(|r| r.0);
        let principal = self.principal();
        let head = self.head();
        let start =
            (grant == Grant::Eligible).then(|| Loc::new("when applied".to_owned(), head.clone()));
        let a = self.assignment(grant, principal, start, None, head, None);
        self.assignment_policy(PolicyKind::DirectoryRole, role, Some("/".into()), a, acc)
    }

    /// `azuread_privileged_access_group_eligibility_schedule` / `…_assignment_schedule`.
    fn group_assignment(&self, grant: Grant) -> Policy {
        let mut acc = Acc::default();
        let body = self.body;
        let scope = self
            .string(body, "group_id", &mut Acc::default())
            .map(|l| l.value);
        let role = self
            .string(body, "assignment_type", &mut acc)
            .map(|a| RoleRef {
                id: Some(a.value.to_ascii_lowercase()),
                ..Default::default()
            });
        let principal = self.principal();
        let head = self.head();
        let start = self
            .string(body, "start_date", &mut acc)
            .or_else(|| Some(Loc::new("when applied".to_owned(), head.clone())));
        let before = acc.unknown.len();
        let permanent = self.bool(body, "permanent_assignment", &mut acc);
        let mut end = self
            .string(body, "expiration_date", &mut acc)
            .or_else(|| self.string(body, "duration", &mut acc));
        let end_pointer = permanent
            .as_ref()
            .map_or_else(|| head.clone(), |p| p.pointer.clone());
        if end.is_none() && acc.unknown.len() > before {
            end = acc
                .unknown
                .last()
                .map(|u| Loc::new(u.value.clone(), u.pointer.clone()));
        }
        let a = self.assignment(grant, principal, start, end, end_pointer, None);
        self.assignment_policy(PolicyKind::Group, role, scope, a, acc)
    }
}

fn recipient(ident: &str) -> Option<&'static str> {
    Some(match ident {
        "admin_notifications" => "Admin",
        "approver_notifications" => "Approver",
        "assignee_notifications" => "Requestor",
        _ => return None,
    })
}

fn event(ident: &str) -> Option<&'static str> {
    Some(match ident {
        "eligible_assignments" => "Admin_Eligibility",
        "active_assignments" => "Admin_Assignment",
        "eligible_activations" | "activations" => "EndUser_Assignment",
        _ => return None,
    })
}
