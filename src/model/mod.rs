//! The normalised model every dialect reads into and every rule reasons on. Plain data: this
//! module imports nothing else of the crate.
//!
//! Every value a rule may complain about is a [`Loc`]: the value plus the RFC 6901 pointer into
//! the user's file it came from, so rules never deal with spans.

pub mod compare;
pub(crate) mod directory;
pub(crate) mod duration;
pub(crate) mod intern;
pub(crate) mod location;
pub(crate) mod role;
pub(crate) mod rule_id;
pub mod view;

pub use directory::{RequestSettings, Usual as UsualActivity};
pub use duration::IsoDuration;
pub use location::{Loc, Ptr, Strings};
pub use role::{RoleCatalog, Tier};
pub use rule_id::{RuleId, RuleKind};

use serde::Serialize;

/// Which export shape a policy was read from, by name (`graph`, `arm-assignment`, …). The
/// dialects themselves, with their descriptions, are listed by `crate::dialect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Dialect(pub &'static str);

impl Dialect {
    pub fn name(self) -> &'static str {
        self.0
    }
}

impl Serialize for Dialect {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

/// What a policy governs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyKind {
    /// A Microsoft Entra directory role (default approvers exist).
    DirectoryRole,
    /// PIM for Groups: membership or ownership of a group.
    Group,
    /// An Azure resource role at a management group, subscription, resource group or resource.
    AzureResource,
    Unknown,
}

impl PolicyKind {
    /// The name finding identities (and so SARIF fingerprints) use. Fixed strings: changing one
    /// changes every fingerprint of that kind.
    pub fn fingerprint_name(self) -> &'static str {
        match self {
            PolicyKind::DirectoryRole => "DirectoryRole",
            PolicyKind::Group => "Group",
            PolicyKind::AzureResource => "AzureResource",
            PolicyKind::Unknown => "Unknown",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            PolicyKind::DirectoryRole => "Entra directory role",
            PolicyKind::Group => "PIM for Groups",
            PolicyKind::AzureResource => "Azure resource role",
            PolicyKind::Unknown => "role",
        }
    }
}

/// The role a policy governs, as the source names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct RoleRef {
    /// Template id, role definition GUID (ARM ids are reduced to their trailing GUID), or
    /// `member`/`owner` for PIM for Groups.
    pub id: Option<String>,
    pub name: Option<String>,
    /// The tier, filled in from the role catalogue after normalisation.
    pub tier: Option<Tier>,
    /// How the role catalogue knew the role (filled in with the tier): by its template id, or by
    /// its display name when the id is not a template id (a placeholder such as `Role1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known_by: Option<KnownBy>,
    /// The catalogue's template id when the role was known by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
    /// For a PIM-for-Groups policy read from a ScubaGear export (a `PIM Group` rule source):
    /// the role the group grants. The policy takes that role's tier, and role selectors match it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grants: Option<Box<RoleRef>>,
    /// For a PIM-for-Groups policy: the group's display name, when the run's directory context
    /// has the group (messages then name the group rather than its id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
}

/// How the role catalogue recognised a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KnownBy {
    /// The template id (or role definition GUID).
    Id,
    /// The display name: the id is not one the catalogue knows.
    Name,
}

/// A problem found while normalising: a known field with the wrong type or value, or input
/// that can be read more than one way (PIM003 reports each).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub pointer: Ptr,
    pub message: String,
    pub kind: ProblemKind,
}

/// What is wrong, so a report can say how to fix it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// A known field of the wrong type.
    WrongType,
    /// A number a known field cannot hold (too large, not whole, or not finite).
    OutOfRange,
    /// Two keys of one object that differ only in case: readers match keys without regard to
    /// case, so which value counts depends on the reader.
    CaseVariantKey,
    /// A key set both in an object and in its `AdditionalProperties`, with different values.
    AdditionalProperties,
    /// An approver that names nobody (no id, or a blank one): not counted as an approver.
    BlankApprover,
    /// A key repeated exactly in one object (found by the parser).
    RepeatedKey,
    /// A document format version pim-lint does not read (`terraform show -json` 2.x): nothing
    /// in it was linted.
    UnsupportedVersion,
    /// A plan that says it is not whole (`errored`, or `complete: false`): what it leaves out
    /// is not linted, so the file cannot pass.
    IncompletePlan,
}

impl Problem {
    /// A known field with the wrong type.
    pub fn new(pointer: Ptr, message: impl Into<String>) -> Problem {
        Problem::of(ProblemKind::WrongType, pointer, message)
    }

