//! The generated tenant: every collection the server serves, as the JSON objects Graph and ARM
//! return (shapes taken from `fixtures/corpus/` and `fixtures/demo/`). Generation is a pure
//! function of the [`Spec`]: the same spec gives the same bytes.

use serde_json::{Value, json};
use std::collections::BTreeMap;

/// What to generate. `approver_groups` is capped at `groups`; `arm_scopes` are ARM scope ids
/// (`/subscriptions/{id}`, `/subscriptions/{id}/resourceGroups/{rg}`,
/// `/providers/Microsoft.Management/managementGroups/{mg}`).
#[derive(Clone, Debug)]
pub struct Spec {
    pub roles: usize,
    pub groups: usize,
    pub users: usize,
    pub approver_groups: usize,
    pub arm_scopes: Vec<String>,
    pub seed: u64,
}

pub const DEFAULT_SUBSCRIPTION: &str = "5b1d0c2e-6a4f-4e3b-9c8d-7f6e5d4c3b2a";

impl Default for Spec {
    fn default() -> Self {
        Spec {
            roles: 12,
            groups: 8,
            users: 40,
            approver_groups: 2,
            arm_scopes: vec![
                format!("/subscriptions/{DEFAULT_SUBSCRIPTION}"),
                format!("/subscriptions/{DEFAULT_SUBSCRIPTION}/resourceGroups/rg-prod"),
                "/providers/Microsoft.Management/managementGroups/mg-root".to_string(),
            ],
            seed: 1,
        }
    }
}

/// Everything one ARM scope serves.
#[derive(Clone, Debug, Default)]
pub struct ArmScope {
    /// The scope as given in the spec (original case).
    pub scope: String,
    pub policies: Vec<Value>,
    pub policy_assignments: Vec<Value>,
    pub eligibility_schedules: Vec<Value>,
    pub assignment_schedule_instances: Vec<Value>,
}

/// A generated tenant. Fields are public so a test can adjust the data before starting the
/// server (e.g. weaken one more policy); the server serves whatever is here.
#[derive(Clone, Debug, Default)]
pub struct MockTenant {
    pub tenant_id: String,
    pub role_definitions: Vec<Value>,
    /// Directory-role policy assignments with `policy` and its 17 `rules` expanded.
    pub directory_policy_assignments: Vec<Value>,
    /// PIM for Groups policy assignments (member, owner) by group id, policy expanded.
    pub group_policy_assignments: BTreeMap<String, Vec<Value>>,
    pub users: Vec<Value>,
    pub groups: Vec<Value>,
    /// Transitive members by group id (`@odata.type` plus the object's properties).
    pub transitive_members: BTreeMap<String, Vec<Value>>,
    /// `principal` expanded.
    pub role_eligibility_schedules: Vec<Value>,
    /// `principal` expanded.
    pub role_assignment_schedule_instances: Vec<Value>,
    pub role_assignment_schedule_requests: Vec<Value>,
    pub group_eligibility_schedules: BTreeMap<String, Vec<Value>>,
    pub group_assignment_schedule_instances: BTreeMap<String, Vec<Value>>,
    pub group_assignment_schedule_requests: BTreeMap<String, Vec<Value>>,
    /// `GET /subscriptions` items.
    pub subscriptions: Vec<Value>,
    /// `GET /providers/Microsoft.Management/managementGroups` items.
    pub management_groups: Vec<Value>,
    /// By lower-cased scope id.
    pub arm: BTreeMap<String, ArmScope>,
    /// Role definition id (directory) or `{scope}|{role guid}` (ARM) → the weakness its
    /// policy was given (`"approval-off"`, `"no-mfa"`, ...); strong policies are absent.
    pub weaknesses: BTreeMap<String, String>,
    /// Ids of the approver groups (the first `approver_groups` groups).
    pub approver_group_ids: Vec<String>,
}

/// splitmix64: small, fast, and the same everywhere.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed ^ 0x5EED_F00D_7E7A_0011_u64)
    }
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }
    fn guid(&mut self) -> String {
        let a = self.next();
        let b = self.next();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | ((b >> 48) & 0x3fff),
            b & 0xffff_ffff_ffff
        )
    }
}

