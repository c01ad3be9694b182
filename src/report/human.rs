//! Human output: one miette graphical report per finding, pointing at the value, then a summary.

use crate::finding::{Finding, Outcome};
use crate::rules::Severity;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};

#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

impl Style {
    /// Fixed theme and width, no colour: what snapshots use.
    pub const PLAIN: Style = Style {
        color: false,
        width: 100,
    };
}

fn handler(style: Style) -> GraphicalReportHandler {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .with_context_lines(1)
}

/// Lines longer than this (minified exports) are not shown: the finding gets its position only.
const MAX_SHOWN_LINE: usize = 400;

pub fn render_finding(out: &Outcome, f: &Finding, style: Style) -> String {
    let Some(src) = out.files.get(f.file) else {
        return String::new();
    };
    if src.text.is_empty() || src.lines().line_len(&src.text, f.position.line) > MAX_SHOWN_LINE {
        return plain(src.name.as_str(), f);
    }
    let message = match &f.subject {
        Some(s) => format!("{s}: {}", f.message),
        None => f.message.to_string(),
    };
    let len = f.span.end.saturating_sub(f.span.start);
    let diag = MietteDiagnostic::new(message)
        .with_code(match &f.control {
            Some(c) => format!("{} {} [{c}]", f.code, f.rule),
            None => format!("{} {}", f.code, f.rule),
        })
        .with_severity(match f.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
        .with_help(f.help.clone())
        .with_label(LabeledSpan::new_primary_with_span(
            f.label.as_deref().map(str::to_owned),
            (f.span.start, len),
        ));
    let report =
        Report::new(diag).with_source_code(NamedSource::new(src.name.clone(), src.text.clone()));
    let mut s = String::new();
    if handler(style)
        .render_report(&mut s, report.as_ref())
        .is_err()
    {
        s = format!(
            "{}:{}:{}: {} {}: {}\n",
            src.name, f.position.line, f.position.column, f.code, f.rule, f.message
        );
    }
    s
}

pub fn render(out: &Outcome, style: Style) -> String {
    let mut s = String::new();
    for f in &out.findings {
        s.push_str(&render_finding(out, f, style));
        s.push('\n');
    }
    s.push_str(&super::summary_line(out));
    s.push('\n');
    s
}

/// A finding without a source snippet (the line is too long to show, or the text was not kept).
fn plain(file: &str, f: &Finding) -> String {
    let control = f
        .control
        .as_deref()
        .map(|c| format!(" [{c}]"))
        .unwrap_or_default();
    let subject = f
        .subject
        .as_deref()
        .map(|s| format!("{s}: "))
        .unwrap_or_default();
    let label = f
        .label
        .as_deref()
        .map(|l| format!(" ({l})"))
        .unwrap_or_default();
    format!(
        "{} {}{control}\n\n  {} {subject}{}\n   at {file}:{}:{}{label}\n  help: {}\n",
        f.code,
        f.rule,
        match f.severity {
            Severity::Error => "×",
            Severity::Warning => "⚠",
            Severity::Note => "☞",
        },
        f.message,
        f.position.line,
        f.position.column,
        f.help
    )
}
