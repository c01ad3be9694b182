//! A Markdown summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`. Text from input
//! (file names, role names, scopes, messages that quote values) is escaped for Markdown
//! ([`super::escape::markdown`]): it adds no HTML, link, image, mention or issue reference.

use super::escape::{code_span, markdown as cell};
use crate::finding::{Finding, Outcome};
use crate::rules::Severity;

const MAX_ROWS: usize = 100;

/// What a finding is about, as every other format names it (its subject: the role with its tier
/// and scope, and the Terraform resource or Bicep module call an authoring format writes it in);
/// else the role, with its tier ("Owner (tier0)"), and the scope of an Azure role or the group of
/// a PIM-for-Groups policy; "—" for findings about no role (a file, the config).
fn role(f: &Finding) -> String {
    if let Some(subject) = f.subject.as_deref() {
        return subject.to_owned();
    }
    let Some(r) = f.role.as_ref() else {
        return "—".into();
    };
    let Some(name) = r.name.as_deref().or(r.id.as_deref()) else {
        return "—".into();
    };
    let mut s = match r.tier {
        Some(t) => format!("{name} ({t})"),
        None => name.to_owned(),
    };
    let group = matches!(r.id.as_deref(), Some("member" | "owner"));
    match f.scope.as_deref() {
        Some(scope) if group => s.push_str(&format!(" of group {scope}")),
        Some(scope) if scope != "/" => s.push_str(&format!(" at {scope}")),
        _ => {}
    }
    s
}

/// The group's messages, each escaped, joined by `; `.
fn messages(g: &super::Group<'_>) -> String {
    let mut s = cell(&g.primary().message);
    for c in g.companions() {
        s.push_str(&format!("; {}: {}", cell(c.code), cell(&c.message)));
    }
    s
}

pub fn render(out: &Outcome) -> String {
    let mut s = String::from("## pim-lint\n\n");
    s.push_str(&format!("**{}**\n\n", super::summary_line(out)));
    if out.findings.is_empty() {
        s.push_str("No findings.\n");
        return s;
    }
    s.push_str("| Severity | Count |\n|---|---:|\n");
    for (sev, label) in [
        (Severity::Error, "❌ error"),
        (Severity::Warning, "⚠️ warning"),
        (Severity::Note, "ℹ️ note"),
    ] {
        s.push_str(&format!("| {label} | {} |\n", out.count(sev)));
    }
    s.push_str("\n| Severity | Rule | Subject | Location | Finding |\n|---|---|---|---|---|\n");
    let mut order = super::groups(&out.findings);
    order.sort_by_key(|g| std::cmp::Reverse(g.severity()));
    for g in order.iter().take(MAX_ROWS) {
        let f = g.primary();
        let file = out.files.get(f.file).map_or("", |s| s.name.as_str());
        let rules = g
            .members
            .iter()
            .map(|m| format!("{} {}", code_span(m.code), cell(m.rule)))
            .collect::<Vec<_>>()
            .join(" + ");
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            g.severity(),
            rules,
            cell(&role(f)),
            code_span(&format!("{file}:{}", f.position.line)),
            messages(g)
        ));
    }
    if order.len() > MAX_ROWS {
        s.push_str(&format!("\n…and {} more; run `pim-lint check` locally or see the SARIF results for all of them.\n", order.len() - MAX_ROWS));
    }
    s
}
