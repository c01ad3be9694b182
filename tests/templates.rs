//! Bicep files and ARM deployment templates (`fixtures/bicep`): values the file knows are
//! judged, values known only at deployment are named (PIM017) and never guessed, a template is
//! never read as the REST resources it deploys, and a `.bicep` that does not parse says so.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

mod common;

use pim_lint::dialect;
use pim_lint::finding::Outcome;
use pim_lint::input::{self, Input};
use pim_lint::model::{RuleKind, Setting};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from("fixtures/bicep").join(name)
}

/// `LINE:COL CODE message` per finding, in report order.
fn lines(out: &Outcome) -> Vec<String> {
    out.findings
        .iter()
        .map(|f| {
            format!(
                "{}:{} {} {}",
                f.position.line, f.position.column, f.code, f.message
            )
        })
        .collect()
}

fn codes(out: &Outcome) -> Vec<&str> {
    out.findings.iter().map(|f| f.code).collect()
}

#[test]
fn bicep_and_its_built_template_are_judged_alike() {
    let set = common::baseline();
    let bicep = common::lint_one(&fixture("owner_policy.bicep"), &set);
    let arm = common::lint_one(&fixture("owner_policy.json"), &set);
    insta::assert_snapshot!("owner_policy_bicep", lines(&bicep).join("\n"));
    insta::assert_snapshot!("owner_policy_arm_template", lines(&arm).join("\n"));
    let messages = |o: &Outcome| {
        o.findings
            .iter()
            .map(|f| (f.code, f.message.to_string()))
            .filter(|(c, _)| *c != "PIM017")
            .collect::<Vec<_>>()
    };
    assert_eq!(messages(&bicep), messages(&arm));
    assert_eq!(codes(&bicep), ["PIM204", "PIM201", "PIM017"]);

    for (out, dialect) in [(&bicep, dialect::BICEP), (&arm, dialect::ARM_TEMPLATE)] {
        let [p] = out.policies.as_slice() else {
            panic!("one policy: {:?}", out.policies.len())
        };
        assert_eq!(p.dialect, dialect);
        // Joined to Owner by the assignment of the same file (`ownerPolicy.id`, `resourceId()`).
        let role = p.role.as_ref().and_then(|r| r.id.as_deref()).unwrap();
        assert!(
            role.ends_with("8e3af657-a8ff-443c-a75c-2fe8c4bcb635"),
            "{role}"
        );
        assert!(p.partial, "a deployment sets only the rules it lists");
        // The parameter default is the value judged, where it is written.
        let cap = p
            .rules
            .iter()
            .find_map(|r| match &r.setting {
                Setting::Expiration {
                    maximum_duration: Some(d),
                    ..
                } => Some(d.value.clone()),
                _ => None,
            })
            .unwrap();
        assert_eq!(cap, "PT12H");
        // The approval rule depends on an approver known at deployment: left out, named.
        assert!(
            !p.rules
                .iter()
                .any(|r| r.known.is_some_and(|k| k.kind() == RuleKind::Approval))
        );
        assert_eq!(p.unknown.len(), 1);
        assert!(
            p.unknown[0].value.contains("approverGroupId"),
            "{:?}",
            p.unknown
        );
        assert!(
            p.unknown[0]
                .pointer
                .path
                .ends_with("/primaryApprovers/0/id")
        );
    }
    // Not "approval is off" (PIM101) nor "rule missing" (PIM004): the rule is not judged.
    assert!(!codes(&bicep).contains(&"PIM101") && !codes(&bicep).contains(&"PIM004"));
}

#[test]
fn a_template_is_never_read_as_the_resources_it_deploys() {
    // A resource with `rules` holding expressions would be a policy to the REST reader (and
    // `[parameters('x')]` an invalid duration): a template is read by the template reader, and
    // a template without PIM resources holds nothing to lint.
    let set = common::baseline();
    let out = common::lint_one(&fixture("no_pim.json"), &set);
    assert!(out.policies.is_empty());
    assert_eq!(codes(&out), ["PIM002"], "{:?}", lines(&out));
    // Walked, it is passed over (listed with --verbose).
    let mut errors = Vec::new();
    let inputs = input::discover(&[fixture("no_pim.json")], &mut errors);
    assert!(errors.is_empty());
    let walked: Vec<Input> = inputs
        .into_iter()
        .map(|i| Input::path(PathBuf::from(i.name()), false))
        .collect();
    let out = pim_lint::engine::lint(&walked, &set, &common::catalog());
    assert!(out.findings.is_empty(), "{:?}", lines(&out));
    assert_eq!(out.skipped.len(), 1);
}

#[test]
fn a_built_module_is_read_with_the_parameters_it_is_given() {
    // `bicep build` writes a module as a nested deployment with an inner template: the outer
    // parameter's default reaches the policy; a module's output is known only at deployment
    // (named as the outer template writes it).
    let set = common::baseline();
    let out = common::lint_one(&fixture("module_build.json"), &set);
    let [p] = out.policies.as_slice() else {
        panic!("one policy")
    };
    let cap = p.rules.iter().find_map(|r| match &r.setting {
        Setting::Expiration {
            maximum_duration: Some(d),
            ..
        } => Some(d.value.as_str()),
        _ => None,
    });
    assert_eq!(cap, Some("PT2H"));
    assert_eq!(p.rules.len(), 1, "the approval rule is not judged");
    assert_eq!(
        p.unknown
            .iter()
            .map(|u| u.value.as_str())
            .collect::<Vec<_>>(),
        ["[reference('approvers').outputs.groupId.value]"]
    );
    insta::assert_snapshot!("module_build", lines(&out).join("\n"));
}

