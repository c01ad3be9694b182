//! Renderers: pure functions of the outcome (findings + source files) to text.

pub mod approvers;
pub mod concise;
pub mod escape;
pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod secrets;
pub mod snippet;
pub mod statistics;

use crate::finding::{Finding, Outcome};
use crate::rules::Severity;
use std::path::{Path, PathBuf};

/// "2 errors, 1 warning, 3 notes in 4 policies across 2 files", then " (1 suppressed)" when an
/// ignore entry suppressed findings.
pub fn summary_line(out: &Outcome) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let suppressed = if out.suppressed.is_empty() {
        String::new()
    } else {
        format!(" ({} suppressed)", out.suppressed.len())
    };
    if out.policy_count == 0 {
        let what = if out.directory.is_empty() {
            "no policy or directory export found"
        } else {
            "no policy found (directory context only)"
        };
        return format!(
            "{}, {}, {}: {what} in {} (--verbose lists what was skipped){suppressed}",
            plural(out.count(Severity::Error), "error", "errors"),
            plural(out.count(Severity::Warning), "warning", "warnings"),
            plural(out.count(Severity::Note), "note", "notes"),
            plural(out.linted_files, "file", "files"),
        );
    }
    format!(
        "{}, {}, {} in {} across {}{suppressed}",
        plural(out.count(Severity::Error), "error", "errors"),
        plural(out.count(Severity::Warning), "warning", "warnings"),
        plural(out.count(Severity::Note), "note", "notes"),
        plural(out.policy_count, "policy", "policies"),
        plural(out.linted_files, "file", "files"),
    )
}

/// Findings as people read them: the findings several rules raise about one thing (PIM310 and
/// PIM311 on one assignment: a permanent assignment made outside PIM) are one entry, the lowest
/// code first. JSON and SARIF keep every finding on its own; counts count every finding. Each
/// renderer joins the members' messages itself, each escaped for its format.
#[derive(Debug)]
pub struct Group<'a> {
    /// The first is the primary finding: its position and subject stand for the group.
    pub members: Vec<&'a Finding>,
}

impl<'a> Group<'a> {
    pub fn primary(&self) -> &'a Finding {
        self.members[0]
    }

    /// The findings folded into the primary one.
    pub fn companions(&self) -> &[&'a Finding] {
        &self.members[1..]
    }

    /// The most severe of the members.
    pub fn severity(&self) -> Severity {
        self.members
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Note)
    }

    /// "PIM310 permanent-active-assignment + PIM311 assigned-outside-pim".
    pub fn title(&self) -> String {
        self.members
            .iter()
            .map(|f| format!("{} {}", f.code, f.rule))
            .collect::<Vec<_>>()
            .join(" + ")
    }

    /// The members' help, each once, one per line.
    pub fn help(&self) -> String {
        let mut seen: Vec<&str> = Vec::new();
        for f in &self.members {
            if !seen.contains(&f.help.as_ref()) {
                seen.push(&f.help);
            }
        }
        seen.join("\n")
    }
}

/// Groups findings (in report order) by the thing they are about; a finding about nothing in
/// particular is a group of its own. A group sits where its primary finding does in report
/// order, so concise lines stay sorted by position.
pub fn groups<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Vec<Group<'a>> {
    let mut out: Vec<Vec<(usize, &'a Finding)>> = Vec::new();
    let mut index: std::collections::HashMap<(usize, &'a str), usize> =
        std::collections::HashMap::new();
    for (n, f) in findings.into_iter().enumerate() {
        let Some(about) = f.about.as_deref() else {
            out.push(vec![(n, f)]);
            continue;
        };
        match index.get(&(f.file, about)) {
            Some(&i) => out[i].push((n, f)),
            None => {
                index.insert((f.file, about), out.len());
                out.push(vec![(n, f)]);
            }
        }
    }
    for g in &mut out {
        // Stable: the same code twice keeps report order.
        g.sort_by(|a, b| a.1.code.cmp(b.1.code));
    }
    out.sort_by_key(|g| g.first().map_or(0, |m| m.0));
    out.into_iter()
        .map(|g| Group {
            members: g.into_iter().map(|(_, f)| f).collect(),
        })
        .collect()
}

/// The repository root: the nearest directory upward from the current one with `.git`.
pub fn repo_root() -> Option<PathBuf> {
    let mut dir = std::env::current_dir().ok()?;
    loop {
        if dir.join(".git").exists() {
            return Some(dir);
        }
        if !dir.pop() {
            return None;
        }
    }
}

/// A file name as the run shows it, relative to the repository root with `/` separators when
/// the file is inside it (what SARIF's `artifactLocation.uri` and GitHub annotations need),
/// else as given.
pub fn repo_path(name: &str, root: Option<&Path>) -> String {
    let relative = root.and_then(|root| {
        let abs = std::fs::canonicalize(name).ok()?;
        let root = std::fs::canonicalize(root).ok()?;
        abs.strip_prefix(root)
            .ok()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
    });
    relative.unwrap_or_else(|| name.trim_start_matches("./").to_owned())
}
