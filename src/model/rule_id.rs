//! The standard rule ids of a role management policy and what each carries.

use serde::Serialize;

/// The 17 standard rule ids (and the ARM preview `PIMOnlyMode_Admin_Assignment`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum RuleId {
    #[serde(rename = "Expiration_EndUser_Assignment")]
    ExpirationEndUserAssignment,
    #[serde(rename = "Enablement_EndUser_Assignment")]
    EnablementEndUserAssignment,
    #[serde(rename = "AuthenticationContext_EndUser_Assignment")]
    AuthenticationContextEndUserAssignment,
    #[serde(rename = "Approval_EndUser_Assignment")]
    ApprovalEndUserAssignment,
    #[serde(rename = "Expiration_Admin_Eligibility")]
    ExpirationAdminEligibility,
    #[serde(rename = "Enablement_Admin_Eligibility")]
    EnablementAdminEligibility,
    #[serde(rename = "Expiration_Admin_Assignment")]
    ExpirationAdminAssignment,
    #[serde(rename = "Enablement_Admin_Assignment")]
    EnablementAdminAssignment,
    #[serde(rename = "Notification_Admin_Admin_Eligibility")]
    NotificationAdminAdminEligibility,
    #[serde(rename = "Notification_Requestor_Admin_Eligibility")]
    NotificationRequestorAdminEligibility,
    #[serde(rename = "Notification_Approver_Admin_Eligibility")]
    NotificationApproverAdminEligibility,
    #[serde(rename = "Notification_Admin_Admin_Assignment")]
    NotificationAdminAdminAssignment,
    #[serde(rename = "Notification_Requestor_Admin_Assignment")]
    NotificationRequestorAdminAssignment,
    #[serde(rename = "Notification_Approver_Admin_Assignment")]
    NotificationApproverAdminAssignment,
    #[serde(rename = "Notification_Admin_EndUser_Assignment")]
    NotificationAdminEndUserAssignment,
    #[serde(rename = "Notification_Requestor_EndUser_Assignment")]
    NotificationRequestorEndUserAssignment,
    #[serde(rename = "Notification_Approver_EndUser_Assignment")]
    NotificationApproverEndUserAssignment,
    #[serde(rename = "PIMOnlyMode_Admin_Assignment")]
    PimOnlyModeAdminAssignment,
}

/// Which settings a rule id carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    Expiration,
    Enablement,
    AuthenticationContext,
    Approval,
    Notification,
    Other,
}

impl RuleId {
    /// The 17 ids every complete policy has, in the order Graph lists them.
    pub const STANDARD: [RuleId; 17] = [
        RuleId::ExpirationAdminEligibility,
        RuleId::ExpirationAdminAssignment,
        RuleId::ExpirationEndUserAssignment,
        RuleId::EnablementAdminEligibility,
        RuleId::EnablementAdminAssignment,
        RuleId::EnablementEndUserAssignment,
        RuleId::AuthenticationContextEndUserAssignment,
        RuleId::ApprovalEndUserAssignment,
        RuleId::NotificationAdminAdminEligibility,
        RuleId::NotificationRequestorAdminEligibility,
        RuleId::NotificationApproverAdminEligibility,
        RuleId::NotificationAdminAdminAssignment,
        RuleId::NotificationRequestorAdminAssignment,
        RuleId::NotificationApproverAdminAssignment,
        RuleId::NotificationAdminEndUserAssignment,
        RuleId::NotificationRequestorEndUserAssignment,
        RuleId::NotificationApproverEndUserAssignment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::ExpirationEndUserAssignment => "Expiration_EndUser_Assignment",
            RuleId::EnablementEndUserAssignment => "Enablement_EndUser_Assignment",
            RuleId::AuthenticationContextEndUserAssignment => {
                "AuthenticationContext_EndUser_Assignment"
            }
            RuleId::ApprovalEndUserAssignment => "Approval_EndUser_Assignment",
            RuleId::ExpirationAdminEligibility => "Expiration_Admin_Eligibility",
            RuleId::EnablementAdminEligibility => "Enablement_Admin_Eligibility",
            RuleId::ExpirationAdminAssignment => "Expiration_Admin_Assignment",
            RuleId::EnablementAdminAssignment => "Enablement_Admin_Assignment",
            RuleId::NotificationAdminAdminEligibility => "Notification_Admin_Admin_Eligibility",
            RuleId::NotificationRequestorAdminEligibility => {
                "Notification_Requestor_Admin_Eligibility"
            }
            RuleId::NotificationApproverAdminEligibility => {
                "Notification_Approver_Admin_Eligibility"
            }
            RuleId::NotificationAdminAdminAssignment => "Notification_Admin_Admin_Assignment",
            RuleId::NotificationRequestorAdminAssignment => {
                "Notification_Requestor_Admin_Assignment"
            }
            RuleId::NotificationApproverAdminAssignment => "Notification_Approver_Admin_Assignment",
            RuleId::NotificationAdminEndUserAssignment => "Notification_Admin_EndUser_Assignment",
            RuleId::NotificationRequestorEndUserAssignment => {
                "Notification_Requestor_EndUser_Assignment"
            }
            RuleId::NotificationApproverEndUserAssignment => {
                "Notification_Approver_EndUser_Assignment"
            }
            RuleId::PimOnlyModeAdminAssignment => "PIMOnlyMode_Admin_Assignment",
        }
    }

    /// Case-insensitive: exports disagree on case elsewhere, so be lenient here too.
    pub fn parse(s: &str) -> Option<RuleId> {
        RuleId::STANDARD
            .iter()
            .chain([RuleId::PimOnlyModeAdminAssignment].iter())
            .copied()
            .find(|r| r.as_str().eq_ignore_ascii_case(s))
    }

    pub fn kind(self) -> RuleKind {
        let s = self.as_str();
        if s.starts_with("Expiration") {
            RuleKind::Expiration
        } else if s.starts_with("Enablement") {
            RuleKind::Enablement
        } else if s.starts_with("AuthenticationContext") {
            RuleKind::AuthenticationContext
        } else if s.starts_with("Approval") {
            RuleKind::Approval
        } else if s.starts_with("Notification") {
            RuleKind::Notification
        } else {
            RuleKind::Other
        }
    }

    /// The `target.caller` and `target.level` the id implies (`Admin`/`EndUser`,
    /// `Eligibility`/`Assignment`).
    pub fn expected_target(self) -> (&'static str, &'static str) {
        let s = self.as_str();
        let caller = if s.contains("_EndUser_") {
            "EndUser"
        } else {
            "Admin"
        };
        let level = if s.ends_with("Eligibility") {
            "Eligibility"
        } else {
            "Assignment"
        };
        (caller, level)
    }
}
