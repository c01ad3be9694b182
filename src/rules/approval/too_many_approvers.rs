use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM104",
    name: "too-many-approvers",
    category: Approval,
    needs: Role,
    summary: "More distinct approvers than `max` (10)",
    params: [
        ("max", Count, "Most distinct approvers (default 10)."),
    ],
}

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    if !super::approval_required(p) {
        return Vec::new();
    }
    let Some(stage) = super::first_stage(p) else {
        return Vec::new();
    };
    let list = &stage.primary_approvers;
    let (users, groups, others) = super::distinct(&list.value);
    // Without directory context each group counts as one: a lower bound.
    let at_least = users + groups + others;
    let max = cx.count("max", 10) as usize;
    if at_least <= max {
        return Vec::new();
    }
    vec![Hit::new(
        &list.pointer,
        format!("At least {at_least} distinct approvers; at most {max} are allowed"),
        "Replace the individual approvers in `approvalStages[0].primaryApprovers` with a small role-assignable group of \
         people who review these requests.",
    )
    .label(format!("{at_least} approvers"))]
}

const DOC: &str = r##"## What it does
Counts the distinct primary approvers of a role that requires approval and reports more than
`max` (default 10). Without directory context each group counts as one approver, so the count is
a lower bound.

## Why it matters
When everybody can approve, nobody owns the decision: requests are rubber-stamped by whoever sees
the mail first, and the list of approvers is never reviewed.

## Example that fails
Eleven `singleUser` approvers in `approvalStages[0].primaryApprovers`.

## Example that passes
Two to ten approvers, or one group of reviewers.

## How to fix
Keep a small group of accountable approvers; a role-assignable group makes the list reviewable.

## Severity
Baseline: warning for tier0 and privileged. No Microsoft or CISA text sets a maximum; the cap (10)
is pim-lint's judgement, grounded in how approval works: the first approver to answer decides.

## References
- Microsoft Learn, *Approve or deny requests for Microsoft Entra roles in PIM* (Workflow notifications: requests are resolved by the first approver who approves or denies):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-approval-workflow
"##;
