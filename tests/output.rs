//! Output conventions of ruff, zizmor and actionlint users: wrapping, concise lines, statistics,
//! colour and locale variables, one run writing every CI output, repository-relative paths,
//! SARIF suppressions, write errors and missing paths. One test per convention.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::Path;

/// The binary in a known environment: piped, no colour or locale variables but a UTF-8 `LANG`.
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

fn stdout_of(c: &mut Command) -> (Option<i32>, String, String) {
    let out = c.output().expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// The lines of a human report that miette wraps: the message and help, not the source lines.
fn prose_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| {
            ["  × ", "  ⚠ ", "  ☞ ", "  │ ", "  help: ", "        "]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect()
}

#[test]
fn human_output_wraps_at_the_terminals_width_and_never_when_piped() {
    let demo = "fixtures/demo";
    let width = |text: &str| {
        prose_lines(text)
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0)
    };
    for columns in [72usize, 100, 140] {
        let (code, text, _) = stdout_of(
            pim()
                .args(["check", demo, "--color", "never"])
                .env("PIM_LINT_TERMINAL", "1")
                .env("COLUMNS", columns.to_string()),
        );
        assert_eq!(code, Some(1));
        let w = width(&text);
        assert!(
            w <= columns && w > columns - 20,
            "a {columns}-column terminal: lines up to {w}"
        );
    }
    // Piped: one line per message however long, COLUMNS or not.
    let (_, piped, _) = stdout_of(pim().args(["check", demo]).env("COLUMNS", "72"));
    assert!(width(&piped) > 150, "piped output is not wrapped");
    assert!(piped.contains(
        "  ⚠ Owner (tier0) at /subscriptions/3f6b2c1d-8e9a-4b7c-a1d2-e3f4a5b6c7d8: Only 1 distinct approver for activation; at least 2 are required\n"
    ));
    assert!(!piped.contains("\u{1b}["), "no colour when piped");
}

#[test]
fn wrapping_never_cuts_a_guid_a_path_or_a_hyphenated_name() {
    let (_, text, _) = stdout_of(
        pim()
            .args([
                "check",
                "fixtures/rules/PIM005/fail.json",
                "--color",
                "never",
            ])
            .env("PIM_LINT_TERMINAL", "1")
            .env("COLUMNS", "60"),
    );
    assert!(
        text.contains(
            "DirectoryRole_8f3c2b1a-5d4e-4f60-9a7b-0c1d2e3f4a5b_a1b2c3d4-0000-4000-8000-000000000001"
        ),
        "the policy id is whole:\n{text}"
    );
    let (_, text, _) = stdout_of(
        pim()
            .args(["check", "fixtures/demo", "--color", "never"])
            .env("PIM_LINT_TERMINAL", "1")
            .env("COLUMNS", "64"),
    );
    for token in [
        "PIM-Approvers-Tier0",
        "(phishing-resistant)",
        "`approvalStages[0].primaryApprovers`",
        "/subscriptions/3f6b2c1d-8e9a-4b7c-a1d2-e3f4a5b6c7d8",
    ] {
        assert!(text.contains(token), "{token} is cut:\n{text}");
    }
    for l in prose_lines(&text) {
        assert!(
            !l.trim_end().ends_with('-'),
            "a line ends inside a word: {l}"
        );
    }
}

