//! Never leak, never inject: text from input files (display names, descriptions, role names,
//! file names, values) reaches every output, and none of it may drive a terminal, add Markdown,
//! start a spreadsheet formula or a second workflow command; secrets beside a finding are not
//! shown. One test per class, on small fixtures written here.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

use assert_cmd::Command;
use serde_json::{Value, json};
use std::fs;
use std::path::Path;

fn pim() -> Command {
    let mut c = Command::cargo_bin("pim-lint").expect("binary builds");
    for v in [
        "NO_COLOR",
        "FORCE_COLOR",
        "CLICOLOR_FORCE",
        "PIM_LINT_TERMINAL",
        "COLUMNS",
        "LC_ALL",
        "LC_CTYPE",
    ] {
        c.env_remove(v);
    }
    c.env("LANG", "C.UTF-8").env("TERM", "xterm");
    c
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(c: &mut Command) -> Run {
    let out = c.output().expect("runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

/// A terminal acts on these rather than showing them.
fn hostile(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

fn assert_clean(what: &str, text: &str) {
    if let Some((i, c)) = text.char_indices().find(|(_, c)| hostile(*c)) {
        let from = text[..i].char_indices().rev().nth(60).map_or(0, |(j, _)| j);
        panic!(
            "{what}: raw U+{:04X} at byte {i}, after {:?}\n{text}",
            u32::from(c),
            &text[from..i]
        );
    }
}

/// Our own colours: SGR sequences (`ESC [ … m`) removed.
fn strip_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("\u{1b}[") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 2..];
        let len = tail
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(tail.len());
        if tail[len..].starts_with('m') {
            rest = &tail[len + 1..];
        } else {
            // Not one of ours: keep it, so the check below finds it.
            out.push_str("\u{1b}[");
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// ESC sequences (clear screen, colour), an OSC-8 hyperlink, CR (rewrite the line and print a
/// fake summary), BEL, backspace and bidi overrides, as JSON escapes.
const NASTY: &str = "Casey\u{1b}[2J\u{1b}]8;;https://evil.example\u{7}click\u{1b}]8;;\u{7}\r0 errors, 0 warnings\u{8}\u{202e}lave\u{2066}";

const GUEST: &str = "c0a5e700-0000-4000-8000-0000000000c1";
const GROUP: &str = "9a000000-0000-4000-8000-000000000005";

fn users(users: &[(&str, &str, &str, &str)]) -> String {
    let value: Vec<Value> = users
        .iter()
        .map(|(id, name, upn, kind)| {
            let mut u =
                json!({"id": id, "displayName": name, "accountEnabled": true, "userType": kind});
            if !upn.is_empty() {
                u["userPrincipalName"] = json!(upn);
            }
            u
        })
        .collect();
    serde_json::to_string_pretty(&json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,displayName,userPrincipalName,accountEnabled,userType,employeeId)",
        "value": value
    }))
    .unwrap()
}

fn groups(name: &str, members: &[&str]) -> String {
    let members: Vec<Value> = members
        .iter()
        .map(|id| json!({"@odata.type": "#microsoft.graph.user", "id": id}))
        .collect();
    serde_json::to_string_pretty(&json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#groups(id,displayName,isAssignableToRole,membershipRule,members())",
        "value": [{"id": GROUP, "displayName": name, "isAssignableToRole": true, "members": members}]
    }))
    .unwrap()
}

/// A Global Administrator policy whose approver is the group; `approver_line_tail` is written
/// raw after the approver's description on its line (the snippet shows that line).
fn approval_policy(description: &str, approver_line_tail: &str) -> String {
    format!(
        r##"{{
  "policyId": "DirectoryRole_8f3c2b1a-5d4e-4f60-9a7b-0c1d2e3f4a5b_a1b2c3d4-0000-4000-8000-000000000001",
  "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10",
  "policy": {{
    "rules": [
      {{
        "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule",
        "id": "Approval_EndUser_Assignment",
        "setting": {{
          "isApprovalRequired": true,
          "approvalStages": [
            {{
              "primaryApprovers": [
                {{"@odata.type": "#microsoft.graph.groupMembers", "groupId": "{GROUP}", "description": {}{approver_line_tail}}}
              ]
            }}
          ]
        }}
      }}
    ]
  }}
}}
"##,
        serde_json::to_string(description).unwrap()
    )
}

