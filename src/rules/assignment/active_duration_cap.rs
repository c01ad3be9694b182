use crate::model::{IsoDuration, Policy, RuleId};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM304",
    name: "active-duration-cap",
    category: Assignment,
    needs: Role,
    summary: "Active assignments expire within `cap` (P180D)",
    params: [
        ("cap", Duration, "Longest active assignment (default P180D)."),
    ],
}

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    super::duration_cap(
        p,
        cx,
        RuleId::ExpirationAdminAssignment,
        "active",
        IsoDuration::from_days(180),
    )
}

const DOC: &str = r##"## What it does
When active assignments must expire, checks that `Expiration_Admin_Assignment.maximumDuration` is
at most `cap` (default `P180D`; the `strict` pack uses `P15D`).

## Why it matters
An active assignment is standing access for its whole length. Half a year is already long; a
year of active Global Administrator is permanent access with extra steps.

## Example that fails
```json
{ "id": "Expiration_Admin_Assignment", "isExpirationRequired": true, "maximumDuration": "P365D" }
```

## Example that passes
```json
{ "id": "Expiration_Admin_Assignment", "isExpirationRequired": true, "maximumDuration": "P180D" }
```

## How to fix
Choose a shorter "Expire active assignments after" value.

## Severity
Baseline: warning for tier0 and privileged (cap P180D). The cap is pim-lint's choice among the
expiries PIM offers; no Microsoft or CISA text sets one for active assignments.

## References
- Microsoft Learn, *Configure Microsoft Entra role settings in PIM* (section Assignment duration):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings
- Terraform azurerm `azurerm_role_management_policy`, `active_assignment_rules.expire_after`:
  https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/role_management_policy
"##;
