use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM002",
    name: "unrecognized-document",
    category: Validity,
    needs: File,
    summary: "A file named explicitly is no known PIM export",
}

fn check(_: &Policy, _: &Ctx) -> Vec<Hit> {
    Vec::new()
}

pub const MESSAGE: &str = "The file holds no role management policy, policy assignment or policy rule pim-lint recognises";
pub const HELP: &str = "Export policies with `$expand=rules` or policy assignments with `$expand=policy($expand=rules)` \
                        (Graph), or `roleManagementPolicies`/`roleManagementPolicyAssignments` (ARM).";
pub const LABEL: &str = "unrecognised document";

/// A Terraform file named explicitly.
pub const TERRAFORM_MESSAGE: &str = "No role management policy or PIM assignment resource in this Terraform configuration or plan";
pub const TERRAFORM_HELP: &str = "pim-lint reads `azurerm_role_management_policy`, `azuread_group_role_management_policy` and the PIM assignment resources (`azurerm_pim_*_role_assignment`, `azuread_directory_role_eligibility_schedule_request`, `azuread_privileged_access_group_*_schedule`); other resources are not PIM settings.";
pub const TERRAFORM_LABEL: &str = "no PIM resource";

/// Directory records that follow other documents in one file (context is read before the lint).
pub const LATE_CONTEXT_MESSAGE: &str = "The file mixes directory records (users, groups, role schedules, requests) with policies after its first item; they were not used";
pub const LATE_CONTEXT_HELP: &str = "Export directory context in files of its own (one Graph list response per file), so it is read before the policies are checked.";
pub const LATE_CONTEXT_LABEL: &str = "directory records here";

const DOC: &str = r##"## What it does
Reports a file given on the command line that parses but holds nothing pim-lint recognises: no
role management policy (Graph, ARM, PowerShell SDK or ScubaGear shape), policy assignment or
single policy rule. Files found while walking a directory are skipped instead (see `--verbose`).

## Why it matters
A file you asked to lint that is silently ignored looks like a clean result. Common causes: an
export of a different endpoint, or a wrapper around the policy the linter does not know.

## Example that fails
```json
{ "displayName": "Contoso", "id": "00000000-0000-0000-0000-000000000000" }
```

## Example that passes
```json
{ "value": [ { "id": "DirectoryRole_…", "scopeId": "/", "scopeType": "DirectoryRole",
               "isOrganizationDefault": false, "rules": [ … ] } ] }
```

## How to fix
Export with `GET /policies/roleManagementPolicyAssignments?$filter=scopeId eq '/' and scopeType eq
'DirectoryRole'&$expand=policy($expand=rules)`, or lint the directory so unrelated files are skipped.

## Severity
Baseline: error. Only for files named explicitly: a file the user asked about and pim-lint
silently skipped would read as a clean result. Files met while walking a directory are skipped
without a finding.

## References
- Microsoft Graph, *List roleManagementPolicyAssignments* (the Graph shape that links a policy to its role):
  https://learn.microsoft.com/graph/api/policyroot-list-rolemanagementpolicyassignments
- Azure REST API, *Use Role Management Policies to manage rules for each role within each resource* (ARM `2020-10-01`) (the ARM shapes):
  https://learn.microsoft.com/rest/api/authorization/privileged-role-policy-rest-sample
"##;
