//! The real public samples in ../shared/corpus/public: every file is read without a panic, each
//! JSON file is recognised as its dialect (or reported as the spec says), and the JSON report of
//! each is snapshotted.

mod common;

use pim_lint::report;
use std::path::PathBuf;

fn corpus_files() -> Vec<PathBuf> {
    let dir = common::corpus();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the corpus must be at {}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()) != Some("PROVENANCE.md"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 34,
        "expected the whole corpus, found {}",
        files.len()
    );
    files
}

#[test]
fn every_corpus_file_is_read_and_recognised() {
    let set = common::baseline();
    for path in corpus_files() {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let out = common::lint_one(&path, &set);
        let codes: Vec<&str> = out.findings.iter().map(|f| f.code.as_ref()).collect();
        if name.ends_with(".tf") {
            assert_eq!(
                codes,
                ["PIM002"],
                "{name}: HCL is reported as not read directly"
            );
        } else if name
            == "scubagear_rego_MS.AAD.7.6_test_AdditionalProperties_Correct_V3_input.json"
        {
            let f = &out.findings[0];
            assert_eq!(
                (f.code.as_ref(), f.position.line, f.position.column),
                ("PIM001", 23, 62),
                "{name}"
            );
        } else {
            assert!(
                !codes.contains(&"PIM001") && !codes.contains(&"PIM002"),
                "{name}: {codes:?}"
            );
            // Policies, policy assignments (links), or directory context (ARM role eligibility
            // schedules and requests).
            assert!(
                !out.policies.is_empty()
                    || name.contains("Group_member_owner")
                    || !out.directory.is_empty(),
                "{name}: nothing recognised"
            );
            if name.contains("RoleEligibilitySchedule") {
                assert!(
                    out.directory.has_schedules(),
                    "{name}: read as a role schedule"
                );
            }
        }
    }
}

#[test]
fn corpus_json_reports() {
    let set = common::baseline();
    for path in corpus_files() {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let mut out = common::lint_one(&path, &set);
        for f in &mut out.files {
            f.name = format!("corpus/{name}");
        }
        insta::assert_snapshot!(format!("corpus_{name}"), report::json::render(&out));
    }
}

#[test]
fn dialects_are_detected() {
    use pim_lint::model::{Dialect, PolicyKind};
    let set = common::baseline();
    let cases: &[(&str, Dialect, PolicyKind, Option<&str>)] = &[
        (
            "graph_v1_list_roleManagementPolicyAssignments_DirectoryRole_expand_policy_rules.json",
            Dialect::GraphAssignment,
            PolicyKind::DirectoryRole,
            Some("tier0"),
        ),
        (
            "graph_v1_list_roleManagementPolicyAssignments_Group_owner_expand_policy_rules.json",
            Dialect::GraphAssignment,
            PolicyKind::Group,
            Some("standard"),
        ),
        (
            "graph_v1_get_unifiedRoleManagementPolicy_DirectoryRole_expand_effectiveRules_rules.json",
            Dialect::Graph,
            PolicyKind::DirectoryRole,
            None,
        ),
        (
            "arm_GetRoleManagementPolicyByName.json",
            Dialect::Arm,
            PolicyKind::AzureResource,
            None,
        ),
        (
            "arm_GetRoleManagementPolicyAssignmentByName.json",
            Dialect::ArmAssignment,
            PolicyKind::AzureResource,
            Some("standard"),
        ),
        (
            "psrec_arm_roleManagementPolicy_org_default.json",
            Dialect::Arm,
            PolicyKind::AzureResource,
            None,
        ),
        (
            "scubagear_sample_ProviderSettingsExport.json",
            Dialect::ScubaGear,
            PolicyKind::DirectoryRole,
            Some("tier0"),
        ),
        (
            "tmf_ruleTemplate_AzureResource_arm_rules.json",
            Dialect::Arm,
            PolicyKind::AzureResource,
            None,
        ),
    ];
    for (name, dialect, kind, tier) in cases {
        let out = common::lint_one(&common::corpus().join(name), &set);
        let p = out
            .policies
            .first()
            .unwrap_or_else(|| panic!("{name}: no policy"));
        assert_eq!((p.dialect, p.kind), (*dialect, *kind), "{name}");
        assert_eq!(p.tier().map(|t| t.as_str()), *tier, "{name}");
        assert!(p.rules.len() >= 16, "{name}: {} rules", p.rules.len());
    }
}

#[test]
fn a_policy_list_joins_its_assignment_list() {
    // The group policy of one corpus file is linked to its role by the assignment list of another.
    let set = common::baseline();
    let dir = common::corpus();
    let out = common::lint_paths(
        &[
            dir.join("graph_v1_list_roleManagementPolicyAssignments_Group_member_owner.json"),
            PathBuf::from("fixtures/join/group_policies_without_role.json"),
        ],
        &set,
    );
    assert_eq!(out.policies.len(), 2);
    for p in &out.policies {
        let role = p
            .role
            .as_ref()
            .unwrap_or_else(|| panic!("{:?} not joined", p.id));
        assert!(
            matches!(role.id.as_deref(), Some("member" | "owner")),
            "{role:?}"
        );
        assert_eq!(
            p.scope.as_deref(),
            Some("60bba733-f09d-49b7-8445-32369aa066b3")
        );
    }
    assert!(!out.findings.iter().any(|f| f.code == "PIM012"));
}
