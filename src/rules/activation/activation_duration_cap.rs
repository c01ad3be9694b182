use crate::model::{IsoDuration, Policy, RuleId};
use crate::rules::{Ctx, Hit, util};

declare_rule! {
    code: "PIM204",
    name: "activation-duration-cap",
    category: Activation,
    needs: Role,
    summary: "Maximum activation duration is at most the tier's cap (tier0 PT4H, privileged PT8H)",
    params: [
        ("caps", DurationByTier, "Cap per tier, e.g. {tier0: PT4H, privileged: PT8H}; tiers without a cap are not checked."),
    ],
}

fn default_cap(tier: Option<crate::model::Tier>) -> Option<IsoDuration> {
    match tier? {
        crate::model::Tier::Tier0 => Some(IsoDuration::from_hours(4)),
        crate::model::Tier::Privileged => Some(IsoDuration::from_hours(8)),
        crate::model::Tier::Standard => None,
    }
}

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    let cap = if cx.params.contains_key("caps") {
        cx.duration_for_tier("caps")
    } else {
        default_cap(cx.tier)
    };
    let Some(cap) = cap else { return Vec::new() };
    let help = format!(
        "Set `maximumDuration` of Expiration_EndUser_Assignment to {cap} or less (portal: Activation maximum duration); users \
         can activate again when they need more time."
    );
    // Activations always end at `maximumDuration`; `isExpirationRequired` is not used for them
    // (real tenants export it as false, the portal does not show it).
    let Some((rule, _, max)) = p.expiration(RuleId::ExpirationEndUserAssignment) else {
        return util::missing(
            p,
            RuleId::ExpirationEndUserAssignment,
            "the activation duration is capped",
            help.clone(),
        );
    };
    let Some(max) = max else {
        return vec![Hit::new(
            &rule.pointer,
            format!("The activation rule has no `maximumDuration`; it must be at most {cap}"),
            help,
        )];
    };
    match IsoDuration::parse(&max.value) {
        Ok(d) if d > cap => vec![
            Hit::new(
                &max.pointer,
                format!(
                    "Maximum activation duration is {}; it must be at most {cap}",
                    util::show_duration(&max.value, d)
                ),
                help,
            )
            .label(format!("more than {cap}")),
        ],
        _ => Vec::new(), // within the cap, or not a duration (PIM004)
    }
}

const DOC: &str = r##"## What it does
Compares the maximum activation duration (`Expiration_EndUser_Assignment.maximumDuration`) with the
cap for the role's tier: `PT4H` for tier0, `PT8H` for privileged (parameter `caps`). Durations
compare as lengths of time (`P1D` = `PT24H`); exactly the cap passes.

## Why it matters
Every hour of an activation is an hour of standing access. Short activations keep just-in-time
access just in time: the role is gone soon after the work is done, and a stolen session is worth
less.

## Example that fails
```json
{ "id": "Expiration_EndUser_Assignment", "isExpirationRequired": true, "maximumDuration": "PT4H30M" }
```
(on a tier0 role)

## Example that passes
```json
{ "id": "Expiration_EndUser_Assignment", "isExpirationRequired": true, "maximumDuration": "PT4H" }
```

## How to fix
Lower the activation maximum duration in the role settings.

## Severity
Baseline: error for tier0 (cap PT4H), warning for privileged (cap PT8H). The caps are pim-lint's
choice; Microsoft's deployment plan example uses one hour for Global Administrator and two for
Exchange Administrator, so the baseline is the lenient side of Microsoft's own example.

## References
- Microsoft Learn, *Plan a Privileged Identity Management deployment* (example settings: activation duration per role):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-deployment-plan
- Microsoft Learn, *Configure Microsoft Entra role settings in PIM* (section Activation maximum duration):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings
"##;
