//! `.pim-lint.yaml`: discovery, --config/--no-config, overrides, tiers and suppressions.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

mod common;

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::Path;

fn pim(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("pim-lint").expect("binary builds");
    c.current_dir(dir).env_remove("NO_COLOR");
    c
}

fn repo_with(config: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    fs::create_dir_all(p.join(".git")).expect("a repository root");
    fs::create_dir_all(p.join("exports/entra/nested")).expect("mkdir");
    let demo =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo/entra/directory-roles.json");
    fs::copy(demo, p.join("exports/entra/nested/directory-roles.json")).expect("copy");
    if let Some(c) = config {
        fs::write(p.join(".pim-lint.yaml"), c).expect("write config");
    }
    dir
}

fn json(cmd: &mut Command) -> (Option<i32>, Value, String) {
    let out = cmd.args(["--format", "json"]).output().expect("runs");
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code(),
        v,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn codes(v: &Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

const PRA: &str = "e8611ab8-c189-46e8-94e1-60213ab1f814";

#[test]
fn config_is_discovered_from_a_nested_folder_and_no_config_turns_it_off() {
    let cfg = format!(
        "ignore:\n  - rule: PIM101\n    role: {PRA}\n    reason: \"approval moves to the new approver group in CHG-1042\"\n    until: 2999-12-31\n"
    );
    let dir = repo_with(Some(&cfg));
    let (code, v, _) = json(pim(dir.path()).args(["check", "exports/entra/nested"]));
    assert_eq!(code, Some(1));
    assert!(
        !codes(&v).contains(&"PIM101".to_owned()),
        "suppressed: {:?}",
        codes(&v)
    );
    assert_eq!(v["summary"]["suppressed"], 1);
    assert_eq!(
        v["summary"]["files"], 1,
        "the config file is not counted as linted"
    );
    // The same run from inside the nested folder finds the config too.
    let (_, v, _) = json(pim(&dir.path().join("exports/entra/nested")).args(["check", "."]));
    assert_eq!(v["summary"]["suppressed"], 1);
    let (_, v, _) = json(pim(dir.path()).args(["check", "--no-config", "exports/entra/nested"]));
    assert!(codes(&v).contains(&"PIM101".to_owned()));
    assert_eq!(v["summary"]["suppressed"], 0);
}

#[test]
fn discovery_stops_at_the_repository_root() {
    let outer = tempfile::tempdir().expect("tempdir");
    fs::write(
        outer.path().join(".pim-lint.yaml"),
        "rules: {PIM101: {disabled: true}}\n",
    )
    .expect("write");
    let repo = outer.path().join("repo");
    fs::create_dir_all(repo.join(".git")).expect("mkdir");
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/PIM101/fail.json"),
        repo.join("p.json"),
    )
    .expect("copy");
    let (_, v, _) = json(pim(&repo).args(["check", "p.json"]));
    assert!(
        codes(&v).contains(&"PIM101".to_owned()),
        "a config above the repository root is not used"
    );
}

#[test]
fn an_expired_ignore_stops_applying_and_is_reported() {
    let cfg = "ignore:\n  - rule: approval-required\n    role: Privileged Role Administrator\n    reason: \"temporary\"\n    until: 2001-02-03\n";
    let cfg = cfg.to_owned();
    let dir = repo_with(Some(&cfg));
    let (_, v, _) = json(pim(dir.path()).args(["check", "exports"]));
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    assert!(
        diags.iter().any(|d| d["code"] == "PIM101"),
        "the finding is back"
    );
    let expired = diags
        .iter()
        .find(|d| d["code"] == "PIM013")
        .expect("the expired ignore is reported");
    assert_eq!(expired["severity"], "note");
    assert_eq!(expired["file"], ".pim-lint.yaml");
    assert_eq!(
        (expired["line"].as_u64(), expired["column"].as_u64()),
        (Some(5), Some(12))
    );
    assert!(
        expired["message"]
            .as_str()
            .is_some_and(|m| m.contains("expired on 2001-02-03"))
    );
    assert_eq!(v["summary"]["suppressed"], 0);
}

#[test]
fn an_unused_ignore_is_a_note() {
    let cfg = "ignore:\n  - rule: PIM110\n    scope: /subscriptions/none\n    reason: \"kept from last year\"\n";
    let dir = repo_with(Some(cfg));
    let (code, v, _) = json(pim(dir.path()).args(["check", "exports"]));
    assert_eq!(code, Some(1));
    let unused = v["diagnostics"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["code"] == "PIM014").cloned())
        .expect("reported");
    assert_eq!(unused["severity"], "note");
    assert_eq!(
        (unused["line"].as_u64(), unused["column"].as_u64()),
        (Some(2), Some(5))
    );
}

