//! The account mapping (`account_mapping:` in the config): each person's accounts, so PIM111
//! sees that an approver and an eligible principal are the same person.

use crate::datafile::{self, ConfigError, DataFile, Kind, indexed};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

pub static ACCOUNT_MAPPING: Kind = Kind::new(
    "account mapping",
    include_str!("../../schemas/account-mapping.schema.json"),
    &["people"],
    false,
);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    #[serde(default, deserialize_with = "indexed")]
    people: Vec<(usize, Person)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Person {
    name: String,
    accounts: Vec<String>,
}

/// Reads an account-mapping file: `people: [{name, accounts: [user id or UPN, …]}]`. Returns
/// account (lower case) → person.
pub fn load_account_mapping(
    path: &Path,
    display: String,
) -> Result<HashMap<String, String>, ConfigError> {
    let bytes = datafile::read(path, &display, "account mapping")?;
    parse(display, &bytes)
}

/// An account listed for two people is an error: PIM111 would link the wrong person.
pub(super) fn parse(name: String, bytes: &[u8]) -> Result<HashMap<String, String>, ConfigError> {
    let mut file = DataFile::parse(name, bytes, &ACCOUNT_MAPPING)?;
    let mut map: HashMap<String, String> = HashMap::new();
    let Some(raw) = file.load::<MappingFile>(&|_| false) else {
        return file.finish(map);
    };
    for (i, person) in raw.people {
        for (j, account) in person.accounts.iter().enumerate() {
            let key = account.trim().to_ascii_lowercase();
            match map.get(&key) {
                Some(other) if *other != person.name => {
                    let msg = format!(
                        "account `{account}` is listed for {other} and {}",
                        person.name
                    );
                    let help = Some("An account belongs to one person.".to_owned());
                    file.error(&format!("/people/{i}/accounts/{j}"), msg, help);
                }
                _ => {
                    map.insert(key, person.name.clone());
                }
            }
        }
    }
    file.finish(map)
}
