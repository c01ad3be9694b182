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

What each option gives, per Microsoft Learn: with *require multifactor authentication*, users may
not be prompted if they signed in with strong credentials or did MFA earlier in the session. With
an *authentication context*, the Conditional Access policies that target the context decide what
activation demands (Learn points to it, with Authentication Strengths, when authentication must
happen at activation). If no Conditional Access policy targets the context, PIM falls back to
requiring MFA; that fallback does not apply when the policy is turned off, in report-only mode, or
excludes the user. pim-lint sees the PIM policy, not Conditional Access, so an enabled context
passes here on trust; PIM205 (strict) asks tier0 roles for a context rather than MFA alone.

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

## Severity
Baseline: error for tier0 and privileged, warning for standard. Microsoft's deployment plan lists
enforcing MFA to activate any role, and PIM raises a security alert for roles that do not require
MFA for activation (severity Low in PIM, which treats it as a policy improvement). CISA SCuBA
MS.AAD.3.6 makes phishing-resistant MFA a SHALL for highly privileged roles (at sign-in, through
Conditional Access). pim-lint keeps error for the roles CISA and Microsoft call privileged.

## References
- Microsoft Learn, *Configure Microsoft Entra role settings in PIM* (sections On activation, require multifactor authentication and … authentication context):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings
- Microsoft Learn, *Configure security alerts for Microsoft Entra roles in PIM* (Roles don't require multifactor authentication for activation):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-configure-security-alerts
- Microsoft Learn, *Plan a Privileged Identity Management deployment* (Enforce multifactor authentication to activate any role):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-deployment-plan
- CISA SCuBA MS.AAD.3.6v1: "Phishing-resistant MFA SHALL be required for highly privileged roles.":
  https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md#msaad36v1
"##;
