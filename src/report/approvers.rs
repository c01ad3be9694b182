//! The approver report: who can approve activation of which role, groups expanded. One row per
//! (role, scope, approver user); roles that require approval without naming approvers are
//! listed with the default approvers (directory roles) or none (Azure roles, PIM for Groups).

use crate::finding::Outcome;
use crate::model::directory::{Directory, Reached};
use crate::model::{ApproverKind, PolicyKind};
use crate::rules::context::{approvers, target};
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Row {
    pub role: String,
    pub role_id: String,
    pub tier: String,
    pub scope: String,
    pub kind: String,
    /// `primary` or `escalation`; empty for rows about missing approvers.
    pub stage: String,
    /// `user`, `group`, `default approvers` or `none`.
    pub approver_type: String,
    /// The approver entry as configured (user, or group display name).
    pub approver: String,
    /// The group path for users reached through (nested) groups.
    pub via: String,
    pub user_id: String,
    pub user: String,
    /// `yes`, `no` or `unknown` (no users export).
    pub account_enabled: String,
    pub guest: String,
    /// The user or group does not exist in the directory exports.
    pub deleted: String,
    /// `yes` (peer approval), `no`, or `unknown` without role schedules.
    pub eligible_for_role: String,
    pub file: String,
}

fn yes_no(b: Option<bool>) -> String {
    match b {
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
        None => "unknown".into(),
    }
}

pub fn rows(out: &Outcome) -> Vec<Row> {
    let dir: &Directory = &out.directory;
    let mut rows = Vec::new();
    for p in &out.context {
        let required = p
            .approval()
            .and_then(|(_, a)| a.is_approval_required.as_ref())
            .is_some_and(|r| r.value);
        if !required {
            continue;
        }
        let role = p.role.as_ref();
        let base = Row {
            role: role
                .and_then(|r| r.name.clone())
                .or_else(|| role.and_then(|r| r.id.clone()))
                .unwrap_or_else(|| "unknown role".into()),
            role_id: role.and_then(|r| r.id.clone()).unwrap_or_default(),
            tier: role
                .and_then(|r| r.tier)
                .map(|t| t.to_string())
                .unwrap_or_else(|| "unknown".into()),
            scope: p.scope.clone().unwrap_or_default(),
            kind: crate::model::view::kind_name(p.kind).to_owned(),
            stage: String::new(),
            approver_type: String::new(),
            approver: String::new(),
            via: String::new(),
            user_id: String::new(),
            user: String::new(),
            account_enabled: String::new(),
            guest: String::new(),
            deleted: String::new(),
            eligible_for_role: String::new(),
            file: out
                .files
                .get(p.file)
                .map(|f| f.name.clone())
                .unwrap_or_default(),
        };
        let entries = approvers(p);
        if entries.is_empty() {
            rows.push(Row {
                approver_type: if p.kind == PolicyKind::DirectoryRole {
                    "default approvers".into()
                } else {
                    "none".into()
                },
                approver: if p.kind == PolicyKind::DirectoryRole {
                    "Privileged Role Administrators and Global Administrators".into()
                } else {
                    "nobody: Azure roles and PIM for Groups have no default approvers".into()
                },
                ..base.clone()
            });
            continue;
        }
        let holders = target(p)
            .filter(|t| dir.knows_holders_of(t))
            .map(|t| dir.holder_set(&t));
        for e in entries {
            let a = e.approver;
            let id = a.id.clone().unwrap_or_default();
            let (kind, label, deleted) = match a.kind {
                ApproverKind::User => {
                    let u = dir.user(&id);
                    (
                        "user",
                        u.map_or_else(
                            || a.description.clone().unwrap_or_else(|| id.clone()),
                            |u| u.label(),
                        ),
                        dir.has_users() && u.is_none(),
                    )
                }
                ApproverKind::Group => {
                    let g = dir.group(&id);
                    (
                        "group",
                        g.and_then(|g| g.display_name.clone())
                            .or_else(|| a.description.clone())
                            .unwrap_or_else(|| id.clone()),
                        dir.has_groups() && g.is_none(),
                    )
                }
                ApproverKind::Other => ("other", id.clone(), false),
            };
            let reached: Option<Arc<[Reached]>> = match a.kind {
                ApproverKind::User => Some(Arc::from([Reached::direct(id.clone())])),
                ApproverKind::Group => dir.expand_group(&id),
                ApproverKind::Other => None,
            };
            let entry = Row {
                stage: e.stage.into(),
                approver_type: kind.into(),
                approver: label.clone(),
                ..base.clone()
            };
            match reached {
                Some(users) if !users.is_empty() => {
                    for r in users.iter() {
                        let u = dir.user(&r.user_id);
                        let eligible = holders.as_ref().map(|h| h.holds(&r.user_id));
                        rows.push(Row {
                            via: r.via.join(" > "),
                            user_id: r.user_id.clone(),
                            user: u.map_or_else(|| r.user_id.clone(), |u| u.label()),
                            account_enabled: if dir.has_users() {
                                u.map_or_else(|| "deleted".into(), |u| yes_no(u.account_enabled))
                            } else {
                                "unknown".into()
                            },
                            guest: if dir.has_users() {
                                u.map_or_else(|| "unknown".into(), |u| yes_no(Some(u.is_guest())))
                            } else {
                                "unknown".into()
                            },
                            deleted: if dir.has_users() {
                                yes_no(Some(u.is_none()))
                            } else {
                                "unknown".into()
                            },
                            eligible_for_role: yes_no(eligible),
                            ..entry.clone()
                        });
                    }
                }
                Some(_) => rows.push(Row {
                    via: "(no members)".into(),
                    deleted: yes_no(Some(deleted)),
                    ..entry
                }),
                None => rows.push(Row {
                    via: if a.kind == ApproverKind::Group {
                        "(members not exported)".into()
                    } else {
                        String::new()
                    },
                    deleted: if deleted {
                        "yes".into()
                    } else {
                        "unknown".into()
                    },
                    account_enabled: "unknown".into(),
                    guest: "unknown".into(),
                    eligible_for_role: "unknown".into(),
                    ..entry
                }),
            }
        }
    }
    let rank = |t: &str| {
        ["tier0", "privileged", "standard"]
            .iter()
            .position(|x| *x == t)
            .unwrap_or(3)
    };
    rows.sort_by(|a, b| {
        (
            rank(&a.tier),
            &a.role,
            &a.scope,
            &a.stage,
            &a.approver,
            &a.user,
        )
            .cmp(&(
                rank(&b.tier),
                &b.role,
                &b.scope,
                &b.stage,
                &b.approver,
                &b.user,
            ))
    });
    rows
}

