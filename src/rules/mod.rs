//! The rule engine and registry. Rules are pure: a typed policy and a context in, hits out.
//! They never see spans, files or dialects — a hit names the JSON pointer of the value it is about.

/// Declares a rule: its metadata as the `RULE` static, with the file's `DOC` and `check`.
/// `params` lists `(name, kind, doc)` of the parameters packs may set.
macro_rules! declare_rule {
    (
        code: $code:literal,
        name: $name:literal,
        category: $category:ident,
        needs: $needs:ident,
        summary: $summary:expr,
        $(params: [$(($pname:literal, $pkind:ident, $pdoc:expr)),* $(,)?],)?
    ) => {
        pub static RULE: $crate::rules::RuleDef = $crate::rules::RuleDef {
            code: $code,
            name: $name,
            category: $crate::rules::Category::$category,
            summary: $summary,
            doc: DOC,
            needs: $crate::rules::Needs::$needs,
            params: &[$($($crate::rules::ParamSpec {
                name: $pname,
                kind: $crate::rules::ParamKind::$pkind,
                doc: $pdoc,
            }),*)?],
            check,
        };
    };
}

/// The rule modules of a category, one line each, and the category's list for the registry.
macro_rules! category {
    ($($rule:ident),* $(,)?) => {
        $(pub mod $rule;)*

        /// The rules of this category.
        pub(crate) static RULES: &[&$crate::rules::RuleDef] = &[$(&$rule::RULE),*];
    };
}

pub(crate) mod activation;
pub(crate) mod approval;
pub(crate) mod assignment;
pub(crate) mod context;
pub(crate) mod notification;
pub mod params;
pub(crate) mod regression;
pub(crate) mod requests;
pub(crate) mod util;
pub(crate) mod validity;

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
    /// Pending requests and past activations (`pim-lint requests`), not policy settings:
    /// `check` leaves them out.
    Requests,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Validity => "validity",
            Category::Approval => "approval",
            Category::Activation => "activation",
            Category::Assignment => "assignment",
            Category::Notification => "notification",
            Category::Requests => "requests",
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
    /// Runs once every policy of the run is read, with the directory and the policies the run
    /// kept for comparison (PIM501).
    Run,
    /// Runs once every policy of the run is read, with the policies read at the `--base`
    /// revision (PIM601); only in a run with a base.
    Base,
    /// Runs once per request of a `requests` run (PIM701–PIM707), with the request
    /// ([`Ctx::request`]) and the policy of its role.
    Request,
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
    /// Emergency access (break-glass) accounts: user ids or UPNs, lower case (config
    /// `emergency_access`).
    pub emergency: &'a std::collections::HashSet<String>,
    /// The request a `Needs::Request` rule judges, with the run's "now" and settings.
    pub request: Option<RequestCtx<'a>>,
}

/// What a request rule gets besides the policy of the request's role.
#[derive(Debug, Clone, Copy)]
pub struct RequestCtx<'a> {
    pub request: &'a crate::model::directory::Request,
    /// Its index in the directory's `requests`.
    pub index: usize,
    pub scope: &'a crate::model::directory::Scope,
    /// Per request of the directory: the tier of its role when the run checks it, else `None`.
    pub tiers: &'a [Option<Tier>],
    /// The requests the run checks by requester (lower-case principal id): indices into the
    /// directory's `requests`, in the order read.
    pub by_principal: &'a std::collections::HashMap<String, Vec<usize>>,
}

static NO_ACCOUNTS: std::sync::LazyLock<std::collections::HashMap<String, String>> =
    std::sync::LazyLock::new(Default::default);
static NO_EMERGENCY: std::sync::LazyLock<std::collections::HashSet<String>> =
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
            emergency: &NO_EMERGENCY,
            request: None,
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

    /// Whether an assignment's principal is a configured emergency access account (by id, or
    /// by UPN when the run's users export names it).
    pub fn is_emergency(&self, a: &crate::model::RoleAssignment) -> bool {
        self.is_emergency_principal(a.principal_id.as_deref(), a.principal_upn.as_deref())
    }

    /// Whether a principal, by object id or UPN, is a configured emergency access account: for
    /// every rule that exempts them.
    pub fn is_emergency_principal(&self, id: Option<&str>, upn: Option<&str>) -> bool {
        !self.emergency.is_empty()
            && [id, upn]
                .into_iter()
                .flatten()
                .any(|k| self.emergency.contains(&k.trim().to_ascii_lowercase()))
    }
}

