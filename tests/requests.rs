//! `pim-lint requests` end to end: the example set in `fixtures/requests` (policies, groups,
//! directory-role and PIM-for-Groups requests, a config with usual hours), judged at a fixed
//! instant, and `check` on the same files.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;

/// The instant the example set is judged at (`PIM_LINT_NOW`).
const NOW: &str = "2026-03-10T12:00:00Z";

fn pim() -> Command {
    let mut c = Command::cargo_bin("pim-lint").expect("binary builds");
    c.env("PIM_LINT_NOW", NOW)
        .env("LC_ALL", "C.UTF-8")
        .env("COLUMNS", "100")
        .env_remove("NO_COLOR");
    c
}

/// Runs and returns the exit code, the JSON report's findings as `(file, code, request)` —
/// the request being the `/value/N` its pointer starts with — and standard error.
fn run(args: &[&str]) -> (Option<i32>, BTreeSet<(String, String, String)>, String) {
    let out = pim().args(args).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let found = v["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            let file = d["file"].as_str().unwrap_or_default();
            let file = file.rsplit('/').next().unwrap_or(file).to_owned();
            let pointer = d["pointer"].as_str().unwrap_or_default();
            let request = pointer.split('/').take(3).collect::<Vec<_>>().join("/");
            (
                file,
                d["code"].as_str().unwrap_or_default().to_owned(),
                request,
            )
        })
        .collect();
    (out.status.code(), found, stderr)
}

fn set(items: &[(&str, &str, &str)]) -> BTreeSet<(String, String, String)> {
    items
        .iter()
        .map(|(f, c, r)| ((*f).to_owned(), (*c).to_owned(), (*r).to_owned()))
        .collect()
}

/// What the pending requests get: the Global Administrator request (8 h of a 4 h cap, no
/// ticket, 30 h old, its requester in the approver group, made at 06:00), the group request
/// without justification, and a note for the Security Administrator request (no policy).
fn pending() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        ("role-requests.json", "PIM701", "/value/0"),
        ("role-requests.json", "PIM703", "/value/0"),
        ("role-requests.json", "PIM704", "/value/0"),
        ("role-requests.json", "PIM705", "/value/0"),
        ("role-requests.json", "PIM706", "/value/0"),
        ("role-requests.json", "PIM708", "/value/2"),
        ("group-requests.json", "PIM702", "/value/0"),
    ]
}

