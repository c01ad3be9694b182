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
                        format!("Set `target.{field}` to \"{expected}\": Graph matches rules by id and target together."),
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
Graph rejects the update (or, through some tools, the setting lands on a different rule than you
reviewed). Hand-written PATCH bodies copied from one rule to another are the usual cause.

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

## References
- Microsoft Graph: Rules in PIM — mapping Microsoft Entra ID to Graph
"##;