/// What a rule reports: a place (pointer) and words. The engine adds code, severity, role, file.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The value the hit is about: its pointer and the span the normaliser recorded.
    pub pointer: crate::model::Ptr,
    pub message: String,
    /// Mostly a constant of the rule: borrowed, so a finding costs no copy of it.
    pub help: std::borrow::Cow<'static, str>,
    /// Shown under the highlighted value ("is false", "PT12H").
    pub label: Option<String>,
    /// A rule may lower or raise the pack's severity when the spec says so (PIM102).
    pub severity: Option<Severity>,
    /// The thing the hit is about when other rules may report the same thing (an assignment's
    /// pointer for PIM310 and PIM311): renderers read findings about one thing as one.
    pub about: Option<String>,
    /// The principal (user, group or service principal id) the hit is about, when it is about
    /// one: an assignment's principal, an approver. Ignores select on it (`principal:`).
    pub principal: Option<String>,
}

impl Hit {
    pub fn new(
        pointer: impl Into<crate::model::Ptr>,
        message: impl Into<String>,
        help: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Hit {
        Hit {
            pointer: pointer.into(),
            message: message.into(),
            help: help.into(),
            label: None,
            severity: None,
            about: None,
            principal: None,
        }
    }

    /// Marks the hit as being about a principal (by id).
    pub fn principal(mut self, id: Option<&str>) -> Hit {
        self.principal = id.map(str::to_owned);
        self
    }

    /// Marks the hit as being about `thing`, an assignment or another object several rules
    /// may report.
    pub fn about(mut self, thing: &crate::model::Ptr) -> Hit {
        self.about = Some(thing.path.clone());
        self
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

/// The policy is a single rule (a PATCH body): its subject already names the rule, so messages
/// do not name it again ("rule X: `maximumDuration` of X …" would say it twice).
pub fn single_rule(p: &Policy) -> bool {
    p.role.is_none()
        && p.id.is_none()
        && p.display_name.is_none()
        && p.partial
        && p.rules.len() == 1
}

/// "Global Administrator (tier0, Entra directory role) at scope /" — how messages name a policy.
pub fn subject(p: &Policy) -> String {
    let mut s = p.role_label();
    if p.role.is_none() {
        s = match (&p.id, &p.display_name) {
            (Some(id), _) => format!("policy {id}"),
            (None, Some(n)) => format!("policy \"{n}\""),
            (None, None) if single_rule(p) => {
                format!("rule {}", p.rules[0].id.value)
            }
            (None, None) => "this document".into(),
        };
    }
    // An authoring format names the resource the settings are written in.
    if p.dialect.name().starts_with("terraform")
        && let Some(address) = &p.display_name
    {
        s = match &p.role {
            Some(_) => format!("{s} in {address}"),
            None => address.clone(),
        };
    }
    // A Bicep module is named by the call it was read for (`… (via main.bicep: module pim)`).
    if p.dialect.name() == "bicep"
        && let Some(via) = p
            .display_name
            .as_deref()
            .and_then(|n| n.split_once(" (via "))
            .map(|(_, v)| v.strip_suffix(')').unwrap_or(v))
    {
        s = format!("{s} via {via}");
    }
    match p.scope.as_deref() {
        Some(scope) if p.kind == PolicyKind::AzureResource => format!("{s} at {scope}"),
        // A ScubaGear group source is named "group <name> (grants <role>)" already.
        Some(_) if p.role.as_ref().is_some_and(|r| r.grants.is_some()) => s,
        Some(scope) if p.kind == PolicyKind::Group => {
            match p.role.as_ref().and_then(|r| r.group_name.as_deref()) {
                Some(name) => format!("{s} of group {name}"),
                None => format!("{s} of group {scope}"),
            }
        }
        _ => s,
    }
}

static REGISTRY: std::sync::LazyLock<Vec<&'static RuleDef>> = std::sync::LazyLock::new(|| {
    let mut all: Vec<&'static RuleDef> = [
        validity::RULES,
        approval::RULES,
        activation::RULES,
        assignment::RULES,
        notification::RULES,
        context::RULES,
        regression::RULES,
        requests::RULES,
    ]
    .concat();
    all.sort_by_key(|r| r.code);
    all
});

/// Every built-in rule, in code order. Codes and names are unique (tested). A rule is one file
/// with `declare_rule!` and one line in its category's `category!` list.
pub fn registry() -> &'static [&'static RuleDef] {
    &REGISTRY
}

/// Finds a rule by code (`PIM007`, case-insensitive) or name (`mfa-authcontext-conflict`).
pub fn lookup(code_or_name: &str) -> Option<&'static RuleDef> {
    registry()
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

#[cfg(test)]
mod tests;
