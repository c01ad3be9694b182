//! Directory context: the approver report, account linking, and what happens without context.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

mod common;

use assert_cmd::Command;
use serde_json::Value;
use std::fs;

fn pim() -> Command {
    let mut c = Command::cargo_bin("pim-lint").expect("binary builds");
    c.env_remove("NO_COLOR");
    c
}

fn report(args: &[&str]) -> Vec<Value> {
    let out = pim()
        .arg("approvers")
        .args(args)
        .args(["--format", "json", "--no-config"])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    v["approvers"].as_array().cloned().unwrap_or_default()
}

#[test]
fn the_report_matches_a_manual_walk_of_the_demo_for_global_administrator() {
    // By hand, from fixtures/demo: the Global Administrator policy (entra/directory-roles.json)
    // requires approval by group 5c9e1f3a-… ; directory/groups.json says that group is
    // "PIM-Approvers-Tier0" with members Alex Rivera, Morgan Lee and group "SecOps-OnCall",
    // whose member is Sam Okafor; directory/users.json has Morgan disabled; the eligibility
    // schedules make only Alex's *admin* account eligible for Global Administrator.
    let rows: Vec<(String, String, String, String, String)> = report(&["fixtures/demo"])
        .into_iter()
        .filter(|r| r["role"] == "Global Administrator")
        .map(|r| {
            // JSON booleans for the flags (yes/no in CSV and Markdown).
            let s = |k: &str| match &r[k] {
                Value::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
                v => v.as_str().unwrap_or_default().to_owned(),
            };
            (
                s("approver"),
                s("via"),
                s("user"),
                s("account_enabled"),
                s("eligible_for_role"),
            )
        })
        .collect();
    let expected = [
        (
            "PIM-Approvers-Tier0",
            "PIM-Approvers-Tier0",
            "Alex Rivera <alex@contoso.example>",
            "yes",
            "no",
        ),
        (
            "PIM-Approvers-Tier0",
            "PIM-Approvers-Tier0",
            "Morgan Lee <morgan@contoso.example>",
            "no",
            "no",
        ),
        (
            "PIM-Approvers-Tier0",
            "PIM-Approvers-Tier0 > SecOps-OnCall",
            "Sam Okafor <sam@contoso.example>",
            "yes",
            "no",
        ),
    ];
    let expected: Vec<(String, String, String, String, String)> = expected
        .iter()
        .map(|(a, b, c, d, e)| {
            (
                a.to_string(),
                b.to_string(),
                c.to_string(),
                d.to_string(),
                e.to_string(),
            )
        })
        .collect();
    assert_eq!(rows, expected);
}

#[test]
fn roles_without_explicit_approvers_are_listed() {
    let rows = report(&["fixtures/demo"]);
    let group = rows
        .iter()
        .find(|r| r["kind"] == "group")
        .expect("the PIM for Groups policy that requires approval");
    assert_eq!(group["approver_type"], "none");
    let dir = tempfile::tempdir().expect("tempdir");
    fs::copy(
        "fixtures/rules/PIM102/fail_directory_default_approvers.json",
        dir.path().join("p.json"),
    )
    .expect("copy");
    let rows = report(&[dir.path().to_str().expect("utf-8")]);
    assert_eq!(rows[0]["approver_type"], "default approvers");
}

/// A minimal RFC 4180 reader: quoted fields with doubled quotes, CRLF records.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[test]
fn the_csv_is_rfc_4180() {
    let out = pim()
        .args([
            "approvers",
            "fixtures/demo",
            "--format",
            "csv",
            "--no-config",
        ])
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.ends_with("\r\n"));
    let rows = parse_csv(&text);
    assert!(rows.len() > 5);
    assert!(
        rows.iter().all(|r| r.len() == 16),
        "every record has every column"
    );
    assert_eq!(rows[0][0], "role");
    // Names with commas, quotes and line breaks survive a round trip.
    let tricky = "Rivera, \"Alex\"\r\nadmin";
    let line = format!("{}\r\n", pim_lint::report::approvers::csv_field(tricky));
    assert_eq!(parse_csv(&line), vec![vec![tricky.to_owned()]]);
}

