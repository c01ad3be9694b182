//! Rules that need directory context: who approvers are, what their groups contain, and who is
//! eligible for or assigned the role (PIM105–PIM108, PIM111, PIM501). They run after every file
//! of the run is read; without context they are skipped with one PIM015 note.

category![
    approver_group_not_role_assignable,
    approver_is_eligible,
    approver_linked_account,
    context_missing,
    dynamic_approver_group,
    group_weaker_than_role,
    guest_approver,
    inactive_approver,
];

use crate::model::directory::{Directory, Holders, Reached, Target};
use crate::model::{Approver, ApproverKind, Policy, PolicyKind};
use std::sync::Arc;

/// An approver entry of the policy, with its stage name.
pub(crate) struct Entry<'p> {
    pub approver: &'p Approver,
    pub stage: &'static str,
}

/// Every approver entry (primary and escalation) of a policy that requires approval.
pub(crate) fn approvers(p: &Policy) -> Vec<Entry<'_>> {
    let Some((_, a)) = p.approval() else {
        return Vec::new();
    };
    if !a.is_approval_required.as_ref().is_some_and(|r| r.value) {
        return Vec::new();
    }
    let Some(stages) = &a.stages else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for s in &stages.value {
        out.extend(s.primary_approvers.value.iter().map(|a| Entry {
            approver: a,
            stage: "primary",
        }));
        out.extend(s.escalation_approvers.value.iter().map(|a| Entry {
            approver: a,
            stage: "escalation",
        }));
    }
    out
}

/// The users an approver entry reaches: itself, or a group's members (transitively, each once,
/// computed once per group and run). `None` when that cannot be known (a group whose members
/// were not exported, or no groups file).
pub(crate) fn reached(dir: &Directory, a: &Approver) -> Option<Arc<[Reached]>> {
    let id = a.id.as_deref()?;
    match a.kind {
        ApproverKind::User => Some(Arc::from([Reached::direct(id)])),
        ApproverKind::Group => dir.expand_group(id),
        ApproverKind::Other => None,
    }
}

/// What activation under this policy grants, in the terms of directory schedules.
pub(crate) fn target(p: &Policy) -> Option<Target> {
    let role = p.role.as_ref()?.id.clone()?;
    match p.kind {
        PolicyKind::DirectoryRole => Some(Target::DirectoryRole(role)),
        PolicyKind::Group => Some(Target::Group {
            group: p.scope.clone()?,
            access: role,
        }),
        PolicyKind::AzureResource => Some(Target::AzureRole {
            role,
            scope: p.scope.clone()?,
        }),
        PolicyKind::Unknown => None,
    }
}

/// The directory and everyone who holds the policy's role (eligible or active, groups expanded,
/// looked up by user), when the run has schedules of that kind; `None` otherwise (nothing can be
/// said).
pub(crate) fn holders<'d>(
    p: &Policy,
    cx: &crate::rules::Ctx<'d>,
) -> Option<(&'d Directory, Arc<Holders>)> {
    let dir = cx.directory.filter(|d| d.has_schedules())?;
    let target = target(p).filter(|t| dir.knows_holders_of(t))?;
    Some((dir, dir.holder_set(&target)))
}

/// Groups a path names in a message before the middle is left out.
const PATH_SHOWN: usize = 6;
/// People or pairs a message lists before the rest are counted.
const LIST_SHOWN: usize = 10;

/// "PIM-Approvers > Nested", or for a long chain its first and last groups with the count of
/// those left out, so a message stays short however deep the nesting (the approver report keeps
/// the whole path).
pub(crate) fn path(via: &crate::model::directory::Via) -> String {
    let names = via.names();
    if names.len() <= PATH_SHOWN {
        return names.join(" > ");
    }
    let (head, tail) = (&names[..3], &names[names.len() - 2..]);
    format!(
        "{} > … {} more groups … > {}",
        head.join(" > "),
        names.len() - 5,
        tail.join(" > ")
    )
}

/// The first items joined with "; ", then how many more: a message about thousands of people
/// names ten of them.
pub(crate) fn list(items: &[String]) -> String {
    if items.len() <= LIST_SHOWN {
        return items.join("; ");
    }
    format!(
        "{}; and {} more",
        items[..LIST_SHOWN].join("; "),
        items.len() - LIST_SHOWN
    )
}

/// "Alex Rivera <alex@contoso.example>" (or the id), and " via PIM-Approvers > Nested" when
/// reached through groups.
pub(crate) fn who(dir: &Directory, r: &Reached) -> String {
    let name = dir
        .user(&r.user_id)
        .map_or_else(|| r.user_id.clone(), |u| u.label());
    if r.via.is_empty() {
        name
    } else {
        format!("{name} (via {})", path(&r.via))
    }
}

/// "approver group PIM-Approvers" / "approver alex@…" for messages.
pub(crate) fn approver_label(dir: &Directory, a: &Approver) -> String {
    let id = a.id.as_deref().unwrap_or("?");
    match a.kind {
        ApproverKind::User => format!(
            "approver {}",
            dir.user(id).map_or_else(
                || a.description.clone().unwrap_or_else(|| id.to_owned()),
                |u| u.label()
            )
        ),
        ApproverKind::Group => format!(
            "approver group {}",
            dir.group(id)
                .and_then(|g| g.display_name.clone())
                .or_else(|| a.description.clone())
                .unwrap_or_else(|| id.to_owned())
        ),
        ApproverKind::Other => format!("approver {id}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_list_names_ten_and_counts_the_rest() {
        let items: Vec<String> = (0..25).map(|i| format!("u{i}")).collect();
        let shown = super::list(&items);
        assert!(
            shown.starts_with("u0; u1;") && shown.ends_with("u9; and 15 more"),
            "{shown}"
        );
        assert_eq!(super::list(&items[..3]), "u0; u1; u2");
    }
}
