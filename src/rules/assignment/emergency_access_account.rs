use crate::model::Policy;
use crate::model::directory::{Directory, Grant, Target, User};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM319",
    name: "emergency-access-account",
    category: Assignment,
    needs: Config,
    summary: "An emergency access account in `.pim-lint.yaml` is missing, disabled, a guest, synchronised from on-premises, or not a permanently active Global Administrator",
}

/// Raised by the engine (accounts found in the users export) and by suppression (accounts not
/// found), never on a policy.
fn check(_: &Policy, _: &Ctx) -> Vec<Hit> {
    Vec::new()
}

const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";

pub const HELP: &str = "Keep at least two emergency access accounts: cloud-only member accounts (on the \
                        *.onmicrosoft.com domain), enabled, permanently active Global Administrators, excluded from \
                        Conditional Access policies that could lock them out; update `emergency_access:` in \
                        .pim-lint.yaml when an account is replaced.";

/// The user a configured account names: by object id, else by UPN (case-insensitive).
pub fn find<'d>(dir: &'d Directory, written: &str) -> Option<&'d User> {
    let written = written.trim();
    dir.user(written).or_else(|| {
        dir.users.values().find(|u| {
            u.upn
                .as_deref()
                .is_some_and(|upn| upn.eq_ignore_ascii_case(written))
        })
    })
}

/// One thing wrong with an account found in the users export: where (the user record, or the
/// schedule of its Global Administrator assignment), what, and the label.
pub struct Problem {
    pub file: usize,
    pub pointer: crate::model::Ptr,
    pub message: String,
    pub label: &'static str,
    /// A short key for the finding's identity.
    pub what: &'static str,
}

/// What Microsoft asks of an emergency access account that the run's directory context shows:
/// enabled, a member (not a guest), cloud-only, and a permanently active Global Administrator
/// (checked when the run has directory role schedules).
pub fn problems(dir: &Directory, user: &User) -> Vec<Problem> {
    let who = user.label();
    let at = |message: String, label: &'static str, what: &'static str| Problem {
        file: user.at.file,
        pointer: user.at.pointer.clone(),
        message,
        label,
        what,
    };
    let mut out = Vec::new();
    if user.account_enabled == Some(false) {
        out.push(at(
            format!("Emergency access account {who} is disabled: it cannot sign in when it is needed"),
            "disabled",
            "disabled",
        ));
    }
    if user.is_guest() {
        out.push(at(
            format!(
                "Emergency access account {who} is a guest: another tenant governs its sign-in, so it is no way back into this one"
            ),
            "guest",
            "guest",
        ));
    }
    if user.on_premises_sync == Some(true) {
        out.push(at(
            format!(
                "Emergency access account {who} is synchronised from on-premises: it fails with the directory it comes from; it must be cloud-only"
            ),
            "synchronised from on-premises",
            "synced",
        ));
    }
    let ga = Target::DirectoryRole(GLOBAL_ADMINISTRATOR.into());
    if dir.knows_holders_of(&ga) {
        let holders = dir.holder_set(&ga);
        let mine: Vec<_> = holders
            .iter()
            .filter(|h| h.reached.user_id.eq_ignore_ascii_case(&user.id))
            .filter_map(|h| Some((h.grant, dir.schedules.get(h.schedule)?)))
            .collect();
        let permanent = mine
            .iter()
            .any(|(g, s)| *g == Grant::Active && s.end.is_none());
        if !permanent {
            let expiring = mine
                .iter()
                .find(|(g, s)| *g == Grant::Active && s.end.is_some());
            match expiring {
                Some((_, s)) => out.push(Problem {
                    file: s.at.file,
                    pointer: s.end_pointer.clone(),
                    message: format!(
                        "Emergency access account {who} holds Global Administrator only until {}: it must be permanently active",
                        s.end.as_ref().map_or("its end date", |e| e.value.as_str())
                    ),
                    label: "expires",
                    what: "ga-expires",
                }),
                None if mine.iter().any(|(g, _)| *g == Grant::Eligible) => out.push(at(
                    format!(
                        "Emergency access account {who} is only eligible for Global Administrator: activation needs PIM, MFA and approval to work, which is what an emergency account must not depend on; it must be permanently active"
                    ),
                    "only eligible for Global Administrator",
                    "ga-eligible",
                )),
                None => out.push(at(
                    format!(
                        "Emergency access account {who} does not hold Global Administrator: it must be a permanently active Global Administrator"
                    ),
                    "not a Global Administrator",
                    "ga-missing",
                )),
            }
        }
    }
    out
}