/// An Azure role policy assignment whose role's display name is `role` (PIM101: no approval).
fn arm_policy(role: &str) -> String {
    serde_json::to_string_pretty(&json!({
        "properties": {
            "scope": "/subscriptions/3f6b2c1d-8e9a-4b7c-a1d2-e3f4a5b6c7d8",
            "roleDefinitionId": "/subscriptions/3f6b2c1d-8e9a-4b7c-a1d2-e3f4a5b6c7d8/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
            "policyId": "/subscriptions/3f6b2c1d-8e9a-4b7c-a1d2-e3f4a5b6c7d8/providers/Microsoft.Authorization/roleManagementPolicies/p1",
            "policyAssignmentProperties": {"roleDefinition": {"id": "r", "displayName": role, "type": "BuiltInRole"}},
            "effectiveRules": [{
                "id": "Approval_EndUser_Assignment",
                "ruleType": "RoleManagementPolicyApprovalRule",
                "setting": {"isApprovalRequired": false},
                "target": {"caller": "EndUser", "operations": ["All"], "level": "Assignment"}
            }]
        }
    }))
    .unwrap()
}

const PIM101: &str = "fixtures/rules/PIM101/fail.json";

/// A file name with a clear-screen sequence and an OSC-8 hyperlink in it.
const EVIL_NAME: &str = "evil\u{1b}[2J\u{1b}]8;;http:evil.example\u{7}x\u{1b}]8;;\u{7}.json";

fn terminal_fixture(d: &Path) {
    fs::write(
        d.join("users.json"),
        users(&[(GUEST, NASTY, "casey@partner.example", "Guest")]),
    )
    .unwrap();
    fs::write(
        d.join("groups.json"),
        groups("Partner\u{1b}[31mApprovers\r", &[GUEST]),
    )
    .unwrap();
    // On the snippet's line: a raw C1 CSI and a raw bidi override in a string (valid JSON), and
    // a lone CR between two members (JSON white space).
    fs::write(
        d.join("policies.json"),
        approval_policy("Partner\u{9b}2J\u{202e}Approvers", ",\r\"note\": 1"),
    )
    .unwrap();
    fs::write(
        d.join("custom.json"),
        arm_policy("Own\u{1b}[2Jer\u{202e}\u{7}"),
    )
    .unwrap();
    // Not JSON: a raw ESC in a string, shown in the PIM001 snippet.
    fs::write(
        d.join("broken.json"),
        "{\"value\": [\"\u{1b}[2J\u{1b}]0;pwned\u{7}\n",
    )
    .unwrap();
    fs::copy(PIM101, d.join(EVIL_NAME)).unwrap();
    // Recognised as nothing: named in the --verbose skip lines.
    fs::write(d.join("notes\u{1b}[31m\u{202e}.json"), "{\"hello\": 1}").unwrap();
}

