//! Live fetch against the local mock tenant (tests/support/mock) with latency added to every
//! response: how many requests a tenant of 500 directory-role policies, 300 groups and 5,000
//! users (and 3 ARM scopes) takes, and how long, end to end through the release binary.
//!
//! `cargo bench --bench live` (defaults: `--latency-ms 50 --roles 500 --groups 300 --users 5000
//! --approver-groups 40`). Numbers, not assertions: wall time is the median of 3 runs of
//! `pim-lint fetch --out DIR` and one of `pim-lint check --live --format json`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/mock/mod.rs"]
mod mock;

use mock::{ARM_TOKEN, EndpointKind, Faults, GRAPH_TOKEN, MockServer, MockTenant, Spec};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let latency = Duration::from_millis(arg("--latency-ms", 50));
    let spec = Spec {
        roles: arg("--roles", 500) as usize,
        groups: arg("--groups", 300) as usize,
        users: arg("--users", 5000) as usize,
        approver_groups: arg("--approver-groups", 40) as usize,
        arm_scopes: Spec::default().arm_scopes,
        seed: 11,
    };
    println!(
        "mock tenant: {} directory-role policies, {} groups ({} approver groups), {} users, {} ARM scopes; {} ms latency per response",
        spec.roles,
        spec.groups,
        spec.approver_groups,
        spec.users,
        spec.arm_scopes.len(),
        latency.as_millis()
    );
    let server = MockServer::start(MockTenant::generate(spec), Faults::none().latency(latency));
    let base = server.base_url();
    let bin = env!("CARGO_BIN_EXE_pim-lint");
    let run = |args: &[&str]| {
        let started = Instant::now();
        let out = Command::new(bin)
            .args(args)
            .args(["--graph-url", &base, "--arm-url", &base])
            .env("PIM_LINT_TOKEN", GRAPH_TOKEN)
            .env("PIM_LINT_ARM_TOKEN", ARM_TOKEN)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .expect("pim-lint runs");
        let took = started.elapsed();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        (out.status.code(), took, stderr)
    };
    let dir = std::env::temp_dir().join(format!("pim-lint-live-bench-{}", std::process::id()));
    let out = dir.to_string_lossy().into_owned();
    let mut times = Vec::new();
    let mut stats = String::new();
    for _ in 0..3 {
        let _ = std::fs::remove_dir_all(&dir);
        server.clear_requests();
        let (code, took, stderr) = run(&["fetch", "--out", &out, "--quiet"]);
        assert_eq!(code, Some(0), "{stderr}");
        times.push(took);
        stats = format!(
            "{} HTTP requests seen by the server ({} $batch carrying {} sub-requests; {} user pages, {} directory-policy pages)",
            server.requests().iter().filter(|r| !r.in_batch).count(),
            server.count(EndpointKind::Batch),
            server.requests().iter().filter(|r| r.in_batch).count(),
            server.count(EndpointKind::Users),
            server.count(EndpointKind::DirectoryPolicyAssignments),
        );
    }
    times.sort();
    let size: u64 = walk(&dir);
    println!(
        "fetch --out: median {:.2} s (runs: {}), {stats}, {:.1} MB written",
        times[1].as_secs_f64(),
        times
            .iter()
            .map(|t| format!("{:.2} s", t.as_secs_f64()))
            .collect::<Vec<_>>()
            .join(", "),
        size as f64 / 1e6
    );
    let (code, took, stderr) = run(&["check", "--live", "--format", "json"]);
    println!(
        "check --live: {:.2} s, exit {:?}; {}",
        took.as_secs_f64(),
        code,
        stderr
            .lines()
            .find(|l| l.starts_with("fetched"))
            .unwrap_or("")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn walk(dir: &std::path::Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                total += e.metadata().map(|m| m.len()).unwrap_or(0);
            }
        }
    }
    total
}