    pub fn of(kind: ProblemKind, pointer: Ptr, message: impl Into<String>) -> Problem {
        Problem {
            pointer,
            message: message.into(),
            kind,
        }
    }
}

/// One role management policy, whatever dialect it came from.
#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    /// Index of the source file in the run.
    #[serde(skip)]
    pub file: usize,
    /// Pointer to the policy object.
    pub pointer: Ptr,
    pub dialect: Dialect,
    pub kind: PolicyKind,
    pub id: Option<String>,
    pub display_name: Option<String>,
    /// `/` for the directory, a group id, or an ARM scope.
    pub scope: Option<String>,
    pub role: Option<RoleRef>,
    /// Pointer to the rules array, or to the policy when it has none.
    pub rules_pointer: Ptr,
    /// The document carries a rules array at all (`$expand=rules` was used).
    pub rules_expanded: bool,
    /// A request body or template: rules it does not mention are left as they are, not missing.
    pub partial: bool,
    /// `lastModifiedDateTime`, RFC 3339 (PowerShell `/Date(…)/` converted).
    pub last_modified: Option<String>,
    pub rules: Vec<PolicyRule>,
    pub problems: Vec<Problem>,
    /// Assignments of the role, when the export carries them (ScubaGear `Assignments`).
    pub assignments: Option<Loc<Vec<RoleAssignment>>>,
    /// The users who hold the role, when the export lists them (ScubaGear `privileged_users`,
    /// or the directory's role schedules with its users); the pointer is that list's.
    pub holders: Option<Loc<RoleHolders>>,
    /// Values an authoring format (Terraform, Bicep and ARM templates, Microsoft365DSC, EasyPIM)
    /// leaves to be decided at deployment — a variable without a default, a resource attribute,
    /// a function of either, `$ConfigurationData.…`, a placeholder a pipeline fills in — each at
    /// the expression, with the expression's text. The reader leaves the settings (or the
    /// assignments) they feed out of the policy (which is then `partial`): the rules judge only
    /// what is known, and PIM017 says
    /// once per policy what was not judged. Never a guessed value, never a false pass or error.
    pub unknown: Vec<Loc<String>>,
}

/// Who holds a role (eligible or active, groups expanded), as one source lists them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RoleHolders {
    /// The holders this record lists, each at a place of the record's file (the rules about
    /// each account read them).
    pub users: Vec<Holder>,
    /// How many hold the role, for the rules that count them (PIM312, PIM318): on one record per
    /// role and source, so a count is reported once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tally: Option<Tally>,
}

impl RoleHolders {
    /// Distinct display names (ScubaGear counts holders by display name), sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.users.iter().map(|u| u.name.clone()).collect();
        names.sort();
        names.dedup();
        names
    }
}

/// The holders of a role, counted.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Tally {
    /// Distinct holders (display names, or ids), sorted.
    pub holders: Vec<String>,
    /// Users of the same source who hold another of the highly privileged roles but not this
    /// one (CISA MS.AAD.7.2 compares them with the Global Administrators). Filled for Global
    /// Administrator only; `None` when the source does not say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub others: Option<Vec<String>>,
    /// The source should list the holders but does not (a ScubaGear export without
    /// `privileged_users`): nobody is counted because the list is missing.
    pub missing: bool,
}

/// One user holding a role, with what the source says about the account.
#[derive(Debug, Clone, Serialize)]
pub struct Holder {
    pub id: Option<String>,
    /// Display name (and UPN when known), or the id.
    pub name: String,
    /// The user's record (ScubaGear `privileged_users` entry) or the schedule granting the role.
    pub pointer: Ptr,
    /// The account is synchronised from on-premises (ScubaGear: `OnPremisesImmutableId` is not
    /// null; Graph: `onPremisesSyncEnabled` is true); `None` when the source does not say. The
    /// pointer is the value's.
    pub synced: Option<Loc<bool>>,
    /// `synced` is true because the source left the field out (ScubaGear's rego counts a
    /// `privileged_users` entry without `OnPremisesImmutableId` as not cloud-only).
    pub synced_assumed: bool,
    /// What makes the account an everyday one (a mailbox, a productivity licence), when the
    /// directory says; `None` when it does not or the account has neither.
    pub everyday: Option<String>,
}

