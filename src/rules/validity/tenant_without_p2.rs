use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM016",
    name: "tenant-without-p2",
    category: Validity,
    needs: File,
    summary: "A ScubaGear export's `service_plans` lack Microsoft Entra ID P2, so PIM settings cannot apply",
}

fn check(_: &Policy, _: &Ctx) -> Vec<Hit> {
    Vec::new()
}

pub const MESSAGE: &str = "The tenant has no Microsoft Entra ID P2 service plan (no `AAD_PREMIUM_P2` in `service_plans`): \
                           Privileged Identity Management is not available, so no role setting below can take effect";
pub const HELP: &str = "License the tenant for Microsoft Entra ID P2 (or a suite that includes it, such as E5 or \
                        Entra ID Governance) before relying on PIM; ScubaGear fails MS.AAD.7.4 to 7.9 without it.";
pub const LABEL: &str = "no AAD_PREMIUM_P2";

const DOC: &str = r##"## What it does
Reads the `service_plans` of a ScubaGear provider export and reports, once per file, when none of
them is Microsoft Entra ID P2 (`ServicePlanName: AAD_PREMIUM_P2`, provisioned). Each role the
export lists without `Rules` (ScubaGear reads no PIM settings from such a tenant) is then covered
by this one finding instead of a PIM005 per role.

An export without `service_plans` says nothing about licences and gets no finding (ScubaGear,
whose rego counts the P2 plans, fails the PIM controls then; pim-lint judges the settings the
export does carry).

## Why it matters
PIM needs Entra ID P2. Without it eligible assignments, activation rules, approval and alerts do
not exist: every role assignment is permanent, and the settings in the export are not enforced.
ScubaGear fails MS.AAD.7.4 to MS.AAD.7.9 for such a tenant ("Your tenant does not have a
Microsoft Entra ID P2 license"); passing them silently would hide that.

## Example that fails
```json
"service_plans": [ { "ServicePlanName": "EXCHANGE_S_FOUNDATION", "ServicePlanId": "…" } ]
```

## Example that passes
```json
"service_plans": [ { "ServicePlanName": "AAD_PREMIUM_P2", "ServicePlanId": "…" } ]
```

## How to fix
License the tenant for Microsoft Entra ID P2 (Entra ID P2, Microsoft 365 E5, Entra ID
Governance), then configure the role settings in PIM and export again.

## Severity
Baseline: warning, once per file: the settings in the export are not enforced, which a reader
must know before trusting any other finding or pass. cisa-scuba: error, as ScubaGear fails
MS.AAD.7.4 to 7.9 (SHALL controls) without the licence.

## References
- CISA SCuBA Microsoft Entra ID baseline, MS.AAD.7.4v1 to 7.9v1 (ScubaGear reports "Your tenant does not have a Microsoft Entra ID P2 license, which is required for this feature"):
  https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md#msaad74v1
- Microsoft Learn, *Microsoft Entra licensing* (PIM needs Microsoft Entra ID P2 or ID Governance):
  https://learn.microsoft.com/entra/fundamentals/licensing
- Microsoft Learn, *Configure security alerts for Microsoft Entra roles in PIM* (the alert "The organization doesn't have Microsoft Entra Premium P2 or Microsoft Entra ID Governance"):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-configure-security-alerts
"##;
