use crate::model::{MAX_READINGS, Policy, ProblemKind, Ptr, Setting};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM003",
    name: "schema-violation",
    category: Validity,
    needs: Policy,
    summary: "A known field has the wrong type or a value Graph/ARM does not accept",
}

const CALLERS: &[&str] = &["Admin", "EndUser"];
const LEVELS: &[&str] = &["Eligibility", "Assignment"];
const NOTIFICATION_LEVELS: &[&str] = &["None", "Critical", "All"];
const RECIPIENT_TYPES: &[&str] = &["Requestor", "Approver", "Admin"];
const NOTIFICATION_TYPES: &[&str] = &["Email"];
const APPROVAL_MODES: &[&str] = &["SingleStage", "Serial", "Parallel", "NoApproval"];
const ENABLED_RULES: &[&str] = &["MultiFactorAuthentication", "Justification", "Ticketing"];

/// A key repeated in one object (found by the parser, reported under this rule).
pub fn duplicate_key_message(key: &str) -> String {
    format!(
        "The key `{key}` appears twice in one object: readers disagree on which value wins (pim-lint reads the last)"
    )
}
pub const DUPLICATE_KEY_HELP: &str = "Keep one of the two keys; a reviewer may read the first value while Graph or a script uses the other.";
pub const DUPLICATE_KEY_LABEL: &str = "duplicate key";
/// The label and advice for a problem the normaliser found, by kind.
pub fn problem_words(kind: ProblemKind) -> (&'static str, &'static str) {
    match kind {
        ProblemKind::WrongType => (
            "wrong type",
            "Give the value the type Graph and ARM define for this field, so what is reviewed is what a tool applies.",
        ),
        ProblemKind::OutOfRange => (
            "out of range",
            "Write a whole number in the range Graph documents for the field (a 32-bit integer); \
             pim-lint does not read a number it cannot hold as absent, infinite or rounded.",
        ),
        ProblemKind::CaseVariantKey => (
            "same key, other case",
            "Keep one spelling of the key. Graph PowerShell, ScubaGear and pim-lint match keys \
             without regard to case, so a reader may take the other value than the one you reviewed.",
        ),
        ProblemKind::AdditionalProperties => (
            "set twice",
            "Keep the value in one place: the object itself or its `AdditionalProperties`. \
             Readers disagree on which of the two counts.",
        ),
        ProblemKind::RepeatedKey => (DUPLICATE_KEY_LABEL, DUPLICATE_KEY_HELP),
        ProblemKind::UnsupportedVersion => (
            "unsupported version",
            "Lint output whose format version pim-lint reads (`terraform show -json` 1.x). A file \
             pim-lint cannot read is reported, never passed as clean.",
        ),
        ProblemKind::IncompletePlan => (
            "plan not whole",
            "Lint a plan that finished: `terraform plan -out tfplan` without errors or deferred \
             changes. What a plan leaves out is not linted, so pim-lint never passes it as clean.",
        ),
        ProblemKind::BlankApprover => (
            "names nobody",
            "Give the approver's user or group id, or remove the entry. An approver without an id \
             is not counted as an approver, so it cannot satisfy the approver checks.",
        ),
    }
}

/// Two rules with the same id in one policy (`times` in all): which one Graph or a script
/// applies is not defined, so every check judges each (up to [`MAX_READINGS`]).
pub fn repeated_rule_message(id: &str, first: &str, times: usize) -> String {
    let how_often = if times == 2 {
        "twice".to_owned()
    } else {
        format!("{times} times")
    };
    let judged = if times > MAX_READINGS {
        format!("pim-lint checks the first {MAX_READINGS} of them")
    } else if times == 2 {
        "pim-lint checks both".to_owned()
    } else {
        "pim-lint checks each".to_owned()
    };
    format!(
        "Rule `{id}` appears {how_often} in this policy (first at {first}): readers disagree on which one applies, so {judged}"
    )
}
pub const REPEATED_RULE_HELP: &str = "Keep one rule per id: merge the settings you mean into one rule and delete the other.";
pub const REPEATED_RULE_LABEL: &str = "second rule with this id";

/// One policy assigned to two roles (two assignments name it): the policy is checked for each.
pub fn second_role_message(policy_id: &str, first_role: &str, role: &str) -> String {
    format!(
        "Policy `{policy_id}` is assigned to role {first_role} and again to role {role}: a policy governs one role, so pim-lint checks it for each"
    )
}
pub const SECOND_ROLE_HELP: &str = "Export the assignments again from one tenant and one point in time; if both are current, check which role the policy really governs.";
pub const SECOND_ROLE_LABEL: &str = "second role for this policy";

/// A directory record (user, group, schedule) with a known field of the wrong type.
pub const DIRECTORY_HELP: &str = "Re-export the directory list unchanged: the approver and assignment checks read this field, and a wrong type means they cannot trust the record.";

