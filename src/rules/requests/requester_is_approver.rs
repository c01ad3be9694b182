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
    let mut hits = Vec::new();
    for e in approvers(p) {
        let a = e.approver;
        let how = match a.kind {
            ApproverKind::User if a.id.as_deref().is_some_and(|id| id.trim().eq_ignore_ascii_case(me)) => {
                Some(String::new())
            }
            ApproverKind::Group => cx
                .directory
                .and_then(|dir| reached(dir, a))
                .and_then(|users| {
                    users
                        .iter()
                        .find(|u| u.user_id.trim().eq_ignore_ascii_case(me))
                        .map(|u| {
                            if u.via.is_empty() {
                                let label = cx
                                    .directory
                                    .map_or_else(String::new, |d| approver_label(d, a));
                                format!(" ({label})")
                            } else {
                                format!(" through {}", path(&u.via))
                            }
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
a member of an approver group, nested groups expanded.

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

## References
- [Approve or deny requests for Microsoft Entra roles in PIM](https://learn.microsoft.com/entra/id-governance/privileged-identity-management/azure-ad-pim-approval-workflow)
- [Configure Microsoft Entra role settings in PIM](https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings) — Require approval to activate
"##;
