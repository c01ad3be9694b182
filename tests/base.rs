//! `check --base REV` (PIM601) against a scratch git repository: a policy committed, weakened in
//! the working tree, reported with its value before and after; a strengthening reports nothing;
//! a missing revision or a folder outside git fails the run (exit 2).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn pim(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("pim-lint").expect("binary builds");
    c.current_dir(dir)
        .env_remove("NO_COLOR")
        .env("LC_ALL", "C.UTF-8")
        .env("COLUMNS", "100");
    c
}

fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=pim-lint test",
            "-c",
            "user.email=test@example.invalid",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Global Administrator's policy (a Graph policy assignment): approval by two approvers, MFA,
/// activation up to `max`, admins notified of activations when `notified`.
fn policy(approval: bool, approvers: &[&str], mfa: bool, max: &str, notified: bool) -> String {
    let approvers: Vec<Value> = approvers
        .iter()
        .map(|id| serde_json::json!({"@odata.type": "#microsoft.graph.singleUser", "userId": id}))
        .collect();
    let mut enabled = vec!["Justification"];
    if mfa {
        enabled.insert(0, "MultiFactorAuthentication");
    }
    let doc = serde_json::json!({
        "policyId": "DirectoryRole_8f3c2b1a-5d4e-4f60-9a7b-0c1d2e3f4a5b_a1b2c3d4-0000-4000-8000-000000000001",
        "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10",
        "policy": {"rules": [
            {"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule",
             "id": "Approval_EndUser_Assignment",
             "setting": {"isApprovalRequired": approval,
                         "approvalStages": [{"primaryApprovers": approvers}]}},
            {"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyEnablementRule",
             "id": "Enablement_EndUser_Assignment", "enabledRules": enabled},
            {"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule",
             "id": "AuthenticationContext_EndUser_Assignment", "isEnabled": false, "claimValue": null},
            {"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule",
             "id": "Expiration_EndUser_Assignment", "isExpirationRequired": true, "maximumDuration": max},
            {"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyNotificationRule",
             "id": "Notification_Admin_EndUser_Assignment", "notificationType": "Email",
             "recipientType": "Admin", "notificationLevel": "All",
             "isDefaultRecipientsEnabled": notified, "notificationRecipients": []}
        ]}
    });
    serde_json::to_string_pretty(&doc).unwrap()
}

const A1: &str = "5e1f0c3a-0000-4000-8000-00000000a001";
const A2: &str = "5e1f0c3a-0000-4000-8000-00000000a002";

/// A repository with the strong policy committed at HEAD, under `policies/` (with a different
/// policy id in the working tree: pairing is by scope and role, never by id).
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    std::fs::write(
        dir.path().join("policies/global-administrator.json"),
        policy(true, &[A1, A2], true, "PT2H", true),
    )
    .unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "strong policy"]);
    dir
}

