//! The pipeline's stages: directory context read in its own pass, findings born located, and
//! what each stage reports about input it cannot use.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

mod common;

use pim_lint::engine;

fn lint(docs: &[(&str, &str)]) -> pim_lint::finding::Outcome {
    let docs: Vec<(String, Vec<u8>)> = docs
        .iter()
        .map(|(n, t)| ((*n).to_owned(), t.as_bytes().to_vec()))
        .collect();
    engine::lint_bytes(&docs, &common::baseline(), &common::catalog())
}

const USERS_WITH_A_STRING_FLAG: &str = r##"{
  "value": [
    {"id": "u1", "displayName": "Ada", "userPrincipalName": "ada@example.com",
     "accountEnabled": "yes", "userType": "Member"}
  ]
}
"##;

#[test]
fn a_wrong_type_in_a_directory_export_is_pim003_at_the_value() {
    let out = lint(&[("users.json", USERS_WITH_A_STRING_FLAG)]);
    let f = out
        .findings
        .iter()
        .find(|f| f.code == "PIM003")
        .expect("PIM003 for accountEnabled");
    assert_eq!((f.position.line, f.position.column), (4, 24), "{f:?}");
    assert_eq!(f.pointer.as_deref(), Some("/value/0/accountEnabled"));
    assert!(f.message.contains("accountEnabled"), "{}", f.message);
    assert!(
        !out.directory.is_empty(),
        "the file is still read as context"
    );
}

const POLICY_THEN_USER: &str = r##"[
  {"policyId": "p1", "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10",
   "policy": {"rules": [{"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule",
     "id": "Approval_EndUser_Assignment", "setting": {"isApprovalRequired": true}}]}},
  {"id": "u1", "userPrincipalName": "ada@example.com", "accountEnabled": true, "userType": "Member"}
]
"##;

#[test]
fn directory_records_after_policies_in_one_file_are_reported_not_dropped() {
    let out = lint(&[("mixed.json", POLICY_THEN_USER)]);
    let f = out
        .findings
        .iter()
        .find(|f| f.code == "PIM002")
        .expect("a finding for the late directory records");
    assert_eq!(f.position.line, 5, "{f:?}");
    assert!(out.directory.is_empty(), "the late records are not used");
}

#[test]
fn a_context_file_is_read_once_and_its_records_reach_the_policies_of_other_files() {
    // The users file comes first or last: the context pass reads it before any policy.
    let approver_policy = r##"{"policyId": "p1", "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10",
 "policy": {"rules": [{"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule",
   "id": "Approval_EndUser_Assignment", "setting": {"isApprovalRequired": true,
   "approvalStages": [{"primaryApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "userId": "u1"}]}]}}]}}
"##;
    let disabled = r##"{"value": [{"id": "u1", "userPrincipalName": "ada@example.com", "accountEnabled": false, "userType": "Member"}]}
"##;
    for order in [
        [("a.json", approver_policy), ("z-users.json", disabled)],
        [("z.json", approver_policy), ("a-users.json", disabled)],
    ] {
        let out = lint(&order);
        let codes: Vec<&str> = out.findings.iter().map(|f| f.code).collect();
        assert!(codes.contains(&"PIM107"), "{codes:?}");
        // The users reached the policy: no "no directory context" note, only the one that names
        // what the partial context lacks (groups, role schedules).
        let notes: Vec<&str> = out
            .findings
            .iter()
            .filter(|f| f.code == "PIM015")
            .map(|f| &*f.message)
            .collect();
        assert!(
            notes
                .iter()
                .all(|m| m.contains("Directory context is partial") && !m.contains("no users")),
            "{notes:?}"
        );
        assert_eq!(out.linted_files, 2);
    }
}

#[test]
fn findings_carry_the_span_of_the_value_they_name() {
    let text = "{\"policyId\": \"p1\", \"roleDefinitionId\": \"62e90394-69f5-4237-9190-012177145e10\",\n \"policy\": {\"rules\": [{\"@odata.type\": \"#microsoft.graph.unifiedRoleManagementPolicyApprovalRule\",\n   \"id\": \"Approval_EndUser_Assignment\", \"setting\": {\"isApprovalRequired\": false}}]}}\n";
    let out = lint(&[("ga.json", text)]);
    let f = out
        .findings
        .iter()
        .find(|f| f.code == "PIM101")
        .expect("PIM101");
    assert_eq!(&text[f.range()], "false");
    assert_eq!((f.position.line, f.position.column), (3, 75));
}

#[test]
fn a_utf16_directory_export_is_context_too() {
    let users = "{\"value\": [{\"id\": \"u1\", \"userPrincipalName\": \"ada@example.com\", \"accountEnabled\": \"yes\", \"userType\": \"Member\"}]}\n";
    let mut bytes = vec![0xFF, 0xFE];
    for u in users.encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    let docs = vec![("users.json".to_owned(), bytes)];
    let out = engine::lint_bytes(&docs, &common::baseline(), &common::catalog());
    assert!(!out.directory.is_empty());
    assert!(out.findings.iter().any(|f| f.code == "PIM003"));
}

#[test]
fn a_first_item_longer_than_the_head_is_still_read_as_context() {
    // A group whose member list makes the first item far longer than the 64 KiB head.
    let members: Vec<String> = (0..4000)
        .map(|i| format!("{{\"@odata.type\": \"#microsoft.graph.user\", \"id\": \"00000000-0000-0000-0000-{i:012}\"}}"))
        .collect();
    let groups = format!(
        "{{\"value\": [{{\"id\": \"g1\", \"displayName\": \"Approvers\", \"isAssignableToRole\": true, \"members\": [{}]}}]}}\n",
        members.join(",")
    );
    assert!(groups.len() > 128 * 1024);
    let out = lint(&[("groups.json", &groups)]);
    assert!(out.directory.has_groups(), "read as context");
    assert!(out.skipped.is_empty() && out.findings.iter().all(|f| f.code != "PIM002"));
}
