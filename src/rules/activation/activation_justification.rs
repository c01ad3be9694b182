use crate::model::{Policy, RuleId};
use crate::rules::{Ctx, Hit, util};

declare_rule! {
    code: "PIM202",
    name: "activation-justification",
    category: Activation,
    needs: Role,
    summary: "Activation requires a justification",
}

const HELP: &str = "Add \"Justification\" to `enabledRules` of Enablement_EndUser_Assignment (portal: Require justification on activation).";

const REQUIREMENT: util::EnabledRequirement = util::EnabledRequirement {
    id: RuleId::EnablementEndUserAssignment,
    item: "Justification",
    requires: "activation requires a justification",
    lacking: "Activation does not require a justification",
    no_list: "Activation does not require a justification",
    no_list_label: Some("no enabledRules"),
    help: HELP,
};

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    util::require_enabled(p, &REQUIREMENT)
}

const DOC: &str = r##"## What it does
Checks that `Enablement_EndUser_Assignment.enabledRules` includes `Justification`.

## Why it matters
The justification is what an approver reads and what an investigator finds in the audit log. An
activation without a stated reason cannot be told apart from misuse.

## Example that fails
```json
{ "id": "Enablement_EndUser_Assignment", "enabledRules": ["MultiFactorAuthentication"] }
```

## Example that passes
```json
{ "id": "Enablement_EndUser_Assignment", "enabledRules": ["MultiFactorAuthentication", "Justification"] }
```

## How to fix
Require justification on activation.

## Severity
Baseline: warning for tier0 and privileged. Microsoft documents the setting and lists
justification among PIM's key features; no CISA control requires it.

## References
- Microsoft Learn, *Configure Microsoft Entra role settings in PIM* (section Require justification on activation):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings
- Microsoft Learn, *Plan a Privileged Identity Management deployment* (Use justification to understand why users activate):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-deployment-plan
"##;
