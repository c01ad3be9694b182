//! Input that can be read more than one way is resolved strictly, with a finding at the place
//! ("never pass silently"): repeated rules, keys that differ only in case, repeated YAML keys, a
//! policy assigned to two roles, approvers without an id, a `policy` that is no object, values
//! set both in an object and its `AdditionalProperties`, and numbers or durations too large to
//! hold. Fixtures are in `fixtures/ambiguity/`; each test runs the binary and checks the finding,
//! its line and the exit code.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::Path;

const DIR: &str = "fixtures/ambiguity";

fn pim() -> Command {
    let mut c = Command::cargo_bin("pim-lint").expect("binary builds");
    c.env_remove("NO_COLOR").env("COLUMNS", "100");
    c
}

/// One diagnostic of the JSON output.
#[derive(Debug, Clone)]
struct Diag {
    file: String,
    code: String,
    line: u64,
    message: String,
    role: String,
}

/// Lints `paths` (relative to the repository) with the baseline, JSON output: the exit code and
/// the diagnostics.
fn check(paths: &[&str], extra: &[&str]) -> (Option<i32>, Vec<Diag>) {
    let out = pim()
        .arg("check")
        .args(paths)
        .args(["--format", "json", "--no-config"])
        .args(extra)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON out ({e}); stderr: {stderr}"));
    let diags = v["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            let file = d["file"].as_str().unwrap_or_default();
            Diag {
                file: file.rsplit('/').next().unwrap_or(file).to_owned(),
                code: d["code"].as_str().unwrap_or_default().to_owned(),
                line: d["line"].as_u64().unwrap_or(0),
                message: d["message"].as_str().unwrap_or_default().to_owned(),
                role: d["role"]["name"].as_str().unwrap_or_default().to_owned(),
            }
        })
        .collect();
    (out.status.code(), diags)
}

fn fixture(name: &str) -> String {
    format!("{DIR}/{name}")
}

/// The lines of the findings with this code (in report order).
fn lines(diags: &[Diag], code: &str) -> Vec<u64> {
    diags
        .iter()
        .filter(|d| d.code == code)
        .map(|d| d.line)
        .collect()
}

fn with<'a>(diags: &'a [Diag], code: &str, words: &str) -> Vec<&'a Diag> {
    diags
        .iter()
        .filter(|d| d.code == code && d.message.contains(words))
        .collect()
}

#[test]
fn a_rule_repeated_in_a_policy_is_reported_and_both_are_checked() {
    let (code, diags) = check(&[&fixture("repeated_rule.json")], &[]);
    assert_eq!(code, Some(1), "{diags:#?}");
    let repeated = with(&diags, "PIM003", "appears twice");
    assert_eq!(repeated.len(), 1, "{diags:#?}");
    assert_eq!(repeated[0].line, 27, "at the second rule's id");
    assert!(
        repeated[0].message.contains("/policy/rules/0"),
        "names the first"
    );
    // The first rule requires approval; the second turns it off: approval-required judges the
    // second as well (at its `isApprovalRequired`), where reading only the first passed.
    assert_eq!(lines(&diags, "PIM101"), [29], "{diags:#?}");
    // A finding is not repeated for each reading of the policy.
    assert_eq!(lines(&diags, "PIM015").len(), 1, "{diags:#?}");
}

#[test]
fn a_repeated_rule_is_judged_by_user_rules_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pack = dir.path().join("pack.yaml");
    fs::write(
        &pack,
        "name: approval\nrules:\n  - rule: X-approval\n    name: approval-on\n    severity: error\n    message: Activation must require approval\n    help: Set isApprovalRequired.\n    schema:\n      properties:\n        rules:\n          properties:\n            Approval_EndUser_Assignment:\n              properties:\n                setting:\n                  properties:\n                    isApprovalRequired: {const: true}\n",
    )
    .expect("write");
    let pack = pack.to_string_lossy().into_owned();
    let (code, diags) = check(
        &[&fixture("repeated_rule.json")],
        &["--pack", "baseline", "--pack", &pack],
    );
    assert_eq!(code, Some(1));
    assert_eq!(lines(&diags, "X-approval"), [29], "{diags:#?}");
}

