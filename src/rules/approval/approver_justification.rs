use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM109",
    name: "approver-justification",
    category: Approval,
    needs: Role,
    summary: "Approvers need not justify their decision",
}

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    if !super::approval_required(p) {
        return Vec::new();
    }
    let Some(stages) = p.approval().and_then(|(_, a)| a.stages.as_ref()) else {
        return Vec::new();
    };
    stages
        .value
        .iter()
        .filter_map(|s| s.is_approver_justification_required.as_ref())
        .filter(|j| !j.value)
        .map(|j| {
            Hit::new(
                &j.pointer,
                "Approvers need not justify their decision: isApproverJustificationRequired is false; it should be true",
                "Set `isApproverJustificationRequired` to true in the approval stage of Approval_EndUser_Assignment (portal: \
                 Require justification on approval).",
            )
            .label("no justification")
        })
        .collect()
}

const DOC: &str = r##"## What it does
Reports an approval stage with `isApproverJustificationRequired: false` on a role that requires
approval.

## Why it matters
The approver's reason is the only record of why an activation was allowed. Without it an audit
can tell who approved, never why, and approvals become a click.

## Example that fails
```json
"approvalStages": [ { "isApproverJustificationRequired": false, "primaryApprovers": [ … ] } ]
```

## Example that passes
```json
"approvalStages": [ { "isApproverJustificationRequired": true, "primaryApprovers": [ … ] } ]
```

## How to fix
Set `isApproverJustificationRequired` to true.

## Severity
Baseline: warning for tier0 and privileged. Graph offers the setting; no Microsoft or CISA text
requires it. Without it the audit trail of an approval has no reason.

## References
- Microsoft Graph, *unifiedApprovalStage resource type* (`isApproverJustificationRequired`):
  https://learn.microsoft.com/graph/api/resources/unifiedapprovalstage
"##;
