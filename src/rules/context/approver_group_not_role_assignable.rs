use crate::model::{ApproverKind, Policy};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM108",
    name: "approver-group-not-role-assignable",
    category: Approval,
    needs: Directory,
    summary: "An approver group is not role-assignable, so group admins can change who approves",
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
            (g.is_assignable_to_role == Some(false)).then(|| {
                Hit::new(
                    &e.approver.pointer,
                    format!(
                        "The {} ({}) is not role-assignable: Groups Administrators, User Administrators and the group's owners can change its members, and so who approves",
                        super::approver_label(dir, e.approver),
                        e.stage
                    ),
                    "Use a role-assignable group (isAssignableToRole: true, set at creation) for approvers of tier0 roles; \
                     only Privileged Role Administrators and Global Administrators can change its membership.",
                )
                .label("not role-assignable")
                .principal(e.approver.id.as_deref())
            })
        })
        .collect()
}

const DOC: &str = r##"## What it does
With the groups export, reports approver groups whose `isAssignableToRole` is false.

## Why it matters
The membership of an ordinary security group can be changed by Groups Administrators, User
Administrators, Helpdesk-level roles and the group's owners. Whoever can edit the approver group
of Global Administrator decides who may grant Global Administrator.

## Example that fails
An approver group with `"isAssignableToRole": false`.

## Example that passes
An approver group created with `"isAssignableToRole": true`.

## How to fix
Create a role-assignable group for approvers (the property can only be set at creation) and use it
in the approval stage.

## References
- Microsoft Entra: Use Microsoft Entra groups to manage role assignments (role-assignable groups)
"##;
