//! The bad-input catalogue: what tenants, scripts and people produce. Each file gets a clear
//! diagnostic (or the run a clear error), the exit code is right, nothing panics, and the other
//! files of the run are still linted.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

const GOOD: &str = "fixtures/rules/PIM101/fail.json";

fn pim() -> Command {
    let mut c = Command::cargo_bin("pim-lint").expect("binary builds");
    c.env_remove("NO_COLOR");
    c
}

/// file name → codes reported for it.
fn by_file(v: &Value) -> BTreeMap<String, Vec<String>> {
    let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in v["diagnostics"].as_array().into_iter().flatten() {
        let file = d["file"].as_str().unwrap_or_default();
        let name = file.rsplit('/').next().unwrap_or(file).to_owned();
        m.entry(name)
            .or_default()
            .push(d["code"].as_str().unwrap_or_default().to_owned());
    }
    m
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    fs::write(dir.join(name), bytes).expect("write");
}

fn good_text() -> String {
    fs::read_to_string(GOOD).expect("fixture")
}

#[test]
fn every_bad_input_is_a_diagnostic_and_the_good_file_is_still_linted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let good = good_text();
    write(d, "00-good.json", good.as_bytes());
    write(d, "truncated.json", &good.as_bytes()[..good.len() / 3]);
    write(d, "empty.json", b"");
    write(d, "whitespace.json", b"  \n\t\n");
    write(
        d,
        "nan.json",
        br#"{"value": [{"policyId": "p", "roleDefinitionId": "r", "x": NaN}]}"#,
    );
    write(d, "infinity.json", br#"[Infinity]"#);
    write(
        d,
        "deep.json",
        format!("{}{}", "[".repeat(1000), "]".repeat(1000)).as_bytes(),
    );
    write(d, "invalid-utf8.json", b"{\"value\": [\"\xff\xfe\xfd\"]}");
    let utf16_no_bom: Vec<u8> = good.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    write(d, "utf16-no-bom.json", &utf16_no_bom);
    write(
        d,
        "comment.json",
        b"{ // exported by hand\n \"value\": [] }",
    );
    write(d, "trailing-comma.json", b"{\"value\": [1, 2,]}");
    // Valid JSON, hostile content.
    write(
        d,
        "duplicate-keys.json",
        good.replacen(
            "\"isApprovalRequired\": false",
            "\"isApprovalRequired\": true, \"isApprovalRequired\": false",
            1,
        )
        .as_bytes(),
    );
    write(
        d,
        "wrong-types.json",
        good.replace(
            "\"isApprovalRequired\": false",
            "\"isApprovalRequired\": \"false\"",
        )
        .replace(
            "\"isRequestorJustificationRequired\": true",
            "\"isRequestorJustificationRequired\": 1",
        )
        .as_bytes(),
    );
    write(
        d,
        "null-objects.json",
        good.replace("\"setting\": {", "\"setting\": null, \"x\": {")
            .replace("\"target\": {", "\"target\": null, \"y\": {")
            .as_bytes(),
    );
    write(
        d,
        "huge-numbers.json",
        good.replace(
            "\"escalationTimeInMinutes\": 0",
            "\"escalationTimeInMinutes\": 1e999999",
        )
        .replace(
            "\"approvalStageTimeOutInDays\": 1",
            "\"approvalStageTimeOutInDays\": 123456789012345678901234567890",
        )
        .as_bytes(),
    );
    write(d, "rules-not-array.json", br#"{"id": "Directory_x", "scopeId": "/", "scopeType": "Directory", "isOrganizationDefault": false, "rules": {"a": 1}}"#);
    write(d, "rule-not-object.json", br#"{"id": "Directory_x", "scopeId": "/", "scopeType": "Directory", "isOrganizationDefault": false, "rules": [1, "x", null]}"#);
    // 50 MB on a single line.
    let mut big = String::with_capacity(50 * 1024 * 1024 + 64);
    big.push_str("{\"description\": \"");
    big.push_str(&"x".repeat(50 * 1024 * 1024));
    big.push_str("\", \"value\": []}");
    write(d, "single-line-50mb.json", big.as_bytes());
    drop(big);
    // A directory symlink loop (skipped with a warning; the files are reached directly).
    #[cfg(unix)]
    std::os::unix::fs::symlink(d, d.join("loop")).expect("symlink");

    let out = pim()
        .arg("check")
        .arg(d)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON out ({e}); stderr: {stderr}"));
    let files = by_file(&v);
    let has = |f: &str, code: &str| files.get(f).is_some_and(|c| c.iter().any(|x| x == code));
    assert!(
        has("00-good.json", "PIM101"),
        "the good file is still linted: {files:#?}"
    );
    for f in [
        "truncated.json",
        "empty.json",
        "whitespace.json",
        "nan.json",
        "infinity.json",
        "deep.json",
        "invalid-utf8.json",
        "utf16-no-bom.json",
        "comment.json",
        "trailing-comma.json",
    ] {
        assert_eq!(
            files.get(f).map(Vec::as_slice),
            Some(&["PIM001".to_owned()][..]),
            "{f}: {files:#?}"
        );
    }
    assert!(has("duplicate-keys.json", "PIM003"), "{files:#?}");
    assert!(has("wrong-types.json", "PIM003"), "{files:#?}");
    assert!(
        has("rules-not-array.json", "PIM003") && has("rule-not-object.json", "PIM003"),
        "{files:#?}"
    );
    assert!(
        !files.contains_key("single-line-50mb.json"),
        "valid JSON of no known shape is skipped while walking"
    );
    assert!(
        files.contains_key("null-objects.json") && files.contains_key("huge-numbers.json"),
        "{files:#?}"
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "findings, and no run failure: {stderr}"
    );
    #[cfg(unix)]
    assert!(
        stderr.contains("warning:") && stderr.to_lowercase().contains("loop"),
        "the loop is reported: {stderr}"
    );
}

#[test]
fn messages_for_bad_inputs_say_what_is_wrong_and_where() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let cases: &[(&str, &[u8], &str, u64, u64)] = &[
        (
            "deep.json",
            &b"[".repeat(300),
            "nesting deeper than 256 levels",
            1,
            257,
        ),
        (
            "nan.json",
            b"{\"a\": NaN}",
            "NaN and Infinity are not valid JSON numbers",
            1,
            7,
        ),
        (
            "invalid-utf8.json",
            b"{\n\"a\": \"\xff\"}",
            "invalid UTF-8 (byte 0xFF at byte offset 8)",
            2,
            7,
        ),
        (
            "utf16.json",
            b"{\x00\"\x00a\x00\"\x00:\x001\x00}\x00",
            "UTF-16 without a byte order mark",
            1,
            1,
        ),
        ("empty.json", b"", "the file is empty", 1, 1),
        (
            "comment.json",
            b"{\n  # a comment\n}",
            "comments are not allowed in JSON",
            2,
            3,
        ),
    ];
    for (name, bytes, message, line, column) in cases {
        write(d, name, bytes);
        let out = pim()
            .arg("check")
            .arg(d.join(name))
            .args(["--format", "json"])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "{name}");
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        let diag = &v["diagnostics"][0];
        assert_eq!(diag["code"], "PIM001", "{name}");
        assert!(
            diag["message"]
                .as_str()
                .is_some_and(|m| m.contains(message)),
            "{name}: {}",
            diag["message"]
        );
        assert_eq!(
            (diag["line"].as_u64(), diag["column"].as_u64()),
            (Some(*line), Some(*column)),
            "{name}"
        );
        // The human renderer copes as well.
        let human = pim().arg("check").arg(d.join(name)).output().expect("runs");
        assert!(
            String::from_utf8_lossy(&human.stdout).contains("PIM001"),
            "{name}"
        );
    }
}

