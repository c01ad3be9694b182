use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM316",
    name: "privileged-productivity-account",
    category: Assignment,
    needs: Role,
    summary: "(directory context) The role is held by an everyday account (mailbox, Microsoft 365 apps) instead of a dedicated admin account",
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
            let what = u.everyday.as_deref()?;
            Some(
                Hit::new(
                    &u.pointer,
                    format!(
                        "{} holds the role with an everyday account: its licence enables {what}",
                        u.name
                    ),
                    "Give the administrator a separate admin account without a mailbox or productivity apps for \
                     this role, and remove the role from the account they read mail and browse with.",
                )
                .label("everyday account")
                .about(&u.pointer),
            )
        })
        .collect()
}

const DOC: &str = r##"## What it does
With directory context (role schedules and a `/users` export that includes `assignedPlans`),
reports each user who holds the role (eligible or active, groups expanded) with an account that
has an enabled service plan of everyday work: Exchange Online (a mailbox), SharePoint Online /
OneDrive, the Microsoft 365 apps, or Teams.

To keep false positives low, only `assignedPlans` counts: `mail` can be set without a mailbox,
and `assignedLicenses` gives SKU ids that do not say which apps they bring (an admin account
usually holds an Entra ID P2 licence for PIM itself). A user whose export has no `assignedPlans`
is not reported. Export users with
`/users?$select=id,displayName,userPrincipalName,accountEnabled,userType,onPremisesSyncEnabled,assignedPlans`.

## Why it matters
The account someone reads mail and browses with is the one phishing and malicious documents
reach. When it also holds (or can activate) a tier0 role, one opened attachment is a path to the
tenant. Dedicated admin accounts, without mailbox or apps, keep privileged sessions apart.

## Example that fails
A Global Administrator eligibility for a user whose `assignedPlans` include
`{"service": "exchange", "capabilityStatus": "Enabled"}`.

## Example that passes
The same eligibility for a user whose plans are only `AADPremiumService` and `MultiFactorService`.

## How to fix
Create a separate cloud-only admin account without productivity licences for each administrator
and move the role to it.

## Severity
Baseline: warning for tier0. Separate admin accounts are Microsoft's advice, not a CISA control,
and the signal is a heuristic (enabled service plans), so it does not fail the run on its own.

## References
- Microsoft Learn, *Securing privileged access for hybrid and cloud deployments in Microsoft Entra ID* (separate accounts for Global Administrators, without mailboxes):
  https://learn.microsoft.com/entra/identity/role-based-access-control/security-planning
- Microsoft Learn, *Privileged access: accounts*:
  https://learn.microsoft.com/security/privileged-access-workstations/privileged-access-accounts
"##;
