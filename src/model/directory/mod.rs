//! Directory context: who the principals are, what groups contain, who is eligible for or
//! assigned which role. Optional input; rules that need it skip (with one note) without it.

use super::Loc;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

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
    /// What makes the account an everyday one rather than a dedicated admin account, when the
    /// export says: an enabled mailbox or Microsoft 365 apps service plan (`assignedPlans`).
    pub everyday: Option<String>,
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
        label(&self.id, self.display_name.as_deref(), self.upn.as_deref())
    }
}

/// How every message names a principal: "Alex Rivera <alex@contoso.example>", the name or the
/// UPN alone, and the id only when the run knows neither.
pub fn label(id: &str, name: Option<&str>, upn: Option<&str>) -> String {
    match (name, upn) {
        (Some(n), Some(u)) => format!("{n} <{u}>"),
        (Some(n), None) => n.to_owned(),
        (None, Some(u)) => u.to_owned(),
        (None, None) => id.to_owned(),
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

mod request;
pub use request::{
    Request, Scope, Settings as RequestSettings, Usual, format_instant, parse_clock, parse_instant,
    parse_offset, parse_window,
};

/// Everything the run read of the directory.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    pub users: HashMap<String, User>,
    pub groups: HashMap<String, Group>,
    pub schedules: Vec<Schedule>,
    /// Schedule requests (pending and past activations), which the `requests` command checks.
    /// They are no context for `check`: a directory with only requests [`Directory::is_empty`].
    pub requests: Vec<Request>,
    /// Role definition id/template id (lower case) → display name.
    pub role_names: HashMap<String, String>,
    /// Which kinds of context files were read: `users`, `groups`, `schedules`, `roleDefinitions`.
    pub kinds: BTreeSet<&'static str>,
    /// Look-ups derived from the records above (the group graph, expansions, schedules by target
    /// and by principal), each built the first time it is needed and then shared by every rule
    /// and worker thread. [`Directory::merge`] drops them; the records are not changed otherwise
    /// once the context pass is over.
    index: Index,
}

fn key(id: &str) -> String {
    id.trim().to_ascii_lowercase()
}

/// A user an approver entry reaches, directly or through (nested) groups.
#[derive(Debug, Clone, Serialize)]
pub struct Reached {
    pub user_id: String,
    /// Group display names (or ids) from the approver group down to the user's group; empty
    /// for a direct user approver. One shortest path: when several lead to the user, the one
    /// found first breadth-first (members in export order).
    pub via: Via,
}

impl Reached {
    /// A user named directly, not through a group.
    pub fn direct(user_id: impl Into<String>) -> Reached {
        Reached {
            user_id: user_id.into(),
            via: Via::default(),
        }
    }
}

/// The groups that lead to a reached user: an entry of the breadth-first tree of one group's
/// expansion, shared by every user of that expansion. The path is spelled out only when shown,
/// so an expansion takes memory linear in the groups it reaches however deep they nest.
#[derive(Clone, Default)]
pub struct Via {
    tree: Option<Arc<PathTree>>,
    entry: usize,
}

/// The breadth-first tree of one expansion.
struct PathTree {
    /// Every group's name, by node (shared by every expansion).
    names: Arc<[String]>,
    /// Per group reached, in the order reached: its node and the entry of the group it was
    /// reached from (`ROOT` for the expanded group). A parent comes before its children.
    entries: Vec<(usize, usize)>,
}

const ROOT: usize = usize::MAX;

impl Via {
    /// A direct approver: no group in between.
    pub fn is_empty(&self) -> bool {
        self.tree.is_none()
    }

    /// The group names, from the approver group down to the group that lists the user.
    pub fn names(&self) -> Vec<&str> {
        let Some(tree) = &self.tree else {
            return Vec::new();
        };
        let mut names = Vec::new();
        let mut at = self.entry;
        // Parents precede their children, so this walk ends at the root.
        while let Some(&(node, parent)) = tree.entries.get(at) {
            names.push(tree.names.get(node).map_or("", String::as_str));
            at = parent;
        }
        names.reverse();
        names
    }

    /// The names joined with `sep` (`" > "` in messages and the approver report).
    pub fn join(&self, sep: &str) -> String {
        self.names().join(sep)
    }
}

impl fmt::Debug for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl Serialize for Via {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.names())
    }
}

/// Everyone who holds a target (eligible or active, groups expanded): one entry per schedule
/// and user reached, in schedule order, with a hashed look-up by user.
#[derive(Debug, Default)]
pub struct Holders {
    entries: Vec<Holder>,
    /// Lower-case user id → the user's first entry.
    first: HashMap<String, usize>,
}

