//! PIM1xx: approval of activation and who approves.
category![
    approval_required,
    approver_justification,
    approvers_missing,
    escalation_without_approvers,
    too_few_approvers,
    too_many_approvers,
];

use crate::model::{Approver, ApproverKind, Policy};

/// The approvers of the first stage and whether approval is required.
pub(crate) fn first_stage(p: &Policy) -> Option<&crate::model::ApprovalStage> {
    p.approval()?.1.stages.as_ref()?.value.first()
}

pub(crate) fn approval_required(p: &Policy) -> bool {
    p.approval()
        .and_then(|(_, a)| a.is_approval_required.as_ref())
        .is_some_and(|r| r.value)
}

/// Distinct approvers: users by id, and groups (each at least one person, exact size unknown
/// without directory context). Returns `(users, groups, others)`.
pub(crate) fn distinct(approvers: &[Approver]) -> (usize, usize, usize) {
    let mut seen = std::collections::HashSet::new();
    let (mut users, mut groups, mut others) = (0, 0, 0);
    for a in approvers {
        let key = (
            a.kind,
            a.id.clone().unwrap_or_default().to_ascii_lowercase(),
        );
        if a.id.is_some() && !seen.insert(key) {
            continue;
        }
        match a.kind {
            ApproverKind::User => users += 1,
            ApproverKind::Group => groups += 1,
            ApproverKind::Other => others += 1,
        }
    }
    (users, groups, others)
}

/// The distinct people a list of approvers reaches, when directory context gives the members of
/// its groups (expanded transitively, nested groups included, each user once whatever the
/// paths): `(people, unknown)`, where `unknown` counts the groups whose members the run does not
/// have (each still at least one person) and approvers of another kind.
pub(crate) fn people(
    approvers: &[Approver],
    dir: &crate::model::directory::Directory,
) -> (usize, usize) {
    let mut seen = std::collections::HashSet::new();
    let mut unknown_groups = std::collections::HashSet::new();
    let mut unknown = 0;
    for a in approvers {
        let Some(id) = a.id.as_deref() else {
            unknown += 1;
            continue;
        };
        match a.kind {
            ApproverKind::User => {
                seen.insert(id.to_ascii_lowercase());
            }
            ApproverKind::Group => match dir.expand_group(id) {
                Some(users) => {
                    seen.extend(users.iter().map(|r| r.user_id.to_ascii_lowercase()));
                }
                None => {
                    if unknown_groups.insert(id.to_ascii_lowercase()) {
                        unknown += 1;
                    }
                }
            },
            ApproverKind::Other => unknown += 1,
        }
    }
    (seen.len(), unknown)
}