#[test]
fn an_unreadable_file_fails_the_run_but_the_others_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "good.json", good_text().as_bytes());
    // A dangling symlink cannot be read, whoever runs the tests (root reads mode-000 files).
    #[cfg(unix)]
    std::os::unix::fs::symlink(d.join("missing-target.json"), d.join("dangling.json"))
        .expect("symlink");
    let out = pim()
        .arg("check")
        .arg(d)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "an I/O error is a run failure, never a silent pass"
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(
        by_file(&v)
            .get("good.json")
            .is_some_and(|c| c.contains(&"PIM101".to_owned()))
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("error:"));
}

/// Every file a loader reads (`--config`, `--pack`, `extends`, `account_mapping`) must be a
/// regular file: a FIFO, a device or a directory is a run failure naming the path, never a hang;
/// a file that is not YAML is reported without its bytes.
#[cfg(unix)]
#[test]
fn loaders_read_only_regular_files_and_never_show_a_non_yaml_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    fs::create_dir_all(d.join(".git")).expect("mkdir");
    fs::copy(GOOD, d.join("p.json")).expect("copy");
    let fifo = d.join("fifo.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    assert!(made, "mkfifo");
    fs::create_dir_all(d.join("folder.yaml")).expect("mkdir");
    let run = |args: &[&str], config: Option<&str>| {
        match config {
            Some(c) => write(d, ".pim-lint.yaml", c.as_bytes()),
            None => {
                let _ = fs::remove_file(d.join(".pim-lint.yaml"));
            }
        }
        let out = pim()
            .current_dir(d)
            .env("PIM_LINT_TEST_SECRET", "hunter2-do-not-print")
            .args(["check"])
            .args(args)
            .arg("p.json")
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .expect("runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    for target in ["fifo.yaml", "/dev/zero", "folder.yaml"] {
        let cases: [(Vec<&str>, Option<String>); 4] = [
            (vec!["--config", target], None),
            (vec!["--pack", target], None),
            (vec![], Some(format!("extends: [baseline, {target}]\n"))),
            (vec![], Some(format!("account_mapping: {target}\n"))),
        ];
        for (args, config) in cases {
            let (code, err) = run(&args, config.as_deref());
            assert_eq!(code, Some(2), "{target} {args:?} {config:?}: {err}");
            assert!(err.contains(target), "names the path: {err}");
            assert!(
                err.contains("not a regular file") || err.contains("is a directory"),
                "{err}"
            );
        }
    }
    // /proc/self/environ holds the run's secrets: the error says where, not what.
    if Path::new("/proc/self/environ").exists() {
        for (args, config) in [
            (vec!["--config", "/proc/self/environ"], None),
            (vec!["--pack", "/proc/self/environ"], None),
            (vec![], Some("extends: [/proc/self/environ]\n")),
            (vec![], Some("account_mapping: /proc/self/environ\n")),
        ] {
            let (code, err) = run(&args, config);
            assert_eq!(code, Some(2), "{args:?} {config:?}: {err}");
            assert!(err.contains("/proc/self/environ"), "{err}");
            assert!(
                !err.contains("hunter2"),
                "the file's bytes are shown: {err}"
            );
        }
    }
}
