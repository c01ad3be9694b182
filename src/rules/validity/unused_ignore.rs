use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM014",
    name: "unused-ignore",
    category: Validity,
    needs: Config,
    summary: "An ignore entry in .pim-lint.yaml matched no finding",
}

fn check(_: &Policy, _: &Ctx) -> Vec<Hit> {
    Vec::new()
}

/// The note's words; suppression places it at the entry.
pub fn message(rule: &str) -> String {
    format!("This ignore of {rule} matched no finding in this run")
}
pub const HELP: &str = "Delete the entry if the finding is fixed, or correct its selector (policy, role, scope, file).";
pub const LABEL: &str = "unused";

const DOC: &str = r##"## What it does
Notes an `ignore` entry of `.pim-lint.yaml` that suppressed nothing in this run: the finding was
fixed, the selector has a typo, or the files it was written for were not linted. Only a run
that walked folders reports it: a run given single files (a pre-commit hook passes only the
changed ones) saw part of the repository, and the entry may be for a file it did not see.

## Why it matters
Stale exceptions hide the next real finding that happens to match them. Removing unused entries
keeps the list of accepted risks short and true.

## Example that fails
An entry for `rule: PIM101, role: Global Administrator` when Global Administrator now requires approval.

## Example that passes
An entry that matches at least one finding of the run.

## How to fix
Delete the entry, or correct its selector (policy, role, scope, file).

## Severity
Baseline: note. A stale ignore hides nothing today; removing it is housekeeping.

## References
- pim-lint README, *Configuration and suppressions*:
  https://github.com/pim-lint/pim-lint#configuration-pim-lintyaml
"##;
