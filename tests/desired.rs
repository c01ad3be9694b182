//! pim-lint's desired-state YAML: findings point at the YAML line that sets the value (in the
//! role or in its template), mistakes in the document are PIM003, and `pim-lint convert` writes
//! what reads back as the same 17 rules with the same findings (the demo and the corpus).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

mod common;

use assert_cmd::Command;
use pim_lint::dialect::desired;
use pim_lint::finding::Outcome;
use pim_lint::model::{Policy, RuleId};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn lint_yaml(text: &str) -> Outcome {
    pim_lint::engine::lint_bytes(
        &[("desired.pim.yaml".into(), text.as_bytes().to_vec())],
        &common::every_rule(),
        &common::catalog(),
    )
}

/// `(line, code)` of each finding.
fn at(o: &Outcome) -> Vec<(u32, &'static str)> {
    let mut v: Vec<(u32, &'static str)> = o
        .findings
        .iter()
        .map(|f| (f.position.line, f.code))
        .collect();
    v.sort();
    v
}

#[test]
fn findings_point_at_the_line_that_sets_the_value() {
    let o = common::lint_one(
        &common::repo().join("fixtures/desired/estate.pim.yaml"),
        &common::baseline(),
    );
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    assert_eq!(o.policies.len(), 6);
    let got: Vec<(u32, &str)> = at(&o).into_iter().filter(|(_, c)| *c != "PIM015").collect();
    // Owner raises the tier0 template's cap (line 48); Security Administrator, named by id,
    // overrides the template's `expires` (line 38). The roles that keep the template pass.
    assert_eq!(got, vec![(38, "PIM301"), (48, "PIM204")]);
    let sec = o
        .policies
        .iter()
        .find(|p| p.role.as_ref().and_then(|r| r.name.as_deref()) == Some("Security Administrator"))
        .expect("a role named by its template id is known by the catalogue");
    assert_eq!(sec.tier().map(|t| t.to_string()).as_deref(), Some("tier0"));
    assert!(
        o.policies.iter().all(|p| p.partial),
        "no role sets all 17 rules"
    );
}

#[test]
fn a_value_inherited_from_a_template_is_reported_at_the_template_once_per_role() {
    let text = "pim-lint: desired-state/v1\ntemplates:\n  t0:\n    activation:\n      max: PT10H\nroles:\n  Global Administrator: {extends: t0}\n  Privileged Role Administrator:\n    extends: [t0]\n    activation: {max: PT1H}\n";
    let o = lint_yaml(text);
    let caps: Vec<_> = at(&o).into_iter().filter(|(_, c)| *c == "PIM204").collect();
    // Global Administrator takes PT10H from line 5; Privileged Role Administrator overrides it.
    assert_eq!(caps, vec![(5, "PIM204")]);
}

#[test]
fn mistakes_in_the_document_are_schema_findings_where_they_are_written() {
    let text = "pim-lint: desired-state/v1\ntemplates:\n  t0:\n    activation: {maxx: PT1H}\nroles:\n  Global Administrator:\n    extends: missing\n    activation:\n      max: 4\n      expires: \"true\"\n";
    let o = lint_yaml(text);
    let got: Vec<_> = at(&o).into_iter().filter(|(_, c)| *c == "PIM003").collect();
    assert_eq!(
        got,
        vec![(4, "PIM003"), (7, "PIM003"), (9, "PIM003"), (10, "PIM003")],
        "{:#?}",
        o.findings
            .iter()
            .map(|f| f.message.to_string())
            .collect::<Vec<_>>()
    );
    let o = lint_yaml("pim-lint: desired-state/v9\nroles: {}\n");
    assert!(at(&o).contains(&(1, "PIM003")));
}

#[test]
fn a_role_written_twice_is_an_error_and_only_its_last_entry_is_read() {
    // Line 3 and line 5 both write Global Administrator; the message says pim-lint reads the
    // last, and the reader does: one policy, with the second entry's cap.
    let text = "pim-lint: desired-state/v1\nroles:\n  Global Administrator:\n    activation: {max: PT10H}\n  Global Administrator:\n    activation: {max: PT1H}\n";
    let o = lint_yaml(text);
    let twice: Vec<_> = o.findings.iter().filter(|f| f.code == "PIM003").collect();
    assert_eq!(twice.len(), 1, "{:#?}", o.findings);
    assert!(
        twice[0].message.contains("reads the last"),
        "{}",
        twice[0].message
    );
    assert_eq!(o.policies.len(), 1);
    let (_, _, max) = o.policies[0]
        .expiration(RuleId::ExpirationEndUserAssignment)
        .unwrap();
    let max = max.unwrap();
    assert_eq!(max.value, "PT1H");
    assert_eq!(&text[max.pointer.span.clone()], "PT1H");
    assert!(text[..max.pointer.span.start].matches('\n').count() == 5);
    // The cap written first (PT10H, over the baseline's limit) is not read: no PIM204.
    assert!(!at(&o).iter().any(|(_, c)| *c == "PIM204"), "{:?}", at(&o));
}

#[test]
fn convert_leaves_records_of_assignments_out() {
    // An EasyPIM config's assignments are assignment data, not role settings: convert writes
    // the policies and says what it left out, rather than an empty entry for each role (or a
    // "second policy" note that hides the settings of the first).
    let o = common::lint_one(
        &common::repo().join("fixtures/easypim/assignments-passing.json"),
        &common::baseline(),
    );
    assert_eq!(o.policies.len(), 3);
    let w = desired::write(&o.policies);
    assert!(w.written.is_empty(), "{}", w.text);
    assert!(!w.text.contains("roles:"), "{}", w.text);
    assert_eq!(w.notes.len(), 3, "{:?}", w.notes);
    assert!(
        w.notes
            .iter()
            .all(|n| n.contains("assignments, no role settings"))
    );
    let o = common::lint_one(
        &common::repo().join("fixtures/corpus/easypim_enhanced-sample-config.json"),
        &common::baseline(),
    );
    let w = desired::write(&o.policies);
    assert!(
        !w.notes.iter().any(|n| n.contains("second policy")),
        "{:?}",
        w.notes
    );
    assert!(
        w.text.contains("Security Reader:\n    activation:"),
        "{}",
        w.text
    );
}

#[test]
fn yaml_without_the_marker_is_not_read_as_desired_state() {
    let o = lint_yaml("roles:\n  Global Administrator: {activation: {max: PT24H}}\n");
    assert!(o.policies.is_empty());
    assert_eq!(at(&o), vec![(1, "PIM002")]);
}

/// The rules of a policy as values, without places, targets or discriminators (a target is
/// implied by the rule's id and not written); `Email` and the recipient a notification's key
/// names are what the reader fills in, so a source without them compares equal.
fn norm(p: &Policy) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for k in [
                    "pointer",
                    "setting_pointer",
                    "target",
                    "discriminator",
                    "source",
                    "items",
                ] {
                    m.remove(k);
                }
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut rules = serde_json::Map::new();
    for r in &p.rules {
        let Some(k) = r.known.filter(|k| RuleId::STANDARD.contains(k)) else {
            continue;
        };
        if rules.contains_key(k.as_str()) {
            continue;
        }
        let mut s = serde_json::to_value(&r.setting).unwrap();
        strip(&mut s);
        if let Value::Object(m) = &mut s {
            let implied = k.as_str().split('_').nth(1).unwrap_or_default().to_owned();
            for (key, default) in [
                ("notification_type", "Email".to_owned()),
                ("recipient_type", implied),
            ] {
                if m.get(key).and_then(|v| v.get("value")) == Some(&Value::String(default)) {
                    m.remove(key);
                }
            }
            if m.get("notification_type") == Some(&Value::Null) {
                m.remove("notification_type");
            }
            if m.get("recipient_type") == Some(&Value::Null) {
                m.remove("recipient_type");
            }
        }
        rules.insert(k.as_str().to_owned(), s);
    }
    serde_json::json!({
        "role": p.role.as_ref().map(|r| (r.name.clone(), r.id.clone(), r.tier.map(|t| t.to_string()))),
        "kind": format!("{:?}", p.kind),
        "scope": p.scope,
        "partial": p.partial,
        "rules": rules,
    })
}

