//! Renderers: pure functions of the outcome (findings + source files) to text.

pub mod approvers;
pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;

use crate::finding::Outcome;
use crate::rules::Severity;

/// "2 errors, 1 warning, 3 notes in 4 policies across 2 files".
pub fn summary_line(out: &Outcome) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{}, {}, {} in {} across {}",
        plural(out.count(Severity::Error), "error", "errors"),
        plural(out.count(Severity::Warning), "warning", "warnings"),
        plural(out.count(Severity::Note), "note", "notes"),
        plural(out.policy_count, "policy", "policies"),
        plural(out.linted_files, "file", "files"),
    )
}
