use crate::model::Policy;
use crate::rules::{Ctx, Hit, util};

declare_rule! {
    code: "PIM205",
    name: "activation-auth-context",
    category: Activation,
    needs: Role,
    summary: "Activation uses a Conditional Access authentication context, not plain MFA",
}

const HELP: &str = "Enable AuthenticationContext_EndUser_Assignment (`isEnabled: true`, `claimValue`: an authentication \
                    context such as c1) bound to a Conditional Access policy requiring phishing-resistant MFA, and remove \
                    MultiFactorAuthentication from Enablement_EndUser_Assignment.";

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    if super::auth_context_on(p) {
        return Vec::new();
    }
    match p.auth_context() {
        None => util::missing(
            p,
            crate::model::RuleId::AuthenticationContextEndUserAssignment,
            "activation is bound to an authentication context",
            HELP,
        ),
        Some((rule, on, _)) => {
            let at = on.map_or(&rule.pointer, |o| &o.pointer);
            vec![
                Hit::new(at, "Activation is not bound to a Conditional Access authentication context; plain MFA may be satisfied by an earlier sign-in", HELP)
                    .label("authentication context off"),
            ]
        }
    }
}

const DOC: &str = r##"## What it does
Checks that activation of the role requires an enabled authentication context
(`AuthenticationContext_EndUser_Assignment` with `isEnabled: true` and a claim). Not in the
baseline; the `strict` pack runs it on tier0 roles.

## Why it matters
"Require MFA on activation" is satisfied by an MFA claim already in the session — possibly hours
old, possibly from a weak method. An authentication context triggers a Conditional Access policy
at activation, which can demand fresh, phishing-resistant authentication from a compliant device.

## Example that fails
```json
{ "id": "AuthenticationContext_EndUser_Assignment", "isEnabled": false, "claimValue": "" }
```

## Example that passes
```json
{ "id": "AuthenticationContext_EndUser_Assignment", "isEnabled": true, "claimValue": "c1" }
```

## How to fix
Create an authentication context, a Conditional Access policy targeting it with phishing-resistant
authentication strength, and select it in the role settings.

## Severity
Not in the baseline (the `strict` pack turns it on for tier0). Microsoft presents the
authentication context with Authentication Strengths as the way to make sure users authenticate at
activation; it depends on a Conditional Access policy pim-lint cannot see.

## References
- Microsoft Learn, *Configure Microsoft Entra role settings in PIM* (section On activation, require Microsoft Entra Conditional Access authentication context):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings
- Microsoft Learn, *Conditional Access: target resources*, section Authentication context:
  https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-cloud-apps#authentication-context
"##;
