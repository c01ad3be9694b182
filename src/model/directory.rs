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
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    pub fn merge(&mut self, other: Directory) {
        self.users.extend(other.users);
        self.groups.extend(other.groups);
        self.schedules.extend(other.schedules);
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

    /// The directory roles a principal (a PIM-for-Groups group) holds, eligible or active:
    /// lower-case role ids, sorted and distinct.
    pub fn roles_held_by(&self, principal_id: &str) -> Vec<String> {
        let mut roles: Vec<String> = self
            .schedule_index()
            .by_principal
            .get(&principal_id.to_ascii_lowercase())
            .into_iter()
            .flatten()
            .filter_map(|&i| self.schedules.get(i))
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
        let granting = self.schedule_index().by_target.get(k);
        for &i in granting.into_iter().flatten() {
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

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The directory's derived look-ups. Each part is built on first use: `OnceLock` makes threads
/// that ask at the same moment wait for one build. A clone starts empty (it is derived data).
#[derive(Default)]
struct Index {
    graph: OnceLock<Graph>,
    /// Principal key → the nodes of the groups that list it.
    containing: OnceLock<HashMap<String, Vec<usize>>>,
    schedules: OnceLock<Schedules>,
    holders: Mutex<HashMap<TargetKey, Arc<Holders>>>,
}

impl Clone for Index {
    fn clone(&self) -> Index {
        Index::default()
    }
}

impl fmt::Debug for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Index")
            .field("graph", &self.graph.get().is_some())
            .field("schedules", &self.schedules.get().is_some())
            .finish_non_exhaustive()
    }
}

/// Group membership as adjacency lists over numbered groups.
struct Graph {
    /// Key of [`Directory::groups`] → node.
    node: HashMap<String, usize>,
    /// Per node: its key of [`Directory::groups`].
    keys: Vec<String>,
    /// Per node: the name shown in paths (display name, else id).
    names: Arc<[String]>,
    /// Per node: the members that count, in export order (users, and groups whose own members
    /// were exported); `None` when the export did not expand the group's members.
    members: Vec<Option<Vec<Member>>>,
    /// Member user ids, one per distinct spelling, each with the user it is (one number per
    /// case-insensitive id).
    spellings: Vec<(String, usize)>,
    /// Per node: its expansion, computed the first time it is asked for.
    expansions: Vec<OnceLock<Arc<[Reached]>>>,
}

#[derive(Clone, Copy)]
enum Member {
    /// Index into `spellings`.
    User(usize),
    Group(usize),
}

impl Graph {
    fn build(dir: &Directory) -> Graph {
        let mut node = HashMap::with_capacity(dir.groups.len());
        let mut keys = Vec::with_capacity(dir.groups.len());
        let mut names = Vec::with_capacity(dir.groups.len());
        for (k, g) in &dir.groups {
            node.insert(k.clone(), keys.len());
            keys.push(k.clone());
            names.push(g.display_name.clone().unwrap_or_else(|| g.id.clone()));
        }
        let mut spelling_ix: HashMap<&str, usize> = HashMap::new();
        let mut user_ix: HashMap<String, usize> = HashMap::new();
        let mut spellings = Vec::new();
        let mut members = Vec::with_capacity(keys.len());
        for k in &keys {
            let Some(list) = dir.groups.get(k).and_then(|g| g.members.as_ref()) else {
                members.push(None);
                continue;
            };
            let mut out = Vec::with_capacity(list.len());
            for m in list {
                match m.kind {
                    PrincipalKind::User => {
                        let s = *spelling_ix.entry(m.id.as_str()).or_insert_with(|| {
                            let next = user_ix.len();
                            let user = *user_ix.entry(m.id.to_ascii_lowercase()).or_insert(next);
                            spellings.push((m.id.clone(), user));
                            spellings.len() - 1
                        });
                        out.push(Member::User(s));
                    }
                    PrincipalKind::Group => {
                        let k = key(&m.id);
                        // A group that is not exported, or whose members were not, adds nobody.
                        if dir.groups.get(&k).is_some_and(|g| g.members.is_some())
                            && let Some(&h) = node.get(&k)
                        {
                            out.push(Member::Group(h));
                        }
                    }
                    _ => {}
                }
            }
            members.push(Some(out));
        }
        let expansions = keys.iter().map(|_| OnceLock::new()).collect();
        Graph {
            node,
            keys,
            names: names.into(),
            members,
            spellings,
            expansions,
        }
    }

    fn members(&self, node: usize) -> &[Member] {
        self.members
            .get(node)
            .and_then(Option::as_deref)
            .unwrap_or_default()
    }

    /// Two passes over what `start` reaches, each visiting a group once and reading each
    /// membership once: breadth first for the shortest path to each user, depth first for the
    /// order users are listed in.
    fn expand(&self, start: usize) -> Arc<[Reached]> {
        let mut entries = vec![(start, ROOT)];
        let mut entered = HashSet::from([start]);
        // User → the tree entry of the first group, breadth first, that lists them.
        let mut nearest: HashMap<usize, usize> = HashMap::new();
        let mut i = 0;
        while let Some(&(group, _)) = entries.get(i) {
            for m in self.members(group) {
                match *m {
                    Member::User(s) => {
                        if let Some(&(_, user)) = self.spellings.get(s) {
                            nearest.entry(user).or_insert(i);
                        }
                    }
                    Member::Group(h) => {
                        if entered.insert(h) {
                            entries.push((h, i));
                        }
                    }
                }
            }
            i += 1;
        }
        let tree = Arc::new(PathTree {
            names: self.names.clone(),
            entries,
        });
        let mut out = Vec::new();
        let mut listed = HashSet::new();
        let mut visited = HashSet::from([start]);
        let mut stack = vec![(start, 0usize)];
        while let Some((group, pos)) = stack.last_mut() {
            let Some(m) = self.members(*group).get(*pos) else {
                stack.pop();
                continue;
            };
            *pos += 1;
            match *m {
                Member::User(s) => {
                    let Some((spelling, user)) = self.spellings.get(s) else {
                        continue;
                    };
                    if let Some(&entry) = nearest.get(user)
                        && listed.insert(*user)
                    {
                        out.push(Reached {
                            user_id: spelling.clone(),
                            via: Via {
                                tree: Some(tree.clone()),
                                entry,
                            },
                        });
                    }
                }
                Member::Group(h) => {
                    if visited.insert(h) {
                        stack.push((h, 0));
                    }
                }
            }
        }
        out.into()
    }
}

/// A [`Target`] reduced to what makes two targets the same: directory role template ids
/// compare case-insensitively; Azure role ids on their trailing GUID, with the scope (trailing
/// `/` ignored, case-insensitive); PIM-for-Groups targets on group and access, case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum TargetKey {
    DirectoryRole(String),
    AzureRole(String, String),
    Group(String, String),
}

