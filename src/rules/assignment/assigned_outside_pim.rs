use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM311",
    name: "assigned-outside-pim",
    category: Assignment,
    needs: Role,
    summary: "(assignment data) An active assignment was not made through PIM",
}

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    let Some(list) = &p.assignments else {
        return Vec::new();
    };
    list.value
        .iter()
        .filter(|a| a.grant == crate::model::directory::Grant::Active && a.start.is_none())
        // Emergency access accounts are assigned directly, so they work when PIM does not.
        .filter(|a| !cx.is_emergency(a))
        .map(|a| {
            let who = a.principal_label("A principal");
            Hit::new(
                &a.start_pointer,
                format!("{who} was assigned the role outside PIM: the assignment has no PIM schedule (no start date)"),
                "Remove the direct role assignment and re-create it in PIM (as eligible), so activation rules, \
                 approval and alerts apply.",
            )
            .label("no PIM schedule")
            .about(&a.pointer)
            .principal(a.principal_id.as_deref())
        })
        .collect()
}

const DOC: &str = r##"## What it does
Reports active role assignments without a start date in the export: assignments made directly
(Microsoft 365 admin center, `New-MgRoleManagementDirectoryRoleAssignment`, older tooling) rather
than through a PIM schedule. The principal is named (display name and UPN when the run has the
users export). The emergency access accounts listed in `.pim-lint.yaml` (`emergency_access:`)
are not reported: they are assigned permanently and directly so that they work when PIM or
Conditional Access does not.

Where pim-lint and ScubaGear differ (MS.AAD.7.5): ScubaGear counts only a `StartDateTime` that is
present and `null`; pim-lint also reports a row without the key (fail closed). ScubaGear's own
exporter always writes the key, so this matters only for edited exports.

## Why it matters
Assignments made outside PIM skip every PIM control — activation, approval, notification — and are
easy to miss in reviews that only look at PIM.

## Example that fails
```json
"Assignments": [ { "PrincipalId": "2ed0157c-…", "StartDateTime": null, "EndDateTime": null } ]
```

## Example that passes
```json
"Assignments": [ { "PrincipalId": "ded212ab-…", "StartDateTime": "/Date(1777406310050)/", "EndDateTime": "/Date(1778702258453)/" } ]
```

## How to fix
Remove the direct assignment and assign the role in PIM instead.

## Severity
Baseline: error for tier0 and privileged (was warning). CISA SCuBA MS.AAD.7.5 is a SHALL NOT, and
PIM's own security alert "Roles are being assigned outside of Privileged Identity Management" is
severity High: "requires immediate action because of a policy violation".

## References
- CISA SCuBA MS.AAD.7.5v1: "Provisioning users to highly privileged roles SHALL NOT occur outside of a PAM system.":
  https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md#msaad75v1
- Microsoft Learn, *Configure security alerts for Microsoft Entra roles in PIM* (Roles are being assigned outside of Privileged Identity Management: severity High):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-configure-security-alerts
"##;
