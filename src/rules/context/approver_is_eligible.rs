use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM105",
    name: "approver-is-eligible",
    category: Approval,
    needs: Directory,
    summary: "An approver (or a member of an approver group) is eligible for or assigned the same role",
}

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    let Some((dir, holders)) = super::holders(p, cx) else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    for e in super::approvers(p) {
        let Some(reached) = super::reached(dir, e.approver) else {
            continue;
        };
        // One hashed look-up per user reached: the first schedule (in export order) that grants
        // them the role.
        let peers: Vec<String> = reached
            .iter()
            .filter_map(|r| Some((r, holders.first(&r.user_id)?)))
            .map(|(r, h)| {
                let grant = if h.grant == crate::model::directory::Grant::Eligible {
                    "eligible"
                } else {
                    "assigned"
                };
                let how = if h.reached.via.is_empty() {
                    grant.to_owned()
                } else {
                    format!("{grant} through {}", super::path(&h.reached.via))
                };
                format!("{} ({how})", super::who(dir, r))
            })
            .collect();
        if peers.is_empty() {
            continue;
        }
        hits.push(
            Hit::new(
                &e.approver.pointer,
                format!(
                    "The {} ({}) can approve activations of this role and holds it too: {}",
                    super::approver_label(dir, e.approver),
                    e.stage,
                    super::list(&peers)
                ),
                "Approvers should not be eligible for the role they approve: take the approver out of the role's eligible \
                 principals, or use an approver group of people who do not hold the role (peers approving each other \
                 defeats the second pair of eyes).",
            )
            .label("also eligible for this role"),
        );
    }
    hits
}

const DOC: &str = r##"## What it does
With directory context (role eligibility schedules, assignment schedule instances, groups with
members), expands each approver — a user, or a group's members transitively, nested groups
included and cycles cut — and reports approvers who are themselves eligible for or assigned the
role they approve, directly or through a group.

## Why it matters
PIM stops a user from approving their own request, but not a colleague who holds the same role.
Two eligible administrators approving each other is one compromised pair away from standing
access without oversight.

## Example that fails
The Global Administrator policy names group "PIM-Approvers"; Alex is a member and also eligible
for Global Administrator (a roleEligibilitySchedule with principalId = Alex).

## Example that passes
Approvers are a separate set of people (a security team) who hold no eligibility for the role.

## How to fix
Remove the overlap: approvers out of the role, or eligible users out of the approver group.

## Severity
Baseline: warning for tier0 and privileged (was error). PIM blocks only self-approval, and
Microsoft's own deployment plan names "Other Global Administrator" as the approver of Global
Administrator in its example settings: approval by a peer is something Microsoft shows, not a
violation of any Microsoft or CISA control, so it is a risk to review rather than an error.

## References
- Microsoft Learn, *Approve or deny requests for Microsoft Entra roles in PIM* (approvers are not able to approve their own role activation requests):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-approval-workflow
- Microsoft Learn, *Plan a Privileged Identity Management deployment* (example settings: Global Administrator approved by another Global Administrator):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-deployment-plan
"##;
