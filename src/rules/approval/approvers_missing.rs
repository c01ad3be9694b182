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

## Severity
Baseline: error; `directory_severity: warning` for directory roles. Azure resource roles and PIM
for Groups have no default approvers (Learn), so an approval with no approver cannot be given;
directory roles fall back to Privileged Role Administrators and Global Administrators (Learn),
which works but puts approval with the holders of the most powerful roles.

## References
- Microsoft Learn, *Configure Microsoft Entra role settings in PIM* (section Require approval to activate: the default approvers):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings
- Microsoft Learn, *Configure Azure resource role settings in PIM* (section Require approval to activate: there are no default approvers):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-resource-roles-configure-role-settings
- Microsoft Learn, *Configure PIM for Groups settings* (section Require approval to activate: there are no default approvers):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/groups-role-settings
- Microsoft Learn, *Email notifications in PIM* (Privileged Role Administrators are notified only if no explicit approvers are specified):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-email-notifications
"##;
