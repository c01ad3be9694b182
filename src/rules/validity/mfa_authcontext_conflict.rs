use crate::model::{Policy, RuleId};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM007",
    name: "mfa-authcontext-conflict",
    category: Validity,
    needs: Policy,
    summary: "MFA on activation while an authentication context is enabled (they are alternatives; Graph can reject it: MfaAndAcrsConflict)",
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
                "Activation requires MFA while an authentication context is enabled: the two are alternatives, \
                 Terraform refuses both, and Graph rejects turning MFA on while a context is on (MfaAndAcrsConflict)",
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
MFA and an authentication context are alternative activation requirements. Microsoft Learn
describes them as two settings and points to the authentication context (with Authentication
Strengths) where activation must prompt for authentication; the Terraform providers declare the two
arguments conflicting. Microsoft's Graph reference does not document the conflict, but Graph has
been reported to reject an update that turns MFA on while a context is enabled, with
`MfaAndAcrsConflict` (EasyPIM, a community module, strips MFA for that reason). The reverse order
has been reported to be accepted, so an export can hold both, and whether re-applying the file
works depends on the order of the rule updates: the file does not reliably deploy.

What pim-lint verified: the Learn, Graph and Terraform texts cited below. What it did not: the
Graph error itself, which no Microsoft page names; it is reported by tools that call Graph.

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

## Severity
Baseline: error. A file in this state cannot be applied as written: Terraform refuses the two
settings together, and through Graph it fails in one order of updates.

## References
- Microsoft Learn, *Configure Microsoft Entra role settings in PIM* (sections On activation, require multifactor authentication and On activation, require Microsoft Entra Conditional Access authentication context):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings
- Microsoft Graph, *unifiedRoleManagementPolicyAuthenticationContextRule resource type*:
  https://learn.microsoft.com/graph/api/resources/unifiedrolemanagementpolicyauthenticationcontextrule
- Terraform azurerm `azurerm_role_management_policy`, `activation_rules` (`require_multifactor_authentication` conflicts with `required_conditional_access_authentication_context`):
  https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/role_management_policy
- EasyPIM (community PowerShell module) removes MFA when an authentication context is enabled "to avoid MfaAndAcrsConflict":
  https://github.com/kayasax/EasyPIM
"##;