/// Findings about settings, as `code message`: those about the source's own shape (PIM001–PIM003,
/// a target that contradicts its id, an unknown role id spelled as the source spells it) and
/// the once-per-run context note do not carry over.
fn setting_findings(o: &Outcome) -> BTreeSet<String> {
    o.findings
        .iter()
        .filter(|f| f.role.is_some())
        .filter(|f| !["PIM001", "PIM002", "PIM003", "PIM006", "PIM015"].contains(&f.code))
        .map(|f| format!("{} {}", f.code, f.message))
        .collect()
}

fn round_trip(paths: &[PathBuf]) -> Result<usize, String> {
    let set = common::every_rule();
    let inputs = pim_lint::input::discover(paths, &mut Vec::new());
    let before = pim_lint::engine::lint(&inputs, &set, &common::catalog());
    let written = desired::write(&before.policies);
    let kept: Vec<&Policy> = written
        .written
        .iter()
        .map(|&i| &before.policies[i])
        .collect();
    if kept.is_empty() {
        return Ok(0);
    }
    let after = pim_lint::engine::lint_bytes(
        &[(
            "converted.pim.yaml".into(),
            written.text.clone().into_bytes(),
        )],
        &set,
        &common::catalog(),
    );
    let show = || format!("{}\n{:#?}", written.text, written.notes);
    if after.policies.len() != kept.len() {
        return Err(format!(
            "{} policies written, {} read back\n{}",
            kept.len(),
            after.policies.len(),
            show()
        ));
    }
    let mut a: Vec<String> = kept.iter().map(|p| norm(p).to_string()).collect();
    let mut b: Vec<String> = after.policies.iter().map(|p| norm(p).to_string()).collect();
    a.sort();
    b.sort();
    for (x, y) in a.iter().zip(&b) {
        if x != y {
            return Err(format!("normalised rules differ:\n{x}\n{y}\n{}", show()));
        }
    }
    // Only findings of the policies written: a file whose every policy was written.
    if written.written.len() == before.policies.len() {
        let (fa, fb) = (setting_findings(&before), setting_findings(&after));
        if fa != fb {
            return Err(format!(
                "findings differ:\nonly before: {:#?}\nonly after: {:#?}",
                fa.difference(&fb).collect::<Vec<_>>(),
                fb.difference(&fa).collect::<Vec<_>>()
            ));
        }
    }
    Ok(kept.len())
}