#[test]
fn concise_is_one_line_per_finding() {
    let (code, text, _) = stdout_of(pim().args(["check", "fixtures/demo", "--format", "concise"]));
    assert_eq!(code, Some(1));
    let (_, json, _) = stdout_of(pim().args(["check", "fixtures/demo", "--format", "json"]));
    let diagnostics = json_of(&json)["diagnostics"].as_array().unwrap().clone();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), diagnostics.len() + 1, "{text}");
    assert_eq!(
        lines.last().copied(),
        Some("11 errors, 8 warnings, 1 note in 13 policies across 9 files")
    );
    for (line, d) in lines.iter().zip(&diagnostics) {
        let head = format!(
            "{}:{}:{}: {} {} ",
            d["file"].as_str().unwrap(),
            d["line"],
            d["column"],
            d["code"].as_str().unwrap(),
            d["severity"].as_str().unwrap()
        );
        assert!(line.starts_with(&head), "{line} / {head}");
    }
    assert!(lines.contains(
        &"fixtures/demo/entra/directory-roles.json:489:51: PIM101 error Privileged Role Administrator (tier0): Activation does not require approval: isApprovalRequired is false; it must be true"
    ));
    // A finding about no role has no role part.
    assert!(lines.iter().any(|l| l.starts_with(
        "fixtures/demo/changes/raise-activation-limit.json:5:22: PIM004 error rule Expiration_EndUser_Assignment: `maximumDuration` \"12 hours\""
    )));
}

#[test]
fn a_permanent_assignment_made_outside_pim_reads_as_one_finding() {
    let sample = "fixtures/corpus/scubagear_createreport_privileged_roles.json";
    let (_, json, _) = stdout_of(pim().args(["check", sample, "--format", "json"]));
    let diagnostics = json_of(&json)["diagnostics"].as_array().unwrap().clone();
    let count = |code: &str| diagnostics.iter().filter(|d| d["code"] == code).count();
    let (pim310, pim311) = (count("PIM310"), count("PIM311"));
    assert!(pim311 > 0 && pim310 >= pim311, "{pim310} {pim311}");

    // Concise: each PIM311 is folded into its assignment's PIM310 line.
    let (_, text, _) = stdout_of(pim().args(["check", sample, "--format", "concise"]));
    assert!(!text.lines().any(|l| l.contains(": PIM311 ")), "{text}");
    let folded = text
        .lines()
        .filter(|l| l.contains(" (+PIM311 error: "))
        .count();
    assert_eq!(folded, pim311);
    assert!(text.contains(
        "scubagear_createreport_privileged_roles.json:381:26: PIM310 error Global Administrator (tier0): ae71e61c-f465-4db6-8d26-5f3e52bdd800 holds the role permanently: the active assignment has no end date (+PIM311 error: ae71e61c-f465-4db6-8d26-5f3e52bdd800 was assigned the role outside PIM: the assignment has no PIM schedule (no start date))"
    ));

    // Human: one report naming both rules.
    let (_, text, _) = stdout_of(pim().args(["check", sample]));
    assert_eq!(
        text.matches("PIM310 permanent-active-assignment + PIM311 assigned-outside-pim\n")
            .count(),
        pim311
    );
    assert!(!text.contains("\nPIM311 assigned-outside-pim\n"));

    // Statistics and JSON still count every rule's findings.
    let (_, stats, _) = stdout_of(pim().args(["check", sample, "--statistics"]));
    assert!(stats.contains(&format!("{pim311:>2}  PIM311  assigned-outside-pim")));
}

#[test]
fn statistics_count_per_rule_most_frequent_first() {
    let (code, text, _) = stdout_of(pim().args(["check", "fixtures/demo", "--statistics"]));
    assert_eq!(code, Some(1), "the exit code is the run's");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some("3  PIM201  activation-mfa                error 2, warning 1")
    );
    assert!(lines.contains(&"1  PIM101  approval-required             error"));
    let counts: Vec<usize> = lines
        .iter()
        .map(|l| l.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{text}");
    assert_eq!(counts.iter().sum::<usize>(), 20);
    assert!(!text.contains("errors"), "no findings, no summary: {text}");

    let (_, json, _) =
        stdout_of(pim().args(["check", "fixtures/demo", "--statistics", "--format", "json"]));
    let v = json_of(&json);
    assert_eq!(v["version"], 1);
    assert_eq!(v["statistics"][0]["code"], "PIM201");
    assert_eq!(v["statistics"][0]["count"], 3);
    assert_eq!(v["statistics"][0]["errors"], 2);

    let (code, _, err) = stdout_of(pim().args([
        "check",
        "fixtures/demo",
        "--statistics",
        "--format",
        "sarif",
    ]));
    assert_eq!(code, Some(2), "{err}");
}

