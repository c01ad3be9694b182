use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM318",
    name: "global-admin-ratio",
    category: Assignment,
    needs: Role,
    summary: "(assignment data) More users hold Global Administrator than hold only the other highly privileged roles",
    params: [
        ("min", Count, "With `max`: outside this Global Administrator count the ratio is not computed and the check fails, as ScubaGear fails MS.AAD.7.2 when MS.AAD.7.1 fails (cisa-scuba sets 2)."),
        ("max", Count, "See `min` (cisa-scuba sets 8)."),
    ],
}

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    let Some((at, tally)) = p
        .holders
        .as_ref()
        .and_then(|h| Some((&h.pointer, h.value.tally.as_ref()?)))
    else {
        return Vec::new();
    };
    let help = "Give administrators the narrower highly privileged role they need (User, Exchange, SharePoint, \
                Privileged Role, Application Administrator…) instead of Global Administrator, until at most as \
                many users hold Global Administrator as hold only those roles.";
    if tally.missing {
        return vec![
            Hit::new(
                at,
                "The export does not say who holds the highly privileged roles (no `privileged_users`): \
                 the ratio of Global Administrators cannot be computed",
                help,
            )
            .label("who holds the roles is missing"),
        ];
    }
    let Some(others) = &tally.others else {
        return Vec::new();
    };
    let (ga, rest) = (tally.holders.len(), others.len());
    let bounds = match (cx.params.count("min"), cx.params.count("max")) {
        (Some(min), Some(max)) => Some((min as usize, max as usize)),
        _ => None,
    };
    if let Some((min, max)) = bounds.filter(|(min, max)| !(*min..=*max).contains(&ga)) {
        return vec![
            Hit::new(
                at,
                format!(
                    "{ga} {} Global Administrator, outside {min} to {max}: the ratio is not computed \
                     and the control fails (as ScubaGear fails MS.AAD.7.2 when MS.AAD.7.1 fails)",
                    if ga == 1 { "user holds" } else { "users hold" }
                ),
                help,
            )
            .label(format!("{ga} Global Administrators")),
        ];
    }
    if ga <= rest {
        return Vec::new();
    }
    let why = if rest == 0 {
        "every user who holds a highly privileged role holds Global Administrator".to_owned()
    } else {
        format!(
            "{rest} hold{} another highly privileged role and not Global Administrator",
            if rest == 1 { "s" } else { "" }
        )
    };
    vec![
        Hit::new(
            at,
            format!(
                "{ga} users hold Global Administrator ({}) and {why}: at most as many may hold Global Administrator",
                crate::rules::context::list(&tally.holders)
            ),
            help,
        )
        .label(format!("{ga} Global Administrators to {rest}")),
    ]
}

const DOC: &str = r##"## What it does
Compares the users who hold Global Administrator with the users who hold one of the other highly
privileged roles (Privileged Role, User, SharePoint, Exchange, Hybrid Identity, Application and
Cloud Application Administrator) but not Global Administrator, and reports more of the first than
of the second: CISA's "least privilege score" (MS.AAD.7.2) must be 1 or less.

It reads who holds which role from ScubaGear's `privileged_users` (users reached through groups
included, counted by display name as ScubaGear does) or from directory context (the role
schedules, eligible and active, with groups expanded). With the `min` and `max` parameters (the
cisa-scuba pack sets 2 and 8) it also fails when the Global Administrator count is outside them,
as ScubaGear does not compute the score when MS.AAD.7.1 fails; PIM312 reports that count too.
An export that should list the holders but does not (`privileged_roles` without
`privileged_users`) fails: nothing can be compared.

The baseline does not run it; the cisa-scuba pack does.

## Why it matters
Global Administrator can do everything, including granting itself any other role. When most
administrators hold it, the finer-grained roles are not used and every admin account is a path to
the whole tenant.

## Example that fails
Three users with "Global Administrator" among their roles, one with only "User Administrator".

## Example that passes
Two users with "Global Administrator", two others with "Exchange Administrator" or "User
Administrator" only.

## How to fix
Move administrators who do not need Global Administrator to the narrower role their work needs.

## Severity
Not in the baseline: the ratio is CISA's measure, not Microsoft's. cisa-scuba: error, as
MS.AAD.7.2 is a SHALL.

## References
- CISA SCuBA MS.AAD.7.2v1: "Privileged users SHALL be provisioned with finer-grained roles instead of Global Administrator.":
  https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md#msaad72v1
- Microsoft Learn, *Best practices for Microsoft Entra roles* (least privilege; few Global Administrators):
  https://learn.microsoft.com/entra/identity/role-based-access-control/best-practices
"##;
