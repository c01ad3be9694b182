use crate::model::Policy;
use crate::model::directory::Directory;
use crate::rules::{Category, Ctx, Hit, Needs, RuleDef};

declare_rule! {
    code: "PIM015",
    name: "context-missing",
    category: Validity,
    needs: File,
    summary: "Approver and assignment checks were skipped: no directory context was given",
}

fn check(_: &Policy, _: &Ctx) -> Vec<Hit> {
    Vec::new()
}

/// Whether a rule is one whose skipping this note reports: the approver checks.
pub fn counts(r: &RuleDef) -> bool {
    r.needs == Needs::Directory && r.category == Category::Approval
}

pub fn message() -> String {
    format!(
        "Approver and assignment checks (PIM105–PIM108, PIM111, PIM112, PIM310–PIM318 from schedules, PIM501) did not run: no directory context among the inputs. Export {FILES}"
    )
}

/// The exports the approver and assignment checks need that a directory with some context
/// lacks, each with what it enables: users, groups, role schedules. Empty when nothing is lacking
/// (or the directory is empty: then [`message`] applies).
pub fn lacking(dir: &Directory) -> Vec<(&'static str, &'static str)> {
    if dir.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if !dir.has_users() {
        out.push((
            "users (/users with accountEnabled, userType, employeeId, onPremisesSyncEnabled, assignedPlans)",
            "PIM106, PIM107 and PIM111 (guest, disabled and linked-account approvers), PIM316 and PIM317 (everyday and synchronised admin accounts)",
        ));
    }
    if !dir.has_groups() {
        out.push((
            "groups (/groups?$expand=members)",
            "PIM108, PIM112 and the members of approver groups for PIM105–PIM107",
        ));
    }
    if !dir.has_schedules() {
        out.push((
            "role schedules (/roleManagement/directory/roleEligibilitySchedules and roleAssignmentScheduleInstances)",
            "PIM105, PIM111, PIM310–PIM318 from schedules and PIM501",
        ));
    }
    out
}

/// The note when the directory context is partial: which exports are missing, and which checks
/// did not run for want of each.
pub fn partial_message(lacking: &[(&str, &str)]) -> String {
    let parts: Vec<String> = lacking
        .iter()
        .map(|(what, rules)| format!("no {what}, so {rules} did not run"))
        .collect();
    format!(
        "Directory context is partial: {}. Export them beside the other context files",
        parts.join("; ")
    )
}

pub const HELP: &str = "Lint the directory exports together with the policies (same run); `pim-lint fetch --out DIR` writes them all (or lint the tenant with `pim-lint check --live`).";
pub const LABEL: &str = "approvers not checked";
pub const PARTIAL_LABEL: &str = "approver checks incomplete";

pub const FILES: &str = "/users (accountEnabled, userType, employeeId), /groups?$expand=members, \
                         /roleManagement/directory/roleEligibilitySchedules and roleAssignmentScheduleInstances \
                         (and, for PIM for Groups, /identityGovernance/privilegedAccess/group/eligibilitySchedules)";

const DOC: &str = r##"## What it does
Notes, once per run, that the rules needing directory context (PIM105–PIM108, PIM111, PIM112,
PIM310–PIM318 from schedules, PIM501) did not run because no users, groups or role schedules were among the
inputs, and says which exports would enable them. When the run has some of that context but not
all of it (users but no groups, groups but no role schedules), the note names exactly which
exports are missing and which checks did not run for want of each.

## Why it matters
A clean report must not be mistaken for "approvers were checked". Without the directory, pim-lint
cannot tell whether an approver is disabled, a guest, or eligible for the role they approve.

## Example that fails
Linting only policy exports that name approvers; or linting them with a `/users` export but no
groups or role schedules.

## Example that passes
Linting the policies together with `/users`, `/groups?$expand=members` and the role schedules.

## How to fix
Export the directory context beside the policies (Graph list responses as `az rest` or
`Invoke-MgGraphRequest` return them) and lint them in the same run.

## Severity
Baseline: note. Not a problem in any policy: it says which checks did not run, so a clean report
is not read as "approvers were checked".

## References
- Microsoft Graph, *List users*:
  https://learn.microsoft.com/graph/api/user-list
- Microsoft Graph, *List groups*:
  https://learn.microsoft.com/graph/api/group-list
- Microsoft Graph, *List roleEligibilitySchedules*:
  https://learn.microsoft.com/graph/api/rbacapplication-list-roleeligibilityschedules
"##;
