//! Directory context at hostile scale: group nesting that is exponential to walk path by path,
//! cyclic or deep, and approver × eligible-principal cross products. Each case runs the real
//! binary under a time bound and an address-space bound (`ulimit -v`) and checks the exit code
//! and the finding.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

use assert_cmd::Command;
use serde_json::Value;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::Duration;

const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";
/// Address space the run may map, in KiB.
const MEMORY_KIB: u32 = 2_000_000;
/// Generous for a debug build; a release build takes well under a second to a few seconds.
const TIME: Duration = Duration::from_secs(60);

/// Runs `pim-lint <args> <dir>` under the bounds; its exit code and standard output.
fn run(args: &[&str], dir: &Path) -> (Option<i32>, Vec<u8>) {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_pim-lint"))
        .args(args)
        .args(["--no-config", "--format", "json"])
        .arg(dir)
        .timeout(TIME)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code().is_some(),
        "killed ({}: over {TIME:?} or out of memory): {stderr}",
        out.status
    );
    (out.status.code(), out.stdout)
}

/// `check`: the exit code and the diagnostics.
fn check(dir: &Path) -> (Option<i32>, Vec<Value>) {
    let (code, stdout) = run(&["check"], dir);
    let v: Value = serde_json::from_slice(&stdout).expect("json");
    (
        code,
        v["diagnostics"].as_array().cloned().unwrap_or_default(),
    )
}

fn only(diagnostics: &[Value], code: &str) -> Value {
    let found: Vec<&Value> = diagnostics.iter().filter(|d| d["code"] == code).collect();
    assert_eq!(found.len(), 1, "one {code}: {diagnostics:#?}");
    found[0].clone()
}

/// A Global Administrator policy that requires approval by `approvers` (JSON objects).
fn policy(dir: &Path, approvers: &str) {
    let text = format!(
        r##"{{"policyId": "DirectoryRole_scale", "roleDefinitionId": "{GLOBAL_ADMINISTRATOR}", "policy": {{"rules": [{{
  "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule", "id": "Approval_EndUser_Assignment",
  "setting": {{"isApprovalRequired": true, "approvalStages": [{{"primaryApprovers": [{approvers}]}}]}}}}]}}}}"##
    );
    fs::write(dir.join("policy.json"), text).expect("write");
}

