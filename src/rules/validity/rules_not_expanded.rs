use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM005",
    name: "rules-not-expanded",
    category: Validity,
    needs: Policy,
    summary: "The policy has no rules (exported without `$expand=rules`)",
}

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    if p.partial {
        return Vec::new();
    }
    let help = "Export with `$expand=rules` (policies) or `$expand=policy($expand=rules)` (policy assignments); \
                for ARM read `properties.rules` or `properties.effectiveRules`.";
    if !p.rules_expanded {
        return vec![
            Hit::new(
                &p.pointer,
                "The policy has no `rules`: nothing about it can be checked",
                help,
            )
            .label("no rules here"),
        ];
    }
    if p.rules.is_empty() {
        return vec![
            Hit::new(
                &p.rules_pointer,
                "The policy's `rules` list is empty: nothing about it can be checked",
                help,
            )
            .label("empty"),
        ];
    }
    Vec::new()
}

const DOC: &str = r##"## What it does
Reports a policy document that carries no rules: Graph returns policies without their rules unless
the request says `$expand=rules`, and the settings that matter all live in the rules.

## Why it matters
A policy without rules passes every other check vacuously. Without this rule an export made
without `$expand` would look perfectly clean.

## Example that fails
```json
{ "id": "Directory_…", "scopeId": "/", "scopeType": "Directory", "isOrganizationDefault": false }
```

## Example that passes
```json
{ "id": "Directory_…", "scopeId": "/", "scopeType": "Directory", "isOrganizationDefault": false,
  "rules": [ { "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule", … } ] }
```

## How to fix
Re-export with `GET /policies/roleManagementPolicies/{id}?$expand=rules`, or better
`GET /policies/roleManagementPolicyAssignments?…&$expand=policy($expand=rules)`, which also says
which role each policy governs.

## Severity
Baseline: error. A policy without rules passes every other rule vacuously; reporting it keeps an
incomplete export from reading as a clean one.

## References
- Microsoft Learn, *Configure Microsoft Entra role settings in PIM* (section Manage role settings by using Microsoft Graph: `$expand=rules`):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings
- Microsoft Graph, *List roleManagementPolicies*:
  https://learn.microsoft.com/graph/api/policyroot-list-rolemanagementpolicies
"##;
