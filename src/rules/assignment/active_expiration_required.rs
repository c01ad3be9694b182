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

## References
- CISA SCuBA MS.AAD.7.4: Permanent active role assignments SHALL NOT be allowed for highly privileged roles
- Microsoft Entra: Plan a Privileged Identity Management deployment
"##;
