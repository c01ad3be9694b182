#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
use pim_lint::engine;
use pim_lint::finding::Outcome;
use pim_lint::input::Input;
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
    for r in rules::registry() {
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
    let inputs: Vec<Input> = paths.iter().map(|p| Input::path(p.clone(), true)).collect();
    engine::lint(&inputs, set, &catalog())
}

pub fn lint_one(path: &Path, set: &RuleSet) -> Outcome {
    lint_paths(&[path.to_path_buf()], set)
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The public corpus vendored in the repository (`fixtures/corpus`, with its PROVENANCE.md and
/// LICENSES/).
pub fn corpus() -> PathBuf {
    repo().join("fixtures").join("corpus")
}
