//! The indexes behind [`super::Directory`]: the group graph (expanded once per group, without
//! recursion) and the schedules by target and by principal.

use super::*;

pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The directory's derived look-ups. Each part is built on first use: `OnceLock` makes threads
/// that ask at the same moment wait for one build. A clone starts empty (it is derived data).
#[derive(Default)]
pub(super) struct Index {
    pub(super) graph: OnceLock<Graph>,
    /// Principal key → the nodes of the groups that list it.
    pub(super) containing: OnceLock<HashMap<String, Vec<usize>>>,
    pub(super) schedules: OnceLock<Schedules>,
    pub(super) holders: Mutex<HashMap<TargetKey, Arc<Holders>>>,
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
pub(super) struct Graph {
    /// Key of [`Directory::groups`] → node.
    pub(super) node: HashMap<String, usize>,
    /// Per node: its key of [`Directory::groups`].
    pub(super) keys: Vec<String>,
    /// Per node: the name shown in paths (display name, else id).
    pub(super) names: Arc<[String]>,
    /// Per node: the members that count, in export order (users, and groups whose own members
    /// were exported); `None` when the export did not expand the group's members.
    pub(super) members: Vec<Option<Vec<Member>>>,
    /// Member user ids, one per distinct spelling, each with the user it is (one number per
    /// case-insensitive id).
    pub(super) spellings: Vec<(String, usize)>,
    /// Per node: its expansion, computed the first time it is asked for.
    pub(super) expansions: Vec<OnceLock<Arc<[Reached]>>>,
}

#[derive(Clone, Copy)]
pub(super) enum Member {
    /// Index into `spellings`.
    User(usize),
    Group(usize),
}

impl Graph {
    pub(super) fn build(dir: &Directory) -> Graph {
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

    pub(super) fn members(&self, node: usize) -> &[Member] {
        self.members
            .get(node)
            .and_then(Option::as_deref)
            .unwrap_or_default()
    }

    /// Two passes over what `start` reaches, each visiting a group once and reading each
    /// membership once: breadth first for the shortest path to each user, depth first for the
    /// order users are listed in.
    pub(super) fn expand(&self, start: usize) -> Arc<[Reached]> {
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
pub(super) enum TargetKey {
    DirectoryRole(String),
    AzureRole(String, String),
    Group(String, String),
}

impl TargetKey {
    pub(super) fn of(t: &Target) -> TargetKey {
        let guid = |s: &str| s.rsplit('/').next().unwrap_or(s).to_ascii_lowercase();
        match t {
            Target::DirectoryRole(r) => TargetKey::DirectoryRole(guid(r)),
            Target::AzureRole { role, scope } => {
                TargetKey::AzureRole(guid(role), azure_scope(scope))
            }
            Target::Group { group, access } => {
                TargetKey::Group(group.to_ascii_lowercase(), access.to_ascii_lowercase())
            }
        }
    }
}

/// An Azure scope as schedules and policies compare it: lower case, no trailing `/`, and a
/// subscription written under its resource provider (`/providers/Microsoft.Subscription/
/// subscriptions/…`, as ARM's schedule APIs return it) the same as `/subscriptions/…`.
pub(super) fn azure_scope(scope: &str) -> String {
    let s = scope.trim_end_matches('/').to_ascii_lowercase();
    match s.strip_prefix("/providers/microsoft.subscription/subscriptions/") {
        Some(rest) => format!("/subscriptions/{rest}"),
        None => s,
    }
}

pub(super) fn target_kind(t: &Target) -> usize {
    match t {
        Target::DirectoryRole(_) => 0,
        Target::AzureRole { .. } => 1,
        Target::Group { .. } => 2,
    }
}

/// Schedules by what they grant and to whom (indices into [`Directory::schedules`], in order).
pub(super) struct Schedules {
    pub(super) by_target: HashMap<TargetKey, Vec<usize>>,
    /// Lower-case principal id → schedules.
    pub(super) by_principal: HashMap<String, Vec<usize>>,
    /// Whether any schedule grants a directory role, an Azure role, a group.
    pub(super) kinds: [bool; 3],
}

impl Schedules {
    pub(super) fn build(schedules: &[Schedule]) -> Schedules {
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
