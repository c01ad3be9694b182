use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM106",
    name: "guest-approver",
    category: Approval,
    needs: Directory,
    summary: "An approver is a guest account, or an approver group contains guests",
}

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    let Some(dir) = cx.directory.filter(|d| d.has_users()) else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    for e in super::approvers(p) {
        let Some(reached) = super::reached(dir, e.approver) else {
            continue;
        };
        let guests: Vec<String> = reached
            .iter()
            .filter(|r| dir.user(&r.user_id).is_some_and(|u| u.is_guest()))
            .map(|r| super::who(dir, r))
            .collect();
        if guests.is_empty() {
            continue;
        }
        hits.push(
            Hit::new(
                &e.approver.pointer,
                format!("The {} ({}) reaches guest accounts: {}", super::approver_label(dir, e.approver), e.stage, super::list(&guests)),
                "Approvals of privileged roles belong with members of your own tenant: remove the guests from the approver \
                 group, or name member accounts as approvers.",
            )
            .label("guest approver"),
        );
    }
    hits
}

const DOC: &str = r##"## What it does
With the users export (`userType`), reports approvers who are guests (B2B accounts), directly or
as members of an approver group (nested groups expanded).

## Why it matters
A guest's account is governed by another tenant: its MFA, its password policy, its offboarding.
Letting it approve access to your privileged roles hands part of your control to someone else's
identity hygiene.

## Example that fails
An approver group containing `partner_contractor#EXT#@contoso.onmicrosoft.com` (`userType: Guest`).

## Example that passes
An approver group of member accounts only.

## How to fix
Remove guest accounts from approver groups; use member accounts for approval.

## Severity
Baseline: warning for tier0 and privileged. No Microsoft or CISA control forbids guest approvers;
the finding is pim-lint's judgement that another tenant's account hygiene should not decide access
to privileged roles.

## References
- Microsoft Learn, *Properties of a Microsoft Entra B2B collaboration user* (`userType`, the home tenant authenticates the guest):
  https://learn.microsoft.com/entra/external-id/user-properties
"##;
