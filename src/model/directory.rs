//! Directory context: who the principals are, what groups contain, who is eligible for or
//! assigned which role. Optional input; rules that need it skip (with one note) without it.

use super::Loc;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// Where a directory record was read: file index and pointer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct At {
    pub file: usize,
    pub pointer: super::Ptr,
}

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: String,
    pub display_name: Option<String>,
    pub upn: Option<String>,
    pub account_enabled: Option<bool>,
    pub user_type: Option<String>,
    pub employee_id: Option<String>,
    pub on_premises_sync: Option<bool>,
    pub at: At,
}

impl User {
    pub fn is_guest(&self) -> bool {
        self.user_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("Guest"))
    }

    /// "Alex Rivera <alex@contoso.example>" or the id.
    pub fn label(&self) -> String {
        match (&self.display_name, &self.upn) {
            (Some(n), Some(u)) => format!("{n} <{u}>"),
            (Some(n), None) => n.clone(),
            (None, Some(u)) => u.clone(),
            (None, None) => self.id.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrincipalKind {
    User,
    Group,
    ServicePrincipal,
    Other,
}

impl PrincipalKind {
    /// From `@odata.type` (`#microsoft.graph.user`) or ARM `principalType` (`User`).
    pub fn parse(s: &str) -> PrincipalKind {
        let t = s.rsplit('.').next().unwrap_or(s).to_ascii_lowercase();
        match t.as_str() {
            "user" => PrincipalKind::User,
            "group" => PrincipalKind::Group,
            "serviceprincipal" => PrincipalKind::ServicePrincipal,
            _ => PrincipalKind::Other,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupMember {
    pub kind: PrincipalKind,
    pub id: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub id: String,
    pub display_name: Option<String>,
    pub is_assignable_to_role: Option<bool>,
    pub membership_rule: Option<String>,
    /// `None` when the export did not expand `members`.
    pub members: Option<Vec<GroupMember>>,
    pub at: At,
}

/// Eligible or active.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grant {
    Eligible,
    Active,
}

/// What a schedule grants: a directory role (template id), an Azure role at a scope, or
/// membership/ownership of a group (PIM for Groups).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum Target {
    DirectoryRole(String),
    AzureRole { role: String, scope: String },
    Group { group: String, access: String },
}

/// A role eligibility schedule, assignment schedule instance (or request), as exported.
#[derive(Debug, Clone, Serialize)]
pub struct Schedule {
    pub grant: Grant,
    pub target: Target,
    pub principal_id: Option<String>,
    pub principal_kind: Option<PrincipalKind>,
    pub start: Option<Loc<String>>,
    pub end: Option<Loc<String>>,
    pub start_pointer: super::Ptr,
    pub end_pointer: super::Ptr,
    /// `Assigned` / `Activated` (active instances).
    pub assignment_type: Option<String>,
    /// ABAC condition (ARM).
    pub condition: Option<Loc<String>>,
    pub at: At,
}

/// Everything the run read of the directory.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    pub users: HashMap<String, User>,
    pub groups: HashMap<String, Group>,
    pub schedules: Vec<Schedule>,
    /// Role definition id/template id (lower case) → display name.
    pub role_names: HashMap<String, String>,
    /// Which kinds of context files were read: `users`, `groups`, `schedules`, `roleDefinitions`.
    pub kinds: BTreeSet<&'static str>,
}

fn key(id: &str) -> String {
    id.trim().to_ascii_lowercase()
}

/// A user an approver entry reaches, directly or through (nested) groups.
#[derive(Debug, Clone, Serialize)]
pub struct Reached {
    pub user_id: String,
    /// Group display names (or ids) from the approver group down to the user's group; empty
    /// for a direct user approver.
    pub via: Vec<String>,
}

impl Directory {
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    pub fn merge(&mut self, other: Directory) {
        self.users.extend(other.users);
        self.groups.extend(other.groups);
        self.schedules.extend(other.schedules);
        self.role_names.extend(other.role_names);
        self.kinds.extend(other.kinds);
    }

    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.get(&key(id))
    }

    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.get(&key(id))
    }

    pub fn has_users(&self) -> bool {
        self.kinds.contains("users")
    }

    pub fn has_groups(&self) -> bool {
        self.kinds.contains("groups")
    }

    /// The directory roles a principal (a PIM-for-Groups group) holds, eligible or active:
    /// lower-case role ids, sorted and distinct.
    pub fn roles_held_by(&self, principal_id: &str) -> Vec<String> {
        let mut roles: Vec<String> = self
            .schedules
            .iter()
            .filter(|s| {
                s.principal_id
                    .as_deref()
                    .is_some_and(|id| id.eq_ignore_ascii_case(principal_id))
            })
            .filter(|s| matches!(s.grant, Grant::Eligible | Grant::Active))
            .filter_map(|s| match &s.target {
                Target::DirectoryRole(r) => Some(r.to_ascii_lowercase()),
                _ => None,
            })
            .collect();
        roles.sort();
        roles.dedup();
        roles
    }

    /// Where the first record is (users, then groups, then schedules).
    pub fn first_at(&self) -> Option<&At> {
        self.users
            .values()
            .map(|u| &u.at)
            .chain(self.groups.values().map(|g| &g.at))
            .chain(self.schedules.iter().map(|s| &s.at))
            .min_by_key(|at| at.pointer.span.start)
    }

    pub fn has_schedules(&self) -> bool {
        self.kinds.contains("schedules")
    }

    /// Whether any schedule of the same kind as `target` was read (directory role, Azure role,
    /// group): without one, "not eligible" cannot be told from "not exported".
    pub fn knows_holders_of(&self, target: &Target) -> bool {
        self.schedules
            .iter()
            .any(|s| std::mem::discriminant(&s.target) == std::mem::discriminant(target))
    }

    /// The users a group contains, transitively, each with the path of groups that leads to it.
    /// Cycles are cut (a group already on the path is not entered again). `None` when the
    /// group's members were not exported.
    pub fn expand_group(&self, group_id: &str) -> Option<Vec<Reached>> {
        let mut out = Vec::new();
        let mut path = Vec::new();
        let mut on_path = BTreeSet::new();
        if !self.expand_into(group_id, &mut path, &mut on_path, &mut out) {
            return None;
        }
        Some(out)
    }

    fn expand_into(
        &self,
        group_id: &str,
        path: &mut Vec<String>,
        on_path: &mut BTreeSet<String>,
        out: &mut Vec<Reached>,
    ) -> bool {
        let Some(group) = self.group(group_id) else {
            return false;
        };
        let Some(members) = &group.members else {
            return false;
        };
        if !on_path.insert(key(group_id)) {
            return true; // a cycle: already being expanded higher up
        }
        path.push(
            group
                .display_name
                .clone()
                .unwrap_or_else(|| group.id.clone()),
        );
        for m in members {
            match m.kind {
                PrincipalKind::User => out.push(Reached {
                    user_id: m.id.clone(),
                    via: path.clone(),
                }),
                PrincipalKind::Group => {
                    self.expand_into(&m.id, path, on_path, out);
                }
                _ => {}
            }
        }
        path.pop();
        on_path.remove(&key(group_id));
        true
    }

    /// Whether a group's membership contains a cycle (reported once by the caller).
    pub fn groups_containing(&self, principal_id: &str) -> Vec<&Group> {
        let k = key(principal_id);
        self.groups
            .values()
            .filter(|g| {
                g.members
                    .as_ref()
                    .is_some_and(|m| m.iter().any(|x| key(&x.id) == k))
            })
            .collect()
    }

    /// All users holding `target` (eligible or active, directly or through groups), with the
    /// schedule that grants it.
    pub fn holders(&self, target: &Target) -> Vec<(Reached, &Schedule)> {
        let mut out = Vec::new();
        for s in self
            .schedules
            .iter()
            .filter(|s| targets_match(&s.target, target))
        {
            let Some(pid) = &s.principal_id else { continue };
            match s.principal_kind {
                Some(PrincipalKind::Group) => {
                    for r in self.expand_group(pid).unwrap_or_default() {
                        out.push((r, s));
                    }
                }
                Some(PrincipalKind::User) => out.push((
                    Reached {
                        user_id: pid.clone(),
                        via: Vec::new(),
                    },
                    s,
                )),
                _ => {
                    // Kind not exported: a group if the groups file knows it, else a user.
                    match self.expand_group(pid) {
                        Some(users) if self.group(pid).is_some() => {
                            out.extend(users.into_iter().map(|r| (r, s)))
                        }
                        _ => out.push((
                            Reached {
                                user_id: pid.clone(),
                                via: Vec::new(),
                            },
                            s,
                        )),
                    }
                }
            }
        }
        out
    }
}

/// Template ids compare case-insensitively; Azure role ids on their trailing GUID and scope.
pub fn targets_match(a: &Target, b: &Target) -> bool {
    let guid = |s: &str| s.rsplit('/').next().unwrap_or(s).to_ascii_lowercase();
    match (a, b) {
        (Target::DirectoryRole(x), Target::DirectoryRole(y)) => guid(x) == guid(y),
        (
            Target::AzureRole {
                role: r1,
                scope: s1,
            },
            Target::AzureRole {
                role: r2,
                scope: s2,
            },
        ) => {
            guid(r1) == guid(r2)
                && s1
                    .trim_end_matches('/')
                    .eq_ignore_ascii_case(s2.trim_end_matches('/'))
        }
        (
            Target::Group {
                group: g1,
                access: a1,
            },
            Target::Group {
                group: g2,
                access: a2,
            },
        ) => g1.eq_ignore_ascii_case(g2) && a1.eq_ignore_ascii_case(a2),
        _ => false,
    }
}
