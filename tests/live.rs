//! Live access against a local mock tenant (tests/support/mock): `check --live`, `fetch`,
//! `approvers --live`, paging, batching, throttling, failures that must end the run with exit 2,
//! and tokens that must never appear in any output.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

#[path = "support/mock/mod.rs"]
mod mock;

use mock::{ARM_TOKEN, EndpointKind, Faults, GRAPH_TOKEN, MockServer, MockTenant, Options, Spec};
use std::path::Path;
use std::process::Output;

/// Runs pim-lint against the server with the mock's tokens in the environment.
fn run(server: &MockServer, args: &[&str]) -> Output {
    run_env(
        server,
        args,
        &[
            ("PIM_LINT_TOKEN", GRAPH_TOKEN),
            ("PIM_LINT_ARM_TOKEN", ARM_TOKEN),
        ],
    )
}

fn run_env(server: &MockServer, args: &[&str], env: &[(&str, &str)]) -> Output {
    let base = server.base_url();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_pim-lint"));
    cmd.args(args)
        .args([
            "--graph-url",
            &base,
            "--arm-url",
            &base,
            "--retry-base-ms",
            "1",
        ])
        .env_remove("PIM_LINT_TOKEN")
        .env_remove("PIM_LINT_ARM_TOKEN")
        .env_remove("AZURE_CLIENT_SECRET")
        .env_remove("AZURE_CLIENT_CERTIFICATE_PATH")
        .env_remove("AZURE_FEDERATED_TOKEN_FILE")
        .env_remove("IDENTITY_ENDPOINT")
        .env_remove("MSI_ENDPOINT")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("pim-lint runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn server(spec: Spec, faults: Faults) -> MockServer {
    MockServer::start(MockTenant::generate(spec), faults)
}

fn small_pages(graph: usize, arm: usize) -> Options {
    Options {
        graph_page_size: graph,
        arm_page_size: arm,
        ..Options::default()
    }
}

/// `(path without its prefix, line, column, code, message)` of each finding in a JSON report.
fn findings(json: &str, prefix: &str) -> Vec<(String, u64, u64, String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).expect("a JSON report");
    let mut out: Vec<_> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|f| {
            let path = f["file"].as_str().unwrap_or_default();
            (
                path.strip_prefix(prefix).unwrap_or(path).to_owned(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
                f["code"].as_str().unwrap_or_default().to_owned(),
                f["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .expect("under")
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, std::fs::read(&p).expect("read")));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn fetch_then_check_gives_the_findings_of_check_live() {
    let s = server(Spec::default(), Faults::none());
    let live = run(&s, &["check", "--live", "--format", "json"]);
    assert_eq!(live.status.code(), Some(1), "{}", text(&live.stderr));
    let live_findings = findings(&text(&live.stdout), "live:");
    // The mock's weak roles are found: approval off on a tier0 role, peer approval, permanent
    // eligibility, PIM for Groups weaker than the role the group holds.
    for code in [
        "PIM101", "PIM105", "PIM107", "PIM201", "PIM301", "PIM310", "PIM501",
    ] {
        assert!(
            live_findings.iter().any(|f| f.3 == code),
            "{code} missing from {live_findings:#?}"
        );
    }

    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("tenant");
    let outs = out.to_str().expect("utf-8 path");
    let fetched = run(&s, &["fetch", "--out", outs]);
    assert_eq!(fetched.status.code(), Some(0), "{}", text(&fetched.stderr));
    assert!(
        out.join("graph/directory-roles/policy-assignments.json")
            .is_file()
    );
    assert!(out.join("graph/users.json").is_file());
    assert!(
        out.join(format!(
            "arm/subscriptions.{}/policy-assignments.json",
            mock::DEFAULT_SUBSCRIPTION
        ))
        .is_file()
    );

    let checked = std::process::Command::new(env!("CARGO_BIN_EXE_pim-lint"))
        .args(["check", outs, "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(checked.status.code(), Some(1), "{}", text(&checked.stderr));
    let file_findings = findings(&text(&checked.stdout), &format!("{outs}/"));
    assert_eq!(live_findings, file_findings);
}

#[test]
fn fetching_an_unchanged_tenant_changes_no_byte() {
    let s = server(Spec::default(), Faults::none());
    let dir = tempfile::tempdir().expect("tempdir");
    let outs = dir.path().to_str().expect("utf-8 path");
    let first = run(&s, &["fetch", "--out", outs]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let before = files_under(dir.path());
    let mtimes: Vec<_> = before
        .iter()
        .map(|(p, _)| {
            std::fs::metadata(dir.path().join(p))
                .and_then(|m| m.modified())
                .ok()
        })
        .collect();
    let second = run(&s, &["fetch", "--out", outs]);
    assert_eq!(second.status.code(), Some(0));
    assert!(
        text(&second.stderr).contains("0 changed"),
        "{}",
        text(&second.stderr)
    );
    let after = files_under(dir.path());
    assert_eq!(before, after);
    let mtimes_after: Vec<_> = after
        .iter()
        .map(|(p, _)| {
            std::fs::metadata(dir.path().join(p))
                .and_then(|m| m.modified())
                .ok()
        })
        .collect();
    assert_eq!(mtimes, mtimes_after, "unchanged files are not rewritten");
    // Sorted and pretty: items by id, two-space indentation.
    let users = std::fs::read_to_string(dir.path().join("graph/users.json")).expect("users");
    let v: serde_json::Value = serde_json::from_str(&users).expect("json");
    let ids: Vec<String> = v["value"]
        .as_array()
        .expect("value")
        .iter()
        .map(|u| u["id"].as_str().unwrap_or_default().to_ascii_lowercase())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    assert!(users.contains("\n  \"value\": [\n"));
}

#[test]
fn a_scope_no_longer_read_loses_its_files() {
    let s = server(Spec::default(), Faults::none());
    let dir = tempfile::tempdir().expect("tempdir");
    let outs = dir.path().to_str().expect("utf-8 path");
    let rg = format!(
        "/subscriptions/{}/resourceGroups/rg-prod",
        mock::DEFAULT_SUBSCRIPTION
    );
    let sub = format!("/subscriptions/{}", mock::DEFAULT_SUBSCRIPTION);
    let both = run(
        &s,
        &["fetch", "--out", outs, "--scope", &sub, "--scope", &rg],
    );
    assert_eq!(both.status.code(), Some(0), "{}", text(&both.stderr));
    let rg_dir = dir.path().join(format!(
        "arm/subscriptions.{}.resourceGroups.rg-prod",
        mock::DEFAULT_SUBSCRIPTION
    ));
    assert!(rg_dir.join("policy-assignments.json").is_file());
    let one = run(&s, &["fetch", "--out", outs, "--scope", &sub]);
    assert_eq!(one.status.code(), Some(0));
    assert!(!rg_dir.exists(), "the resource group's files are gone");
}

#[test]
fn lists_are_read_across_pages() {
    let tenant = MockTenant::generate(Spec::default());
    let s = MockServer::start_with(tenant, Faults::none(), small_pages(7, 5));
    let dir = tempfile::tempdir().expect("tempdir");
    let outs = dir.path().to_str().expect("utf-8 path");
    let out = run(&s, &["fetch", "--out", outs]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // 40 users in pages of 7: 6 requests, every user written.
    assert!(s.count(EndpointKind::Users) >= 3);
    assert_eq!(s.count(EndpointKind::Users), 40usize.div_ceil(7));
    let users = std::fs::read_to_string(dir.path().join("graph/users.json")).expect("users");
    let v: serde_json::Value = serde_json::from_str(&users).expect("json");
    assert_eq!(v["value"].as_array().map(Vec::len), Some(40));
    // ARM lists page with `nextLink`.
    assert!(s.count(EndpointKind::ArmPolicyAssignments) >= 2);
    // The same findings as with one page per list.
    let paged = run(&s, &["check", "--live", "--format", "json"]);
    let whole = server(Spec::default(), Faults::none());
    let unpaged = run(&whole, &["check", "--live", "--format", "json"]);
    assert_eq!(
        findings(&text(&paged.stdout), "live:"),
        findings(&text(&unpaged.stdout), "live:")
    );
}

#[test]
fn a_throttled_sub_request_is_retried_in_a_later_batch() {
    let s = server(
        Spec::default(),
        Faults::none().throttle(EndpointKind::GroupPolicyAssignments, 2, 0),
    );
    let out = run(&s, &["check", "--live", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let throttled: Vec<_> = s
        .requests()
        .into_iter()
        .filter(|r| r.kind == EndpointKind::GroupPolicyAssignments)
        .collect();
    assert!(throttled.iter().all(|r| r.in_batch), "{throttled:#?}");
    assert_eq!(throttled.iter().filter(|r| r.status == 429).count(), 2);
    assert!(
        s.count(EndpointKind::Batch) >= 3,
        "a second round of batching"
    );
    let whole = server(Spec::default(), Faults::none());
    let clean = run(&whole, &["check", "--live", "--format", "json"]);
    assert_eq!(
        findings(&text(&out.stdout), "live:"),
        findings(&text(&clean.stdout), "live:")
    );
}

#[test]
fn a_429_waits_for_its_retry_after() {
    let s = server(
        Spec::default(),
        Faults::none().throttle(EndpointKind::Users, 1, 1),
    );
    let started = std::time::Instant::now();
    let out = run(&s, &["check", "--live", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    // The only wall-clock assertion is a lower bound: the client waited as told.
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    let statuses: Vec<u16> = s
        .requests()
        .iter()
        .filter(|r| r.kind == EndpointKind::Users)
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [429, 200]);
}

#[test]
fn a_500_then_success_is_retried() {
    let s = server(
        Spec::default(),
        Faults::none()
            .error(EndpointKind::DirectoryPolicyAssignments, 2)
            .unavailable(EndpointKind::ArmPolicyAssignments, 1),
    );
    let out = run(&s, &["check", "--live", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("retries"),
        "{}",
        text(&out.stderr)
    );
    let statuses: Vec<u16> = s
        .requests()
        .iter()
        .filter(|r| r.kind == EndpointKind::DirectoryPolicyAssignments)
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [500, 500, 200]);
}

/// A run that must fail: exit 2, no report on standard output, the reason on standard error.
fn assert_fails(out: &Output, words: &[&str]) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}\n{}", text(&out.stdout));
    assert!(out.stdout.is_empty(), "no report: {}", text(&out.stdout));
    assert!(err.contains("nothing was linted"), "{err}");
    for w in words {
        assert!(err.contains(w), "`{w}` in {err}");
    }
}

#[test]
fn a_500_forever_ends_the_run() {
    let s = server(
        Spec::default(),
        Faults::none().error_forever(EndpointKind::Users),
    );
    let out = run(&s, &["check", "--live", "--max-retries", "2"]);
    assert_fails(&out, &["Graph: users", "HTTP 500", "after 3 attempts"]);
    assert_eq!(s.count(EndpointKind::Users), 3);
    let dir = tempfile::tempdir().expect("tempdir");
    let outs = dir.path().join("t");
    let fetched = run(
        &s,
        &[
            "fetch",
            "--out",
            outs.to_str().expect("utf-8"),
            "--max-retries",
            "1",
        ],
    );
    assert_eq!(fetched.status.code(), Some(2));
    assert!(!outs.exists(), "a failed fetch writes nothing");
}

#[test]
fn a_truncated_body_ends_the_run() {
    let s = server(
        Spec::default(),
        Faults::none().truncate(EndpointKind::DirectoryPolicyAssignments, 100),
    );
    let out = run(&s, &["check", "--live"]);
    assert_fails(&out, &["directory-role policies", "truncated JSON"]);
}

#[test]
fn a_throttled_sub_request_that_never_recovers_ends_the_run() {
    let s = server(
        Spec::default(),
        Faults::none().throttle(EndpointKind::TransitiveMembers, 1000, 0),
    );
    let out = run(&s, &["approvers", "--live", "--max-retries", "2"]);
    assert_fails(&out, &["Graph: group members", "HTTP 429"]);
}

#[test]
fn an_expired_token_ends_the_run_with_advice() {
    let s = server(Spec::default(), Faults::none().expired());
    let out = run(&s, &["check", "--live"]);
    // Graph or ARM may answer first; both say the token expired and how to get another.
    assert_fails(
        &out,
        &["HTTP 401", "az login", "az account get-access-token"],
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("the token is expired") || err.contains("ExpiredAuthenticationToken"),
        "{err}"
    );
    let out = run(&s, &["check", "--live", "--no-arm"]);
    assert_fails(
        &out,
        &["HTTP 401", "the token is expired", "PIM_LINT_TOKEN"],
    );
}

#[test]
fn a_missing_permission_is_named() {
    let s = server(Spec::default(), Faults::none().deny(EndpointKind::Users));
    let out = run(&s, &["check", "--live"]);
    assert_fails(&out, &["HTTP 403", "User.Read.All"]);
    let s = server(
        Spec::default(),
        Faults::none().deny(EndpointKind::GroupPolicyAssignments),
    );
    let out = run(&s, &["check", "--live"]);
    assert_fails(&out, &["RoleManagementPolicy.Read.AzureADGroup"]);
}

#[test]
fn a_scope_the_caller_cannot_read_ends_the_run() {
    let s = server(Spec::default(), Faults::none());
    let out = run(
        &s,
        &[
            "check",
            "--live",
            "--scope",
            "/subscriptions/00000000-0000-0000-0000-00000000dead",
        ],
    );
    assert_fails(
        &out,
        &["HTTP 403", "00000000-0000-0000-0000-00000000dead", "Reader"],
    );
}

#[test]
fn a_graph_token_alone_needs_no_arm() {
    let s = server(Spec::default(), Faults::none());
    let out = run_env(&s, &["check", "--live"], &[("PIM_LINT_TOKEN", GRAPH_TOKEN)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--no-arm"),
        "{}",
        text(&out.stderr)
    );
    let out = run_env(
        &s,
        &["check", "--live", "--no-arm", "--format", "json"],
        &[("PIM_LINT_TOKEN", GRAPH_TOKEN)],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(s.count(EndpointKind::ArmPolicyAssignments), 0);
    // --token-env names another variable.
    let out = run_env(
        &s,
        &["check", "--live", "--no-arm", "--token-env", "MY_TOKEN"],
        &[("MY_TOKEN", GRAPH_TOKEN)],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let out = run_env(
        &s,
        &["check", "--live", "--no-arm", "--token-env", "UNSET_VAR"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("UNSET_VAR"));
}

#[test]
fn tokens_appear_in_no_output() {
    const GRAPH: &str = "eyJ0eXAi.graph-secret-token-4c1e.sig";
    const ARM: &str = "eyJ0eXAi.arm-secret-token-77ab.sig";
    let tenant = || MockTenant::generate(Spec::default());
    let options = Options {
        graph_token: GRAPH.into(),
        arm_token: ARM.into(),
        ..Options::default()
    };
    let env = [("PIM_LINT_TOKEN", GRAPH), ("PIM_LINT_ARM_TOKEN", ARM)];
    let dir = tempfile::tempdir().expect("tempdir");
    let outs = dir.path().join("out");
    let outs = outs.to_str().expect("utf-8");
    let sarif = dir.path().join("r.sarif");
    let md = dir.path().join("r.md");
    let ok = MockServer::start_with(tenant(), Faults::none(), options.clone());
    let expired = MockServer::start_with(tenant(), Faults::none().expired(), options.clone());
    let denied = MockServer::start_with(
        tenant(),
        Faults::none()
            .deny(EndpointKind::Groups)
            .error_forever(EndpointKind::Users),
        options.clone(),
    );
    let mut outputs = vec![
        run_env(&ok, &["fetch", "--out", outs], &env),
        run_env(&expired, &["check", "--live"], &env),
        run_env(&denied, &["check", "--live", "--max-retries", "1"], &env),
        run_env(&ok, &["approvers", "--live", "--format", "json"], &env),
    ];
    for format in ["human", "json", "sarif", "github", "markdown", "concise"] {
        outputs.push(run_env(
            &ok,
            &[
                "check",
                "--live",
                "--verbose",
                "--format",
                format,
                "--sarif-file",
                sarif.to_str().expect("utf-8"),
                "--markdown-file",
                md.to_str().expect("utf-8"),
            ],
            &env,
        ));
    }
    assert!(outputs.iter().any(|o| o.status.code() == Some(2)));
    assert!(outputs.iter().any(|o| o.status.code() == Some(1)));
    let mut everything: Vec<Vec<u8>> = outputs
        .into_iter()
        .flat_map(|o| [o.stdout, o.stderr])
        .collect();
    everything.extend(files_under(dir.path()).into_iter().map(|(_, b)| b));
    for secret in [GRAPH, ARM, "graph-secret-token", "arm-secret-token"] {
        for blob in &everything {
            assert!(
                !text(blob).contains(secret),
                "a token leaked: {}",
                text(blob)
            );
        }
    }
}

#[test]
fn requests_grow_with_batches_not_with_approvers() {
    // The same tenant shape with few and with many approver groups and roles: per-group
    // look-ups ride in batches of 20, so the direct requests stay the same and the batches grow
    // by one per 20 look-ups.
    let measure = |roles: usize, approver_groups: usize, groups: usize| {
        let spec = Spec {
            roles,
            groups,
            users: 200,
            approver_groups,
            arm_scopes: Spec::default().arm_scopes,
            seed: 7,
        };
        let s = MockServer::start_with(
            MockTenant::generate(spec),
            Faults::none(),
            small_pages(1000, 1000),
        );
        let out = run(
            &s,
            &[
                "fetch",
                "--out",
                tempfile::tempdir()
                    .expect("dir")
                    .path()
                    .to_str()
                    .expect("utf-8"),
                "--no-arm",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let reqs = s.requests();
        let direct = reqs.iter().filter(|r| !r.in_batch).count();
        let batches = s.count(EndpointKind::Batch);
        let sub: usize = reqs.iter().filter_map(|r| r.batch_size).sum();
        // No per-group endpoint is called directly.
        for kind in [
            EndpointKind::GroupPolicyAssignments,
            EndpointKind::GroupEligibilitySchedules,
            EndpointKind::GroupAssignmentScheduleInstances,
            EndpointKind::TransitiveMembers,
        ] {
            assert_eq!(s.count(kind), 0, "{kind:?} called directly");
        }
        (direct, batches, sub)
    };
    let (small_direct, small_batches, small_sub) = measure(10, 2, 10);
    let (big_direct, big_batches, big_sub) = measure(120, 40, 80);
    eprintln!(
        "10 roles, 2 approver groups: {small_direct} requests ({small_batches} batches, {small_sub} sub-requests); \
         120 roles, 40 approver groups: {big_direct} requests ({big_batches} batches, {big_sub} sub-requests)"
    );
    assert!(big_sub > small_sub * 4, "more groups, more look-ups");
    // Lists are one page each here; what grows is only the batches, at most one per 20
    // look-ups per round (two rounds: PIM for Groups, then members).
    assert_eq!(big_direct - big_batches, small_direct - small_batches);
    assert!(big_batches <= big_sub.div_ceil(20) + 2);
    assert!(big_direct < big_sub / 5);
}

#[test]
fn approvers_live_expands_groups() {
    let s = server(Spec::default(), Faults::none());
    let out = run(&s, &["approvers", "--live", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    assert!(csv.starts_with(
        "role,role_id,tier,scope,kind,stage,approver_type,approver,via,user_id,user,"
    ));
    // Approver groups are expanded to their users, with the accounts' state.
    assert!(
        csv.lines()
            .any(|l| l.contains("PIM-Approvers-0") && l.contains("@mock.")),
        "{csv}"
    );
    assert!(!text(&out.stderr).contains("no directory context"));
}

#[test]
fn requests_live_reads_pending_and_recent_requests() {
    let s = server(Spec::default(), Faults::none());
    let out = run_env(
        &s,
        &["requests", "--live", "--since", "30d", "--format", "json"],
        &[
            ("PIM_LINT_TOKEN", GRAPH_TOKEN),
            ("PIM_LINT_ARM_TOKEN", ARM_TOKEN),
            ("PIM_LINT_NOW", "2026-11-30T12:00:00Z"),
        ],
    );
    let err = text(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{err}");
    let found = findings(&text(&out.stdout), "live:");
    // The mock's pending requests (25–28 November) have waited longer than 24 hours.
    assert!(found.iter().any(|f| f.3 == "PIM704"), "{found:#?}\n{err}");
    assert!(found.iter().all(|f| f.3.starts_with("PIM7")), "{found:#?}");
    let reqs = s.requests();
    let directory: Vec<_> = reqs
        .iter()
        .filter(|r| r.kind == EndpointKind::RoleAssignmentScheduleRequests)
        .collect();
    assert!(
        directory
            .iter()
            .any(|r| r.query.contains("status eq 'PendingApproval'"))
    );
    assert!(
        directory
            .iter()
            .any(|r| r.query.contains("createdDateTime ge 2026-10-31T12:00:00Z")),
        "{directory:#?}"
    );
    assert!(
        reqs.iter()
            .any(|r| r.kind == EndpointKind::GroupAssignmentScheduleRequests && r.in_batch)
    );
    // check --live reads no requests.
    s.clear_requests();
    let out = run(&s, &["check", "--live"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        s.count_with_batched(EndpointKind::RoleAssignmentScheduleRequests),
        0
    );
}

#[test]
fn pim_for_groups_findings_name_their_group() {
    let s = server(Spec::default(), Faults::none());
    let out = run(&s, &["check", "--live", "--format", "concise"]);
    let text = text(&out.stdout);
    let groups: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split(" of group ").nth(1))
        .map(|rest| rest.split(':').next().unwrap_or(rest))
        .collect();
    assert!(!groups.is_empty(), "{text}");
    // The fetched groups list has every group: findings name it, not its object id.
    for g in groups {
        assert!(
            !(g.len() == 36 && g.chars().filter(|c| *c == '-').count() == 4),
            "a group named by id: {g}\n{text}"
        );
    }
}
