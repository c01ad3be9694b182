use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM317",
    name: "synced-privileged-account",
    category: Assignment,
    needs: Role,
    summary: "(assignment data) The role is held by an account synchronised from on-premises, not a cloud-only one",
}

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    let Some(holders) = &p.holders else {
        return Vec::new();
    };
    holders
        .value
        .users
        .iter()
        .filter_map(|u| {
            let synced = u.synced.as_ref().filter(|s| s.value)?;
            let how = if u.synced_assumed {
                "an account not shown to be cloud-only (its entry has no `OnPremisesImmutableId`, which ScubaGear counts as synchronised)"
            } else {
                "an account synchronised from on-premises Active Directory"
            };
            Some(
                Hit::new(
                    &synced.pointer,
                    format!("{} holds the role with {how}", u.name),
                    "Give the administrator a cloud-only account (created in Entra ID, not synchronised) for this \
                     role, and remove the role from the synchronised account.",
                )
                .label("synchronised from on-premises")
                .about(&u.pointer),
            )
        })
        .collect()
}

const DOC: &str = r##"## What it does
Reports each user who holds the role (eligible or active, members of groups that hold it
included) with an account synchronised from on-premises Active Directory:
- in a ScubaGear export, a `privileged_users` entry whose `OnPremisesImmutableId` is not null (an
  entry without the key counts too, as in ScubaGear's rego);
- with directory context (role schedules and `/users` with `onPremisesSyncEnabled`), a holder
  whose `onPremisesSyncEnabled` is true. A user whose record does not say is not reported.

The baseline runs it for tier0 roles; the cisa-scuba pack for its eight highly privileged roles
(MS.AAD.7.3, which ScubaGear checks for every user in `privileged_users`).

## Why it matters
Whoever controls the on-premises directory (a domain admin, a compromised domain controller or
Entra Connect server) can reset the password of a synchronised account or change its attributes,
and so take over the cloud role it holds. Cloud-only admin accounts cut that path from
on-premises to the tenant.

## Example that fails
```json
"privileged_users": { "0b7c…": { "DisplayName": "Alex Rivera", "OnPremisesImmutableId": "aGVsbG8=",
                                 "roles": ["Global Administrator"] } }
```

## Example that passes
```json
"privileged_users": { "0b7c…": { "DisplayName": "Alex Rivera", "OnPremisesImmutableId": null,
                                 "roles": ["Global Administrator"] } }
```

## How to fix
Create a cloud-only account for each administrator's privileged work and assign the role to it.

## Severity
Baseline: warning for tier0. Microsoft recommends cloud-only accounts for Microsoft Entra roles and
CISA makes it a SHALL (MS.AAD.7.3), but moving an administrator to a new account takes planning,
so the baseline warns; cisa-scuba makes it an error for its eight roles.

## References
- CISA SCuBA MS.AAD.7.3v1: "Privileged users SHALL be provisioned cloud-only accounts separate from an on-premises directory or other federated identity providers.":
  https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md#msaad73v1
- Microsoft Learn, *Best practices for Microsoft Entra roles* (Use cloud native accounts for Microsoft Entra roles):
  https://learn.microsoft.com/entra/identity/role-based-access-control/best-practices
- Microsoft Learn, *Protecting Microsoft 365 from on-premises attacks*:
  https://learn.microsoft.com/entra/architecture/protect-m365-from-on-premises-attacks
"##;
