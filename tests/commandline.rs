//! Command-line conventions: mistyped commands, `rule` as `explain`, help, completions, the
//! manual page, `init` run twice, and "did you mean" for config keys.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

use assert_cmd::Command;
use std::fs;
use std::path::Path;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/rules/PIM004/fail.json"
);

/// The binary, run in `dir`.
fn pim(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("pim-lint").expect("binary builds");
    c.current_dir(dir)
        .env_remove("NO_COLOR")
        .env("COLUMNS", "100");
    c
}

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = pim(dir).args(args).output().expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_mistyped_command_is_reported_with_the_command_it_resembles() {
    let dir = tempfile::tempdir().unwrap();
    for (typo, meant) in [
        ("chekc", "check"),
        ("rulse", "rules"),
        ("Check", "check"),
        ("explian", "explain"),
        ("complations", "completions"),
    ] {
        let (code, out, err) = run(dir.path(), &[typo, "PIM101"]);
        assert_eq!(code, Some(2), "{typo}: {err}");
        assert!(out.is_empty(), "{typo}: {out}");
        assert!(
            err.contains(&format!("unrecognized subcommand `{typo}`"))
                && err.contains(&format!("did you mean `{meant}`?")),
            "{typo}: {err}"
        );
        assert!(!err.contains("no such file"), "{typo}: {err}");
    }
}

#[test]
fn real_paths_are_still_checked_whatever_they_are_called() {
    let dir = tempfile::tempdir().unwrap();
    // Files and directories spelled like a mistyped command are linted: they exist.
    fs::copy(FIXTURE, dir.path().join("chekc")).unwrap();
    fs::create_dir(dir.path().join("rulse")).unwrap();
    fs::copy(FIXTURE, dir.path().join("rulse/policy.json")).unwrap();
    for path in ["chekc", "rulse"] {
        let (code, out, err) = run(dir.path(), &[path, "--format", "json"]);
        assert_eq!(code, Some(1), "{path}: {err}");
        assert!(out.contains("\"PIM004\""), "{path}: {out}");
    }
    // Words that can only be paths, or are close to no command, are missing files as before.
    for path in ["chekc.json", "sub/chekc", "estate", "-"] {
        let mut cmd = pim(dir.path());
        cmd.arg(path).write_stdin("{\"value\": [");
        let out = cmd.output().expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("did you mean"), "{path}: {err}");
        if path == "-" {
            assert_eq!(out.status.code(), Some(1), "standard input is read: {err}");
        } else {
            assert_eq!(out.status.code(), Some(2), "{path}: {err}");
            assert!(err.contains("no such file"), "{path}: {err}");
        }
    }
}

#[test]
fn rule_is_explain() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, rule, err) = run(here, &["rule", "PIM101"]);
    assert_eq!(code, Some(0), "{err}");
    let (_, explain, _) = run(here, &["explain", "PIM101"]);
    assert_eq!(rule, explain);
    assert!(rule.contains("approval-required"), "{rule}");
    let (_, by_name, _) = run(here, &["rule", "approval-required"]);
    assert_eq!(by_name, explain);
}

#[test]
fn a_misspelled_config_key_suggests_the_known_one() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    fs::copy(FIXTURE, dir.path().join("p.json")).unwrap();
    fs::write(
        dir.path().join(".pim-lint.yaml"),
        "rulez: {}\nrules:\n  PIM101: {severty: error}\nignore:\n  - {rule: PIM101, role: x, reasn: r, reason: r}\n",
    )
    .unwrap();
    let (code, _, err) = run(dir.path(), &["check", "p.json"]);
    assert_eq!(code, Some(2), "{err}");
    for (found, guess) in [
        (".pim-lint.yaml:1:1", "Did you mean `rules`?"),
        (".pim-lint.yaml:3:12", "Did you mean `severity`?"),
        (".pim-lint.yaml:5:29", "Did you mean `reason`?"),
    ] {
        assert!(err.contains(found) && err.contains(guess), "{guess}: {err}");
    }
}

#[test]
fn help_shows_the_shortcut_and_the_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    for flag in ["--help", "-h", "help"] {
        let (code, out, err) = run(dir.path(), &[flag]);
        assert_eq!(code, Some(0), "{err}");
        assert!(
            out.contains("pim-lint [PATHS]...")
                && out.contains("`pim-lint PATH…` is `pim-lint check PATH…`"),
            "{out}"
        );
        assert!(out.contains("Exit codes:"), "{out}");
        for line in [
            "  0  no finding at or above --fail-on",
            "  1  findings at or above --fail-on",
            "  2  the run failed",
        ] {
            assert!(out.contains(line), "{line}: {out}");
        }
        assert!(out.contains("[alias: rule]"), "{out}");
        assert!(!out.contains('\x1b'), "no colour when piped: {out}");
    }
}

