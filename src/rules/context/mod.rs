//! Rules that need directory context: who approvers are, what their groups contain, and who is
//! eligible for or assigned the role (PIM105–PIM108, PIM111, PIM501). They run after every file
//! of the run is read; without context they are skipped with one PIM015 note.

category![
    approver_group_not_role_assignable,
    approver_is_eligible,
    approver_linked_account,
    context_missing,
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

/// "Alex Rivera <alex@contoso.example>" (or the id), and " via PIM-Approvers > Nested" when
/// reached through groups.
pub(crate) fn who(dir: &Directory, r: &Reached) -> String {
    let name = dir
        .user(&r.user_id)
        .map_or_else(|| r.user_id.clone(), |u| u.label());
    if r.via.is_empty() {
        name
    } else {
        format!("{name} (via {})", r.via.join(" > "))
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