impl TargetKey {
    fn of(t: &Target) -> TargetKey {
        let guid = |s: &str| s.rsplit('/').next().unwrap_or(s).to_ascii_lowercase();
        match t {
            Target::DirectoryRole(r) => TargetKey::DirectoryRole(guid(r)),
            Target::AzureRole { role, scope } => {
                TargetKey::AzureRole(guid(role), scope.trim_end_matches('/').to_ascii_lowercase())
            }
            Target::Group { group, access } => {
                TargetKey::Group(group.to_ascii_lowercase(), access.to_ascii_lowercase())
            }
        }
    }
}

fn target_kind(t: &Target) -> usize {
    match t {
        Target::DirectoryRole(_) => 0,
        Target::AzureRole { .. } => 1,
        Target::Group { .. } => 2,
    }
}

/// Schedules by what they grant and to whom (indices into [`Directory::schedules`], in order).
struct Schedules {
    by_target: HashMap<TargetKey, Vec<usize>>,
    /// Lower-case principal id → schedules.
    by_principal: HashMap<String, Vec<usize>>,
    /// Whether any schedule grants a directory role, an Azure role, a group.
    kinds: [bool; 3],
}

impl Schedules {
    fn build(schedules: &[Schedule]) -> Schedules {
        let mut by_target: HashMap<TargetKey, Vec<usize>> = HashMap::new();
        let mut by_principal: HashMap<String, Vec<usize>> = HashMap::new();
        let mut kinds = [false; 3];
        for (i, s) in schedules.iter().enumerate() {
            by_target
                .entry(TargetKey::of(&s.target))
                .or_default()
                .push(i);
            if let Some(p) = &s.principal_id {
                by_principal
                    .entry(p.to_ascii_lowercase())
                    .or_default()
                    .push(i);
            }
            kinds[target_kind(&s.target)] = true;
        }
        Schedules {
            by_target,
            by_principal,
            kinds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The matching `TargetKey` replaces: pairwise, case-insensitive.
    fn targets_match(a: &Target, b: &Target) -> bool {
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

    #[test]
    fn target_keys_are_equal_exactly_when_targets_match() {
        let d = |r: &str| Target::DirectoryRole(r.into());
        let a = |r: &str, s: &str| Target::AzureRole {
            role: r.into(),
            scope: s.into(),
        };
        let g = |x: &str, y: &str| Target::Group {
            group: x.into(),
            access: y.into(),
        };
        let all = [
            d("62E90394-69f5-4237-9190-012177145e10"),
            d("62e90394-69f5-4237-9190-012177145e10"),
            d("/providers/x/62e90394-69f5-4237-9190-012177145e10"),
            d("other"),
            a(
                "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/ABC",
                "/subscriptions/S/",
            ),
            a("abc", "/subscriptions/s"),
            a("abc", "/subscriptions/s//"),
            a("abc", "/subscriptions/t"),
            a("abd", "/subscriptions/s"),
            g("G1", "Member"),
            g("g1", "member"),
            g("g1", "owner"),
            g("g2", "member"),
        ];
        for x in &all {
            for y in &all {
                assert_eq!(
                    targets_match(x, y),
                    TargetKey::of(x) == TargetKey::of(y),
                    "{x:?} / {y:?}"
                );
            }
        }
    }

    /// The expansion this module had before: recursive, every simple path to every user.
    fn every_path(dir: &Directory, group_id: &str) -> Option<Vec<(String, Vec<String>)>> {
        fn walk(
            dir: &Directory,
            group_id: &str,
            path: &mut Vec<String>,
            on_path: &mut BTreeSet<String>,
            out: &mut Vec<(String, Vec<String>)>,
        ) -> bool {
            let Some(group) = dir.group(group_id) else {
                return false;
            };
            let Some(members) = &group.members else {
                return false;
            };
            if !on_path.insert(key(group_id)) {
                return true;
            }
            path.push(
                group
                    .display_name
                    .clone()
                    .unwrap_or_else(|| group.id.clone()),
            );
            for m in members {
                match m.kind {
                    PrincipalKind::User => out.push((m.id.clone(), path.clone())),
                    PrincipalKind::Group => {
                        walk(dir, &m.id, path, on_path, out);
                    }
                    _ => {}
                }
            }
            path.pop();
            on_path.remove(&key(group_id));
            true
        }
        let mut out = Vec::new();
        walk(
            dir,
            group_id,
            &mut Vec::new(),
            &mut BTreeSet::new(),
            &mut out,
        )
        .then_some(out)
    }

    fn at() -> At {
        At {
            file: 0,
            pointer: super::super::Ptr::default(),
        }
    }

    /// A small random directory: groups g0…g{n-1} (some without exported members, some
    /// missing), users U0… spelled in either case, members in random order.
    fn random_directory(seed: u64) -> Directory {
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let n = 2 + next(7);
        let mut dir = Directory::default();
        for i in 0..n {
            let members = (next(8) != 0).then(|| {
                (0..next(6))
                    .map(|_| {
                        if next(2) == 0 {
                            GroupMember {
                                kind: PrincipalKind::Group,
                                id: format!("g{}", next(n + 1)),
                            }
                        } else {
                            let u = next(5);
                            GroupMember {
                                kind: if next(9) == 0 {
                                    PrincipalKind::ServicePrincipal
                                } else {
                                    PrincipalKind::User
                                },
                                id: if next(3) == 0 {
                                    format!("u{u}")
                                } else {
                                    format!("U{u}")
                                },
                            }
                        }
                    })
                    .collect()
            });
            let id = format!("g{i}");
            dir.groups.insert(
                id.clone(),
                Group {
                    display_name: (next(4) != 0).then(|| format!("G{i}")),
                    id,
                    is_assignable_to_role: None,
                    membership_rule: None,
                    members,
                    at: at(),
                },
            );
        }
        dir.kinds.insert("groups");
        dir
    }

    #[test]
    fn expansion_lists_what_every_path_reaches_once_with_a_shortest_path() {
        for seed in 0..3000 {
            let dir = random_directory(seed);
            for g in 0..dir.groups.len() + 1 {
                let g = format!("g{g}");
                let old = every_path(&dir, &g);
                let new = dir.expand_group(&g);
                let (Some(old), Some(new)) = (old, new) else {
                    assert!(dir.expand_group(&g).is_none() && every_path(&dir, &g).is_none());
                    continue;
                };
                // Each user once, where the old walk first met them, in the same order.
                let mut firsts: Vec<&(String, Vec<String>)> = Vec::new();
                for o in &old {
                    if !firsts.iter().any(|f| f.0.eq_ignore_ascii_case(&o.0)) {
                        firsts.push(o);
                    }
                }
                let ids = |v: Vec<&String>| v.into_iter().cloned().collect::<Vec<_>>();
                assert_eq!(
                    ids(new.iter().map(|r| &r.user_id).collect()),
                    ids(firsts.iter().map(|f| &f.0).collect()),
                    "seed {seed}, {g}"
                );
                // With one of the shortest paths the old walk found.
                for r in new.iter() {
                    let paths: Vec<&Vec<String>> = old
                        .iter()
                        .filter(|o| o.0.eq_ignore_ascii_case(&r.user_id))
                        .map(|o| &o.1)
                        .collect();
                    let via: Vec<String> = r.via.names().into_iter().map(String::from).collect();
                    assert!(paths.contains(&&via), "seed {seed}, {g}: {via:?}");
                    assert_eq!(
                        Some(via.len()),
                        paths.iter().map(|p| p.len()).min(),
                        "seed {seed}, {g}"
                    );
                }
            }
        }
    }

    #[test]
    fn one_expansion_per_group_is_shared() {
        let dir = random_directory(7);
        let mut shared = 0;
        for (k, g) in &dir.groups {
            if g.members.is_some() {
                let a = dir.expand_group(k).expect("members exported");
                let b = dir
                    .expand_group(&k.to_ascii_uppercase())
                    .expect("the same group");
                assert!(Arc::ptr_eq(&a, &b));
                shared += 1;
            }
        }
        assert!(shared > 0);
    }

    #[test]
    fn a_long_chain_expands_without_recursion() {
        let mut dir = Directory::default();
        let n = 200_000;
        for i in 0..n {
            let member = if i + 1 < n {
                GroupMember {
                    kind: PrincipalKind::Group,
                    id: format!("g{}", i + 1),
                }
            } else {
                GroupMember {
                    kind: PrincipalKind::User,
                    id: "u".into(),
                }
            };
            dir.groups.insert(
                format!("g{i}"),
                Group {
                    id: format!("g{i}"),
                    display_name: None,
                    is_assignable_to_role: None,
                    membership_rule: None,
                    members: Some(vec![member]),
                    at: at(),
                },
            );
        }
        let reached = dir.expand_group("g0").expect("members exported");
        assert_eq!(reached.len(), 1);
        let names = reached[0].via.names();
        assert_eq!(names.len(), n);
        assert_eq!((names[0], names[n - 1]), ("g0", "g199999"));
    }
}
