//! EasyPIM orchestrator configs (JSON with comments) and Microsoft365DSC `AADRoleSetting`
//! blocks in `.ps1` configurations: read as policies where the team wrote them
//! (fixtures/easypim, fixtures/m365dsc), findings snapshotted `LINE:COL CODE message`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

mod common;

use pim_lint::dialect::{easypim::EASYPIM, m365dsc::M365DSC};
use pim_lint::finding::Outcome;
use pim_lint::model::{PolicyKind, RoleAssignment, RuleId, Setting};
use std::path::{Path, PathBuf};

fn lint(path: &str) -> Outcome {
    common::lint_one(&common::repo().join(path), &common::baseline())
}

use common::{codes, lines};

#[test]
fn easypim_config_with_comments_is_read_with_templates_and_overrides() {
    let out = lint("fixtures/easypim/orchestrator-config.json");
    assert!(!codes(&out).contains(&"PIM001"), "{}", lines(&out));
    let roles: Vec<(String, PolicyKind, Option<String>)> = out
        .policies
        .iter()
        .map(|p| {
            assert_eq!(p.dialect, EASYPIM);
            assert!(p.partial);
            let r = p.role.clone().unwrap_or_default();
            (r.name.or(r.id).unwrap_or_default(), p.kind, p.scope.clone())
        })
        .collect();
    assert_eq!(roles.len(), 5, "{roles:?}");
    assert_eq!(roles[0].0, "Global Administrator");
    assert_eq!(
        roles[4],
        (
            "Group membership".into(),
            PolicyKind::Group,
            Some("8737e307-5069-43e9-9545-931f1ca4957f".into())
        )
    );
    // The template's values point at the template; the override's at the override.
    let text =
        std::fs::read_to_string(common::repo().join("fixtures/easypim/orchestrator-config.json"))
            .unwrap();
    let max = |i: usize| {
        let (_, _, max) = out.policies[i]
            .expiration(RuleId::ExpirationEndUserAssignment)
            .unwrap();
        let m = max.unwrap();
        (m.value.clone(), text[m.pointer.span.clone()].to_owned())
    };
    assert_eq!(max(0), ("PT2H".into(), "\"PT2H\"".into()));
    assert_eq!(max(1), ("PT12H".into(), "\"PT12H\"".into()));
    assert!(
        out.policies[0]
            .expiration(RuleId::ExpirationEndUserAssignment)
            .unwrap()
            .2
            .unwrap()
            .pointer
            .path
            .starts_with("/PolicyTemplates/Tier0")
    );
    // `MaximumEligibilityDuration` without `AllowPermanentEligibility`: permanent not allowed.
    let (_, required, _) = out.policies[0]
        .expiration(RuleId::ExpirationAdminEligibility)
        .unwrap();
    assert_eq!(required.map(|r| r.value), Some(true));
    // `MFA` is MultiFactorAuthentication; for an Entra role with an authentication context
    // EasyPIM drops it, for a group it does not (PIM007 then reports the conflict).
    let enabled = |i: usize| match &out.policies[i]
        .rule(RuleId::EnablementEndUserAssignment)
        .unwrap()
        .setting
    {
        Setting::Enablement { enabled_rules } => enabled_rules.clone().unwrap().value,
        _ => Vec::new(),
    };
    assert_eq!(enabled(0), ["MultiFactorAuthentication", "Justification"]);
    assert!(codes(&out).contains(&"PIM007"));
    insta::assert_snapshot!("easypim_orchestrator_config", lines(&out));
}

#[test]
fn easypim_config_of_assignments_only_is_recognised_not_a_parse_error() {
    let out = lint("fixtures/easypim/assignments-only.json");
    assert!(out.findings.is_empty(), "{}", lines(&out));
    // Its one eligible assignment (for P90D) is read as assignment data, no settings.
    assert_eq!(out.policies.len(), 1);
    let p = &out.policies[0];
    assert!(p.rules.is_empty() && p.partial);
    let a = &p.assignments.as_ref().unwrap().value;
    assert_eq!(a.len(), 1);
    assert_eq!(format!("{:?}", a[0].grant), "Eligible");
    assert_eq!(a[0].end.as_ref().map(|e| e.value.as_str()), Some("P90D"));
}

/// `(code, the text the finding highlights)` of each finding of `path`.
fn highlighted(path: &str, out: &Outcome) -> Vec<(&'static str, String)> {
    let text = std::fs::read_to_string(common::repo().join(path)).unwrap();
    out.findings
        .iter()
        .map(|f| (f.code, text[f.range()].to_owned()))
        .collect()
}

