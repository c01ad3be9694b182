//! The role catalogue (`rules/roles.yaml`, section 7.4 of the spec): which roles are tier0,
//! privileged or standard. Read like every data file: schema-checked
//! (`schemas/roles.schema.json`), deserialised with serde, errors located in the YAML.

use crate::datafile::{ConfigError, DataFile, Kind, indexed};
use crate::model::role::KnownRole;
use crate::model::{RoleCatalog, Tier};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

pub const ROLES_YAML: &str = include_str!("../rules/roles.yaml");

pub static ROLES: Kind = Kind::new(
    "role catalogue",
    include_str!("../schemas/roles.schema.json"),
    &["tier0", "privileged", "standard"],
    false,
);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleFile {
    id: String,
    name: String,
    #[serde(default)]
    platform: String,
}

/// The built-in role catalogue from `rules/roles.yaml`.
pub fn builtin_roles() -> Result<RoleCatalog, ConfigError> {
    load_roles("<builtin>/rules/roles.yaml".into(), ROLES_YAML.as_bytes())
}

/// Reads a role catalogue. A role listed twice (by id or name) is an error: its tier would be
/// ambiguous.
pub fn load_roles(name: String, bytes: &[u8]) -> Result<RoleCatalog, ConfigError> {
    #[derive(Deserialize)]
    struct Tiers(BTreeMap<Tier, Items>);
    #[derive(Deserialize)]
    struct Items(#[serde(deserialize_with = "indexed")] Vec<(usize, RoleFile)>);

    let mut file = DataFile::parse(name, bytes, &ROLES)?;
    let mut catalog = RoleCatalog::default();
    let Some(Tiers(tiers)) = file.load::<Tiers>(&|_| false) else {
        return file.finish(catalog);
    };
    let mut seen: HashMap<String, String> = HashMap::new();
    for (tier, Items(roles)) in tiers {
        for (i, role) in roles {
            let at = format!("/{tier}/{i}");
            for (key, value) in [("id", &role.id), ("name", &role.name)] {
                let folded = format!("{key}:{}", value.trim().to_ascii_lowercase());
                if let Some(first) = seen.insert(folded, at.clone()) {
                    let line = file.src.position(&file.span(&first)).line;
                    file.error(
                        &format!("{at}/{key}"),
                        format!("role {key} `{value}` is listed twice"),
                        Some(format!(
                            "It is already listed on line {line}; a role has one tier."
                        )),
                    );
                }
            }
            catalog.insert(KnownRole {
                id: role.id,
                name: role.name,
                tier,
                platform: role.platform,
            });
        }
    }
    file.finish(catalog)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_catalogue_validates_against_its_schema() {
        let src = crate::source::SourceFile::parse(
            "roles.yaml".into(),
            ROLES_YAML.as_bytes(),
            crate::source::Syntax::Yaml,
        );
        let json = src.root.as_ref().map(|r| r.to_json()).unwrap_or_default();
        assert!(ROLES.is_valid(&json));
        assert!(builtin_roles().is_ok_and(|c| c.len() > 40));
    }

    #[test]
    fn the_roles_issue_13_named_sit_at_their_tiers() {
        use crate::model::Tier;
        let c = builtin_roles().expect("catalogue");
        for (id, tier) in [
            ("0526716b-113d-4c15-b2c8-68e3c22b9f80", Tier::Tier0),
            ("fdd7a751-b60b-444a-984c-02652fe8fa1c", Tier::Privileged),
            ("45d8d3c5-c802-45c6-b32a-1d70b5e1e86e", Tier::Privileged),
            ("8b54135c-b56d-4d72-a534-26097cfdc8d8", Tier::Privileged),
            (
                "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/providers/Microsoft.Authorization/roleDefinitions/66f75aeb-eabe-4b70-9f1e-c350c4c9ad04",
                Tier::Privileged,
            ),
        ] {
            assert_eq!(c.classify(Some(id), None, None).0, Some(tier), "{id}");
        }
    }

    #[test]
    fn a_malformed_catalogue_is_an_error_at_its_line() {
        let text = "tier0:\n  - {id: a, name: A, platform: entra}\n  - {id: b, platform: azure}\nprivileged:\n  - {id: c, name: C, platform: cloud}\n  - {id: a, name: D}\n";
        let e = load_roles("r.yaml".into(), text.as_bytes()).unwrap_err();
        let all: Vec<(usize, usize, &str)> = e
            .all()
            .iter()
            .map(|e| (e.line, e.column, e.message.as_str()))
            .collect();
        assert_eq!(all[0], (3, 5, "a role needs `id` and `name`"), "{all:?}");
        assert_eq!(
            (all[1].0, all[1].1),
            (5, 32),
            "platform is entra or azure: {all:?}"
        );
        assert!(
            all[1]
                .2
                .contains("expected one of entra, azure, found `cloud`")
        );
        assert_eq!(all[2], (6, 10, "role id `a` is listed twice"), "{all:?}");
        let e = load_roles("r.yaml".into(), b"tier1: []\n").unwrap_err();
        assert!(e.message.contains("not a role catalogue"), "{}", e.message);
        let e = load_roles("r.yaml".into(), b"tier0: []\ntier1: []\n").unwrap_err();
        assert_eq!((e.line, e.message.as_str()), (2, "unknown tier `tier1`"));
    }
}