#[test]
fn the_demo_round_trips() {
    let demo = common::repo().join("fixtures/demo");
    let paths: Vec<PathBuf> = ["entra", "azure", "powershell"]
        .iter()
        .map(|d| demo.join(d))
        .collect();
    let n = round_trip(&paths).unwrap();
    assert_eq!(n, 12);
}

#[test]
fn the_corpus_exports_round_trip() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(common::corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        // ScubaGear reports carry holders and assignments besides settings: not role settings.
        .filter(|p| !file_name(p).starts_with("scubagear_"))
        .collect();
    files.sort();
    let mut converted = 0;
    let mut failures = Vec::new();
    for f in &files {
        match round_trip(std::slice::from_ref(f)) {
            Ok(n) => converted += n,
            Err(e) => failures.push(format!("{}: {e}", file_name(f))),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    eprintln!("{converted} policies converted");
    // Only the corpus exports that say which role a policy governs can be written by role (3
    // today); bare policies and single rules are left out with a note, and convert says so.
    assert!(converted >= 3, "only {converted} policies converted");
}

fn file_name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn a_desired_state_file_converts_to_itself_flattened() {
    let path = common::repo().join("fixtures/desired/estate.pim.yaml");
    let n = round_trip(&[path]).unwrap();
    assert_eq!(n, 6);
}

fn schema() -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(common::repo().join("schemas/desired-state.schema.json")).unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
}

fn yaml_json(text: &str) -> Value {
    let src = pim_lint::source::SourceFile::parse(
        "x.yaml".into(),
        text.as_bytes(),
        pim_lint::source::Syntax::Yaml,
    );
    src.root.as_ref().unwrap().to_json()
}

#[test]
fn the_schema_accepts_the_fixture_and_what_convert_writes_and_rejects_typos() {
    let v = schema();
    let fixture =
        std::fs::read_to_string(common::repo().join("fixtures/desired/estate.pim.yaml")).unwrap();
    let inputs =
        pim_lint::input::discover(&[common::repo().join("fixtures/demo")], &mut Vec::new());
    let demo = pim_lint::engine::lint(&inputs, &common::baseline(), &common::catalog());
    let converted = desired::write(&demo.policies).text;
    for text in [&fixture, &converted] {
        let errors: Vec<String> = v
            .iter_errors(&yaml_json(text))
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
    for bad in [
        "pim-lint: desired-state/v1\nroles: {Global Administrator: {activation: {maxx: PT1H}}}\n",
        "pim-lint: desired-state/v1\nroles: {Global Administrator: {activation: {approval: {approvers: [{someone: x}]}}}}\n",
        "roles: {}\n",
    ] {
        assert!(!v.is_valid(&yaml_json(bad)), "schema accepts {bad}");
    }
}

#[test]
fn convert_writes_the_schema_line_and_reads_back_clean_of_notes() {
    let out = Command::cargo_bin("pim-lint")
        .unwrap()
        .args(["convert", "fixtures/demo", "--to", "yaml"])
        .current_dir(common::repo())
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.starts_with(desired::SCHEMA_LINE), "{text}");
    assert!(text.contains("\npim-lint: desired-state/v1\n"));
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("converted 12 of 13 policies"), "{stderr}");
    assert!(stderr.contains("no role is known"), "{stderr}");

    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("pim-lint")
        .unwrap()
        .args(["convert", "--quiet", "-o"])
        .arg(dir.path().join("out.pim.yaml"))
        .arg(common::repo().join("fixtures/demo/entra"))
        .assert()
        .success()
        .stderr("");
    let back = std::fs::read_to_string(dir.path().join("out.pim.yaml")).unwrap();
    assert!(back.contains("Global Administrator:"));

    // Nothing to convert is a failure, not an empty document.
    std::fs::write(dir.path().join("empty.json"), "{}").unwrap();
    Command::cargo_bin("pim-lint")
        .unwrap()
        .args(["convert"])
        .arg(dir.path().join("empty.json"))
        .assert()
        .code(2);
}
