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

/// The instant request fixtures are judged at: 2026-03-10T12:00:00Z.
pub const FIXTURE_NOW: i64 = 1_773_144_000;

/// The baseline plus every rule it leaves off (at warning, all tiers, default parameters), so
/// each rule's fixtures exercise it whatever the packs say. Request rules judge at
/// [`FIXTURE_NOW`], with the past 30 days in scope, usual hours 07:00–19:00 UTC and at most two
/// tier0 activations a day.
pub fn every_rule() -> RuleSet {
    let mut set = baseline();
    set.requests = pim_lint::model::RequestSettings {
        now: Some(FIXTURE_NOW),
        since: Some(30 * 86_400),
        usual: pim_lint::model::UsualActivity {
            hours: Some((7 * 60, 19 * 60)),
            offset_minutes: 0,
            max_per_day: Some(2),
        },
    };
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

/// `line:column CODE message` of each finding, one per line (for assertion messages).
pub fn lines(out: &Outcome) -> String {
    out.findings
        .iter()
        .map(|f| {
            format!(
                "{}:{} {} {}",
                f.position.line, f.position.column, f.code, f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The codes of the findings, in report order.
pub fn codes(out: &Outcome) -> Vec<&'static str> {
    out.findings.iter().map(|f| f.code).collect()
}
