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
