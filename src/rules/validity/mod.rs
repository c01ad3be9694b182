//! PIM001–PIM012: what makes a policy unreadable, or what Graph/ARM would reject.
pub mod approval_without_stage;
pub mod duration_out_of_range;
pub mod expired_ignore;
pub mod invalid_auth_context;
pub mod invalid_duration;
pub mod mfa_authcontext_conflict;
pub mod missing_rule;
pub mod parse_error;
pub mod rule_target_mismatch;
pub mod rules_not_expanded;
pub mod schema_violation;
pub mod unknown_role;
pub mod unrecognized_document;
pub mod unused_ignore;