#[test]
fn easypim_assignments_are_judged_where_they_are_written() {
    let path = "fixtures/easypim/assignments-failing.json";
    let out = lint(path);
    assert_eq!(
        highlighted(path, &out),
        [
            // Assignments.EntraRoles: `permanent: true` on an active Global Administrator.
            ("PIM310", "true".to_owned()),
            // The text "false" is true for EasyPIM: permanent, and said so.
            ("PIM003", "\"false\"".to_owned()),
            ("PIM313", "\"false\"".to_owned()),
            // An eligible service principal, at its id.
            (
                "PIM314",
                "\"9c3e1a7b-4f6d-4e2a-b8c1-7d5e3f9a6c03\"".to_owned()
            ),
            // A principal the pipeline fills in: not judged, named.
            ("PIM017", "\"#{BreakGlassId}#\"".to_owned()),
            // User Access Administrator without a condition.
            (
                "PIM315",
                "\"e4a8c2d6-3b7f-4a1e-9d5c-8f2b6a4e0d04\"".to_owned()
            ),
            // The first versions' `EntraIDRolesActive`, for a principal in `ProtectedUsers`.
            ("PIM310", "true".to_owned()),
        ],
        "{}",
        lines(&out)
    );
    // The templated assignment is left out of its role's record, not read as anyone's.
    let sec = out
        .policies
        .iter()
        .find(|p| p.role.as_ref().and_then(|r| r.name.as_deref()) == Some("Security Administrator"))
        .unwrap();
    assert!(sec.assignments.as_ref().unwrap().value.is_empty());
    assert_eq!(sec.unknown.len(), 1);
    insta::assert_snapshot!("easypim_assignments_failing", lines(&out));
}

#[test]
fn easypim_time_bound_assignments_pass() {
    let out = lint("fixtures/easypim/assignments-passing.json");
    assert!(out.findings.is_empty(), "{}", lines(&out));
    let all: Vec<&RoleAssignment> = out
        .policies
        .iter()
        .flat_map(|p| p.assignments.iter().flat_map(|l| l.value.iter()))
        .collect();
    // Three for Global Administrator, one User Access Administrator, one from `PrincipalIds`.
    assert_eq!(all.len(), 5);
    assert!(all.iter().all(|a| a.end.is_some() && a.start.is_some()));
    let active = all
        .iter()
        .filter(|a| format!("{:?}", a.grant) == "Active")
        .count();
    assert_eq!(active, 2);
    // Without a duration EasyPIM asks for the longest the role's policy allows: not permanent.
    assert!(
        all.iter()
            .any(|a| a.end.as_ref().is_some_and(|e| e.value.contains("policy")))
    );
}

fn lint_text(name: &str, text: &str) -> Outcome {
    pim_lint::engine::lint_bytes(
        &[(name.into(), text.as_bytes().to_vec())],
        &common::baseline(),
        &common::catalog(),
    )
}

#[test]
fn a_key_named_assignments_alone_is_no_easypim_config() {
    let out = lint_text("other.json", "{\"Assignments\": {\"Teachers\": []}}");
    assert_eq!(codes(&out), ["PIM002"], "{}", lines(&out));
    let out = lint_text("config.json", "{\"Assignments\": {\"EntraRoles\": []}}");
    assert!(out.findings.is_empty(), "{}", lines(&out));
}

#[test]
fn easypim_reads_permanent_as_each_section_does() {
    // The `Assignments` block tests `permanent` for truth; the first versions' sections
    // compare `Permanent` with $true. A value the file does not fix is not judged.
    let ga = |section: &str, value: &str| {
        if section == "Assignments" {
            format!(
                "{{\"Assignments\": {{\"EntraRoles\": [{{\"roleName\": \"Global Administrator\", \"assignments\": [{{\"principalId\": \"p1\", \"assignmentType\": \"Active\", \"permanent\": {value}}}]}}]}}}}"
            )
        } else {
            format!(
                "{{\"EntraIDRolesActive\": [{{\"PrincipalId\": \"p1\", \"Rolename\": \"Global Administrator\", \"Permanent\": {value}}}]}}"
            )
        }
    };
    for (section, value, expected) in [
        ("Assignments", "true", vec!["PIM310"]),
        ("Assignments", "false", vec![]),
        ("Assignments", "\"false\"", vec!["PIM003", "PIM310"]),
        ("Assignments", "\"\"", vec![]),
        ("Assignments", "null", vec![]),
        ("Assignments", "\"${PERMANENT}\"", vec!["PIM017"]),
        ("Assignments", "[true]", vec!["PIM017"]),
        ("EntraIDRolesActive", "\"true\"", vec!["PIM310"]),
        ("EntraIDRolesActive", "\"false\"", vec![]),
        ("EntraIDRolesActive", "1", vec!["PIM310"]),
        ("EntraIDRolesActive", "\"#{perm}#\"", vec!["PIM017"]),
    ] {
        let out = lint_text("config.json", &ga(section, value));
        let mut got = codes(&out);
        got.sort_unstable();
        assert_eq!(
            got,
            expected,
            "{section} permanent = {value}: {}",
            lines(&out)
        );
    }
    // `assignmentType` is matched as a pattern: "active" in any case is active; anything
    // else, or nothing, eligible (PIM313 then, for a permanent one).
    for (kind, expected) in [
        ("\"active\"", "PIM310"),
        ("\"Eligible\"", "PIM313"),
        ("null", "PIM313"),
    ] {
        let text = format!(
            "{{\"Assignments\": {{\"EntraRoles\": [{{\"roleName\": \"Global Administrator\", \"assignments\": [{{\"principalId\": \"p1\", \"assignmentType\": {kind}, \"permanent\": true}}]}}]}}}}"
        );
        assert_eq!(
            codes(&lint_text("config.json", &text)),
            [expected],
            "{kind}"
        );
    }
}