#[test]
fn a_rule_repeated_many_times_is_one_finding_and_costs_no_copy_per_repeat() {
    let dir = tempfile::tempdir().expect("tempdir");
    let many = dir.path().join("many.json");
    let rule = r##"{"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule", "id": "Approval_EndUser_Assignment", "setting": {"isApprovalRequired": false}}"##;
    let rules = vec![rule; 20_000].join(",\n");
    fs::write(
        &many,
        format!(
            "{{\"policyId\": \"p\", \"roleDefinitionId\": \"62e90394-69f5-4237-9190-012177145e10\",\n\"policy\": {{\"rules\": [\n{rules}\n]}}}}\n"
        ),
    )
    .expect("write");
    let (code, diags) = check(&[&many.to_string_lossy()], &[]);
    assert_eq!(code, Some(1));
    let repeated = with(&diags, "PIM003", "appears 20000 times");
    assert_eq!(repeated.len(), 1, "one finding per repeated id");
    assert_eq!(repeated[0].line, 4, "at the second occurrence");
    assert!(repeated[0].message.contains("checks the first 16"));
    // Each judged occurrence has its finding, at its own line.
    assert_eq!(lines(&diags, "PIM101"), (3..19).collect::<Vec<u64>>());
}

#[test]
fn scubagear_rules_of_a_role_and_a_group_are_not_repeats() {
    // ScubaGear lists a role's rules and those of a PIM-enabled group holding it, with the same
    // ids and different `RuleSource`s: separate sources, not a repeated rule.
    let (_, diags) = check(
        &["fixtures/corpus/scubagear_sample_ProviderSettingsExport.json"],
        &[],
    );
    assert!(!diags.is_empty());
    assert!(
        with(&diags, "PIM003", "appears twice").is_empty(),
        "{diags:#?}"
    );
}

#[test]
fn keys_that_differ_only_in_case_are_reported_at_the_second() {
    let (code, diags) = check(&[&fixture("case_variant_keys.json")], &[]);
    assert_eq!(code, Some(1));
    let found = with(&diags, "PIM003", "differ only in case");
    assert_eq!(found.len(), 1, "{diags:#?}");
    assert_eq!(
        (found[0].file.as_str(), found[0].line),
        ("case_variant_keys.json", 6)
    );
    assert!(
        found[0]
            .message
            .contains("`isApprovalRequired` and `IsApprovalRequired`")
    );
}

#[test]
fn repeated_yaml_keys_are_reported_like_json_ones() {
    let (code, diags) = check(&[&fixture("duplicate_keys.yaml")], &[]);
    assert_eq!(code, Some(1));
    let found = with(&diags, "PIM003", "appears twice in one object");
    assert_eq!(found.len(), 1, "{diags:#?}");
    assert_eq!(found[0].line, 10);
    assert!(found[0].message.contains("`isApprovalRequired`"));
}

#[test]
fn repeated_keys_in_a_directory_context_file_are_reported() {
    // A file that holds only directory context is read by the context pass alone.
    let dir = tempfile::tempdir().expect("tempdir");
    let users = dir.path().join("users.json");
    fs::write(
        &users,
        "{\"value\": [\n  {\"id\": \"u1\", \"userPrincipalName\": \"a@example.com\",\n   \"accountEnabled\": false,\n   \"accountEnabled\": true}\n]}\n",
    )
    .expect("write");
    let users = users.to_string_lossy().into_owned();
    let (code, diags) = check(&[&fixture("blank_approvers.json"), &users], &[]);
    assert_eq!(code, Some(1));
    let found: Vec<_> = with(&diags, "PIM003", "appears twice in one object")
        .into_iter()
        .filter(|d| d.file == "users.json")
        .collect();
    assert_eq!(found.len(), 1, "{diags:#?}");
    assert_eq!(found[0].line, 4);
}

#[test]
fn a_policy_assigned_to_two_roles_is_checked_for_each() {
    let (code, diags) = check(&[&fixture("two_roles")], &[]);
    assert_eq!(code, Some(1));
    let found = with(&diags, "PIM003", "again to role");
    assert_eq!(found.len(), 1, "{diags:#?}");
    assert_eq!(found[0].file, "assignments.json");
    assert_eq!(
        found[0].line, 16,
        "at the second assignment's roleDefinitionId"
    );
    assert!(
        found[0].message.contains("Helpdesk Administrator")
            && found[0].message.contains("Global Administrator"),
        "{}",
        found[0].message
    );
    // Approval is off: a finding for the tier0 role, which one link alone (the first) missed.
    let approval: Vec<_> = diags.iter().filter(|d| d.code == "PIM101").collect();
    assert_eq!(approval.len(), 1, "{diags:#?}");
    assert_eq!(
        (approval[0].file.as_str(), approval[0].line),
        ("policies.json", 14)
    );
    assert_eq!(approval[0].role, "Global Administrator");
    // Role-independent rules run for each role.
    let mut missing: Vec<&str> = diags
        .iter()
        .filter(|d| d.code == "PIM006")
        .map(|d| d.role.as_str())
        .collect();
    missing.sort_unstable();
    assert_eq!(missing, ["Global Administrator", "Helpdesk Administrator"]);
}