#[test]
fn terminal_outputs_show_control_characters_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    terminal_fixture(d);

    let human = run(pim()
        .args(["check", "--color", "never", "--verbose"])
        .arg(d));
    assert_eq!(human.code, Some(1), "{}", human.stderr);
    assert_clean("human", &human.stdout);
    assert_clean("verbose stderr", &human.stderr);
    // Each value is there, escaped: the guest's name, the group's, the role's, the file's.
    for shown in [
        "Casey\\x1b[2J\\x1b]8;;https://evil.example\\x07click\\x1b]8;;\\x07\\r0 errors, 0 warnings\\x08\\u{202e}lave\\u{2066}",
        "Partner\\x1b[31mApprovers\\r",
        "Own\\x1b[2Jer\\u{202e}\\x07",
        "evil\\x1b[2J\\x1b]8;;http:evil.example\\x07x\\x1b]8;;\\x07.json",
        // The snippets: the raw C1 CSI, bidi override and lone CR of the policy's line, the raw
        // ESC of the broken file's line.
        "\"Partner\\u{9b}2J\\u{202e}Approvers\",\\r\"note\": 1}",
        "{\"value\": [\"\\x1b[2J\\x1b]0;pwned\\x07",
    ] {
        assert!(
            human.stdout.contains(shown),
            "{shown:?} not in\n{}",
            human.stdout
        );
    }
    // Line numbers and columns are the file's, and the label still points at the value.
    assert!(
        human.stdout.contains("policies.json:14:17]"),
        "{}",
        human.stdout
    );
    assert!(
        human.stderr.contains("skipped ") && human.stderr.contains("notes\\x1b[31m\\u{202e}.json"),
        "{}",
        human.stderr
    );

    // With colour: ours is there, and it is the only escape sequence.
    let coloured = run(pim().args(["check", "--color", "always"]).arg(d));
    assert!(coloured.stdout.contains("\u{1b}["), "our colours are gone");
    assert_clean("coloured human", &strip_sgr(&coloured.stdout));

    let concise = run(pim().args(["check", "--format", "concise"]).arg(d));
    assert_clean("concise", &concise.stdout);
    assert!(
        concise
            .stdout
            .contains("Own\\x1b[2Jer\\u{202e}\\x07 (tier0)"),
        "{}",
        concise.stdout
    );
    let findings = concise.stdout.lines().count() - 1;
    let json = run(pim().args(["check", "--format", "json"]).arg(d));
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        findings,
        v["diagnostics"].as_array().unwrap().len(),
        "{}",
        concise.stdout
    );
    // JSON keeps the data as it is (escaped the JSON way).
    assert!(json.stdout.contains("Own\\u001b[2Jer"), "{}", json.stdout);

    let quiet = run(pim().args(["check", "--quiet"]).arg(d));
    assert_clean("quiet human", &quiet.stdout);
}

#[test]
fn a_file_named_with_an_escape_sequence_is_shown_escaped_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let evil = d.join(EVIL_NAME);
    fs::copy(PIM101, &evil).unwrap();
    let escaped = "evil\\x1b[2J\\x1b]8;;http:evil.example\\x07x\\x1b]8;;\\x07.json";
    for format in ["human", "concise", "github"] {
        let r = run(pim().args(["check", "--format", format]).arg(&evil));
        assert_eq!(r.code, Some(1));
        assert_clean(format, &r.stdout);
        // (A `file=` property also escapes `:` the workflow-command way.)
        let shown = if format == "github" {
            escaped.replace(':', "%3A")
        } else {
            escaped.to_owned()
        };
        assert!(r.stdout.contains(&shown), "{format}:\n{}", r.stdout);
    }
    // A path that does not exist is a run error that names it.
    let missing = d.join("gone\u{1b}[2J\r\u{202e}.json");
    let r = run(pim().arg("check").arg(&missing));
    assert_eq!(r.code, Some(2));
    assert_clean("run error", &r.stderr);
    assert!(
        r.stderr.contains("gone\\x1b[2J\\r\\u{202e}.json"),
        "{}",
        r.stderr
    );
}

#[test]
fn config_errors_show_the_config_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::copy(PIM101, d.join("p.json")).unwrap();
    fs::write(
        d.join(".pim-lint.yaml"),
        "rules:\n  PIM99\u{202e}\u{1b}[2J9: error\n# token: hunter2\n",
    )
    .unwrap();
    let r = run(pim().arg("check").arg(d));
    assert_eq!(r.code, Some(2));
    assert_clean("config error", &r.stderr);
    assert!(r.stderr.contains("PIM99\\u{202e}\\x1b[2J9"), "{}", r.stderr);
    assert!(!r.stderr.contains("hunter2"), "{}", r.stderr);
}

