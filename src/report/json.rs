//! The stable, versioned JSON report (PRODUCT.md section 4).

use crate::finding::Outcome;
use crate::rules::Severity;
use serde::Serialize;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    summary: Summary,
    diagnostics: Vec<Diagnostic<'a>>,
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
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    code: &'a str,
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    help: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    pointer: &'a str,
    policy_id: Option<&'a str>,
    scope: Option<&'a str>,
    role: Role<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    control: Option<&'a str>,
}

pub fn render(out: &Outcome) -> String {
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
        diagnostics: out
            .findings
            .iter()
            .map(|f| {
                let role = f.role.as_ref();
                Diagnostic {
                    code: &f.code,
                    rule: &f.rule,
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
                    },
                    control: f.control.as_deref(),
                }
            })
            .collect(),
    };
    let mut s =
        serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
