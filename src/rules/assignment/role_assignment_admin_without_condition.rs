use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM315",
    name: "role-assignment-admin-without-condition",
    category: Assignment,
    needs: Role,
    summary: "(ARM assignments/requests) User Access Administrator or RBAC Administrator without an ABAC condition",
}

const USER_ACCESS_ADMINISTRATOR: &str = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";
const RBAC_ADMINISTRATOR: &str = "f58310d9-a9f6-439a-9e8d-f62e7b41a168";

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    let role = p
        .role
        .as_ref()
        .and_then(|r| r.id.as_deref())
        .map(|id| id.rsplit('/').next().unwrap_or(id).to_ascii_lowercase());
    if !matches!(
        role.as_deref(),
        Some(USER_ACCESS_ADMINISTRATOR | RBAC_ADMINISTRATOR)
    ) {
        return Vec::new();
    }
    let Some(list) = &p.assignments else {
        return Vec::new();
    };
    list.value
        .iter()
        .filter(|a| a.condition.as_ref().is_none_or(|c| c.value.trim().is_empty()))
        .map(|a| {
            Hit::new(
                &a.pointer,
                format!(
                    "{} may assign any Azure role (Owner included): the assignment has no condition limiting which roles it can grant",
                    a.principal_label("A principal")
                ),
                "Add an ABAC condition (\"Allow user to only assign selected roles to selected principals\") with \
                 conditionVersion 2.0, e.g. constraining @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId].",
            )
            .label("no condition")
            .principal(a.principal_id.as_deref())
        })
        .collect()
}

const DOC: &str = r##"## What it does
For ARM eligibility and assignment schedules or requests of User Access Administrator
(`18d7d88d-…`) or Role Based Access Control Administrator (`f58310d9-…`), reports those without an
ABAC `condition`.

## Why it matters
Both roles can assign any role — Owner included — to anyone at their scope. A condition
limiting the assignable roles (and principals) is Microsoft's recommended way to delegate role
assignment without delegating everything.

## Example that fails
```json
{ "properties": { "roleDefinitionId": ".../roleDefinitions/18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "principalId": "…" } }
```

## Example that passes
```json
{ "properties": { "roleDefinitionId": ".../18d7d88d-…", "principalId": "…",
  "condition": "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {ba92f5b4-2d11-453d-a403-e96b0029c9fe}))",
  "conditionVersion": "2.0" } }
```

## How to fix
Add a condition restricting which roles (and principals) can be assigned.

## References
- Microsoft Learn: Delegate Azure role assignment management to others with conditions
"##;