/// Real Entra role template ids, so the linter's role catalogue recognises the tiers.
const ENTRA_ROLES: &[(&str, &str)] = &[
    (
        "62e90394-69f5-4237-9190-012177145e10",
        "Global Administrator",
    ),
    (
        "e8611ab8-c189-46e8-94e1-60213ab1f814",
        "Privileged Role Administrator",
    ),
    (
        "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
        "Privileged Authentication Administrator",
    ),
    (
        "194ae4cb-b126-40b2-bd5b-6091b380977d",
        "Security Administrator",
    ),
    (
        "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9",
        "Conditional Access Administrator",
    ),
    (
        "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
        "Application Administrator",
    ),
    ("fe930be7-5e62-47db-91af-98c3a49a38b1", "User Administrator"),
    (
        "729827e3-9c14-49f7-bb1b-9608f156bbb8",
        "Helpdesk Administrator",
    ),
    (
        "29232cdf-9323-42fd-ade2-1d097af3e4de",
        "Exchange Administrator",
    ),
    (
        "f28a1f50-f6e7-4571-818b-6a12f2af6b6c",
        "SharePoint Administrator",
    ),
    (
        "158c047a-c907-4556-b7ef-446551a6b5f7",
        "Cloud Application Administrator",
    ),
    (
        "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2",
        "Hybrid Identity Administrator",
    ),
    (
        "c4e39bd9-1100-46d3-8c65-fb160da0071f",
        "Authentication Administrator",
    ),
    (
        "966707d0-3269-4727-9be2-8c3a10f19b9d",
        "Password Administrator",
    ),
    (
        "3a2c62db-5318-420d-8d74-23affee5d9d5",
        "Intune Administrator",
    ),
    ("5f2222b1-57c3-48ba-8ad5-d4759f1fde6f", "Security Operator"),
    ("5d6b6bb7-de71-4623-b4af-96380a352509", "Security Reader"),
    ("f2ef992c-3afb-46b9-b7cf-a126ee74c451", "Global Reader"),
    (
        "fdd7a751-b60b-444a-984c-02652fe8fa1c",
        "Groups Administrator",
    ),
    (
        "45d8d3c5-c802-45c6-b32a-1d70b5e1e86e",
        "Identity Governance Administrator",
    ),
];

/// Real Azure built-in role definition GUIDs.
const AZURE_ROLES: &[(&str, &str)] = &[
    ("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner"),
    ("b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor"),
    (
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
        "User Access Administrator",
    ),
    (
        "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
        "Role Based Access Control Administrator",
    ),
    ("acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader"),
    (
        "9980e02c-c2be-4d73-94e8-173b1dc7cf3c",
        "Virtual Machine Contributor",
    ),
    (
        "00482a5a-887f-4fb3-b363-3b7fe8e74483",
        "Key Vault Administrator",
    ),
];

const FIRST: &[&str] = &[
    "Alex", "Sam", "Morgan", "Jordan", "Riley", "Casey", "Taylor", "Jamie", "Avery", "Quinn",
];
const LAST: &[&str] = &[
    "Rivera", "Okafor", "Lee", "Novak", "Haddad", "Tanaka", "Silva", "Berg", "Mensah", "Kowalski",
];

/// The weaknesses a policy may get; index 0 is a strong policy.
const WEAKNESSES: &[&str] = &[
    "",
    "approval-off",
    "no-mfa",
    "long-activation",
    "permanent-eligibility",
    "no-justification",
];

#[derive(Clone)]
struct Approver {
    group: bool,
    id: String,
    name: String,
}

/// The settings one policy is rendered from (Graph or ARM shape).
#[derive(Clone)]
struct Knobs {
    approval: bool,
    approvers: Vec<Approver>,
    mfa: bool,
    justification: bool,
    ticketing: bool,
    activation: &'static str,
    eligibility_expiration_required: bool,
    eligibility_max: &'static str,
    assignment_expiration_required: bool,
    assignment_max: &'static str,
    auth_context: Option<&'static str>,
    notify_default: bool,
    notify_to: Vec<String>,
}

impl Knobs {
    fn strong(approvers: Vec<Approver>, ticketing: bool) -> Self {
        Knobs {
            approval: !approvers.is_empty(),
            approvers,
            mfa: true,
            justification: true,
            ticketing,
            activation: "PT4H",
            eligibility_expiration_required: true,
            eligibility_max: "P365D",
            assignment_expiration_required: true,
            assignment_max: "P180D",
            auth_context: None,
            notify_default: true,
            notify_to: Vec::new(),
        }
    }
    fn weaken(mut self, weakness: &str) -> Self {
        match weakness {
            "approval-off" => self.approval = false,
            "no-mfa" => self.mfa = false,
            "long-activation" => self.activation = "PT24H",
            "permanent-eligibility" => self.eligibility_expiration_required = false,
            "no-justification" => self.justification = false,
            _ => {}
        }
        self
    }
    fn end_user_enabled(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.justification {
            v.push("Justification");
        }
        if self.mfa && self.auth_context.is_none() {
            v.push("MultiFactorAuthentication");
        }
        if self.ticketing {
            v.push("Ticketing");
        }
        v
    }
}

const LEVELS: [(&str, &str); 3] = [
    ("Admin", "Eligibility"),
    ("Admin", "Assignment"),
    ("EndUser", "Assignment"),
];

fn graph_target(caller: &str, level: &str) -> Value {
    json!({"caller": caller, "level": level, "operations": ["all"],
           "enforcedSettings": [], "inheritableSettings": []})
}

fn arm_target(caller: &str, level: &str) -> Value {
    json!({"caller": caller, "operations": ["All"], "level": level, "targetObjects": null,
           "inheritableSettings": null, "enforcedSettings": null})
}

