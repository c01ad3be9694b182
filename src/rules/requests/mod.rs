//! Rules on PIM requests (`pim-lint requests`): pending requests and, with `--since`, past
//! activations, each judged against the policy of its role (PIM701–PIM707) — or noted when the
//! run has no such policy (PIM708). They are about what people asked for, not about policy
//! settings, so `check` leaves this category out.

category![
    request_duration_above_cap,
    request_justification_missing,
    request_ticket_missing,
    request_pending_too_long,
    requester_is_approver,
    activation_outside_usual_hours,
    activations_per_day,
    request_without_policy,
];

use crate::model::directory::Request;
use crate::model::{Policy, RuleId, Tier};
use crate::rules::{Ctx, RequestCtx};

/// The request a rule judges when it is an activation (`selfActivate`, `selfExtend`,
/// `selfRenew`): what the policy's end-user rules govern.
pub(crate) fn activation<'a>(cx: &Ctx<'a>) -> Option<RequestCtx<'a>> {
    cx.request.filter(|r| r.request.is_activation())
}

/// Whether the policy's activation requires `item` (`Justification`, `Ticketing`) in
/// `Enablement_EndUser_Assignment`.
pub(crate) fn requires(p: &Policy, item: &str) -> bool {
    p.enabled_rules(RuleId::EnablementEndUserAssignment)
        .and_then(|(_, list)| list)
        .is_some_and(|l| l.value.iter().any(|v| v.eq_ignore_ascii_case(item)))
}

/// "Request abc (selfActivate by Alex Rivera <alex@…>)": how findings name a request (their
/// subject, with the role).
pub(crate) fn label(r: &Request) -> String {
    let id = r.id.as_deref().map(|i| format!(" {i}")).unwrap_or_default();
    format!("Request{id} ({} by {})", r.action.value, r.requester())
}

/// Minutes after local midnight and the local day number of an instant.
pub(crate) fn local(instant: i64, offset_minutes: i32) -> (u32, i64) {
    let t = instant + i64::from(offset_minutes) * 60;
    let minutes = u32::try_from(t.rem_euclid(86_400) / 60).unwrap_or(0);
    (minutes, t.div_euclid(86_400))
}

/// "07:00".
pub(crate) fn clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// "UTC", "UTC+02:00".
pub(crate) fn zone(offset_minutes: i32) -> String {
    if offset_minutes == 0 {
        return "UTC".into();
    }
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let m = offset_minutes.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
}

/// The request is an activation of a tier0 role that took effect (or may still).
pub(crate) fn tier0_activation<'a>(cx: &Ctx<'a>) -> Option<RequestCtx<'a>> {
    activation(cx).filter(|r| cx.tier == Some(Tier::Tier0) && r.request.took_effect())
}