#[test]
fn severity_override_params_and_fail_on_warning() {
    // Only warnings in this file once PIM204 is lowered; --fail-on decides the exit code.
    let dir = tempfile::tempdir().expect("tempdir");
    fs::create_dir_all(dir.path().join(".git")).expect("mkdir");
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/rules/PIM204/fail_tier0_over_boundary.json"),
        dir.path().join("p.json"),
    )
    .expect("copy");
    let (code, v, _) = json(pim(dir.path()).args(["check", "p.json"]));
    assert_eq!(code, Some(1));
    assert_eq!(v["diagnostics"][0]["severity"], "error");
    fs::write(
        dir.path().join(".pim-lint.yaml"),
        "rules:\n  PIM204: {severity: warning}\n",
    )
    .expect("write");
    let (code, v, _) = json(pim(dir.path()).args(["check", "p.json"]));
    assert_eq!(v["diagnostics"][0]["code"], "PIM204");
    assert_eq!(v["diagnostics"][0]["severity"], "warning");
    assert_eq!(code, Some(0), "warnings do not fail by default");
    let (code, _, _) = json(pim(dir.path()).args(["check", "--fail-on", "warning", "p.json"]));
    assert_eq!(code, Some(1));
    // A looser cap from params makes the finding go away.
    fs::write(
        dir.path().join(".pim-lint.yaml"),
        "rules:\n  activation-duration-cap: {params: {caps: {tier0: PT5H}}}\n",
    )
    .expect("write");
    let (code, v, _) = json(pim(dir.path()).args(["check", "p.json"]));
    assert_eq!(code, Some(0));
    assert!(!codes(&v).contains(&"PIM204".to_owned()), "{:?}", codes(&v));
}

#[test]
fn custom_tier_members_and_enabling_a_rule() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::create_dir_all(dir.path().join(".git")).expect("mkdir");
    // Reports Reader (standard) without approval: nothing, until the config makes it tier0.
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/PIM101/pass_standard_role.json"),
        dir.path().join("p.json"),
    )
    .expect("copy");
    let (_, v, _) = json(pim(dir.path()).args(["check", "p.json"]));
    assert!(!codes(&v).contains(&"PIM101".to_owned()));
    fs::write(
        dir.path().join(".pim-lint.yaml"),
        "roles:\n  tier0: [Reports Reader]\nrules:\n  activation-ticket: {disabled: false}\n",
    )
    .expect("write");
    let (_, v, _) = json(pim(dir.path()).args(["check", "p.json"]));
    let c = codes(&v);
    assert!(
        c.contains(&"PIM101".to_owned()) && c.contains(&"PIM203".to_owned()),
        "{c:?}"
    );
    assert_eq!(v["diagnostics"][0]["role"]["tier"], "tier0");
}

