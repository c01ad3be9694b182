//! Human output: one miette graphical report per finding, pointing at the value, then a summary.
//! Findings about one thing (PIM310 and PIM311 on one assignment) are one report.

use super::Group;
use super::escape;
use super::snippet::Snippet;
use crate::finding::{Finding, Outcome};
use crate::rules::Severity;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, Report, ThemeCharacters,
    ThemeStyles,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
    /// Wrap messages and help at this many columns (a terminal's width); `None` never wraps
    /// (output that is not a terminal). Wrapping breaks only at spaces, never inside a token.
    pub width: Option<usize>,
    /// Unicode drawing characters; ASCII ones where the locale is not UTF-8.
    pub unicode: bool,
}

impl Style {
    /// Fixed theme and width, no colour: what snapshots use.
    pub const PLAIN: Style = Style {
        color: false,
        width: Some(100),
        unicode: true,
    };
}

fn handler(style: Style) -> GraphicalReportHandler {
    let theme = GraphicalTheme {
        characters: if style.unicode {
            ThemeCharacters::unicode()
        } else {
            ThemeCharacters::ascii()
        },
        styles: if style.color {
            ThemeStyles::ansi()
        } else {
            ThemeStyles::none()
        },
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(style.width.unwrap_or(200))
        .with_wrap_lines(style.width.is_some())
        // A GUID, a path, `approvalStages[0].primaryApprovers` or PIM-Approvers-Tier0 is never
        // cut: lines break at spaces only.
        .with_break_words(false)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_links(false)
        .with_context_lines(1)
}

/// Where the locale is not UTF-8, typographic dashes, arrows, ellipses and quotes (pim-lint's
/// messages and help use them) in ASCII; other characters are left as they are.
fn ascii_prose(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '—' => out.push_str("--"),
            '–' => out.push('-'),
            '→' => out.push_str("->"),
            '…' => out.push_str("..."),
            '‘' | '’' => out.push('\''),
            '“' | '”' => out.push('"'),
            _ => out.push(c),
        }
    }
    out
}

/// Lines longer than this (minified exports) are not shown: the finding gets its position only.
const MAX_SHOWN_LINE: usize = 400;

/// One finding on its own.
pub fn render_finding(out: &Outcome, f: &Finding, style: Style) -> String {
    render_group(out, &Group { members: vec![f] }, style)
}

