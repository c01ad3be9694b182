use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM312",
    name: "global-admin-count",
    category: Assignment,
    needs: Role,
    summary: "(assignment data) Global Administrator is held by between `min` (2) and `max` (8) users",
    params: [
        ("min", Count, "Fewest Global Administrators (default 2)."),
        ("max", Count, "Most Global Administrators (default 8)."),
    ],
}

const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    let is_ga = p.role.as_ref().is_some_and(|r| {
        r.id.as_deref()
            .is_some_and(|id| id.eq_ignore_ascii_case(GLOBAL_ADMINISTRATOR))
            || r.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case("Global Administrator"))
    });
    let Some((at, tally)) = p
        .holders
        .as_ref()
        .filter(|_| is_ga)
        .and_then(|h| Some((&h.pointer, h.value.tally.as_ref()?)))
    else {
        return Vec::new();
    };
    let (min, max) = (cx.count("min", 2) as usize, cx.count("max", 8) as usize);
    if tally.missing {
        return vec![
            Hit::new(
                at,
                format!(
                    "The export does not say who holds Global Administrator (no `privileged_users`): \
                     nobody can be counted, and between {min} and {max} are required"
                ),
                "Export with ScubaGear's AAD provider in full (`privileged_users` is written beside \
                 `privileged_roles`), or add directory context (role schedules and users).",
            )
            .label("who holds Global Administrator is missing"),
        ];
    }
    let n = tally.holders.len();
    if (min..=max).contains(&n) {
        return Vec::new();
    }
    let names = if tally.holders.is_empty() {
        "none".to_owned()
    } else {
        tally.holders.join(", ")
    };
    let (what, help) = if n < min {
        (
            "too few",
            "Have at least two Global Administrators (one may be a break-glass account) so the tenant cannot be locked out.",
        )
    } else {
        (
            "too many",
            "Move administrators to finer-grained roles (User, Exchange, Privileged Role Administrator…) until at most the maximum hold Global Administrator.",
        )
    };
    vec![Hit::new(at, format!("{n} {} Global Administrator ({names}): {what}; between {min} and {max} are required", if n == 1 { "user holds" } else { "users hold" }), help)
        .label(format!("{n} Global Administrators"))]
}

const DOC: &str = r##"## What it does
Counts the users who hold Global Administrator (eligible or active, members of groups that hold
it included), when the input says who holds which role: ScubaGear's `privileged_users`, or
directory context (role schedules, with users and groups). Reports fewer than `min` (default 2)
or more than `max` (default 8; CIS uses 4). Emergency access accounts listed in
`.pim-lint.yaml` (`emergency_access:`) count like any other holder: they hold Global
Administrator, and the controls count holders, not kinds of account.

As ScubaGear does for MS.AAD.7.1, users are counted by display name, and the control applies
to every ScubaGear export: one with `privileged_users` but no `privileged_roles` is counted; one
with `privileged_roles` but no `privileged_users` fails (nobody can be counted) rather than
passing silently. A bare list of roles (a JSON array, not an export) says nothing about holders
and is not counted.

## Why it matters
One Global Administrator is a single point of failure (and of lock-out); many are many ways in for
an attacker, and a sign that least privilege has been given up.

## Example that fails
Nine users with "Global Administrator" among their roles.

## Example that passes
Two to eight users with "Global Administrator".

## How to fix
Keep two to eight (CIS: two to four) Global Administrators, one or two of them break-glass
accounts; give everyone else the narrower role they need.

## Severity
Baseline: error. CISA SCuBA MS.AAD.7.1 is a SHALL (two to eight); PIM's own alert "There are too
many global administrators" is only Low, so the error rests on CISA.

## References
- CISA SCuBA MS.AAD.7.1v1: "A minimum of two users and a maximum of eight users SHALL be provisioned with the Global Administrator role.":
  https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md#msaad71v1
- Microsoft Learn, *Configure security alerts for Microsoft Entra roles in PIM* (There are too many global administrators):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-configure-security-alerts
- CIS Microsoft 365 Foundations 1.1.3: between two and four global admins (the `cis-m365` pack)
"##;