/// The 17 rules in Graph's shape and order (see the corpus list response).
fn graph_rules(k: &Knobs) -> Vec<Value> {
    let mut rules = Vec::with_capacity(17);
    for (caller, level) in LEVELS {
        let t = graph_target(caller, level);
        if caller == "EndUser" {
            let approvers: Vec<Value> = k
                .approvers
                .iter()
                .map(|a| {
                    if a.group {
                        json!({"@odata.type": "#microsoft.graph.groupMembers", "groupId": a.id})
                    } else {
                        json!({"@odata.type": "#microsoft.graph.singleUser", "userId": a.id})
                    }
                })
                .collect();
            rules.push(json!({
                "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule",
                "id": "Approval_EndUser_Assignment",
                "setting": {"approvalMode": "SingleStage", "isApprovalRequired": k.approval,
                    "isApprovalRequiredForExtension": false, "isRequestorJustificationRequired": true,
                    "approvalStages": [{"approvalStageTimeOutInDays": 1, "escalationTimeInMinutes": 0,
                        "isApproverJustificationRequired": true, "isEscalationEnabled": false,
                        "escalationApprovers": [], "primaryApprovers": approvers}]},
                "target": t}));
            rules.push(json!({
                "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule",
                "id": "AuthenticationContext_EndUser_Assignment",
                "claimValue": k.auth_context, "isEnabled": k.auth_context.is_some(), "target": t}));
        }
        let (enabled, required, max): (Vec<&str>, bool, &str) = match (caller, level) {
            ("Admin", "Eligibility") => {
                (vec![], k.eligibility_expiration_required, k.eligibility_max)
            }
            ("Admin", _) => (
                vec!["Justification", "MultiFactorAuthentication"],
                k.assignment_expiration_required,
                k.assignment_max,
            ),
            _ => (k.end_user_enabled(), true, k.activation),
        };
        rules.push(json!({
            "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyEnablementRule",
            "id": format!("Enablement_{caller}_{level}"), "enabledRules": enabled, "target": t}));
        rules.push(json!({
            "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule",
            "id": format!("Expiration_{caller}_{level}"), "isExpirationRequired": required,
            "maximumDuration": max, "target": t}));
        for recipient in ["Admin", "Requestor", "Approver"] {
            rules.push(json!({
                "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyNotificationRule",
                "id": format!("Notification_{recipient}_{caller}_{level}"),
                "isDefaultRecipientsEnabled": k.notify_default, "notificationLevel": "All",
                "notificationRecipients": k.notify_to, "notificationType": "Email",
                "recipientType": recipient, "target": t}));
        }
    }
    rules
}

/// The same 17 rules in ARM's shape (`ruleType`, approvers as `{id, description, isBackup,
/// userType}`).
fn arm_rules(k: &Knobs) -> Vec<Value> {
    let mut rules = Vec::with_capacity(17);
    for (caller, level) in LEVELS {
        let t = arm_target(caller, level);
        let (enabled, required, max): (Vec<&str>, bool, &str) = match (caller, level) {
            ("Admin", "Eligibility") => {
                (vec![], k.eligibility_expiration_required, k.eligibility_max)
            }
            ("Admin", _) => (
                vec!["MultiFactorAuthentication", "Justification"],
                k.assignment_expiration_required,
                k.assignment_max,
            ),
            _ => (k.end_user_enabled(), true, k.activation),
        };
        rules.push(
            json!({"enabledRules": enabled, "id": format!("Enablement_{caller}_{level}"),
            "ruleType": "RoleManagementPolicyEnablementRule", "target": t}),
        );
        rules.push(
            json!({"isExpirationRequired": required, "maximumDuration": max,
            "id": format!("Expiration_{caller}_{level}"),
            "ruleType": "RoleManagementPolicyExpirationRule", "target": t}),
        );
        if caller == "EndUser" {
            let approvers: Vec<Value> = k
                .approvers
                .iter()
                .map(|a| {
                    json!({"id": a.id, "description": a.name, "isBackup": false,
                           "userType": if a.group { "Group" } else { "User" }})
                })
                .collect();
            rules.push(json!({
                "setting": {"isApprovalRequired": k.approval, "isApprovalRequiredForExtension": false,
                    "isRequestorJustificationRequired": true, "approvalMode": "SingleStage",
                    "approvalStages": [{"approvalStageTimeOutInDays": 1,
                        "isApproverJustificationRequired": true, "escalationTimeInMinutes": 0,
                        "primaryApprovers": approvers, "isEscalationEnabled": false,
                        "escalationApprovers": null}]},
                "id": "Approval_EndUser_Assignment", "ruleType": "RoleManagementPolicyApprovalRule",
                "target": t}));
            rules.push(json!({"isEnabled": k.auth_context.is_some(),
                "claimValue": k.auth_context.unwrap_or(""),
                "id": "AuthenticationContext_EndUser_Assignment",
                "ruleType": "RoleManagementPolicyAuthenticationContextRule", "target": t}));
        }
        for recipient in ["Admin", "Requestor", "Approver"] {
            rules.push(json!({"notificationType": "Email", "recipientType": recipient,
                "isDefaultRecipientsEnabled": k.notify_default, "notificationLevel": "All",
                "notificationRecipients": if k.notify_to.is_empty() { Value::Null } else { json!(k.notify_to) },
                "id": format!("Notification_{recipient}_{caller}_{level}"),
                "ruleType": "RoleManagementPolicyNotificationRule", "target": t}));
        }
    }
    rules
}

