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

/// `FILE:LINE:COL CODE message` per finding, in report order (a run of many files).
fn located(out: &Outcome) -> Vec<String> {
    out.findings
        .iter()
        .map(|f| {
            let file = out.files.get(f.file).map_or("?", |s| s.name.as_str());
            let file = file.rsplit('/').next().unwrap_or(file);
            format!(
                "{file}:{}:{} {} {}",
                f.position.line, f.position.column, f.code, f.message
            )
        })
        .collect()
}

fn names(out: &Outcome) -> Vec<String> {
    out.policies
        .iter()
        .map(|p| p.display_name.clone().unwrap_or_default())
        .collect()
}

#[test]
fn a_module_is_read_with_the_values_its_call_gives() {
    // main.bicep calls pim.bicep with a cap of PT12H (pim.bicep's default is PT1H) and an
    // approver known only at deployment; the registry module is not read (a note).
    let set = common::baseline();
    let out = common::lint_one(&fixture("modules/main.bicep"), &set);
    insta::assert_snapshot!("module_call", located(&out).join("\n"));
    assert_eq!(
        names(&out),
        ["policy (via fixtures/bicep/modules/main.bicep: module ownerPim)"]
    );
    // The module's file is linted though the run did not name it: findings point into it.
    let pim204 = out.findings.iter().find(|f| f.code == "PIM204").unwrap();
    assert!(out.files[pim204.file].name.ends_with("modules/pim.bicep"));
    assert_eq!(pim204.position.line, 16, "at `maximumDuration: duration`");
    assert!(pim204.message.contains("PT12H"), "{}", pim204.message);
    let p = &out.policies[0];
    assert_eq!(
        p.unknown
            .iter()
            .map(|u| u.value.as_str())
            .collect::<Vec<_>>(),
        ["approverGroupId (from fixtures/bicep/modules/main.bicep)"]
    );
    let registry = out
        .findings
        .iter()
        .find(|f| f.code == "PIM017" && f.policy_id.is_none())
        .unwrap();
    assert_eq!(registry.position.line, 14);
    assert!(registry.message.contains("registry module"));

    // Alone (nothing in the run calls it), the module is read with its defaults.
    let alone = common::lint_one(&fixture("modules/pim.bicep"), &set);
    assert_eq!(names(&alone), ["policy"]);
    assert!(!codes(&alone).contains(&"PIM204"), "{:?}", lines(&alone));
    assert!(codes(&alone).contains(&"PIM017"));
}

#[test]
fn a_bicepparam_gives_values_to_the_file_it_uses() {
    // The walk finds prod.bicepparam, main.bicep and pim.bicep: main.bicep is read with the
    // approver prod.bicepparam sets and pim.bicep once, through that call: no PIM017 about the
    // approver, and no second reading of either file with its defaults.
    let set = common::baseline();
    let mut errors = Vec::new();
    let inputs = input::discover(&[fixture("modules")], &mut errors);
    assert!(errors.is_empty());
    assert!(inputs.iter().any(|i| i.name().ends_with("prod.bicepparam")));
    let out = pim_lint::engine::lint(&inputs, &set, &common::catalog());
    assert_eq!(
        names(&out),
        [
            "policy (via fixtures/bicep/modules/prod.bicepparam > fixtures/bicep/modules/main.bicep: module ownerPim)"
        ]
    );
    let p = &out.policies[0];
    assert!(p.unknown.is_empty(), "{:?}", p.unknown);
    assert!(
        p.rules
            .iter()
            .any(|r| r.known.is_some_and(|k| k.kind() == RuleKind::Approval))
    );
    insta::assert_snapshot!("bicepparam_walk", located(&out).join("\n"));
    assert!(out.skipped.is_empty(), "{:?}", out.skipped);
}