#[test]
fn colour_follows_force_color_clicolor_force_no_color_and_term() {
    let f = "fixtures/rules/PIM004/fail.json";
    let coloured = |envs: &[(&str, &str)], args: &[&str]| {
        let mut c = pim();
        c.args(["check", f]).args(args);
        for (k, v) in envs {
            c.env(k, v);
        }
        stdout_of(&mut c).1.contains("\u{1b}[")
    };
    assert!(!coloured(&[], &[]), "piped: no colour");
    assert!(coloured(&[("FORCE_COLOR", "1")], &[]));
    assert!(coloured(&[("FORCE_COLOR", "true")], &[]));
    assert!(!coloured(&[("FORCE_COLOR", "0")], &[]));
    assert!(!coloured(&[("FORCE_COLOR", "")], &[]));
    assert!(coloured(&[("CLICOLOR_FORCE", "1")], &[]));
    assert!(!coloured(&[("CLICOLOR_FORCE", "0")], &[]));
    assert!(coloured(&[("PIM_LINT_TERMINAL", "1")], &[]), "a terminal");
    assert!(!coloured(
        &[("PIM_LINT_TERMINAL", "1"), ("TERM", "dumb")],
        &[]
    ));
    assert!(coloured(&[("TERM", "dumb"), ("FORCE_COLOR", "1")], &[]));
    assert!(!coloured(&[("NO_COLOR", "1"), ("FORCE_COLOR", "1")], &[]));
    assert!(!coloured(
        &[("NO_COLOR", "1"), ("PIM_LINT_TERMINAL", "1")],
        &[]
    ));
    // The flag wins over the environment.
    assert!(coloured(&[("NO_COLOR", "1")], &["--color", "always"]));
    assert!(!coloured(&[("FORCE_COLOR", "1")], &["--color", "never"]));
}

#[test]
fn drawing_is_ascii_where_the_locale_is_not_utf8() {
    let f = "fixtures/rules/PIM004/fail.json";
    let run = |envs: &[(&str, &str)]| {
        let mut c = pim();
        c.args(["check", f]);
        for (k, v) in envs {
            c.env(k, v);
        }
        stdout_of(&mut c).1
    };
    let unicode = run(&[]);
    assert!(
        unicode.contains("╭─[") && unicode.contains("  × "),
        "{unicode}"
    );
    for envs in [
        &[("LANG", "C")][..],
        &[("LANG", "POSIX")],
        &[("LANG", "en_US.UTF-8"), ("LC_ALL", "C")],
        &[("LANG", "en_US.UTF-8"), ("LC_CTYPE", "en_US.ISO-8859-1")],
    ] {
        let ascii = run(envs);
        assert!(ascii.is_ascii(), "{envs:?}:\n{ascii}");
        assert!(ascii.contains(",-[") && ascii.contains("  x "), "{ascii}");
    }
    // UTF-8 spelt any way, and LC_ALL over LANG.
    assert_eq!(run(&[("LANG", "de_DE.utf8")]), unicode);
    assert_eq!(run(&[("LANG", "C"), ("LC_ALL", "en_GB.UTF-8")]), unicode);
}

#[test]
fn quiet_prints_only_what_fails_the_run_and_no_summary() {
    let (code, text, _) = stdout_of(pim().args(["check", "fixtures/demo", "--quiet"]));
    assert_eq!(code, Some(1));
    assert!(!text.contains(" across "), "no summary:\n{text}");
    assert_eq!(text.matches("\n  × ").count(), 11, "the 11 errors");
    assert!(!text.contains("\n  ⚠ ") && !text.contains("\n  ☞ "));

    let (_, text, _) = stdout_of(pim().args([
        "check",
        "fixtures/demo",
        "-q",
        "--fail-on",
        "warning",
        "--format",
        "concise",
    ]));
    assert_eq!(text.lines().count(), 19, "errors and warnings:\n{text}");
    assert!(!text.contains(" note "));

    // Nothing fails the run: nothing to print.
    let (code, text, _) =
        stdout_of(pim().args(["check", "fixtures/rules/PIM004/pass.json", "--quiet"]));
    assert_eq!((code, text.as_str()), (Some(0), ""));
}

