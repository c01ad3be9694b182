use crate::model::{ApproverKind, Policy};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM112",
    name: "dynamic-approver-group",
    category: Approval,
    needs: Directory,
    summary: "An approver group has dynamic membership, so a change of user attributes makes someone an approver",
}

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    let Some(dir) = cx.directory.filter(|d| d.has_groups()) else {
        return Vec::new();
    };
    super::approvers(p)
        .into_iter()
        .filter(|e| e.approver.kind == ApproverKind::Group)
        .filter_map(|e| {
            let g = dir.group(e.approver.id.as_deref()?)?;
            let rule = g.membership_rule.as_deref()?;
            Some(
                Hit::new(
                    &e.approver.pointer,
                    format!(
                        "The {} ({}) has dynamic membership (`{}`): whoever can change the attributes it reads decides who approves",
                        super::approver_label(dir, e.approver),
                        e.stage,
                        short(rule)
                    ),
                    "Use an assigned-membership, role-assignable group for approvers; dynamic groups cannot be \
                     role-assignable, and their members change with user attributes that User Administrators, \
                     HR provisioning or synchronisation can set.",
                )
                .label("dynamic membership"),
            )
        })
        .collect()
}

/// The membership rule, cut to 80 characters for a message.
fn short(rule: &str) -> String {
    let rule = rule.trim();
    if rule.chars().count() <= 80 {
        return rule.to_owned();
    }
    rule.chars().take(77).collect::<String>() + "..."
}

const DOC: &str = r##"## What it does
With the groups export, reports approver groups that have a `membershipRule` (dynamic
membership).

## Why it matters
A dynamic group's members are whoever matches its rule (`user.department -eq "IT"`). Anyone who
can set the attributes it reads — User Administrators, HR-driven provisioning, on-premises
synchronisation — can make an account an approver of the role without touching the group or PIM,
and no group change is logged. Dynamic groups also cannot be role-assignable (PIM108).

## Example that fails
An approver group with `"membershipRule": "user.department -eq \"IT\""` and
`"groupTypes": ["DynamicMembership"]`.

## Example that passes
An approver group with assigned membership (`membershipRule` null).

## How to fix
Create a role-assignable group with assigned membership for the approvers and use it in the
approval stage.

## Severity
Baseline: warning for tier0 and privileged, as PIM108: who can change a dynamic approver group's
members is a documented property of dynamic groups; not using one for approvers is pim-lint's
advice, not a Microsoft or CISA control.

## References
- Microsoft Learn, *Create or edit a dynamic membership group* (an attribute change re-evaluates membership):
  https://learn.microsoft.com/entra/identity/users/groups-create-rule
- Microsoft Learn, *Use Microsoft Entra groups to manage role assignments* (role-assignable groups have assigned membership):
  https://learn.microsoft.com/entra/identity/role-based-access-control/groups-concept
"##;
