//! Directory context files: Graph `/users`, `/groups?$expand=members`, role eligibility schedules
//! and assignment schedule instances (directory roles and PIM for Groups), role definitions, and
//! ARM role eligibility/assignment schedules and requests. Recognised by item shape, so a list
//! exported with `az rest`, `Invoke-MgGraphRequest` or `pim-lint fetch` reads the same.

use super::Reader;
use super::read::{Field, Obj, normalise_date};
use crate::model::directory::{
    At, Directory, Grant, Group, GroupMember, PrincipalKind, Request, Schedule, Target, User,
};
use crate::model::{Loc, Problem};

/// Keys of which every directory record [`classify`] recognises has at least one (users:
/// `userPrincipalName` or `accountEnabled`; groups: `isAssignableToRole`, `securityEnabled`,
/// `groupTypes` or `mailEnabled`; role definitions: `templateId`; schedules: `principalId`),
/// lower case. A text without any of them holds no directory record: the context pass uses this
/// to pass over policy exports without parsing them. Keep it in step with [`classify`].
pub const MARKER_KEYS: &[&str] = &[
    "userprincipalname",
    "accountenabled",
    "isassignabletorole",
    "securityenabled",
    "grouptypes",
    "mailenabled",
    "templateid",
    "principalid",
];

/// Users, groups, role definitions and role schedules.
pub struct DirectoryRecords;

impl Reader for DirectoryRecords {
    fn read(&self, file: usize, f: &Field<'_>, doc: &mut super::Document) -> bool {
        let recognised = classify(file, f, &mut doc.directory, &mut doc.problems);
        if recognised {
            super::read::ambiguities(f, None, &mut doc.problems);
        }
        recognised
    }
}

/// The `assignedPlans` services of everyday work (`service` as Graph writes it): Exchange Online
/// (a mailbox), SharePoint Online and OneDrive, the Microsoft 365 apps, Teams.
const EVERYDAY_SERVICES: &[(&str, &str)] = &[
    ("exchange", "a mailbox (Exchange Online)"),
    ("SharePoint", "SharePoint Online / OneDrive"),
    ("MicrosoftOffice", "the Microsoft 365 apps"),
    ("TeamspaceAPI", "Microsoft Teams"),
    (
        "MicrosoftCommunicationsOnline",
        "Microsoft Teams / Skype for Business",
    ),
];

/// What in a user's `assignedPlans` says the account is used for everyday work: the enabled
/// plans of [`EVERYDAY_SERVICES`], named. `mail` alone is not taken as a sign (it can be set
/// without a mailbox), nor are `assignedLicenses` (an admin account holds Entra ID P2 for PIM
/// itself): a licence's SKU id does not say which apps it brings.
fn everyday(o: &Obj<'_>) -> Option<String> {
    let plans = o.value("assignedPlans")?;
    let mut found: Vec<&str> = Vec::new();
    for plan in plans.items() {
        let p = Obj::new(plan);
        let enabled = p
            .str("capabilityStatus")
            .is_none_or(|s| s.eq_ignore_ascii_case("Enabled"));
        let Some(service) = p.str("service").filter(|_| enabled) else {
            continue;
        };
        if let Some((_, what)) = EVERYDAY_SERVICES
            .iter()
            .find(|(s, _)| s.eq_ignore_ascii_case(&service))
            && !found.contains(what)
        {
            found.push(what);
        }
    }
    (!found.is_empty()).then(|| found.join(", "))
}

