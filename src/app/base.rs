//! `check --base REV`: the files of the run as they were at a git revision, read with
//! `git show REV:path` (paths relative to the repository's top level), for PIM601.

use crate::input::{Input, InputKey, MAX_INPUT_BYTES};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs git in `dir`; its standard output, or why it failed.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("--base needs git, which could not be run: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}

/// The documents of the run as they were at `rev`: one per local input that exists there, under
/// the same name (a file new since `rev` has no earlier self). Standard input and documents in
/// memory have no revision. Errors (no git, not a repository, an unknown revision) fail the run.
pub(crate) fn inputs(rev: &str, current: &[Input]) -> Result<Vec<Input>, String> {
    if rev.is_empty() || rev.starts_with('-') {
        return Err(format!("--base: `{rev}` is not a git revision"));
    }
    let locals: Vec<(&Input, PathBuf)> = current
        .iter()
        .filter_map(|i| match &i.key {
            InputKey::Local(p) if p.as_os_str() != "-" => {
                std::fs::canonicalize(p).ok().map(|abs| (i, abs))
            }
            _ => None,
        })
        .collect();
    let start = match locals.first() {
        Some((_, abs)) => abs.parent().map(Path::to_path_buf).unwrap_or_default(),
        None => std::env::current_dir().map_err(|e| format!("--base: {e}"))?,
    };
    let top = git(&start, &["rev-parse", "--show-toplevel"]).map_err(|e| {
        format!(
            "--base reads files from git, but {} is not in a git repository ({e})",
            start.display()
        )
    })?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
    let top = std::fs::canonicalize(&top).unwrap_or(top);
    let commit = format!("{rev}^{{commit}}");
    git(&top, &["rev-parse", "--verify", "--quiet", &commit]).map_err(|_| {
        format!(
            "--base: `{rev}` is no commit of the repository at {}",
            top.display()
        )
    })?;
    let mut out = Vec::new();
    for (input, abs) in locals {
        let Ok(rel) = abs.strip_prefix(&top) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        // A file that is not in the revision (new since) has nothing to compare with.
        let Ok(bytes) = git(&top, &["show", &format!("{rev}:{rel}")]) else {
            continue;
        };
        if bytes.len() as u64 > MAX_INPUT_BYTES {
            return Err(format!(
                "--base: {rel} at {rev} is larger than {MAX_INPUT_BYTES} bytes"
            ));
        }
        let mut base = Input::memory(input.name(), bytes);
        base.explicit = false;
        out.push(base);
    }
    Ok(out)
}
