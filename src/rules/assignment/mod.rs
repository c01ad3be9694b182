//! PIM3xx: how long eligible and active assignments may last, and what creating one requires.
pub mod active_assignment_justification;
pub mod active_assignment_mfa;
pub mod active_duration_cap;
pub mod active_expiration_required;
pub mod assigned_outside_pim;
pub mod eligible_duration_cap;
pub mod eligible_expiration_required;
pub mod eligible_service_principal;
pub mod global_admin_count;
pub mod permanent_active_assignment;
pub mod permanent_eligibility;
pub mod role_assignment_admin_without_condition;

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
