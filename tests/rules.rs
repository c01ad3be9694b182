//! One test per rule fixture. Each rule has failing and passing fixtures under
//! `fixtures/rules/<CODE>/`: a file, or a directory whose files are linted together (a policy
//! with its directory context). A `fail*` fixture must produce the rule's code, and the human
//! output for that code is snapshotted (`rules__<CODE>_<stem>.snap`); a `pass*` fixture must not
//! produce it. Tests are named `<CODE>::<stem>`, so `cargo test --test rules PIM204` runs one
//! rule's cases and every failing case is reported on its own.
//!
//! A fixture directory may hold a `.pim-lint.yaml` (emergency access accounts, ignores): it is
//! applied as `check` applies it, ignores included, on a day before any `until` in a fixture.
//! A fixture directory may hold a `base/` folder: the policies as they were at the `--base`
//! revision (PIM601 compares with them).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

mod common;

use libtest_mimic::{Arguments, Failed, Trial};
use pim_lint::finding::Outcome;
use pim_lint::pack::RuleSet;
use pim_lint::report::human::{self, Style};
use pim_lint::rules::{Needs, RuleDef, registry};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

const FIXTURES: &str = "fixtures/rules";

fn main() {
    let args = Arguments::from_args();
    let mut trials = vec![
        Trial::test(
            "codes_and_names_are_unique_and_documented",
            codes_and_names_are_unique_and_documented,
        ),
        Trial::test(
            "every_rule_has_failing_and_passing_fixtures",
            every_rule_has_failing_and_passing_fixtures,
        ),
        Trial::test(
            "every_fixture_belongs_to_a_rule",
            every_fixture_belongs_to_a_rule,
        ),
        Trial::test(
            "every_rule_cites_its_source_and_its_severity",
            every_rule_cites_its_source_and_its_severity,
        ),
    ];
    // Config rules (raised by suppression) run here when they have fixtures (PIM319).
    for r in registry() {
        for (kind, path) in fixtures(r.code) {
            let name = format!("{}::{}", r.code, stem(&path));
            trials.push(Trial::test(name, move || match kind {
                Kind::Fail => fails(r, &path),
                Kind::Pass => passes(r, &path),
            }));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}

#[derive(Clone, Copy)]
enum Kind {
    Fail,
    Pass,
}

/// The fixtures of one rule, sorted by name; entries named neither `fail*` nor `pass*` are left
/// out (and reported by `every_fixture_belongs_to_a_rule`).
fn fixtures(code: &str) -> Vec<(Kind, PathBuf)> {
    let mut out: Vec<(Kind, PathBuf)> = entries(&Path::new(FIXTURES).join(code))
        .into_iter()
        .filter_map(|p| {
            let name = stem(&p);
            if name.starts_with("fail") {
                Some((Kind::Fail, p))
            } else if name.starts_with("pass") {
                Some((Kind::Pass, p))
            } else {
                None
            }
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_owned()
}

/// Every rule, whatever the packs enable, built once for all trials.
fn every_rule() -> Arc<RuleSet> {
    static SET: OnceLock<Arc<RuleSet>> = OnceLock::new();
    SET.get_or_init(|| Arc::new(common::every_rule())).clone()
}

/// The config file a fixture directory may hold.
const CONFIG: &str = ".pim-lint.yaml";

/// The files of a fixture directory (not its config, not its `base/`).
fn fixture_files(dir: &Path) -> Vec<PathBuf> {
    entries(dir)
        .into_iter()
        .filter(|p| p.is_file() && p.file_name().is_none_or(|n| n != CONFIG))
        .collect()
}

/// Lints a fixture directory's files, compared with its `base/` when it has one.
fn lint_dir(path: &Path, set: &RuleSet) -> Outcome {
    let inputs = fixture_files(path);
    let base = path.join("base");
    if !base.is_dir() {
        return common::lint_paths(&inputs, set);
    }
    let catalog = common::catalog();
    let read = |paths: &[PathBuf]| -> Vec<pim_lint::input::Input> {
        paths
            .iter()
            .map(|p| pim_lint::input::Input::path(p.clone(), true))
            .collect()
    };
    let before = pim_lint::engine::lint(&read(&fixture_files(&base)), set, &catalog);
    pim_lint::engine::lint_against(
        &read(&inputs),
        set,
        &catalog,
        pim_lint::engine::Options::default(),
        Some(&before.policies),
    )
}

fn lint_fixture(path: &Path) -> Outcome {
    let set = every_rule();
    if path.is_dir() {
        let config = path.join(CONFIG);
        if !config.exists() {
            return lint_dir(path, &set);
        }
        let config = pim_lint::config::load(&config, config.display().to_string())
            .expect("the fixture's config loads");
        let mut set = (*set).clone();
        set.emergency = config.emergency();
        set.files = config.files.clone();
        let mut out = lint_dir(path, &set);
        let day = pim_lint::config::Date::parse("2026-12-01").expect("a date");
        pim_lint::suppress::apply(&mut out, &config, &set, day, true);
        out
    } else {
        common::lint_one(path, &set)
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

fn fails(r: &RuleDef, path: &Path) -> Result<(), Failed> {
    let out = lint_fixture(path);
    if !out.findings.iter().any(|x| x.code == r.code) {
        let seen: Vec<_> = out.findings.iter().map(|x| x.code).collect();
        return Err(format!(
            "{} is silent on {} (findings: {seen:?})",
            r.code,
            path.display()
        )
        .into());
    }
    insta::assert_snapshot!(
        format!("{}_{}", r.code, stem(path)),
        render_code(&out, r.code)
    );
    Ok(())
}

fn passes(r: &RuleDef, path: &Path) -> Result<(), Failed> {
    let out = lint_fixture(path);
    let hits: Vec<_> = out
        .findings
        .iter()
        .filter(|x| x.code == r.code)
        .map(|x| &x.message)
        .collect();
    if hits.is_empty() {
        Ok(())
    } else {
        Err(format!("{} should pass but got {hits:?}", path.display()).into())
    }
}

fn codes_and_names_are_unique_and_documented() -> Result<(), Failed> {
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for r in registry() {
        if !codes.insert(r.code) {
            return Err(format!("duplicate code {}", r.code).into());
        }
        if !names.insert(r.name) {
            return Err(format!("duplicate name {}", r.name).into());
        }
        for heading in [
            "## What it does",
            "## Why it matters",
            "## Example that fails",
            "## Example that passes",
            "## How to fix",
            "## References",
        ] {
            if !r.doc.contains(heading) {
                return Err(format!("{} doc lacks {heading}", r.code).into());
            }
        }
    }
    Ok(())
}

/// Where a rule's claim about PIM can be checked: Microsoft Learn (Entra, Azure, the Graph and
/// ARM references live there) and CISA (its site and the SCuBA baselines on GitHub).
const SOURCES: &[&str] = &[
    "https://learn.microsoft.com/",
    "https://www.cisa.gov/",
    "https://github.com/cisagov/",
];

/// Rules about pim-lint's own input or configuration rather than about PIM: no Microsoft or CISA
/// page speaks to them, so any `https://` reference will do (the JSON and YAML specifications,
/// pim-lint's README).
const NOT_ABOUT_PIM: &[&str] = &["PIM001", "PIM013", "PIM014"];

/// The `## NAME` section of a rule's doc, up to the next heading.
fn section<'a>(doc: &'a str, name: &str) -> Option<&'a str> {
    let start = doc.find(&format!("## {name}\n"))?;
    let body = &doc[start + name.len() + 4..];
    Some(body.find("\n## ").map_or(body, |end| &body[..end]))
}

/// Issue 13: each rule's doc names the Microsoft or CISA source of what it asserts (a link a reader
/// can follow) and says why the baseline gives it the severity it has.
fn every_rule_cites_its_source_and_its_severity() -> Result<(), Failed> {
    let mut problems = Vec::new();
    for r in registry() {
        let Some(refs) = section(r.doc, "References") else {
            problems.push(format!("{} has no References section", r.code));
            continue;
        };
        // Bare URLs and Markdown links (`[title](https://…)`) alike.
        let links: Vec<&str> = refs
            .split_whitespace()
            .filter_map(|w| w.find("https://").map(|i| &w[i..]))
            .collect();
        let cited = if NOT_ABOUT_PIM.contains(&r.code) {
            !links.is_empty()
        } else {
            links
                .iter()
                .any(|l| SOURCES.iter().any(|s| l.starts_with(s)))
        };
        if !cited {
            problems.push(format!(
                "{} References link no Microsoft Learn or CISA page (one of {SOURCES:?})",
                r.code
            ));
        }
        if section(r.doc, "Severity").is_none_or(|s| s.trim().is_empty()) {
            problems.push(format!(
                "{} has no Severity section saying why it has its severity",
                r.code
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

/// Every rule that runs on input (not the `.pim-lint.yaml` ones, covered by tests/config.rs)
/// has at least one failing and one passing fixture.
fn every_rule_has_failing_and_passing_fixtures() -> Result<(), Failed> {
    let mut lacking = Vec::new();
    for r in registry().iter().filter(|r| r.needs != Needs::Config) {
        let cases = fixtures(r.code);
        if !cases.iter().any(|(k, _)| matches!(k, Kind::Fail)) {
            lacking.push(format!(
                "{} has no failing fixture in {FIXTURES}/{}",
                r.code, r.code
            ));
        }
        if !cases.iter().any(|(k, _)| matches!(k, Kind::Pass)) {
            lacking.push(format!(
                "{} has no passing fixture in {FIXTURES}/{}",
                r.code, r.code
            ));
        }
    }
    if lacking.is_empty() {
        Ok(())
    } else {
        Err(lacking.join("\n").into())
    }
}

/// No fixture is silently skipped: each directory is a registered rule that runs on input, and
/// each entry in it is named `fail*` or `pass*`.
fn every_fixture_belongs_to_a_rule() -> Result<(), Failed> {
    let mut stray = Vec::new();
    for dir in entries(Path::new(FIXTURES)) {
        let code = stem(&dir);
        // Config rules may have fixtures too (with a `.pim-lint.yaml`).
        if !registry().iter().any(|r| r.code == code) {
            stray.push(format!(
                "{} is not a rule that runs on input",
                dir.display()
            ));
            continue;
        }
        for p in entries(&dir) {
            let name = stem(&p);
            if !name.starts_with("fail") && !name.starts_with("pass") {
                stray.push(format!("{} is named neither fail* nor pass*", p.display()));
            }
        }
    }
    if stray.is_empty() {
        Ok(())
    } else {
        Err(stray.join("\n").into())
    }
}
