//! PIM3xx: how long eligible and active assignments may last, and what creating one requires.
category![
    active_assignment_justification,
    active_assignment_mfa,
    active_duration_cap,
    active_expiration_required,
    assigned_outside_pim,
    eligible_duration_cap,
    eligible_expiration_required,
    eligible_service_principal,
    emergency_access_account,
    global_admin_count,
    global_admin_ratio,
    permanent_active_assignment,
    permanent_eligibility,
    privileged_productivity_account,
    role_assignment_admin_without_condition,
    synced_privileged_account,
];

use crate::model::{IsoDuration, Policy, RuleId};
use crate::rules::{Ctx, Hit, util};

/// Shared by the expiration-required rules: `isExpirationRequired` must be true.
pub(crate) fn expiration_required(
    p: &Policy,
    id: RuleId,
    what: &str,
    help: &'static str,
) -> Vec<Hit> {
    let Some((rule, required, _)) = p.expiration(id) else {
        return util::missing(p, id, &format!("{what} assignments must expire"), help);
    };
    match required {
        Some(r) if r.value => Vec::new(),
        Some(r) => vec![
            Hit::new(&r.pointer, format!("Permanent {what} assignments are allowed: isExpirationRequired is false; it must be true"), help)
                .label("permanent allowed"),
        ],
        None => vec![Hit::new(&rule.pointer, format!("{} does not set `isExpirationRequired`", id.as_str()), help)],
    }
}

/// Shared by the duration-cap rules: when expiration is required, the maximum is at most `cap`.
pub(crate) fn duration_cap(
    p: &Policy,
    cx: &Ctx,
    id: RuleId,
    what: &str,
    default: IsoDuration,
) -> Vec<Hit> {
    let cap = cx.duration("cap").unwrap_or(default);
    let Some((d, max)) = util::required_duration(p, id) else {
        return Vec::new();
    };
    if d <= cap {
        return Vec::new();
    }
    vec![Hit::new(
        &max.pointer,
        format!("{} assignments may last {}; they must expire within {cap}", capitalised(what), util::show_duration(&max.value, d)),
        format!(
            "Set `maximumDuration` of {} to {cap} or less (portal: Assignment → Expire {what} assignments after; Graph/ARM \
             offer P15D, P30D, P90D, P180D, P365D).",
            id.as_str()
        ),
    )
    .label(format!("more than {cap}"))]
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
