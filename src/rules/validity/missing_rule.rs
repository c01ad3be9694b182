use crate::model::{Policy, RuleId, Tier};
use crate::rules::{Ctx, Hit, Severity};

declare_rule! {
    code: "PIM006",
    name: "missing-rule",
    category: Validity,
    needs: Policy,
    summary: "One of the 17 standard rule ids is absent from a complete policy",
}

fn check(p: &Policy, ctx: &Ctx) -> Vec<Hit> {
    if p.partial || p.rules.is_empty() {
        return Vec::new();
    }
    let missing: Vec<&str> = RuleId::STANDARD
        .iter()
        .filter(|id| p.rule(**id).is_none())
        .map(|id| id.as_str())
        .collect();
    if missing.is_empty() {
        return Vec::new();
    }
    let n = missing.len();
    let partial = crate::rules::util::mostly_missing(p);
    let help = if partial {
        "This looks like a partial export: the checks that read these rules (approval, MFA, \
         durations, notifications) did not run on this policy and are not reported one by one. \
         Export the complete policy (all 17 rules, `$expand=rules`) to check them."
    } else {
        "Export the complete policy (all 17 rules, `$expand=rules`); meanwhile each check that \
         needs a missing rule reports it as missing, since Graph would apply a default nobody \
         reviewed."
    };
    let hit = Hit::new(
        &p.rules_pointer,
        format!(
            "{n} of the 17 standard rules {} missing{}: {}",
            if n == 1 { "is" } else { "are" },
            if partial { " (checks on them did not run)" } else { "" },
            missing.join(", ")
        ),
        help,
    )
    .label(format!("{n} missing"));
    // The checks this finding stands in for are errors on tier0 and privileged roles: a
    // partial export of such a role must fail the run as they would have (fail closed).
    if partial && matches!(ctx.tier, Some(Tier::Tier0 | Tier::Privileged)) {
        return vec![hit.severity(Severity::Error)];
    }
    vec![hit]
}

const DOC: &str = r##"## What it does
Checks that a complete policy (one with an `id`, as Graph and ARM return it) carries all 17
standard rules: three expiration, three enablement, authentication context, approval and nine
notification rules. One diagnostic lists every missing id. When more than half of them (9 or
more) are missing, the export is taken as partial: this diagnostic is the only one about them
(it says the checks that read them did not run), and the role rules do not each report
"X is missing"; for a tier0 or privileged role it is then an error whatever the pack says, since
the checks it stands in for would have failed the run. With 8 or fewer missing, each rule that needs a missing one also reports it. Request bodies and templates (no `id`)
are partial by nature and are not checked. Unknown rule ids are tolerated.

## Why it matters
Every policy Graph returns has the 17 rules. A missing one means a trimmed or hand-edited export,
and the settings it would carry (approval, MFA, durations) cannot be reviewed.

## Example that fails
A policy with an `id` whose `rules` lack `Approval_EndUser_Assignment`.

## Example that passes
A policy with all 17 rules, as returned by `$expand=rules`.

## How to fix
Re-export the policy with `$expand=rules`, without filtering the rules.

## Severity
Baseline: warning. The settings that are present are still checked; the missing rule's settings
cannot be, which a reviewer should know but which does not make the rest wrong.

## References
- Microsoft Graph, *Overview of rules for Microsoft Entra roles in PIM APIs* (each policy contains 17 predefined rules):
  https://learn.microsoft.com/graph/identity-governance-pim-rules-overview
"##;