/// One report for a group: the primary finding's subject, every member's message, a label on
/// each member's value and their help. Text from input is escaped ([`super::escape`]) and the
/// file's lines are shown through a sanitised copy ([`super::snippet`]).
pub fn render_group(out: &Outcome, g: &Group<'_>, style: Style) -> String {
    let f = g.primary();
    let Some(src) = out.files.get(f.file) else {
        return String::new();
    };
    let too_long = g
        .members
        .iter()
        .any(|m| src.lines().line_len(&src.text, m.position.line as usize) > MAX_SHOWN_LINE);
    if src.text.is_empty() || too_long {
        return plain(src.name.as_str(), g, style);
    }
    let t = |s: &str| escape::terminal(s).into_owned();
    // A companion's value a few lines from the primary one is labelled in the same snippet;
    // one further away (miette would show every line between) is named by its position.
    let near = |m: &Finding| m.position.line.abs_diff(f.position.line) <= 3;
    let mut text = t(&f.message);
    for c in g.companions() {
        if near(c) {
            text.push_str(&format!("\n{}: {}", t(c.code), t(&c.message)));
        } else {
            text.push_str(&format!(
                "\n{} (line {}): {}",
                t(c.code),
                c.position.line,
                t(&c.message)
            ));
        }
    }
    let message = match &f.subject {
        Some(s) => format!("{}: {text}", t(s)),
        None => text,
    };
    let prose = |s: String| if style.unicode { s } else { ascii_prose(&s) };
    let message = prose(message);
    let code = match &f.control {
        Some(c) => format!("{} [{}]", t(&g.title()), t(c)),
        None => t(&g.title()),
    };
    let shown: Vec<&Finding> = g
        .members
        .iter()
        .enumerate()
        .filter(|(i, m)| *i == 0 || near(m))
        .map(|(_, m)| *m)
        .collect();
    let spans: Vec<std::ops::Range<usize>> = shown.iter().map(|m| m.range()).collect();
    let lines = src.lines();
    let snippet = Snippet::around(&src.name, &src.text, &spans, |o| {
        lines.line_col(&src.text, o).0.saturating_sub(1)
    });
    let labels = shown.iter().enumerate().map(|(i, m)| {
        let span = snippet.span(&m.range());
        let label = m.label.as_deref().map(t).map(prose);
        if i == 0 {
            LabeledSpan::new_primary_with_span(label, span)
        } else {
            LabeledSpan::new_with_span(label, span)
        }
    });
    let diag = MietteDiagnostic::new(message)
        .with_code(code)
        .with_severity(match g.severity() {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
        .with_help(prose(help(g)))
        .with_labels(labels);
    let report = Report::new(diag).with_source_code(snippet);
    let mut s = String::new();
    if handler(style)
        .render_report(&mut s, report.as_ref())
        .is_err()
    {
        s = format!(
            "{}:{}:{}: {}: {}\n",
            t(&src.name),
            f.position.line,
            f.position.column,
            t(&g.title()),
            message_of(g)
        );
    }
    s
}

/// The group's messages, escaped: the primary one, then each companion's as `CODE: message` on
/// a line of its own.
fn message_of(g: &Group<'_>) -> String {
    let mut s = escape::terminal(&g.primary().message).into_owned();
    for c in g.companions() {
        s.push_str(&format!(
            "\n{}: {}",
            escape::terminal(c.code),
            escape::terminal(&c.message)
        ));
    }
    s
}

/// The members' help, escaped (help written on several lines keeps its lines).
fn help(g: &Group<'_>) -> String {
    escape::terminal_lines(&g.help()).into_owned()
}

/// Every finding (groups as one report), then the summary line.
pub fn render(out: &Outcome, style: Style) -> String {
    render_findings(out, &out.findings, style, true)
}

/// Some findings (`--quiet`: those that fail the run), the summary line when `summary`.
pub fn render_findings<'a>(
    out: &Outcome,
    findings: impl IntoIterator<Item = &'a Finding>,
    style: Style,
    summary: bool,
) -> String {
    let mut s = String::new();
    for g in super::groups(findings) {
        s.push_str(&render_group(out, &g, style));
        s.push('\n');
    }
    if summary {
        s.push_str(&super::summary_line(out));
        s.push('\n');
    }
    s
}

/// A finding without a source snippet (the line is too long to show, or the text was not kept).
fn plain(file: &str, g: &Group<'_>, style: Style) -> String {
    let t = |s: &str| escape::terminal(s).into_owned();
    let file = t(file);
    let f = g.primary();
    let control = f
        .control
        .as_deref()
        .map(|c| format!(" [{}]", t(c)))
        .unwrap_or_default();
    let subject = f
        .subject
        .as_deref()
        .map(|s| format!("{}: ", t(s)))
        .unwrap_or_default();
    let symbol = match (g.severity(), style.unicode) {
        (Severity::Error, true) => "×",
        (Severity::Warning, true) => "⚠",
        (Severity::Note, true) => "☞",
        (Severity::Error, false) => "x",
        (Severity::Warning, false) => "!",
        (Severity::Note, false) => ">",
    };
    let prose = |s: String| if style.unicode { s } else { ascii_prose(&s) };
    let message = prose(message_of(g)).replace('\n', "\n    ");
    let mut s = format!(
        "{}{control}\n\n  {symbol} {subject}{message}\n",
        t(&g.title())
    );
    for m in &g.members {
        let label = m
            .label
            .as_deref()
            .map(|l| format!(" ({})", t(l)))
            .unwrap_or_default();
        s.push_str(&format!(
            "   at {file}:{}:{}{label}\n",
            m.position.line, m.position.column
        ));
    }
    s.push_str(&format!(
        "  help: {}\n",
        prose(help(g)).replace('\n', "\n        ")
    ));
    s
}
