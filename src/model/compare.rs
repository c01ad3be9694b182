//! The one ordering of policy strength (PRODUCT §6) that PIM501, PIM502 and PIM601 share:
//! approval off < on; fewer activation requirements < more; no MFA < MFA < an authentication
//! context; a longer duration < a shorter one; permanent < expiring; a notification that reaches
//! nobody < one that reaches someone.
//!
//! A setting one of the two policies does not state is not compared: a partial policy (a PATCH
//! body, a template) leaves the rules it does not mention as they are, and a value known only at
//! deployment is left out of the policy by its reader. Nothing is guessed.

use super::{IsoDuration, Policy, Ptr, RuleId, RuleKind};

/// A setting the ordering judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Aspect {
    /// `Approval_EndUser_Assignment` `isApprovalRequired`.
    Approval,
    /// The activation's authentication: none, MFA, an authentication context.
    Authentication,
    /// Activation requires a justification.
    Justification,
    /// Activation requires ticket information.
    Ticket,
    /// The longest activation (`Expiration_EndUser_Assignment`).
    Activation,
    /// Eligible assignments expire, and how long they may last.
    EligibleExpiration,
    /// Active assignments expire, and how long they may last.
    ActiveExpiration,
    /// Creating an active assignment requires MFA.
    ActiveAssignmentMfa,
    /// Creating an active assignment requires a justification.
    ActiveAssignmentJustification,
    /// One of the nine notification rules reaches somebody.
    Notification(RuleId),
}

impl Aspect {
    /// What activating the role asks for: the aspects a group's member policy is compared on
    /// with the role it grants (PIM501).
    pub const ACTIVATION: &'static [Aspect] = &[
        Aspect::Approval,
        Aspect::Authentication,
        Aspect::Justification,
        Aspect::Ticket,
        Aspect::Activation,
    ];

    /// Every aspect: the activation, the assignments and the nine notifications.
    pub fn all() -> Vec<Aspect> {
        let mut v = Self::ACTIVATION.to_vec();
        v.extend([
            Aspect::EligibleExpiration,
            Aspect::ActiveExpiration,
            Aspect::ActiveAssignmentMfa,
            Aspect::ActiveAssignmentJustification,
        ]);
        v.extend(
            RuleId::STANDARD
                .iter()
                .filter(|r| r.kind() == RuleKind::Notification)
                .map(|&r| Aspect::Notification(r)),
        );
        v
    }

    /// The setting, in words ("approval", "the longest activation", …).
    pub fn describe(self) -> String {
        match self {
            Aspect::Approval => "approval to activate".into(),
            Aspect::Authentication => "authentication on activation".into(),
            Aspect::Justification => "justification on activation".into(),
            Aspect::Ticket => "ticket information on activation".into(),
            Aspect::Activation => "the longest activation".into(),
            Aspect::EligibleExpiration => "how long an eligible assignment lasts".into(),
            Aspect::ActiveExpiration => "how long an active assignment lasts".into(),
            Aspect::ActiveAssignmentMfa => "MFA to assign actively".into(),
            Aspect::ActiveAssignmentJustification => "justification to assign actively".into(),
            Aspect::Notification(r) => format!("notification {}", r.as_str()),
        }
    }
}

/// One setting's strength in one policy, with where it is written.
#[derive(Debug, Clone)]
pub struct Level {
    /// Larger is stronger: the strength known for certain.
    pub rank: u64,
    /// The strongest the setting may be (above `rank` when part of it is not stated: a partial
    /// policy that lists MFA but not the authentication context rule).
    pub ceiling: u64,
    /// The value, in words ("required", "MFA", "PT8H", "permanent", "off").
    pub text: String,
    pub at: Ptr,
}

/// A setting weaker in one policy than in the other.
#[derive(Debug, Clone)]
pub struct Weakening {
    pub aspect: Aspect,
    /// The weaker policy's value, with where it is written.
    pub weak: Level,
    /// The stronger policy's value.
    pub strong: Level,
}

/// "no MFA", "MFA", "an authentication context".
pub fn auth_name(rank: u64) -> &'static str {
    match rank {
        2 => "an authentication context",
        1 => "MFA",
        _ => "no MFA",
    }
}

fn bool_level(on: bool, on_text: &str, off_text: &str, at: Ptr) -> Level {
    Level {
        rank: u64::from(on),
        ceiling: u64::from(on),
        text: if on { on_text } else { off_text }.to_owned(),
        at,
    }
}

/// `enabledRules` of an enablement rule: the list and where it is; `None` when the policy does
/// not state it (a partial policy without the rule).
fn enabled(p: &Policy, id: RuleId) -> Option<(Vec<String>, Ptr)> {
    match p.enabled_rules(id) {
        Some((_, Some(l))) => Some((l.value.clone(), l.pointer.clone())),
        Some((r, None)) => Some((Vec::new(), r.pointer.clone())),
        None if p.partial => None,
        None => Some((Vec::new(), p.rules_pointer.clone())),
    }
}

fn has(list: &[String], x: &str) -> bool {
    list.iter().any(|v| v.eq_ignore_ascii_case(x))
}