fn one_of(hits: &mut Vec<Hit>, field: &str, value: &str, pointer: &Ptr, allowed: &[&str]) {
    // Graph and ARM compare enumeration values without regard to case.
    if !allowed.iter().any(|a| a.eq_ignore_ascii_case(value)) {
        hits.push(
            Hit::new(
                pointer,
                format!(
                    "`{field}` is \"{value}\", which is not one of {}",
                    allowed.join(", ")
                ),
                format!("Set `{field}` to one of: {}.", allowed.join(", ")),
            )
            .label("not an accepted value"),
        );
    }
}

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    let mut hits: Vec<Hit> = p
        .problems
        .iter()
        .map(|pr| {
            let (label, help) = problem_words(pr.kind);
            Hit::new(&pr.pointer, pr.message.clone(), help).label(label)
        })
        .collect();
    for group in p.repeated_rules() {
        let (Some(first), Some(repeat)) = (
            group.first().and_then(|&i| p.rules.get(i)),
            group.get(1).and_then(|&i| p.rules.get(i)),
        ) else {
            continue;
        };
        hits.push(
            Hit::new(
                &repeat.id.pointer,
                repeated_rule_message(&repeat.id.value, &first.pointer.path, group.len()),
                REPEATED_RULE_HELP,
            )
            .label(REPEATED_RULE_LABEL),
        );
    }
    for r in &p.rules {
        if let Some(c) = &r.target.caller {
            one_of(&mut hits, "target.caller", &c.value, &c.pointer, CALLERS);
        }
        if let Some(l) = &r.target.level {
            one_of(&mut hits, "target.level", &l.value, &l.pointer, LEVELS);
        }
        match &r.setting {
            Setting::Notification(n) => {
                if let Some(v) = &n.notification_level {
                    one_of(
                        &mut hits,
                        "notificationLevel",
                        &v.value,
                        &v.pointer,
                        NOTIFICATION_LEVELS,
                    );
                }
                if let Some(v) = &n.recipient_type {
                    one_of(
                        &mut hits,
                        "recipientType",
                        &v.value,
                        &v.pointer,
                        RECIPIENT_TYPES,
                    );
                }
                if let Some(v) = &n.notification_type {
                    one_of(
                        &mut hits,
                        "notificationType",
                        &v.value,
                        &v.pointer,
                        NOTIFICATION_TYPES,
                    );
                }
            }
            Setting::Approval(a) => {
                if let Some(v) = &a.approval_mode {
                    one_of(
                        &mut hits,
                        "approvalMode",
                        &v.value,
                        &v.pointer,
                        APPROVAL_MODES,
                    );
                }
            }
            Setting::Enablement {
                enabled_rules: Some(list),
            } => {
                for (i, v) in list.value.iter().enumerate() {
                    one_of(&mut hits, "enabledRules", v, &list.item(i), ENABLED_RULES);
                }
            }
            _ => {}
        }
    }
    hits
}

const DOC: &str = r##"## What it does
Reports a field pim-lint knows whose value has the wrong JSON type (`"isApprovalRequired": "true"`
as a string, `rules` that is not an array) or is outside the values Graph and ARM accept
(`target.caller` Admin/EndUser, `target.level` Eligibility/Assignment, `notificationLevel`
None/Critical/All, `recipientType` Requestor/Approver/Admin, `approvalMode`, `enabledRules`
MultiFactorAuthentication/Justification/Ticketing), and a rule whose `@odata.type`/`ruleType`
contradicts its id.

It also reports input that can be read more than one way, each at the second place, and resolves
it strictly:
- a key repeated in one object (JSON or YAML), or two keys that differ only in case
  (`isApprovalRequired` and `IsApprovalRequired`: PowerShell, ScubaGear and pim-lint match keys
  without regard to case);
- a key set both in an object and in its `AdditionalProperties`, with different values;
- a rule id repeated in one policy: every check judges each of the rules (rules of a ScubaGear
  export tagged with different `RuleSource`s are not repeats: a `PIM Group` source is read as
  that group's own policy);
- a policy that two assignments give different roles: it is checked for each role;
- an approver without an id (missing, blank or not a string): it is not counted as an approver;
- a `policy` of an assignment that is not an object, and an `AdditionalProperties` that is not
  one: what they should hold is not read;
- a number a known field cannot hold (`escalationTimeInMinutes: 1e999999`, a negative or
  fractional count): never read as absent, infinite or rounded.

## Why it matters
A mistyped field is either rejected when the policy is deployed or, worse, ignored by a script
that reads it — so the setting you reviewed is not the one in force. Boolean strings are a known
failure of hand-written ARM PATCH bodies. Where a file says two things, a reviewer may read one
and the tool that applies it the other: a second `Approval_EndUser_Assignment` that turns
approval off must not pass because a reader stopped at the first.

## Example that fails
```json
{ "id": "Approval_EndUser_Assignment", "ruleType": "RoleManagementPolicyApprovalRule",
  "setting": { "isApprovalRequired": "true" } }
```

## Example that passes
```json
{ "id": "Approval_EndUser_Assignment", "ruleType": "RoleManagementPolicyApprovalRule",
  "setting": { "isApprovalRequired": true } }
```

## How to fix
Write the value with the type and spelling Graph documents for the field.

## Severity
Baseline: error. A field of the wrong type or an unknown enumeration value is not what Graph or
ARM define for the resource, so what was reviewed is not what a tool will apply.

## References
- Microsoft Graph, *unifiedRoleManagementPolicyRule resource type* (the rule types and their properties):
  https://learn.microsoft.com/graph/api/resources/unifiedrolemanagementpolicyrule
- Azure REST API, *Use Role Management Policies to manage rules for each role within each resource* (ARM `2020-10-01`):
  https://learn.microsoft.com/rest/api/authorization/privileged-role-policy-rest-sample
"##;
