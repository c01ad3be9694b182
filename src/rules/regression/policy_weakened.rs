use super::{role_key, scope_key};
use crate::model::compare::{Aspect, approver_ids, weakenings};
use crate::model::{Policy, PolicyKind};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM601",
    name: "policy-weakened",
    category: Approval,
    needs: Base,
    summary: "(`--base REV`) A setting is weaker than in the same role's policy at the base revision: approval off, approvers removed, MFA dropped, a limit raised, a notification off",
}

/// What pairs a policy with its earlier self: its kind, scope and role — never the policy id
/// (ARM policy names change on every update; Graph ids differ by filter).
pub(crate) fn same_subject(a: &Policy, b: &Policy) -> bool {
    let kind = |p: &Policy| match p.kind {
        // A change file mapped to the directory reads as a directory role.
        PolicyKind::Unknown => PolicyKind::DirectoryRole,
        k => k,
    };
    kind(a) == kind(b)
        && role_key(a).is_some()
        && role_key(a) == role_key(b)
        && scope_key(a).unwrap_or_else(|| "/".into()) == scope_key(b).unwrap_or_else(|| "/".into())
}

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    let Some(before) = cx.policies.iter().find(|b| same_subject(b, p)) else {
        return Vec::new();
    };
    let help = "Restore the setting, or if the change is intended, have it reviewed and merged \
                deliberately (this finding names what the pull request weakens).";
    let mut hits: Vec<Hit> = weakenings(before, p, &Aspect::all())
        .into_iter()
        .map(|w| {
            Hit::new(
                w.weak.at.clone(),
                format!(
                    "{} is weaker than at the base revision: {} → {}",
                    super::capitalise(&w.aspect.describe()),
                    w.strong.text,
                    w.weak.text
                ),
                help,
            )
            .label(format!("was {}", w.strong.text))
        })
        .collect();
    if let (Some((was, _)), Some((now, at))) = (approver_ids(before), approver_ids(p)) {
        let removed: Vec<&str> = was
            .iter()
            .filter(|id| !now.contains(id))
            .map(String::as_str)
            .collect();
        if !removed.is_empty() {
            hits.push(
                Hit::new(
                    at,
                    format!(
                        "Approvers removed since the base revision: {} → {} ({} removed: {})",
                        was.len(),
                        now.len(),
                        removed.len(),
                        removed.join(", ")
                    ),
                    help,
                )
                .label("approvers removed"),
            );
        }
    }
    hits
}

const DOC: &str = r##"## What it does
With `pim-lint check --base REV`, reads the same files as they were at the git revision `REV`
(`git show REV:path`), pairs each policy with its earlier self by **scope and role** (never by
policy id: ARM policy names change on every update), and reports each setting that became weaker,
with its value before and after: approval turned off, approvers removed, MFA or the
authentication context dropped, justification or ticket no longer asked, a longer activation or
assignment allowed, permanent assignments allowed, a notification turned off. Strengthening a
setting reports nothing; a file new since `REV` has nothing to compare with.

## Why it matters
A policy can be weakened and still pass every rule of the pack (PT8H is within the cap for a
privileged role that had PT2H). In a pull request, the reviewer needs to see that the change
lowers a guard, not only whether the result is acceptable.

## Example that fails
At `main`, Global Administrator's policy requires approval and activation up to PT2H; the pull
request sets `isApprovalRequired` to false and `maximumDuration` to PT8H:
`pim-lint check --base origin/main policies/` reports both, `required → off` and `PT2H → PT8H`.

## Example that passes
The pull request raises the approval requirement or shortens the activation: nothing is reported.

## How to fix
Restore the setting, or merge the weakening deliberately with this finding suppressed for the
role (`ignore:` with a reason in `.pim-lint.yaml`).

## Severity
Baseline: error. Runs only with `--base`; a setting either revision does not state (a partial
document, a value known only at deployment) is not compared. A missing `git` or an unknown
revision fails the run (exit 2).

## References
- Microsoft Learn, *Configure Microsoft Entra role settings in Privileged Identity Management*:
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings
- git, *git-show*: https://git-scm.com/docs/git-show
"##;
