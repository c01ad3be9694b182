//! Role tiers and the built-in role catalogue (`rules/roles.yaml`).

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Tier0,
    Privileged,
    Standard,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Tier0, Tier::Privileged, Tier::Standard];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Tier0 => "tier0",
            Tier::Privileged => "privileged",
            Tier::Standard => "standard",
        }
    }

    pub fn parse(s: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownRole {
    pub id: String,
    pub name: String,
    pub tier: Tier,
    /// `entra` or `azure`.
    pub platform: String,
}

/// Role ids (lower-case GUIDs, or names) → known role. Built from data, extended by config.
#[derive(Debug, Clone, Default)]
pub struct RoleCatalog {
    by_id: HashMap<String, KnownRole>,
    by_name: HashMap<String, String>,
    /// Extra ids or names (custom roles, group ids) put into a tier by the user.
    extra: HashMap<String, Tier>,
}

impl RoleCatalog {
    pub fn insert(&mut self, role: KnownRole) {
        let id = role.id.to_ascii_lowercase();
        self.by_name
            .insert(role.name.to_ascii_lowercase(), id.clone());
        self.by_id.insert(id, role);
    }

    /// Puts a role id, role name or group id into a tier (overrides the built-in tier).
    pub fn add_to_tier(&mut self, id_or_name: &str, tier: Tier) {
        self.extra.insert(id_or_name.to_ascii_lowercase(), tier);
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// ARM ids are scope-qualified (`/subscriptions/…/roleDefinitions/<guid>`): compare on the
    /// trailing GUID. Case-insensitive.
    pub fn normalise_id(id: &str) -> String {
        id.rsplit('/')
            .next()
            .unwrap_or(id)
            .trim()
            .to_ascii_lowercase()
    }

    pub fn lookup_id(&self, id: &str) -> Option<&KnownRole> {
        self.by_id.get(&Self::normalise_id(id))
    }

    pub fn lookup_name(&self, name: &str) -> Option<&KnownRole> {
        self.by_name
            .get(&name.trim().to_ascii_lowercase())
            .and_then(|id| self.by_id.get(id))
    }

    /// The catalogue's role for a template id, else for a display name (a document whose id is
    /// a placeholder or a custom id but whose name is a built-in role's), and which matched.
    pub fn recognise(
        &self,
        id: Option<&str>,
        name: Option<&str>,
    ) -> Option<(&KnownRole, super::KnownBy)> {
        id.and_then(|i| self.lookup_id(i))
            .map(|k| (k, super::KnownBy::Id))
            .or_else(|| {
                name.and_then(|n| self.lookup_name(n))
                    .map(|k| (k, super::KnownBy::Name))
            })
    }

    /// Resolves the tier and, when the source did not say, the name of a role.
    /// `scope` is consulted for PIM for Groups, whose group id may be put in a tier.
    /// Roles the catalogue does not know are `standard`; an unknown id *and* name gives `None`.
    pub fn classify(
        &self,
        id: Option<&str>,
        name: Option<&str>,
        scope: Option<&str>,
    ) -> (Option<Tier>, Option<String>) {
        let known = self.recognise(id, name).map(|(k, _)| k);
        let extra = [
            id.map(Self::normalise_id),
            name.map(|n| n.trim().to_ascii_lowercase()),
            known.map(|k| k.name.to_ascii_lowercase()),
            scope.map(Self::normalise_id),
        ]
        .into_iter()
        .flatten()
        .find_map(|k| self.extra.get(&k).copied());
        let tier = extra.or(known.map(|k| k.tier));
        let known_name = known.map(|k| k.name.clone());
        if id.is_none() && name.is_none() {
            return (extra, None);
        }
        (tier.or(Some(Tier::Standard)), known_name)
    }

    pub fn roles(&self) -> impl Iterator<Item = &KnownRole> {
        self.by_id.values()
    }
}
