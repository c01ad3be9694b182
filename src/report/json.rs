//! The stable, versioned JSON report (`"version": 1`; its shape is documented in the README).

use crate::finding::Outcome;
use crate::rules::Severity;
use serde::Serialize;
use std::io::Write as _;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    summary: Summary,
    diagnostics: Diagnostics<'a>,
}

/// The diagnostics, serialised one at a time from the findings (never collected first).
struct Diagnostics<'a>(&'a Outcome);

impl Serialize for Diagnostics<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let out = self.0;
        s.collect_seq(out.findings.iter().map(|f| diagnostic(out, f)))
    }
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    policies: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
    suppressed: usize,
}

#[derive(Serialize)]
struct Role<'a> {
    id: Option<&'a str>,
    name: Option<&'a str>,
    tier: Option<&'static str>,
    /// Present when the role was known by its display name (the id is not a template id):
    /// the catalogue's template id.
    #[serde(skip_serializing_if = "Option::is_none")]
    template_id: Option<&'a str>,
    /// For a group's policy read from a ScubaGear `PIM Group` rule source: the role the group
    /// grants (whose tier it takes).
    #[serde(skip_serializing_if = "Option::is_none")]
    grants: Option<Granted<'a>>,
}

#[derive(Serialize)]
struct Granted<'a> {
    id: Option<&'a str>,
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    template_id: Option<&'a str>,
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    code: &'a str,
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    help: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    pointer: &'a str,
    policy_id: Option<&'a str>,
    scope: Option<&'a str>,
    role: Role<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    control: Option<&'a str>,
}

fn diagnostic<'a>(out: &'a Outcome, f: &'a crate::finding::Finding) -> Diagnostic<'a> {
    let role = f.role.as_ref();
    Diagnostic {
        code: f.code,
        rule: f.rule,
        severity: f.severity,
        message: &f.message,
        help: &f.help,
        file: out.files.get(f.file).map_or("", |s| s.name.as_str()),
        line: f.position.line,
        column: f.position.column,
        end_line: f.position.end_line,
        end_column: f.position.end_column,
        pointer: f.pointer.as_deref().unwrap_or(""),
        policy_id: f.policy_id.as_deref(),
        scope: f.scope.as_deref(),
        role: Role {
            id: role.and_then(|r| r.id.as_deref()),
            name: role.and_then(|r| r.name.as_deref()),
            tier: role.and_then(|r| r.tier).map(|t| t.as_str()),
            template_id: role.and_then(|r| r.template_id.as_deref()),
            grants: role.and_then(|r| r.grants.as_deref()).map(|g| Granted {
                id: g.id.as_deref(),
                name: g.name.as_deref(),
                template_id: g.template_id.as_deref(),
            }),
        },
        control: f.control.as_deref(),
    }
}

/// Writes the report to `w` as it is serialised: a run with a million findings never holds
/// the report's text.
pub fn render_to(out: &Outcome, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let report = Report {
        version: 1,
        summary: Summary {
            files: out.linted_files,
            policies: out.policy_count,
            errors: out.count(Severity::Error),
            warnings: out.count(Severity::Warning),
            notes: out.count(Severity::Note),
            suppressed: out.suppressed.len(),
        },
        diagnostics: Diagnostics(out),
    };
    let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
    serde_json::to_writer_pretty(&mut w, &report).map_err(std::io::Error::other)?;
    w.write_all(b"\n")?;
    w.flush()
}

/// The report as a string (tests, and renderers that need the whole text).
pub fn render(out: &Outcome) -> String {
    let mut buf = Vec::new();
    match render_to(out, &mut buf) {
        Ok(()) => String::from_utf8(buf).unwrap_or_default(),
        Err(e) => format!("{{\"error\": \"{e}\"}}\n"),
    }
}