/// Recognises one object as a directory record; false when it is none.
fn classify(file: usize, f: &Field<'_>, dir: &mut Directory, out: &mut Vec<Problem>) -> bool {
    let o = Obj::new(f.clone());
    let at = At {
        file,
        pointer: f.at(),
    };
    let problems = out;

    // Users.
    if o.has("userPrincipalName") || (o.has("accountEnabled") && o.has("userType")) {
        let Some(id) = o.str("id") else { return false };
        let user = User {
            display_name: o.str("displayName"),
            upn: o.str("userPrincipalName"),
            account_enabled: o.bool("accountEnabled", problems).map(|l| l.value),
            user_type: o.str("userType"),
            employee_id: o.str("employeeId").filter(|e| !e.trim().is_empty()),
            on_premises_sync: o.bool("onPremisesSyncEnabled", problems).map(|l| l.value),
            everyday: everyday(&o),
            at,
            id: id.clone(),
        };
        dir.users.insert(id.to_ascii_lowercase(), user);
        dir.kinds.insert("users");
        return true;
    }

    // Groups (with `$expand=members`).
    let looks_like_group = o.has("isAssignableToRole")
        || o.has("securityEnabled")
        || o.has("groupTypes")
        || (o
            .get("members")
            .is_some_and(|m| m.node.as_array().is_some())
            && o.has("mailEnabled"));
    if looks_like_group {
        let Some(id) = o.str("id") else { return false };
        let members = o.value("members").and_then(|m| {
            m.node.as_array().map(|_| {
                m.items()
                    .into_iter()
                    .filter_map(|it| {
                        let mo = Obj::new(it);
                        let id = mo.str("id")?;
                        let kind = mo
                            .str("@odata.type")
                            .map_or(PrincipalKind::Other, |t| PrincipalKind::parse(&t));
                        Some(GroupMember { kind, id })
                    })
                    .collect()
            })
        });
        let group = Group {
            display_name: o.str("displayName"),
            is_assignable_to_role: o.bool("isAssignableToRole", problems).map(|l| l.value),
            membership_rule: o.str("membershipRule").filter(|r| !r.trim().is_empty()),
            members,
            at,
            id: id.clone(),
        };
        dir.groups.insert(id.to_ascii_lowercase(), group);
        dir.kinds.insert("groups");
        return true;
    }

    // Role definitions: names for custom roles.
    if o.has("templateId")
        && o.has("displayName")
        && (o.has("rolePermissions") || o.has("isBuiltIn"))
    {
        if let (Some(name), Some(t)) = (
            o.str("displayName"),
            o.str("templateId").or_else(|| o.str("id")),
        ) {
            dir.role_names.insert(t.to_ascii_lowercase(), name.clone());
            if let Some(id) = o.str("id") {
                dir.role_names.insert(id.to_ascii_lowercase(), name);
            }
            dir.kinds.insert("roleDefinitions");
            return true;
        }
        return false;
    }

    // Schedule requests (directory roles and PIM for Groups): an `action` and a `status` tell
    // them from the schedules they create. They are read for `pim-lint requests`, never as
    // schedules.
    if o.has("action")
        && o.has("status")
        && o.has("principalId")
        && (o.has("roleDefinitionId") || (o.has("groupId") && o.has("accessId")))
    {
        return match request(&o, at, problems) {
            Some(r) => {
                dir.requests.push(r);
                true
            }
            None => false,
        };
    }

    // Directory role schedules (eligibility schedules, assignment schedule instances).
    if let (Some(principal), Some(role)) = (o.str("principalId"), o.str("roleDefinitionId"))
        && (o.has("directoryScopeId") || o.has("scheduleInfo") || o.has("assignmentType"))
    {
        let s = schedule(&o, at, Target::DirectoryRole(role), principal);
        dir.schedules.push(s);
        dir.kinds.insert("schedules");
        return true;
    }

    // PIM for Groups schedules.
    if let (Some(principal), Some(group), Some(access)) =
        (o.str("principalId"), o.str("groupId"), o.str("accessId"))
    {
        let s = schedule(&o, at, Target::Group { group, access }, principal);
        dir.schedules.push(s);
        dir.kinds.insert("schedules");
        return true;
    }

    // ARM role eligibility/assignment schedules and schedule requests.
    if let Some(props) = o
        .value("properties")
        .filter(|p| p.node.as_object().is_some())
    {
        let po = Obj::new(props);
        if let (Some(principal), Some(role)) = (po.str("principalId"), po.str("roleDefinitionId")) {
            let scope = po
                .str("scope")
                .or_else(|| {
                    o.str("id").and_then(|id| {
                        id.to_ascii_lowercase()
                            .find("/providers/microsoft.authorization/")
                            .map(|i| id[..i].to_owned())
                    })
                })
                .unwrap_or_default();
            let kind = o
                .str("type")
                .or_else(|| o.str("id"))
                .unwrap_or_default()
                .to_ascii_lowercase();
            let mut s = schedule(&po, at, Target::AzureRole { role, scope }, principal);
            s.grant = if kind.contains("eligibility")
                || !po.has("linkedRoleEligibilityScheduleId")
                    && po.str("requestType").is_some()
                    && kind.is_empty()
            {
                Grant::Eligible
            } else if kind.contains("assignment") {
                Grant::Active
            } else {
                s.grant
            };
            dir.schedules.push(s);
            dir.kinds.insert("schedules");
            return true;
        }
    }
    false
}

