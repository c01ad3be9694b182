//! GitHub Actions workflow commands: one annotation per finding, most severe first, then a
//! `::notice` with the totals.

use crate::finding::Outcome;
use crate::rules::Severity;

/// Escaping of a command's message (data).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a property value (`file=`, `title=`): also `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Annotations for the findings (findings about one thing as one annotation), most severe
/// first, then the totals. `file=` is relative to the repository root, as GitHub resolves it
/// (and as SARIF's `artifactLocation.uri` is), wherever the run was started.
pub fn render(out: &Outcome) -> String {
    let root = super::repo_root();
    let mut groups = super::groups(&out.findings);
    // Stable: within a severity the report order (file, line, column, code) stays.
    groups.sort_by_key(|g| std::cmp::Reverse(g.severity()));
    let mut s = String::new();
    for g in groups {
        let f = g.primary();
        let command = match g.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let file = out.files.get(f.file).map_or("", |s| s.name.as_str());
        let p = f.position;
        let message = match &f.subject {
            Some(subject) => format!("{subject}: {}\n\nHelp: {}", g.message(), g.help()),
            None => format!("{}\n\nHelp: {}", g.message(), g.help()),
        };
        s.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&super::repo_path(file, root.as_deref())),
            p.line,
            p.column,
            p.end_line,
            p.end_column,
            escape_property(&g.title()),
            escape_data(&message)
        ));
    }
    s.push_str(&format!(
        "::notice title=pim-lint::{}\n",
        escape_data(&super::summary_line(out)),
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_workflow_command_rules() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%d\n"), "a%3Ab%2Cc%25d%0A");
    }
}