fn graph_policy(policy_id: &str, scope_type: &str, scope_id: &str, k: &Knobs) -> Value {
    json!({"id": policy_id, "scopeType": scope_type, "scopeId": scope_id,
        "displayName": scope_type, "description": scope_type, "isOrganizationDefault": false,
        "lastModifiedBy": {"displayName": null, "id": null}, "lastModifiedDateTime": null,
        "rules": graph_rules(k)})
}

fn stamp(day: usize, hour: usize) -> String {
    format!("2026-11-{:02}T{:02}:00:00Z", 1 + day % 28, hour % 24)
}

fn schedule_info(start: &str, expiration: Value) -> Value {
    json!({"startDateTime": start, "recurrence": null, "expiration": expiration})
}

fn scope_type(scope: &str) -> &'static str {
    let l = scope.to_ascii_lowercase();
    if l.contains("/managementgroups/") {
        "managementgroup"
    } else if l.contains("/resourcegroups/") {
        "resourcegroup"
    } else {
        "subscription"
    }
}

/// `/subscriptions/{id}` of a scope under a subscription.
fn subscription_of(scope: &str) -> Option<String> {
    let mut parts = scope.trim_start_matches('/').split('/');
    match (parts.next(), parts.next()) {
        (Some(s), Some(id)) if s.eq_ignore_ascii_case("subscriptions") => {
            Some(format!("/subscriptions/{id}"))
        }
        _ => None,
    }
}

fn arm_role_definition_id(scope: &str, guid: &str) -> String {
    let prefix = subscription_of(scope).unwrap_or_default();
    format!("{prefix}/providers/Microsoft.Authorization/roleDefinitions/{guid}")
}

