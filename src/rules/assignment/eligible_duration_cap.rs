use crate::model::{IsoDuration, Policy, RuleId};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM302",
    name: "eligible-duration-cap",
    category: Assignment,
    needs: Role,
    summary: "Eligible assignments expire within `cap` (P365D)",
    params: [
        ("cap", Duration, "Longest eligible assignment (default P365D)."),
    ],
}

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    super::duration_cap(
        p,
        cx,
        RuleId::ExpirationAdminEligibility,
        "eligible",
        IsoDuration::from_days(365),
    )
}

const DOC: &str = r##"## What it does
When eligible assignments must expire, checks that `Expiration_Admin_Eligibility.maximumDuration`
is at most `cap` (default `P365D`). Permanent eligibility is PIM301's concern.

## Why it matters
The maximum eligibility is how often somebody must re-decide that a person needs the role. Longer
than a year and the decision is effectively permanent.

## Example that fails
```json
{ "id": "Expiration_Admin_Eligibility", "isExpirationRequired": true, "maximumDuration": "P730D" }
```

## Example that passes
```json
{ "id": "Expiration_Admin_Eligibility", "isExpirationRequired": true, "maximumDuration": "P365D" }
```

## How to fix
Choose a shorter "Expire eligible assignments after" value (P15D, P30D, P90D, P180D or P365D).

## Severity
Baseline: warning for tier0 and privileged (cap P365D). PIM offers expiries of 15, 30, 90, 180 and
365 days; the cap is pim-lint's choice, and Microsoft's example uses three months.

## References
- Microsoft Learn, *Configure Microsoft Entra role settings in PIM* (section Assignment duration):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings
- Microsoft Learn, *Plan a Privileged Identity Management deployment* (example eligible expiration):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-deployment-plan
- Terraform azurerm `azurerm_role_management_policy`, `eligible_assignment_rules.expire_after` (P15D, P30D, P90D, P180D, P365D):
  https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/role_management_policy
"##;
