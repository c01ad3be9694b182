use crate::model::{Policy, PolicyKind};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM012",
    name: "unknown-role",
    category: Validity,
    needs: Policy,
    summary: "The policy's role cannot be determined, so role-specific rules did not run",
}

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    if p.tier().is_some() {
        return Vec::new();
    }
    let help = match p.kind {
        // A change file (a PATCH body, a partial policy): it can say which role it is for.
        _ if p.partial => {
            "Name its role: map the file in .pim-lint.yaml (`files: [{path: \"changes/ga-*.json\", role: Global Administrator, \
             scope: /}]`), or add `\"x-pim-lint\": {\"role\": \"Global Administrator\", \"scope\": \"/\"}` to the document \
             (role by name or template id; scope `/`, a group id or an ARM scope)."
        }
        PolicyKind::AzureResource => {
            "Export policy assignments instead: `az rest --url \"{scope}/providers/Microsoft.Authorization/\
             roleManagementPolicyAssignments?api-version=2020-10-01\"` (they carry the role and effectiveRules)."
        }
        PolicyKind::Group => {
            "Export `GET /policies/roleManagementPolicyAssignments?$filter=scopeId eq '{groupId}' and scopeType eq \
             'Group'&$expand=policy($expand=rules)` (member/owner), or keep that list beside this file."
        }
        _ => {
            "Export `GET /policies/roleManagementPolicyAssignments?$filter=scopeId eq '/' and scopeType eq \
             'DirectoryRole'&$expand=policy($expand=rules)`, or keep the assignment list beside this policy list \
             so pim-lint can join them."
        }
    };
    let what = if p.partial {
        "This document does not say which role it is for"
    } else {
        "The role this policy governs is unknown"
    };
    vec![
        Hit::new(
            &p.pointer,
            format!("{what}: only role-independent checks (PIM0xx) ran"),
            help,
        )
        .label("role unknown"),
    ]
}

const DOC: &str = r##"## What it does
Notes a policy whose role cannot be determined. A Graph role management policy does not say which
role it governs; only its policy assignment (`roleDefinitionId`) does. Such policies are checked
by the role-independent rules (PIM001–PIM011) only.

## Why it matters
Approval, MFA and duration requirements depend on the role's tier. Without the role, pim-lint
cannot tell a Global Administrator policy from a Reports Reader one, and says so instead of
guessing.

## Example that fails
```json
{ "value": [ { "id": "DirectoryRole_…_f5e0…", "scopeType": "DirectoryRole", "rules": [ … ] } ] }
```

## Example that passes
```json
{ "value": [ { "policyId": "DirectoryRole_…", "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10",
               "policy": { "id": "DirectoryRole_…", "rules": [ … ] } } ] }
```

## How to fix
Export policy assignments with `$expand=policy($expand=rules)`, or keep the policy assignments
list in the same run as the policies list; pim-lint joins them on `policyId`.

A change file (a PATCH body of one rule, a partial policy) names its role either in
`.pim-lint.yaml`, by a glob relative to the config's folder:

```yaml
files:
  - {path: "changes/ga-*.json", role: Global Administrator, scope: /}
```

or in the document itself, with a top-level field pim-lint reads (one Graph and ARM do not know
— strip it before sending the body):

```json
{ "x-pim-lint": {"role": "Global Administrator", "scope": "/"},
  "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule",
  "id": "Expiration_EndUser_Assignment", "maximumDuration": "PT24H" }
```

The role is a template id, a role definition id, a display name, or `member`/`owner` (PIM for
Groups, with the group id as scope); the scope is `/` (the default), a group id or an ARM scope.
The role rules then judge the change as they judge the role's policy.

## Severity
Baseline: note. Nothing is wrong with the policy; the note says which role-specific rules did not
run and how to export the role link.

## References
- Microsoft Graph, *List roleManagementPolicyAssignments* (the only Graph shape that says which role a policy governs):
  https://learn.microsoft.com/graph/api/policyroot-list-rolemanagementpolicyassignments
"##;