#[test]
fn eligibility_requests_feed_the_assignment_rules() {
    // One eligibility never ends (PIM313), one ends after 180 days, one's schedule is decided
    // at deployment (not judged: no false "no end date"). Owner without a condition: PIM315.
    let set = common::baseline();
    let out = common::lint_one(&fixture("eligibility.bicep"), &set);
    insta::assert_snapshot!("eligibility", lines(&out).join("\n"));
    assert_eq!(codes(&out).iter().filter(|c| **c == "PIM313").count(), 1);
    assert_eq!(codes(&out).iter().filter(|c| **c == "PIM315").count(), 2);
    let pim313 = out.findings.iter().find(|f| f.code == "PIM313").unwrap();
    assert_eq!(pim313.position.line, 17, "at the expiration of `forever`");
}

#[test]
fn a_bicep_file_that_does_not_parse_says_so_where() {
    let set = common::baseline();
    let out = common::lint_one(&fixture("not_valid.bicep"), &set);
    assert_eq!(
        lines(&out),
        ["8:5 PIM001 Not valid Bicep: Bicep cannot read `]` here"]
    );
}

#[test]
fn a_walk_reads_bicep_files() {
    let mut errors = Vec::new();
    let inputs = input::discover(&[PathBuf::from("fixtures/bicep")], &mut errors);
    let mut names: Vec<String> = inputs.iter().map(Input::name).collect();
    names.sort();
    assert!(
        names.iter().any(|n| n.ends_with("owner_policy.bicep")),
        "{names:?}"
    );
    assert!(names.iter().any(|n| n.ends_with("eligibility.bicep")));
}

/// Lints `text` written to a file named `name` in a scratch directory.
fn lint_text(name: &str, text: &str) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    common::lint_one(Path::new(&path), &common::baseline())
}

#[test]
fn hostile_templates_end_quickly_and_guess_nothing() {
    let started = std::time::Instant::now();
    // Variables that double a text forty times, and variables that refer to each other.
    let mut vars = String::from("var v0 = 'PT1H'\n");
    for i in 1..40 {
        vars.push_str(&format!("var v{i} = '${{v{}}}${{v{}}}'\n", i - 1, i - 1));
    }
    let bicep = format!(
        "{vars}var a = b\nvar b = a\n\
         resource p 'Microsoft.Authorization/roleManagementPolicies@2020-10-01' = {{\n\
           name: 'e0000000-0000-4000-8000-000000000001'\n\
           properties: {{ rules: [\n\
             {{ id: 'Expiration_EndUser_Assignment', ruleType: 'RoleManagementPolicyExpirationRule', maximumDuration: v39 }}\n\
             {{ id: 'Enablement_EndUser_Assignment', ruleType: 'RoleManagementPolicyEnablementRule', enabledRules: a }}\n\
           ] }}\n\
         }}\n"
    );
    let out = lint_text("hostile.bicep", &bicep);
    let p = out.policies.first().expect("the policy is read");
    assert!(p.rules.is_empty(), "both values are unknown: {:?}", p.rules);
    assert_eq!(p.unknown.len(), 2);

    let mut arm_vars = String::from(r#""v0": "PT1H""#);
    for i in 1..40 {
        arm_vars.push_str(&format!(
            r#", "v{i}": "[concat(variables('v{}'), variables('v{}'))]""#,
            i - 1,
            i - 1
        ));
    }
    let arm = format!(
        r#"{{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
           "variables": {{ {arm_vars}, "a": "[variables('b')]", "b": "[variables('a')]" }},
           "resources": [{{"type": "Microsoft.Authorization/roleManagementPolicies", "name": "x",
             "properties": {{"rules": [
               {{"id": "Expiration_EndUser_Assignment", "ruleType": "RoleManagementPolicyExpirationRule", "maximumDuration": "[variables('v39')]"}},
               {{"id": "Enablement_EndUser_Assignment", "ruleType": "RoleManagementPolicyEnablementRule", "enabledRules": "[variables('a')]"}}
             ]}}}}]}}"#
    );
    let out = lint_text("hostile.json", &arm);
    let p = out.policies.first().expect("the policy is read");
    assert!(p.rules.is_empty(), "both values are unknown: {:?}", p.rules);
    assert_eq!(p.unknown.len(), 2);
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}

#[test]
fn an_assignment_whose_role_is_known_at_deployment_is_said_on_its_policy() {
    let out = lint_text(
        "role_later.bicep",
        "param roleId string\n\
         resource p 'Microsoft.Authorization/roleManagementPolicies@2020-10-01' = {\n\
           name: 'f0000000-0000-4000-8000-000000000001'\n\
           properties: { rules: [] }\n\
         }\n\
         resource a 'Microsoft.Authorization/roleManagementPolicyAssignments@2020-10-01' = {\n\
           name: 'a'\n\
           properties: { policyId: p.id, roleDefinitionId: roleId }\n\
         }\n",
    );
    let p = out.policies.first().expect("the policy is read");
    assert!(p.role.is_none());
    assert_eq!(
        p.unknown
            .iter()
            .map(|u| u.value.as_str())
            .collect::<Vec<_>>(),
        ["roleId"]
    );
    assert!(codes(&out).contains(&"PIM017"), "{:?}", lines(&out));
}
