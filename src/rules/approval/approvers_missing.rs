use crate::model::{Policy, PolicyKind};
use crate::rules::{Ctx, Hit, Severity};

declare_rule! {
    code: "PIM102",
    name: "approvers-missing",
    category: Approval,
    needs: Policy,
    summary: "Approval is required but no primary approver is named",
    params: [
        ("directory_severity", Severity, "Severity for directory roles, which fall back to default approvers (default: warning)."),
    ],
}

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    if !super::approval_required(p) {
        return Vec::new();
    }
    let Some(stage) = super::first_stage(p) else {
        return Vec::new();
    };
    if !stage.primary_approvers.value.is_empty() {
        return Vec::new();
    }
    let hit = |msg: &str, help: &'static str| {
        Hit::new(&stage.primary_approvers.pointer, msg, help).label("no approvers")
    };
    match p.kind {
        PolicyKind::DirectoryRole => vec![hit(
            "Approval is required but no approver is named: requests go to the default approvers \
             (Privileged Role Administrators and Global Administrators)",
            "Name the approvers in `approvalStages[0].primaryApprovers` of Approval_EndUser_Assignment (a role-assignable \
             group of at least two people), so approval does not rest with whoever holds the admin roles.",
        )
        .severity(cx.severity("directory_severity").unwrap_or(Severity::Warning))],
        PolicyKind::AzureResource | PolicyKind::Group => vec![hit(
            "Approval is required but no approver is named, and Azure resource and PIM for Groups policies have no \
             default approvers: activation requests cannot be approved",
            "Add approvers to `approvalStages[0].primaryApprovers` (ARM: `{\"id\": …, \"userType\": \"User\"|\"Group\"}`).",
        )],
        PolicyKind::Unknown => vec![hit(
            "Approval is required but no approver is named (only directory roles have default approvers)",
            "Add approvers to `approvalStages[0].primaryApprovers` of Approval_EndUser_Assignment.",
        )],
    }
}

const DOC: &str = r##"## What it does
Reports a policy that requires approval but names no primary approver. For Azure resource roles
and PIM for Groups this is an error: they have no default approvers, so requests cannot be
approved. For directory roles it is a warning: requests go to the default approvers (Privileged
Role Administrators and Global Administrators), which is rarely what was meant.

## Why it matters
An approval nobody can give blocks just-in-time access and pushes teams back to permanent
assignments. Default approvers mean approval rests with the very people a compromise of tier0 would
give an attacker.

## Example that fails
```json
{ "id": "Approval_EndUser_Assignment", "ruleType": "RoleManagementPolicyApprovalRule",
  "setting": { "isApprovalRequired": true, "approvalStages": [ { "primaryApprovers": [] } ] } }
```

## Example that passes
```json
{ "id": "Approval_EndUser_Assignment", "ruleType": "RoleManagementPolicyApprovalRule",
  "setting": { "isApprovalRequired": true, "approvalStages": [ { "primaryApprovers": [
    { "id": "5c9e1f3a-…", "userType": "Group", "description": "PIM-Approvers" } ] } ] } }
```

## How to fix
Name approvers in the approval stage; a role-assignable group of at least two people is easiest to
keep current.

## References
- Microsoft Entra: Approve or deny requests for Microsoft Entra roles in PIM (default approvers)
- Microsoft Entra: Configure Azure resource role settings in PIM
"##;
