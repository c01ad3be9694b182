//! Memory per finding: `pim-lint check` on many small failing policies.
//!
//! `cargo bench --bench findings` (1,000,000 policies) or `cargo bench --bench findings --
//! --policies N`. Generates Graph policy-assignment lists (1,000 per file) of small policies for
//! Global Administrator that get most settings wrong (approval off, no MFA, no justification,
//! a 24-hour activation, permanent assignments, no notifications: a dozen findings each), runs
//! the release binary with `--format json` (output to /dev/null) and reports its peak resident
//! memory divided by the number of findings, beside the same run with only PIM001 on (what the
//! run costs without findings). Numbers, not assertions.

// A benchmark, not the product: it measures the child process with getrusage (unsafe FFI) and
// may stop at the first I/O error.
#![allow(unsafe_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

#[path = "support/rusage.rs"]
mod rusage;
use rusage::children_max_rss_kib;

const PER_FILE: usize = 1000;
const GA: &str = "62e90394-69f5-4237-9190-012177145e10";
const TENANT: &str = "84d9a7c5-2f0b-4a37-9f5e-1c8b3e6d2a40";
/// The rules of every generated policy: each setting a tier0 role should have, turned off.
const RULES: &str = concat!(
    r##"{"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule", "id": "Approval_EndUser_Assignment", "setting": {"isApprovalRequired": false, "approvalStages": [{"isApproverJustificationRequired": false, "primaryApprovers": []}]}},"##,
    r##"{"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyEnablementRule", "id": "Enablement_EndUser_Assignment", "enabledRules": []},"##,
    r##"{"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule", "id": "Expiration_EndUser_Assignment", "isExpirationRequired": true, "maximumDuration": "PT24H"},"##,
    r##"{"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule", "id": "Expiration_Admin_Eligibility", "isExpirationRequired": false, "maximumDuration": "P365D"},"##,
    r##"{"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule", "id": "Expiration_Admin_Assignment", "isExpirationRequired": false, "maximumDuration": "P365D"},"##,
    r##"{"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyEnablementRule", "id": "Enablement_Admin_Assignment", "enabledRules": []},"##,
    r##"{"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyNotificationRule", "id": "Notification_Admin_Admin_Assignment", "notificationLevel": "None", "isDefaultRecipientsEnabled": false, "notificationRecipients": []},"##,
    r##"{"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyNotificationRule", "id": "Notification_Admin_EndUser_Assignment", "notificationLevel": "None", "isDefaultRecipientsEnabled": false, "notificationRecipients": []}"##
);

fn generate(dir: &Path, policies: usize) -> u64 {
    std::fs::create_dir_all(dir).expect("mkdir");
    let mut bytes = 0;
    let mut n = 0;
    let mut file = 0;
    while n < policies {
        let mut text = String::from("{\"value\": [\n");
        let count = PER_FILE.min(policies - n);
        for i in 0..count {
            let id = format!("{:08x}-0000-4000-8000-{:012x}", file, i);
            text.push_str(&format!(
                "{{\"id\": \"DirectoryRole_{TENANT}_{id}\", \"policyId\": \"DirectoryRole_{TENANT}_{id}\", \
                 \"roleDefinitionId\": \"{GA}\", \"scopeId\": \"/\", \"scopeType\": \"DirectoryRole\", \
                 \"policy\": {{\"rules\": [{RULES}]}}}}{}\n",
                if i + 1 < count { "," } else { "" }
            ));
        }
        text.push_str("]}\n");
        let path = dir.join(format!("policies-{file:05}.json"));
        let mut f = std::fs::File::create(&path).expect("create");
        f.write_all(text.as_bytes()).expect("write");
        bytes += text.len() as u64;
        n += count;
        file += 1;
    }
    bytes
}

fn run(bin: &str, dir: &Path, extra: &[&str]) -> (f64, i32) {
    let t = Instant::now();
    let status = Command::new(bin)
        .arg("check")
        .arg(dir)
        .args(["--format", "json", "--no-config"])
        .args(extra)
        .stdout(Stdio::null())
        .status()
        .expect("pim-lint runs");
    (t.elapsed().as_secs_f64(), status.code().unwrap_or(-1))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let policies: usize = args
        .iter()
        .position(|a| a == "--policies")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root
        .join("target/bench-findings")
        .join(policies.to_string());
    if !dir.is_dir() {
        generate(&dir, policies);
    }
    let bin = env!("CARGO_BIN_EXE_pim-lint");
    // The rule off: what reading and normalising cost.
    let quiet_pack = dir.with_extension("quiet-pack.yaml");
    std::fs::write(
        &quiet_pack,
        "name: quiet\nrules:\n  - {rule: PIM001, severity: error}\n",
    )
    .expect("pack");
    let (t_quiet, _) = run(
        bin,
        &dir,
        &["--pack", quiet_pack.to_str().unwrap_or_default()],
    );
    let rss_quiet = children_max_rss_kib();
    let (t_json, code) = run(bin, &dir, &[]);
    let rss_json = children_max_rss_kib();
    // How many findings: count them in a small run of the same shape.
    let sample = dir.with_extension("sample");
    if !sample.is_dir() {
        generate(&sample, PER_FILE);
    }
    let out = Command::new(bin)
        .arg("check")
        .arg(&sample)
        .args(["--format", "json", "--no-config"])
        .output()
        .expect("pim-lint runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    let per_policy = report["diagnostics"].as_array().map_or(0, Vec::len) as f64 / PER_FILE as f64;
    let findings = policies as f64 * per_policy;
    println!(
        "policies: {policies} in {} files, {per_policy:.0} findings each ({findings:.0} findings)",
        policies.div_ceil(PER_FILE)
    );
    println!(
        "rule off:      {t_quiet:.2} s, peak RSS {:.1} MB",
        rss_quiet as f64 / 1024.0
    );
    println!(
        "--format json: {t_json:.2} s, peak RSS {:.1} MB (exit {code})",
        rss_json as f64 / 1024.0
    );
    println!(
        "peak memory per finding: {:.0} bytes ({:.0} bytes above the run without findings)",
        rss_json as f64 * 1024.0 / findings,
        (rss_json - rss_quiet).max(0) as f64 * 1024.0 / findings
    );
}
