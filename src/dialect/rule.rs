//! One rule object → [`PolicyRule`], whatever the dialect.

use super::policy::{ARM, GRAPH};
use super::read::{Field, Obj};
use super::{Document, Reader};
use crate::model::{
    Approval, ApprovalStage, Approver, ApproverKind, Loc, Notification, Policy, PolicyKind,
    PolicyRule, Problem, ProblemKind, RuleId, RuleKind, Setting, Target,
};

pub fn rule(f: Field<'_>, problems: &mut Vec<Problem>) -> PolicyRule {
    let obj = Obj::new(f.clone());
    let id = obj
        .string("id", problems)
        .unwrap_or_else(|| Loc::new(String::new(), f.at()));
    if id.value.is_empty() {
        problems.push(Problem {
            kind: ProblemKind::WrongType,
            pointer: f.at(),
            message: "the rule has no `id`".into(),
        });
    }
    let known = RuleId::parse(&id.value);
    let discriminator = obj
        .string("@odata.type", problems)
        .or_else(|| obj.string("ruleType", problems));
    if let (Some(k), Some(d)) = (known, &discriminator)
        && let Some(dk) = discriminator_kind(&d.value)
        && dk != k.kind()
    {
        problems.push(Problem {
            kind: ProblemKind::WrongType,
            pointer: d.pointer.clone(),
            message: format!(
                "rule `{}` is of type {}, but its type says `{}`",
                k.as_str(),
                kind_name(k.kind()),
                d.value
            ),
        });
    }
    let target = obj
        .object("target", problems)
        .map_or_else(Target::default, |t| {
            let t = Obj::new(t);
            Target {
                pointer: Some(t.this.at()),
                caller: t.string("caller", problems),
                level: t.string("level", problems),
            }
        });
    let kind = known.map(RuleId::kind).or_else(|| {
        discriminator
            .as_ref()
            .and_then(|d| discriminator_kind(&d.value))
    });
    let setting = match kind {
        Some(RuleKind::Expiration) => Setting::Expiration {
            is_expiration_required: obj.bool("isExpirationRequired", problems),
            maximum_duration: obj.string("maximumDuration", problems),
        },
        Some(RuleKind::Enablement) => Setting::Enablement {
            enabled_rules: obj.strings("enabledRules", problems),
        },
        Some(RuleKind::AuthenticationContext) => Setting::AuthenticationContext {
            is_enabled: obj.bool("isEnabled", problems),
            claim_value: match obj.get("claimValue") {
                Some(c) if c.node.is_null() => Some(Loc::new(None, c.into_at())),
                Some(_) => obj
                    .string("claimValue", problems)
                    .map(|l| Loc::new(Some(l.value), l.pointer)),
                None => None,
            },
        },
        Some(RuleKind::Approval) => Setting::Approval(approval(&obj, problems)),
        Some(RuleKind::Notification) => Setting::Notification(Notification {
            notification_type: obj.string("notificationType", problems),
            recipient_type: obj.string("recipientType", problems),
            notification_level: obj.string("notificationLevel", problems),
            is_default_recipients_enabled: obj.bool("isDefaultRecipientsEnabled", problems),
            notification_recipients: obj.strings("notificationRecipients", problems),
        }),
        _ => Setting::Other,
    };
    // ScubaGear tags each rule with the role or PIM-enabled group it was read from.
    let source = match (obj.str("RuleSourceType"), obj.str("RuleSource")) {
        (None, None) => None,
        (t, s) => Some(format!(
            "{}: {}",
            t.as_deref().unwrap_or("?"),
            s.as_deref().unwrap_or("?")
        )),
    };
    PolicyRule {
        pointer: f.at(),
        id,
        known,
        discriminator,
        target,
        setting,
        source,
    }
}

fn discriminator_kind(d: &str) -> Option<RuleKind> {
    let d = d.rsplit('.').next().unwrap_or(d);
    let d = d
        .trim_start_matches("unifiedRoleManagementPolicy")
        .trim_start_matches("RoleManagementPolicy");
    Some(match d {
        "ExpirationRule" => RuleKind::Expiration,
        "EnablementRule" => RuleKind::Enablement,
        "AuthenticationContextRule" => RuleKind::AuthenticationContext,
        "ApprovalRule" => RuleKind::Approval,
        "NotificationRule" => RuleKind::Notification,
        _ => return None,
    })
}

fn kind_name(k: RuleKind) -> &'static str {
    match k {
        RuleKind::Expiration => "expiration",
        RuleKind::Enablement => "enablement",
        RuleKind::AuthenticationContext => "authentication context",
        RuleKind::Approval => "approval",
        RuleKind::Notification => "notification",
        RuleKind::Other => "other",
    }
}

fn approval(rule: &Obj<'_>, problems: &mut Vec<Problem>) -> Approval {
    let Some(setting) = rule.object("setting", problems) else {
        return Approval {
            setting_pointer: rule.this.at(),
            is_approval_required: None,
            is_approval_required_for_extension: None,
            is_requestor_justification_required: None,
            approval_mode: None,
            stages: None,
        };
    };
    let s = Obj::new(setting);
    let stages = s.objects("approvalStages", problems).map(|(ptr, items)| {
        Loc::new(
            items
                .into_iter()
                .map(|st| {
                    let st = Obj::new(st);
                    // Read for its range only (the model does not keep it).
                    let _ = st.whole_number("approvalStageTimeOutInDays", problems);
                    ApprovalStage {
                        pointer: st.this.at(),
                        is_approver_justification_required: st
                            .bool("isApproverJustificationRequired", problems),
                        is_escalation_enabled: st.bool("isEscalationEnabled", problems),
                        escalation_time_in_minutes: st
                            .whole_number("escalationTimeInMinutes", problems),
                        primary_approvers: approvers(&st, "primaryApprovers", problems),
                        escalation_approvers: approvers(&st, "escalationApprovers", problems),
                    }
                })
                .collect(),
            ptr,
        )
    });
    Approval {
        setting_pointer: s.this.at(),
        is_approval_required: s.bool("isApprovalRequired", problems),
        is_approval_required_for_extension: s.bool("isApprovalRequiredForExtension", problems),
        is_requestor_justification_required: s.bool("isRequestorJustificationRequired", problems),
        approval_mode: s.string("approvalMode", problems),
        stages,
    }
}

