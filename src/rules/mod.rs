//! The rule engine and registry. Rules are pure: a typed policy and a context in, hits out.
//! They never see spans, files or dialects — a hit names the JSON pointer of the value it is about.

pub mod activation;
pub mod approval;
pub mod assignment;
pub mod context;
pub mod notification;
pub mod params;
pub mod util;
pub mod validity;

use crate::model::directory::Directory;
use crate::model::{IsoDuration, Policy, PolicyKind, Tier};
pub use params::Params;
use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "note" => Some(Severity::Note),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Validity,
    Approval,
    Activation,
    Assignment,
    Notification,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Validity => "validity",
            Category::Approval => "approval",
            Category::Activation => "activation",
            Category::Assignment => "assignment",
            Category::Notification => "notification",
        }
    }
}

/// The kind of value a rule parameter takes; packs are checked against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// A non-negative integer.
    Count,
    /// An ISO 8601 duration.
    Duration,
    /// `{tier0: PT4H, privileged: PT8H, standard: …}`.
    DurationByTier,
    /// `error`, `warning` or `note`.
    Severity,
    /// `true` or `false`.
    Bool,
}

#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    pub name: &'static str,
    pub kind: ParamKind,
    pub doc: &'static str,
}

/// What a rule needs to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Produced while reading files (PIM001, PIM002); never run on a policy.
    File,
    /// Runs on every policy, whether or not its role is known.
    Policy,
    /// Runs only on policies whose role (and so tier) is known.
    Role,
    /// Produced when applying the config file (suppressions); never run on a policy.
    Config,
    /// Runs on policies once the run's directory context (users, groups, schedules) is known.
    Directory,
}

/// A rule: metadata, documentation and its check.
pub struct RuleDef {
    pub code: &'static str,
    pub name: &'static str,
    pub category: Category,
    /// One line: what the rule checks.
    pub summary: &'static str,
    /// Markdown with the headings: What it does / Why it matters / Example that fails /
    /// Example that passes / How to fix / References.
    pub doc: &'static str,
    pub needs: Needs,
    pub params: &'static [ParamSpec],
    pub check: fn(&Policy, &Ctx) -> Vec<Hit>,
}

impl fmt::Debug for RuleDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code, self.name)
    }
}

/// What a rule gets besides the policy.
#[derive(Debug)]
pub struct Ctx<'a> {
    pub tier: Option<Tier>,
    pub params: &'a Params,
    /// Directory context, for rules that need it (`Needs::Directory`).
    pub directory: Option<&'a Directory>,
    /// The other policies of the run that directory rules compare with (PIM501).
    pub policies: &'a [Policy],
    /// Accounts of one person: user id or UPN (lower case) → person (config `account_mapping`).
    pub accounts: &'a std::collections::HashMap<String, String>,
}

static NO_ACCOUNTS: std::sync::LazyLock<std::collections::HashMap<String, String>> =
    std::sync::LazyLock::new(Default::default);

impl<'a> Ctx<'a> {
    /// A context without directory data.
    pub fn new(tier: Option<Tier>, params: &'a Params) -> Ctx<'a> {
        Ctx {
            tier,
            params,
            directory: None,
            policies: &[],
            accounts: &NO_ACCOUNTS,
        }
    }
}

impl Ctx<'_> {
    pub fn count(&self, name: &str, default: u64) -> u64 {
        self.params.count(name).unwrap_or(default)
    }

    pub fn duration(&self, name: &str) -> Option<IsoDuration> {
        self.params.duration(name)
    }

    /// A per-tier duration (`caps: {tier0: PT4H}`) for this policy's tier.
    pub fn duration_for_tier(&self, name: &str) -> Option<IsoDuration> {
        self.params.duration_for_tier(name, self.tier?)
    }

    pub fn flag(&self, name: &str) -> bool {
        self.params.flag(name).unwrap_or(false)
    }

    pub fn severity(&self, name: &str) -> Option<Severity> {
        self.params.severity(name)
    }
}

