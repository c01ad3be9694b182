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

/// One class of hostile input: what to run (in a scratch folder holding the setup), what the
/// run must exit with, a code the report must contain (or text stderr must contain), and text
/// that must never appear in any output.
struct Class {
    name: &'static str,
    setup: fn(&Path) -> Vec<String>,
    stdin: Option<&'static [u8]>,
    exit: i32,
    must: &'static str,
    never: &'static [&'static str],
}

fn copy(from: &str, dir: &Path, name: &str) -> String {
    fs::copy(from, dir.join(name)).expect("copy");
    dir.join(name).display().to_string()
}

fn json_args(dir: &Path, paths: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = vec![
        "check".into(),
        "--no-config".into(),
        "--format".into(),
        "json".into(),
    ];
    v.extend(paths.iter().map(|p| dir.join(p).display().to_string()));
    v
}

/// Every class of the hostile-input catalogue, each run by the real binary under a memory
/// limit (`ulimit -v`, 2 GB) and a time limit (60 s, debug build): fail closed, never crash,
/// never hang, never leak. Finer checks of each class live beside their feature (ambiguity.rs,
/// scale.rs, injection.rs, cli.rs, packs.rs, pipeline.rs); this is the one list.
#[cfg(unix)]
#[test]
fn every_hostile_class_fails_closed_within_time_and_memory_bounds() {
    let classes: Vec<Class> = vec![
        Class {
            name: "policy on standard input",
            setup: |_| {
                vec![
                    "check".into(),
                    "--format".into(),
                    "json".into(),
                    "--no-config".into(),
                    "-".into(),
                ]
            },
            stdin: Some(include_bytes!("../fixtures/rules/PIM101/fail.json")),
            exit: 1,
            must: "PIM101",
            never: &[],
        },
        Class {
            name: "hidden folder is walked",
            setup: |d| {
                fs::create_dir_all(d.join(".azure/pim")).expect("mkdir");
                copy(GOOD, d, ".azure/pim/roles.json");
                json_args(d, &[""])
            },
            stdin: None,
            exit: 1,
            must: "PIM101",
            never: &[],
        },
        Class {
            name: "two rules with one id",
            setup: |d| {
                copy("fixtures/ambiguity/repeated_rule.json", d, "p.json");
                json_args(d, &["p.json"])
            },
            stdin: None,
            exit: 1,
            must: "PIM003",
            never: &[],
        },
        Class {
            name: "keys differing in case",
            setup: |d| {
                copy("fixtures/ambiguity/case_variant_keys.json", d, "p.json");
                json_args(d, &["p.json"])
            },
            stdin: None,
            exit: 1,
            must: "PIM003",
            never: &[],
        },
        Class {
            name: "duplicate keys in YAML",
            setup: |d| {
                copy("fixtures/ambiguity/duplicate_keys.yaml", d, "p.yaml");
                json_args(d, &["p.yaml"])
            },
            stdin: None,
            exit: 1,
            must: "PIM003",
            never: &[],
        },
        Class {
            name: "blank approver ids",
            setup: |d| {
                copy("fixtures/ambiguity/blank_approvers.json", d, "p.json");
                json_args(d, &["p.json"])
            },
            stdin: None,
            exit: 1,
            must: "PIM003",
            never: &[],
        },
        Class {
            name: "policy that is not an object",
            setup: |d| {
                copy("fixtures/ambiguity/policy_not_object.json", d, "p.json");
                json_args(d, &["p.json"])
            },
            stdin: None,
            exit: 1,
            must: "PIM003",
            never: &[],
        },
        Class {
            name: "AdditionalProperties disagreeing",
            setup: |d| {
                copy("fixtures/ambiguity/additional_properties.json", d, "p.json");
                json_args(d, &["p.json"])
            },
            stdin: None,
            exit: 1,
            must: "PIM003",
            never: &[],
        },
        Class {
            name: "overflowing durations",
            setup: |d| {
                copy("fixtures/ambiguity/durations_overflow.json", d, "p.json");
                json_args(d, &["p.json"])
            },
            stdin: None,
            exit: 1,
            must: "PIM004",
            never: &[],
        },
        Class {
            name: "numbers like 1e999999",
            setup: |d| {
                copy("fixtures/ambiguity/huge_numbers.json", d, "p.json");
                json_args(d, &["p.json"])
            },
            stdin: None,
            exit: 1,
            must: "PIM003",
            never: &[],
        },
        Class {
            name: "object with 200,000 keys",
            setup: |d| {
                let keys: Vec<String> = (0..200_000).map(|i| format!("\"k{i}\": {i}")).collect();
                write(
                    d,
                    "wide.json",
                    format!("{{{}, \"k7\": 0}}", keys.join(", ")).as_bytes(),
                );
                json_args(d, &["wide.json"])
            },
            stdin: None,
            exit: 1,
            must: "PIM003",
            never: &[],
        },
        Class {
            name: "YAML alias bomb of large scalars",
            setup: |d| {
                let big = "x".repeat(1 << 20);
                write(
                    d,
                    "bomb.yaml",
                    format!("a: &a \"{big}\"\nb: [{}]\n", vec!["*a"; 200].join(", ")).as_bytes(),
                );
                json_args(d, &["bomb.yaml"])
            },
            stdin: None,
            exit: 1,
            must: "PIM001",
            never: &[],
        },
        Class {
            name: "pack extends graph with fan-out",
            setup: |d| {
                for level in 0..7 {
                    for i in 0..10 {
                        let ext: Vec<String> = if level == 6 {
                            vec!["baseline".into()]
                        } else {
                            (0..10)
                                .map(|j| format!("p{}_{j}.yaml", level + 1))
                                .collect()
                        };
                        write(
                            d,
                            &format!("p{level}_{i}.yaml"),
                            format!(
                                "name: p{level}_{i}\nextends: [{}]\nrules: []\n",
                                ext.join(", ")
                            )
                            .as_bytes(),
                        );
                    }
                }
                let mut a = json_args(d, &[]);
                a.extend([
                    "--pack".into(),
                    d.join("p0_0.yaml").display().to_string(),
                    GOOD.into(),
                ]);
                a
            },
            stdin: None,
            exit: 1,
            must: "PIM101",
            never: &[],
        },
        Class {
            name: "pack error past column 65,535",
            setup: |d| {
                write(
                    d,
                    "long.yaml",
                    format!(
                        "name: x\nrules:\n  - {{rule: PIM101,{}severity: bad}}\n",
                        " ".repeat(70_000)
                    )
                    .as_bytes(),
                );
                let mut a = json_args(d, &[]);
                a.extend([
                    "--pack".into(),
                    d.join("long.yaml").display().to_string(),
                    GOOD.into(),
                ]);
                a
            },
            stdin: None,
            exit: 2,
            must: "unknown severity",
            never: &["panicked"],
        },
        Class {
            name: "config that is a device",
            setup: |d| {
                vec![
                    "check".into(),
                    "--config".into(),
                    "/dev/zero".into(),
                    d.display().to_string(),
                ]
            },
            stdin: None,
            exit: 2,
            must: "/dev/zero",
            never: &[],
        },
        Class {
            name: "extends pointing at the environment",
            setup: |d| {
                write(d, ".pim-lint.yaml", b"extends: [/proc/self/environ]\n");
                vec![
                    "check".into(),
                    "--config".into(),
                    d.join(".pim-lint.yaml").display().to_string(),
                    GOOD.into(),
                ]
            },
            stdin: None,
            exit: 2,
            must: "environ",
            never: &["PIM_LINT_CANARY_SECRET"],
        },
        Class {
            name: "empty config means the defaults",
            setup: |d| {
                write(d, ".pim-lint.yaml", b"# nothing here\n");
                vec![
                    "check".into(),
                    "--format".into(),
                    "json".into(),
                    "--config".into(),
                    d.join(".pim-lint.yaml").display().to_string(),
                    GOOD.into(),
                ]
            },
            stdin: None,
            exit: 1,
            must: "PIM101",
            never: &[],
        },
        Class {
            name: "pack test without cases",
            setup: |d| {
                write(
                    d,
                    "pack.yaml",
                    b"name: mine\nrules:\n  - {rule: PIM101, severity: error}\n",
                );
                vec!["test".into(), d.display().to_string()]
            },
            stdin: None,
            exit: 1,
            must: "no cases",
            never: &[],
        },
        Class {
            name: "ladder of nested approver groups",
            setup: |d| {
                // 40 groups, each containing the next two: 2^40 paths through a 20 KB export.
                let groups: Vec<String> = (0..40).map(|i| {
                let members: Vec<String> = (i + 1..(i + 3).min(40)).map(|j| format!("{{\"@odata.type\": \"#microsoft.graph.group\", \"id\": \"g{j}\"}}")).chain((i == 39).then(|| "{\"@odata.type\": \"#microsoft.graph.user\", \"id\": \"u1\"}".to_owned())).collect();
                format!("{{\"id\": \"g{i}\", \"displayName\": \"g{i}\", \"isAssignableToRole\": true, \"members\": [{}]}}", members.join(", "))
            }).collect();
                write(
                    d,
                    "groups.json",
                    format!("{{\"value\": [{}]}}", groups.join(", ")).as_bytes(),
                );
                write(d, "users.json", b"{\"value\": [{\"id\": \"u1\", \"userPrincipalName\": \"u1@example.com\", \"accountEnabled\": false, \"userType\": \"Member\"}]}");
                write(d, "policy.json", br##"{"policyId": "p", "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10", "policy": {"rules": [{"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule", "id": "Approval_EndUser_Assignment", "setting": {"isApprovalRequired": true, "approvalStages": [{"primaryApprovers": [{"@odata.type": "#microsoft.graph.groupMembers", "groupId": "g0"}]}]}}]}}"##);
                json_args(d, &[""])
            },
            stdin: None,
            exit: 1,
            must: "PIM107",
            never: &[],
        },
        Class {
            name: "ScubaGear export with 20,000 users, role names and exclusions",
            setup: |d| {
                // Every user holds a role of its own name and Global Administrator, every one is
                // excluded from MS.AAD.7.4 and permanently assigned: linear look-ups or a hang.
                let n = 20_000;
                let users: Vec<String> = (0..n)
                    .map(|i| format!("\"u{i}\": {{\"DisplayName\": \"User {i}\", \"OnPremisesImmutableId\": null, \"roles\": [\"Role {i}\", \"Global Administrator\"]}}"))
                    .collect();
                let excluded: Vec<String> = (0..n).map(|i| format!("\"u{i}\"")).collect();
                let assignments: Vec<String> = (0..n)
                    .map(|i| format!("{{\"PrincipalId\": \"u{i}\", \"StartDateTime\": \"/Date(1698183755703)/\", \"EndDateTime\": null}}"))
                    .collect();
                let text = format!(
                    "{{\"scuba_config\": {{\"Aad\": {{\"MS.AAD.7.4v1\": {{\"RoleExclusions\": {{\"Users\": [{}]}}}}}}}}, \"privileged_users\": {{{}}}, \"privileged_roles\": [{{\"DisplayName\": \"Global Administrator\", \"RoleTemplateId\": \"62e90394-69f5-4237-9190-012177145e10\", \"Rules\": [], \"Assignments\": [{}]}}]}}",
                    excluded.join(", "),
                    users.join(", "),
                    assignments.join(", ")
                );
                write(d, "export.json", text.as_bytes());
                let mut args = json_args(d, &["export.json"]);
                args.extend(["--pack".into(), "cisa-scuba".into()]);
                args
            },
            stdin: None,
            exit: 1,
            must: "PIM312",
            never: &[],
        },
        Class {
            name: "HTML, images and mentions for a Markdown comment",
            setup: |d| {
                write(d, "p.json", br##"{"policyId": "p", "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10", "policy": {"rules": [{"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule", "id": "Approval_EndUser_Assignment", "target": {"caller": "<script>alert(1)</script> ![x](http://evil/x.png) @octocat"}, "setting": {"isApprovalRequired": false}}]}}"##);
                vec![
                    "check".into(),
                    "--no-config".into(),
                    "--format".into(),
                    "markdown".into(),
                    d.join("p.json").display().to_string(),
                ]
            },
            stdin: None,
            exit: 1,
            must: "PIM101",
            never: &["<script>", "![x](", "@octocat"],
        },
        Class {
            name: "a formula in a spreadsheet cell",
            setup: |d| {
                write(d, "users.json", br##"{"value": [{"id": "u1", "displayName": "=cmd|' /C calc'!A0", "userPrincipalName": "u1@example.com", "accountEnabled": true, "userType": "Member"}]}"##);
                write(d, "p.json", br##"{"policyId": "p", "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10", "policy": {"rules": [{"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule", "id": "Approval_EndUser_Assignment", "setting": {"isApprovalRequired": true, "approvalStages": [{"primaryApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "userId": "u1"}]}]}}]}}"##);
                vec![
                    "approvers".into(),
                    "--no-config".into(),
                    "--format".into(),
                    "csv".into(),
                    d.display().to_string(),
                ]
            },
            stdin: None,
            exit: 0,
            must: "'=cmd",
            never: &[",=cmd"],
        },
        Class {
            name: "a secret beside a finding",
            setup: |d| {
                write(d, "p.json", br##"{"policyId": "p", "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10",
 "client_secret": "abc123verysecretvalue",
 "policy": {"rules": [{"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule", "id": "Approval_EndUser_Assignment",
  "setting": {"isApprovalRequired": false}}]}}"##);
                vec![
                    "check".into(),
                    "--no-config".into(),
                    d.join("p.json").display().to_string(),
                ]
            },
            stdin: None,
            exit: 1,
            must: "PIM101",
            never: &["abc123verysecretvalue"],
        },
        Class {
            name: "control characters in values",
            setup: |d| {
                write(d, "p.json", br##"{"policyId": "p", "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10", "policy": {"displayName": "x\u001b[2J\u001b]8;;http://evil\u0007fake\rOK", "rules": [{"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule", "id": "Approval_EndUser_Assignment", "target": {"caller": "EndUser\u001b[2J\u001b]8;;http://evil\u0007x\rOK"}, "setting": {"isApprovalRequired": false}}]}}"##);
                vec![
                    "check".into(),
                    "--no-config".into(),
                    d.join("p.json").display().to_string(),
                ]
            },
            stdin: None,
            exit: 1,
            must: "PIM101",
            never: &["\u{1b}[2J", "\u{1b}]8;;", "\r"],
        },
    ];
    let bin = env!("CARGO_BIN_EXE_pim-lint");
    for class in classes {
        let dir = tempfile::tempdir().expect("tempdir");
        let args = (class.setup)(dir.path());
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg("ulimit -v 2000000; exec \"$0\" \"$@\"")
            .arg(bin)
            .args(&args)
            .env("PIM_LINT_CANARY_SECRET", "PIM_LINT_CANARY_SECRET")
            .env_remove("NO_COLOR")
            .timeout(std::time::Duration::from_secs(60));
        if let Some(input) = class.stdin {
            cmd.write_stdin(input);
        }
        let out = cmd.output().expect("runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(class.exit),
            "{}: exit {:?}\nstdout: {}\nstderr: {}",
            class.name,
            out.status.code(),
            stdout.chars().take(2000).collect::<String>(),
            stderr.chars().take(2000).collect::<String>()
        );
        assert!(
            stdout.contains(class.must) || stderr.contains(class.must),
            "{}: `{}` not reported\nstdout: {}\nstderr: {}",
            class.name,
            class.must,
            stdout.chars().take(2000).collect::<String>(),
            stderr.chars().take(2000).collect::<String>()
        );
        for never in class.never {
            assert!(
                !stdout.contains(never) && !stderr.contains(never),
                "{}: output contains {never:?}",
                class.name
            );
        }
    }
}
