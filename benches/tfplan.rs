//! Time and memory of `pim-lint check` on one large `terraform show -json` plan.
//!
//! `cargo bench --bench tfplan` (5,000 `azurerm_role_management_policy` resources in one plan,
//! as `for_each` over a module writes them) or `cargo bench --bench tfplan -- --resources N`.
//! Prints the plan's size, the median wall time of 3 runs of the release binary
//! (`--format json`, output to /dev/null) and the child's peak resident memory. Numbers, not
//! assertions.

// A benchmark, not the product: it reads the child's rusage (unsafe FFI) and may stop at the
// first I/O error.
#![allow(unsafe_code, clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "support/rusage.rs"]
mod rusage;
use rusage::children_max_rss_kib;

/// One resource change, as the azurerm provider plans an update of an existing policy.
fn change(i: usize) -> serde_json::Value {
    let sub = format!("/subscriptions/00000000-0000-0000-0000-{:012}", i / 50);
    // Every fifth one is Owner, the rest Reader; every seventh has approval off.
    let role = if i.is_multiple_of(5) {
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
    } else {
        "acdd72a7-3385-48ef-bd42-f606fba81ae7"
    };
    let approver = json!([{ "primary_approver": [{ "object_id": format!("00000000-0000-0000-0001-{i:012}"), "type": "Group" }] }]);
    let notify = json!([{ "notification_level": "All", "default_recipients": true, "additional_recipients": ["secops@example.com"] }]);
    let events = json!([{ "admin_notifications": notify, "approver_notifications": notify, "assignee_notifications": notify }]);
    json!({
        "address": format!("module.pim[\"s{}\"].azurerm_role_management_policy.this[\"r{i}\"]", i / 50),
        "module_address": format!("module.pim[\"s{}\"]", i / 50),
        "mode": "managed",
        "type": "azurerm_role_management_policy",
        "name": "this",
        "index": format!("r{i}"),
        "change": {
            "actions": ["update"],
            "after": {
                "scope": sub,
                "role_definition_id": format!("{sub}/providers/Microsoft.Authorization/roleDefinitions/{role}"),
                "activation_rules": [{
                    "maximum_duration": "PT2H",
                    "require_approval": !i.is_multiple_of(7),
                    "approval_stage": approver,
                    "required_conditional_access_authentication_context": "",
                    "require_justification": true,
                    "require_multifactor_authentication": true,
                    "require_ticket_info": false
                }],
                "active_assignment_rules": [{ "expiration_required": true, "expire_after": "P15D",
                    "require_justification": true, "require_multifactor_authentication": true, "require_ticket_info": false }],
                "eligible_assignment_rules": [{ "expiration_required": true, "expire_after": "P90D" }],
                "notification_rules": [{ "active_assignments": events, "eligible_activations": events, "eligible_assignments": events }]
            },
            "after_unknown": {}
        }
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args
        .iter()
        .position(|a| a == "--resources")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(5_000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/bench-tfplan");
    std::fs::create_dir_all(&dir).expect("bench dir");
    let path = dir.join(format!("plan-{n}.json"));
    let plan = json!({
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "resource_changes": (0..n).map(change).collect::<Vec<_>>(),
        "configuration": { "root_module": {} }
    });
    // Terraform writes it on one line.
    std::fs::write(&path, serde_json::to_vec(&plan).expect("serialised")).expect("written");
    let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
    let bin = env!("CARGO_BIN_EXE_pim-lint");
    let mut times = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        Command::new(bin)
            .arg("check")
            .arg(&path)
            .args(["--format", "json", "--no-config"])
            .stdout(Stdio::null())
            .status()
            .expect("pim-lint runs");
        times.push(t.elapsed());
    }
    times.sort();
    let median: Duration = times[1];
    let mb = bytes as f64 / 1e6;
    println!(
        "terraform plan: {n} resources, {mb:.1} MB on one line: median {:.2} s ({:.1} MB/s, {:.0} resources/s), peak RSS {} MiB",
        median.as_secs_f64(),
        mb / median.as_secs_f64(),
        n as f64 / median.as_secs_f64(),
        children_max_rss_kib() / 1024
    );
}
