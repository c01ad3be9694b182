use crate::model::{Policy, RuleId};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM402",
    name: "activation-alert",
    category: Notification,
    needs: Role,
    summary: "Admins are notified when the role is activated",
    params: [
        ("additional_recipients", Bool, "Require additional recipients (a monitored mailbox), not only the default ones (CISA MS.AAD.7.8/7.9)."),
    ],
}

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    super::must_notify(
        p,
        RuleId::NotificationAdminEndUserAssignment,
        "when the role is activated",
        "In Notification_Admin_EndUser_Assignment set `isDefaultRecipientsEnabled` to true or add `notificationRecipients` \
         (portal: Notification → Send notifications when eligible members activate this role → Role activation alert).",
        cx.flag("additional_recipients"),
    )
}

const DOC: &str = r##"## What it does
Checks that `Notification_Admin_EndUser_Assignment` — the alert sent when an eligible member
activates the role — reaches somebody. Baseline: tier0.

## Why it matters
Activation of a tier0 role should never go unnoticed: an alert lets the security team confirm
that the activation was expected while it is still active.

## Example that fails
```json
{ "id": "Notification_Admin_EndUser_Assignment", "notificationLevel": "None", "isDefaultRecipientsEnabled": true }
```

## Example that passes
```json
{ "id": "Notification_Admin_EndUser_Assignment", "notificationLevel": "All", "isDefaultRecipientsEnabled": true }
```

## How to fix
Enable the role activation alert with default or additional recipients.

## Severity
Baseline: warning for tier0. CISA SCuBA MS.AAD.7.8 is a SHALL for Global Administrator, MS.AAD.7.9
a SHOULD for the other highly privileged roles; a per-tier severity cannot tell them apart, so the
baseline uses the SHOULD and the `cisa-scuba` pack holds Global Administrator to the SHALL.

## References
- CISA SCuBA MS.AAD.7.8v1: "User activation of the Global Administrator role SHALL trigger an alert.":
  https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md#msaad78v1
- CISA SCuBA MS.AAD.7.9v1: "User activation of other highly privileged roles SHOULD trigger an alert.":
  https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md#msaad79v1
- Microsoft Learn, *Email notifications in PIM*:
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-email-notifications
"##;
