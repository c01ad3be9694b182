use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM110",
    name: "escalation-without-approvers",
    category: Approval,
    needs: Policy,
    summary: "Escalation is enabled but no escalation approver is named",
}

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    let Some(stages) = p.approval().and_then(|(_, a)| a.stages.as_ref()) else {
        return Vec::new();
    };
    stages
        .value
        .iter()
        .filter(|s| s.is_escalation_enabled.as_ref().is_some_and(|e| e.value) && s.escalation_approvers.value.is_empty())
        .map(|s| {
            let at = s.is_escalation_enabled.as_ref().map_or(&s.pointer, |e| &e.pointer);
            Hit::new(
                at,
                "Escalation is enabled but `escalationApprovers` is empty: an unanswered request escalates to nobody",
                "Name escalation approvers in `escalationApprovers` of the approval stage, or set `isEscalationEnabled` to false.",
            )
            .label("escalates to nobody")
        })
        .collect()
}

const DOC: &str = r##"## What it does
Reports an approval stage with `isEscalationEnabled: true` and no `escalationApprovers`.

## Why it matters
The setting promises that a request nobody answers in time goes to someone else. With no
escalation approvers it goes nowhere, and the request simply expires — a gap that is only found
during an incident.

## Example that fails
```json
{ "isEscalationEnabled": true, "escalationTimeInMinutes": 120, "escalationApprovers": [] }
```

## Example that passes
```json
{ "isEscalationEnabled": false, "escalationApprovers": [] }
```

## How to fix
Add escalation approvers or turn escalation off.

## Severity
Baseline: warning. The setting promises an escalation that cannot happen; requests still reach the
primary approvers.

## References
- Microsoft Graph, *unifiedApprovalStage resource type* (`isEscalationEnabled`, `escalationApprovers`, `escalationTimeInMinutes`):
  https://learn.microsoft.com/graph/api/resources/unifiedapprovalstage
"##;