#[test]
fn the_same_assignment_twice_is_no_second_role() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    fs::copy(fixture("two_roles/policies.json"), d.join("policies.json")).expect("copy");
    let assignments = fs::read_to_string(fixture("two_roles/assignments.json")).expect("read");
    fs::write(
        d.join("assignments.json"),
        assignments.replace(
            "62e90394-69f5-4237-9190-012177145e10",
            "729827e3-9c14-49f7-bb1b-9608f156bbb8",
        ),
    )
    .expect("write");
    let (_, diags) = check(&[&d.to_string_lossy()], &[]);
    assert!(
        with(&diags, "PIM003", "again to role").is_empty(),
        "{diags:#?}"
    );
    assert_eq!(lines(&diags, "PIM006").len(), 1, "checked once: {diags:#?}");
}

#[test]
fn approvers_without_an_id_are_reported_and_not_counted() {
    let (code, diags) = check(&[&fixture("blank_approvers.json")], &[]);
    assert_eq!(code, Some(1));
    let found = with(&diags, "PIM003", "names nobody");
    assert_eq!(
        found.iter().map(|d| d.line).collect::<Vec<_>>(),
        [9, 10, 11],
        "{diags:#?}"
    );
    assert!(found[0].message.contains("`userId` is blank"));
    assert!(found[2].message.contains("no `userId`, `groupId` or `id`"));
    // None of them counts: approval is required with no approver at all.
    assert_eq!(lines(&diags, "PIM102"), [8], "{diags:#?}");
    // The requestor's manager names nobody by id, and is an approver.
    assert!(
        !found.iter().any(|d| d.line == 14),
        "a requestorManager approver is not blank"
    );
}

#[test]
fn a_policy_that_is_no_object_is_reported_not_dropped() {
    let (code, diags) = check(&[&fixture("policy_not_object.json")], &[]);
    assert_eq!(code, Some(1));
    let found = with(&diags, "PIM003", "must be an object");
    assert_eq!(
        found.iter().map(|d| d.line).collect::<Vec<_>>(),
        [8, 15],
        "{diags:#?}"
    );
    assert!(found[0].message.contains("found a string"));
    assert!(found[1].message.contains("found an array"));
}

#[test]
fn a_value_set_in_an_object_and_its_additional_properties_is_reported() {
    let (code, diags) = check(&[&fixture("additional_properties.json")], &[]);
    assert_eq!(code, Some(1));
    let found = with(&diags, "PIM003", "AdditionalProperties");
    assert_eq!(found.len(), 1, "{diags:#?}");
    assert_eq!(found[0].line, 16);
    assert!(
        found[0]
            .message
            .contains("`isApprovalRequired` in `setting` is true in the object and false here"),
        "{}",
        found[0].message
    );
    // The same value in both places is no ambiguity.
    let dir = tempfile::tempdir().expect("tempdir");
    let same = dir.path().join("same.json");
    let text = fs::read_to_string(fixture("additional_properties.json")).expect("read");
    fs::write(
        &same,
        text.replace(
            "\"setting\": {\n      \"isApprovalRequired\": false\n    }",
            "\"@odata.context\": \"x\"",
        ),
    )
    .expect("write");
    let (_, diags) = check(&[&same.to_string_lossy()], &[]);
    assert!(with(&diags, "PIM003", "").is_empty(), "{diags:#?}");
}

#[test]
fn numbers_too_large_to_hold_are_reported_never_read_as_infinite() {
    let (code, diags) = check(&[&fixture("huge_numbers.json")], &[]);
    assert_eq!(code, Some(1));
    let found = with(&diags, "PIM003", "must be a whole number");
    assert_eq!(
        found.iter().map(|d| d.line).collect::<Vec<_>>(),
        [8, 9, 19],
        "{diags:#?}"
    );
    assert!(
        found[1]
            .message
            .contains("1e999999, a number too large to read")
    );
    assert!(found[2].message.contains("-1e999999"));
}

#[test]
fn durations_that_overflow_are_invalid_never_small() {
    let (code, diags) = check(&[&fixture("durations_overflow.json")], &[]);
    assert_eq!(code, Some(1));
    assert_eq!(lines(&diags, "PIM004"), [9, 13, 17], "{diags:#?}");
    // Never read as a short, valid duration: no cap or range finding about them.
    for c in ["PIM010", "PIM204", "PIM302", "PIM304"] {
        assert!(lines(&diags, c).is_empty(), "{c}: {diags:#?}");
    }
}

#[test]
fn every_fixture_is_tested() {
    let mut names: Vec<String> = fs::read_dir(Path::new(DIR))
        .expect("fixtures/ambiguity")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let this = fs::read_to_string(file!()).expect("this file");
    for n in names {
        assert!(
            this.contains(&format!("\"{n}")),
            "{n} has no test in {}",
            file!()
        );
    }
}
