use crate::model::Policy;
use crate::rules::{Category, Ctx, Hit, Needs, RuleDef};

pub static RULE: RuleDef = RuleDef {
    code: "PIM002",
    name: "unrecognized-document",
    category: Category::Validity,
    summary: "A file named explicitly is no known PIM export",
    doc: DOC,
    needs: Needs::File,
    params: &[],
    check,
};

fn check(_: &Policy, _: &Ctx) -> Vec<Hit> {
    Vec::new()
}

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

## References
- Microsoft Graph: List roleManagementPolicyAssignments
"##;
