//! Framework packs, user-defined rules and `pim-lint test`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

mod common;

use assert_cmd::Command;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;

fn pim() -> Command {
    let mut c = Command::cargo_bin("pim-lint").expect("binary builds");
    c.env_remove("NO_COLOR").env("COLUMNS", "100");
    c
}

/// ScubaGear's own verdicts for the export `scubagear_sample_ProviderSettingsExport.json`
/// (report uuid fa5589b7-d528-4f80-8e7d-5c20eda7b6d8), taken from the result file ScubaGear wrote
/// for that same run: cisagov/ScubaGear, PowerShell/ScubaGear/Sample-Reports/
/// ScubaResults_fa5589b7-d528-4f80.json, "Results" → "AAD" → group 7. Each failing control lists
/// the roles ScubaGear names in its "Details"; passing controls list none. MS.AAD.7.2 ("Least
/// Privilege Score = 2 … 2 global admins / 1 privileged users without global admin role") is
/// reported on Global Administrator; MS.AAD.7.3 passes ("0 admin(s) that are not cloud-only").
fn scubagear_verdicts() -> BTreeMap<&'static str, BTreeSet<&'static str>> {
    let hp_alerts = [
        "Cloud Application Administrator",
        "Exchange Administrator",
        "Hybrid Identity Administrator",
        "Privileged Role Administrator",
        "SharePoint Administrator",
    ];
    BTreeMap::from([
        ("MS.AAD.7.1v1", BTreeSet::new()), // Pass: "2 global admin(s) found: Jane Doe, John Public"
        ("MS.AAD.7.2v1", BTreeSet::from(["Global Administrator"])),
        ("MS.AAD.7.3v1", BTreeSet::new()), // Pass
        (
            "MS.AAD.7.4v1",
            BTreeSet::from([
                "Application Administrator",
                "Cloud Application Administrator",
                "Exchange Administrator",
                "Global Administrator",
                "SharePoint Administrator",
                "User Administrator",
            ]),
        ),
        (
            "MS.AAD.7.5v1",
            BTreeSet::from([
                "Global Administrator",
                "SharePoint Administrator",
                "User Administrator",
            ]),
        ),
        ("MS.AAD.7.6v1", BTreeSet::from(["Global Administrator"])),
        (
            "MS.AAD.7.7v1",
            hp_alerts
                .into_iter()
                .chain(["Global Administrator"])
                .collect(),
        ),
        ("MS.AAD.7.8v1", BTreeSet::new()),                 // Pass
        ("MS.AAD.7.9v1", hp_alerts.into_iter().collect()), // Warning (a SHOULD)
    ])
}

#[test]
fn cisa_scuba_pack_agrees_with_scubagear_control_by_control() {
    let file = common::corpus().join("scubagear_sample_ProviderSettingsExport.json");
    let out = pim()
        .args(["check", "--pack", "cisa-scuba", "--format", "json"])
        .arg(&file)
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut ours: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for d in v["diagnostics"].as_array().expect("diagnostics") {
        let control = d["control"]
            .as_str()
            .expect("every cisa-scuba finding names its control")
            .to_owned();
        ours.entry(control)
            .or_default()
            .insert(d["role"]["name"].as_str().unwrap_or_default().to_owned());
    }
    for (control, roles) in scubagear_verdicts() {
        let got: BTreeSet<&str> = ours
            .get(control)
            .map(|s| s.iter().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(got, roles, "{control}: pim-lint and ScubaGear disagree");
    }
    assert!(
        ours.keys()
            .all(|c| scubagear_verdicts().contains_key(c.as_str())),
        "{:?}",
        ours.keys()
    );
    // SHALL controls are errors, the SHOULD (7.9) a warning.
    for d in v["diagnostics"].as_array().expect("diagnostics") {
        let expected = if d["control"] == "MS.AAD.7.9v1" {
            "warning"
        } else {
            "error"
        };
        assert_eq!(d["severity"], expected, "{}", d["control"]);
    }
}

#[test]
fn the_projects_own_pack_cases_pass() {
    let out = pim().args(["test", "rules"]).output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    for pack in ["baseline", "strict", "cisa-scuba", "cis-m365"] {
        assert!(
            text.contains(&format!("[{pack}]")),
            "no case ran for {pack}:\n{text}"
        );
    }
    assert!(text.trim_end().ends_with(" passed, 0 failed"), "{text}");
}

/// The example pack's failing case, copied away from its `.expected.yaml` (beside it, `check`
/// leaves a pack's test case to `pim-lint test`).
fn loose_case() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let to = dir.path().join("exchange-without-ticket.json");
    fs::copy(
        "examples/packs/exchange-ticket/cases/exchange-without-ticket.json",
        &to,
    )
    .expect("copy");
    (dir, to)
}

