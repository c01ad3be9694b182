#![allow(dead_code)]
use pim_lint::lint::{self, Input, Outcome};
use pim_lint::model::RoleCatalog;
use pim_lint::pack::{self, Entry, RuleSet, SeveritySpec};
use pim_lint::rules::{self, Needs, Severity};
use std::path::{Path, PathBuf};

pub fn catalog() -> RoleCatalog {
    pim_lint::roles::builtin_roles().expect("built-in roles load")
}

pub fn baseline() -> RuleSet {
    RuleSet::from_packs(&[pack::builtin_pack("baseline")
        .expect("baseline exists")
        .expect("baseline loads")])
}

/// The baseline plus every rule it leaves off (at warning, all tiers, default parameters), so
/// each rule's fixtures exercise it whatever the packs say.
pub fn every_rule() -> RuleSet {
    let mut set = baseline();
    for r in rules::REGISTRY {
        if set.entry(r.code).is_none() {
            set.entries.push(Entry::new(
                r,
                SeveritySpec::All(if r.needs == Needs::File {
                    Severity::Error
                } else {
                    Severity::Warning
                }),
            ));
        }
    }
    set
}

pub fn lint_paths(paths: &[PathBuf], set: &RuleSet) -> Outcome {
    let inputs: Vec<Input> = paths
        .iter()
        .map(|p| Input {
            path: p.clone(),
            explicit: true,
        })
        .collect();
    lint::lint(&inputs, set, &catalog())
}

pub fn lint_one(path: &Path, set: &RuleSet) -> Outcome {
    lint_paths(&[path.to_path_buf()], set)
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/corpus/public`, beside the repository.
pub fn corpus() -> PathBuf {
    repo()
        .join("..")
        .join("shared")
        .join("corpus")
        .join("public")
}