#[test]
fn pending_requests_are_judged_against_their_roles_policies() {
    let (code, found, err) = run(&["requests", "fixtures/requests", "--format", "json"]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(found, set(&pending()));
}

#[test]
fn since_adds_the_past_activations_of_the_window() {
    let (code, found, err) = run(&[
        "requests",
        "fixtures/requests",
        "--since",
        "7d",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(1), "{err}");
    let mut expected = pending();
    // 02:14 on 7 March, outside 07:00–19:00; the third tier0 activation of 8 March (the
    // denied fourth does not count).
    expected.push(("role-requests.json", "PIM706", "/value/3"));
    expected.push(("role-requests.json", "PIM707", "/value/6"));
    assert_eq!(found, set(&expected));

    // A day back reaches none of them.
    let (_, found, _) = run(&[
        "requests",
        "fixtures/requests",
        "--since",
        "PT24H",
        "--format",
        "json",
    ]);
    assert_eq!(found, set(&pending()));
}

#[test]
fn without_the_config_the_usual_activity_checks_do_not_run() {
    let (code, found, err) = run(&[
        "requests",
        "fixtures/requests",
        "--since",
        "7d",
        "--no-config",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(1), "{err}");
    let expected: Vec<_> = pending()
        .into_iter()
        .filter(|(_, c, _)| *c != "PIM706")
        .collect();
    assert_eq!(found, set(&expected));
}

#[test]
fn exit_codes_and_formats_are_checks() {
    let (code, _, err) = run(&["requests", "fixtures/requests", "--fail-on", "never"]);
    assert_eq!(code, Some(0), "{err}");
    let out = pim()
        .args(["requests", "fixtures/requests", "--format", "sarif"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), pending().len());
    let out = pim()
        .args(["requests", "fixtures/requests", "--format", "concise"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("role-requests.json:15:117: PIM701 error"),
        "{text}"
    );
    // An empty folder is an empty run, as for check.
    let empty = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = run(&["requests", empty.path().to_str().expect("utf-8")]);
    assert_eq!(code, Some(2), "{err}");
}

#[test]
fn live_without_a_reachable_tenant_fails_closed() {
    // Nothing listens on port 9: the fetch fails, and nothing is reported as checked.
    let out = pim()
        .args(["requests", "--live", "--no-arm", "--max-retries", "0"])
        .args(["--graph-url", "http://127.0.0.1:9"])
        .env("PIM_LINT_TOKEN", "test-token-not-secret")
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty());
    assert!(err.contains("nothing was linted"), "{err}");
}

#[test]
fn a_since_that_is_no_duration_is_refused() {
    let (code, _, err) = run(&["requests", "fixtures/requests", "--since", "a week"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("is not a duration"), "{err}");
}

#[test]
fn check_reads_requests_as_neither_schedules_nor_findings() {
    // The example set under check: no request rule, no assignment rule on the requests.
    let (_, found, err) = run(&["check", "fixtures/requests", "--format", "json"]);
    assert!(
        found
            .iter()
            .all(|(f, c, _)| !c.starts_with("PIM7") && !f.contains("requests")),
        "{found:?} {err}"
    );
    // A request file among the demo's exports changes nothing check reports.
    let dir = tempfile::tempdir().expect("tempdir");
    let copy = |from: &str, to: &str| {
        std::fs::copy(from, dir.path().join(to)).expect("copy");
    };
    copy(
        "fixtures/demo/entra/directory-roles.json",
        "directory-roles.json",
    );
    copy(
        "fixtures/demo/directory/role-eligibility-schedules.json",
        "role-eligibility-schedules.json",
    );
    let path = dir.path().to_str().expect("utf-8").to_owned();
    let (code_before, before, _) = run(&["check", &path, "--no-config", "--format", "json"]);
    copy("fixtures/requests/role-requests.json", "role-requests.json");
    let (code_after, after, err) = run(&["check", &path, "--no-config", "--format", "json"]);
    assert!(!before.is_empty(), "the demo's exports have findings");
    assert_eq!(before, after, "{err}");
    assert_eq!(code_before, code_after);
}

#[test]
fn ignores_apply_and_each_command_judges_only_its_own_rules_ignores() {
    let dir = tempfile::tempdir().expect("tempdir");
    for f in [
        "policies.json",
        "groups.json",
        "role-requests.json",
        "group-requests.json",
    ] {
        std::fs::copy(format!("fixtures/requests/{f}"), dir.path().join(f)).expect("copy");
    }
    std::fs::write(
        dir.path().join(".pim-lint.yaml"),
        "ignore:\n  - {rule: PIM704, role: Global Administrator, reason: a request rule}\n  - {rule: PIM101, role: Reports Reader, reason: a check rule}\n",
    )
    .expect("config");
    let path = dir.path().to_str().expect("utf-8").to_owned();
    let (_, found, err) = run(&["requests", &path, "--format", "json"]);
    let expected: Vec<_> = pending()
        .into_iter()
        .filter(|(_, c, _)| !["PIM704", "PIM706"].contains(c))
        .collect();
    assert_eq!(found, set(&expected), "{err}");
    // check reports its own unused ignore (the second, line 3), not the request rule's.
    let out = pim()
        .args(["check", &path, "--format", "json"])
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let notes: Vec<(String, u64)> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| {
            d["file"]
                .as_str()
                .is_some_and(|f| f.ends_with(".pim-lint.yaml"))
        })
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(notes, [("PIM014".to_owned(), 3)]);
}

#[test]
fn a_request_after_a_policy_in_one_file_is_reported_not_lost() {
    let dir = tempfile::tempdir().expect("tempdir");
    let policies: Value = serde_json::from_str(
        &std::fs::read_to_string("fixtures/requests/policies.json").expect("policies"),
    )
    .expect("JSON");
    let requests: Value = serde_json::from_str(
        &std::fs::read_to_string("fixtures/requests/role-requests.json").expect("requests"),
    )
    .expect("JSON");
    let mixed = serde_json::json!({"value": [policies["value"][0], requests["value"][0]]});
    std::fs::write(dir.path().join("mixed.json"), mixed.to_string()).expect("write");
    let path = dir.path().join("mixed.json");
    let (code, found, err) = run(&[
        "requests",
        path.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(found, set(&[("mixed.json", "PIM002", "")]));
}

#[test]
fn another_account_of_an_approver_is_the_approver() {
    let dir = tempfile::tempdir().expect("tempdir");
    for f in ["policies.json", "groups.json"] {
        std::fs::copy(format!("fixtures/requests/{f}"), dir.path().join(f)).expect("copy");
    }
    // Casey's admin account (…09) asks for Global Administrator; Casey's everyday account (…03)
    // is in the role's approver group.
    let request = serde_json::json!({"value": [{
        "id": "req-casey", "action": "selfActivate", "status": "PendingApproval",
        "principalId": "a1000000-0000-4000-8000-000000000009",
        "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10", "directoryScopeId": "/",
        "justification": "Break-glass test", "createdDateTime": "2026-03-10T11:00:00Z",
        "scheduleInfo": {"expiration": {"type": "afterDuration", "duration": "PT1H"}},
        "ticketInfo": {"ticketNumber": "CHG-9"}
    }]});
    std::fs::write(dir.path().join("requests.json"), request.to_string()).expect("write");
    std::fs::write(
        dir.path().join("accounts.yaml"),
        "people:\n  - name: casey\n    accounts: [a1000000-0000-4000-8000-000000000003, a1000000-0000-4000-8000-000000000009]\n",
    )
    .expect("write");
    let path = dir.path().to_str().expect("utf-8").to_owned();
    let (_, found, err) = run(&["requests", &path, "--no-config", "--format", "json"]);
    assert_eq!(found, set(&[]), "without the mapping: {err}");
    std::fs::write(
        dir.path().join(".pim-lint.yaml"),
        "account_mapping: accounts.yaml\n",
    )
    .expect("config");
    let (code, found, err) = run(&["requests", &path, "--format", "json"]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(found, set(&[("requests.json", "PIM705", "/value/0")]));
}