fn pim601(out: &[u8]) -> Vec<String> {
    let v: Value = serde_json::from_slice(out).expect("JSON report");
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "PIM601")
        .map(|d| d["message"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_policy_weakened_in_the_working_tree_is_reported_with_before_and_after() {
    let dir = repo();
    let weak = policy(false, &[A1], false, "PT8H", false).replace("a1b2c3d4-0000", "ffffffff-0000");
    std::fs::write(dir.path().join("policies/global-administrator.json"), weak).unwrap();
    let out = pim(dir.path())
        .args(["check", "--base", "HEAD", "--format", "json", "policies"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut got = pim601(&out.stdout);
    got.sort();
    assert_eq!(
        got,
        [
            "Approval to activate is weaker than at the base revision: required → off",
            "Authentication on activation is weaker than at the base revision: MFA → no MFA",
            "Notification Notification_Admin_EndUser_Assignment is weaker than at the base revision: on → off",
            "The longest activation is weaker than at the base revision: PT2H → PT8H",
        ]
    );
}

#[test]
fn approvers_removed_while_approval_stays_on_are_reported() {
    let dir = repo();
    std::fs::write(
        dir.path().join("policies/global-administrator.json"),
        policy(true, &[A1], true, "PT2H", true),
    )
    .unwrap();
    let out = pim(dir.path())
        .args(["check", "--base", "HEAD", "--format", "json", "policies"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        pim601(&out.stdout),
        [format!(
            "Approvers removed since the base revision: 2 → 1 (1 removed: {A2})"
        )]
    );
}

#[test]
fn strengthening_reports_nothing_and_without_base_nothing_is_compared() {
    let dir = repo();
    std::fs::write(
        dir.path().join("policies/global-administrator.json"),
        policy(
            true,
            &[A1, A2, "5e1f0c3a-0000-4000-8000-00000000a003"],
            true,
            "PT1H",
            true,
        ),
    )
    .unwrap();
    let out = pim(dir.path())
        .args(["check", "--base", "HEAD", "--format", "json", "policies"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(pim601(&out.stdout).is_empty());

    // The weakened file without --base: PIM601 does not run.
    std::fs::write(
        dir.path().join("policies/global-administrator.json"),
        policy(true, &[A1, A2], true, "PT3H", true),
    )
    .unwrap();
    let out = pim(dir.path())
        .args(["check", "--format", "json", "policies"])
        .output()
        .unwrap();
    assert!(pim601(&out.stdout).is_empty());
}

#[test]
fn a_file_new_since_the_base_has_nothing_to_compare_with() {
    let dir = repo();
    std::fs::write(
        dir.path().join("policies/new-copy.json"),
        policy(false, &[], false, "PT8H", false).replace(
            "62e90394-69f5-4237-9190-012177145e10",
            "e8611ab8-c189-46e8-94e1-60213ab1f814",
        ),
    )
    .unwrap();
    let out = pim(dir.path())
        .args(["check", "--base", "HEAD", "--format", "json", "policies"])
        .output()
        .unwrap();
    assert!(pim601(&out.stdout).is_empty());
}

#[test]
fn an_unknown_revision_or_no_repository_fails_the_run() {
    let dir = repo();
    let out = pim(dir.path())
        .args(["check", "--base", "no-such-branch", "policies"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`no-such-branch` is no commit"), "{err}");

    let out = pim(dir.path())
        .args(["check", "--base", "--help", "policies"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));

    let plain = tempfile::tempdir().unwrap();
    std::fs::write(
        plain.path().join("p.json"),
        policy(true, &[A1, A2], true, "PT2H", true),
    )
    .unwrap();
    let out = pim(plain.path())
        .args(["check", "--base", "HEAD", "p.json"])
        .env("GIT_CEILING_DIRECTORIES", plain.path().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not in a git repository"), "{err}");
}

#[test]
fn a_bicep_module_is_compared_with_the_call_it_had_at_the_base() {
    // The revision is read from git, not from disk: the module is still read with its call's
    // values there (never alone with its defaults), so an unchanged file is no PIM601, and a
    // cap raised in the caller is reported in the module, where it is used.
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    std::fs::create_dir(dir.path().join("infra")).unwrap();
    std::fs::write(
        dir.path().join("infra/pim.bicep"),
        "param duration string = 'PT1H'\n\
         resource p 'Microsoft.Authorization/roleManagementPolicies@2020-10-01' = {\n\
           name: 'a1000000-0000-4000-8000-000000000001'\n\
           properties: { rules: [\n\
             { id: 'Expiration_EndUser_Assignment', ruleType: 'RoleManagementPolicyExpirationRule', isExpirationRequired: true, maximumDuration: duration }\n\
           ] }\n\
         }\n\
         resource a 'Microsoft.Authorization/roleManagementPolicyAssignments@2020-10-01' = {\n\
           name: 'a'\n\
           properties: {\n\
             policyId: p.id\n\
             roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635'\n\
           }\n\
         }\n",
    )
    .unwrap();
    let main = |cap: &str| {
        format!(
            "module pim './pim.bicep' = {{\n  name: 'pim'\n  params: {{ duration: '{cap}' }}\n}}\n"
        )
    };
    std::fs::write(dir.path().join("infra/main.bicep"), main("PT2H")).unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "pim"]);
    let run = |dir: &Path| {
        pim(dir)
            .args(["check", "--base", "HEAD", "--format", "json", "infra"])
            .output()
            .unwrap()
    };
    let out = run(dir.path());
    assert!(
        pim601(&out.stdout).is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    std::fs::write(dir.path().join("infra/main.bicep"), main("PT3H")).unwrap();
    let out = run(dir.path());
    assert_eq!(
        pim601(&out.stdout),
        ["The longest activation is weaker than at the base revision: PT2H → PT3H"]
    );
}