fn schedule(o: &Obj<'_>, at: At, target: Target, principal: String) -> Schedule {
    let grant = if o.has("assignmentType") {
        Grant::Active
    } else {
        Grant::Eligible
    };
    let info = o.value("scheduleInfo");
    let expiration = info.as_ref().and_then(|i| i.field("expiration"));
    let date = |f: Option<Field<'_>>| {
        f.filter(|f| !f.node.is_null())
            .and_then(|f| f.node.as_str().map(|s| Loc::new(normalise_date(s), f.at())))
    };
    let start_field = o
        .get("startDateTime")
        .or_else(|| info.as_ref().and_then(|i| i.field("startDateTime")));
    let end_field = o
        .get("endDateTime")
        .or_else(|| expiration.as_ref().and_then(|e| e.field("endDateTime")));
    let start = date(start_field.clone());
    let end = date(end_field.clone());
    // `afterDuration` expirations end, even without an explicit end date.
    let ends_by_duration = expiration
        .as_ref()
        .and_then(|e| e.field("type"))
        .and_then(|t| {
            t.node
                .as_str()
                .map(|s| s.eq_ignore_ascii_case("afterDuration"))
        })
        .unwrap_or(false);
    let end = end.or_else(|| {
        ends_by_duration.then(|| {
            Loc::new(
                "after duration".to_owned(),
                expiration.as_ref().map_or(at.pointer.clone(), |e| e.at()),
            )
        })
    });
    let principal_kind = o
        .value("principal")
        .and_then(|p| p.field("@odata.type"))
        .and_then(|t| t.node.as_str().map(PrincipalKind::parse))
        .or_else(|| o.str("principalType").map(|t| PrincipalKind::parse(&t)));
    let condition = o
        .value("condition")
        .and_then(|c| c.node.as_str().map(|s| Loc::new(s.to_owned(), c.at())));
    Schedule {
        grant,
        target,
        principal_id: Some(principal),
        principal_kind,
        start,
        end,
        start_pointer: start_field.map_or_else(|| at.pointer.clone(), |f| f.into_at()),
        end_pointer: end_field.map_or_else(
            || expiration.map_or_else(|| at.pointer.clone(), |e| e.into_at()),
            |f| f.into_at(),
        ),
        assignment_type: o.str("assignmentType"),
        condition,
        at,
    }
}

