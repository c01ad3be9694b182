//! Building model rules from settings written by hand in an authoring format (EasyPIM configs,
//! Microsoft365DSC `AADRoleSetting` blocks): each setting becomes the rule the tool deploys, at
//! the place the value is written, so a finding points at the line the team edits.

use crate::model::{
    Approval, ApprovalStage, Approver, ApproverKind, Loc, Notification, Policy, PolicyKind,
    PolicyRule, Problem, Ptr, RoleRef, RuleId, Setting, Strings, Target,
};

/// A rule of `id` at `at` with `setting`.
pub fn rule(id: RuleId, at: &Ptr, setting: Setting) -> PolicyRule {
    PolicyRule {
        pointer: at.clone(),
        id: Loc::new(id.as_str().to_owned(), at),
        known: Some(id),
        discriminator: None,
        target: Target::default(),
        setting,
        source: None,
    }
}

pub fn expiration(
    id: RuleId,
    at: &Ptr,
    required: Option<Loc<bool>>,
    max: Option<Loc<String>>,
) -> PolicyRule {
    rule(
        id,
        at,
        Setting::Expiration {
            is_expiration_required: required,
            maximum_duration: max,
        },
    )
}

pub fn enablement(id: RuleId, at: &Ptr, enabled: Strings) -> PolicyRule {
    rule(
        id,
        at,
        Setting::Enablement {
            enabled_rules: Some(enabled),
        },
    )
}

/// The approval rule both tools write: one stage, the given primary approvers, no escalation;
/// the requestor's justification is required (both write it so).
pub fn approval(at: &Ptr, required: Loc<bool>, approvers: Loc<Vec<Approver>>) -> PolicyRule {
    let stage = ApprovalStage {
        pointer: approvers.pointer.clone(),
        is_approver_justification_required: None,
        is_escalation_enabled: None,
        escalation_time_in_minutes: None,
        escalation_approvers: Loc::new(Vec::new(), &approvers.pointer),
        primary_approvers: approvers.clone(),
    };
    rule(
        RuleId::ApprovalEndUserAssignment,
        at,
        Setting::Approval(Approval {
            setting_pointer: at.clone(),
            is_approval_required: Some(required),
            is_approval_required_for_extension: None,
            is_requestor_justification_required: None,
            approval_mode: Some(Loc::new("SingleStage".to_owned(), at)),
            stages: Some(Loc::new(vec![stage], &approvers.pointer)),
        }),
    )
}

pub fn approver(at: Ptr, kind: ApproverKind, id: String, description: Option<String>) -> Approver {
    Approver {
        pointer: at,
        kind,
        id: Some(id),
        description,
        is_backup: false,
    }
}

/// The recipient type (`Admin`, `Requestor`, `Approver`) a notification rule id names.
pub fn recipient_of(id: RuleId) -> &'static str {
    let s = id.as_str();
    if s.starts_with("Notification_Requestor") {
        "Requestor"
    } else if s.starts_with("Notification_Approver") {
        "Approver"
    } else {
        "Admin"
    }
}

pub fn notification(
    id: RuleId,
    at: &Ptr,
    level: Option<Loc<String>>,
    default_recipients: Option<Loc<bool>>,
    recipients: Option<Strings>,
) -> PolicyRule {
    rule(
        id,
        at,
        Setting::Notification(Notification {
            notification_type: Some(Loc::new("Email".to_owned(), at)),
            recipient_type: Some(Loc::new(recipient_of(id).to_owned(), at)),
            notification_level: level,
            is_default_recipients_enabled: default_recipients,
            notification_recipients: recipients,
        }),
    )
}

/// A policy an authoring format describes: partial (what it does not set is left as it is),
/// with the role named as written.
pub fn policy(
    file: usize,
    at: Ptr,
    dialect: crate::model::Dialect,
    kind: PolicyKind,
    role: RoleRef,
    scope: Option<String>,
) -> Policy {
    Policy {
        file,
        pointer: at.clone(),
        dialect,
        kind,
        id: None,
        display_name: None,
        scope,
        role: Some(role),
        rules_pointer: at,
        rules_expanded: true,
        partial: true,
        last_modified: None,
        rules: Vec::new(),
        problems: Vec::<Problem>::new(),
        assignments: None,
        holders: None,
        unknown: Vec::new(),
    }
}

/// Activation requirements as both tools accept them (`MFA` is EasyPIM's short name).
pub fn requirement_name(s: &str) -> String {
    if s.eq_ignore_ascii_case("MFA") {
        "MultiFactorAuthentication".to_owned()
    } else {
        s.to_owned()
    }
}