/// The message for an account the users export does not have.
pub fn missing_message(written: &str) -> String {
    format!(
        "Emergency access account `{written}` is not in the users export: deleted, renamed or mistyped; its findings are not exempted"
    )
}

/// The note for an account a run without the users export cannot check.
pub fn unchecked_message(written: &str) -> String {
    format!(
        "Emergency access account `{written}` was not checked: the run has no users export (`/users`), so it cannot be told apart from a deleted account"
    )
}

const DOC: &str = r##"## What it does
Checks the emergency access (break-glass) accounts listed in `.pim-lint.yaml`:

```yaml
emergency_access:
  - 5f0c2d1e-7a3b-4c9d-8e6f-0a1b2c3d4e5f   # object id
  - breakglass2@contoso.onmicrosoft.com     # or UPN
```

With the users export, each account must exist, be enabled (`accountEnabled`), be a member, not a
guest (`userType`), and be cloud-only (`onPremisesSyncEnabled` not true). With directory role
schedules (`roleAssignmentScheduleInstances`), it must hold Global Administrator permanently: an
active assignment without an end date (directly or through a group). An account the users export
does not have is reported at its line in `.pim-lint.yaml`, never silently ignored; a run without
the users export notes each account as not checked (when it walks folders, like PIM014).

The listed accounts are exempt from the findings Microsoft and CISA exempt them from: a
permanent active assignment (PIM310), an active assignment made outside PIM (PIM311), a
permanent eligibility (PIM313). They still count where a control counts them: the number of
Global Administrators (PIM312).

## Why it matters
Emergency access accounts are the way back in when Conditional Access, MFA, federation or PIM
itself fails. An account that is disabled, a guest, synchronised from an on-premises directory
that is down, or that must activate through PIM does not work on the day it is needed. And an
exemption list that names deleted accounts hides nothing but still reads as cover.

## Example that fails
`emergency_access: [breakglass1@contoso.onmicrosoft.com]` where the users export has that account
with `"accountEnabled": false`, or where its Global Administrator assignment has an
`endDateTime`.

## Example that passes
The account is enabled, a member, cloud-only, and a `roleAssignmentScheduleInstance` for Global
Administrator names it with `"endDateTime": null`.

## How to fix
Re-enable or recreate the account as a cloud-only member on the `*.onmicrosoft.com` domain, assign
it Global Administrator as permanently active, and keep `emergency_access:` current.

## Severity
Baseline: error. The accounts are only listed by someone who relies on them, and the list
exempts them from PIM310/PIM311/PIM313 errors: an account that is missing, disabled, a guest,
synchronised, or not a permanently active Global Administrator is a way back in that does not
work, found before the day it is needed. Without the users export the check cannot run, which is
a note.

## References
- Microsoft Learn, *Manage emergency access accounts in Microsoft Entra ID* (cloud-only accounts
  on the *.onmicrosoft.com domain, permanently assigned Global Administrator, not federated or
  synchronised): https://learn.microsoft.com/entra/identity/role-based-access-control/security-emergency-access
- CISA SCuBA MS.AAD.7.4v1 (permanent active assignments, emergency access accounts excepted):
  https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md#msaad74v1
"##;
