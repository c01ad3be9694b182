//! `--statistics`: how many findings each rule raised, most frequent first (then by code), in
//! place of the findings, like ruff's `--statistics`. Every finding counts, including each of
//! the findings the human output shows as one.

use crate::finding::Finding;
use crate::rules::Severity;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Stat {
    pub code: String,
    pub name: String,
    pub count: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

pub fn stats<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Vec<Stat> {
    let mut out: Vec<Stat> = Vec::new();
    for f in findings {
        let i = match out.iter().position(|s| s.code == f.code) {
            Some(i) => i,
            None => {
                out.push(Stat {
                    code: f.code.to_string(),
                    name: f.rule.to_string(),
                    count: 0,
                    errors: 0,
                    warnings: 0,
                    notes: 0,
                });
                out.len() - 1
            }
        };
        let s = &mut out[i];
        s.count += 1;
        match f.severity {
            Severity::Error => s.errors += 1,
            Severity::Warning => s.warnings += 1,
            Severity::Note => s.notes += 1,
        }
    }
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
    out
}

/// `count  CODE  name  severities`, aligned; "error" or "error 2, warning 1" when a rule's
/// findings differ in severity (per tier).
pub fn text(stats: &[Stat]) -> String {
    let w = |f: &dyn Fn(&Stat) -> usize| stats.iter().map(f).max().unwrap_or(0);
    let count_w = w(&|s| s.count.to_string().len());
    let code_w = w(&|s| s.code.chars().count());
    let name_w = w(&|s| s.name.chars().count());
    let mut out = String::new();
    for s in stats {
        let parts: Vec<(usize, &str)> = [
            (s.errors, "error"),
            (s.warnings, "warning"),
            (s.notes, "note"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .collect();
        let severities = match parts.as_slice() {
            [(_, one)] => (*one).to_owned(),
            many => many
                .iter()
                .map(|(n, l)| format!("{l} {n}"))
                .collect::<Vec<_>>()
                .join(", "),
        };
        out.push_str(&format!(
            "{:>count_w$}  {:<code_w$}  {:<name_w$}  {severities}\n",
            s.count, s.code, s.name
        ));
    }
    out
}

/// `{"version": 1, "statistics": [{code, name, count, errors, warnings, notes}]}`.
pub fn json(stats: &[Stat]) -> String {
    let mut s =
        serde_json::to_string_pretty(&serde_json::json!({"version": 1, "statistics": stats}))
            .unwrap_or_default();
    s.push('\n');
    s
}