#[test]
fn one_run_writes_the_report_sarif_and_markdown_atomically() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (report, sarif, markdown) = (
        dir.path().join("report.json"),
        dir.path().join("pim.sarif"),
        dir.path().join("summary.md"),
    );
    fs::write(&report, "old content").expect("write");
    let (code, stdout, stderr) = stdout_of(
        pim()
            .args([
                "check",
                "fixtures/demo",
                "--format",
                "json",
                "--output-file",
            ])
            .arg(&report)
            .arg("--sarif-file")
            .arg(&sarif)
            .arg("--markdown-file")
            .arg(&markdown),
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stdout, "", "the report went to the file");
    let (_, direct, _) = stdout_of(pim().args(["check", "fixtures/demo", "--format", "json"]));
    assert_eq!(fs::read_to_string(&report).expect("report"), direct);
    let sarif = json_of(&fs::read_to_string(&sarif).expect("sarif"));
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 20);
    let md = fs::read_to_string(&markdown).expect("markdown");
    assert!(md.starts_with("## pim-lint\n\n**11 errors, 8 warnings, 1 note"));
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["pim.sarif", "report.json", "summary.md"],
        "no temporary file left"
    );

    // Human output to a file: neither wrapped nor coloured (unless --color always).
    let human = dir.path().join("report.txt");
    let (_, stdout, _) = stdout_of(
        pim()
            .args(["check", "fixtures/demo", "-o"])
            .arg(&human)
            .env("PIM_LINT_TERMINAL", "1")
            .env("COLUMNS", "60")
            .env("FORCE_COLOR", "1"),
    );
    assert_eq!(stdout, "");
    let text = fs::read_to_string(&human).expect("human");
    assert!(!text.contains('\u{1b}'));
    assert!(text.contains("Only 1 distinct approver for activation; at least 2 are required"));
}

#[test]
fn a_write_error_fails_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = "fixtures/rules/PIM004/pass.json";
    // A full device, a directory, a folder that does not exist: exit 2, and why.
    for target in [
        Path::new("/dev/full").to_path_buf(),
        dir.path().to_path_buf(),
        dir.path().join("missing/report.sarif"),
    ] {
        for option in ["--output-file", "--sarif-file", "--markdown-file"] {
            let (code, _, stderr) = stdout_of(pim().args(["check", f, option]).arg(&target));
            assert_eq!(code, Some(2), "{option} {}: {stderr}", target.display());
            assert!(
                stderr.contains(&format!("cannot write {}", target.display())),
                "{stderr}"
            );
        }
    }
    assert_eq!(fs::read_dir(dir.path()).expect("dir").count(), 0);
    // Standard output itself on a full device.
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pim-lint"))
        .args(["check", f])
        .env_remove("FORCE_COLOR")
        .stdout(full)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write to standard output"));
}

#[test]
fn a_missing_path_prints_no_report() {
    for args in [
        &["check", "does/not/exist"][..],
        &[
            "check",
            "fixtures/demo",
            "does/not/exist",
            "--format",
            "json",
        ],
        &["does/not/exist", "--format", "sarif"],
    ] {
        let (code, stdout, stderr) = stdout_of(pim().args(args));
        assert_eq!(code, Some(2));
        assert_eq!(stdout, "", "{args:?}");
        assert!(
            stderr.contains("does/not/exist: no such file or directory"),
            "{stderr}"
        );
    }
}

/// A repository with `.git`, a config ignoring PIM204 for Global Administrator, and the demo's
/// directory roles in `exports/`.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::create_dir(dir.path().join(".git")).expect("git");
    fs::create_dir(dir.path().join("exports")).expect("exports");
    fs::copy(
        "fixtures/demo/entra/directory-roles.json",
        dir.path().join("exports/roles.json"),
    )
    .expect("copy");
    fs::write(
        dir.path().join(".pim-lint.yaml"),
        "ignore:\n  - rule: PIM204\n    role: Global Administrator\n    reason: \"PT8H agreed with the SOC\"\n    until: 2999-12-31\n",
    )
    .expect("config");
    dir
}

