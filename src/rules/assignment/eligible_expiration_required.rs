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

## References
- Microsoft Entra: Plan a Privileged Identity Management deployment — assignment duration
- CISA SCuBA MS.AAD.7.4 (permanent assignments for highly privileged roles)
"##;
