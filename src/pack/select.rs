//! Which policies a pack entry applies to, and how severe its findings are.

use crate::model::{Policy, PolicyKind, RoleCatalog, Tier};
use crate::rules::Severity;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

/// How severe a rule is, for all tiers or per tier.
#[derive(Debug, Clone, PartialEq)]
pub enum SeveritySpec {
    All(Severity),
    PerTier(BTreeMap<Tier, Severity>),
}

impl SeveritySpec {
    pub(crate) fn for_tier(&self, tier: Option<Tier>) -> Option<Severity> {
        match (self, tier) {
            (SeveritySpec::All(s), _) => Some(*s),
            (SeveritySpec::PerTier(m), Some(t)) => m.get(&t).copied(),
            (SeveritySpec::PerTier(m), None) => m.values().max().copied(),
        }
    }

    /// The strongest severity it gives.
    pub fn max(&self) -> Option<Severity> {
        self.for_tier(None)
    }
}

/// `error` or `{tier0: error, privileged: warning}` (the schema has checked the words).
impl<'de> Deserialize<'de> for SeveritySpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SeveritySpec, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            All(String),
            PerTier(BTreeMap<Tier, String>),
        }
        let severity = |s: &str| {
            Severity::parse(s)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown severity `{s}`")))
        };
        Ok(match Raw::deserialize(d)? {
            Raw::All(s) => SeveritySpec::All(severity(&s)?),
            Raw::PerTier(m) => SeveritySpec::PerTier(
                m.into_iter()
                    .map(|(t, s)| Ok((t, severity(&s)?)))
                    .collect::<Result<_, D::Error>>()?,
            ),
        })
    }
}

/// Which policies an entry applies to. Every given list must match; `None` matches all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selector {
    pub tiers: Option<Vec<Tier>>,
    /// Role template ids / role definition GUIDs (lower case) or role names (lower case).
    pub roles: Option<Vec<String>>,
    pub kinds: Option<Vec<PolicyKind>>,
    /// Dialect names (`graph`, `arm`, …), checked with [`crate::dialect::is_known`] when loaded.
    pub dialects: Option<Vec<String>>,
}

impl Selector {
    /// Whether the policy is selected (tiers are checked by the severity lookup).
    pub(crate) fn matches(&self, p: &Policy) -> bool {
        if let Some(roles) = &self.roles {
            let Some(role) = &p.role else { return false };
            // The role by its id as written, the template id it was known by, its name; for a
            // group that grants a role (ScubaGear `PIM Group` rules), that role too.
            let names = |r: &crate::model::RoleRef| {
                [
                    r.id.as_deref().map(RoleCatalog::normalise_id),
                    r.template_id.as_deref().map(RoleCatalog::normalise_id),
                    r.name.as_deref().map(str::to_ascii_lowercase),
                ]
            };
            let mut known = names(role).to_vec();
            if let Some(g) = role.grants.as_deref() {
                known.extend(names(g));
            }
            if !roles.iter().any(|r| known.iter().flatten().any(|k| k == r)) {
                return false;
            }
        }
        let dialect = crate::model::view::dialect_name(p.dialect);
        self.kinds.as_ref().is_none_or(|k| k.contains(&p.kind))
            && self
                .dialects
                .as_ref()
                .is_none_or(|d| d.iter().any(|n| n == dialect))
    }

    pub(crate) fn severity(
        &self,
        spec: &SeveritySpec,
        tier: Option<Tier>,
        needs_role: bool,
    ) -> Option<Severity> {
        match tier {
            Some(t) if self.tiers.as_ref().is_some_and(|ts| !ts.contains(&t)) => None,
            Some(t) => spec.for_tier(Some(t)),
            None if needs_role || self.roles.is_some() || self.tiers.is_some() => None,
            None => spec.for_tier(None),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        *self == Selector::default()
    }
}

/// `kinds:` words as the schema lists them.
pub(crate) fn parse_kind(s: &str) -> Option<PolicyKind> {
    match s {
        "directory-role" => Some(PolicyKind::DirectoryRole),
        "group" => Some(PolicyKind::Group),
        "azure-resource" => Some(PolicyKind::AzureResource),
        _ => None,
    }
}