#[test]
fn annotation_paths_are_relative_to_the_repository_root() {
    let dir = repo();
    // From a subfolder, naming the file relative to it.
    let (_, text, _) = stdout_of(pim().current_dir(dir.path().join("exports")).args([
        "check",
        "roles.json",
        "--format",
        "github",
    ]));
    let files: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split("file=").nth(1))
        .map(|rest| rest.split(',').next().unwrap_or_default())
        .collect();
    assert!(!files.is_empty(), "{text}");
    assert!(
        files.iter().all(|f| *f == "exports/roles.json"),
        "{files:?}"
    );
    // The same as SARIF's artifact URI.
    let (_, sarif, _) = stdout_of(pim().current_dir(dir.path().join("exports")).args([
        "check",
        "roles.json",
        "--format",
        "sarif",
    ]));
    let sarif = json_of(&sarif);
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "exports/roles.json"
    );
}

#[test]
fn sarif_keeps_suppressed_findings_with_the_reason_and_validates() {
    let dir = repo();
    let (code, sarif, stderr) = stdout_of(
        pim()
            .current_dir(dir.path())
            .args(["check", "exports", "--format", "sarif"]),
    );
    assert_eq!(code, Some(1), "{stderr}");
    let sarif = json_of(&sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1, "{results:#?}");
    assert_eq!(suppressed[0]["ruleId"], "PIM204");
    assert_eq!(
        suppressed[0]["suppressions"],
        serde_json::json!([{
            "kind": "external",
            "status": "accepted",
            "justification": "PT8H agreed with the SOC",
            "properties": {"until": "2999-12-31"}
        }])
    );
    // In report order, like the others.
    let lines: Vec<u64> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");

    let schema: Value = serde_json::from_str(
        &fs::read_to_string("schemas/sarif-schema-2.1.0.json").expect("vendored schema"),
    )
    .expect("JSON");
    let validator = jsonschema::draft4::new(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["suppressions"] = serde_json::json!([{"kind": "sometimes"}]);
    assert!(
        !validator.is_valid(&broken),
        "the validator checks suppressions"
    );

    // The other formats leave it out but count it.
    let (_, json, _) = stdout_of(
        pim()
            .current_dir(dir.path())
            .args(["check", "exports", "--format", "json"]),
    );
    let json = json_of(&json);
    assert_eq!(json["summary"]["suppressed"], 1);
    assert!(
        !json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "PIM204" && d["role"]["name"] == "Global Administrator")
    );
    let (_, human, _) = stdout_of(pim().current_dir(dir.path()).args(["check", "exports"]));
    assert!(
        human.trim_end().ends_with(" across 1 file (1 suppressed)"),
        "{human}"
    );
}

#[test]
fn markdown_subject_column_names_the_role_and_where_it_is_written() {
    let (_, md, _) = stdout_of(pim().args(["check", "fixtures/demo", "--format", "markdown"]));
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| error ")).collect();
    let role = |code: &str| {
        rows.iter()
            .find(|r| r.contains(&format!("`{code}`")))
            .map(|r| r.split(" | ").nth(2).unwrap_or_default().to_owned())
    };
    assert_eq!(
        role("PIM101").as_deref(),
        Some("Privileged Role Administrator (tier0)")
    );
    assert_eq!(
        role("PIM403").as_deref(),
        Some("Owner (tier0) at /subscriptions/3f6b2c1d-8e9a-4b7c-a1d2-e3f4a5b6c7d8")
    );
    assert_eq!(
        role("PIM102").as_deref(),
        Some("Group membership (standard) of group 7e526275-97a8-4dc6-932a-4db521cccf96")
    );
    // A PATCH body of one rule has no role: the rule is what it is about.
    assert_eq!(
        role("PIM004").as_deref(),
        Some("rule Expiration_EndUser_Assignment")
    );
    // An authoring format names where the settings are written, as every other format does.
    let (_, md, _) = stdout_of(pim().args([
        "check",
        "fixtures/terraform/plan/modules.plan.json",
        "--format",
        "markdown",
    ]));
    assert!(
        md.contains(
            r#"Owner (tier0) in module.pim\["prod"\].azurerm_role_management_policy.this\["owner"\]"#
        ),
        "{md}"
    );
}

