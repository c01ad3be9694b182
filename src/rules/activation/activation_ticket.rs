use crate::model::{Policy, RuleId};
use crate::rules::{Ctx, Hit, util};

declare_rule! {
    code: "PIM203",
    name: "activation-ticket",
    category: Activation,
    needs: Role,
    summary: "Activation requires ticket information",
}

const HELP: &str = "Add \"Ticketing\" to `enabledRules` of Enablement_EndUser_Assignment (portal: Require ticket information on activation).";

const REQUIREMENT: util::EnabledRequirement = util::EnabledRequirement {
    id: RuleId::EnablementEndUserAssignment,
    item: "Ticketing",
    requires: "activation requires ticket information",
    lacking: "Activation does not require ticket information",
    no_list: "Activation does not require ticket information",
    no_list_label: Some("no enabledRules"),
    help: HELP,
};

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    util::require_enabled(p, &REQUIREMENT)
}

const DOC: &str = r##"## What it does
Checks that `Enablement_EndUser_Assignment.enabledRules` includes `Ticketing`, so an activation
names the change or incident ticket it serves. Not in the baseline; the `strict` pack turns it on.

## Why it matters
A ticket number ties each use of a privileged role to approved work, and lets reviewers match
activations against the change calendar.

## Example that fails
```json
{ "id": "Enablement_EndUser_Assignment", "enabledRules": ["MultiFactorAuthentication", "Justification"] }
```

## Example that passes
```json
{ "id": "Enablement_EndUser_Assignment", "enabledRules": ["MultiFactorAuthentication", "Justification", "Ticketing"] }
```

## How to fix
Require ticket information on activation.

## Severity
Not in the baseline (the `strict` pack turns it on). Microsoft describes the ticket number as
information only: nothing checks it against a ticketing system.

## References
- Microsoft Learn, *Configure Microsoft Entra role settings in PIM* (section Require ticket information on activation):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings
"##;
