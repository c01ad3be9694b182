use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM702",
    name: "request-justification-missing",
    category: Requests,
    needs: Request,
    summary: "An activation request has no justification though the role's policy requires one",
}

const HELP: &str = "Deny the request and ask for one with a justification: the policy requires it (Enablement_EndUser_Assignment lists Justification).";

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    let Some(rc) = super::activation(cx) else {
        return Vec::new();
    };
    let r = rc.request;
    if r.justification.is_some() || !super::requires(p, "Justification") {
        return Vec::new();
    }
    vec![
        Hit::new(
            &r.at.pointer,
            "This request has no justification; the role's policy requires one",
            HELP,
        )
        .label("no justification")
        .about(&r.at.pointer),
    ]
}

const DOC: &str = r##"## What it does
For each activation request (`selfActivate`, `selfExtend`, `selfRenew`) whose role's policy lists
`Justification` in `Enablement_EndUser_Assignment.enabledRules`, checks that the request has a
non-empty `justification`.

## Why it matters
When the policy requires a justification, PIM asks for one on activation; a request without one
was made before the requirement or around it. Either way approvers and auditors are left without
the reason for the access.

## Example that fails
```json
{ "action": "selfActivate", "status": "PendingApproval", "justification": null }
```

## Example that passes
```json
{ "action": "selfActivate", "status": "PendingApproval", "justification": "INC-4711: restore mailbox" }
```

## How to fix
Deny the request and ask the requester to activate again with a justification.

## Severity
Warning: the policy asks for a justification and the request has none, so the audit trail loses the reason; the activation itself is not more powerful because of it (Learn lists justification as an audit aid, not an access control).

## References
- [Configure Microsoft Entra role settings in PIM](https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings) — Require justification on activation
- [Activate a Microsoft Entra role in PIM](https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-activate-role)
"##;