#[derive(Debug, Clone)]
pub struct Holder {
    pub reached: Reached,
    pub grant: Grant,
    /// Index into [`Directory::schedules`].
    pub schedule: usize,
}

impl Holders {
    pub fn iter(&self) -> std::slice::Iter<'_, Holder> {
        self.entries.iter()
    }

    /// The first entry for a user (ids compare case-insensitively).
    pub fn first(&self, user_id: &str) -> Option<&Holder> {
        self.first
            .get(&user_id.to_ascii_lowercase())
            .and_then(|&i| self.entries.get(i))
    }

    pub fn holds(&self, user_id: &str) -> bool {
        self.first(user_id).is_some()
    }
}

impl Directory {
    /// No context record (users, groups, role definitions, schedules). Requests are not
    /// context: see [`Directory::has_requests`].
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// Whether any schedule request was read.
    pub fn has_requests(&self) -> bool {
        !self.requests.is_empty()
    }

    pub fn merge(&mut self, other: Directory) {
        self.users.extend(other.users);
        self.groups.extend(other.groups);
        self.schedules.extend(other.schedules);
        self.requests.extend(other.requests);
        self.role_names.extend(other.role_names);
        self.kinds.extend(other.kinds);
        self.index = Index::default();
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

    /// What a principal (a PIM-for-Groups group) holds directly: each directory role and Azure
    /// role at its scope, with the grant (a role both eligible and active is listed as active),
    /// in schedule order, each target once.
    pub fn grants_held_by(&self, principal_id: &str) -> Vec<(Target, Grant)> {
        let mut out: Vec<(Target, Grant)> = Vec::new();
        let schedules = self
            .schedule_index()
            .by_principal
            .get(&principal_id.to_ascii_lowercase())
            .into_iter()
            .flatten()
            .filter_map(|&i| self.schedules.get(i));
        for s in schedules {
            if matches!(s.target, Target::Group { .. }) {
                continue;
            }
            let k = TargetKey::of(&s.target);
            match out.iter_mut().find(|(t, _)| TargetKey::of(t) == k) {
                Some((_, g)) if s.grant == Grant::Active => *g = Grant::Active,
                Some(_) => {}
                None => out.push((s.target.clone(), s.grant)),
            }
        }
        out
    }

    /// The role ids (directory role template ids, Azure role definition GUIDs; lower case,
    /// sorted, distinct) a principal holds, eligible or active: what a PIM-for-Groups group's
    /// tier is raised to.
    pub fn roles_held_by(&self, principal_id: &str) -> Vec<String> {
        let mut roles: Vec<String> = self
            .grants_held_by(principal_id)
            .into_iter()
            .filter_map(|(t, _)| match TargetKey::of(&t) {
                TargetKey::DirectoryRole(r) | TargetKey::AzureRole(r, _) => Some(r),
                TargetKey::Group(..) => None,
            })
            .collect();
        roles.sort();
        roles.dedup();
        roles
    }

    /// Where the first record is (users, groups, schedules or requests).
    pub fn first_at(&self) -> Option<&At> {
        self.users
            .values()
            .map(|u| &u.at)
            .chain(self.groups.values().map(|g| &g.at))
            .chain(self.schedules.iter().map(|s| &s.at))
            .chain(self.requests.iter().map(|r| &r.at))
            .min_by_key(|at| at.pointer.span.start)
    }

    pub fn has_schedules(&self) -> bool {
        self.kinds.contains("schedules")
    }

    /// Whether any schedule of the same kind as `target` was read (directory role, Azure role,
    /// group): without one, "not eligible" cannot be told from "not exported".
    pub fn knows_holders_of(&self, target: &Target) -> bool {
        self.schedule_index().kinds[target_kind(target)]
    }

    /// The users a group contains, transitively, each once, in the order a depth-first walk of
    /// the members (in export order) first meets them, with one shortest path of groups that
    /// leads to each (see [`Reached::via`]). Cycles are cut. `None` when the group's members
    /// were not exported.
    ///
    /// Linear in the part of the membership graph the group reaches, computed once per group
    /// and run (every rule, approver entry and thread asking for the same group shares it).
    pub fn expand_group(&self, group_id: &str) -> Option<Arc<[Reached]>> {
        let graph = self.graph();
        let node = *graph.node.get(&key(group_id))?;
        graph.members.get(node)?.as_ref()?;
        let cell = graph.expansions.get(node)?;
        Some(cell.get_or_init(|| graph.expand(node)).clone())
    }

    /// The groups whose exported members list a principal (directly).
    pub fn groups_containing(&self, principal_id: &str) -> Vec<&Group> {
        let graph = self.graph();
        let containing = self.index.containing.get_or_init(|| {
            let mut map: HashMap<String, Vec<usize>> = HashMap::new();
            for (node, k) in graph.keys.iter().enumerate() {
                let members = self.groups.get(k).and_then(|g| g.members.as_ref());
                for m in members.into_iter().flatten() {
                    let list = map.entry(key(&m.id)).or_default();
                    if list.last() != Some(&node) {
                        list.push(node);
                    }
                }
            }
            map
        });
        containing
            .get(&key(principal_id))
            .into_iter()
            .flatten()
            .filter_map(|&n| graph.keys.get(n).and_then(|k| self.groups.get(k)))
            .collect()
    }

    /// Everyone holding `target` (eligible or active, directly or through groups), computed
    /// once per target and run.
    pub fn holder_set(&self, target: &Target) -> Arc<Holders> {
        let k = TargetKey::of(target);
        if let Some(h) = lock(&self.index.holders).get(&k) {
            return h.clone();
        }
        let built = Arc::new(self.collect_holders(&k));
        lock(&self.index.holders).entry(k).or_insert(built).clone()
    }

    /// All users holding `target` (eligible or active, directly or through groups), with the
    /// schedule that grants it.
    pub fn holders(&self, target: &Target) -> Vec<(Reached, &Schedule)> {
        self.holder_set(target)
            .iter()
            .filter_map(|h| Some((h.reached.clone(), self.schedules.get(h.schedule)?)))
            .collect()
    }

    fn collect_holders(&self, k: &TargetKey) -> Holders {
        let mut entries = Vec::new();
        let index = self.schedule_index();
        // An Azure role held at a scope is held at every scope below it: the schedules of the
        // scope itself, then of each parent up to the root.
        let keys: Vec<TargetKey> = match k {
            TargetKey::AzureRole(role, scope) => scope_and_parents(scope)
                .map(|s| TargetKey::AzureRole(role.clone(), s.to_owned()))
                .collect(),
            _ => vec![k.clone()],
        };
        let granting = keys.iter().filter_map(|k| index.by_target.get(k)).flatten();
        for &i in granting {
            let Some(s) = self.schedules.get(i) else {
                continue;
            };
            let Some(pid) = &s.principal_id else { continue };
            let users = match s.principal_kind {
                Some(PrincipalKind::Group) => Some(self.expand_group(pid).unwrap_or_default()),
                Some(PrincipalKind::User) => None,
                // Kind not exported: a group if the groups file knows it, else a user.
                _ => self.expand_group(pid),
            };
            let holder = |reached: Reached| Holder {
                reached,
                grant: s.grant,
                schedule: i,
            };
            match users {
                Some(users) => entries.extend(users.iter().cloned().map(holder)),
                None => entries.push(holder(Reached::direct(pid.clone()))),
            }
        }
        let mut first = HashMap::new();
        for (i, h) in entries.iter().enumerate() {
            first
                .entry(h.reached.user_id.to_ascii_lowercase())
                .or_insert(i);
        }
        Holders { entries, first }
    }

    fn graph(&self) -> &Graph {
        self.index.graph.get_or_init(|| Graph::build(self))
    }

    fn schedule_index(&self) -> &Schedules {
        self.index
            .schedules
            .get_or_init(|| Schedules::build(&self.schedules))
    }
}

/// Whether two Azure scopes are the same scope: case-insensitive, trailing `/` ignored, and a
/// subscription under its resource provider (`/providers/Microsoft.Subscription/subscriptions/…`)
/// the same as `/subscriptions/…`.
pub fn same_azure_scope(a: &str, b: &str) -> bool {
    azure_scope(a) == azure_scope(b)
}

/// An Azure scope (lower case, no trailing `/`) and each of its parents by path segment, ending
/// with the root (`""`): `/subscriptions/s/resourcegroups/rg` → itself, `/subscriptions/s/resourcegroups`,
/// `/subscriptions/s`, `/subscriptions`, `""`. Prefixes that are no scope match no schedule.
fn scope_and_parents(scope: &str) -> impl Iterator<Item = &str> {
    let cuts = scope.rmatch_indices('/').map(|(i, _)| i);
    std::iter::once(scope.len())
        .chain(cuts)
        .filter_map(move |end| scope.get(..end))
}

mod graph;
use graph::*;

#[cfg(test)]
mod tests;