#[test]
fn a_value_set_in_a_bicepparam_is_judged_where_the_bicep_uses_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.bicep"),
        "param duration string = 'PT1H'\n\
         resource p 'Microsoft.Authorization/roleManagementPolicies@2020-10-01' = {\n\
           name: 'a1000000-0000-4000-8000-000000000001'\n\
           properties: { rules: [\n\
             { id: 'Expiration_EndUser_Assignment', ruleType: 'RoleManagementPolicyExpirationRule', maximumDuration: duration }\n\
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
    std::fs::write(
        dir.path().join("prod.bicepparam"),
        "using 'main.bicep'\n\nparam duration = 'PT10H'\n",
    )
    .unwrap();
    let set = common::baseline();
    let main = common::lint_one(&dir.path().join("main.bicep"), &set);
    assert!(
        !codes(&main).contains(&"PIM204"),
        "defaults: {:?}",
        lines(&main)
    );
    let both = common::lint_paths(
        &[
            dir.path().join("main.bicep"),
            dir.path().join("prod.bicepparam"),
        ],
        &set,
    );
    let pim204 = both.findings.iter().find(|f| f.code == "PIM204").unwrap();
    // In the .bicep, where the value is used; the subject names the parameters file.
    assert!(both.files[pim204.file].name.ends_with("main.bicep"));
    assert_eq!(pim204.position.line, 5);
    assert!(pim204.message.contains("PT10H"));
    assert!(
        pim204
            .subject
            .as_deref()
            .unwrap_or_default()
            .contains("prod.bicepparam"),
        "{:?}",
        pim204.subject
    );
    assert_eq!(both.policies.len(), 1, "main.bicep is not read alone too");
}

#[test]
fn a_bicepparam_whose_file_is_missing_says_so() {
    let set = common::baseline();
    let out = common::lint_one(&fixture("params/missing.bicepparam"), &set);
    assert_eq!(
        located(&out),
        [
            "missing.bicepparam:1:7 PIM001 Not valid Bicep: the `using` file `./not_there.bicep` cannot be read: No such file or directory (os error 2)"
        ]
    );
}

#[test]
fn the_grammar_reads_using_but_a_bicepparam_param_is_read_as_a_variable() {
    // tree-sitter-bicep parses `using`, but its `param` wants a type (`param x = 1` is an
    // error): a .bicepparam's `param` keyword is read as `var` of the same length.
    let text = "using './main.bicep'\nparam a = 'x'\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.bicep"), "param a string\n").unwrap();
    let path = dir.path().join("p.bicep");
    std::fs::write(&path, text).unwrap();
    let as_bicep = common::lint_one(&path, &common::baseline());
    assert_eq!(codes(&as_bicep), ["PIM001"], "{:?}", lines(&as_bicep));
    let path = dir.path().join("p.bicepparam");
    std::fs::write(&path, text).unwrap();
    let as_params = common::lint_one(&path, &common::baseline());
    assert!(as_params.findings.is_empty(), "{:?}", lines(&as_params));
}

#[test]
fn a_cycle_of_modules_is_a_finding_not_a_hang() {
    let set = common::baseline();
    let out = common::lint_paths(&[fixture("cycle/a.bicep")], &set);
    insta::assert_snapshot!("module_cycle", located(&out).join("\n"));
    assert_eq!(codes(&out).iter().filter(|c| **c == "PIM001").count(), 1);
    // b.bicep's policy is still read, once (through a.bicep's call).
    assert_eq!(out.policies.len(), 1);

    // A long chain and a graph whose paths double at each layer end quickly and bounded.
    let started = std::time::Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let policy = "resource p 'Microsoft.Authorization/roleManagementPolicies@2020-10-01' = {\n\
                  name: 'b1000000-0000-4000-8000-000000000001'\n properties: { rules: [] }\n}\n";
    for i in 0..600 {
        std::fs::write(
            dir.path().join(format!("c{i}.bicep")),
            format!("module next './c{}.bicep' = {{ name: 'n' }}\n", i + 1),
        )
        .unwrap();
    }
    for layer in 0..20 {
        let mut text = String::from(policy);
        for k in 0..2 {
            text.push_str(&format!(
                "module m{k} './d{}_{k}.bicep' = {{ name: 'm{k}' }}\n",
                layer + 1
            ));
        }
        for k in 0..2 {
            std::fs::write(dir.path().join(format!("d{layer}_{k}.bicep")), &text).unwrap();
        }
    }
    let out = common::lint_paths(
        &[dir.path().join("c0.bicep"), dir.path().join("d0_0.bicep")],
        &set,
    );
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
    let notes: Vec<&str> = out
        .findings
        .iter()
        .filter(|f| f.code == "PIM017" || f.code == "PIM001")
        .map(|f| &*f.message)
        .collect();
    assert!(
        notes.iter().any(|m| m.contains("at most 512 Bicep files")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|m| m.contains("first 64 calls")),
        "{notes:?}"
    );
    assert!(out.policies.len() < 64 * 41, "{}", out.policies.len());
}

