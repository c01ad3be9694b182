use crate::model::{IsoDuration, Policy, RuleId, Setting};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM010",
    name: "duration-out-of-range",
    category: Validity,
    needs: Policy,
    summary: "Activation maximum not in [30m, 24h], or expiration required with a zero duration",
}

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for r in &p.rules {
        let Setting::Expiration {
            is_expiration_required,
            maximum_duration: Some(d),
        } = &r.setting
        else {
            continue;
        };
        let Ok(dur) = IsoDuration::parse(&d.value) else {
            continue;
        };
        let required = is_expiration_required.as_ref().is_none_or(|b| b.value);
        if r.known == Some(RuleId::ExpirationEndUserAssignment) {
            if dur < IsoDuration::from_minutes(30) || dur > IsoDuration::from_hours(24) {
                hits.push(
                    Hit::new(
                        &d.pointer,
                        format!("Maximum activation duration {} is outside what PIM allows (at least 30 minutes, at most 24 hours)", d.value),
                        "Set `maximumDuration` of Expiration_EndUser_Assignment between PT30M and PT24H (the portal offers 1–24 hours).",
                    )
                    .label("out of range"),
                );
            }
        } else if required && dur.is_zero() {
            hits.push(
                Hit::new(
                    &d.pointer,
                    if crate::rules::single_rule(p) {
                        format!("Expiration is required but the maximum duration is {} (zero)", d.value)
                    } else {
                        format!("{} requires expiration but its maximum duration is {} (zero)", r.id.value, d.value)
                    },
                    "Give a real maximum such as P30D, P90D, P180D or P365D, or set `isExpirationRequired` to false \
                     if permanent assignments are intended (and reviewed).",
                )
                .label("zero"),
            );
        }
    }
    hits
}

const DOC: &str = r##"## What it does
Checks that the maximum activation duration (`Expiration_EndUser_Assignment.maximumDuration`) is
at least 30 minutes and at most 24 hours, and that an expiration rule that requires expiration
does not allow a zero maximum (`PT0S`).

## Why it matters
PIM allows activations of at least 30 minutes and at most 24 hours; a value outside that range
(`PT15M`, `P2D`) is not one the portal offers or the Terraform providers accept, so the file no
longer says what the tenant does. `isExpirationRequired: true` with `PT0S` makes every assignment expire immediately, or is
rejected. (`PT0S` with `isExpirationRequired: false` is what ARM returns for permanent-allowed
rules and is fine here.)

The bounds: Microsoft Learn documents the portal's *Activation maximum duration* slider as one to
24 hours; the azurerm Terraform provider, which writes the same policy through the API, accepts
`PT30M` to `PT23H30M` in 30-minute steps, or `P1D`. pim-lint takes the wider of the two,
30 minutes to 24 hours, so a value the API accepts is never reported; a value under one hour is
one the portal cannot show. Neither the Graph reference (`unifiedRoleManagementPolicyExpirationRule`)
nor the ARM one states bounds; the 30-minute steps are Terraform's own validation and are not
checked here.

## Example that fails
```json
{ "id": "Expiration_EndUser_Assignment", "isExpirationRequired": true, "maximumDuration": "PT15M" }
```

## Example that passes
```json
{ "id": "Expiration_EndUser_Assignment", "isExpirationRequired": true, "maximumDuration": "PT8H" }
```

## How to fix
Choose an activation maximum between 30 minutes and 24 hours (the portal offers 1–24 hours); for
assignments choose a real expiry (P15D … P365D) or allow permanent ones explicitly.

## Severity
Baseline: error. A value outside the range PIM offers is not one the tenant can hold, so the file
no longer says what is enforced.

## References
- Microsoft Learn, *Configure Microsoft Entra role settings in PIM* (section Activation maximum duration: one to 24 hours):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings
- Microsoft Learn, *Configure Azure resource role settings in PIM* (the same slider for Azure roles):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-resource-roles-configure-role-settings
- Microsoft Graph, *unifiedRoleManagementPolicyExpirationRule resource type* (`maximumDuration`; the reference states no bounds):
  https://learn.microsoft.com/graph/api/resources/unifiedrolemanagementpolicyexpirationrule
- Terraform azurerm `azurerm_role_management_policy`, `activation_rules.maximum_duration` (PT30M to PT23H30M in 30-minute steps, or PT1D):
  https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/role_management_policy
"##;