#[test]
fn markdown_has_no_html_links_images_or_mentions_from_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("users.json"),
        users(&[
            (
                GUEST,
                "<script>alert(1)</script>",
                "guest@partner.example",
                "Guest",
            ),
            (
                "c0a5e700-0000-4000-8000-0000000000c2",
                "![x](https://t.example/p.png) @octocat",
                "second@partner.example",
                "Guest",
            ),
        ]),
    )
    .unwrap();
    fs::write(
        d.join("groups.json"),
        groups(
            "[click](https://e.example) @org/team fixes #1 *b* `x` | <!--",
            &[GUEST, "c0a5e700-0000-4000-8000-0000000000c2"],
        ),
    )
    .unwrap();
    fs::write(d.join("policies.json"), approval_policy("Partners", "")).unwrap();
    fs::write(
        d.join("custom.json"),
        arm_policy("<img src=x onerror=alert(1)> @octocat"),
    )
    .unwrap();
    fs::copy(PIM101, d.join("x`<b>`[l](u).json")).unwrap();
    let summary = d.join("summary.md");
    let check = run(pim()
        .args(["check", "--format", "markdown", "--markdown-file"])
        .arg(&summary)
        .arg(d));
    let file = fs::read_to_string(&summary).unwrap();
    assert_eq!(check.stdout, file);
    let approvers = run(pim()
        .args(["approvers", "--format", "markdown", "--no-config"])
        .arg(d));
    for (what, md) in [("check", &check.stdout), ("approvers", &approvers.stdout)] {
        assert!(md.lines().count() > 2, "{what}: {md}");
        for raw in [
            "<script", "<img", "<!--", "<b>", "![", "](", "@octocat", "@org", "#1", "*b*", "<",
        ] {
            // (`<` only ever comes from input: our own Markdown has none.) The file name with
            // backticks is a code span with a double fence: nothing in it is interpreted.
            let outside_code: String = md.split("``").step_by(2).collect::<Vec<_>>().join("");
            assert!(!outside_code.contains(raw), "{what}: raw {raw:?} in\n{md}");
        }
        assert_clean(what, md);
    }
    assert!(
        check
            .stdout
            .contains("&lt;img src=x onerror=alert(1)&gt; @\u{200d}octocat"),
        "{}",
        check.stdout
    );
    assert!(
        check
            .stdout
            .contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{}",
        check.stdout
    );
    // Our own Markdown stays: the heading, the table and the codes in backticks; a file name
    // with backticks in it is one code span with a longer fence.
    assert!(
        check.stdout.starts_with("## pim-lint\n\n**"),
        "{}",
        check.stdout
    );
    assert!(
        check
            .stdout
            .contains("| error | `PIM101` approval-required |"),
        "{}",
        check.stdout
    );
    assert!(
        check.stdout.contains("x`<b>`[l](u).json:10`` |"),
        "{}",
        check.stdout
    );
    assert!(
        approvers.stdout.contains("\\[click\\]\\(https://e.example) @\u{200d}org/team fixes #\u{200d}1 \\*b\\* `x` \\| &lt;!--"),
        "{}",
        approvers.stdout
    );
}

/// RFC 4180 fields of a CSV text (quoted fields may hold commas, quotes and line breaks).
fn csv_fields(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[test]
fn csv_cells_that_would_be_formulas_are_text() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ids: Vec<String> = (1..=5)
        .map(|n| format!("c0a5e700-0000-4000-8000-00000000000{n}"))
        .collect();
    let names = [
        "=cmd|' /C calc'!A0",
        "+SUM(1,2)",
        "-2+3",
        "@SUM(1)",
        "\tTAB",
    ];
    let list: Vec<(&str, &str, &str, &str)> = ids
        .iter()
        .zip(names)
        .map(|(id, name)| (id.as_str(), name, "", "Member"))
        .collect();
    fs::write(d.join("users.json"), users(&list)).unwrap();
    let members: Vec<&str> = ids.iter().map(String::as_str).collect();
    fs::write(
        d.join("groups.json"),
        groups("=HYPERLINK(\"https://e.example\")", &members),
    )
    .unwrap();
    fs::write(d.join("policies.json"), approval_policy("x", "")).unwrap();
    let r = run(pim()
        .args(["approvers", "--format", "csv", "--no-config"])
        .arg(d));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let rows = csv_fields(&r.stdout);
    assert_eq!(rows.len(), 1 + names.len(), "{}", r.stdout);
    for row in &rows {
        assert_eq!(row.len(), rows[0].len(), "{row:?}");
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?} in\n{}",
                r.stdout
            );
        }
    }
    let cells: Vec<&str> = rows.iter().flatten().map(String::as_str).collect();
    assert!(cells.contains(&"'=cmd|' /C calc'!A0"), "{cells:?}");
    assert!(
        cells.contains(&"'=HYPERLINK(\"https://e.example\")"),
        "{cells:?}"
    );
    assert!(cells.contains(&"'\tTAB"), "{cells:?}");
    // Neutralised cells are quoted in the text itself.
    assert!(
        r.stdout.contains(",\"'=cmd|' /C calc'!A0\","),
        "{}",
        r.stdout
    );
}