#[test]
fn modules_outside_the_tree_or_known_at_deployment_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("inner");
    std::fs::create_dir(&inner).unwrap();
    std::fs::write(dir.path().join("outside.bicep"), "param x string\n").unwrap();
    std::fs::write(
        inner.join("main.bicep"),
        "param name string\n\
         module a '../outside.bicep' = { name: 'a' }\n\
         module b '/etc/passwd.bicep' = { name: 'b' }\n\
         module c 'ts:00000000-0000-0000-0000-000000000000/rg/spec:1.0' = { name: 'c' }\n\
         module d './${name}.bicep' = { name: 'd' }\n\
         module e './missing.bicep' = { name: 'e' }\n",
    )
    .unwrap();
    let out = common::lint_one(&inner.join("main.bicep"), &common::baseline());
    let got: Vec<String> = out
        .findings
        .iter()
        .map(|f| format!("{}:{} {}", f.position.line, f.code, f.message))
        .collect();
    assert_eq!(got.len(), 5, "{got:#?}");
    assert!(got[0].starts_with("2:PIM017") && got[0].contains("outside the working directory"));
    assert!(got[1].starts_with("3:PIM017") && got[1].contains("not a relative path"));
    assert!(got[2].starts_with("4:PIM017") && got[2].contains("template spec"));
    assert!(got[3].starts_with("5:PIM017") && got[3].contains("known only at deployment"));
    assert!(got[4].starts_with("6:PIM001") && got[4].contains("cannot be read"));
    assert_eq!(out.files.len(), 1, "no file outside was read");
}

#[test]
fn a_resource_scope_is_taken_only_when_the_file_knows_it() {
    let out = common::lint_one(&fixture("scope.bicep"), &common::baseline());
    let scopes: Vec<(String, Option<String>)> = out
        .policies
        .iter()
        .map(|p| (p.display_name.clone().unwrap(), p.scope.clone()))
        .collect();
    let want = |s: &str| Some(s.to_owned());
    assert_eq!(
        scopes,
        [
            (
                "atSubscription".into(),
                want("/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590")
            ),
            (
                "atGroup".into(),
                want("/providers/Microsoft.Management/managementGroups/contoso-root")
            ),
            ("atTenant".into(), want("/")),
            ("atDeployment".into(), None),
            ("atResource".into(), None),
            // `properties.scope` says a subscription, the resource's `scope` the deployment's
            // resource group: no scope is claimed.
            ("stated".into(), None),
        ]
    );

    let arm = lint_text(
        "scoped.json",
        r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
           "resources": [
             {"type": "Microsoft.Authorization/roleManagementPolicies", "name": "p1", "scope": "/subscriptions/abc", "properties": {"rules": []}},
             {"type": "Microsoft.Authorization/roleManagementPolicies", "name": "p2", "scope": "[subscription().id]", "properties": {"rules": []}},
             {"type": "Microsoft.Authorization/roleManagementPolicies", "name": "p3", "scope": "Microsoft.Storage/storageAccounts/sa", "properties": {"rules": []}},
             {"type": "Microsoft.Authorization/roleManagementPolicies", "name": "p4", "properties": {"rules": []}}
           ]}"#,
    );
    let scopes: Vec<Option<&str>> = arm.policies.iter().map(|p| p.scope.as_deref()).collect();
    assert_eq!(scopes, [Some("/subscriptions/abc"), None, None, None]);
}

