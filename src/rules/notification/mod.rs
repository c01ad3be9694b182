//! PIM4xx: who is told when a role is assigned, activated or awaits approval.
category![activation_alert, approver_notification, assignment_alert,];

use crate::model::{Policy, RuleId};
use crate::rules::{Hit, util};

/// One notification rule must reach somebody.
pub(crate) fn must_notify(
    p: &Policy,
    id: RuleId,
    event: &str,
    help: &'static str,
    additional_only: bool,
) -> Vec<Hit> {
    let Some((rule, n)) = p.notification(id) else {
        return util::missing(p, id, &format!("anybody is notified {event}"), help);
    };
    if n.notifies(additional_only) {
        return Vec::new();
    }
    vec![
        Hit::new(
            n.off_pointer(&rule.pointer, additional_only),
            format!(
                "{} {event}: in {} {}",
                if additional_only {
                    "No monitored mailbox is notified"
                } else {
                    "Nobody is notified"
                },
                id.as_str(),
                util::notification_state(n, additional_only)
            ),
            help,
        )
        .label("nobody notified"),
    ]
}
