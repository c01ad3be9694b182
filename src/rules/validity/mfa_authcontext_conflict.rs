use crate::model::{Policy, RuleId};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM007",
    name: "mfa-authcontext-conflict",
    category: Validity,
    needs: Policy,
    summary: "MFA on activation while an authentication context is enabled (Graph rejects: MfaAndAcrsConflict)",
}

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    let Some((_, Some(enabled), _)) = p.auth_context() else {
        return Vec::new();
    };
    if !enabled.value {
        return Vec::new();
    }
    let Some((_, Some(list))) = p.enabled_rules(RuleId::EnablementEndUserAssignment) else {
        return Vec::new();
    };
    list.value
        .iter()
        .position(|r| r.eq_ignore_ascii_case("MultiFactorAuthentication"))
        .map(|i| {
            Hit::new(
                list.item(i),
                "Activation requires MFA while an authentication context is enabled; Graph rejects this \
                 combination (MfaAndAcrsConflict)",
                "Remove \"MultiFactorAuthentication\" from `enabledRules` of Enablement_EndUser_Assignment: the \
                 authentication context's Conditional Access policy should require the (phishing-resistant) MFA.",
            )
            .label("conflicts with the enabled authentication context")
        })
        .into_iter()
        .collect()
}

const DOC: &str = r##"## What it does
Reports a policy whose `Enablement_EndUser_Assignment` lists `MultiFactorAuthentication` while
`AuthenticationContext_EndUser_Assignment` is enabled.

## Why it matters
Graph refuses the update with `MfaAndAcrsConflict`: activation can require MFA or an
authentication context, not both. A policy kept in the repository in this state cannot be
deployed, and the tenant still runs whatever it had before.

## Example that fails
```json
{ "id": "Enablement_EndUser_Assignment", "enabledRules": ["MultiFactorAuthentication", "Justification"] }
{ "id": "AuthenticationContext_EndUser_Assignment", "isEnabled": true, "claimValue": "c1" }
```

## Example that passes
```json
{ "id": "Enablement_EndUser_Assignment", "enabledRules": ["Justification"] }
{ "id": "AuthenticationContext_EndUser_Assignment", "isEnabled": true, "claimValue": "c1" }
```

## How to fix
Drop `MultiFactorAuthentication` from the enablement rule and make the Conditional Access policy
bound to the authentication context require MFA (ideally phishing-resistant strength).

## References
- Microsoft Graph: Rules in PIM — authentication context (MfaAndAcrsConflict)
- Microsoft Entra: Configure PIM role settings — On activation, require Conditional Access authentication context
"##;
