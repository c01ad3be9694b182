//! Pack entries: a built-in rule with its selector, severity and typed parameters, or a rule
//! written in the pack itself.

use super::{Selector, SeveritySpec};
use crate::model::{Policy, Tier};
use crate::rules::{Needs, Params, RuleDef, Severity};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Entry {
    pub rule: &'static RuleDef,
    pub select: Selector,
    pub severity: SeveritySpec,
    /// Read once when the pack (or config override) is loaded, checked against the rule's
    /// declared parameters.
    pub params: Params,
    /// The framework control the entry implements (e.g. `MS.AAD.7.6v1`).
    pub control: Option<String>,
}

impl Entry {
    pub fn new(rule: &'static RuleDef, severity: SeveritySpec) -> Entry {
        Entry {
            rule,
            select: Selector::default(),
            severity,
            params: Params::new(),
            control: None,
        }
    }

    /// The severity for a file-level finding or a policy of this tier (no role selector).
    pub fn severity_for(&self, tier: Option<Tier>) -> Option<Severity> {
        self.select.severity(
            &self.severity,
            tier,
            matches!(self.rule.needs, Needs::Role | Needs::Directory),
        )
    }

    /// The severity for this policy, or `None` when the entry does not apply to it.
    pub fn severity_for_policy(&self, p: &Policy) -> Option<Severity> {
        if !self.select.matches(p) {
            return None;
        }
        self.select.severity(
            &self.severity,
            p.tier(),
            matches!(self.rule.needs, Needs::Role | Needs::Directory),
        )
    }
}

/// A rule written in a pack: a JSON Schema asserted against the normalised policy
/// (`schemas/policy.schema.json`). Codes live in the user namespace (`X-…`).
#[derive(Clone)]
pub struct UserRule {
    pub code: String,
    pub name: String,
    pub select: Selector,
    pub severity: SeveritySpec,
    pub message: String,
    pub help: String,
    /// Markdown in the shape of a built-in rule's doc ("## What it does", "## How to fix"), for
    /// `explain` and SARIF.
    pub doc: String,
    pub control: Option<String>,
    pub schema: Arc<jsonschema::Validator>,
}

impl std::fmt::Debug for UserRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "UserRule({})", self.code)
    }
}

impl UserRule {
    pub fn severity_for_policy(&self, p: &Policy) -> Option<Severity> {
        if !self.select.matches(p) {
            return None;
        }
        self.select.severity(&self.severity, p.tier(), false)
    }
}

/// User-defined rule codes: `X-` followed by letters, digits and dashes.
pub fn is_user_code(s: &str) -> bool {
    s.strip_prefix("X-")
        .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}