#[test]
fn loops_over_a_known_list_give_one_policy_per_item() {
    let set = common::baseline();
    for (file, dialect) in [
        ("loops.bicep", dialect::BICEP),
        ("copy_loop.json", dialect::ARM_TEMPLATE),
    ] {
        let out = common::lint_one(&fixture(file), &set);
        insta::assert_snapshot!(format!("loops_{file}"), lines(&out).join("\n"));
        assert!(out.policies.iter().all(|p| p.dialect == dialect));
        let mut ids: Vec<Option<String>> = out
            .policies
            .iter()
            .map(|p| p.role.as_ref().and_then(|r| r.id.clone()))
            .collect();
        ids.sort();
        // Two items, each joined to its role by the assignment of the same item; the loop over
        // a list given at deployment is one policy, its list named once (PIM017).
        assert_eq!(out.policies.len(), 3, "{file}");
        assert!(ids[0].is_none());
        assert!(
            ids[1]
                .as_deref()
                .unwrap()
                .ends_with("8e3af657-a8ff-443c-a75c-2fe8c4bcb635")
        );
        assert!(
            ids[2]
                .as_deref()
                .unwrap()
                .ends_with("acdd72a7-3385-48ef-bd42-f606fba81ae7")
        );
        assert_eq!(codes(&out).iter().filter(|c| **c == "PIM204").count(), 1);
        assert_eq!(codes(&out).iter().filter(|c| **c == "PIM017").count(), 1);
        let later = out.policies.iter().find(|p| p.role.is_none()).unwrap();
        assert_eq!(later.unknown.len(), 1, "{:?}", later.unknown);
        assert!(later.unknown[0].value.contains("moreRoles"));
    }
    // The ARM property loop builds a rule per target.
    let arm = common::lint_one(&fixture("copy_loop.json"), &set);
    let owner = arm
        .policies
        .iter()
        .find(|p| {
            p.role
                .as_ref()
                .and_then(|r| r.id.as_deref())
                .is_some_and(|r| r.ends_with("8e3af657-a8ff-443c-a75c-2fe8c4bcb635"))
        })
        .unwrap();
    let rule_ids: Vec<&str> = owner.rules.iter().map(|r| r.id.value.as_str()).collect();
    assert_eq!(
        rule_ids,
        [
            "Expiration_Admin_Assignment",
            "Expiration_EndUser_Assignment"
        ]
    );
}

#[test]
fn a_loop_beyond_the_bound_is_named_not_expanded() {
    let started = std::time::Instant::now();
    let out = lint_text(
        "long.bicep",
        "resource p 'Microsoft.Authorization/roleManagementPolicies@2020-10-01' = [for i in range(0, 5000): {\n\
           name: 'p${i}'\n\
           properties: { rules: [] }\n\
         }]\n",
    );
    assert_eq!(out.policies.len(), 1);
    let p = &out.policies[0];
    assert_eq!(p.unknown.len(), 1);
    assert!(p.unknown[0].value.contains("5000 items"), "{:?}", p.unknown);
    let arm = lint_text(
        "long.json",
        r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
           "resources": [{"copy": {"name": "l", "count": 1001}, "type": "Microsoft.Authorization/roleManagementPolicies",
             "name": "[concat('p', copyIndex())]", "properties": {"rules": []}}]}"#,
    );
    assert_eq!(arm.policies.len(), 1);
    assert!(arm.policies[0].unknown[0].value.contains("1001 items"));
    // At the bound, every item is read.
    let at = lint_text(
        "bound.bicep",
        "resource p 'Microsoft.Authorization/roleManagementPolicies@2020-10-01' = [for i in range(0, 1000): {\n\
           name: 'p${i}'\n\
           properties: { rules: [] }\n\
         }]\n",
    );
    assert_eq!(at.policies.len(), 1000);
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
}

