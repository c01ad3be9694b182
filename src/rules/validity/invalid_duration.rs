use crate::model::{IsoDuration, Policy, Setting};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM004",
    name: "invalid-duration",
    category: Validity,
    needs: Policy,
    summary: "`maximumDuration` is not an ISO 8601 duration Graph/ARM accepts",
}

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    let single = crate::rules::single_rule(p);
    p.rules
        .iter()
        .filter_map(|r| match &r.setting {
            Setting::Expiration { maximum_duration: Some(d), .. } => match IsoDuration::parse(&d.value) {
                Ok(_) => None,
                Err(e) => Some(
                    Hit::new(
                        &d.pointer,
                        if single {
                            format!("`maximumDuration` {e}")
                        } else {
                            format!("`maximumDuration` of {}: {e}", r.id.value)
                        },
                        "Write the duration in days, hours, minutes and seconds, e.g. PT8H, PT1H30M, P1D, P365D \
                         (Graph and ARM accept no years, months or weeks).",
                    )
                    .label("not a day-time ISO 8601 duration"),
                ),
            },
            _ => None,
        })
        .collect()
}

const DOC: &str = r##"## What it does
Checks every expiration rule's `maximumDuration` against the ISO 8601 subset Graph and ARM accept
(`Edm.Duration`): `P[n]D` and `T[n]H[n]M[n]S`, in that order, no years, months or weeks, no sign,
and no longer than the service can hold (`P10675199DT2H48M5.477S`, .NET's `TimeSpan.MaxValue`).
A number too large for that is reported, never read as a shorter duration.

## Why it matters
Graph types `maximumDuration` as a Duration, which OData defines as a day-time duration (days,
hours, minutes, seconds). Anything else is not a value the API defines, and a script that
compares durations reads something else than you meant: `PT8` or `8h` is no duration, and `P1M`
is a month to a human but has no fixed length.

## Example that fails
```json
{ "id": "Expiration_EndUser_Assignment", "isExpirationRequired": true, "maximumDuration": "8h" }
```

## Example that passes
```json
{ "id": "Expiration_EndUser_Assignment", "isExpirationRequired": true, "maximumDuration": "PT8H" }
```

## How to fix
Use `PT8H` for eight hours, `PT1H30M` for ninety minutes, `P30D` for thirty days.

## Severity
Baseline: error. The value is not a duration in the form Graph and ARM define for
`maximumDuration`, so the file cannot say what the tenant enforces.

## References
- Microsoft Graph, *unifiedRoleManagementPolicyExpirationRule resource type* (`maximumDuration`, type Duration):
  https://learn.microsoft.com/graph/api/resources/unifiedrolemanagementpolicyexpirationrule
- OData Version 4.01 CSDL, `Edm.Duration` (a day-time duration: days, hours, minutes, seconds):
  https://docs.oasis-open.org/odata/odata-csdl-json/v4.01/odata-csdl-json-v4.01.html
"##;
