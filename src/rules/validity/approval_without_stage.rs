use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM008",
    name: "approval-without-stage",
    category: Validity,
    needs: Policy,
    summary: "Approval is required but there is no approval stage",
}

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    let Some((_, a)) = p.approval() else {
        return Vec::new();
    };
    let Some(required) = &a.is_approval_required else {
        return Vec::new();
    };
    if !required.value {
        return Vec::new();
    }
    let help = "Add one approval stage to `setting.approvalStages` of Approval_EndUser_Assignment, with \
                `primaryApprovers` (PIM supports a single stage).";
    match &a.stages {
        Some(stages) if stages.value.is_empty() => vec![
            Hit::new(
                &stages.pointer,
                "Approval is required but `approvalStages` is empty",
                help,
            )
            .label("no stage"),
        ],
        None => vec![
            Hit::new(
                &required.pointer,
                "Approval is required but the rule has no `approvalStages`",
                help,
            )
            .label("required, but no stage follows"),
        ],
        Some(_) => Vec::new(),
    }
}

const DOC: &str = r##"## What it does
Reports an `Approval_EndUser_Assignment` rule with `isApprovalRequired: true` and no approval stage
(`approvalStages` absent, null or empty).

## Why it matters
Without a stage there is nobody to approve and nowhere to say who: Graph keeps the approvers in
`approvalSettings.approvalStages`. Terraform's `azurerm_role_management_policy` documents that `approval_stage` must be given when
`require_approval` is true, yet its own example omits it.

## Example that fails
```json
{ "id": "Approval_EndUser_Assignment", "setting": { "isApprovalRequired": true, "approvalStages": [] } }
```

## Example that passes
```json
{ "id": "Approval_EndUser_Assignment", "setting": { "isApprovalRequired": true,
  "approvalStages": [ { "primaryApprovers": [ { "@odata.type": "#microsoft.graph.groupMembers", "groupId": "…" } ] } ] } }
```

## How to fix
Add a stage with the approvers (a role-assignable group of at least two people is a good default).

## Severity
Baseline: error. Approval required with no stage leaves nobody who can approve: activation cannot
succeed as configured.

## References
- Microsoft Graph, *approvalSettings resource type* (`isApprovalRequired`, `approvalStages`):
  https://learn.microsoft.com/graph/api/resources/approvalsettings
- Microsoft Graph, *unifiedApprovalStage resource type*:
  https://learn.microsoft.com/graph/api/resources/unifiedapprovalstage
- Terraform azurerm `azurerm_role_management_policy` (`require_approval`: if true an `approval_stage` block must be provided):
  https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/role_management_policy
"##;