#[test]
fn comments_stay_an_error_in_other_json() {
    let out = lint("fixtures/easypim/graph-with-comment.json");
    assert_eq!(codes(&out), ["PIM001"]);
    assert!(out.findings[0].message.contains("Not valid JSON"));
}

#[test]
fn m365dsc_role_settings_are_read_as_the_resource_applies_them() {
    let out = lint("fixtures/m365dsc/role-settings.ps1");
    assert_eq!(out.policies.len(), 2);
    let ga = &out.policies[0];
    assert_eq!(ga.dialect, M365DSC);
    assert_eq!(
        ga.role.as_ref().and_then(|r| r.name.as_deref()),
        Some("Global Administrator")
    );
    let (_, approval) = ga.approval().unwrap();
    let approvers = &approval.stages.as_ref().unwrap().value[0]
        .primary_approvers
        .value;
    assert_eq!(approvers.len(), 2);
    // Security Reader: its duration is a compile-time value (PIM017), and `ActivationReqMFA`
    // alone does not make the resource write the enablement rule.
    let sr = &out.policies[1];
    assert!(sr.rules.is_empty(), "{:?}", sr.rules);
    assert_eq!(sr.unknown.len(), 1);
    assert_eq!(
        sr.unknown[0].value,
        "$ConfigurationData.NonNodeData.MaxDuration"
    );
    assert!(codes(&out).contains(&"PIM017"));
    insta::assert_snapshot!("m365dsc_role_settings", lines(&out));
}

#[test]
fn unreadable_ps1_says_so_plainly() {
    let out = lint("fixtures/m365dsc/unreadable.ps1");
    assert_eq!(codes(&out), ["PIM001"]);
    let m = &out.findings[0].message;
    assert!(
        m.contains("PowerShell DSC configuration") && !m.contains("JSON"),
        "{m}"
    );
}

#[test]
fn a_walk_reads_ps1_files_with_role_settings_and_skips_the_others() {
    let mut errors = Vec::new();
    let mut skipped = Vec::new();
    let found = pim_lint::input::discover_with(
        &[PathBuf::from("fixtures/m365dsc")],
        &mut errors,
        Some(&mut skipped),
    );
    let names: Vec<String> = found.iter().map(|i| i.name()).collect();
    assert!(
        names.iter().any(|n| n.ends_with("role-settings.ps1")),
        "{names:?}"
    );
    assert!(
        !names.iter().any(|n| n.ends_with("no-role-setting.ps1")),
        "{names:?}"
    );
    assert!(
        skipped
            .iter()
            .any(|s| s.path.ends_with("no-role-setting.ps1") && s.why.contains("AADRoleSetting"))
    );
}

#[test]
fn any_cut_of_a_ps1_configuration_reads_without_a_panic() {
    let path: &Path = Path::new("fixtures/m365dsc/role-settings.ps1");
    let text = std::fs::read(common::repo().join(path)).unwrap();
    let set = common::baseline();
    for cut in (0..text.len()).step_by(7) {
        let input = pim_lint::input::Input::memory("cut.ps1", text[..cut].to_vec());
        let _ = pim_lint::engine::lint(&[input], &set, &common::catalog());
    }
}

#[test]
fn easypim_policy_values_a_pipeline_fills_in_are_unknown_not_wrong() {
    let out = lint("fixtures/easypim/policy-placeholders.json");
    // `#{MaxActivation}#` is no bad duration (PIM004), and an approver list whose id comes
    // from the pipeline is not "no approver" (PIM102): both are named once, as PIM017.
    assert_eq!(codes(&out), ["PIM017"], "{}", lines(&out));
    let f = &out.findings[0];
    assert!(f.message.contains("`#{MaxActivation}#`"), "{}", f.message);
    assert!(f.message.contains("`#{ApproverGroupId}#`"), "{}", f.message);
    let p = &out.policies[0];
    assert!(
        p.approval().is_none(),
        "approval is not judged without its approvers"
    );
    assert!(
        p.rules
            .iter()
            .any(|r| r.known == Some(RuleId::EnablementEndUserAssignment)),
        "the known settings are still read"
    );
}
