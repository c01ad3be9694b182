use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM706",
    name: "activation-outside-usual-hours",
    category: Requests,
    needs: Request,
    summary: "A tier0 role was activated outside the usual hours the config names",
}

const HELP: &str = "Confirm with the requester that the activation was theirs and needed at that hour; if such activations are expected, widen `requests.usual_hours` in .pim-lint.yaml.";

fn check(_: &Policy, cx: &Ctx) -> Vec<Hit> {
    let Some(rc) = super::tier0_activation(cx) else {
        return Vec::new();
    };
    let usual = rc.scope.usual;
    let r = rc.request;
    let (Some((start, end)), Some(created), Some(at)) =
        (usual.hours, r.created_at(), r.created.as_ref())
    else {
        return Vec::new();
    };
    let (minute, _) = super::local(created, usual.offset_minutes);
    let inside = if start <= end {
        (start..end).contains(&minute)
    } else {
        minute >= start || minute < end
    };
    if inside {
        return Vec::new();
    }
    let zone = super::zone(usual.offset_minutes);
    vec![
        Hit::new(
            &at.pointer,
            format!(
                "This activation of a tier0 role was requested at {} {zone}, outside the usual hours {}–{} {zone}",
                super::clock(minute),
                super::clock(start),
                super::clock(end)
            ),
            HELP,
        )
        .label(format!("at {} {zone}", super::clock(minute)))
        .about(&r.at.pointer),
    ]
}

const DOC: &str = r##"## What it does
With `requests.usual_hours` in `.pim-lint.yaml`, reports activation requests (pending, or past
ones with `--since`) of **tier0** roles created outside those hours, in the configured
`timezone` (an offset from UTC; UTC by default). Without `usual_hours` this rule does not run.

```yaml
requests:
  usual_hours: "07:00-19:00"
  timezone: "+01:00"
```

## Why it matters
A Global Administrator activation at 03:00 is either an emergency someone can explain or a
stolen session. Reviewing off-hours activations of the most powerful roles is one of the few
signals PIM data gives about misuse.

## Example that fails
With `usual_hours: "07:00-19:00"`, a `selfActivate` request for Global Administrator created at
`02:14Z`.

## Example that passes
The same request created at `10:30Z`, or an off-hours activation of a standard role.

## How to fix
Ask the requester and, if it was not them, revoke the activation and investigate the account. If
off-hours work is normal for your team, widen `usual_hours`.

## Severity
Warning: a signal worth a look (Learn's audit history is how PIM activity is reviewed), not proof of misuse; the hours are the config's, so only a team that set them sees it.

## References
- [Approve or deny requests for Microsoft Entra roles in PIM](https://learn.microsoft.com/entra/id-governance/privileged-identity-management/azure-ad-pim-approval-workflow)
- [View audit history for Microsoft Entra roles in PIM](https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-use-audit-log)
"##;
