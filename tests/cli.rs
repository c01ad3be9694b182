//! End-to-end: the binary's exit codes, formats, discovery and the promises of the core issue.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

mod common;

use assert_cmd::Command;
use serde_json::Value;
use std::fs;

fn pim() -> Command {
    let mut c = Command::cargo_bin("pim-lint").expect("binary builds");
    c.env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("PIM_LINT_TERMINAL")
        .env("LC_ALL", "C.UTF-8")
        .env("COLUMNS", "100");
    c
}

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(out)))
}

fn codes(v: &Value) -> Vec<(String, String, u64, u64)> {
    v["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| {
                    let file = d["file"].as_str().unwrap_or_default();
                    let file = file.rsplit('/').next().unwrap_or(file).to_owned();
                    (
                        file,
                        d["code"].as_str().unwrap_or_default().to_owned(),
                        d["line"].as_u64().unwrap_or(0),
                        d["column"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn truncated_file_is_pim001_and_the_others_are_still_linted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = fs::read("fixtures/rules/PIM004/fail.json").expect("fixture");
    fs::write(dir.path().join("a_truncated.json"), &good[..good.len() / 2]).expect("write");
    fs::write(dir.path().join("b_valid.json"), &good).expect("write");
    let out = pim()
        .arg("check")
        .arg(dir.path())
        .args(["--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out.stdout);
    let found = codes(&v);
    let pim001: Vec<_> = found.iter().filter(|c| c.1 == "PIM001").collect();
    assert_eq!(pim001.len(), 1, "{found:?}");
    assert_eq!(pim001[0].0, "a_truncated.json");
    assert!(
        pim001[0].2 > 100 && pim001[0].3 > 1,
        "line/column given: {:?}",
        pim001[0]
    );
    assert!(
        found
            .iter()
            .any(|c| c.0 == "b_valid.json" && c.1 == "PIM004"),
        "{found:?}"
    );
    assert_eq!(v["summary"]["files"], 2);
}

#[test]
fn utf16_with_bom_and_crlf_gives_the_same_findings_and_lines() {
    let run = |f: &str| {
        let out = pim()
            .args(["check", "--format", "json", f])
            .output()
            .expect("runs");
        let v = json_of(&out.stdout);
        let c: Vec<_> = codes(&v)
            .into_iter()
            .map(|(_, code, l, c)| (code, l, c))
            .collect();
        (out.status.code(), c)
    };
    let utf8 = run("fixtures/encoding/utf8_lf.json");
    assert!(
        utf8.1.iter().any(|c| c.0 == "PIM004") && utf8.1.iter().any(|c| c.0 == "PIM007"),
        "{utf8:?}"
    );
    assert_eq!(run("fixtures/encoding/utf16le_bom_crlf.json"), utf8);
    assert_eq!(run("fixtures/encoding/utf8_bom_crlf.json"), utf8);
}

#[test]
fn json_report_has_the_contract_keys() {
    let out = pim()
        .args([
            "check",
            "--format",
            "json",
            "fixtures/rules/PIM011/fail_bad_claim.json",
        ])
        .output()
        .expect("runs");
    let v = json_of(&out.stdout);
    assert_eq!(v["version"], 1);
    let summary: Vec<&str> = v["summary"]
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        summary,
        [
            "errors",
            "files",
            "notes",
            "policies",
            "suppressed",
            "warnings"
        ]
    );
    let d = &v["diagnostics"][0];
    let mut keys: Vec<&str> = d
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "code",
            "column",
            "end_column",
            "end_line",
            "file",
            "help",
            "line",
            "message",
            "pointer",
            "policy_id",
            "role",
            "rule",
            "scope",
            "severity"
        ]
    );
    assert_eq!(d["file"], "fixtures/rules/PIM011/fail_bad_claim.json");
    assert_eq!(d["role"]["id"], "8e3af657-a8ff-443c-a75c-2fe8c4bcb635");
    assert_eq!(d["role"]["name"], "Owner");
    assert_eq!(d["role"]["tier"], "tier0");
    assert_eq!(
        d["scope"],
        "/subscriptions/3f6b2c1d-8e9a-4b7c-a1d2-e3f4a5b6c7d8"
    );
    assert_eq!(
        d["pointer"],
        "/value/0/properties/effectiveRules/6/claimValue"
    );
}

#[test]
fn fail_on_sets_the_exit_code() {
    let notes_only = "fixtures/rules/PIM012/fail.json";
    assert_eq!(
        pim()
            .args(["check", notes_only])
            .output()
            .expect("runs")
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        pim()
            .args(["check", "--fail-on", "note", notes_only])
            .output()
            .expect("runs")
            .status
            .code(),
        Some(1)
    );
    let errors = "fixtures/rules/PIM004/fail.json";
    assert_eq!(
        pim()
            .args(["check", errors])
            .output()
            .expect("runs")
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        pim()
            .args(["check", "--fail-on", "never", errors])
            .output()
            .expect("runs")
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn paths_alone_mean_check() {
    let out = pim()
        .args(["fixtures/rules/PIM004/fail.json", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(codes(&json_of(&out.stdout)).iter().any(|c| c.1 == "PIM004"));
}

#[test]
fn discovery_honours_gitignore_and_skips_unknown_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    fs::create_dir_all(p.join("nested/deeper")).expect("mkdir");
    fs::copy(
        "fixtures/rules/PIM004/fail.json",
        p.join("nested/deeper/policy.json"),
    )
    .expect("copy");
    fs::copy("fixtures/rules/PIM004/fail.json", p.join("ignored.json")).expect("copy");
    fs::write(p.join(".gitignore"), "ignored.json\n").expect("write");
    fs::write(p.join("package.json"), "{\"name\": \"x\"}").expect("write");
    fs::write(p.join("notes.txt"), "not json").expect("write");
    let out = pim()
        .arg("check")
        .arg(p)
        .args(["--format", "json", "--verbose"])
        .output()
        .expect("runs");
    let v = json_of(&out.stdout);
    assert_eq!(
        v["summary"]["files"], 2,
        "policy.json and package.json are read; ignored.json and notes.txt are not"
    );
    let files: Vec<String> = codes(&v).into_iter().map(|c| c.0).collect();
    assert!(files.iter().all(|f| f == "policy.json"), "{files:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("skipped"),
        "--verbose lists skipped files"
    );
    // Named explicitly, the same unknown JSON is an error.
    let out = pim()
        .arg("check")
        .arg(p.join("package.json"))
        .args(["--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(codes(&json_of(&out.stdout))[0].1, "PIM002");
}

#[test]
fn missing_path_is_a_run_failure() {
    let out = pim()
        .args(["check", "does/not/exist"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file"));
}

#[test]
fn rules_lists_every_rule_and_explain_prints_docs() {
    let out = pim().arg("rules").output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for r in pim_lint::rules::registry() {
        assert!(
            text.contains(r.code) && text.contains(r.name),
            "{} missing from `rules`",
            r.code
        );
    }
    let out = pim().args(["explain", "PIM007"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("# PIM007 mfa-authcontext-conflict"),
        "{text}"
    );
    assert!(text.contains("MfaAndAcrsConflict") && text.contains("## Example that passes"));
    let by_name = pim()
        .args(["explain", "mfa-authcontext-conflict"])
        .output()
        .expect("runs");
    assert_eq!(by_name.stdout, out.stdout);
    assert_eq!(
        pim()
            .args(["explain", "PIM999"])
            .output()
            .expect("runs")
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn color_follows_the_flag() {
    let f = "fixtures/rules/PIM004/fail.json";
    let plain = pim().args(["check", f]).output().expect("runs");
    assert!(
        !plain.stdout.contains(&0x1b),
        "no colour when stdout is not a terminal"
    );
    let coloured = pim()
        .args(["check", "--color", "always", f])
        .output()
        .expect("runs");
    assert!(coloured.stdout.contains(&0x1b));
    let never = pim()
        .args(["check", "--color", "never", f])
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert!(!never.stdout.contains(&0x1b));
}

#[test]
fn version_is_printed() {
    let out = pim().arg("--version").output().expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("pim-lint "));
}

#[test]
fn bad_pack_is_a_run_failure_with_a_span() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pack = dir.path().join("pack.yaml");
    fs::write(
        &pack,
        "name: mine\nrules:\n  - {rule: PIM404, severity: error}\n",
    )
    .expect("write");
    let out = pim()
        .args(["check", "--pack"])
        .arg(&pack)
        .arg("fixtures/rules/PIM004/pass.json")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown rule `PIM404`") && err.contains("pack.yaml:3:"),
        "{err}"
    );
}

#[test]
fn readme_shows_real_demo_output() {
    let readme = fs::read_to_string("README.md").expect("README");
    let start = readme.find("```text\n").expect("a text block") + "```text\n".len();
    let block = &readme[start..start + readme[start..].find("```").expect("closed")];
    // As a 100-column terminal shows it (piped output is not wrapped).
    let out = pim()
        .args(["check", "fixtures/demo", "--color", "never"])
        .env("PIM_LINT_TERMINAL", "1")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    for finding in block.split("\n\n").map(str::trim).filter(|b| !b.is_empty()) {
        assert!(
            text.contains(finding),
            "README shows output the demo does not produce:\n{finding}"
        );
    }
}

#[test]
fn readme_rules_table_is_current() {
    let readme = fs::read_to_string("README.md").expect("README");
    let section_at = readme.find("## Rules").expect("a Rules section");
    let section = &readme[section_at..];
    let start = section.find("```text\n").expect("a text block") + "```text\n".len();
    let end = start + section[start..].find("```").expect("closed");
    let block = &section[start..end];
    let out = pim().arg("rules").output().expect("runs");
    let table = String::from_utf8_lossy(&out.stdout);
    if std::env::var_os("PIM_LINT_BLESS_DOCS").is_some() && block != table {
        // The table is generated from the rules: `PIM_LINT_BLESS_DOCS=1 cargo test` writes it.
        let updated = format!(
            "{}{}{}",
            &readme[..section_at + start],
            table,
            &readme[section_at + end..]
        );
        fs::write("README.md", updated).expect("write README");
        return;
    }
    assert_eq!(
        block, table,
        "README's rule table differs from `pim-lint rules`: run PIM_LINT_BLESS_DOCS=1 cargo test"
    );
}

#[test]
fn readme_approver_report_is_current() {
    let readme = fs::read_to_string("README.md").expect("README");
    let out = pim()
        .args([
            "approvers",
            "fixtures/demo",
            "--format",
            "markdown",
            "--no-config",
        ])
        .output()
        .expect("runs");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.lines().count() > 5);
    assert!(
        readme.contains(table.as_ref()),
        "README's approver report differs from `pim-lint approvers fixtures/demo --format markdown`"
    );
}

#[test]
fn standard_input_and_pipes_are_read() {
    let policy = fs::read("fixtures/rules/PIM101/fail.json").expect("fixture");
    let out = pim()
        .args(["check", "-", "--format", "json", "--no-config"])
        .write_stdin(policy.clone())
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["summary"]["files"], 1);
    assert!(
        report["diagnostics"]
            .as_array()
            .expect("list")
            .iter()
            .any(|d| d["code"] == "PIM101" && d["file"] == "<stdin>.json")
    );

    // A named pipe, as a process substitution gives: read once, linted like a file.
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("policy.json");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::write(&fifo, policy))
    };
    let out = pim()
        .args(["check", "--format", "json", "--no-config"])
        .arg(&fifo)
        .output()
        .expect("runs");
    writer.join().expect("writer").expect("written");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["summary"]["files"], 1);
}

#[test]
fn hidden_folders_are_walked_and_verbose_lists_every_skipped_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for sub in [".azure/pim", ".git", "logs"] {
        fs::create_dir_all(d.join(sub)).expect("mkdir");
    }
    let policy = fs::read("fixtures/rules/PIM101/fail.json").expect("fixture");
    fs::write(d.join(".azure/pim/roles.json"), &policy).expect("write");
    fs::write(d.join("logs/old.json"), &policy).expect("write");
    fs::write(d.join(".git/config.json"), &policy).expect("write");
    fs::write(d.join(".gitignore"), "logs/\n").expect("write");
    fs::write(d.join("notes.txt"), "x").expect("write");
    let out = pim()
        .args(["check", "--format", "json", "--verbose", "--no-config"])
        .arg(d)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let files: Vec<&str> = v["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|x| x["file"].as_str())
        .collect();
    assert!(
        files.iter().all(|f| f.ends_with(".azure/pim/roles.json")),
        "{files:?}"
    );
    assert!(!files.is_empty(), "the hidden folder is walked");
    let err = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "notes.txt: not a .json, .yaml, .yml, .tf, .bicep, .bicepparam or .ps1 file",
        "logs/old.json: ignored by .gitignore",
        ".git: the repository's own data",
    ] {
        assert!(err.contains(expected), "{expected} missing from:\n{err}");
    }
}

#[test]
fn a_write_error_on_stdout_fails_every_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let init_dir = dir.path().display().to_string();
    let commands: Vec<Vec<&str>> = vec![
        vec!["check", "fixtures/demo"],
        vec!["check", "fixtures/demo", "--format", "json"],
        vec!["check", "fixtures/demo", "--format", "sarif"],
        vec!["check", "fixtures/demo", "--format", "concise"],
        vec!["check", "fixtures/demo", "--statistics"],
        vec!["rules"],
        vec!["rules", "--format", "json"],
        vec!["explain", "PIM101"],
        vec!["approvers", "fixtures/demo"],
        vec!["completions", "bash"],
        vec!["man"],
        vec!["test", "rules"],
        vec!["init", &init_dir, "--force"],
    ];
    for args in commands {
        let full = fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_pim-lint"))
            .args(&args)
            .stdout(std::process::Stdio::from(full))
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn packs_schemas_expectations_and_workflows_are_not_linted_as_policies() {
    // A pre-commit run on a commit that adds a pack (or edits the CI) must not fail on it
    // (nothing read is then expected: --allow-empty, which the hooks' --skip-unknown implies).
    let out = pim()
        .args([
            "check",
            "--format",
            "json",
            "--no-config",
            "--verbose",
            "--allow-empty",
        ])
        .args([
            "rules/baseline.yaml",
            "rules/strict.yaml",
            "rules/roles.yaml",
            "rules/cases/baseline/tier0-without-approval.expected.yaml",
            "examples/packs/exchange-ticket/pack.yaml",
            "schemas",
            "action.yml",
            ".github/workflows",
        ])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(out.status.code(), Some(0), "{v}");
    assert_eq!(v["summary"]["policies"], 0);
    assert_eq!(v["diagnostics"].as_array().map(Vec::len), Some(0), "{v}");
    let err = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "rules/baseline.yaml: a pim-lint rule pack",
        "rules/roles.yaml: the pim-lint role catalogue",
        "tier0-without-approval.expected.yaml: pim-lint test expectations",
        "schemas/pack.schema.json: a JSON Schema",
        "action.yml: a GitHub Action",
        "ci.yml: a GitHub workflow",
    ] {
        assert!(err.contains(expected), "{expected} not in:\n{err}");
    }
}

#[test]
fn a_run_that_reads_no_policy_says_so_and_fails() {
    // A CI job pointed at the wrong folder: files, none of them a PIM export.
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("package.json"), r#"{"name": "app"}"#).unwrap();
    fs::write(dir.path().join("values.yaml"), "replicas: 3\n").unwrap();
    let out = pim()
        .args(["check", "--no-config", "--format", "concise"])
        .arg(dir.path())
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stdout.contains(
            "no policy or directory export found in 2 files (--verbose lists what was skipped)"
        ),
        "{stdout}"
    );
    assert!(
        stderr.contains("no PIM policy or directory export was found in 2 files read"),
        "{stderr}"
    );
    assert!(stderr.contains("--allow-empty"), "{stderr}");
    // --verbose names what was skipped.
    let verbose = pim()
        .args(["check", "--no-config", "--verbose"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&verbose.stderr).contains("skipped"));
    // Opting out: --allow-empty, and --skip-unknown (pre-commit passes only changed files).
    for flag in ["--allow-empty", "--skip-unknown"] {
        let out = pim()
            .args(["check", "--no-config", flag])
            .arg(dir.path())
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{flag}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("no policy or directory export found")
        );
    }
    // Directory context alone was read: not empty (its own findings decide the exit code), and
    // the summary says no policy was found.
    let out = pim()
        .args([
            "check",
            "--no-config",
            "--format",
            "concise",
            "fixtures/demo/directory",
        ])
        .output()
        .expect("runs");
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("no policy found (directory context only)")
    );
}

/// pim-lint's own packs, configs, schemas, examples and pack test cases are no policies: a run
/// over them reports nothing (it is an empty run, hence --allow-empty).
#[test]
fn the_repository_own_files_get_no_finding() {
    let out = pim()
        .args(["check", "rules", "schemas", "examples", "--allow-empty"])
        .args(["--format", "json", "--no-config"])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        v["diagnostics"].as_array().map(Vec::len),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(out.status.code(), Some(0));
}

/// The pre-commit hook's command on every file of a committed custom pack (the pack, its cases
/// and their expectations) passes.
#[test]
fn pre_commit_passes_a_committed_custom_pack() {
    let files = [
        "examples/packs/exchange-ticket/pack.yaml",
        "examples/packs/exchange-ticket/cases/exchange-without-ticket.json",
        "examples/packs/exchange-ticket/cases/exchange-without-ticket.expected.yaml",
        "examples/packs/exchange-ticket/cases/exchange-with-ticket.json",
        "examples/packs/exchange-ticket/cases/other-role-without-ticket.json",
    ];
    let out = pim()
        .args(["check", "--skip-unknown", "--color", "never"])
        .args(files)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