/// Users `(id, employeeId)` and Global Administrator eligibility for `eligible` (user ids).
fn users_and_eligibility(dir: &Path, users: &[(String, String)], eligible: &[String]) {
    let mut text = String::from(r#"{"value": ["#);
    for (i, (id, employee)) in users.iter().enumerate() {
        let sep = if i == 0 { "" } else { "," };
        write!(
            text,
            r#"{sep}{{"id": "{id}", "displayName": "{id}", "accountEnabled": true, "userType": "Member", "employeeId": "{employee}"}}"#
        )
        .unwrap();
    }
    fs::write(dir.join("users.json"), text + "]}").expect("write");
    let mut text = String::from(r#"{"value": ["#);
    for (i, id) in eligible.iter().enumerate() {
        let sep = if i == 0 { "" } else { "," };
        write!(
            text,
            r##"{sep}{{"id": "e{i}", "principalId": "{id}", "roleDefinitionId": "{GLOBAL_ADMINISTRATOR}", "directoryScopeId": "/", "principal": {{"@odata.type": "#microsoft.graph.user", "id": "{id}"}}}}"##
        )
        .unwrap();
    }
    fs::write(dir.join("eligibility.json"), text + "]}").expect("write");
}

/// Groups `(id, member groups)`; the last group also holds the user `peer`, who is eligible for
/// Global Administrator. The first group approves: PIM105 must find the peer.
fn nested_groups(dir: &Path, groups: impl ExactSizeIterator<Item = (String, Vec<String>)>) {
    let last = groups.len() - 1;
    let mut first = None;
    let mut text = String::from(r#"{"value": ["#);
    for (i, (id, members)) in groups.enumerate() {
        let sep = if i == 0 { "" } else { "," };
        write!(
            text,
            r#"{sep}{{"id": "{id}", "displayName": "{id}", "isAssignableToRole": true, "members": ["#
        )
        .unwrap();
        for (j, m) in members.iter().enumerate() {
            let sep = if j == 0 { "" } else { "," };
            write!(text, r#"{sep}{{"@odata.type": "group", "id": "{m}"}}"#).unwrap();
        }
        if i == last {
            let sep = if members.is_empty() { "" } else { "," };
            write!(text, r#"{sep}{{"@odata.type": "user", "id": "peer"}}"#).unwrap();
        }
        text.push_str("]}");
        first.get_or_insert(id);
    }
    fs::write(dir.join("groups.json"), text + "]}").expect("write");
    let first = first.expect("a group");
    policy(
        dir,
        &format!(r##"{{"@odata.type": "#microsoft.graph.groupMembers", "groupId": "{first}"}}"##),
    );
    users_and_eligibility(dir, &[("peer".into(), "E1".into())], &["peer".into()]);
}

/// The PIM105 message for the peer, reached through the groups of `via` (a message names the
/// first three and the last two of a long chain).
fn peer_through(via: &str) -> String {
    let names: Vec<&str> = via.split(" > ").collect();
    let top = names[0];
    let shown = if names.len() <= 6 {
        via.to_owned()
    } else {
        format!(
            "{} > … {} more groups … > {}",
            names[..3].join(" > "),
            names.len() - 5,
            names[names.len() - 2..].join(" > ")
        )
    };
    format!(
        "The approver group {top} (primary) can approve activations of this role and holds it too: peer (via {shown}) (eligible)"
    )
}

#[test]
fn a_ladder_of_nested_groups_is_expanded_once() {
    // L0 contains L1 and L2, L1 contains L2 and L3, …: 2^n paths to the bottom.
    let n = 40;
    let dir = tempfile::tempdir().expect("tempdir");
    nested_groups(
        dir.path(),
        (0..n).map(|i| {
            let next = (i + 1..(i + 3).min(n)).map(|j| format!("L{j}")).collect();
            (format!("L{i}"), next)
        }),
    );
    let (code, diagnostics) = check(dir.path());
    assert_eq!(code, Some(1));
    // One shortest path: breadth first, members in export order.
    let shortest: Vec<String> = std::iter::once(0)
        .chain((1..n).step_by(2))
        .map(|i| format!("L{i}"))
        .collect();
    let shortest = shortest.join(" > ");
    assert_eq!(
        only(&diagnostics, "PIM105")["message"],
        peer_through(&shortest)
    );
    // The approver report: the peer once, with the same path.
    let (code, stdout) = run(&["approvers"], dir.path());
    assert_eq!(code, Some(0));
    let v: Value = serde_json::from_slice(&stdout).expect("json");
    let rows = v["approvers"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0]["via"], shortest.as_str());
    assert_eq!(rows[0]["eligible_for_role"], true);
}

#[test]
fn groups_that_all_contain_each_other_are_one_expansion() {
    let n = 2000;
    let dir = tempfile::tempdir().expect("tempdir");
    nested_groups(
        dir.path(),
        (0..n).map(|i| {
            let others = (0..n)
                .filter(|&j| j != i)
                .map(|j| format!("C{j}"))
                .collect();
            (format!("C{i}"), others)
        }),
    );
    let (code, diagnostics) = check(dir.path());
    assert_eq!(code, Some(1));
    assert_eq!(
        only(&diagnostics, "PIM105")["message"],
        peer_through(&format!("C0 > C{}", n - 1))
    );
}

#[test]
fn a_deep_chain_of_nested_groups_does_not_overflow_the_stack() {
    let n = 50_000;
    let dir = tempfile::tempdir().expect("tempdir");
    nested_groups(
        dir.path(),
        (0..n).map(|i| {
            let next = (i + 1 < n).then(|| format!("K{}", i + 1));
            (format!("K{i}"), next.into_iter().collect())
        }),
    );
    let (code, diagnostics) = check(dir.path());
    assert_eq!(code, Some(1));
    let chain: Vec<String> = (0..n).map(|i| format!("K{i}")).collect();
    assert_eq!(
        only(&diagnostics, "PIM105")["message"],
        peer_through(&chain.join(" > "))
    );
}

#[test]
fn many_approvers_against_many_eligible_principals() {
    // 20,000 approvers and 20,000 other eligible accounts; approver 7 shares an employeeId
    // with eligible account 7 (PIM111), approver 11 is eligible too (PIM105).
    let n = 20_000;
    let dir = tempfile::tempdir().expect("tempdir");
    let approvers: Vec<String> = (0..n)
        .map(|i| format!(r##"{{"@odata.type": "#microsoft.graph.singleUser", "userId": "A{i}"}}"##))
        .collect();
    policy(dir.path(), &approvers.join(","));
    let employee = |side: &str, i: usize| {
        if i == 7 {
            "E7".to_owned()
        } else {
            format!("E{side}{i}")
        }
    };
    let users: Vec<(String, String)> = (0..n)
        .map(|i| (format!("A{i}"), employee("A", i)))
        .chain((0..n).map(|i| (format!("P{i}"), employee("P", i))))
        .collect();
    let eligible: Vec<String> = (0..n)
        .map(|i| format!("P{i}"))
        .chain(["A11".to_owned()])
        .collect();
    users_and_eligibility(dir.path(), &users, &eligible);
    let (code, diagnostics) = check(dir.path());
    assert_eq!(code, Some(1));
    let pim105 = only(&diagnostics, "PIM105");
    assert_eq!(
        pim105["pointer"],
        "/policy/rules/0/setting/approvalStages/0/primaryApprovers/11"
    );
    assert_eq!(
        pim105["message"],
        "The approver A11 (primary) can approve activations of this role and holds it too: A11 (eligible)"
    );
    let pim111 = only(&diagnostics, "PIM111");
    assert_eq!(
        pim111["pointer"],
        "/policy/rules/0/setting/approvalStages/0/primaryApprovers/7"
    );
    assert_eq!(
        pim111["message"],
        "The approver A7 (primary) can approve for a second account of the same person: A7 and P7 (the same employeeId)"
    );
}