impl MockTenant {
    /// Builds the tenant `spec` describes; deterministic in `spec`.
    pub fn generate(spec: Spec) -> MockTenant {
        let mut rng = Rng::new(spec.seed);
        let mut t = MockTenant {
            tenant_id: rng.guid(),
            ..MockTenant::default()
        };

        // Users. Every tenth is an admin twin of the previous (same employeeId), a few are
        // disabled or guests, the first two are break-glass accounts.
        let mut user_ids = Vec::with_capacity(spec.users);
        let mut user_names = Vec::with_capacity(spec.users);
        for i in 0..spec.users {
            let id = rng.guid();
            let (name, upn, employee) = if i < 2 {
                (
                    format!("Break Glass {}", i + 1),
                    format!("breakglass{}@mock.onmicrosoft.com", i + 1),
                    Value::Null,
                )
            } else if i % 10 == 9 {
                let prev: &String = &user_names[i - 1];
                (
                    format!("{prev} (admin)"),
                    format!("adm-user{}@mock.example", i - 1),
                    json!(format!("E{}", 1000 + i - 1)),
                )
            } else {
                (
                    format!(
                        "{} {} {i}",
                        FIRST[rng.below(FIRST.len())],
                        LAST[rng.below(LAST.len())]
                    ),
                    format!("user{i}@mock.example"),
                    json!(format!("E{}", 1000 + i)),
                )
            };
            let guest = i >= 2 && rng.chance(5);
            t.users.push(json!({
                "id": id, "displayName": name,
                "userPrincipalName": if guest { format!("user{i}_partner.example#EXT#@mock.onmicrosoft.com") } else { upn },
                "accountEnabled": i < 2 || !rng.chance(6),
                "userType": if guest { "Guest" } else { "Member" },
                "employeeId": if guest { Value::Null } else { employee },
                "onPremisesSyncEnabled": if rng.chance(30) { json!(true) } else { Value::Null },
                "mail": if i < 2 || guest { Value::Null } else { json!(format!("user{i}@mock.example")) },
                "assignedLicenses": if i < 2 || rng.chance(20) { json!([]) } else {
                    json!([{"disabledPlans": [], "skuId": "6fd2c87f-b296-42f0-b197-1e91e994b900"}])
                },
            }));
            user_ids.push(id);
            user_names.push(name);
        }
        let user_obj = |i: usize| -> Value {
            let mut u = t.users[i].clone();
            if let Some(m) = u.as_object_mut() {
                m.insert("@odata.type".into(), json!("#microsoft.graph.user"));
            }
            u
        };

        // Groups: approver groups first, then two role-holding (role-assignable) groups, then a
        // mix of security, dynamic and Microsoft 365 groups.
        let approvers = spec.approver_groups.min(spec.groups);
        let role_groups = (approvers..spec.groups).take(2).collect::<Vec<_>>();
        let mut group_ids = Vec::with_capacity(spec.groups);
        let mut direct_users: Vec<Vec<usize>> = Vec::with_capacity(spec.groups);
        for i in 0..spec.groups {
            let id = rng.guid();
            let (name, assignable, rule, mail, types): (String, bool, Value, bool, Vec<&str>) =
                if i < approvers {
                    (
                        format!("PIM-Approvers-{i}"),
                        true,
                        Value::Null,
                        false,
                        vec![],
                    )
                } else if role_groups.contains(&i) {
                    (
                        format!("Role-Holders-{i}"),
                        true,
                        Value::Null,
                        false,
                        vec![],
                    )
                } else if i % 5 == 3 {
                    (
                        format!("Dynamic-IT-{i}"),
                        false,
                        json!(format!("(user.department -eq \"IT{i}\")")),
                        false,
                        vec!["DynamicMembership"],
                    )
                } else if i % 5 == 4 {
                    (
                        format!("Team-{i}"),
                        false,
                        Value::Null,
                        true,
                        vec!["Unified"],
                    )
                } else {
                    (format!("Security-{i}"), false, Value::Null, false, vec![])
                };
            t.groups.push(json!({
                "id": id, "displayName": name, "isAssignableToRole": assignable,
                "membershipRule": rule, "securityEnabled": !mail || types.is_empty(),
                "mailEnabled": mail, "groupTypes": types,
            }));
            // The last approver group (when there are two or more) is left empty.
            let n = if approvers >= 2 && i == approvers - 1 {
                0
            } else {
                1 + rng.below(6)
            };
            let members: Vec<usize> = (0..n.min(spec.users)).map(|_| rng.below(spec.users)).fold(
                Vec::new(),
                |mut acc, u| {
                    if !acc.contains(&u) {
                        acc.push(u);
                    }
                    acc
                },
            );
            direct_users.push(members);
            group_ids.push(id);
        }
        t.approver_group_ids = group_ids[..approvers].to_vec();
        for i in 0..spec.groups {
            let mut members: Vec<Value> = direct_users[i].iter().map(|&u| user_obj(u)).collect();
            // Every seventh group nests the previous one: its members appear transitively.
            if i % 7 == 6 {
                let mut g = t.groups[i - 1].clone();
                if let Some(m) = g.as_object_mut() {
                    m.insert("@odata.type".into(), json!("#microsoft.graph.group"));
                }
                members.push(g);
                for &u in &direct_users[i - 1] {
                    if !direct_users[i].contains(&u) {
                        members.push(user_obj(u));
                    }
                }
            }
            t.transitive_members.insert(group_ids[i].clone(), members);
        }

        let approver_for = |i: usize| -> Vec<Approver> {
            if approvers > 0 {
                let g = i % approvers;
                vec![Approver {
                    group: true,
                    id: group_ids[g].clone(),
                    name: format!("PIM-Approvers-{g}"),
                }]
            } else if !user_ids.is_empty() {
                vec![Approver {
                    group: false,
                    id: user_ids[0].clone(),
                    name: user_names[0].clone(),
                }]
            } else {
                Vec::new()
            }
        };

        // Directory roles and their policies: the first six get one weakness each (the
        // first none), the rest a random one.
        let mut role_ids = Vec::with_capacity(spec.roles);
        for i in 0..spec.roles {
            let (id, name, builtin) = match ENTRA_ROLES.get(i) {
                Some((id, name)) => (id.to_string(), name.to_string(), true),
                None => (rng.guid(), format!("Mock Custom Role {i}"), false),
            };
            t.role_definitions.push(json!({
                "id": id, "displayName": name, "description": format!("{name} (mock)"),
                "isBuiltIn": builtin, "isEnabled": true, "resourceScopes": ["/"],
                "templateId": id, "version": "1",
                "rolePermissions": [{"allowedResourceActions": [format!("microsoft.directory/mock{i}/allTasks")], "condition": null}],
            }));
            let weakness = match WEAKNESSES.get(i) {
                Some(w) => w,
                None => WEAKNESSES[rng.below(WEAKNESSES.len())],
            };
            let knobs = Knobs::strong(approver_for(i), rng.chance(30)).weaken(weakness);
            if !weakness.is_empty() {
                t.weaknesses.insert(id.clone(), weakness.to_string());
            }
            let policy_id = format!("DirectoryRole_{}_{}", t.tenant_id, rng.guid());
            t.directory_policy_assignments.push(json!({
                "id": format!("{policy_id}_{id}"), "policyId": policy_id,
                "roleDefinitionId": id, "scopeId": "/", "scopeType": "DirectoryRole",
                "policy": graph_policy(&policy_id, "DirectoryRole", "/", &knobs),
            }));
            role_ids.push(id);
        }

        // PIM for Groups policies: member and owner for every group.
        for (i, gid) in group_ids.iter().enumerate() {
            let mut list = Vec::with_capacity(2);
            for access in ["member", "owner"] {
                let weakness = WEAKNESSES[rng.below(WEAKNESSES.len())];
                let knobs = Knobs::strong(approver_for(i + 1), false).weaken(weakness);
                let policy_id = format!("Group_{gid}_{}", rng.guid());
                list.push(json!({
                    "id": format!("{policy_id}_{access}"), "policyId": policy_id,
                    "roleDefinitionId": access, "scopeId": gid, "scopeType": "Group",
                    "policy": graph_policy(&policy_id, "Group", gid, &knobs),
                }));
            }
            t.group_policy_assignments.insert(gid.clone(), list);
        }

        // Directory role eligibilities, active assignments and requests.
        let principal = |group: bool, id: &str| json!({"@odata.type": if group { "#microsoft.graph.group" } else { "#microsoft.graph.user" }, "id": id});
        let mut eligible: Vec<(bool, String, String)> = Vec::new();
        if !role_ids.is_empty() {
            for (u, uid) in user_ids.iter().enumerate().skip(2) {
                if rng.chance(35) {
                    let r = if rng.chance(50) {
                        rng.below(role_ids.len().min(8))
                    } else {
                        rng.below(role_ids.len())
                    };
                    eligible.push((false, uid.clone(), role_ids[r].clone()));
                    let _ = u;
                }
            }
            for &g in &role_groups {
                eligible.push((
                    true,
                    group_ids[g].clone(),
                    role_ids[rng.below(role_ids.len())].clone(),
                ));
            }
        }
        for (n, (group, pid, rid)) in eligible.iter().enumerate() {
            let expiration = if rng.chance(30) {
                json!({"type": "noExpiration", "endDateTime": null, "duration": null})
            } else {
                json!({"type": "afterDateTime", "endDateTime": "2027-06-01T00:00:00Z", "duration": null})
            };
            t.role_eligibility_schedules.push(json!({
                "id": rng.guid(), "principalId": pid, "roleDefinitionId": rid,
                "directoryScopeId": "/", "appScopeId": null, "memberType": "Direct",
                "status": "Provisioned", "principal": principal(*group, pid),
                "scheduleInfo": schedule_info("2026-06-01T00:00:00Z", expiration),
            }));
            if rng.chance(30) {
                let start = stamp(n, 8 + rng.below(8));
                t.role_assignment_schedule_instances.push(json!({
                    "id": rng.guid(), "principalId": pid, "roleDefinitionId": rid,
                    "directoryScopeId": "/", "appScopeId": null, "startDateTime": start,
                    "endDateTime": stamp(n, 12 + rng.below(8)), "assignmentType": "Activated",
                    "memberType": "Direct", "roleAssignmentOriginId": rng.guid(),
                    "roleAssignmentScheduleId": rng.guid(), "principal": principal(*group, pid),
                }));
            }
            if !*group && rng.chance(45) {
                let pending = rng.chance(45);
                let day = if pending {
                    24 + rng.below(4)
                } else {
                    rng.below(24)
                };
                let duration = ["PT1H", "PT4H", "PT8H"][rng.below(3)];
                t.role_assignment_schedule_requests.push(json!({
                    "id": rng.guid(), "action": "selfActivate",
                    "status": if pending { "PendingApproval" } else { "Provisioned" },
                    "principalId": pid, "roleDefinitionId": rid, "directoryScopeId": "/",
                    "appScopeId": null, "isValidationOnly": false, "targetScheduleId": rng.guid(),
                    "justification": format!("Change ticket work item {}", 4000 + n),
                    "createdDateTime": stamp(day, 9 + rng.below(9)),
                    "completedDateTime": if pending { Value::Null } else { json!(stamp(day, 20)) },
                    "scheduleInfo": schedule_info(&stamp(day, 9), json!({"type": "afterDuration", "endDateTime": null, "duration": duration})),
                    "ticketInfo": {"ticketNumber": if rng.chance(50) { json!(format!("CHG{:05}", n)) } else { Value::Null }, "ticketSystem": null},
                }));
            }
        }
        // Break-glass accounts hold the first role permanently; a few users hold a role
        // permanently outside PIM.
        let mut permanent: Vec<(String, String)> = Vec::new();
        if !role_ids.is_empty() {
            for uid in user_ids.iter().take(2) {
                permanent.push((uid.clone(), role_ids[0].clone()));
            }
            for uid in user_ids.iter().skip(2) {
                if rng.chance(4) {
                    permanent.push((uid.clone(), role_ids[rng.below(role_ids.len())].clone()));
                }
            }
        }
        for (pid, rid) in permanent {
            t.role_assignment_schedule_instances.push(json!({
                "id": rng.guid(), "principalId": pid, "roleDefinitionId": rid,
                "directoryScopeId": "/", "appScopeId": null, "startDateTime": "2025-01-15T09:00:00Z",
                "endDateTime": null, "assignmentType": "Assigned", "memberType": "Direct",
                "roleAssignmentOriginId": rng.guid(), "roleAssignmentScheduleId": rng.guid(),
                "principal": principal(false, &pid),
            }));
        }

        // PIM for Groups eligibilities, active assignments and requests.
        for gid in &group_ids {
            let (mut es, mut is, mut rs) = (Vec::new(), Vec::new(), Vec::new());
            if !user_ids.is_empty() {
                for k in 0..rng.below(4) {
                    let pid = user_ids[rng.below(user_ids.len())].clone();
                    let access = if rng.chance(25) { "owner" } else { "member" };
                    es.push(json!({
                        "id": rng.guid(), "principalId": pid, "groupId": gid, "accessId": access,
                        "memberType": "direct", "status": "Provisioned", "createdUsing": rng.guid(),
                        "createdDateTime": stamp(k, 7), "modifiedDateTime": null,
                        "scheduleInfo": schedule_info("2026-06-01T00:00:00Z", json!({"type": "afterDateTime", "endDateTime": "2027-06-01T00:00:00Z", "duration": null})),
                    }));
                    if rng.chance(35) {
                        is.push(json!({
                            "id": rng.guid(), "principalId": pid, "groupId": gid, "accessId": access,
                            "memberType": "direct", "assignmentType": "activated",
                            "startDateTime": stamp(k, 10), "endDateTime": stamp(k, 14),
                            "assignmentScheduleId": rng.guid(),
                        }));
                    }
                    if rng.chance(40) {
                        let pending = rng.chance(50);
                        let day = if pending {
                            24 + rng.below(4)
                        } else {
                            rng.below(24)
                        };
                        rs.push(json!({
                            "id": rng.guid(), "action": "selfActivate",
                            "status": if pending { "PendingApproval" } else { "Provisioned" },
                            "principalId": pid, "groupId": gid, "accessId": access,
                            "isValidationOnly": false, "targetScheduleId": rng.guid(),
                            "justification": format!("Group access for task {}", 7000 + k),
                            "createdDateTime": stamp(day, 11),
                            "completedDateTime": if pending { Value::Null } else { json!(stamp(day, 12)) },
                            "scheduleInfo": schedule_info(&stamp(day, 11), json!({"type": "afterDuration", "endDateTime": null, "duration": "PT2H"})),
                            "ticketInfo": {"ticketNumber": null, "ticketSystem": null},
                        }));
                    }
                }
            }
            t.group_eligibility_schedules.insert(gid.clone(), es);
            t.group_assignment_schedule_instances
                .insert(gid.clone(), is);
            t.group_assignment_schedule_requests.insert(gid.clone(), rs);
        }

        // ARM: subscriptions, and per scope a policy + assignment per Azure role plus some
        // eligibilities and active assignments.
        let mut subs: Vec<String> = Vec::new();
        for scope in &spec.arm_scopes {
            if let Some(s) = subscription_of(scope)
                && !subs.iter().any(|x| x.eq_ignore_ascii_case(&s))
            {
                subs.push(s);
            }
        }
        for (n, s) in subs.iter().enumerate() {
            let id = s.trim_start_matches("/subscriptions/");
            t.subscriptions.push(json!({
                "id": s, "authorizationSource": "RoleBased", "subscriptionId": id,
                "tenantId": t.tenant_id, "displayName": format!("Mock Subscription {}", n + 1),
                "state": "Enabled",
            }));
        }
        for scope in &spec.arm_scopes {
            if let Some(name) = scope
                .to_ascii_lowercase()
                .strip_prefix("/providers/microsoft.management/managementgroups/")
                .map(|_| scope.rsplit('/').next().unwrap_or(scope).to_string())
            {
                t.management_groups.push(json!({
                    "id": scope, "type": "Microsoft.Management/managementGroups", "name": name,
                    "properties": {"tenantId": t.tenant_id, "displayName": name},
                }));
            }
        }
        for (si, scope) in spec.arm_scopes.iter().enumerate() {
            let mut a = ArmScope {
                scope: scope.clone(),
                ..ArmScope::default()
            };
            let scope_props = json!({"id": scope, "displayName": scope.rsplit('/').next().unwrap_or(scope), "type": scope_type(scope)});
            for (ri, (guid, name)) in AZURE_ROLES.iter().enumerate() {
                let weakness = if ri < 2 {
                    WEAKNESSES[(ri + si) % WEAKNESSES.len()]
                } else {
                    WEAKNESSES[rng.below(WEAKNESSES.len())]
                };
                let mut knobs = Knobs::strong(approver_for(ri), rng.chance(20)).weaken(weakness);
                knobs.notify_default = false;
                knobs.notify_to = vec![format!("pim-alerts-{si}@mock.example")];
                if !weakness.is_empty() {
                    t.weaknesses
                        .insert(format!("{scope}|{guid}"), weakness.to_string());
                }
                let policy_guid = rng.guid();
                let policy_id = format!(
                    "{scope}/providers/Microsoft.Authorization/roleManagementPolicies/{policy_guid}"
                );
                let role_def = arm_role_definition_id(scope, guid);
                let rules = arm_rules(&knobs);
                let modified_by =
                    json!({"id": null, "displayName": "Admin", "type": null, "email": null});
                a.policies.push(json!({
                    "properties": {"scope": scope, "displayName": null, "description": null,
                        "isOrganizationDefault": false, "lastModifiedDateTime": "2026-03-17T02:54:27.167+00:00",
                        "lastModifiedBy": modified_by, "rules": rules, "effectiveRules": rules,
                        "policyProperties": {"scope": scope_props}},
                    "name": policy_guid, "id": policy_id,
                    "type": "Microsoft.Authorization/RoleManagementPolicies",
                }));
                let name_id = format!("{policy_guid}_{guid}");
                a.policy_assignments.push(json!({
                    "properties": {"scope": scope, "roleDefinitionId": role_def, "policyId": policy_id,
                        "effectiveRules": rules,
                        "policyAssignmentProperties": {"scope": scope_props,
                            "roleDefinition": {"id": role_def, "displayName": name, "type": "BuiltInRole"},
                            "policy": {"id": policy_id, "lastModifiedBy": modified_by, "lastModifiedDateTime": null}}},
                    "name": name_id,
                    "id": format!("{scope}/providers/Microsoft.Authorization/roleManagementPolicyAssignments/{name_id}"),
                    "type": "Microsoft.Authorization/RoleManagementPolicyAssignment",
                }));
                if user_ids.is_empty() {
                    continue;
                }
                for k in 0..rng.below(3) {
                    let group = !group_ids.is_empty() && rng.chance(20);
                    let (pid, pname) = if group {
                        let g = rng.below(group_ids.len());
                        (group_ids[g].clone(), t.groups[g]["displayName"].clone())
                    } else {
                        let u = rng.below(user_ids.len());
                        (user_ids[u].clone(), json!(user_names[u]))
                    };
                    let ptype = if group { "Group" } else { "User" };
                    let expanded = json!({"scope": scope_props,
                        "roleDefinition": {"id": role_def, "displayName": name, "type": "BuiltInRole"},
                        "principal": {"id": pid, "displayName": pname, "type": ptype}});
                    let name_e = rng.guid();
                    let permanent = rng.chance(25);
                    a.eligibility_schedules.push(json!({
                        "properties": {"scope": scope, "roleDefinitionId": role_def, "principalId": pid,
                            "principalType": ptype, "status": "Provisioned",
                            "roleEligibilityScheduleRequestId": format!("{scope}/providers/Microsoft.Authorization/roleEligibilityScheduleRequests/{}", rng.guid()),
                            "startDateTime": "2026-06-01T00:00:00Z",
                            "endDateTime": if permanent { Value::Null } else { json!("2027-06-01T00:00:00Z") },
                            "memberType": "Direct", "createdOn": "2026-06-01T00:00:00Z",
                            "updatedOn": "2026-06-01T00:00:00Z", "condition": null, "conditionVersion": null,
                            "expandedProperties": expanded},
                        "name": name_e,
                        "id": format!("{scope}/providers/Microsoft.Authorization/roleEligibilitySchedules/{name_e}"),
                        "type": "Microsoft.Authorization/RoleEligibilitySchedules",
                    }));
                    if rng.chance(40) {
                        let name_i = rng.guid();
                        a.assignment_schedule_instances.push(json!({
                            "properties": {"scope": scope, "roleDefinitionId": role_def, "principalId": pid,
                                "principalType": ptype,
                                "roleAssignmentScheduleId": format!("{scope}/providers/Microsoft.Authorization/roleAssignmentSchedules/{}", rng.guid()),
                                "originRoleAssignmentId": format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{}", rng.guid()),
                                "status": "Provisioned", "startDateTime": stamp(k, 9),
                                "endDateTime": stamp(k, 13), "assignmentType": "Activated",
                                "memberType": "Direct", "createdOn": stamp(k, 9),
                                "condition": null, "conditionVersion": null,
                                "expandedProperties": expanded},
                            "name": name_i,
                            "id": format!("{scope}/providers/Microsoft.Authorization/roleAssignmentScheduleInstances/{name_i}"),
                            "type": "Microsoft.Authorization/RoleAssignmentScheduleInstances",
                        }));
                    }
                }
            }
            t.arm.insert(scope.to_ascii_lowercase(), a);
        }
        t
    }

