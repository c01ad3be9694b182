use crate::model::{Policy, RuleId};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM303",
    name: "active-expiration-required",
    category: Assignment,
    needs: Role,
    summary: "Active assignments must expire (no permanent active assignments)",
}

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    super::expiration_required(
        p,
        RuleId::ExpirationAdminAssignment,
        "active",
        "Set `isExpirationRequired` to true in Expiration_Admin_Assignment (portal: Assignment → uncheck Allow permanent \
         active assignment) with a short `maximumDuration`; use eligible assignments for ongoing needs.",
    )
}

const DOC: &str = r##"## What it does
Checks that `Expiration_Admin_Assignment.isExpirationRequired` is true, so an active (not
eligible) assignment cannot be permanent. Baseline: tier0 and privileged.

## Why it matters
A permanent active assignment is exactly the standing access PIM exists to remove: the role is
held all the time, with no activation, no MFA at use, no approval and no alert.

## Example that fails
```json
{ "id": "Expiration_Admin_Assignment", "isExpirationRequired": false, "maximumDuration": "P180D" }
```

## Example that passes
```json
{ "id": "Expiration_Admin_Assignment", "isExpirationRequired": true, "maximumDuration": "P15D" }
```

## How to fix
Disallow permanent active assignments and convert existing ones to eligible assignments
(break-glass accounts are the documented exception; suppress with a reason).

## Severity
Baseline: error for tier0 and privileged. CISA SCuBA MS.AAD.7.4 is a SHALL NOT, and Microsoft
recommends zero permanently active assignments other than emergency access accounts (exempt them
with `emergency_access` or an ignore).

## References
- CISA SCuBA MS.AAD.7.4v1: "Permanent active role assignments SHALL NOT be allowed for highly privileged roles.":
  https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md#msaad74v1
- Microsoft Learn, *Plan a Privileged Identity Management deployment* ("We recommend you keep zero permanently active assignments for roles other than your emergency access accounts"):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-deployment-plan
- Microsoft Learn, *Configure Microsoft Entra role settings in PIM* (section Assignment duration: Allow permanent active assignment):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings
"##;
