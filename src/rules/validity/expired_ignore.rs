use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM013",
    name: "expired-ignore",
    category: Validity,
    needs: Config,
    summary: "An ignore entry in .pim-lint.yaml is past its `until` date and no longer applies",
}

fn check(_: &Policy, _: &Ctx) -> Vec<Hit> {
    Vec::new()
}

/// The note's words; suppression places it at the entry's `until`.
pub fn message(rule: &str, until: &dyn std::fmt::Display, reason: &str) -> String {
    format!(
        "This ignore of {rule} expired on {until}; the findings it covered are reported again (reason given: \"{reason}\")"
    )
}
pub const HELP: &str =
    "Fix the findings and delete the entry, or review the exception and set a new `until` date.";
pub const LABEL: &str = "expired";

const DOC: &str = r##"## What it does
Reports an `ignore` entry of `.pim-lint.yaml` whose `until` date has passed. From the day after
`until`, the entry suppresses nothing: the findings it covered are reported again, and this
diagnostic points at the date so the exception is reviewed, renewed with a new date, or removed.

## Why it matters
Exceptions to privileged-access policy should be temporary and re-justified. An expiry that
silently extended itself would be a permanent exception nobody decided on.

## Example that fails
```yaml
ignore:
  - rule: PIM101
    role: Global Administrator
    reason: "migration to approval groups, tracked in CHG-1042"
    until: 2025-01-31
```

## Example that passes
```yaml
ignore:
  - rule: PIM101
    role: Global Administrator
    reason: "migration to approval groups, tracked in CHG-1042"
    until: 2099-01-31
```

## How to fix
Fix the finding and delete the entry, or review the exception and set a new `until`.

## Severity
Baseline: note. It is about pim-lint's own configuration: the findings the ignore hid come back at
their own severity, so this note only says why.

## References
- pim-lint README, *Configuration and suppressions*:
  https://github.com/pim-lint/pim-lint#configuration-pim-lintyaml
"##;
