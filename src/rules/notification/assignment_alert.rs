use crate::model::{Policy, RuleId};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM401",
    name: "assignment-alert",
    category: Notification,
    needs: Role,
    summary: "Admins are notified of eligible and active assignments",
    params: [
        ("additional_recipients", Bool, "Require additional recipients (a monitored mailbox), not only the default ones (CISA MS.AAD.7.7)."),
    ],
}

const HELP: &str = "In Notification_Admin_Admin_Eligibility and Notification_Admin_Admin_Assignment set \
                    `isDefaultRecipientsEnabled` to true or add `notificationRecipients` (e.g. the security team's mailbox), \
                    with `notificationLevel` All or Critical.";

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    let extra = cx.flag("additional_recipients");
    let mut hits = super::must_notify(
        p,
        RuleId::NotificationAdminAdminEligibility,
        "when someone is made eligible",
        HELP,
        extra,
    );
    hits.extend(super::must_notify(
        p,
        RuleId::NotificationAdminAdminAssignment,
        "when someone is assigned the role (active)",
        HELP,
        extra,
    ));
    hits
}

const DOC: &str = r##"## What it does
Checks that the admin notifications of eligible (`Notification_Admin_Admin_Eligibility`) and active
(`Notification_Admin_Admin_Assignment`) assignments reach somebody: default recipients on or
additional recipients given, at a `notificationLevel` other than `None`. Baseline: tier0.

## Why it matters
A new Global Administrator eligibility is one of the clearest signs of an attacker establishing
persistence. If nobody is told, nobody looks.

## Example that fails
```json
{ "id": "Notification_Admin_Admin_Eligibility", "notificationLevel": "All",
  "isDefaultRecipientsEnabled": false, "notificationRecipients": [] }
```

## Example that passes
```json
{ "id": "Notification_Admin_Admin_Eligibility", "notificationLevel": "All",
  "isDefaultRecipientsEnabled": true, "notificationRecipients": ["secops@contoso.example"] }
```

## How to fix
Turn default recipients on, or (better) add a monitored mailbox as an additional recipient.

## Severity
Baseline: error for tier0 (was warning). CISA SCuBA MS.AAD.7.7 is a SHALL for eligible and active
assignments of highly privileged roles; the `cisa-scuba` pack also asks for additional recipients,
as CISA's instructions do.

## References
- CISA SCuBA MS.AAD.7.7v1: "Eligible and active highly privileged role assignments SHALL trigger an alert.":
  https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md#msaad77v1
- Microsoft Learn, *Configure Microsoft Entra role settings in PIM* (the Notifications tab):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings
- Microsoft Learn, *Email notifications in PIM*:
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-email-notifications
"##;
