use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM310",
    name: "permanent-active-assignment",
    category: Assignment,
    needs: Role,
    summary: "(assignment data) An active assignment of the role has no end date",
    params: [
        ("scuba_exclusions", Bool, "Honour the `RoleExclusions` of MS.AAD.7.4v1 in the ScubaGear configuration a ScubaGear export carries: an excluded principal's permanent assignment is a note, not a failure (cisa-scuba sets it)."),
    ],
}

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    let Some(list) = &p.assignments else {
        return Vec::new();
    };
    let honour = cx.flag("scuba_exclusions");
    list.value
        .iter()
        .filter(|a| a.grant == crate::model::directory::Grant::Active && a.end.is_none())
        // Emergency access accounts are permanently active Global Administrators by design
        // (PIM319 checks that they are).
        .filter(|a| !cx.is_emergency(a))
        .map(|a| {
            let who = a.principal_label("A principal");
            if let Some(entry) = a.scuba_excluded.as_ref().filter(|_| honour) {
                return Hit::new(
                    entry,
                    format!(
                        "{who} holds the role permanently, and the ScubaGear configuration excludes it \
                         from MS.AAD.7.4 (RoleExclusions): not counted as a failure"
                    ),
                    "An exclusion is a risk accepted in ScubaGear's configuration (`Aad: MS.AAD.7.4v1: \
                     RoleExclusions`); review it with the account's owner, keep it for break-glass \
                     accounts only, and remove it when the assignment is made eligible.",
                )
                .label("excluded from MS.AAD.7.4")
                .severity(crate::rules::Severity::Note)
                .about(&a.pointer)
                .principal(a.principal_id.as_deref());
            }
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
Looks at the role's active assignments, when the export includes them (ScubaGear's `Assignments`;
or the directory's role assignment schedule instances), and reports each one without an end date, naming the principal (display name and UPN when the run
has the users export). The emergency access accounts listed in `.pim-lint.yaml`
(`emergency_access:`, by object id or UPN) are not reported: Microsoft and CISA expect them to be
permanently active Global Administrators, and PIM319 checks that they are.

Under `cisa-scuba` (parameter `scuba_exclusions`), a principal that the export's own ScubaGear
configuration excludes from MS.AAD.7.4 (`scuba_config.Aad["MS.AAD.7.4v1"].RoleExclusions.Users`
or `.Groups`, matched on the assignment's `PrincipalId`) is not a failure, as in ScubaGear: the
finding is a note at the exclusion entry, so the accepted risk stays visible. Other packs report
it like any other permanent assignment.

Where pim-lint and ScubaGear differ: ScubaGear passes an assignment row with no `EndDateTime` key
at all (its rego compares only a present `null`); pim-lint takes a missing end date as no end
date. ScubaGear's own exporter always writes the key, so this matters only for edited exports.
ScubaGear matches exclusion ids exactly; pim-lint ignores their case (they are GUIDs).

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
