//! Every rule has failing and passing fixtures under fixtures/rules/<CODE>/; a failing fixture
//! must produce the rule's code, a passing one must not. A fixture is a file, or a directory whose
//! files are linted together (a policy with its directory context). The human output of each
//! failing fixture is snapshotted.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

mod common;

use pim_lint::finding::Outcome;
use pim_lint::report::human::{self, Style};
use pim_lint::rules::registry;
use std::collections::HashSet;
use std::path::PathBuf;

fn fixtures(code: &str) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let dir = PathBuf::from("fixtures/rules").join(code);
    let mut fail = Vec::new();
    let mut pass = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            let p = e.path();
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            if name.starts_with("fail") {
                fail.push(p);
            } else if name.starts_with("pass") {
                pass.push(p);
            }
        }
    }
    fail.sort();
    pass.sort();
    (fail, pass)
}

fn lint_fixture(path: &std::path::Path, set: &pim_lint::pack::RuleSet) -> Outcome {
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        common::lint_paths(&files, set)
    } else {
        common::lint_one(path, set)
    }
}

fn render_code(out: &Outcome, code: &str) -> String {
    let mut s = String::new();
    for f in out.findings.iter().filter(|f| f.code == code) {
        s.push_str(&human::render_finding(out, f, Style::PLAIN));
        s.push('\n');
    }
    s
}

#[test]
fn codes_and_names_are_unique_and_documented() {
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for r in registry() {
        assert!(codes.insert(r.code), "duplicate code {}", r.code);
        assert!(names.insert(r.name), "duplicate name {}", r.name);
        for heading in [
            "## What it does",
            "## Why it matters",
            "## Example that fails",
            "## Example that passes",
            "## How to fix",
            "## References",
        ] {
            assert!(r.doc.contains(heading), "{} doc lacks {heading}", r.code);
        }
    }
}

#[test]
fn every_rule_fails_and_passes_its_fixtures() {
    let set = common::every_rule();
    for r in registry() {
        if r.needs == pim_lint::rules::Needs::Config {
            continue; // about .pim-lint.yaml itself: covered by tests/config.rs
        }
        let (fail, pass) = fixtures(r.code);
        assert!(
            !fail.is_empty(),
            "{} has no failing fixture in fixtures/rules/{}",
            r.code,
            r.code
        );
        assert!(
            !pass.is_empty(),
            "{} has no passing fixture in fixtures/rules/{}",
            r.code,
            r.code
        );
        for f in &fail {
            let out = lint_fixture(f, &set);
            assert!(
                out.findings.iter().any(|x| x.code == r.code),
                "{}: {} is silent",
                r.code,
                f.display()
            );
            let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            insta::assert_snapshot!(format!("{}_{}", r.code, stem), render_code(&out, r.code));
        }
        for p in &pass {
            let out = lint_fixture(p, &set);
            let hits: Vec<_> = out
                .findings
                .iter()
                .filter(|x| x.code == r.code)
                .map(|x| &x.message)
                .collect();
            assert!(
                hits.is_empty(),
                "{}: {} should pass but got {hits:?}",
                r.code,
                p.display()
            );
        }
    }
}
