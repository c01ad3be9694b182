use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM310",
    name: "permanent-active-assignment",
    category: Assignment,
    needs: Role,
    summary: "(assignment data) An active assignment of the role has no end date",
}

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    let Some(list) = &p.assignments else {
        return Vec::new();
    };
    list.value
        .iter()
        .filter(|a| a.grant == crate::model::directory::Grant::Active && a.end.is_none())
        // Emergency access accounts are permanently active Global Administrators by design
        // (PIM319 checks that they are).
        .filter(|a| !cx.is_emergency(a))
        .map(|a| {
            let who = a.principal_label("A principal");
            Hit::new(
                &a.end_pointer,
                format!("{who} holds the role permanently: the active assignment has no end date"),
                "Replace the permanent active assignment with an eligible one (PIM → Assignments → Update, or \
                 remove it and assign as eligible). Permanent access is for emergency access accounts only: list them \
                 under `emergency_access:` in .pim-lint.yaml.",
            )
            .label("no end date")
            .about(&a.pointer)
            .principal(a.principal_id.as_deref())
        })
        .collect()
}

const DOC: &str = r##"## What it does
Looks at the role's active assignments, when the export includes them (ScubaGear's `Assignments`,
or `roleAssignmentScheduleInstances` / ARM `roleAssignmentSchedules` among the inputs), and
reports each one without an end date, naming the principal (display name and UPN when the run
has the users export). The emergency access accounts listed in `.pim-lint.yaml`
(`emergency_access:`, by object id or UPN) are not reported: Microsoft and CISA expect them to be
permanently active Global Administrators, and PIM319 checks that they are.

## Why it matters
A permanent active assignment is standing privilege: the role is held all the time, bypassing
activation, MFA at use, approval and activation alerts. It is what PIM exists to remove.

## Example that fails
```json
"Assignments": [ { "PrincipalId": "2d9a50a8-…", "AssignmentType": "Assigned", "StartDateTime": null, "EndDateTime": null } ]
```

## Example that passes
```json
"Assignments": [ { "PrincipalId": "ded212ab-…", "AssignmentType": "Assigned",
                   "StartDateTime": "/Date(1777406310050)/", "EndDateTime": "/Date(1778702258453)/" } ]
```

## How to fix
Convert the assignment to an eligible one with an expiry. Break-glass accounts are the
documented exception: list them under `emergency_access:` in `.pim-lint.yaml`, or ignore one
principal with a reason (`ignore: [{rule: PIM310, principal: <id or UPN>, reason: …}]`).

## Severity
Baseline: error for tier0 and privileged. CISA SCuBA MS.AAD.7.4 is a SHALL NOT (with exceptions
for emergency access and service accounts, and for groups enrolled in PIM for Groups), and
Microsoft recommends zero permanently active assignments other than emergency access accounts.

## References
- CISA SCuBA MS.AAD.7.4v1: "Permanent active role assignments SHALL NOT be allowed for highly privileged roles.":
  https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md#msaad74v1
- Microsoft Learn, *Plan a Privileged Identity Management deployment* (Type of assignments):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-deployment-plan
"##;
