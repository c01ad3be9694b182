use crate::model::{ApproverKind, Policy};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM107",
    name: "inactive-approver",
    category: Approval,
    needs: Directory,
    summary: "An approver is disabled or deleted, or an approver group is empty",
}

const HELP: &str = "Replace the approver with an active account or a populated group; approval requests sent to \
                    nobody expire after 24 hours and push people towards permanent assignments.";

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    let Some(dir) = cx.directory else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    for e in super::approvers(p) {
        let a = e.approver;
        let Some(id) = a.id.as_deref() else { continue };
        let label = super::approver_label(dir, a);
        let hit = |msg: String, label_text: &str| {
            Hit::new(&a.pointer, msg, HELP).label(label_text.to_owned())
        };
        match a.kind {
            ApproverKind::User if dir.has_users() => match dir.user(id) {
                None => hits.push(hit(
                    format!(
                        "The {label} ({}) does not exist in the users export: deleted",
                        e.stage
                    ),
                    "deleted approver",
                )),
                Some(u) if u.account_enabled == Some(false) => {
                    hits.push(hit(
                        format!("The {label} ({}) is disabled", e.stage),
                        "disabled approver",
                    ));
                }
                Some(_) => {}
            },
            ApproverKind::Group if dir.has_groups() => {
                match dir.group(id) {
                    None => hits.push(hit(
                        format!(
                            "The {label} ({}) does not exist in the groups export: deleted",
                            e.stage
                        ),
                        "deleted group",
                    )),
                    Some(_) => {
                        let Some(users) = dir.expand_group(id) else {
                            continue;
                        };
                        let enabled = users
                            .iter()
                            .filter(|r| {
                                dir.user(&r.user_id)
                                    .is_none_or(|u| u.account_enabled != Some(false))
                            })
                            .count();
                        if users.is_empty() {
                            hits.push(hit(format!("The {label} ({}) has no members (nested groups included): nobody can approve", e.stage), "empty group"));
                        } else if enabled == 0 && dir.has_users() {
                            hits.push(hit(format!("Every member of the {label} ({}) is disabled: nobody can approve", e.stage), "no enabled member"));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    hits
}

const DOC: &str = r##"## What it does
With the users and groups exports, reports approvers that cannot approve: a user that is disabled
(`accountEnabled: false`) or missing from the users export (deleted), a group missing from the
groups export, or a group with no members — or no enabled member — after nested groups are
expanded.

## Why it matters
A request nobody can approve expires after 24 hours. Activation then fails exactly when it is
needed, and the usual workaround is a permanent assignment.

## Example that fails
`primaryApprovers: [{"@odata.type": "#microsoft.graph.singleUser", "userId": "…"}]` where that user
has `accountEnabled: false`, or is absent from `/users`.

## Example that passes
Approvers that exist, are enabled, and groups with enabled members.

## How to fix
Update the approvers when people leave; prefer a group owned by the team that approves.

## Severity
Baseline: error for tier0 and privileged. A disabled or deleted approver cannot approve, and a
request nobody approves within 24 hours lapses (Learn): activation breaks when it is needed.

## References
- Microsoft Learn, *Approve or deny requests for Microsoft Entra roles in PIM* (approvers have 24 hours; the window isn't configurable):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-approval-workflow
- Microsoft Graph, *user resource type* (`accountEnabled`):
  https://learn.microsoft.com/graph/api/resources/user
"##;