/// Approver types that name nobody by id (Graph subject sets such as the requestor's manager).
const ID_LESS_APPROVERS: &[&str] = &[
    "requestormanager",
    "internalsponsors",
    "externalsponsors",
    "targetusersponsors",
];

/// Graph v1.0 `{@odata.type: #microsoft.graph.singleUser, userId}` / `groupMembers` + `groupId`;
/// beta `{@odata.type?, id, description, isBackup}`; ARM `{id, userType: User|Group, …}`. An
/// approver without an id (missing, blank, or not a string) names nobody: it is reported and
/// left out of the list, so it never counts as an approver (PIM102 and PIM103 see the list
/// without it).
fn approvers(stage: &Obj<'_>, key: &str, problems: &mut Vec<Problem>) -> Loc<Vec<Approver>> {
    let array_ptr = stage
        .get(key)
        .map_or_else(|| stage.this.at(), |f| f.into_at());
    let Some((ptr, items)) = stage.objects(key, problems) else {
        return Loc::new(Vec::new(), array_ptr);
    };
    let list = items
        .into_iter()
        .filter_map(|a| {
            let a = Obj::new(a);
            let odata = a
                .str("@odata.type")
                .unwrap_or_default()
                .to_ascii_lowercase();
            let user_type = a.str("userType").unwrap_or_default().to_ascii_lowercase();
            let kind =
                if odata.ends_with("singleuser") || user_type == "user" || a.has_value("userId") {
                    ApproverKind::User
                } else if odata.ends_with("groupmembers")
                    || user_type == "group"
                    || a.has_value("groupId")
                {
                    ApproverKind::Group
                } else {
                    ApproverKind::Other
                };
            // The first of the id keys with a value is the approver's id (else the first
            // present, null, for the message).
            let id_field = ["userId", "groupId", "id"]
                .into_iter()
                .find_map(|k| a.value(k).map(|f| (k, f)))
                .or_else(|| {
                    ["userId", "groupId", "id"]
                        .into_iter()
                        .find_map(|k| a.get(k).map(|f| (k, f)))
                });
            let id = id_field
                .as_ref()
                .and_then(|(_, f)| f.node.as_str())
                .filter(|s| !s.trim().is_empty())
                .map(str::to_owned);
            let id_less = ID_LESS_APPROVERS
                .iter()
                .any(|t| odata.rsplit('.').next() == Some(*t));
            if id.is_none() && !id_less {
                let why = match &id_field {
                    Some((k, f)) => match &f.node.value {
                        crate::source::Value::String(_) => format!("its `{k}` is blank"),
                        crate::source::Value::Null => format!("its `{k}` is null"),
                        other => format!("its `{k}` is {}, not an id", other.type_name()),
                    },
                    None => "it has no `userId`, `groupId` or `id`".to_owned(),
                };
                problems.push(Problem::of(
                    ProblemKind::BlankApprover,
                    a.this.at(),
                    format!(
                        "An approver in `{key}` names nobody ({why}): it is not counted as an approver"
                    ),
                ));
                return None;
            }
            Some(Approver {
                pointer: a.this.at(),
                kind,
                id,
                description: a.str("description"),
                is_backup: a
                    .value("isBackup")
                    .and_then(|b| b.node.as_bool())
                    .unwrap_or(false),
            })
        })
        .collect();
    Loc::new(list, ptr)
}

/// A single rule (a PATCH body for one rule): a partial policy of one rule, in the Graph or ARM
/// shape (whose dialects [`super::policy::Policies`] names).
pub struct SingleRule;

impl Reader for SingleRule {
    fn read(&self, file: usize, f: &Field<'_>, doc: &mut Document) -> bool {
        let obj = Obj::new(f.clone());
        // A single rule (a PATCH body for one rule): a partial policy of one rule.
        if obj
            .str("id")
            .as_deref()
            .and_then(crate::model::RuleId::parse)
            .is_some()
            && (obj.has_value("@odata.type") || obj.has_value("ruleType"))
        {
            let mut problems = Vec::new();
            super::read::ambiguities(f, None, &mut problems);
            let r = rule(f.clone(), &mut problems);
            let arm = r
                .discriminator
                .as_ref()
                .is_some_and(|d| !d.value.starts_with('#'));
            let p = Policy {
                file,
                pointer: f.at(),
                dialect: if arm { ARM } else { GRAPH },
                kind: if arm {
                    PolicyKind::AzureResource
                } else {
                    PolicyKind::Unknown
                },
                id: None,
                display_name: None,
                scope: None,
                role: None,
                rules_pointer: f.at(),
                rules_expanded: true,
                partial: true,
                last_modified: None,
                rules: vec![r],
                problems,
                assignments: None,
                holders: None,
                unknown: Vec::new(),
            };
            doc.policies.push(p);
            return true;
        }
        false
    }
}