#[test]
fn rules_and_approvers_speak_json() {
    let (code, text, _) = stdout_of(pim().args(["rules", "--format", "json"]));
    assert_eq!(code, Some(0));
    let v = json_of(&text);
    assert_eq!(v["version"], 1);
    assert_eq!(v["pack"], "baseline");
    let rules = v["rules"].as_array().unwrap();
    assert_eq!(rules.len(), pim_lint::rules::registry().len());
    let pim204 = rules.iter().find(|r| r["code"] == "PIM204").unwrap();
    assert_eq!(pim204["name"], "activation-duration-cap");
    assert_eq!(pim204["enabled"], true);
    assert_eq!(
        pim204["entries"][0]["severity"],
        serde_json::json!({"tier0": "error", "privileged": "warning"})
    );
    let pim203 = rules.iter().find(|r| r["code"] == "PIM203").unwrap();
    assert_eq!(pim203["enabled"], false);

    let (_, text, _) = stdout_of(pim().args([
        "approvers",
        "fixtures/demo",
        "--format",
        "json",
        "--no-config",
    ]));
    let rows = json_of(&text)["approvers"].as_array().unwrap().clone();
    for key in ["account_enabled", "guest", "deleted", "eligible_for_role"] {
        assert!(
            rows.iter().all(|r| r[key].is_boolean() || r[key].is_null()),
            "{key} is a boolean or null"
        );
    }
    assert!(rows.iter().any(
        |r| r["user"] == "Morgan Lee <morgan@contoso.example>" && r["account_enabled"] == false
    ));
}

#[test]
fn a_user_rules_label_is_its_own_message() {
    let (_, text, _) = stdout_of(pim().args([
        "check",
        "--pack",
        "baseline",
        "--pack",
        "examples/packs/exchange-ticket/pack.yaml",
        "fixtures/demo",
    ]));
    assert!(
        text.contains("╰── Exchange Administrator activation must require a ticket number\n"),
        "{text}"
    );
    assert!(
        text.contains("        (schema: "),
        "the validator's words follow the help"
    );
}

#[test]
fn messages_name_a_lone_rule_once() {
    let (_, text, _) = stdout_of(pim().args([
        "check",
        "fixtures/demo/changes/raise-activation-limit.json",
        "--format",
        "concise",
    ]));
    for line in text.lines().filter(|l| l.contains(" PIM")) {
        assert!(
            line.matches("Expiration_EndUser_Assignment").count() <= 1,
            "{line}"
        );
    }
}

#[test]
fn readme_output_examples_are_real() {
    let readme = fs::read_to_string("README.md").expect("README");
    let at = readme
        .find("## Output and exit codes")
        .expect("the section");
    let section = &readme[at..];
    let section = &section[..section[3..].find("\n## ").expect("next section") + 3];
    let (_, concise, _) = stdout_of(pim().args(["check", "fixtures/demo", "--format", "concise"]));
    let (_, stats, _) = stdout_of(pim().args(["check", "fixtures/demo", "--statistics"]));
    let mut shown = 0;
    for block in section.split("  ```text\n").skip(1) {
        let block = &block[..block.find("  ```").expect("closed")];
        for line in block.lines() {
            let line = line.strip_prefix("  ").unwrap_or(line);
            assert!(
                concise.lines().chain(stats.lines()).any(|l| l == line),
                "README shows output the demo does not produce:\n{line}"
            );
            shown += 1;
        }
    }
    assert!(shown >= 4, "the examples were found");
}
