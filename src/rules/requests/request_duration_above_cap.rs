use crate::model::{IsoDuration, Policy, RuleId};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM701",
    name: "request-duration-above-cap",
    category: Requests,
    needs: Request,
    summary: "An activation request asks for longer than the role's policy allows",
}

const HELP: &str = "Deny the request and ask for one within the maximum activation duration of the role's policy; if the work needs longer, change the policy deliberately, not per request.";

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    let Some(rc) = super::activation(cx) else {
        return Vec::new();
    };
    let Some(max) = p
        .expiration(RuleId::ExpirationEndUserAssignment)
        .and_then(|(_, _, d)| d)
        .and_then(|d| IsoDuration::parse(&d.value).ok())
    else {
        return Vec::new();
    };
    let Some((asked, at)) = rc.request.requested() else {
        return Vec::new();
    };
    if asked <= max {
        return Vec::new();
    }
    vec![
        Hit::new(
            at,
            format!(
                "This request asks for {asked}, longer than the {max} the role's policy allows for an activation"
            ),
            HELP,
        )
        .label(format!("above the {max} cap"))
        .about(&rc.request.at.pointer),
    ]
}

const DOC: &str = r##"## What it does
Compares the duration an activation request asks for (`scheduleInfo.expiration.duration`, or
`endDateTime` minus `startDateTime`) with the maximum activation duration of the role's policy
(`Expiration_EndUser_Assignment.maximumDuration`). Only self-activations, extensions and renewals
(`selfActivate`, `selfExtend`, `selfRenew`) are judged; without a maximum in the policy nothing is
said.

## Why it matters
A request longer than the policy allows means the request was made outside the portal's limits
(a script, an API call) or the policy changed since: either way the approver should not grant
more time than the role's settings were written for.

## Example that fails
The policy allows `PT4H`; the request asks for `PT8H`:
```json
{ "action": "selfActivate", "status": "PendingApproval",
  "scheduleInfo": { "expiration": { "type": "afterDuration", "duration": "PT8H" } } }
```

## Example that passes
The same request asking for `PT2H`.

## How to fix
Deny the request and ask for a new one within the policy's maximum, or — if the work truly needs
longer — change the policy deliberately, not per request.

## Severity
Error: the request asks for more standing time than the role's policy grants (Learn: the activation maximum duration is the longest a role stays active); an activation that long is access the policy owner did not agree to, whether the policy was loosened after the request or the request bypassed it.

## References
- [Configure Microsoft Entra role settings in PIM](https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings) — Activation maximum duration
- [unifiedRoleAssignmentScheduleRequest resource type](https://learn.microsoft.com/graph/api/resources/unifiedroleassignmentschedulerequest)
"##;