#[test]
fn a_module_in_a_loop_or_behind_a_condition_is_read_per_call() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pim.bicep"),
        "param name string\nparam duration string = 'PT1H'\n\
         resource p 'Microsoft.Authorization/roleManagementPolicies@2020-10-01' = {\n\
           name: name\n\
           properties: { rules: [\n\
             { id: 'Expiration_EndUser_Assignment', ruleType: 'RoleManagementPolicyExpirationRule', maximumDuration: duration }\n\
           ] }\n\
         }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("main.bicep"),
        "param settings object\n\
         var caps = [ 'PT2H', 'PT3H' ]\n\
         module each './pim.bicep' = [for (c, i) in caps: {\n\
           name: 'each${i}'\n\
           params: { name: 'p${i}', duration: c }\n\
         }]\n\
         module never './pim.bicep' = if (false) {\n\
           name: 'never'\n\
           params: { name: 'never', duration: 'PT99H' }\n\
         }\n\
         module whole './pim.bicep' = {\n\
           name: 'whole'\n\
           params: settings\n\
         }\n",
    )
    .unwrap();
    let out = common::lint_one(&dir.path().join("main.bicep"), &common::baseline());
    let mut read: Vec<(String, Option<String>, Vec<String>)> = out
        .policies
        .iter()
        .map(|p| {
            let name = p.display_name.clone().unwrap_or_default();
            let via = name.split_once("main.bicep: ").map(|(_, v)| v.to_owned());
            let cap = p.rules.iter().find_map(|r| match &r.setting {
                Setting::Expiration {
                    maximum_duration: Some(d),
                    ..
                } => Some(d.value.clone()),
                _ => None,
            });
            (
                via.unwrap_or(name),
                cap,
                p.unknown.iter().map(|u| u.value.clone()).collect(),
            )
        })
        .collect();
    read.sort();
    assert_eq!(
        read,
        [
            ("module each[0])".into(), Some("PT2H".into()), vec![]),
            ("module each[1])".into(), Some("PT3H".into()), vec![]),
            // `params` known only at deployment: every parameter is, the default included.
            (
                "module whole)".into(),
                None,
                vec![format!(
                    "settings (from {})",
                    pim_lint::input::display_name(&dir.path().join("main.bicep"))
                )]
            ),
        ]
    );
}

