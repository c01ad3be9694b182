use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM703",
    name: "request-ticket-missing",
    category: Requests,
    needs: Request,
    summary: "An activation request has no ticket number though the role's policy requires one",
}

const HELP: &str = "Deny the request and ask for one with a ticket number: the policy requires ticket information (Enablement_EndUser_Assignment lists Ticketing).";

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    let Some(rc) = super::activation(cx) else {
        return Vec::new();
    };
    let r = rc.request;
    if r.ticket_number.is_some() || !super::requires(p, "Ticketing") {
        return Vec::new();
    }
    vec![
        Hit::new(
            &r.ticket_pointer,
            "This request has no ticket number; the role's policy requires ticket information",
            HELP,
        )
        .label("no ticketNumber")
        .about(&r.at.pointer),
    ]
}

const DOC: &str = r##"## What it does
For each activation request (`selfActivate`, `selfExtend`, `selfRenew`) whose role's policy lists
`Ticketing` in `Enablement_EndUser_Assignment.enabledRules`, checks that the request's
`ticketInfo.ticketNumber` is set.

## Why it matters
The ticket ties the access to a change or incident record. A request without one cannot be
reconciled with the work it was for, which is what the policy's ticket requirement is there to
guarantee.

## Example that fails
```json
{ "action": "selfActivate", "status": "PendingApproval", "ticketInfo": { "ticketNumber": null } }
```

## Example that passes
```json
{ "action": "selfActivate", "status": "PendingApproval",
  "ticketInfo": { "ticketNumber": "CHG0012345", "ticketSystem": "ServiceNow" } }
```

## How to fix
Deny the request and ask the requester to activate again with the ticket number.

## Severity
Warning: as for a missing justification, the ticket ties an activation to a change record the policy asked for; the gap is in accountability, not in access.

## References
- [Configure Microsoft Entra role settings in PIM](https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings) — Require ticket information on activation
- [unifiedRoleAssignmentScheduleRequest resource type](https://learn.microsoft.com/graph/api/resources/unifiedroleassignmentschedulerequest) — `ticketInfo`
"##;
