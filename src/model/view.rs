//! The normalised policy as JSON — what user-defined rules write their JSON Schema against
//! (published as `schemas/policy.schema.json`) — with, for every field, the pointer into the
//! user's source file it came from.

use super::{Approver, ApproverKind, Dialect, IsoDuration, Loc, Policy, PolicyKind, Ptr, Setting};
use serde_json::{Map, Value, json};

/// The view and a map from view pointers to source pointers (most specific last).
pub struct View {
    pub json: Value,
    pub sources: Vec<(String, Ptr)>,
}

impl View {
    /// The source pointer for a view pointer: the entry of the longest view prefix.
    pub fn source_of(&self, view_pointer: &str) -> Option<&Ptr> {
        self.sources
            .iter()
            .filter(|(v, _)| {
                view_pointer == v || view_pointer.starts_with(&format!("{v}/")) || v.is_empty()
            })
            .max_by_key(|(v, _)| v.len())
            .map(|(_, s)| s)
    }
}

pub fn dialect_name(d: Dialect) -> &'static str {
    d.name()
}

pub fn kind_name(k: PolicyKind) -> &'static str {
    match k {
        PolicyKind::DirectoryRole => "directory-role",
        PolicyKind::Group => "group",
        PolicyKind::AzureResource => "azure-resource",
        PolicyKind::Unknown => "unknown",
    }
}

struct Builder {
    sources: Vec<(String, Ptr)>,
}

impl Builder {
    fn put<T: serde::Serialize>(
        &mut self,
        obj: &mut Map<String, Value>,
        base: &str,
        key: &str,
        loc: &Option<Loc<T>>,
    ) {
        if let Some(l) = loc {
            obj.insert(
                key.to_owned(),
                serde_json::to_value(&l.value).unwrap_or(Value::Null),
            );
            self.sources
                .push((format!("{base}/{key}"), l.pointer.clone()));
        }
    }

    fn put_strings(
        &mut self,
        obj: &mut Map<String, Value>,
        base: &str,
        key: &str,
        list: &Option<super::Strings>,
    ) {
        if let Some(l) = list {
            obj.insert(key.to_owned(), json!(l.value));
            self.sources
                .push((format!("{base}/{key}"), l.pointer.clone()));
        }
    }

    fn approvers(&mut self, base: &str, list: &Loc<Vec<Approver>>) -> Value {
        self.sources.push((base.to_owned(), list.pointer.clone()));
        Value::Array(
            list.value
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    self.sources.push((format!("{base}/{i}"), a.pointer.clone()));
                    json!({
                        "type": match a.kind { ApproverKind::User => "user", ApproverKind::Group => "group", ApproverKind::Other => "other" },
                        "id": a.id,
                        "description": a.description,
                        "isBackup": a.is_backup,
                    })
                })
                .collect(),
        )
    }
}