/// A schedule request; `None` when it lacks what names it (action, status, principal, role).
fn request(o: &Obj<'_>, at: At, problems: &mut Vec<Problem>) -> Option<Request> {
    let action = o.string("action", problems)?;
    let status = o.string("status", problems)?;
    let principal_id = o.string("principalId", problems)?;
    let target = match o.str("roleDefinitionId") {
        Some(role) => Target::DirectoryRole(role),
        None => Target::Group {
            group: o.str("groupId")?,
            access: o.str("accessId")?,
        },
    };
    let info = o.value("scheduleInfo").map(Obj::new);
    let expiration = info
        .as_ref()
        .and_then(|i| i.value("expiration"))
        .map(Obj::new);
    let ticket = o.value("ticketInfo").map(Obj::new);
    let principal = o.value("principal").map(Obj::new);
    let text = |v: Option<Loc<String>>| v.filter(|l| !l.value.trim().is_empty());
    Some(Request {
        id: o.str("id"),
        action,
        status,
        target,
        principal_name: principal.as_ref().and_then(|p| {
            match (p.str("displayName"), p.str("userPrincipalName")) {
                (Some(n), Some(u)) => Some(format!("{n} <{u}>")),
                (n, u) => n.or(u),
            }
        }),
        principal_id,
        justification: text(o.string("justification", problems)),
        ticket_number: text(
            ticket
                .as_ref()
                .and_then(|t| t.string("ticketNumber", problems)),
        ),
        ticket_pointer: ticket
            .as_ref()
            .map_or_else(|| at.pointer.clone(), |t| t.this.at()),
        created: o
            .string("createdDateTime", problems)
            .map(|l| Loc::new(normalise_date(&l.value), l.pointer)),
        start: info
            .as_ref()
            .and_then(|i| i.string("startDateTime", problems))
            .map(|l| Loc::new(normalise_date(&l.value), l.pointer)),
        duration: text(
            expiration
                .as_ref()
                .and_then(|e| e.string("duration", problems)),
        ),
        end: expiration
            .as_ref()
            .and_then(|e| e.string("endDateTime", problems))
            .map(|l| Loc::new(normalise_date(&l.value), l.pointer)),
        expiration_pointer: expiration
            .as_ref()
            .map(|e| e.this.at())
            .or_else(|| info.as_ref().map(|i| i.this.at()))
            .unwrap_or_else(|| at.pointer.clone()),
        at,
    })
}

#[cfg(test)]
mod tests {
    use crate::source::{Syntax, parse_text};

    fn directory(text: &str) -> crate::model::directory::Directory {
        let root = parse_text(text, Syntax::Json).expect("parses");
        crate::dialect::normalise(0, &root).directory
    }

    #[test]
    fn a_request_is_a_request_never_a_schedule() {
        let d = directory(
            r#"{"value": [
              {"id": "r1", "action": "selfActivate", "status": "PendingApproval",
               "principalId": "u1", "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10",
               "directoryScopeId": "/", "justification": "  ", "createdDateTime": "2026-03-10T11:00:00Z",
               "scheduleInfo": {"startDateTime": "2026-03-10T11:00:00Z",
                                "expiration": {"type": "afterDuration", "duration": "PT2H"}},
               "ticketInfo": {"ticketNumber": "INC-1"}},
              {"id": "r2", "action": "selfActivate", "status": "Provisioned", "principalId": "u1",
               "groupId": "g1", "accessId": "member"}
            ]}"#,
        );
        assert!(d.schedules.is_empty());
        assert!(d.is_empty(), "requests are no context for check");
        assert_eq!(d.requests.len(), 2);
        let r = &d.requests[0];
        assert!(r.is_pending() && r.is_activation());
        assert!(r.justification.is_none(), "blank is missing");
        assert_eq!(
            r.ticket_number.as_ref().map(|t| t.value.as_str()),
            Some("INC-1")
        );
        assert_eq!(
            r.duration.as_ref().map(|t| t.pointer.path.as_str()),
            Some("/value/0/scheduleInfo/expiration/duration")
        );
        assert!(matches!(
            &d.requests[1].target,
            crate::model::directory::Target::Group { access, .. } if access == "member"
        ));
        // A schedule (no action or status) is still a schedule.
        let d = directory(
            r#"{"principalId": "u1", "roleDefinitionId": "r", "directoryScopeId": "/", "status": "Provisioned"}"#,
        );
        assert_eq!((d.schedules.len(), d.requests.len()), (1, 0));
    }
}
