use crate::model::{Policy, RuleId};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM301",
    name: "eligible-expiration-required",
    category: Assignment,
    needs: Role,
    summary: "Eligible assignments must expire (no permanent eligibility)",
}

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    super::expiration_required(
        p,
        RuleId::ExpirationAdminEligibility,
        "eligible",
        "Set `isExpirationRequired` to true in Expiration_Admin_Eligibility (portal: Assignment → uncheck Allow permanent \
         eligible assignment) with a `maximumDuration` such as P365D.",
    )
}

const DOC: &str = r##"## What it does
Checks that `Expiration_Admin_Eligibility.isExpirationRequired` is true, so every eligible
assignment has an end date. Baseline: tier0.

## Why it matters
Permanent eligibility is standing access one click away. Expiring eligibility forces a periodic
decision whether the person still needs the role — the review that otherwise never happens.

## Example that fails
```json
{ "id": "Expiration_Admin_Eligibility", "isExpirationRequired": false, "maximumDuration": "P365D" }
```

## Example that passes
```json
{ "id": "Expiration_Admin_Eligibility", "isExpirationRequired": true, "maximumDuration": "P365D" }
```

## How to fix
Disallow permanent eligible assignments in the role settings and renew the ones that are still
needed.

## Severity
Baseline: warning for tier0. No CISA SCuBA control asks for expiring eligibility: MS.AAD.7.4 is
about permanent *active* assignments only (PIM303/PIM310). Microsoft's deployment plan example
expires eligibility of Owner and User Access Administrator after three months; that is guidance,
so this is a warning.

## References
- Microsoft Learn, *Plan a Privileged Identity Management deployment* (Configure PIM settings for Azure Resource roles: example eligible expiration):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-deployment-plan
- Microsoft Learn, *Configure Microsoft Entra role settings in PIM* (section Assignment duration: Allow permanent eligible assignment):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings
- CISA SCuBA MS.AAD.7.4v1, which covers permanent *active* assignments only ("Permanent active role
  assignments SHALL NOT be allowed for highly privileged roles."):
  https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md#msaad74v1
"##;