#[test]
fn a_deleted_approver_appears_as_deleted() {
    let rows = report(&["fixtures/rules/PIM107/fail_deleted_user"]);
    let deleted = rows
        .iter()
        .find(|r| r["user_id"] == "dead0000-0000-4000-8000-000000000000")
        .expect("the deleted approver is a row");
    // Booleans in JSON: deleted, and whether the account is enabled is unknown (null).
    assert_eq!(deleted["deleted"], Value::Bool(true));
    assert_eq!(deleted["account_enabled"], Value::Null);
}

#[test]
fn an_account_mapping_links_accounts_without_employee_ids() {
    // Blake approves; Alex's admin account is eligible. Different employeeIds: nothing, until the
    // config's account mapping says both accounts are the same person.
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    fs::create_dir_all(d.join(".git")).expect("mkdir");
    for f in [
        "policies.json",
        "users.json",
        "groups.json",
        "eligibility.json",
    ] {
        fs::copy(format!("fixtures/rules/PIM111/pass/{f}"), d.join(f)).expect("copy");
    }
    let codes = |cmd: &mut Command| -> Vec<String> {
        let out = cmd.args(["--format", "json"]).output().expect("runs");
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        v["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|x| x["code"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert!(!codes(pim().current_dir(d).args(["check", "."])).contains(&"PIM111".to_owned()));
    fs::write(d.join("accounts.yaml"), "people:\n  - name: Blake Chen\n    accounts: [blake@contoso.example, adm-alex@contoso.example]\n").expect("write");
    fs::write(d.join(".pim-lint.yaml"), "account_mapping: accounts.yaml\n").expect("write");
    assert!(codes(pim().current_dir(d).args(["check", "."])).contains(&"PIM111".to_owned()));
    fs::write(d.join("accounts.yaml"), "people:\n  - name: Blake\n").expect("write");
    let out = pim()
        .current_dir(d)
        .args(["check", "."])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "a malformed mapping is a run failure"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("each person needs `name` and `accounts`")
    );
}

#[test]
fn without_context_one_note_says_which_files_would_enable_the_checks() {
    let out = pim()
        .args([
            "check",
            "--format",
            "json",
            "fixtures/demo/entra",
            "fixtures/demo/azure",
        ])
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let notes: Vec<&Value> = v["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["code"] == "PIM015")
        .collect();
    assert_eq!(notes.len(), 1, "one note per run");
    assert!(
        notes[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("/users") && m.contains("roleEligibilitySchedules"))
    );
    let with = pim()
        .args(["check", "--format", "json", "fixtures/demo"])
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&with.stdout).expect("json");
    assert!(
        v["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|d| d["code"] != "PIM015")
    );
}

#[test]
fn partial_context_names_the_exports_that_are_missing() {
    // Users exported, but neither groups nor role schedules.
    let out = pim()
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "fixtures/demo/entra",
            "fixtures/demo/directory/users.json",
        ])
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let notes: Vec<String> = v["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["code"] == "PIM015")
        .filter_map(|d| d["message"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(notes.len(), 1, "one note per run: {notes:?}");
    let m = &notes[0];
    assert!(m.contains("Directory context is partial"), "{m}");
    assert!(m.contains("no groups (/groups?$expand=members)"), "{m}");
    assert!(m.contains("no role schedules"), "{m}");
    assert!(m.contains("PIM501"), "{m}");
    assert!(!m.contains("no users"), "{m}");
    // Users and groups, no schedules: only the schedules are named.
    let out = pim()
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "fixtures/demo/entra",
            "fixtures/demo/directory/users.json",
            "fixtures/demo/directory/groups.json",
        ])
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let notes: Vec<String> = v["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["code"] == "PIM015")
        .filter_map(|d| d["message"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("no role schedules"), "{}", notes[0]);
    assert!(
        !notes[0].contains("no groups") && !notes[0].contains("no users"),
        "{}",
        notes[0]
    );
}