#[test]
fn config_errors_point_into_the_yaml_and_exit_2() {
    let dir = repo_with(Some(
        "ignore:\n  - rule: PIM101\n    role: Global Administrator\n  - rule: PIM999\n    file: \"*.json\"\n    reason: x\nrulez: {}\n",
    ));
    let out = pim(dir.path())
        .args(["check", "exports"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("every ignore needs a `reason`"), "{err}");
    assert!(
        err.contains("unknown rule `PIM999`") && err.contains(".pim-lint.yaml:4:11"),
        "{err}"
    );
    assert!(err.contains("unknown config key `rulez`"), "{err}");
    let out = pim(dir.path())
        .args(["check", "--config", "missing.yaml", "exports"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_explicit_config_and_file_globs() {
    let dir = repo_with(None);
    fs::write(dir.path().join("team.yaml"), "ignore:\n  - rule: PIM303\n    file: \"exports/**/directory-roles.json\"\n    reason: \"break-glass accounts hold Global Administrator permanently\"\n").expect("write");
    let (_, v, _) = json(pim(dir.path()).args(["check", "--config", "team.yaml", "exports"]));
    assert!(!codes(&v).contains(&"PIM303".to_owned()));
    assert_eq!(v["summary"]["suppressed"], 1);
}

#[test]
fn the_config_schema_accepts_the_documented_example() {
    let schema: Value =
        serde_json::from_str(&fs::read_to_string("schemas/config.schema.json").expect("schema"))
            .expect("json");
    let v = jsonschema::validator_for(&schema).expect("compiles");
    let example = "extends: [baseline]\nrules:\n  PIM204: {severity: error, params: {caps: {tier0: PT2H, privileged: PT4H}}}\n  activation-ticket: {disabled: false}\nroles:\n  tier0: [7e526275-97a8-4dc6-932a-4db521cccf96]\nignore:\n  - rule: PIM101\n    role: e8611ab8-c189-46e8-94e1-60213ab1f814\n    reason: \"break-glass role, reviewed quarterly\"\n    until: 2027-03-31\n";
    let src = pim_lint::source::SourceFile::parse(
        "c.yaml".into(),
        example.as_bytes(),
        pim_lint::source::Syntax::Yaml,
    );
    let doc = src.root.as_ref().expect("parses").to_json();
    assert!(
        v.is_valid(&doc),
        "{:?}",
        v.iter_errors(&doc)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    assert!(pim_lint::config::parse("c.yaml".into(), example.as_bytes(), ".".into()).is_ok());
    let bad = serde_json::json!({"ignore": [{"rule": "PIM101", "reason": "no selector"}]});
    assert!(!v.is_valid(&bad));
}

#[test]
fn init_writes_starter_files_and_keeps_existing_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join(".pre-commit-config.yaml"), "repos: []\n").expect("write");
    let out = Command::cargo_bin("pim-lint")
        .expect("bin")
        .arg("init")
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("wrote") && text.contains("kept"), "{text}");
    assert_eq!(
        fs::read_to_string(dir.path().join(".pre-commit-config.yaml")).expect("kept"),
        "repos: []\n"
    );
    let cfg = dir.path().join(".pim-lint.yaml");
    assert!(
        pim_lint::config::load(&cfg, "c".into()).is_ok(),
        "the starter config is valid"
    );
    let wf =
        fs::read_to_string(dir.path().join(".github/workflows/pim-lint.yml")).expect("workflow");
    // The pim-lint Action: annotations, SARIF upload and job summary (tests/workflows.rs lints it).
    assert!(
        wf.contains("uses: pim-lint/pim-lint@")
            && wf.contains("security-events: write")
            && wf.contains("persist-credentials: false"),
        "{wf}"
    );
    // The starter config lints the demo like the baseline does.
    fs::create_dir_all(dir.path().join(".git")).expect("mkdir");
    let demo =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo/entra/directory-roles.json");
    fs::copy(demo, dir.path().join("d.json")).expect("copy");
    let (code, v, err) = json(pim(dir.path()).args(["check", "d.json"]));
    assert_eq!(code, Some(1), "{err}");
    assert!(codes(&v).contains(&"PIM101".to_owned()));
}

#[test]
fn the_starter_config_validates_against_the_schema() {
    let schema: Value =
        serde_json::from_str(&fs::read_to_string("schemas/config.schema.json").expect("schema"))
            .expect("json");
    let v = jsonschema::validator_for(&schema).expect("compiles");
    let text = fs::read_to_string("examples/pim-lint.yaml").expect("starter");
    let src = pim_lint::source::SourceFile::parse(
        "c.yaml".into(),
        text.as_bytes(),
        pim_lint::source::Syntax::Yaml,
    );
    let doc = src.root.as_ref().expect("parses").to_json();
    assert!(
        v.is_valid(&doc),
        "{:?}",
        v.iter_errors(&doc)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
}

/// A rule written in a pack (`X-…`) is named in `rules:` overrides and `ignore:` entries like a
/// built-in rule: by code or name, resolved once the packs are loaded.
#[test]
fn user_rules_are_overridden_and_ignored_like_builtin_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    fs::create_dir_all(d.join(".git")).expect("mkdir");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/packs/exchange-ticket");
    fs::copy(example.join("pack.yaml"), d.join("pack.yaml")).expect("copy");
    fs::copy(
        example.join("cases/exchange-without-ticket.json"),
        d.join("ex.json"),
    )
    .expect("copy");
    let run = |config: &str| {
        fs::write(d.join(".pim-lint.yaml"), config).expect("write");
        json(pim(d).args(["check", "ex.json"]))
    };
    let user = |v: &Value| -> Vec<Value> {
        v["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|x| x["code"] == "X-exchange-ticket")
            .cloned()
            .collect()
    };
    let (_, v, err) = run("extends: [baseline, pack.yaml]\n");
    assert_eq!(user(&v).len(), 1, "{err}");
    assert_eq!(user(&v)[0]["severity"], "error");

    let (_, v, err) = run(
        "extends: [baseline, pack.yaml]\nrules:\n  exchange-activation-ticket: {severity: warning}\n",
    );
    assert_eq!(user(&v).len(), 1, "{err}");
    assert_eq!(user(&v)[0]["severity"], "warning", "the override applies");

    let (_, v, _) =
        run("extends: [baseline, pack.yaml]\nrules:\n  X-exchange-ticket: {disabled: true}\n");
    assert!(user(&v).is_empty());

    let (_, v, err) = run(
        "extends: [baseline, pack.yaml]\nignore:\n  - rule: X-exchange-ticket\n    file: ex.json\n    reason: \"tickets are enforced by the change process\"\n",
    );
    assert!(user(&v).is_empty(), "suppressed: {err}");
    assert_eq!(v["summary"]["suppressed"], 1);
    assert!(
        !codes(&v).contains(&"PIM014".to_owned()),
        "the ignore was used"
    );

    let (code, _, err) = run(
        "extends: [baseline, pack.yaml]\nignore:\n  - rule: X-exchange-tiket\n    file: ex.json\n    reason: r\n",
    );
    assert_eq!(code, Some(2));
    assert!(
        err.contains("unknown rule `X-exchange-tiket`")
            && err.contains(".pim-lint.yaml:3:11")
            && err.contains("Did you mean `X-exchange-ticket`?"),
        "{err}"
    );
}

#[test]
fn an_unused_ignore_is_not_reported_when_the_run_saw_only_some_files() {
    // Pre-commit passes the changed files only: the exception may be for a file not in the run.
    let cfg = "ignore:\n  - rule: PIM110\n    scope: /subscriptions/none\n    reason: \"kept from last year\"\n";
    let dir = repo_with(Some(cfg));
    let (_, v, _) =
        json(pim(dir.path()).args(["check", "exports/entra/nested/directory-roles.json"]));
    assert!(!codes(&v).is_empty(), "the file is linted");
    assert!(!codes(&v).contains(&"PIM014".to_owned()), "{v}");
    // Walking the folder, the same ignore is reported as unused.
    let (_, v, _) = json(pim(dir.path()).args(["check", "exports"]));
    assert!(codes(&v).contains(&"PIM014".to_owned()));
}

/// A repository with the demo's directory exports (Break Glass 1 holds Global Administrator
/// permanently; Sam is eligible for Security Administrator without an end date).
fn repo_with_directory(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    fs::create_dir_all(p.join(".git")).expect("a repository root");
    fs::create_dir_all(p.join("directory")).expect("mkdir");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo/directory");
    for f in fs::read_dir(demo).expect("demo directory").flatten() {
        fs::copy(f.path(), p.join("directory").join(f.file_name())).expect("copy");
    }
    fs::write(p.join(".pim-lint.yaml"), config).expect("write config");
    dir
}

#[test]
fn emergency_accounts_and_principal_ignores_apply_from_the_config() {
    let dir = repo_with_directory("extends: [baseline]\n");
    let (_, v, _) = json(pim(dir.path()).args(["check", "directory"]));
    let before = codes(&v);
    assert!(before.contains(&"PIM310".to_owned()), "{before:?}");
    assert!(before.contains(&"PIM313".to_owned()), "{before:?}");

    let dir = repo_with_directory(
        "emergency_access:\n  - BreakGlass1@contoso.onmicrosoft.com\n  - gone@contoso.onmicrosoft.com\n\
         ignore:\n  - rule: PIM313\n    principal: sam@contoso.example\n    reason: \"on-call rota, reviewed monthly\"\n",
    );
    let (code, v, err) = json(pim(dir.path()).args(["check", "directory"]));
    let after = codes(&v);
    assert!(!after.contains(&"PIM310".to_owned()), "{after:?} {err}");
    assert!(!after.contains(&"PIM313".to_owned()), "{after:?}");
    assert_eq!(v["summary"]["suppressed"], 1, "{v}");
    // The listed account that the users export lacks is an error at its line in the config.
    let missing: Vec<&Value> = v["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["code"] == "PIM319")
        .collect();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0]["file"], ".pim-lint.yaml");
    assert_eq!(missing[0]["line"], 3);
    assert_eq!(missing[0]["severity"], "error");
    assert_eq!(code, Some(1));
}

#[test]
fn emergency_accounts_a_run_cannot_check_are_noted() {
    let dir = repo_with(Some(
        "emergency_access:\n  - breakglass1@contoso.onmicrosoft.com\n",
    ));
    let (_, v, _) = json(pim(dir.path()).args(["check", "."]));
    let notes: Vec<&Value> = v["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["code"] == "PIM319")
        .collect();
    assert_eq!(notes.len(), 1, "{v}");
    assert_eq!(notes[0]["severity"], "note");
    assert!(
        notes[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("no users export")),
        "{notes:?}"
    );
    // A run on single files may not have been given the users export: nothing to note.
    let (_, v, _) =
        json(pim(dir.path()).args(["check", "exports/entra/nested/directory-roles.json"]));
    assert!(!codes(&v).contains(&"PIM319".to_owned()), "{v}");
}