#[test]
fn a_github_annotation_cannot_be_split_or_forged() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::copy(PIM101, d.join("a\n::error file=x,line=1::pwned %0A.json")).unwrap();
    fs::write(
        d.join("users.json"),
        users(&[(
            GUEST,
            "x\n::error::pwned\r\n::warning title=a::b %0A::notice::c",
            "",
            "Guest",
        )]),
    )
    .unwrap();
    fs::write(d.join("groups.json"), groups("g::error::x,y", &[GUEST])).unwrap();
    fs::write(d.join("policies.json"), approval_policy("x", "")).unwrap();
    fs::write(d.join("custom.json"), arm_policy("R\n::error::pwned")).unwrap();
    let r = run(pim().args(["check", "--format", "github"]).arg(d));
    let json = run(pim().args(["check", "--format", "json"]).arg(d));
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    let findings = v["diagnostics"].as_array().unwrap().len();
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), findings + 1, "{}", r.stdout);
    assert_clean("github", &r.stdout);
    for line in &lines {
        // How the runner reads a command: `::name props::data`, props up to the first `::`.
        let body = line.strip_prefix("::").expect("a command");
        let (head, data) = body.split_once("::").expect("a data part");
        let (name, props) = head.split_once(' ').expect("properties");
        assert!(["error", "warning", "notice"].contains(&name), "{line}");
        for prop in props.split(',') {
            let (key, _) = prop.split_once('=').expect("key=value");
            assert!(
                ["file", "line", "col", "endLine", "endColumn", "title"].contains(&key),
                "{line}"
            );
        }
        assert!(!data.contains('\r'), "{line}");
    }
    // The data is all there, escaped: nothing was lost by escaping.
    assert!(
        r.stdout
            .contains("x\\n::error::pwned\\r\\n::warning title=a::b %250A::notice::c"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("file=")
            && r.stdout
                .contains("a\\n%3A%3Aerror file=x%2Cline=1%3A%3Apwned %250A.json"),
        "{}",
        r.stdout
    );
}

#[test]
fn snippets_mask_secrets_beside_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let policy = fs::read_to_string(PIM101).unwrap().replace(
        "\"isApprovalRequired\": false",
        "\"isApprovalRequired\": false, \"client_secret\": \"abc123\",\n          \"password\": \"hunter2\", \"Authorization\": \"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln\"",
    );
    fs::write(d.join("p.json"), &policy).unwrap();
    let r = run(pim()
        .args(["check", "--color", "never"])
        .arg(d.join("p.json")));
    assert_eq!(r.code, Some(1));
    // The value the finding is about is shown, the secret beside it is not, and the label still
    // points at `false`.
    assert!(
        r.stdout
            .contains("\"isApprovalRequired\": false, \"client_secret\": \"******\","),
        "{}",
        r.stdout
    );
    let masked = format!(
        "\"password\": \"*******\", \"Authorization\": \"{}\"",
        "*".repeat("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln".len())
    );
    assert!(r.stdout.contains(&masked), "{}", r.stdout);
    for secret in ["abc123", "hunter2", "eyJ"] {
        assert!(!r.stdout.contains(secret), "{secret} shown:\n{}", r.stdout);
    }
    // The underline starts under `f` of `false`.
    let lines: Vec<&str> = r.stdout.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("\"isApprovalRequired\": false"))
        .unwrap();
    let column = |l: &str, c: char| l.chars().position(|x| x == c);
    let value = lines[at].find("false").unwrap();
    assert_eq!(
        column(lines[at + 1], '─'),
        Some(lines[at][..value].chars().count()),
        "{}",
        r.stdout
    );
}
