//! Terraform read where teams author it: `.tf` files in `fixtures/terraform/`, each snapshotted
//! one finding a line (`LINE:COL CODE message`), and what the reader resolves, leaves unknown or
//! cannot read.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

mod common;

use pim_lint::finding::Outcome;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    common::repo().join("fixtures/terraform").join(name)
}

fn lint(name: &str) -> Outcome {
    common::lint_one(&fixture(name), &common::baseline())
}

use common::{codes, lines};

#[test]
fn variable_defaults_locals_and_a_role_data_source_resolve() {
    let out = lint("owner_policy.tf");
    // The activation cap comes from `var.activation_hours`' default, approval from a local,
    // the role (Owner, tier0) from `data "azurerm_role_definition"` with a literal name.
    let cap = out
        .findings
        .iter()
        .find(|f| f.code == "PIM204")
        .expect("the activation cap from the variable default is judged");
    assert!(cap.message.contains("PT12H"), "{}", cap.message);
    assert_eq!(cap.position.line, 21, "at the use of the variable");
    let subject = cap.subject.as_deref().unwrap_or_default();
    assert!(
        subject.contains("Owner (tier0) in azurerm_role_management_policy.owner"),
        "names the role and the resource address: {subject}"
    );
    assert!(codes(&out).contains(&"PIM101"), "approval off via a local");
    assert!(!codes(&out).contains(&"PIM017"), "everything is known");
    insta::assert_snapshot!("owner_policy", lines(&out));
}