#[test]
fn user_rule_example_works_end_to_end_and_a_wrong_expectation_shows_a_diff() {
    let out = pim()
        .args(["test", "examples/packs/exchange-ticket"])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let (_keep, case) = loose_case();
    let out = pim()
        .args([
            "check",
            "--format",
            "json",
            "--pack",
            "examples/packs/exchange-ticket/pack.yaml",
        ])
        .arg(&case)
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let d = &v["diagnostics"][0];
    assert_eq!(
        (
            d["code"].as_str(),
            d["control"].as_str(),
            d["line"].as_u64()
        ),
        (Some("X-exchange-ticket"), Some("ACME-PAM-7"), Some(107))
    );
    assert_eq!(
        d["pointer"], "/value/0/policy/rules/5/enabledRules",
        "the finding points at the field in the source file"
    );

    // A pack whose expectation is wrong: the case fails with a readable diff.
    let dir = tempfile::tempdir().expect("tempdir");
    let pack = dir.path().join("acme");
    fs::create_dir_all(pack.join("cases")).expect("mkdir");
    fs::copy(
        "examples/packs/exchange-ticket/pack.yaml",
        pack.join("pack.yaml"),
    )
    .expect("copy");
    fs::copy(
        "examples/packs/exchange-ticket/cases/exchange-without-ticket.json",
        pack.join("cases/exchange.json"),
    )
    .expect("copy");
    fs::write(pack.join("cases/exchange.expected.yaml"), "- {code: X-exchange-ticket, line: 99, severity: error}\n- {code: PIM101, line: 143, severity: error}\n").expect("write");
    let out = pim()
        .current_dir(dir.path())
        .args(["test", "acme"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("pim_lint_test_diff", String::from_utf8_lossy(&out.stdout));
}

fn pack_error(text: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.yaml");
    fs::write(&path, text).expect("write");
    let out = pim()
        .arg("check")
        .arg("--pack")
        .arg(&path)
        .arg("fixtures/demo")
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "a malformed pack is a run failure"
    );
    String::from_utf8_lossy(&out.stderr).replace(&path.display().to_string(), "bad.yaml")
}

#[test]
fn malformed_packs_give_span_accurate_errors() {
    let e = pack_error("name: bad\nrules:\n  - {rule: PIM777, severity: error}\n");
    assert!(
        e.contains("unknown rule `PIM777`") && e.contains("bad.yaml:3:12"),
        "{e}"
    );
    let e = pack_error(
        "name: bad\nrules:\n  - rule: PIM204\n    severity: error\n    params: {caps: {tier0: 4h}}\n",
    );
    assert!(
        e.contains("parameter `caps` of PIM204") && e.contains("bad.yaml:5:28"),
        "{e}"
    );
    let e = pack_error(
        "name: bad\nrules:\n  - rule: PIM103\n    severity: warning\n    params: {min: two}\n",
    );
    assert!(
        e.contains("expected a whole number") && e.contains("bad.yaml:5:19"),
        "{e}"
    );
    let e = pack_error(
        "name: bad\nrules:\n  - rule: X-broken\n    severity: error\n    message: m\n    schema: {type: 12}\n",
    );
    assert!(
        e.contains("invalid JSON Schema") && e.contains("bad.yaml:6:13"),
        "{e}"
    );
    let e = pack_error("name: bad\nrules:\n  - rule: X-no-schema\n    severity: error\n");
    assert!(
        e.contains("needs a `message`") && e.contains("needs a `schema`"),
        "{e}"
    );
    let e = pack_error("name: bad\nrules:\n  - {rule: PIM101, severity: error, message: nope}\n");
    assert!(e.contains("only for user-defined rules"), "{e}");
}

#[test]
fn controls_travel_to_sarif_and_rules_lists_what_a_pack_turns_on() {
    let file = common::corpus().join("scubagear_sample_ProviderSettingsExport.json");
    let out = pim()
        .args(["check", "--pack", "cisa-scuba", "--format", "sarif"])
        .arg(&file)
        .output()
        .expect("runs");
    let sarif: Value = serde_json::from_slice(&out.stdout).expect("sarif");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().all(|r| {
        r["properties"]["control"]
            .as_str()
            .is_some_and(|c| c.starts_with("MS.AAD.7."))
    }));
    let out = pim()
        .args(["rules", "--pack", "cisa-scuba"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("error (Global Administrator) [MS.AAD.7.6v1]"),
        "{text}"
    );
    assert!(
        text.contains("[MS.AAD.7.8v1]; warning (7 roles) [MS.AAD.7.9v1]"),
        "{text}"
    );
    let out = pim()
        .args(["rules", "--pack", "strict"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("PIM203"))
        .expect("PIM203 listed");
    assert!(
        line.contains("activation-ticket") && line.contains("tier0: warning, privileged: warning"),
        "{line}"
    );
}

#[test]
fn the_normalised_policy_validates_against_its_published_schema() {
    let schema: Value =
        serde_json::from_str(&fs::read_to_string("schemas/policy.schema.json").expect("schema"))
            .expect("json");
    let v = jsonschema::validator_for(&schema).expect("compiles");
    let set = common::baseline();
    for f in [
        "fixtures/demo/entra/directory-roles.json",
        "fixtures/demo/azure/prod-subscription-policy-assignments.json",
        "fixtures/demo/powershell/messaging-and-helpdesk.json",
    ] {
        let out = common::lint_one(std::path::Path::new(f), &set);
        for p in &out.policies {
            let view = pim_lint::model::view::view(p);
            assert!(
                v.is_valid(&view.json),
                "{f}: {:?}",
                v.iter_errors(&view.json)
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
            );
            assert!(
                view.json["rules"]["Approval_EndUser_Assignment"]["setting"]["isApprovalRequired"]
                    .is_boolean()
            );
        }
    }
}

#[test]
fn a_user_rule_is_in_sarif_driver_rules_and_explain_like_a_builtin() {
    let pack = "examples/packs/exchange-ticket/pack.yaml";
    let (_keep, case) = loose_case();
    let out = pim()
        .args(["check", "--format", "sarif", "--no-config", "--pack", pack])
        .arg(&case)
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("sarif");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let (index, rule) = rules
        .iter()
        .enumerate()
        .find(|(_, r)| r["id"].as_str().is_some_and(|id| id.starts_with("X-")))
        .expect("the pack's rule among driver.rules");
    assert!(
        rule["shortDescription"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    assert!(
        rule.get("helpUri").is_none(),
        "no docs page for a pack's own rule"
    );
    let result = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == rule["id"])
        .expect("a result of the user rule");
    assert_eq!(result["ruleIndex"].as_u64(), Some(index as u64));

    let code = rule["id"].as_str().expect("id");
    let out = pim()
        .args(["explain", code, "--pack", pack])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with(&format!("# {code} ")), "{text}");
}

#[test]
fn an_extends_graph_with_fan_out_loads_each_pack_once() {
    // 7 levels of 10 packs, each extending all 10 of the next level: 10^7 paths, 70 packs.
    let dir = tempfile::tempdir().expect("tempdir");
    for level in 0..7 {
        for i in 0..10 {
            let extends: Vec<String> = if level == 6 {
                vec!["baseline".into()]
            } else {
                (0..10)
                    .map(|j| format!("p{}_{j}.yaml", level + 1))
                    .collect()
            };
            let text = format!(
                "name: p{level}_{i}\nextends: [{}]\nrules:\n  - {{rule: PIM101, severity: error}}\n",
                extends.join(", ")
            );
            std::fs::write(dir.path().join(format!("p{level}_{i}.yaml")), text).expect("write");
        }
    }
    let out = pim()
        .timeout(std::time::Duration::from_secs(60))
        .args(["check", "--no-config", "--format", "json", "--pack"])
        .arg(dir.path().join("p0_0.yaml"))
        .arg("fixtures/rules/PIM101/fail.json")
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_pack_error_past_column_65535_is_reported_not_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pack = dir.path().join("long.yaml");
    let text = format!(
        "name: x\nrules:\n  - {{rule: PIM101,{}severity: bad}}\n",
        " ".repeat(70_000)
    );
    std::fs::write(&pack, text).expect("write");
    let out = pim()
        .args(["check", "--no-config", "--pack"])
        .arg(&pack)
        .arg("fixtures/rules/PIM101/fail.json")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("long.yaml:3:70029") && err.contains("unknown severity"),
        "{err}"
    );
}

#[test]
fn a_pack_test_without_cases_or_with_an_unreadable_case_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(
        d.join("pack.yaml"),
        "name: mine\nrules:\n  - {rule: PIM101, severity: error}\n",
    )
    .expect("write");
    // No cases at all.
    let out = pim().arg("test").arg(d).output().expect("runs");
    assert_ne!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("no cases"));
    // A case that cannot be read (a dangling link).
    std::fs::create_dir_all(d.join("cases")).expect("mkdir");
    std::os::unix::fs::symlink(d.join("missing.json"), d.join("cases/gone.json")).expect("link");
    let out = pim().arg("test").arg(d).output().expect("runs");
    assert_ne!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("FAIL"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A ScubaGear-shaped document whose `RoleTemplateId` is a placeholder (`Role1`): the role is
/// known by its display name, so it is tier0 and the cisa-scuba pack's role selectors (template
/// ids) match it.
#[test]
fn a_placeholder_role_id_is_resolved_by_display_name() {
    let file =
        std::path::Path::new("fixtures/rules/PIM101/fail_scubagear_placeholder_role_id.json");
    let out = pim()
        .args(["check", "--pack", "cisa-scuba", "--format", "json"])
        .arg(file)
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let found: Vec<(String, String)> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["control"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert!(
        found
            .iter()
            .any(|(code, control)| code == "PIM101" && control == "MS.AAD.7.6v1"),
        "{found:?}"
    );
    // The report says the role was known by name: it gives the catalogue's template id.
    let d = &v["diagnostics"][0];
    assert_eq!(d["role"]["id"], "Role1");
    assert_eq!(
        d["role"]["template_id"],
        "62e90394-69f5-4237-9190-012177145e10"
    );
}

/// The rules ScubaGear appends for a PIM-enabled group holding a role are checked as that
/// group's own policy, at the role's tier, and a finding names the group and the role.
#[test]
fn a_scubagear_pim_group_source_is_its_own_policy() {
    let file = std::path::Path::new("fixtures/rules/PIM101/fail_scubagear_pim_group_source.json");
    let out = pim()
        .args(["check", "--format", "json"])
        .arg(file)
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    for code in ["PIM101", "PIM201"] {
        let hits: Vec<&Value> = diags.iter().filter(|d| d["code"] == code).collect();
        assert_eq!(hits.len(), 1, "{code}: {hits:?}");
        let d = hits[0];
        let text = d.to_string();
        assert!(text.contains("Tier0 Admins"), "{text}");
        assert!(text.contains("Global Administrator"), "{text}");
        assert_eq!(d["role"]["tier"], "tier0", "{text}");
        assert_eq!(
            d["role"]["grants"]["name"], "Global Administrator",
            "{text}"
        );
        assert_eq!(d["scope"], "Tier0 Admins", "{text}");
    }
}

/// ScubaGear's own rego test inputs use placeholder role ids (`Role1`) with real display names,
/// so the cisa-scuba pack now sees their roles; each input named `…_Correct_…` passes the
/// control it was written for, as in ScubaGear's tests.
#[test]
fn scubagear_correct_rego_inputs_pass_their_control() {
    for (file, control) in [
        (
            "scubagear_rego_MS.AAD.7.5_test_Assignments_Correct_input.json",
            "MS.AAD.7.5v1",
        ),
        (
            "scubagear_rego_MS.AAD.7.6_test_AdditionalProperties_Correct_V3_input.clean.json",
            "MS.AAD.7.6v1",
        ),
        (
            "scubagear_rego_MS.AAD.7.7_test_notificationRecipients_Correct_input.json",
            "MS.AAD.7.7v1",
        ),
    ] {
        let out = pim()
            .args(["check", "--pack", "cisa-scuba", "--format", "json"])
            .arg(common::corpus().join(file))
            .output()
            .expect("runs");
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        let diags = v["diagnostics"].as_array().expect("diagnostics");
        let own: Vec<&Value> = diags.iter().filter(|d| d["control"] == control).collect();
        assert!(own.is_empty(), "{file}: {own:?}");
        // Known by its name: the baseline's report says which catalogue role it is.
        let out = pim()
            .args(["check", "--format", "json"])
            .arg(common::corpus().join(file))
            .output()
            .expect("runs");
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        let diags = v["diagnostics"].as_array().expect("diagnostics");
        assert!(
            diags.iter().any(|d| d["role"]["template_id"].is_string()),
            "{file}: the role is known by its name: {v}"
        );
    }
}

/// The controls `cisa-scuba` fails (errors and warnings; notes do not fail) on one document.
fn failed_controls(doc: &Value) -> BTreeSet<String> {
    let set = pim_lint::pack::RuleSet::from_packs(&[pim_lint::pack::builtin_pack("cisa-scuba")
        .expect("cisa-scuba exists")
        .expect("cisa-scuba loads")]);
    let bytes = serde_json::to_vec_pretty(doc).expect("serialises");
    let out = pim_lint::engine::lint_bytes(
        &[("export.json".to_owned(), bytes)],
        &set,
        &common::catalog(),
    );
    out.findings
        .iter()
        .filter(|f| f.severity >= pim_lint::rules::Severity::Warning)
        .filter_map(|f| f.control.as_deref().map(str::to_owned))
        .collect()
}

/// ScubaGear's rego unit tests for MS.AAD.7.1–7.4 (cisagov/ScubaGear,
/// PowerShell/ScubaGear/Testing/Unit/Rego/AAD/AADConfig_07_test.rego, on the `PrivilegedUsers`
/// and `PrivilegedRoles` inputs of AADBaseConfig.rego), each input rebuilt here with the test's
/// patches, and the verdict each test expects for its control. `cisa-scuba` must reach the same
/// one. Only the control under test is compared (a 7.4 input without `privileged_users` also
/// fails 7.1, in ScubaGear as here).
#[test]
fn cisa_scuba_agrees_with_scubagears_rego_tests_on_7_1_to_7_4() {
    use serde_json::json;
    const GA: &str = "Global Administrator";
    let user = |name: &str, roles: &[&str]| json!({"DisplayName": name, "OnPremisesImmutableId": null, "roles": roles});
    let base_users = || {
        json!({
            "User1": user("Test Name 1", &["Privileged Role Administrator", GA]),
            "User2": user("Test Name 2", &[GA]),
        })
    };
    let with = |mut users: Value, extra: &[(&str, Value)]| {
        for (k, v) in extra {
            users[*k] = v.clone();
        }
        json!({"privileged_users": users})
    };
    let nine = |users: Value| {
        let extra: Vec<(String, Value)> = (3..=9)
            .map(|i| (format!("User{i}"), user(&format!("Test Name {i}"), &[GA])))
            .collect();
        let extra: Vec<(&str, Value)> =
            extra.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        with(users, &extra)
    };
    let without_user2 = || {
        let mut u = base_users();
        u.as_object_mut().expect("object").remove("User2");
        u
    };
    let mut cases: Vec<(&str, &str, Value, bool)> = vec![
        (
            "MS.AAD.7.1v1",
            "PrivilegedUsers_Correct",
            json!({"privileged_users": base_users()}),
            true,
        ),
        (
            "MS.AAD.7.1v1",
            "PrivilegedUsers_Incorrect_V1",
            json!({"privileged_users": without_user2()}),
            false,
        ),
        (
            "MS.AAD.7.1v1",
            "PrivilegedUsers_Incorrect_V2",
            nine(base_users()),
            false,
        ),
    ];
    // MS.AAD.7.2
    let mut u = base_users();
    u["User2"]["roles"] = json!(["Cloud Application Administrator", GA]);
    cases.push((
        "MS.AAD.7.2v1",
        "SecureScore_Correct_V1",
        with(
            u,
            &[
                ("User3", user("Test Name 3", &["Application Administrator"])),
                ("User4", user("Test Name 4", &["User Administrator"])),
                (
                    "User5",
                    user("Test Name 5", &["Privileged Role Administrator"]),
                ),
            ],
        ),
        true,
    ));
    let mut u = base_users();
    u["User2"]["roles"] = json!(["User Administrator", GA]);
    cases.push((
        "MS.AAD.7.2v1",
        "SecureScore_Correct_V2",
        with(
            u.clone(),
            &[
                ("User3", user("Test Name 3", &["Application Administrator"])),
                (
                    "User4",
                    user("Test Name 4", &["Privileged Role Administrator"]),
                ),
            ],
        ),
        true,
    ));
    cases.push((
        "MS.AAD.7.2v1",
        "SecureScore_Incorrect_V3",
        with(
            u,
            &[(
                "User3",
                user("Test Name 3", &["Hybrid Identity Administrator", GA]),
            )],
        ),
        false,
    ));
    let mut u = base_users();
    u["User2"]["roles"] = json!(["Application Administrator", GA]);
    u["User1"]["roles"] = json!(["User Administrator", GA]);
    cases.push((
        "MS.AAD.7.2v1",
        "SecureScore_Incorrect_V2",
        with(
            u,
            &[(
                "User3",
                user("Test Name 3", &["Privileged Role Administrator"]),
            )],
        ),
        false,
    ));
    let mut u = base_users();
    u["User2"]["roles"] = json!(["Exchange Administrator", GA]);
    cases.push(("MS.AAD.7.2v1", "SecureScore_Incorrect_V4", nine(u), false));
    // MS.AAD.7.3
    cases.push((
        "MS.AAD.7.3v1",
        "OnPremisesImmutableId_Correct",
        json!({"privileged_users": base_users()}),
        true,
    ));
    let mut u = without_user2();
    u["User1"]["OnPremisesImmutableId"] = json!("HelloWorld");
    cases.push((
        "MS.AAD.7.3v1",
        "OnPremisesImmutableId_Incorrect_V1",
        json!({"privileged_users": u}),
        false,
    ));
    let mut u = base_users();
    u["User1"]["OnPremisesImmutableId"] = json!("HelloWorld");
    cases.push((
        "MS.AAD.7.3v1",
        "OnPremisesImmutableId_Incorrect_V2",
        json!({"privileged_users": u}),
        false,
    ));
    // MS.AAD.7.4, on the rego tests' PrivilegedRoles (vendored from AADBaseConfig.rego).
    let roles: Value = serde_json::from_str(
        &fs::read_to_string(common::corpus().join("scubagear_rego_test_PrivilegedRoles.json"))
            .expect("reads"),
    )
    .expect("parses");
    let plans = json!([
        {"ServicePlanName": "EXCHANGE_S_FOUNDATION", "ServicePlanId": "31a0d5b2-13d0-494f-8e42-1e9c550a1b24"},
        {"ServicePlanName": "AAD_PREMIUM_P2", "ServicePlanId": "c7d91867-e1ce-4402-8d4f-22188b44b6c2"}
    ]);
    let permanent_ga = || {
        let mut r = roles.clone();
        r[0]["Assignments"][0]["EndDateTime"] = Value::Null;
        r.as_array_mut().expect("array").truncate(1);
        r
    };
    let exclusions = |kind: &str, id: &str| json!({"Aad": {"MS.AAD.7.4v1": {"RoleExclusions": {"Users": [], "Groups": [], kind: [id]}}}});
    let listed = "ae71e61c-f465-4db6-8d26-5f3e52bdd800";
    let other = "7b36d094-0211-400b-aabd-3793e9a30fc6";
    cases.extend([
        ("MS.AAD.7.4v1", "AdditionalProperties_Correct_V1", json!({"privileged_roles": roles.clone(), "service_plans": plans.clone()}), true),
        ("MS.AAD.7.4v1", "AdditionalProperties_Correct_V2", json!({"privileged_roles": permanent_ga(), "service_plans": plans.clone(), "scuba_config": exclusions("Users", listed)}), true),
        ("MS.AAD.7.4v1", "AdditionalProperties_Correct_V3", json!({"privileged_roles": permanent_ga(), "service_plans": plans.clone(), "scuba_config": exclusions("Groups", listed)}), true),
        // The test gives no service_plans at all; here the list is given and empty (pim-lint
        // judges an export without the key on its settings, see the cisa-scuba pack).
        ("MS.AAD.7.4v1", "AdditionalProperties_LicenseMissing_V1", json!({"privileged_roles": permanent_ga(), "service_plans": [], "scuba_config": exclusions("Groups", listed)}), false),
        ("MS.AAD.7.4v1", "AdditionalProperties_Incorrect_V1", json!({"privileged_roles": permanent_ga(), "service_plans": plans.clone()}), false),
        ("MS.AAD.7.4v1", "AdditionalProperties_Incorrect_V5", json!({"privileged_roles": permanent_ga(), "service_plans": plans.clone(), "scuba_config": exclusions("Users", other)}), false),
        ("MS.AAD.7.4v1", "AdditionalProperties_Incorrect_V10", json!({"privileged_roles": permanent_ga(), "service_plans": plans.clone(), "scuba_config": exclusions("Groups", other)}), false),
    ]);
    let mut wrong = Vec::new();
    for (control, test, doc, passes) in &cases {
        let failed = failed_controls(doc);
        // Without P2 ScubaGear fails every PIM control; PIM016 carries 7.4-7.9 in one finding.
        let fails = failed.contains(*control)
            || (control.starts_with("MS.AAD.7.4")
                && failed.iter().any(|c| c.starts_with("MS.AAD.7.4v1-")));
        if fails == *passes {
            wrong.push(format!(
                "{test} ({control}): ScubaGear {}, pim-lint fails {failed:?}",
                if *passes { "passes" } else { "fails" }
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