const HEADERS: &[&str] = &[
    "role",
    "role_id",
    "tier",
    "scope",
    "kind",
    "stage",
    "approver_type",
    "approver",
    "via",
    "user_id",
    "user",
    "account_enabled",
    "guest",
    "deleted",
    "eligible_for_role",
    "file",
];

fn fields(r: &Row) -> [&str; 16] {
    [
        &r.role,
        &r.role_id,
        &r.tier,
        &r.scope,
        &r.kind,
        &r.stage,
        &r.approver_type,
        &r.approver,
        &r.via,
        &r.user_id,
        &r.user,
        &r.account_enabled,
        &r.guest,
        &r.deleted,
        &r.eligible_for_role,
        &r.file,
    ]
}

/// RFC 4180: fields with a comma, quote, CR or LF are quoted, quotes doubled; CRLF line ends.
/// A field a spreadsheet would read as a formula (it starts with `=`, `+`, `-`, `@`, a tab or
/// a carriage return, as OWASP lists them: `=cmd|' /C calc'!A0`) is prefixed with `'` and
/// quoted, so it is shown as text.
pub fn csv_field(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("\"'{}\"", s.replace('"', "\"\""))
    } else if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

pub fn csv(rows: &[Row]) -> String {
    let mut s = HEADERS.join(",");
    s.push_str("\r\n");
    for r in rows {
        s.push_str(
            &fields(r)
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        s.push_str("\r\n");
    }
    s
}

/// `yes`/`no` as JSON booleans; `unknown`, `deleted` (an account that is not in the export) and
/// the empty cells of rows about missing approvers as `null`.
fn flag(s: &str) -> Option<bool> {
    match s {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

/// The report as JSON: the CSV's columns, with `account_enabled`, `guest`, `deleted` and
/// `eligible_for_role` as booleans (`null` when unknown).
pub fn json(rows: &[Row]) -> String {
    let rows: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).unwrap_or_default();
            for (key, value) in [
                ("account_enabled", &r.account_enabled),
                ("guest", &r.guest),
                ("deleted", &r.deleted),
                ("eligible_for_role", &r.eligible_for_role),
            ] {
                v[key] = serde_json::json!(flag(value));
            }
            v
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&serde_json::json!({"version": 1, "approvers": rows}))
        .unwrap_or_default();
    s.push('\n');
    s
}

/// The report as a Markdown table; every cell escaped ([`super::escape::markdown`]).
pub fn markdown(rows: &[Row]) -> String {
    let cell = super::escape::markdown;
    let mut s = String::from(
        "| Role | Tier | Scope | Stage | Approver | Via | User | Enabled | Guest | Eligible for the role |\n|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            cell(&r.role),
            cell(&r.tier),
            cell(&r.scope),
            cell(&r.stage),
            if r.approver_type == "group" {
                format!("group {}", cell(&r.approver))
            } else {
                cell(&r.approver)
            },
            // The group path: each group's name escaped, the ` > ` between them kept.
            r.via.split(" > ").map(cell).collect::<Vec<_>>().join(" > "),
            cell(&r.user),
            cell(&r.account_enabled),
            cell(&r.guest),
            cell(&r.eligible_for_role)
        ));
    }
    s
}
