use crate::model::Policy;
use crate::model::directory::Grant;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM313",
    name: "permanent-eligibility",
    category: Assignment,
    needs: Role,
    summary: "(assignment data) An eligibility for the role has no end date",
}

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    let Some(list) = &p.assignments else {
        return Vec::new();
    };
    list.value
        .iter()
        .filter(|a| a.grant == Grant::Eligible && a.end.is_none())
        .map(|a| {
            Hit::new(
                &a.end_pointer,
                format!("{} is eligible for the role without an end date", a.principal_id.as_deref().unwrap_or("A principal")),
                "Give the eligibility an end date (scheduleInfo.expiration type afterDateTime) and renew it after a review.",
            )
            .label("no end date")
        })
        .collect()
}

const DOC: &str = r##"## What it does
Reads role eligibility schedules (Graph `roleEligibilitySchedules`, ARM `roleEligibilitySchedules`)
and reports eligibilities whose expiration is `noExpiration` (no end date).

## Why it matters
Permanent eligibility is never re-decided. People change teams; their eligibility for tier0 roles
should not outlive the need.

## Example that fails
```json
{ "principalId": "…", "roleDefinitionId": "62e90394-…", "scheduleInfo": { "expiration": { "type": "noExpiration", "endDateTime": null } } }
```

## Example that passes
```json
{ "principalId": "…", "roleDefinitionId": "62e90394-…", "scheduleInfo": { "expiration": { "type": "afterDateTime", "endDateTime": "2027-05-01T00:00:00Z" } } }
```

## How to fix
Set an end date on the eligibility (PIM → Assignments → Update) and require expiry in the role
settings (PIM301).

## Severity
Baseline: warning for tier0, like PIM301: no CISA control asks for expiring eligibility, and
Microsoft's example expiry is guidance.

## References
- Microsoft Learn, *Plan a Privileged Identity Management deployment* (Type of assignments; example eligible expiration):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-deployment-plan
- Microsoft Graph, *unifiedRoleEligibilitySchedule resource type* (`scheduleInfo.expiration`):
  https://learn.microsoft.com/graph/api/resources/unifiedroleeligibilityschedule
"##;
