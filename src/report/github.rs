//! GitHub Actions workflow commands: one annotation per finding, most severe first, then a
//! `::notice` with the totals.
//!
//! The runner reads a command from the start of a line (`::name props::data`, where the first
//! `::` after the name ends the properties): data escapes `%`, CR and LF, and properties also
//! `:` and `,` (the workflow-command rules), so neither a file name nor a message can end the
//! line and start a second command, nor end the properties early; `::` in data is plain text.
//! Other control characters and bidi overrides from input are shown as visible escapes
//! ([`super::escape`]), as on a terminal.

use super::escape::{terminal, terminal_lines};
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

/// The group's messages (each escaped), the primary one first.
fn messages(g: &super::Group<'_>) -> String {
    let mut s = terminal(&g.primary().message).into_owned();
    for c in g.companions() {
        s.push_str(&format!("\n{}: {}", terminal(c.code), terminal(&c.message)));
    }
    s
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
        let help = terminal_lines(&g.help()).into_owned();
        let message = match &f.subject {
            Some(subject) => format!("{}: {}\n\nHelp: {help}", terminal(subject), messages(&g)),
            None => format!("{}\n\nHelp: {help}", messages(&g)),
        };
        s.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&terminal(&super::repo_path(file, root.as_deref()))),
            p.line,
            p.column,
            p.end_line,
            p.end_column,
            escape_property(&terminal(&g.title())),
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
