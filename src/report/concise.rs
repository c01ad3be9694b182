//! `--format concise`: one line per finding, `path:line:col: CODE severity subject: message`,
//! as ruff, actionlint and compilers print them (editors and `grep` read them). Findings about
//! one thing (PIM310 and PIM311 on one assignment) are one line: the primary finding, then
//! ` (+CODE severity: message)` for each one folded into it.

use super::Group;
use super::escape::terminal;
use crate::finding::Outcome;

/// One line per finding: text from input (file names, subjects, messages that quote values)
/// has its control characters, line breaks included, and bidi overrides escaped.
pub fn line(out: &Outcome, g: &Group<'_>) -> String {
    let f = g.primary();
    let file = out.files.get(f.file).map_or("", |s| s.name.as_str());
    let subject = f
        .subject
        .as_deref()
        .map(|s| format!("{}: ", terminal(s)))
        .unwrap_or_default();
    let mut s = format!(
        "{}:{}:{}: {} {} {subject}{}",
        terminal(file),
        f.position.line,
        f.position.column,
        terminal(f.code),
        f.severity,
        terminal(&f.message)
    );
    for c in g.companions() {
        s.push_str(&format!(
            " (+{} {}: {})",
            terminal(c.code),
            c.severity,
            terminal(&c.message)
        ));
    }
    s.push('\n');
    s
}
/// The lines of `groups`, then the summary line unless `quiet`.
pub fn render(out: &Outcome, groups: &[Group<'_>], quiet: bool) -> String {
    let mut s: String = groups.iter().map(|g| line(out, g)).collect();
    if !quiet {
        s.push_str(&super::summary_line(out));
        s.push('\n');
    }
    s
}
