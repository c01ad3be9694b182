use crate::model::{ApproverKind, Policy};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM103",
    name: "too-few-approvers",
    category: Approval,
    needs: Role,
    summary: "Fewer distinct approvers than `min` (2); a group counts as its members with directory context, else as at least one",
    params: [
        ("min", Count, "Fewest distinct approvers (default 2)."),
    ],
}

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    if !super::approval_required(p) {
        return Vec::new();
    }
    let Some(stage) = super::first_stage(p) else {
        return Vec::new();
    };
    let list = &stage.primary_approvers;
    if list.value.is_empty() {
        return Vec::new(); // PIM102
    }
    let min = cx.count("min", 2) as usize;
    // With the groups export, a group counts as the people it reaches; without it (or for a
    // group whose members were not exported) as "at least one", never reported.
    let has_group = list.value.iter().any(|a| a.kind == ApproverKind::Group);
    if let Some(dir) = cx.directory.filter(|d| has_group && d.has_groups()) {
        let (people, unknown) = super::people(&list.value, dir);
        // Nobody at all is PIM107's finding (an empty approver group: nobody can approve).
        if unknown > 0 || people >= min || people == 0 {
            return Vec::new();
        }
        let s = if people == 1 { "" } else { "s" };
        return vec![
            Hit::new(
                &list.pointer,
                format!(
                    "Only {people} distinct approver{s} for activation, approver groups expanded; at least {min} are required"
                ),
                HELP,
            )
            .label(format!("{people} approver{s}")),
        ];
    }
    let (users, groups, others) = super::distinct(&list.value);
    // A group has at least one member; its size is known only with directory context.
    if groups > 0 || others > 0 || users >= min {
        return Vec::new();
    }
    vec![Hit::new(
        &list.pointer,
        format!("Only {users} distinct approver{} for activation; at least {min} are required", if users == 1 { "" } else { "s" }),
        HELP,
    )
    .label(format!("{users} approver{}", if users == 1 { "" } else { "s" }))]
}

const HELP: &str = "Add approvers to `approvalStages[0].primaryApprovers` of Approval_EndUser_Assignment — ideally a \
                    role-assignable group — so an absence or a compromised approver does not decide alone.";

const DOC: &str = r##"## What it does
Counts the distinct primary approvers of a role that requires approval and reports fewer than
`min` (default 2). With directory context (the groups export with `members`), a group approver
counts as the distinct people it reaches — nested groups expanded, each user once however many
groups or direct entries name them — so a group of one person is one approver. Without the
groups export, or for a group whose members were not exported, a group counts as "at least one"
person of unknown number, and the policy is not reported. The rule does not run when no
approver is named (PIM102 does), nor when the named groups reach nobody (PIM107 reports the
empty group).

## Why it matters
With one approver, activation waits when that person is away (people then ask for permanent
access), and one compromised or careless approver is enough to grant the role.

## Example that fails
```json
"primaryApprovers": [ { "@odata.type": "#microsoft.graph.singleUser", "userId": "0b7d5e21-…" } ]
```

With the groups export: an approver group "PIM-Approvers" whose only member (through a nested
group) is the user who is also named directly — one person.

## Example that passes
```json
"primaryApprovers": [ { "@odata.type": "#microsoft.graph.singleUser", "userId": "0b7d5e21-…" },
                      { "@odata.type": "#microsoft.graph.singleUser", "userId": "7c1e9a40-…" } ]
```
With the groups export: an approver group with two or more members.

## How to fix
Add a second approver, or use a role-assignable group of approvers.

## Severity
Baseline: warning for tier0 and privileged. Microsoft *recommends* selecting at least two
approvers; no CISA control requires it (the `cis-m365` pack raises it for its roles).

## References
- Microsoft Learn, *Configure Microsoft Entra role settings in PIM* (section Require approval to activate: "We recommend that you select at least two approvers"):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings
- Microsoft Learn, *Configure Azure resource role settings in PIM* (the same recommendation for Azure roles):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-resource-roles-configure-role-settings
"##;