/// An active assignment of a role to a principal, as exported.
#[derive(Debug, Clone, Serialize)]
pub struct RoleAssignment {
    pub pointer: Ptr,
    pub principal_id: Option<String>,
    /// RFC 3339, or `None` when the export has no start (assigned outside PIM).
    pub start: Option<Loc<String>>,
    /// `None` when the assignment never ends (permanent).
    pub end: Option<Loc<String>>,
    /// Pointer of the `EndDateTime` key (present with a null value), or of the assignment.
    pub end_pointer: Ptr,
    pub start_pointer: Ptr,
    /// `Assigned` or `Activated`.
    pub assignment_type: Option<String>,
    /// The principal is excluded from CISA MS.AAD.7.4 by the ScubaGear configuration the export
    /// carries (`scuba_config.Aad["MS.AAD.7.4v1"].RoleExclusions.Users`/`Groups`): the pointer
    /// is that entry's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scuba_excluded: Option<Ptr>,
    pub grant: directory::Grant,
    pub principal_kind: Option<directory::PrincipalKind>,
    /// ABAC condition (ARM).
    pub condition: Option<Loc<String>>,
    /// The principal's display name and UPN, from the run's directory context (the resolve
    /// stage fills them in), for messages and for matching ignores and emergency accounts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_upn: Option<String>,
}

impl RoleAssignment {
    /// "Alex Rivera <alex@contoso.example>", or the id when the run does not know the
    /// principal ([`directory::label`]), or `fallback` when the export names nobody.
    pub fn principal_label(&self, fallback: &str) -> String {
        match &self.principal_id {
            Some(id) => directory::label(
                id,
                self.principal_name.as_deref(),
                self.principal_upn.as_deref(),
            ),
            None => fallback.to_owned(),
        }
    }
}

