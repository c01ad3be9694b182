use crate::model::{Policy, RuleId};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM403",
    name: "approver-notification",
    category: Notification,
    needs: Policy,
    summary: "Approval is required but approvers are not notified of requests",
}

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    if !crate::rules::approval::approval_required(p) {
        return Vec::new();
    }
    super::must_notify(
        p,
        RuleId::NotificationApproverEndUserAssignment,
        "when activation awaits approval",
        "In Notification_Approver_EndUser_Assignment set `isDefaultRecipientsEnabled` to true (the approvers) and \
         `notificationLevel` to All or Critical.",
        false,
    )
}

const DOC: &str = r##"## What it does
For a policy that requires approval, checks that `Notification_Approver_EndUser_Assignment` — the
mail that tells approvers a request is waiting — reaches somebody.

## Why it matters
Approvers who are not told about requests do not approve them. Requests expire after 24 hours,
users learn that approval "does not work", and the pressure to remove approval follows.

## Example that fails
```json
{ "id": "Notification_Approver_EndUser_Assignment", "notificationLevel": "All",
  "isDefaultRecipientsEnabled": false, "notificationRecipients": [] }
```

## Example that passes
```json
{ "id": "Notification_Approver_EndUser_Assignment", "notificationLevel": "All", "isDefaultRecipientsEnabled": true }
```

## How to fix
Turn the default recipients (the approvers) on for the approval request notification.

## Severity
Baseline: error. Approvers learn of a request by email (or by visiting Approve requests), and a
request not approved within 24 hours lapses; with approval required and the approver email off,
activation in practice fails.

## References
- Microsoft Learn, *Approve or deny requests for Microsoft Entra roles in PIM* (approvers receive an email notification; the 24-hour window):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-approval-workflow
- Microsoft Learn, *Email notifications in PIM* (Email timing for activation approvals):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-email-notifications
- Microsoft Graph, *unifiedRoleManagementPolicyNotificationRule resource type*:
  https://learn.microsoft.com/graph/api/resources/unifiedrolemanagementpolicynotificationrule
"##;
