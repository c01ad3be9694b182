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

## References
- CISA SCuBA MS.AAD.7.8 / 7.9: activation of the Global Administrator / other highly privileged roles SHALL/SHOULD trigger an alert
- Microsoft Entra: Email notifications in PIM
"##;
