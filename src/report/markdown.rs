//! A Markdown summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`.

use crate::finding::Outcome;
use crate::rules::Severity;

const MAX_ROWS: usize = 100;

fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

pub fn render(out: &Outcome) -> String {
    let mut s = String::from("## pim-lint\n\n");
    let suppressed = if out.suppressed > 0 {
        format!(", {} suppressed", out.suppressed)
    } else {
        String::new()
    };
    s.push_str(&format!("**{}**{suppressed}\n\n", super::summary_line(out)));
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
    s.push_str("\n| Severity | Rule | Role | Location | Finding |\n|---|---|---|---|---|\n");
    let mut order: Vec<usize> = (0..out.findings.len()).collect();
    order.sort_by_key(|i| std::cmp::Reverse(out.findings[*i].severity));
    for &i in order.iter().take(MAX_ROWS) {
        let f = &out.findings[i];
        let file = out.files.get(f.file).map_or("", |s| s.name.as_str());
        let role = f.subject.clone().unwrap_or_else(|| "—".into());
        s.push_str(&format!(
            "| {} | `{}` {} | {} | `{}:{}` | {} |\n",
            f.severity,
            f.code,
            f.rule,
            cell(&role),
            cell(file),
            f.position.line,
            cell(&f.message)
        ));
    }
    if order.len() > MAX_ROWS {
        s.push_str(&format!("\n…and {} more; run `pim-lint check` locally or see the SARIF results for all of them.\n", order.len() - MAX_ROWS));
    }
    s
}
