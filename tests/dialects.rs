//! Samples of the public corpus (fixtures/corpus) read as the dialect and policy kind they are,
//! and an assignment list of one file joined to the policies of another.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

mod common;

use pim_lint::dialect;
use pim_lint::model::{Dialect, PolicyKind};
use std::path::PathBuf;

#[test]
fn dialects_are_detected() {
    let set = common::baseline();
    let cases: &[(&str, Dialect, PolicyKind, Option<&str>)] = &[
        (
            "own_graph_v1_list_roleManagementPolicyAssignments_DirectoryRole_expand_policy_rules.json",
            dialect::GRAPH_ASSIGNMENT,
            PolicyKind::DirectoryRole,
            Some("tier0"),
        ),
        (
            "own_graph_v1_list_roleManagementPolicyAssignments_Group_owner_expand_policy_rules.json",
            dialect::GRAPH_ASSIGNMENT,
            PolicyKind::Group,
            Some("standard"),
        ),
        (
            "own_graph_v1_get_unifiedRoleManagementPolicy_DirectoryRole_expand_effectiveRules_rules.json",
            dialect::GRAPH,
            PolicyKind::DirectoryRole,
            None,
        ),
        (
            "arm_GetRoleManagementPolicyByName.json",
            dialect::ARM,
            PolicyKind::AzureResource,
            None,
        ),
        (
            "arm_GetRoleManagementPolicyAssignmentByName.json",
            dialect::ARM_ASSIGNMENT,
            PolicyKind::AzureResource,
            Some("standard"),
        ),
        (
            "psrec_arm_roleManagementPolicy_org_default.json",
            dialect::ARM,
            PolicyKind::AzureResource,
            None,
        ),
        (
            "scubagear_sample_ProviderSettingsExport.json",
            dialect::SCUBAGEAR,
            PolicyKind::DirectoryRole,
            Some("tier0"),
        ),
        (
            "tmf_ruleTemplate_AzureResource_arm_rules.json",
            dialect::ARM,
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
fn a_directory_policy_list_joins_assignments_that_write_its_id_as_directory_role() {
    // Graph lists the policies as `Directory_<tenant>_<guid>` and, filtered by scope, their
    // assignments as `DirectoryRole_<tenant>_<guid>` (here one of them in upper case): one
    // policy each. A `Group_` policy with the same tail is another policy and joins nothing.
    let set = common::baseline();
    let dir = PathBuf::from("fixtures/join/directory_prefixes");
    let out = common::lint_paths(
        &[dir.join("policies.json"), dir.join("assignments.json")],
        &set,
    );
    let role_of = |tail: &str| {
        let p = out
            .policies
            .iter()
            .find(|p| p.id.as_deref().is_some_and(|id| id.ends_with(tail)))
            .unwrap_or_else(|| panic!("no policy {tail}"));
        p.role.as_ref().and_then(|r| r.id.clone())
    };
    assert_eq!(
        role_of("6b1f0e2d-4c3a-4f5e-9d8c-7a6b5c4d3e2f").as_deref(),
        Some("62e90394-69f5-4237-9190-012177145e10")
    );
    assert_eq!(
        role_of("0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f").as_deref(),
        Some("729827e3-9c14-49f7-bb1b-9608f156bbb8")
    );
    assert_eq!(role_of("5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"), None);
    assert_eq!(out.policies.len(), 3);
}

#[test]
fn a_policy_list_joins_its_assignment_list() {
    // The group policies of one file are linked to their roles by the assignment list of another.
    let set = common::baseline();
    let out = common::lint_paths(
        &[
            common::corpus()
                .join("own_graph_v1_list_roleManagementPolicyAssignments_Group_member_owner.json"),
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
