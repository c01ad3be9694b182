//! PIM2xx: what activation requires — MFA or authentication context, justification, ticket, how long.
category![
    activation_auth_context,
    activation_duration_cap,
    activation_justification,
    activation_mfa,
    activation_ticket,
];

use crate::model::Policy;

/// The authentication context is enabled with a claim (PIM011 judges the claim itself).
pub(crate) fn auth_context_on(p: &Policy) -> bool {
    p.auth_context().is_some_and(|(_, on, claim)| {
        on.is_some_and(|o| o.value)
            && claim
                .and_then(|c| c.value.as_deref())
                .is_some_and(|c| !c.is_empty())
    })
}
