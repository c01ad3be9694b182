use crate::model::{Policy, RuleId};
use crate::rules::{Ctx, Hit, util};

declare_rule! {
    code: "PIM306",
    name: "active-assignment-justification",
    category: Assignment,
    needs: Role,
    summary: "Creating an active assignment requires a justification",
}

const HELP: &str = "Add \"Justification\" to `enabledRules` of Enablement_Admin_Assignment (portal: Assignment → Require \
                    justification on active assignment).";

const REQUIREMENT: util::EnabledRequirement = util::EnabledRequirement {
    id: RuleId::EnablementAdminAssignment,
    item: "Justification",
    requires: "active assignments require a justification",
    lacking: "An admin can make an active assignment without a justification",
    no_list: "Active assignments need no justification",
    no_list_label: None,
    help: HELP,
};

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    util::require_enabled(p, &REQUIREMENT)
}

const DOC: &str = r##"## What it does
Checks that `Enablement_Admin_Assignment.enabledRules` includes `Justification`.

## Why it matters
An active assignment is the exception to just-in-time access. The reason for each exception
belongs in the audit log, where the next review can question it.

## Example that fails
```json
{ "id": "Enablement_Admin_Assignment", "enabledRules": [] }
```

## Example that passes
```json
{ "id": "Enablement_Admin_Assignment", "enabledRules": ["MultiFactorAuthentication", "Justification"] }
```

## How to fix
Require justification on active assignment in the role settings.

## Severity
Baseline: warning for tier0 and privileged. Microsoft documents the setting; no CISA control
requires it.

## References
- Microsoft Learn, *Configure Microsoft Entra role settings in PIM* (section Require justification on active assignment):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings
"##;
