//! PIM4xx: who is told when a role is assigned, activated or awaits approval.
pub mod activation_alert;
pub mod approver_notification;
pub mod assignment_alert;

use crate::model::{Policy, RuleId};
use crate::rules::{Hit, util};

/// One notification rule must reach somebody.
pub(crate) fn must_notify(p: &Policy, id: RuleId, event: &str, help: &str) -> Vec<Hit> {
    let Some((rule, n)) = p.notification(id) else {
        return util::missing(p, id, &format!("anybody is notified {event}"), help);
    };
    if util::notifies(n) {
        return Vec::new();
    }
    vec![
        Hit::new(
            util::notification_pointer(n, &rule.pointer),
            format!(
                "Nobody is notified {event}: in {} {}",
                id.as_str(),
                util::notification_state(n)
            ),
            help,
        )
        .label("nobody notified"),
    ]
}
