//! PIM001–PIM012: what makes a policy unreadable, or what Graph/ARM would reject.
category![
    approval_without_stage,
    duration_out_of_range,
    expired_ignore,
    invalid_auth_context,
    invalid_duration,
    mfa_authcontext_conflict,
    missing_rule,
    parse_error,
    rule_target_mismatch,
    rules_not_expanded,
    schema_violation,
    tenant_without_p2,
    unknown_role,
    unrecognized_document,
    unused_ignore,
];

// PIM017 (value_unknown_statically.rs) joins the list with the first reader that leaves values
// to deployment (Terraform, Bicep): its fixtures come with it.