#[test]
fn each_call_of_a_module_keeps_its_own_role() {
    // Two calls of one module whose policy name is written in it: each call's assignment gives
    // its own reading of the policy its role (no "assigned to Owner and again to Reader").
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pim.bicep"),
        "param roleId string\nparam duration string = 'PT1H'\n\
         resource p 'Microsoft.Authorization/roleManagementPolicies@2020-10-01' = {\n\
           name: 'a1000000-0000-4000-8000-000000000001'\n\
           properties: { rules: [\n\
             { id: 'Expiration_EndUser_Assignment', ruleType: 'RoleManagementPolicyExpirationRule', maximumDuration: duration }\n\
           ] }\n\
         }\n\
         resource a 'Microsoft.Authorization/roleManagementPolicyAssignments@2020-10-01' = {\n\
           name: 'a'\n\
           properties: {\n\
             policyId: p.id\n\
             roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/${roleId}'\n\
           }\n\
         }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("main.bicep"),
        "module owner './pim.bicep' = {\n\
           name: 'o'\n\
           params: { roleId: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', duration: 'PT8H' }\n\
         }\n\
         module reader './pim.bicep' = {\n\
           name: 'r'\n\
           params: { roleId: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', duration: 'PT8H' }\n\
         }\n",
    )
    .unwrap();
    let out = common::lint_one(&dir.path().join("main.bicep"), &common::baseline());
    assert!(!codes(&out).contains(&"PIM003"), "{:?}", lines(&out));
    let mut read: Vec<(String, String)> = out
        .policies
        .iter()
        .map(|p| {
            let name = p.display_name.clone().unwrap_or_default();
            let role = p
                .role
                .as_ref()
                .and_then(|r| r.id.clone())
                .unwrap_or_default();
            (
                name.rsplit("module ").next().unwrap_or_default().to_owned(),
                role.rsplit('/').next().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    read.sort();
    assert_eq!(
        read,
        [
            (
                "owner)".into(),
                "8e3af657-a8ff-443c-a75c-2fe8c4bcb635".into()
            ),
            (
                "reader)".into(),
                "acdd72a7-3385-48ef-bd42-f606fba81ae7".into()
            ),
        ]
    );
    // Owner's cap is too long for tier0, Reader's is not judged so.
    let pim204: Vec<&str> = out
        .findings
        .iter()
        .filter(|f| f.code == "PIM204")
        .filter_map(|f| f.subject.as_deref())
        .collect();
    assert_eq!(pim204.len(), 1, "{pim204:?}");
    assert!(pim204[0].contains("module owner"), "{pim204:?}");
}

#[test]
fn a_built_module_in_a_loop_is_read_per_index() {
    // `bicep build` writes `module m './pim.bicep' = [for c in caps: …]` as a deployment with
    // `copy`: its template is read once per index, with the parameters that index gives.
    let out = lint_text(
        "built_loop.json",
        r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
           "variables": {"caps": ["PT2H", "PT6H"]},
           "resources": [{
             "copy": {"name": "m", "count": "[length(variables('caps'))]"},
             "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
             "name": "[format('m-{0}', copyIndex())]",
             "properties": {
               "expressionEvaluationOptions": {"scope": "inner"},
               "parameters": {"cap": {"value": "[variables('caps')[copyIndex()]]"}},
               "template": {
                 "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                 "parameters": {"cap": {"type": "string"}},
                 "resources": [{"type": "Microsoft.Authorization/roleManagementPolicies", "apiVersion": "2020-10-01",
                   "name": "p", "properties": {"rules": [
                     {"id": "Expiration_EndUser_Assignment", "ruleType": "RoleManagementPolicyExpirationRule", "maximumDuration": "[parameters('cap')]"}
                   ]}}]
               }
             }
           }]}"#,
    );
    let caps: Vec<Option<String>> = out
        .policies
        .iter()
        .map(|p| {
            p.rules.iter().find_map(|r| match &r.setting {
                Setting::Expiration {
                    maximum_duration: Some(d),
                    ..
                } => Some(d.value.clone()),
                _ => None,
            })
        })
        .collect();
    assert_eq!(caps, [Some("PT2H".into()), Some("PT6H".into())]);
    assert!(out.policies.iter().all(|p| p.unknown.is_empty()));
}

#[test]
fn a_loop_in_a_called_module_names_item_and_call() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pim.bicep"),
        "param names array\n\
         resource p 'Microsoft.Authorization/roleManagementPolicies@2020-10-01' = [for n in names: {\n\
           name: n\n\
           properties: { rules: [] }\n\
         }]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("main.bicep"),
        "module m './pim.bicep' = {\n  name: 'm'\n  params: { names: [ 'a', 'b' ] }\n}\n",
    )
    .unwrap();
    let out = common::lint_one(&dir.path().join("main.bicep"), &common::baseline());
    let main = pim_lint::input::display_name(&dir.path().join("main.bicep"));
    let mut got = names(&out);
    got.sort();
    assert_eq!(
        got,
        [
            format!("p[0] (via {main}: module m)"),
            format!("p[1] (via {main}: module m)")
        ]
    );
    let subject = out
        .findings
        .iter()
        .find_map(|f| f.subject.as_deref())
        .unwrap();
    assert!(
        subject.ends_with(&format!("via {main}: module m")),
        "{subject}"
    );
}

#[test]
fn a_module_call_scope_is_the_scope_of_the_module_resources() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pim.bicep"),
        "param n string\n\
         resource p 'Microsoft.Authorization/roleManagementPolicies@2020-10-01' = {\n\
           name: n\n\
           properties: { rules: [] }\n\
         }\n\
         resource own 'Microsoft.Authorization/roleManagementPolicies@2020-10-01' = {\n\
           name: '${n}-own'\n\
           scope: tenant()\n\
           properties: { rules: [] }\n\
         }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("mid.bicep"),
        "module inner './pim.bicep' = {\n  name: 'inner'\n  params: { n: 'inherited' }\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("main.bicep"),
        "module sub './pim.bicep' = {\n\
           name: 'sub'\n\
           scope: subscription('0b1f6471-1bf0-4dda-aec3-cb9272f09590')\n\
           params: { n: 'sub' }\n\
         }\n\
         module rg './pim.bicep' = {\n\
           name: 'rg'\n\
           scope: resourceGroup()\n\
           params: { n: 'rg' }\n\
         }\n\
         module mid './mid.bicep' = {\n\
           name: 'mid'\n\
           scope: managementGroup('contoso')\n\
         }\n",
    )
    .unwrap();
    let out = common::lint_one(&dir.path().join("main.bicep"), &common::baseline());
    let mut got: Vec<(String, Option<String>)> = out
        .policies
        .iter()
        .map(|p| {
            let id = p.id.clone().unwrap_or_default();
            (
                id.rsplit('/').next().unwrap_or_default().to_owned(),
                p.scope.clone(),
            )
        })
        .collect();
    got.sort();
    let s = |v: &str| Some(v.to_owned());
    assert_eq!(
        got,
        [
            (
                "inherited".into(),
                s("/providers/Microsoft.Management/managementGroups/contoso")
            ),
            ("inherited-own".into(), s("/")),
            ("rg".into(), None),
            ("rg-own".into(), s("/")),
            (
                "sub".into(),
                s("/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590")
            ),
            ("sub-own".into(), s("/")),
        ]
    );
}

