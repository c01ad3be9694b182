use crate::model::{ApproverKind, Policy};
use crate::rules::context::{approver_label, approvers, path, reached};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM705",
    name: "requester-is-approver",
    category: Requests,
    needs: Request,
    summary: "The requester is also an approver of the role they ask to activate",
}

const HELP: &str = "Remove the requester from the role's approvers (or from the approver group), so that approving their activation is always someone else's decision.";

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    let Some(rc) = super::activation(cx) else {
        return Vec::new();
    };
    let r = rc.request;
    let me = r.principal_id.value.trim();
    let person = |id: &str| cx.accounts.get(&id.trim().to_ascii_lowercase());
    // The requester's own account, or another account of the same person (`account_mapping`).
    let mine = |id: &str| -> Option<&'static str> {
        if id.trim().eq_ignore_ascii_case(me) {
            Some("")
        } else if person(me).is_some_and(|who| person(id) == Some(who)) {
            Some(" (another account of the same person)")
        } else {
            None
        }
    };
    let mut hits = Vec::new();
    for e in approvers(p) {
        let a = e.approver;
        let how = match (a.kind, cx.directory) {
            (ApproverKind::User, _) => a.id.as_deref().and_then(mine).map(str::to_owned),
            (ApproverKind::Group, Some(dir)) => reached(dir, a).and_then(|users| {
                users.iter().find_map(|u| {
                    let other = mine(&u.user_id)?;
                    Some(if u.via.is_empty() {
                        format!(" ({}){other}", approver_label(dir, a))
                    } else {
                        format!(" through {}{other}", path(&u.via))
                    })
                })
            }),
            _ => None,
        };
        let Some(how) = how else { continue };
        hits.push(
            Hit::new(
                &r.principal_id.pointer,
                format!(
                    "The requester is one of the {} approvers of the role's policy{how}",
                    e.stage
                ),
                HELP,
            )
            .label("requester is an approver")
            .about(&r.at.pointer),
        );
    }
    hits
}

const DOC: &str = r##"## What it does
For each activation request, looks for the requester (`principalId`) among the primary and
escalation approvers of the role's policy: named as a user, or — with a groups export in the run —
a member of an approver group, nested groups expanded. With an `account_mapping` in the config,
another account of the same person counts as the requester.

## Why it matters
PIM does not let a requester approve their own request, so an approver who activates the role
leaves one approver fewer for everyone else — and with a single approver, nobody can approve.
More importantly, a person who both holds and approves a role is the control and the controlled:
the approval requirement stops being a second pair of eyes.

## Example that fails
Alex is eligible for Global Administrator and a member of the group `PIM-Approvers-Tier0`, the
role's primary approver; Alex's pending activation request is reported.

## Example that passes
The approver group contains only people who are not eligible for the role.

## How to fix
Keep approvers and eligible holders apart: remove the requester from the approvers, or give the
role's approval to a group of people who do not hold it (see also PIM105).

## Severity
Error: PIM stops an approver from approving their own request, but a requester who is also an approver of the role approves peers' requests for it (and peers approve theirs): the second pair of eyes the approval requirement exists for is not independent (Learn's deployment plan asks for approvers who do not hold the role).

## References
- [Approve or deny requests for Microsoft Entra roles in PIM](https://learn.microsoft.com/entra/id-governance/privileged-identity-management/azure-ad-pim-approval-workflow)
- [Configure Microsoft Entra role settings in PIM](https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings) — Require approval to activate
"##;