/// What a rule reports: a place (pointer) and words. The engine adds code, severity, role, file.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub pointer: String,
    pub message: String,
    /// Mostly a constant of the rule: borrowed, so a finding costs no copy of it.
    pub help: std::borrow::Cow<'static, str>,
    /// Shown under the highlighted value ("is false", "PT12H").
    pub label: Option<String>,
    /// A rule may lower or raise the pack's severity when the spec says so (PIM102).
    pub severity: Option<Severity>,
}

impl Hit {
    pub fn new(
        pointer: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Hit {
        Hit {
            pointer: pointer.into(),
            message: message.into(),
            help: help.into(),
            label: None,
            severity: None,
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Hit {
        self.label = Some(label.into());
        self
    }

    pub fn severity(mut self, s: Severity) -> Hit {
        self.severity = Some(s);
        self
    }
}

/// "Global Administrator (tier0, Entra directory role) at scope /" — how messages name a policy.
pub fn subject(p: &Policy) -> String {
    let mut s = p.role_label();
    if p.role.is_none() {
        s = match (&p.id, &p.display_name) {
            (Some(id), _) => format!("policy {id}"),
            (None, Some(n)) => format!("policy \"{n}\""),
            (None, None) if p.partial && p.rules.len() == 1 => {
                format!("rule {}", p.rules[0].id.value)
            }
            (None, None) => "this document".into(),
        };
    }
    match p.scope.as_deref() {
        Some(scope) if p.kind == PolicyKind::AzureResource => format!("{s} at {scope}"),
        Some(scope) if p.kind == PolicyKind::Group => format!("{s} of group {scope}"),
        _ => s,
    }
}

/// Every rule, in code order. Codes and names are unique (tested).
pub static REGISTRY: &[&RuleDef] = &[
    &validity::parse_error::RULE,
    &validity::unrecognized_document::RULE,
    &validity::schema_violation::RULE,
    &validity::invalid_duration::RULE,
    &validity::rules_not_expanded::RULE,
    &validity::missing_rule::RULE,
    &validity::mfa_authcontext_conflict::RULE,
    &validity::approval_without_stage::RULE,
    &validity::rule_target_mismatch::RULE,
    &validity::duration_out_of_range::RULE,
    &validity::invalid_auth_context::RULE,
    &validity::unknown_role::RULE,
    &validity::expired_ignore::RULE,
    &validity::unused_ignore::RULE,
    &context::context_missing::RULE,
    &approval::approval_required::RULE,
    &approval::approvers_missing::RULE,
    &approval::too_few_approvers::RULE,
    &approval::too_many_approvers::RULE,
    &context::approver_is_eligible::RULE,
    &context::guest_approver::RULE,
    &context::inactive_approver::RULE,
    &context::approver_group_not_role_assignable::RULE,
    &approval::approver_justification::RULE,
    &approval::escalation_without_approvers::RULE,
    &context::approver_linked_account::RULE,
    &activation::activation_mfa::RULE,
    &activation::activation_justification::RULE,
    &activation::activation_ticket::RULE,
    &activation::activation_duration_cap::RULE,
    &activation::activation_auth_context::RULE,
    &assignment::eligible_expiration_required::RULE,
    &assignment::eligible_duration_cap::RULE,
    &assignment::active_expiration_required::RULE,
    &assignment::active_duration_cap::RULE,
    &assignment::active_assignment_mfa::RULE,
    &assignment::active_assignment_justification::RULE,
    &assignment::permanent_active_assignment::RULE,
    &assignment::assigned_outside_pim::RULE,
    &assignment::global_admin_count::RULE,
    &assignment::permanent_eligibility::RULE,
    &assignment::eligible_service_principal::RULE,
    &assignment::role_assignment_admin_without_condition::RULE,
    &notification::assignment_alert::RULE,
    &notification::activation_alert::RULE,
    &notification::approver_notification::RULE,
    &context::group_weaker_than_role::RULE,
];

/// Finds a rule by code (`PIM007`, case-insensitive) or name (`mfa-authcontext-conflict`).
pub fn lookup(code_or_name: &str) -> Option<&'static RuleDef> {
    REGISTRY
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

#[cfg(test)]
mod tests;