#[test]
fn each_shell_gets_a_completion_script() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, out, err) = run(dir.path(), &["completions", shell]);
        assert_eq!(code, Some(0), "{shell}: {err}");
        assert!(
            out.contains("check") && out.contains("explain") && out.contains("--fail-on"),
            "{shell}: {out}"
        );
    }
    let (code, _, err) = run(dir.path(), &["completions", "tcsh"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("possible values"), "{err}");
}

#[test]
fn the_manual_page_has_every_command_option_and_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let (code, page, err) = run(dir.path(), &["man"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(page.contains(".TH PIM-LINT 1"), "{page}");
    assert!(page.is_ascii(), "the page is ASCII: {page}");
    for command in [
        "check",
        "rules",
        "explain",
        "init",
        "test",
        "approvers",
        "completions",
        "man",
    ] {
        assert!(page.contains(&format!("\n.SS {command}\n")), "{command}");
    }
    for text in [
        ".SH SYNOPSIS",
        ".SH COMMANDS",
        ".SH \"EXIT STATUS\"",
        "\\-\\-fail\\-on",
        "\\-\\-skip\\-unknown",
        "Also: rule.",
        "is `pim\\-lint check PATH\\[u2026]`",
    ] {
        assert!(page.contains(text), "{text}: {page}");
    }
    // roff's preamble once, at the top; no section of a command's own page left over.
    assert_eq!(page.matches(".ds Aq").count(), 2, "{page}");
    assert_eq!(page.matches(".SH OPTIONS").count(), 0, "{page}");
    // Where groff is installed, it reads the page without a warning.
    if let Ok(mut groff) = std::process::Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        use std::io::Write;
        groff
            .stdin
            .take()
            .unwrap()
            .write_all(page.as_bytes())
            .unwrap();
        let out = groff.wait_with_output().unwrap();
        assert!(out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    }
}

#[test]
fn init_twice_names_the_files_it_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (code, first, err) = run(dir.path(), &["init"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        first,
        "wrote .pim-lint.yaml\nwrote .github/workflows/pim-lint.yml\nwrote .pre-commit-config.yaml\nwrote pim-settings.pim.yaml\n"
    );
    fs::write(dir.path().join(".pim-lint.yaml"), "rules: {}\n").unwrap();
    let (code, second, err) = run(dir.path(), &["init"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        second,
        "kept .pim-lint.yaml (exists; --force to overwrite)\n\
         kept .github/workflows/pim-lint.yml (exists; --force to overwrite)\n\
         kept .pre-commit-config.yaml (exists; --force to overwrite)\n\
         kept pim-settings.pim.yaml (exists; --force to overwrite)\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join(".pim-lint.yaml")).unwrap(),
        "rules: {}\n"
    );
    // The starter desired state names its schema (editors complete it) and is read as one.
    let starter = fs::read_to_string(dir.path().join("pim-settings.pim.yaml")).unwrap();
    assert!(starter.starts_with("# yaml-language-server: $schema="));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pim-lint"))
        .args(["check", "--format", "concise", "--fail-on", "warning"])
        .arg(dir.path().join("pim-settings.pim.yaml"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("in 2 policies across 1 file"));
    let (code, forced, _) = run(dir.path(), &["init", "--force"]);
    assert_eq!(code, Some(0));
    assert_eq!(forced, first);
    assert_ne!(
        fs::read_to_string(dir.path().join(".pim-lint.yaml")).unwrap(),
        "rules: {}\n"
    );
    // Another directory is named as given.
    let other = tempfile::tempdir().unwrap();
    let target = dir.path().join("repo");
    fs::create_dir(&target).unwrap();
    let (_, out, _) = run(other.path(), &["init", target.to_str().unwrap()]);
    assert!(
        out.starts_with(&format!(
            "wrote {}",
            target.join(".pim-lint.yaml").display()
        )),
        "{out}"
    );
}

#[test]
fn readme_documents_every_command_and_its_install_lines_run() {
    use clap::CommandFactory;
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("\n## Command line\n")
        .expect("a Command line section");
    let section = &readme[start + 1..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    for sub in pim_lint::cli::Cli::command().get_subcommands() {
        let name = sub.get_name();
        assert!(
            section.contains(&format!("`pim-lint {name}")),
            "README's Command line section does not mention `pim-lint {name}`"
        );
        for alias in sub.get_visible_aliases() {
            assert!(section.contains(&format!("`pim-lint {alias}")), "{alias}");
        }
    }
    let block = &section[section.find("```sh\n").expect("an sh block") + 6..];
    let block = &block[..block.find("```").expect("closed")];
    let dir = tempfile::tempdir().unwrap();
    for line in block.lines() {
        let command = line.split(['>', '|', '#']).next().unwrap_or_default();
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        let (code, out, err) = run(dir.path(), &args);
        assert_eq!(code, Some(0), "{line}: {err}");
        assert!(!out.is_empty(), "{line}");
    }
}
