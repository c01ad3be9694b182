use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM708",
    name: "request-without-policy",
    category: Requests,
    needs: File,
    summary: "A request's role has no policy among the inputs: the request checks did not run on it",
}

/// Raised by the engine for each request whose role has no policy in the run.
fn check(_: &Policy, _: &Ctx) -> Vec<Hit> {
    Vec::new()
}

pub const MESSAGE: &str = "The role of this request has no policy among the inputs: its duration, justification, ticket and approvers were not checked";

pub const LABEL: &str = "no policy for this role";

pub const HELP: &str = "Add the role's policy export (with its assignment) to the inputs, e.g. `pim-lint requests policies/ requests.json`.";

const DOC: &str = r##"## What it does
Notes each request the run checks whose role (directory role by `roleDefinitionId`; PIM for
Groups by `groupId` and `accessId`) has no role management policy among the inputs. The checks
that compare a request with its policy — duration (PIM701), justification (PIM702), ticket
(PIM703), requester among the approvers (PIM705) — cannot run on it; those that need only the
request and the role's tier (PIM704, PIM706, PIM707) still do.

## Why it matters
Silence would read as "this request is fine". A note says the request was seen and not judged.

## Example that fails
`pim-lint requests requests.json` with no policy export: every request gets this note.

## Example that passes
The same run with the policies of the requested roles among the inputs.

## How to fix
Export the role management policies (and their assignments) together with the requests and pass
both to `pim-lint requests`.

## Severity
Note: nothing is wrong with the request itself; the run lacked the policy of its role, so the request checks did not run on it. It says so rather than passing silently.

## References
- [List roleAssignmentScheduleRequests](https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignmentschedulerequests)
- [List roleManagementPolicyAssignments](https://learn.microsoft.com/graph/api/policyroot-list-rolemanagementpolicyassignments)
"##;
