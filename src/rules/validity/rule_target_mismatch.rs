use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM009",
    name: "rule-target-mismatch",
    category: Validity,
    needs: Policy,
    summary: "A rule's `target` caller/level contradicts its id",
}

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for r in &p.rules {
        let Some(id) = r.known else { continue };
        let (caller, level) = id.expected_target();
        for (field, actual, expected) in [
            ("caller", &r.target.caller, caller),
            ("level", &r.target.level, level),
        ] {
            if let Some(a) = actual
                && !a.value.eq_ignore_ascii_case(expected)
            {
                hits.push(
                    Hit::new(
                        &a.pointer,
                        format!("Rule {} has `target.{field}` \"{}\"; its id means \"{expected}\"", id.as_str(), a.value),
                        format!("Set `target.{field}` to \"{expected}\": the id and the target must name the same caller and level."),
                    )
                    .label(format!("should be {expected}")),
                );
            }
        }
    }
    hits
}

const DOC: &str = r##"## What it does
Each rule id names its caller and level: `…_EndUser_Assignment` is about activation (caller
EndUser, level Assignment), `…_Admin_Eligibility` about eligible assignments an admin makes, and
so on. This rule reports a `target.caller` or `target.level` that says otherwise.

## Why it matters
Each of the 17 rule ids names whom it applies to (`EndUser` or `Admin`) and at what level
(`Assignment` or `Eligibility`), and the rule's `target` carries the same two values (Graph's
`unifiedRoleManagementPolicyRuleTarget`). A target that contradicts the id means the file says two
things about one setting, and a reviewer reads the id. Hand-written PATCH bodies copied from one
rule to another are the usual cause.

## Example that fails
```json
{ "id": "Expiration_Admin_Assignment", "target": { "caller": "Admin", "level": "Eligibility" } }
```

## Example that passes
```json
{ "id": "Expiration_Admin_Assignment", "target": { "caller": "Admin", "level": "Assignment" } }
```

## How to fix
Make the target agree with the id: caller `EndUser` for `…_EndUser_…`, otherwise `Admin`; level
`Eligibility` for `…_Eligibility`, otherwise `Assignment`.

## Severity
Baseline: error. The rule says one thing by its id and another by its target; a reviewer cannot
tell which the tenant applies.

## References
- Microsoft Graph, *Overview of rules for Microsoft Entra roles in PIM APIs* (the 17 rule ids):
  https://learn.microsoft.com/graph/identity-governance-pim-rules-overview
- Microsoft Graph, *unifiedRoleManagementPolicyRuleTarget resource type* (`caller` and `level`):
  https://learn.microsoft.com/graph/api/resources/unifiedrolemanagementpolicyruletarget
"##;
