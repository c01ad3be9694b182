//! SARIF, GitHub annotations and Markdown.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

mod common;

use assert_cmd::Command;
use serde_json::Value;
use std::fs;

fn pim() -> Command {
    let mut c = Command::cargo_bin("pim-lint").expect("binary builds");
    c.env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE");
    c
}

fn sarif_of(args: &[&str]) -> Value {
    let out = pim()
        .args(["check", "--format", "sarif"])
        .args(args)
        .output()
        .expect("runs");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("SARIF is JSON: {e}"))
}

#[test]
fn sarif_of_the_demo_validates_against_the_official_schema() {
    let schema: Value = serde_json::from_str(
        &fs::read_to_string("schemas/sarif-schema-2.1.0.json").expect("vendored schema"),
    )
    .expect("JSON");
    let validator = jsonschema::draft4::new(&schema).expect("the SARIF schema compiles");
    let sarif = sarif_of(&["fixtures/demo"]);
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(
        !validator.is_valid(&broken),
        "the validator must be able to fail"
    );
    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), pim_lint::rules::registry().len());
    for r in rules {
        for key in [
            "id",
            "name",
            "shortDescription",
            "fullDescription",
            "help",
            "helpUri",
            "defaultConfiguration",
        ] {
            assert!(!r[key].is_null(), "rule {} lacks {key}", r["id"]);
        }
        assert!(
            r["help"]["markdown"]
                .as_str()
                .is_some_and(|m| m.contains("## Why it matters"))
        );
    }
    let results = run["results"].as_array().expect("results");
    assert!(results.len() >= 10);
    for r in results {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .expect("uri");
        assert!(
            uri.starts_with("fixtures/demo/"),
            "repository-relative: {uri}"
        );
        let i = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
    }
}

#[test]
fn sarif_columns_match_the_json_report() {
    let sarif = sarif_of(&["fixtures/encoding/utf8_lf.json"]);
    let out = pim()
        .args([
            "check",
            "--format",
            "json",
            "fixtures/encoding/utf8_lf.json",
        ])
        .output()
        .expect("runs");
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let diags = json["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(results.len(), diags.len());
    for (r, d) in results.iter().zip(diags) {
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], d["line"]);
        assert_eq!(region["startColumn"], d["column"]);
        assert_eq!(region["endColumn"], d["end_column"]);
    }
}

#[test]
fn fingerprints_survive_reformatting_and_reordering() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = fs::read_to_string("fixtures/demo/entra/directory-roles.json").expect("demo");
    let mut doc: Value = serde_json::from_str(&text).expect("json");
    fs::write(
        dir.path().join("pretty.json"),
        serde_json::to_string_pretty(&doc).expect("ser"),
    )
    .expect("write");
    if let Some(items) = doc["value"].as_array_mut() {
        items.reverse(); // a re-fetch may list the roles in another order
    }
    fs::write(
        dir.path().join("compact.json"),
        serde_json::to_string(&doc).expect("ser"),
    )
    .expect("write");
    let prints = |name: &str| {
        let sarif = sarif_of(&[dir.path().join(name).to_str().expect("utf-8 path")]);
        let mut v: Vec<(String, String, u64)> = sarif["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap_or_default().to_owned(),
                    r["partialFingerprints"]["pimLintFinding/v1"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap_or(0),
                )
            })
            .collect();
        v.sort();
        v
    };
    let pretty = prints("pretty.json");
    let compact = prints("compact.json");
    assert!(pretty.len() >= 5);
    let fp = |v: &[(String, String, u64)]| {
        v.iter()
            .map(|x| (x.0.clone(), x.1.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(fp(&pretty), fp(&compact));
    assert!(
        compact.iter().all(|x| x.2 == 1),
        "the compact copy is one line"
    );
    let unique: std::collections::HashSet<_> = pretty.iter().map(|x| &x.1).collect();
    assert_eq!(
        unique.len(),
        pretty.len(),
        "distinct findings have distinct fingerprints"
    );
}

#[test]
fn github_annotations_are_escaped_most_severe_first_with_totals() {
    let out = pim()
        .args(["check", "--format", "github", "fixtures/demo"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let rank = |l: &str| {
        if l.starts_with("::error") {
            0
        } else if l.starts_with("::warning") {
            1
        } else {
            2
        }
    };
    let ranks: Vec<i32> = lines.iter().map(|l| rank(l)).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "most severe first");
    let last = lines.last().expect("a totals line");
    assert!(
        last.starts_with("::notice title=pim-lint::") && last.contains("11 errors"),
        "{last}"
    );
    for l in &lines[..lines.len() - 1] {
        assert!(
            l.contains("title=PIM") && l.contains(",line=") && l.contains(",col="),
            "{l}"
        );
        let (props, message) = l
            .split_once("::")
            .and_then(|(_, rest)| rest.split_once("::"))
            .expect("command shape");
        assert!(
            !message.contains('\n') && message.contains("%0A%0AHelp: "),
            "{message}"
        );
        assert!(!props.contains("::"));
    }
}

#[test]
fn markdown_summary_has_counts_and_a_table() {
    let out = pim()
        .args(["check", "--format", "markdown", "fixtures/demo"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(
            "## pim-lint\n\n**11 errors, 8 warnings, 1 note in 13 policies across 9 files**"
        ),
        "{text}"
    );
    assert!(text.contains("| Severity | Rule | Subject | Location | Finding |"));
    assert!(text.contains(
        "| error | `PIM101` approval-required | Privileged Role Administrator (tier0) |"
    ));
}

#[test]
fn rule_docs_for_help_uris_are_current() {
    // SARIF helpUri points at docs/rules/CODE.md; those files are `pim-lint explain CODE`.
    for r in pim_lint::rules::registry() {
        let path = format!("docs/rules/{}.md", r.code);
        let expected = pim_lint::app::explain_text(r);
        if std::env::var_os("PIM_LINT_BLESS_DOCS").is_some() {
            fs::create_dir_all("docs/rules").expect("mkdir");
            fs::write(&path, &expected).expect("write");
        }
        let actual = fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            actual, expected,
            "{path} is stale: run PIM_LINT_BLESS_DOCS=1 cargo test"
        );
    }
}

#[test]
fn demo_fingerprints_are_pinned() {
    // Written by the binary before the pipeline was split into stages: code scanning matches
    // alerts across runs by these, so a refactor must not change them.
    let expected = fs::read_to_string("tests/expected/demo_sarif_fingerprints.txt").expect("pin");
    let sarif = sarif_of(&["fixtures/demo"]);
    let mut rows = String::new();
    for r in sarif["runs"][0]["results"].as_array().expect("results") {
        let loc = &r["locations"][0]["physicalLocation"];
        rows.push_str(&format!(
            "{} {}:{} {}\n",
            r["ruleId"].as_str().unwrap_or_default(),
            loc["artifactLocation"]["uri"].as_str().unwrap_or_default(),
            loc["region"]["startLine"],
            r["partialFingerprints"]["pimLintFinding/v1"]
                .as_str()
                .unwrap_or_default()
        ));
    }
    assert_eq!(rows, expected);
}
