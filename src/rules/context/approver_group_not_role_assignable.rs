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
                        "The {} ({}) is not role-assignable: its owners and any role that manages group membership (Groups Administrator, User Administrator, …) can change its members, and so who approves",
                        super::approver_label(dir, e.approver),
                        e.stage
                    ),
                    "Use a role-assignable group (isAssignableToRole: true, set at creation) for approvers of tier0 roles: its \
                     membership is managed by Privileged Role Administrators and by the owners you give it, so keep \
                     the owners to people you would trust to approve.",
                )
                .label("not role-assignable")
            })
        })
        .collect()
}

const DOC: &str = r##"## What it does
With the groups export, reports approver groups whose `isAssignableToRole` is false.

## Why it matters
The membership of an ordinary security group can be changed by its owners and by every role with
`microsoft.directory/groups/members/update` (Groups Administrator and User Administrator among
them). Whoever can edit the approver group of Global Administrator decides who may grant Global
Administrator.

A role-assignable group narrows that: by default only Privileged Role Administrators (and Global
Administrators) manage its membership, Graph needs `RoleManagement.ReadWrite.Directory` rather
than `Group.ReadWrite.All`, and its membership cannot be dynamic. It does not remove the owners:
Microsoft Learn notes that management of a role-assignable group can be delegated by adding group
owners, and owners add and remove members. So a role-assignable approver group is only as
trustworthy as its owners.

## Example that fails
An approver group with `"isAssignableToRole": false`.

## Example that passes
An approver group created with `"isAssignableToRole": true`.

## How to fix
Create a role-assignable group for approvers (the property can only be set at creation), use it in
the approval stage, and keep its owners (if any) to people you would trust as approvers.

## Severity
Baseline: warning for tier0. Microsoft documents the protections of role-assignable groups; using
one for approvers is pim-lint's advice, not a Microsoft or CISA control.

## References
- Microsoft Learn, *Use Microsoft Entra groups to manage role assignments* (section How are role-assignable groups protected?):
  https://learn.microsoft.com/entra/identity/role-based-access-control/groups-concept
- Microsoft Learn, *Microsoft Entra built-in roles*, `microsoft.directory/groups/members/update` (members of security and Microsoft 365 groups, excluding role-assignable groups):
  https://learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference
- Microsoft Learn, *Email notifications in PIM* (group owners can manage the group, including adding or removing members):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-email-notifications
"##;