#[test]
fn a_bicepparam_with_using_none_or_extends_is_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.bicep"),
        "param duration string = 'PT1H'\nparam cap string = 'PT1H'\n\
         resource p 'Microsoft.Authorization/roleManagementPolicies@2020-10-01' = {\n\
           name: 'a1000000-0000-4000-8000-000000000001'\n\
           properties: { rules: [\n\
             { id: 'Expiration_EndUser_Assignment', ruleType: 'RoleManagementPolicyExpirationRule', maximumDuration: duration }\n\
             { id: 'Expiration_Admin_Assignment', ruleType: 'RoleManagementPolicyExpirationRule', maximumDuration: cap }\n\
           ] }\n\
         }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("none.bicepparam"),
        "using none\n\nparam duration = 'PT2H'\n",
    )
    .unwrap();
    // Read without a syntax error; named, it holds nothing pim-lint lints (as a .bicep without
    // PIM resources).
    let none = common::lint_one(&dir.path().join("none.bicepparam"), &common::baseline());
    assert_eq!(codes(&none), ["PIM002"], "{:?}", lines(&none));
    // `extends` takes the values this file does not set from another file, which is not read:
    // they are unknown, not the .bicep's defaults.
    std::fs::write(
        dir.path().join("prod.bicepparam"),
        "using 'main.bicep'\nextends 'base.bicepparam'\n\nparam duration = 'PT2H'\n",
    )
    .unwrap();
    let out = common::lint_paths(
        &[
            dir.path().join("main.bicep"),
            dir.path().join("prod.bicepparam"),
        ],
        &common::baseline(),
    );
    let [p] = out.policies.as_slice() else {
        panic!("one policy: {:?}", names(&out))
    };
    let caps: Vec<&str> = p
        .rules
        .iter()
        .filter_map(|r| match &r.setting {
            Setting::Expiration {
                maximum_duration: Some(d),
                ..
            } => Some(d.value.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(caps, ["PT2H"]);
    assert_eq!(p.unknown.len(), 1, "{:?}", p.unknown);
    assert!(p.unknown[0].value.starts_with("extends 'base.bicepparam'"));
}

#[cfg(unix)]
#[test]
fn a_module_path_through_a_symbolic_link_reads_the_file_it_resolves_to() {
    // `./sub/../../x.bicep` with `sub` a link two folders down resolves to the caller's own
    // x.bicep; read lexically it would be the x.bicep above the caller's folder.
    let dir = tempfile::tempdir().unwrap();
    let caller = dir.path().join("caller");
    std::fs::create_dir_all(caller.join("d1/d2")).unwrap();
    std::os::unix::fs::symlink(caller.join("d1/d2"), caller.join("sub")).unwrap();
    let policy = |name: &str| {
        format!(
            "resource p 'Microsoft.Authorization/roleManagementPolicies@2020-10-01' = {{\n  name: '{name}'\n  properties: {{ rules: [] }}\n}}\n"
        )
    };
    std::fs::write(caller.join("x.bicep"), policy("inside")).unwrap();
    std::fs::write(dir.path().join("x.bicep"), policy("outside")).unwrap();
    std::fs::write(
        caller.join("main.bicep"),
        "module m './sub/../../x.bicep' = { name: 'm' }\n",
    )
    .unwrap();
    let out = common::lint_one(&caller.join("main.bicep"), &common::baseline());
    let ids: Vec<String> = out.policies.iter().filter_map(|p| p.id.clone()).collect();
    assert_eq!(ids.len(), 1, "{:?}", lines(&out));
    assert!(ids[0].ends_with("/inside"), "{ids:?}");
}