#[test]
fn strong_literal_settings_pass() {
    let out = lint("owner_policy_strong.tf");
    let errors: Vec<_> = out.findings.iter().filter(|f| f.code != "PIM015").collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn values_known_only_at_apply_are_one_pim017_and_no_false_finding() {
    let out = lint("unknown_values.tf");
    assert_eq!(codes(&out), ["PIM017"], "{}", lines(&out));
    let f = &out.findings[0];
    assert!(f.message.contains("`var.max_activation`"), "{}", f.message);
    assert!(
        f.message.contains("`azuread_group.approvers.object_id`"),
        "{}",
        f.message
    );
    // Approval is required but its approver is unknown: no PIM008/PIM102 about missing stages.
    let p = &out.policies[0];
    assert!(p.partial);
    assert!(p.approval().is_none(), "the approval rule is left out");
    insta::assert_snapshot!("unknown_values", lines(&out));
}

#[test]
fn pim_assignment_resources_feed_the_assignment_rules() {
    let out = lint("assignments.tf");
    let c = codes(&out);
    assert_eq!(
        c.iter().filter(|c| **c == "PIM313").count(),
        2,
        "the azurerm eligibility without expiration and the azuread request (noExpiration): {c:?}"
    );
    assert!(
        c.contains(&"PIM314"),
        "a service principal made eligible: {c:?}"
    );
    assert_eq!(
        c.iter().filter(|c| **c == "PIM315").count(),
        2,
        "Owner without a condition, by role id and by a data source's role name: {c:?}"
    );
    insta::assert_snapshot!("assignments", lines(&out));
}

#[test]
fn an_hcl_error_is_pim001_at_its_place_never_json() {
    let out = lint("broken.tf");
    assert_eq!(codes(&out), ["PIM001"]);
    let f = &out.findings[0];
    assert!(f.message.contains("HCL"), "{}", f.message);
    assert!(!f.message.contains("JSON"), "{}", f.message);
    assert_eq!(f.position.line, 6, "{f:?}");
}

#[test]
fn a_named_tf_without_pim_resources_says_so() {
    let out = lint("no_pim.tf");
    assert_eq!(codes(&out), ["PIM002"]);
    assert!(out.findings[0].message.contains("Terraform"));
}

#[test]
fn a_walk_picks_up_tf_files_and_passes_over_those_without_pim_resources() {
    let mut errors = Vec::new();
    let inputs =
        pim_lint::input::discover(&[common::repo().join("fixtures/terraform")], &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    let out = pim_lint::engine::lint(&inputs, &common::baseline(), &common::catalog());
    let named: std::collections::HashSet<&str> = out
        .findings
        .iter()
        .map(|f| out.files[f.file].name.as_str())
        .collect();
    assert!(
        named.iter().any(|n| n.ends_with("owner_policy.tf")),
        "{named:?}"
    );
    assert!(
        !out.findings.iter().any(|f| f.code == "PIM002"),
        "no_pim.tf is passed over in a walk, not reported"
    );
    assert!(
        out.findings.iter().any(|f| f.code == "PIM001"),
        "broken.tf says it is not valid HCL"
    );
}

// `terraform show -json`: plans and state, in `fixtures/terraform/plan/`.

fn plan(name: &str) -> Outcome {
    lint(&format!("plan/{name}"))
}

/// Each finding as code and message, in order (the place differs between `.tf` and plan).
fn said(out: &Outcome) -> Vec<(String, String)> {
    let mut v: Vec<_> = out
        .findings
        .iter()
        .map(|f| (f.code.to_owned(), f.message.to_string()))
        .collect();
    v.sort();
    v
}

#[test]
fn a_plan_gives_the_findings_its_tf_gives() {
    let tf = lint("owner_policy.tf");
    let out = plan("owner_policy.plan.json");
    assert_eq!(said(&out), said(&tf), "{}", lines(&out));
    let cap = out.findings.iter().find(|f| f.code == "PIM204").unwrap();
    assert_eq!(cap.position.line, 42, "at the value in `after`");
    let subject = cap.subject.as_deref().unwrap_or_default();
    assert!(
        subject.contains("Owner (tier0) in azurerm_role_management_policy.owner"),
        "{subject}"
    );
    // Arguments the configuration leaves out and the provider computes (`expire_after`,
    // the other notification blocks) are not "known only at deployment".
    assert!(!codes(&out).contains(&"PIM017"), "{}", lines(&out));
    insta::assert_snapshot!("plan_owner_policy", lines(&out));
}

#[test]
fn a_plan_reads_modules_and_for_each_and_leaves_deletions_and_data_sources_out() {
    let out = plan("modules.plan.json");
    let subjects: Vec<&str> = out
        .findings
        .iter()
        .filter_map(|f| f.subject.as_deref())
        .collect();
    assert!(
        subjects.iter().any(|s| s.contains(
            r#"Owner (tier0) in module.pim["prod"].azurerm_role_management_policy.this["owner"]"#
        )),
        "a module instance's for_each instance, by its address: {subjects:?}"
    );
    assert!(
        !subjects.iter().any(|s| s.contains("retired")),
        "a resource the plan deletes is not linted: {subjects:?}"
    );
    // The approver group is created in the same apply: its id is unknown, and named by the
    // reference the configuration records; the approval rule is not judged.
    let unknown: Vec<_> = out.findings.iter().filter(|f| f.code == "PIM017").collect();
    assert_eq!(unknown.len(), 1, "{}", lines(&out));
    assert!(
        unknown[0]
            .message
            .contains("`azuread_group.approvers.object_id`"),
        "{}",
        unknown[0].message
    );
    // A computed `start_date_time` the configuration does not set is not reported; an empty
    // authentication context (the provider's "not set") is no context.
    assert!(!codes(&out).contains(&"PIM011"), "{}", lines(&out));
    assert!(!codes(&out).contains(&"PIM007"), "{}", lines(&out));
    assert!(
        codes(&out).contains(&"PIM310"),
        "a permanent active Owner assignment: {}",
        lines(&out)
    );
    assert_eq!(
        out.policies.len(),
        4,
        "two policies of the module, one group policy, one assignment"
    );
    assert!(
        out.policies
            .iter()
            .all(|p| p.dialect.name() == "terraform-plan")
    );
    insta::assert_snapshot!("plan_modules", lines(&out));
}

#[test]
fn a_plan_on_one_line_reads_the_same() {
    let path = fixture("plan/owner_policy.plan.json");
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let one_line = dir.path().join("tfplan.json");
    std::fs::write(&one_line, serde_json::to_string(&value).unwrap()).unwrap();
    let out = common::lint_one(&one_line, &common::baseline());
    assert_eq!(said(&out), said(&plan("owner_policy.plan.json")));
    assert!(out.findings.iter().all(|f| f.position.line == 1));
}

#[test]
fn a_state_is_read_with_its_child_modules() {
    let out = plan("state.json");
    assert_eq!(out.policies.len(), 2, "{}", lines(&out));
    assert_eq!(codes(&out), ["PIM101"], "{}", lines(&out));
    let group = out
        .policies
        .iter()
        .find(|p| p.kind == pim_lint::model::PolicyKind::Group)
        .unwrap();
    assert_eq!(
        group.display_name.as_deref(),
        Some("module.groups.azuread_group_role_management_policy.owners[0]")
    );
    assert!(
        group.approval().is_some(),
        "the approval stage of a child module's resource is read"
    );
}

#[test]
fn a_named_plan_without_pim_resources_says_so() {
    let out = plan("no_pim.plan.json");
    assert_eq!(codes(&out), ["PIM002"]);
    assert!(out.findings[0].message.contains("Terraform"));
}

#[test]
fn a_plan_format_pim_lint_does_not_read_is_reported_never_passed() {
    let out = plan("future.plan.json");
    assert_eq!(codes(&out), ["PIM003"]);
    assert!(
        out.findings[0].message.contains("format_version"),
        "{}",
        out.findings[0].message
    );
    assert_eq!(out.findings[0].position.line, 2);
}

#[test]
fn a_dynamic_block_is_named_unknown_and_its_rule_not_judged() {
    let out = lint("dynamic_block.tf");
    assert_eq!(codes(&out), ["PIM017"], "{}", lines(&out));
    assert!(
        out.findings[0]
            .message
            .contains(r#"`dynamic "primary_approver"`"#),
        "{}",
        out.findings[0].message
    );
    assert_eq!(out.findings[0].position.line, 10);
    assert!(
        out.policies[0].approval().is_none(),
        "no PIM102 for an approver list Terraform fills in"
    );
}

#[test]
fn a_plan_that_is_not_whole_cannot_pass() {
    let out = plan("errored.plan.json");
    // The Reader policy it lists is fine; the plan errored and deferred changes: both said.
    assert_eq!(codes(&out), ["PIM003", "PIM003"], "{}", lines(&out));
    assert!(
        out.findings
            .iter()
            .any(|f| f.message.contains("`errored` is true"))
    );
    assert!(
        out.findings
            .iter()
            .any(|f| f.message.contains("`complete` is false"))
    );
    assert_eq!(out.policies.len(), 1, "what it lists is still read");
}

#[test]
fn a_resource_with_count_zero_is_not_deployed_and_not_linted() {
    let out = lint("count.tf");
    assert_eq!(out.policies.len(), 1, "{}", lines(&out));
    assert_eq!(
        out.policies[0].display_name.as_deref(),
        Some("azurerm_pim_active_role_assignment.ops")
    );
    assert!(
        out.findings
            .iter()
            .all(|f| !f.message.contains("11111111-2222-3333-4444-555555555555")),
        "{}",
        lines(&out)
    );
    assert!(codes(&out).contains(&"PIM310"), "{}", lines(&out));
}

#[test]
fn output_written_by_terraform_itself_is_recognised() {
    // Terraform 1.11.4's own plan and state (built-in provider only; see the fixtures' README):
    // recognised as Terraform output with no PIM resource, never "not a policy document".
    for name in [
        "terraform_1.11.4_no_pim.plan.json",
        "terraform_1.11.4_no_pim.state.json",
    ] {
        let out = plan(name);
        assert_eq!(codes(&out), ["PIM002"], "{name}: {}", lines(&out));
        assert!(out.findings[0].message.contains("Terraform"), "{name}");
    }
}

#[test]
fn an_address_read_twice_is_pim003_and_both_are_read() {
    for (name, line) in [
        ("duplicate_address.tf", 9),
        ("plan/duplicate_address.plan.json", 27),
    ] {
        let out = lint(name);
        assert_eq!(out.policies.len(), 2, "{name}: {}", lines(&out));
        let repeats: Vec<_> = out.findings.iter().filter(|f| f.code == "PIM003").collect();
        assert_eq!(repeats.len(), 1, "{name}: {}", lines(&out));
        assert!(
            repeats[0]
                .message
                .contains("`azurerm_role_management_policy.owner` is"),
            "{}",
            repeats[0].message
        );
        assert_eq!(repeats[0].position.line, line, "{name}: at the second one");
        assert!(
            codes(&out).contains(&"PIM101"),
            "{name}: the first is still judged"
        );
    }
}
