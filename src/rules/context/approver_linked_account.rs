use crate::model::Policy;
use crate::model::directory::{Directory, Reached};
use crate::rules::{Ctx, Hit};
use std::collections::HashMap;

declare_rule! {
    code: "PIM111",
    name: "approver-linked-account",
    category: Approval,
    needs: Directory,
    summary: "An approver is the same person as an eligible principal (same employeeId, or a configured account mapping)",
}

/// The person an account belongs to: the account mapping first, then `employeeId`.
fn person(dir: &Directory, cx: &Ctx, user_id: &str) -> Option<String> {
    let user = dir.user(user_id);
    let keys = [
        Some(user_id.to_ascii_lowercase()),
        user.and_then(|u| u.upn.as_ref())
            .map(|u| u.to_ascii_lowercase()),
    ];
    keys.into_iter()
        .flatten()
        .find_map(|k| cx.accounts.get(&k).map(|p| format!("mapping:{p}")))
        .or_else(|| {
            user.and_then(|u| u.employee_id.as_ref())
                .map(|e| format!("employee:{}", e.to_ascii_lowercase()))
        })
}

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    let Some((dir, holders)) = super::holders(p, cx) else {
        return Vec::new();
    };
    let entries = super::approvers(p);
    if entries.is_empty() {
        return Vec::new();
    }
    // The holders by person, built once: each user an approver reaches is then one look-up.
    let mut by_person: HashMap<String, Vec<&Reached>> = HashMap::new();
    for h in holders.iter() {
        if let Some(person) = person(dir, cx, &h.reached.user_id) {
            by_person.entry(person).or_default().push(&h.reached);
        }
    }
    let mut hits = Vec::new();
    for e in entries {
        let Some(reached) = super::reached(dir, e.approver) else {
            continue;
        };
        let mut pairs = Vec::new();
        for r in reached.iter() {
            let Some(me) = person(dir, cx, &r.user_id) else {
                continue;
            };
            for h in by_person.get(&me).into_iter().flatten() {
                if h.user_id.eq_ignore_ascii_case(&r.user_id) {
                    continue; // the same account: PIM105
                }
                let how = if me.starts_with("mapping:") {
                    "the account mapping"
                } else {
                    "the same employeeId"
                };
                pairs.push(format!(
                    "{} and {} ({how})",
                    super::who(dir, r),
                    super::who(dir, h)
                ));
            }
        }
        pairs.sort();
        pairs.dedup();
        if !pairs.is_empty() {
            hits.push(
                Hit::new(
                    &e.approver.pointer,
                    format!(
                        "The {} ({}) can approve for a second account of the same person: {}",
                        super::approver_label(dir, e.approver),
                        e.stage,
                        super::list(&pairs)
                    ),
                    "One person must not both request and approve: remove the person's approver account from the approval \
                     stage, or their eligible account from the role.",
                )
                .label("same person"),
            );
        }
    }
    hits
}

const DOC: &str = r##"## What it does
With directory context, links accounts to people — by `employeeId`, or by an account-mapping file
named in `.pim-lint.yaml` (`account_mapping: accounts.yaml`, listing each person's accounts) — and
reports an approver whose other account is eligible for or assigned the same role.

## Why it matters
Administrators often hold a separate admin account. PIM blocks an account from approving its own
request, but not the same person's everyday account approving the admin account's request: the
two-person rule silently becomes one person.

## Example that fails
`alex@contoso.example` (employeeId E1042) is an approver of Global Administrator, and
`adm-alex@contoso.example` (employeeId E1042) is eligible for it.

## Example that passes
The approver and every eligible principal belong to different people.

## How to fix
Take the person's approver account out of the approval stage (or their admin account out of the
role).

## Severity
Baseline: error for tier0. PIM's rule that approvers cannot approve their own requests exists so
that activation takes two people; a second account of the requester defeats exactly that.

## References
- Microsoft Learn, *Approve or deny requests for Microsoft Entra roles in PIM* (approvers are not able to approve their own role activation requests):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-approval-workflow
"##;
