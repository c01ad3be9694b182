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

## References
- Microsoft Entra: Configure Microsoft Entra role settings in PIM — Assignment duration
"##;
