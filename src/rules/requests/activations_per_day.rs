use crate::model::Policy;
use crate::model::Tier;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM707",
    name: "activations-per-day",
    category: Requests,
    needs: Request,
    summary: "A principal activated tier0 roles more often in one day than the config calls usual",
}

const HELP: &str = "Ask the requester why the role was activated so often; if the work needs it, a longer activation (within the policy's cap) is fewer activations to review. Raise `requests.max_activations_per_day` in .pim-lint.yaml if this is normal.";

fn check(_: &Policy, cx: &Ctx) -> Vec<Hit> {
    let Some(rc) = super::tier0_activation(cx) else {
        return Vec::new();
    };
    let usual = rc.scope.usual;
    let (Some(max), Some(dir), Some(created), Some(at)) = (
        usual.max_per_day,
        cx.directory,
        rc.request.created_at(),
        rc.request.created.as_ref(),
    ) else {
        return Vec::new();
    };
    let (_, day) = super::local(created, usual.offset_minutes);
    // Tier0 activations by the same principal on the same local day, in the order made (the
    // order read breaks ties): this request is the `n`-th.
    let mut n: u64 = 0;
    let mut total: u64 = 0;
    let mine = rc
        .by_principal
        .get(&rc.request.principal_id.value.trim().to_ascii_lowercase());
    for &i in mine.into_iter().flatten() {
        let Some(other) = dir.requests.get(i) else {
            continue;
        };
        if rc.tiers.get(i).copied().flatten() != Some(Tier::Tier0)
            || !other.is_activation()
            || !other.took_effect()
        {
            continue;
        }
        let Some(when) = other.created_at() else {
            continue;
        };
        if super::local(when, usual.offset_minutes).1 != day {
            continue;
        }
        total += 1;
        if when < created || (when == created && i <= rc.index) {
            n += 1;
        }
    }
    if n <= max {
        return Vec::new();
    }
    vec![
        Hit::new(
            &at.pointer,
            format!(
                "This is the requester's activation {n} of a tier0 role that day ({total} in all; more than {max} a day is unusual)"
            ),
            HELP,
        )
        .label(format!("activation {n} that day"))
        .about(&rc.request.at.pointer),
    ]
}

const DOC: &str = r##"## What it does
With `requests.max_activations_per_day` in `.pim-lint.yaml`, counts each principal's activation
requests of **tier0** roles per day (in the configured `timezone`, UTC by default) among the
requests the run checks — pending ones, and past ones with `--since` — and reports every
activation past the maximum. Denied, cancelled and failed requests do not count. Without the
setting this rule does not run.

```yaml
requests:
  max_activations_per_day: 3
```

## Why it matters
Activating a tier0 role many times a day turns just-in-time access into standing access with
extra steps: each activation is another window for a stolen session, and a pattern that
approvers stop reading. It may also be automation using a person's account.

## Example that fails
With `max_activations_per_day: 2`, a user activates Global Administrator at 08:00, 11:00 and
15:00 on one day: the third activation is reported.

## Example that passes
Two activations that day, or many activations of a standard role.

## How to fix
Find out why the role is needed so often: a longer activation within the policy's cap, a less
privileged role for the routine part of the work, or a workload identity for automation.

## Severity
Warning: frequent activation of tier0 roles is a signal (standing need, or a stolen session re-activating), not a violation; the threshold is the config's.

## References
- [Activate a Microsoft Entra role in PIM](https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-activate-role)
- [View audit history for Microsoft Entra roles in PIM](https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-use-audit-log)
"##;
