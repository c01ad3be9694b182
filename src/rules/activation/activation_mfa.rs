use crate::model::{Policy, RuleId};
use crate::rules::{Ctx, Hit, util};

declare_rule! {
    code: "PIM201",
    name: "activation-mfa",
    category: Activation,
    needs: Role,
    summary: "Activation requires MFA or an enabled authentication context",
}

const HELP: &str = "Add \"MultiFactorAuthentication\" to `enabledRules` of Enablement_EndUser_Assignment (portal: On \
                    activation, require Azure MFA), or enable AuthenticationContext_EndUser_Assignment with a Conditional \
                    Access authentication context.";

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    if super::auth_context_on(p) {
        return Vec::new();
    }
    match p.enabled_rules(RuleId::EnablementEndUserAssignment) {
        None => util::missing(p, RuleId::EnablementEndUserAssignment, "activation requires MFA", HELP),
        Some((_, Some(list))) if util::has(list, "MultiFactorAuthentication") => Vec::new(),
        Some((_, Some(list))) => vec![
            Hit::new(
                &list.pointer,
                format!(
                    "Activation does not require MFA: enabledRules is {} and no authentication context is enabled; it must \
                     include MultiFactorAuthentication",
                    util::show_list(list)
                ),
                HELP,
            )
            .label("no MultiFactorAuthentication"),
        ],
        Some((rule, None)) => vec![
            Hit::new(&rule.pointer, "Activation does not require MFA: the enablement rule has no `enabledRules`", HELP)
                .label("no enabledRules"),
        ],
    }
}

const DOC: &str = r##"## What it does
Checks that activating the role requires multifactor authentication: either
`MultiFactorAuthentication` in `Enablement_EndUser_Assignment.enabledRules`, or an enabled
`AuthenticationContext_EndUser_Assignment` (whose Conditional Access policy enforces the
authentication). Error for tier0 and privileged roles, warning for standard ones in the baseline.

## Why it matters
Activation is the moment standing eligibility becomes real power. Without MFA at that moment, a
stolen password or a hijacked session is all an attacker needs.

## Example that fails
```json
{ "id": "Enablement_EndUser_Assignment", "enabledRules": ["Justification"] }
{ "id": "AuthenticationContext_EndUser_Assignment", "isEnabled": false, "claimValue": "" }
```

## Example that passes
```json
{ "id": "Enablement_EndUser_Assignment", "enabledRules": ["MultiFactorAuthentication", "Justification"] }
```

## How to fix
Require Azure MFA on activation, or (better for tier0) a Conditional Access authentication context
that requires phishing-resistant MFA.

## References
- Microsoft Entra: Configure Microsoft Entra role settings in PIM — On activation, require
- CIS Microsoft 365 Foundations: privileged roles require MFA
- Microsoft Entra: Plan a Privileged Identity Management deployment
"##;
