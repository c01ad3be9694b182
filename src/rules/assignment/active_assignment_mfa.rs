use crate::model::{Policy, RuleId};
use crate::rules::{Ctx, Hit, util};

declare_rule! {
    code: "PIM305",
    name: "active-assignment-mfa",
    category: Assignment,
    needs: Role,
    summary: "Creating an active assignment requires MFA",
}

const HELP: &str = "Add \"MultiFactorAuthentication\" to `enabledRules` of Enablement_Admin_Assignment (portal: Assignment → \
                    Require Azure Multi-Factor Authentication on active assignment).";

const REQUIREMENT: util::EnabledRequirement = util::EnabledRequirement {
    id: RuleId::EnablementAdminAssignment,
    item: "MultiFactorAuthentication",
    requires: "active assignments require MFA",
    lacking: "An admin can make an active assignment without MFA",
    no_list: "Active assignments are made without MFA",
    no_list_label: None,
    help: HELP,
};

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    util::require_enabled(p, &REQUIREMENT)
}

const DOC: &str = r##"## What it does
Checks that `Enablement_Admin_Assignment.enabledRules` includes `MultiFactorAuthentication`, so the
administrator who creates an active assignment must pass MFA.

## Why it matters
Creating an active assignment grants the role at once, bypassing activation controls. Requiring
MFA at that moment stops a hijacked admin session from quietly granting standing access.

## Example that fails
```json
{ "id": "Enablement_Admin_Assignment", "enabledRules": ["Justification"] }
```

## Example that passes
```json
{ "id": "Enablement_Admin_Assignment", "enabledRules": ["MultiFactorAuthentication", "Justification"] }
```

## How to fix
Require Azure MFA on active assignment in the role settings.

## Severity
Baseline: warning for tier0 and privileged. Microsoft documents the setting (and that PIM cannot
enforce MFA when an active assignment is used); no CISA control requires it.

## References
- Microsoft Learn, *Configure Microsoft Entra role settings in PIM* (section Require multifactor authentication on active assignment):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings
"##;