pub fn view(p: &Policy) -> View {
    let mut b = Builder {
        sources: vec![
            (String::new(), p.pointer.clone()),
            ("/rules".into(), p.rules_pointer.clone()),
        ],
    };
    let mut rules = Map::new();
    for r in &p.rules {
        let base = format!(
            "/rules/{}",
            r.id.value.replace('~', "~0").replace('/', "~1")
        );
        b.sources.push((base.clone(), r.pointer.clone()));
        let mut o = Map::new();
        let mut target = Map::new();
        b.put(
            &mut target,
            &format!("{base}/target"),
            "caller",
            &r.target.caller,
        );
        b.put(
            &mut target,
            &format!("{base}/target"),
            "level",
            &r.target.level,
        );
        if let Some(tp) = &r.target.pointer {
            b.sources.push((format!("{base}/target"), tp.clone()));
        }
        o.insert("target".into(), Value::Object(target));
        match &r.setting {
            Setting::Expiration {
                is_expiration_required,
                maximum_duration,
            } => {
                b.put(
                    &mut o,
                    &base,
                    "isExpirationRequired",
                    is_expiration_required,
                );
                b.put(&mut o, &base, "maximumDuration", maximum_duration);
                if let Some(d) = maximum_duration
                    && let Ok(parsed) = IsoDuration::parse(&d.value)
                {
                    o.insert(
                        "maximumDurationHours".into(),
                        json!(parsed.as_millis() as f64 / 3_600_000.0),
                    );
                    b.sources
                        .push((format!("{base}/maximumDurationHours"), d.pointer.clone()));
                }
            }
            Setting::Enablement { enabled_rules } => {
                b.put_strings(&mut o, &base, "enabledRules", enabled_rules)
            }
            Setting::AuthenticationContext {
                is_enabled,
                claim_value,
            } => {
                b.put(&mut o, &base, "isEnabled", is_enabled);
                b.put(&mut o, &base, "claimValue", claim_value);
            }
            Setting::Approval(a) => {
                b.sources
                    .push((format!("{base}/setting"), a.setting_pointer.clone()));
                let sbase = format!("{base}/setting");
                let mut s = Map::new();
                b.put(
                    &mut s,
                    &sbase,
                    "isApprovalRequired",
                    &a.is_approval_required,
                );
                b.put(
                    &mut s,
                    &sbase,
                    "isApprovalRequiredForExtension",
                    &a.is_approval_required_for_extension,
                );
                b.put(
                    &mut s,
                    &sbase,
                    "isRequestorJustificationRequired",
                    &a.is_requestor_justification_required,
                );
                b.put(&mut s, &sbase, "approvalMode", &a.approval_mode);
                if let Some(stages) = &a.stages {
                    b.sources
                        .push((format!("{sbase}/approvalStages"), stages.pointer.clone()));
                    let list: Vec<Value> = stages
                        .value
                        .iter()
                        .enumerate()
                        .map(|(i, st)| {
                            let stbase = format!("{sbase}/approvalStages/{i}");
                            b.sources.push((stbase.clone(), st.pointer.clone()));
                            let mut so = Map::new();
                            b.put(
                                &mut so,
                                &stbase,
                                "isApproverJustificationRequired",
                                &st.is_approver_justification_required,
                            );
                            b.put(
                                &mut so,
                                &stbase,
                                "isEscalationEnabled",
                                &st.is_escalation_enabled,
                            );
                            b.put(
                                &mut so,
                                &stbase,
                                "escalationTimeInMinutes",
                                &st.escalation_time_in_minutes,
                            );
                            so.insert(
                                "primaryApprovers".into(),
                                b.approvers(
                                    &format!("{stbase}/primaryApprovers"),
                                    &st.primary_approvers,
                                ),
                            );
                            so.insert(
                                "escalationApprovers".into(),
                                b.approvers(
                                    &format!("{stbase}/escalationApprovers"),
                                    &st.escalation_approvers,
                                ),
                            );
                            Value::Object(so)
                        })
                        .collect();
                    s.insert("approvalStages".into(), Value::Array(list));
                }
                o.insert("setting".into(), Value::Object(s));
            }
            Setting::Notification(n) => {
                b.put(&mut o, &base, "notificationType", &n.notification_type);
                b.put(&mut o, &base, "recipientType", &n.recipient_type);
                b.put(&mut o, &base, "notificationLevel", &n.notification_level);
                b.put(
                    &mut o,
                    &base,
                    "isDefaultRecipientsEnabled",
                    &n.is_default_recipients_enabled,
                );
                b.put_strings(
                    &mut o,
                    &base,
                    "notificationRecipients",
                    &n.notification_recipients,
                );
            }
            Setting::Other => {}
        }
        rules.entry(r.id.value.clone()).or_insert(Value::Object(o));
    }
    let role = p.role.as_ref();
    let json = json!({
        "id": p.id,
        "displayName": p.display_name,
        "dialect": dialect_name(p.dialect),
        "kind": kind_name(p.kind),
        "scope": p.scope,
        "partial": p.partial,
        "role": {
            "id": role.and_then(|r| r.id.clone()),
            "name": role.and_then(|r| r.name.clone()),
            "tier": role.and_then(|r| r.tier).map(|t| t.as_str()),
        },
        "rules": Value::Object(rules),
    });
    View {
        json,
        sources: b.sources,
    }
}
