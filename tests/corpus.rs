//! The public corpus in fixtures/corpus (where each file comes from: its PROVENANCE.md), one test
//! per file, so one failing file hides no other. Each file is read without a panic and recognised
//! (or reported as the spec says), and its findings are snapshotted one line each,
//! `LINE:COL CODE message`: a changed help text churns no snapshot.
//!
//! Run one file's test with `cargo test --test corpus -- <file name>`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

mod common;

use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};

/// Files in the corpus folder that are not samples.
const NOT_SAMPLES: &[&str] = &["PROVENANCE.md"];

/// Data files the corpus holds (PROVENANCE.md lists each).
const CORPUS_SIZE: usize = 38;

/// The one sample that is not JSON: a Rego comment at line 23, column 62.
const INVALID_JSON: &str =
    "scubagear_rego_MS.AAD.7.6_test_AdditionalProperties_Correct_V3_input.json";

fn main() {
    let args = Arguments::from_args();
    let files = corpus_files();
    let mut trials = vec![Trial::test("corpus_is_complete_with_provenance", {
        let files = files.clone();
        move || complete_with_provenance(&files)
    })];
    trials.extend(files.into_iter().map(|path| {
        let name = file_name(&path);
        Trial::test(name.clone(), move || check(&name, &path))
    }));
    libtest_mimic::run(&args, trials).exit();
}

/// The samples: every file of the corpus folder but PROVENANCE.md (LICENSES/ is a folder).
fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(common::corpus())
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && !NOT_SAMPLES.contains(&file_name(p).as_str()))
        .collect();
    files.sort();
    files
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned()
}

fn complete_with_provenance(files: &[PathBuf]) -> Result<(), Failed> {
    let dir = common::corpus();
    if files.len() != CORPUS_SIZE {
        return Err(format!(
            "expected the {CORPUS_SIZE} samples of {}, found {}",
            dir.display(),
            files.len()
        )
        .into());
    }
    let provenance = std::fs::read_to_string(dir.join("PROVENANCE.md"))
        .map_err(|e| format!("{}: {e}", dir.join("PROVENANCE.md").display()))?;
    let missing: Vec<String> = files
        .iter()
        .map(|p| file_name(p))
        .filter(|n| !provenance.contains(&format!("`{n}`")))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("not in PROVENANCE.md: {missing:?}").into())
    }
}

/// One sample: what it is read as, then its findings.
fn check(name: &str, path: &Path) -> Result<(), Failed> {
    let out = common::lint_one(path, &common::baseline());
    let codes: Vec<&str> = out.findings.iter().map(|f| f.code).collect();
    if name.ends_with(".tf") {
        // Terraform is read directly: each sample holds a policy resource.
        if codes.contains(&"PIM001") || codes.contains(&"PIM002") {
            return Err(format!("HCL not read: {codes:?}").into());
        }
        if out.policies.is_empty() {
            return Err("no policy read from the Terraform sample".into());
        }
    } else if name == INVALID_JSON {
        let first = out
            .findings
            .first()
            .map(|f| (f.code, f.position.line, f.position.column));
        if first != Some(("PIM001", 23, 62)) {
            return Err(format!("expected PIM001 at 23:62 first, got {first:?}").into());
        }
    } else {
        if codes.contains(&"PIM001") || codes.contains(&"PIM002") {
            return Err(format!("not read: {codes:?}").into());
        }
        // Policies, policy assignments (a list without policies only links them), or directory
        // context (ARM role eligibility schedules and requests).
        let links_only = name.contains("Group_member_owner");
        if out.policies.is_empty() && out.directory.is_empty() && !links_only {
            return Err("nothing recognised: no policy and no directory context".into());
        }
        if name.contains("RoleEligibilitySchedule") && !out.directory.has_schedules() {
            return Err("not read as a role schedule".into());
        }
    }
    let findings: Vec<String> = out
        .findings
        .iter()
        .map(|f| {
            format!(
                "{}:{} {} {}",
                f.position.line, f.position.column, f.code, f.message
            )
        })
        .collect();
    let findings = findings.join("\n");
    insta::assert_snapshot!(name, findings);
    Ok(())
}