/// An expiration: permanent (rank 0) < expiring, a shorter maximum stronger. Ranks: `u64::MAX
/// - millis` for an expiring one, so shorter is larger.
fn expiration(p: &Policy, id: RuleId, must_expire: bool) -> Option<Level> {
    let (rule, required, max) = p.expiration(id)?;
    // Activation always ends: only its maximum is compared.
    if !must_expire && required.is_some_and(|r| !r.value) {
        return Some(Level {
            rank: 0,
            ceiling: 0,
            text: "permanent".into(),
            at: required.map_or_else(|| rule.pointer.clone(), |r| r.pointer.clone()),
        });
    }
    let max = max?;
    let d = IsoDuration::parse(&max.value).ok()?;
    if d.is_zero() {
        // `PT0S` with expiration required is an error of its own (PIM010), not a strength.
        return None;
    }
    Some(Level {
        rank: u64::MAX - d.as_millis(),
        ceiling: u64::MAX - d.as_millis(),
        text: d.to_string(),
        at: max.pointer.clone(),
    })
}

/// The strength of one aspect in a policy; `None` when the policy does not say.
pub fn level(p: &Policy, aspect: Aspect) -> Option<Level> {
    match aspect {
        Aspect::Approval => match p.approval() {
            Some((r, a)) => Some(match &a.is_approval_required {
                Some(b) => bool_level(b.value, "required", "off", b.pointer.clone()),
                None => bool_level(false, "required", "off", r.pointer.clone()),
            }),
            None if p.partial => None,
            None => Some(bool_level(
                false,
                "required",
                "off",
                p.rules_pointer.clone(),
            )),
        },
        Aspect::Authentication => {
            let (list, at) = enabled(p, RuleId::EnablementEndUserAssignment)?;
            let ctx_on = p.auth_context().is_some_and(|(_, on, claim)| {
                on.is_some_and(|o| o.value)
                    && claim
                        .and_then(|c| c.value.as_deref())
                        .is_some_and(|c| !c.is_empty())
            });
            let rank = if ctx_on {
                2
            } else if has(&list, "MultiFactorAuthentication") {
                1
            } else {
                0
            };
            // A partial policy without the context rule: a context may be on.
            let ceiling = if p.partial && p.auth_context().is_none() {
                2
            } else {
                rank
            };
            Some(Level {
                rank,
                ceiling,
                text: auth_name(rank).into(),
                at,
            })
        }
        Aspect::Justification | Aspect::Ticket => {
            let (list, at) = enabled(p, RuleId::EnablementEndUserAssignment)?;
            let what = if aspect == Aspect::Justification {
                "Justification"
            } else {
                "Ticketing"
            };
            Some(bool_level(has(&list, what), "required", "not required", at))
        }
        Aspect::ActiveAssignmentMfa | Aspect::ActiveAssignmentJustification => {
            let (list, at) = enabled(p, RuleId::EnablementAdminAssignment)?;
            let what = if aspect == Aspect::ActiveAssignmentMfa {
                "MultiFactorAuthentication"
            } else {
                "Justification"
            };
            Some(bool_level(has(&list, what), "required", "not required", at))
        }
        Aspect::Activation => expiration(p, RuleId::ExpirationEndUserAssignment, true),
        Aspect::EligibleExpiration => expiration(p, RuleId::ExpirationAdminEligibility, false),
        Aspect::ActiveExpiration => expiration(p, RuleId::ExpirationAdminAssignment, false),
        Aspect::Notification(id) => {
            let (rule, n) = p.notification(id)?;
            let on = n.notifies(false);
            Some(bool_level(
                on,
                "on",
                "off",
                n.off_pointer(&rule.pointer, false),
            ))
        }
    }
}

/// The aspects in which `weak` is weaker than `strong`, each with both values.
pub fn weakenings(strong: &Policy, weak: &Policy, aspects: &[Aspect]) -> Vec<Weakening> {
    aspects
        .iter()
        .filter_map(|&aspect| {
            let (s, w) = (level(strong, aspect)?, level(weak, aspect)?);
            // Weaker for certain: the most `weak` may be is below the least `strong` is.
            (w.ceiling < s.rank).then_some(Weakening {
                aspect,
                weak: w,
                strong: s,
            })
        })
        .collect()
}

/// The primary approvers (ids, lower case) of every approval stage, when approval is required;
/// `None` when the policy does not require approval or does not say.
pub fn approver_ids(p: &Policy) -> Option<(Vec<String>, Ptr)> {
    let (r, a) = p.approval()?;
    if !a.is_approval_required.as_ref().is_some_and(|b| b.value) {
        return None;
    }
    let mut ids = Vec::new();
    let mut at = a
        .stages
        .as_ref()
        .map_or_else(|| r.pointer.clone(), |s| s.pointer.clone());
    for (i, stage) in a.stages.iter().flat_map(|s| s.value.iter()).enumerate() {
        if i == 0 {
            at = stage.primary_approvers.pointer.clone();
        }
        ids.extend(
            stage
                .primary_approvers
                .value
                .iter()
                .filter_map(|x| x.id.as_deref())
                .map(str::to_ascii_lowercase),
        );
    }
    ids.sort();
    ids.dedup();
    Some((ids, at))
}

/// Whether a rule of this policy is one the ordering reads (used to keep copies small).
pub fn reads(id: RuleId) -> bool {
    matches!(
        id.kind(),
        RuleKind::Approval
            | RuleKind::AuthenticationContext
            | RuleKind::Expiration
            | RuleKind::Enablement
            | RuleKind::Notification
    )
}