    /// Every collection as one JSON document (for determinism checks and debugging).
    pub fn snapshot(&self) -> String {
        let arm: BTreeMap<&String, Value> = self
            .arm
            .iter()
            .map(|(k, a)| {
                (
                    k,
                    json!({"scope": a.scope, "policies": a.policies,
                    "policyAssignments": a.policy_assignments,
                    "eligibilitySchedules": a.eligibility_schedules,
                    "assignmentScheduleInstances": a.assignment_schedule_instances}),
                )
            })
            .collect();
        json!({
            "tenantId": self.tenant_id, "roleDefinitions": self.role_definitions,
            "directoryPolicyAssignments": self.directory_policy_assignments,
            "groupPolicyAssignments": self.group_policy_assignments, "users": self.users,
            "groups": self.groups, "transitiveMembers": self.transitive_members,
            "roleEligibilitySchedules": self.role_eligibility_schedules,
            "roleAssignmentScheduleInstances": self.role_assignment_schedule_instances,
            "roleAssignmentScheduleRequests": self.role_assignment_schedule_requests,
            "groupEligibilitySchedules": self.group_eligibility_schedules,
            "groupAssignmentScheduleInstances": self.group_assignment_schedule_instances,
            "groupAssignmentScheduleRequests": self.group_assignment_schedule_requests,
            "subscriptions": self.subscriptions, "arm": arm, "weaknesses": self.weaknesses,
        })
        .to_string()
    }
}