/// One rule of a policy.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyRule {
    /// Pointer to the rule object.
    pub pointer: Ptr,
    pub id: Loc<String>,
    /// `None` for an id the linter does not know (tolerated for forward compatibility).
    pub known: Option<RuleId>,
    /// The `@odata.type` or `ruleType`, when present.
    pub discriminator: Option<Loc<String>>,
    pub target: Target,
    pub setting: Setting,
    /// Where a ScubaGear export says the rule comes from (`RuleSourceType: RuleSource`, e.g.
    /// `Directory Role: Global Administrator` or `PIM Group: Tier0 Admins`): a role's rules and
    /// those of a PIM-enabled group holding it share one list, so rules of different sources
    /// with the same id are not repeats of each other. The ScubaGear reader moves each
    /// `PIM Group` source into a policy of its own (`dialect::scuba`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl PolicyRule {
    /// What makes two rules of a policy the same rule: the id (the known id, else the id as
    /// written) and the source, lower case. `None` for a rule without an id.
    fn key(&self) -> Option<(String, Option<String>)> {
        let id = match self.known {
            Some(k) => k.as_str().to_ascii_lowercase(),
            None if self.id.value.is_empty() => return None,
            None => self.id.value.to_ascii_lowercase(),
        };
        Some((id, self.source.as_deref().map(str::to_ascii_lowercase)))
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Target {
    pub pointer: Option<Ptr>,
    pub caller: Option<Loc<String>>,
    pub level: Option<Loc<String>>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Setting {
    Expiration {
        is_expiration_required: Option<Loc<bool>>,
        /// The text as written; rules parse it (PIM004 reports those that do not parse).
        maximum_duration: Option<Loc<String>>,
    },
    Enablement {
        enabled_rules: Option<Strings>,
    },
    AuthenticationContext {
        is_enabled: Option<Loc<bool>>,
        claim_value: Option<Loc<Option<String>>>,
    },
    Approval(Approval),
    Notification(Notification),
    Other,
}

#[derive(Debug, Clone, Serialize)]
pub struct Approval {
    /// Pointer to the `setting` object (or the rule when it has none).
    pub setting_pointer: Ptr,
    pub is_approval_required: Option<Loc<bool>>,
    pub is_approval_required_for_extension: Option<Loc<bool>>,
    pub is_requestor_justification_required: Option<Loc<bool>>,
    pub approval_mode: Option<Loc<String>>,
    /// The stages, with the pointer of the `approvalStages` array (None when absent).
    pub stages: Option<Loc<Vec<ApprovalStage>>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ApprovalStage {
    pub pointer: Ptr,
    pub is_approver_justification_required: Option<Loc<bool>>,
    pub is_escalation_enabled: Option<Loc<bool>>,
    pub escalation_time_in_minutes: Option<Loc<f64>>,
    /// Primary approvers; the pointer is that of the array (or the stage when absent).
    pub primary_approvers: Loc<Vec<Approver>>,
    pub escalation_approvers: Loc<Vec<Approver>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ApproverKind {
    User,
    Group,
    /// A type the linter does not know (e.g. `requestorManager`).
    Other,
}

#[derive(Debug, Clone, Serialize)]
pub struct Approver {
    pub pointer: Ptr,
    pub kind: ApproverKind,
    /// `userId`/`groupId` (Graph v1.0) or `id` (beta, ARM).
    pub id: Option<String>,
    pub description: Option<String>,
    pub is_backup: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Notification {
    pub notification_type: Option<Loc<String>>,
    pub recipient_type: Option<Loc<String>>,
    pub notification_level: Option<Loc<String>>,
    pub is_default_recipients_enabled: Option<Loc<bool>>,
    pub notification_recipients: Option<Strings>,
}

impl Notification {
    /// Somebody receives the notification: default or additional recipients (only additional
    /// ones when `additional_only`), at a level not `None`.
    pub fn notifies(&self, additional_only: bool) -> bool {
        let level_on = self
            .notification_level
            .as_ref()
            .is_none_or(|l| !l.value.eq_ignore_ascii_case("None"));
        let defaults = self
            .is_default_recipients_enabled
            .as_ref()
            .is_some_and(|b| b.value)
            && !additional_only;
        let extra = self
            .notification_recipients
            .as_ref()
            .is_some_and(|r| r.value.iter().any(|s| !s.trim().is_empty()));
        level_on && (defaults || extra)
    }

    /// Where to point when the notification is off (or, `additional_only`, reaches no
    /// additional recipient): the level when it is `None`, the recipients list when only
    /// additional recipients count, else the default recipients switch, else `rule`.
    pub fn off_pointer(&self, rule: &Ptr, additional_only: bool) -> Ptr {
        if let Some(l) = self
            .notification_level
            .as_ref()
            .filter(|l| l.value.eq_ignore_ascii_case("None"))
        {
            return l.pointer.clone();
        }
        if additional_only && let Some(r) = &self.notification_recipients {
            return r.pointer.clone();
        }
        self.is_default_recipients_enabled
            .as_ref()
            .map(|b| b.pointer.clone())
            .or_else(|| {
                self.notification_recipients
                    .as_ref()
                    .map(|r| r.pointer.clone())
            })
            .unwrap_or_else(|| rule.clone())
    }
}

/// How many readings of a policy that repeats a rule id are judged at most (the policy as
/// written, then one per further occurrence): the occurrences after that are reported, not
/// judged, so a file of one rule repeated a million times costs no million copies.
pub const MAX_READINGS: usize = 16;

/// How many [`RuleId`]s there are (the 17 standard ids and `PIMOnlyMode_Admin_Assignment`).
const RULE_IDS: usize = RuleId::PimOnlyModeAdminAssignment as usize + 1;

/// An expiration rule with its `isExpirationRequired` and `maximumDuration`.
pub type ExpirationView<'a> = (
    &'a PolicyRule,
    Option<&'a Loc<bool>>,
    Option<&'a Loc<String>>,
);
/// The authentication context rule with `isEnabled` and `claimValue`.
pub type AuthContextView<'a> = (
    &'a PolicyRule,
    Option<&'a Loc<bool>>,
    Option<&'a Loc<Option<String>>>,
);

impl Policy {
    /// The rules of this policy that repeat an id (ignoring case) from the same source: for each
    /// such id, the indices of its rules, `[first, repeat, …]`, in the order the first rules
    /// appear. Empty for almost every policy.
    pub fn repeated_rules(&self) -> Vec<Vec<usize>> {
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        if self.rules.len() < 2 {
            return Vec::new();
        }
        // Most policies: known ids without a source, compared by id without allocating.
        if self
            .rules
            .iter()
            .all(|r| r.known.is_some() && r.source.is_none())
        {
            let mut first = [usize::MAX; RULE_IDS];
            for (i, r) in self.rules.iter().enumerate() {
                let Some(slot) = r.known.and_then(|k| first.get_mut(k as usize)) else {
                    continue;
                };
                if *slot == usize::MAX {
                    *slot = i;
                } else {
                    pairs.push((*slot, i));
                }
            }
        } else {
            let mut first = std::collections::HashMap::with_capacity(self.rules.len());
            for (i, r) in self.rules.iter().enumerate() {
                let Some(key) = r.key() else { continue };
                match first.entry(key) {
                    std::collections::hash_map::Entry::Occupied(e) => pairs.push((*e.get(), i)),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(i);
                    }
                }
            }
        }
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut by_first: std::collections::HashMap<usize, usize> =
            std::collections::HashMap::new();
        for (first, repeat) in pairs {
            let g = *by_first.entry(first).or_insert_with(|| {
                groups.push(vec![first]);
                groups.len() - 1
            });
            if let Some(group) = groups.get_mut(g) {
                group.push(repeat);
            }
        }
        groups.sort_by_key(|g| g.first().copied());
        groups
    }

    /// The first rule with this id.
    pub fn rule(&self, id: RuleId) -> Option<&PolicyRule> {
        self.rules.iter().find(|r| r.known == Some(id))
    }

    pub fn approval(&self) -> Option<(&PolicyRule, &Approval)> {
        let rule = self.rule(RuleId::ApprovalEndUserAssignment)?;
        match &rule.setting {
            Setting::Approval(a) => Some((rule, a)),
            _ => None,
        }
    }

    pub fn expiration(&self, id: RuleId) -> Option<ExpirationView<'_>> {
        let rule = self.rule(id)?;
        match &rule.setting {
            Setting::Expiration {
                is_expiration_required,
                maximum_duration,
            } => Some((
                rule,
                is_expiration_required.as_ref(),
                maximum_duration.as_ref(),
            )),
            _ => None,
        }
    }

    pub fn enabled_rules(&self, id: RuleId) -> Option<(&PolicyRule, Option<&Strings>)> {
        let rule = self.rule(id)?;
        match &rule.setting {
            Setting::Enablement { enabled_rules } => Some((rule, enabled_rules.as_ref())),
            _ => None,
        }
    }

    pub fn notification(&self, id: RuleId) -> Option<(&PolicyRule, &Notification)> {
        let rule = self.rule(id)?;
        match &rule.setting {
            Setting::Notification(n) => Some((rule, n)),
            _ => None,
        }
    }

    /// `(is_enabled, claim_value)` of the authentication context rule.
    pub fn auth_context(&self) -> Option<AuthContextView<'_>> {
        let rule = self.rule(RuleId::AuthenticationContextEndUserAssignment)?;
        match &rule.setting {
            Setting::AuthenticationContext {
                is_enabled,
                claim_value,
            } => Some((rule, is_enabled.as_ref(), claim_value.as_ref())),
            _ => None,
        }
    }

    pub fn tier(&self) -> Option<Tier> {
        self.role.as_ref().and_then(|r| r.tier)
    }

    /// Names the role (and scope) of a policy that does not say which role it is for — a change
    /// file mapped by the config's `files:`, or one carrying an `x-pim-lint` field. `role` is a
    /// template id, a role definition id (reduced to its GUID), a display name, or
    /// `member`/`owner`; `scope` is `/` (the default), an ARM scope or a group id, and decides
    /// the kind of policy.
    pub fn name_role(&mut self, role: &str, scope: Option<&str>) {
        let role = role.trim();
        let scope = scope
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or("/");
        let lower = scope.to_ascii_lowercase();
        let last = role.rsplit('/').next().unwrap_or(role);
        let is_guid = last.len() == 36
            && last.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
            && last.matches('-').count() == 4;
        let group_role = role.eq_ignore_ascii_case("member") || role.eq_ignore_ascii_case("owner");
        self.role = Some(if is_guid || group_role {
            RoleRef {
                id: Some(last.to_ascii_lowercase()),
                ..RoleRef::default()
            }
        } else {
            RoleRef {
                name: Some(role.to_owned()),
                ..RoleRef::default()
            }
        });
        self.kind = if lower.starts_with("/subscriptions") || lower.starts_with("/providers/") {
            PolicyKind::AzureResource
        } else if lower == "/" {
            PolicyKind::DirectoryRole
        } else {
            PolicyKind::Group
        };
        self.scope = Some(scope.to_owned());
    }

    /// "Global Administrator (tier0)", or a fallback naming what is known.
    pub fn role_label(&self) -> String {
        let role = self.role.as_ref();
        let name = role
            .and_then(|r| r.name.clone().or_else(|| r.id.clone()))
            .unwrap_or_else(|| "unknown role".into());
        match role.and_then(|r| r.tier) {
            Some(t) => format!("{name} ({t})"),
            None => name,
        }
    }
}

/// Howard Hinnant's days-to-civil algorithm.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}
