use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM704",
    name: "request-pending-too-long",
    category: Requests,
    needs: Request,
    summary: "A request has waited for approval longer than the 24-hour approval window",
}

/// How long an approver has to act on a request before PIM lets it lapse.
const WINDOW_SECONDS: i64 = 24 * 3600;

const HELP: &str = "Approve or deny it now, or tell the requester to ask again: PIM lets a request lapse when no approver acts within 24 hours. If requests routinely wait this long, check that the role's approvers are reachable and notified.";

fn check(_: &Policy, cx: &Ctx) -> Vec<Hit> {
    let Some(rc) = cx.request else {
        return Vec::new();
    };
    let r = rc.request;
    let (Some(created), Some(at)) = (r.created_at(), r.created.as_ref()) else {
        return Vec::new();
    };
    let waited = rc.scope.now - created;
    if !r.is_pending() || waited <= WINDOW_SECONDS {
        return Vec::new();
    }
    let hours = waited / 3600;
    let age = if hours >= 48 {
        format!("{} days", hours / 24)
    } else {
        format!("{hours} hours")
    };
    vec![
        Hit::new(
            &at.pointer,
            format!(
                "This request has waited for approval for {age}, beyond the 24-hour approval window"
            ),
            HELP,
        )
        .label(format!("pending for {age}"))
        .about(&r.at.pointer),
    ]
}

const DOC: &str = r##"## What it does
For each request with `status` `PendingApproval`, compares its `createdDateTime` with the run's
current time and reports a request that has waited more than 24 hours.

## Why it matters
Approvers have 24 hours to approve a request; after that it lapses and the requester must ask
again. A request still pending past the window is one nobody acted on: the approvers are not
notified, not reachable, or no longer the right people — and someone could not do their work.

## Example that fails
A request created on Monday 09:00 and still `PendingApproval` on Tuesday 10:00.

## Example that passes
A request created an hour ago, or one that was approved (`Provisioned`) or denied.

## How to fix
Approve or deny the request. If requests often wait this long, review the role's approvers
(PIM105–PIM108) and the approver notifications (PIM401).

## Severity
Warning: Learn says a request not approved within 24 hours expires and must be resubmitted; a request older than that shows approvers who do not act (a process problem to fix before an emergency), not an access that was granted.

## References
- [Approve or deny requests for Microsoft Entra roles in PIM](https://learn.microsoft.com/entra/id-governance/privileged-identity-management/azure-ad-pim-approval-workflow) — the 24-hour approval window
- [Approve activation requests for group members and owners](https://learn.microsoft.com/entra/id-governance/privileged-identity-management/groups-approval-workflow)
"##;
