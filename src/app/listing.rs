//! `pim-lint rules` and `pim-lint explain`: the rule table (with what the packs turn on) and a rule's documentation.

use super::{EXIT_CLEAN, EXIT_FAILURE, load_packs, print_config_error};
use crate::cli::{RulesArgs, RulesFormat};
use crate::config;
use crate::pack::{self, RuleSet};
use crate::rules::{self};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Role names for role ids in selectors, from the built-in catalogue.
fn role_label(id: &str) -> String {
    crate::roles::builtin_roles()
        .ok()
        .and_then(|c| c.lookup_id(id).map(|r| r.name.clone()))
        .unwrap_or_else(|| id.to_owned())
}

fn selector_text(sel: &pack::Selector, severity: &pack::SeveritySpec) -> String {
    let sev = match severity {
        pack::SeveritySpec::All(s) => s.to_string(),
        pack::SeveritySpec::PerTier(m) => m
            .iter()
            .map(|(t, s)| format!("{t}: {s}"))
            .collect::<Vec<_>>()
            .join(", "),
    };
    let mut scope = Vec::new();
    if let Some(ts) = &sel.tiers {
        scope.push(ts.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", "));
    }
    if let Some(rs) = &sel.roles {
        let names: Vec<String> = rs.iter().map(|r| role_label(r)).collect();
        scope.push(if names.len() > 3 {
            format!("{} roles", names.len())
        } else {
            names.join(", ")
        });
    }
    if let Some(ks) = &sel.kinds {
        scope.push(
            ks.iter()
                .map(|k| crate::model::view::kind_name(*k))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    if scope.is_empty() {
        sev
    } else {
        format!("{sev} ({})", scope.join("; "))
    }
}

/// "tier0: error, privileged: warning" or "error" for a rule's entries, "off" without one.
fn severity_text(ruleset: &RuleSet, code: &str) -> String {
    let parts: Vec<String> = ruleset
        .entries_for(code)
        .map(|e| {
            let text = selector_text(&e.select, &e.severity);
            match &e.control {
                Some(c) => format!("{text} [{c}]"),
                None => text,
            }
        })
        .collect();
    if parts.is_empty() {
        "off".into()
    } else {
        parts.join("; ")
    }
}

pub(super) fn list_rules(args: &RulesArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let specs: Vec<String> = args.pack.iter().cloned().collect();
    let packs = match load_packs(&specs) {
        Ok(p) => p,
        Err(e) => {
            print_config_error(&e, stderr);
            return EXIT_FAILURE;
        }
    };
    let ruleset = RuleSet::from_packs(&packs);
    let name = packs
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(" + ");
    let rows: Vec<[String; 5]> = rules::registry()
        .iter()
        .map(|r| {
            [
                r.code.to_owned(),
                r.name.to_owned(),
                r.category.as_str().to_owned(),
                severity_text(&ruleset, r.code),
                r.summary.to_owned(),
            ]
        })
        .chain(ruleset.user_rules.iter().map(|u| {
            let sev = selector_text(&u.select, &u.severity);
            let sev = match &u.control {
                Some(c) => format!("{sev} [{c}]"),
                None => sev,
            };
            [
                u.code.clone(),
                u.name.clone(),
                "user".into(),
                sev,
                u.message.clone(),
            ]
        }))
        .collect();
    if args.format == RulesFormat::Json {
        let entry = |sel: &pack::Selector, sev: &pack::SeveritySpec, control: &Option<String>| {
            serde_json::json!({
                "severity": match sev {
                    pack::SeveritySpec::All(s) => serde_json::json!(s),
                    pack::SeveritySpec::PerTier(m) => serde_json::json!(m
                        .iter()
                        .map(|(t, s)| (t.as_str().to_owned(), serde_json::json!(s)))
                        .collect::<serde_json::Map<_, _>>()),
                },
                "tiers": sel.tiers.as_ref().map(|ts| ts.iter().map(|t| t.as_str()).collect::<Vec<_>>()),
                "roles": sel.roles,
                "kinds": sel.kinds.as_ref().map(|ks| ks.iter().map(|k| crate::model::view::kind_name(*k)).collect::<Vec<_>>()),
                "dialects": sel.dialects,
                "control": control,
            })
        };
        let builtin = rules::registry().iter().map(|r| {
            let entries: Vec<serde_json::Value> = ruleset
                .entries_for(r.code)
                .map(|e| entry(&e.select, &e.severity, &e.control))
                .collect();
            serde_json::json!({
                "code": r.code,
                "name": r.name,
                "category": r.category.as_str(),
                "summary": r.summary,
                "enabled": !entries.is_empty(),
                "severity": severity_text(&ruleset, r.code),
                "entries": entries,
                "help_uri": format!("{}{}.md", crate::report::sarif::DOCS_BASE, r.code),
            })
        });
        let user = ruleset.user_rules.iter().map(|u| {
            serde_json::json!({
                "code": u.code,
                "name": u.name,
                "category": "user",
                "summary": u.message,
                "enabled": true,
                "severity": selector_text(&u.select, &u.severity),
                "entries": [entry(&u.select, &u.severity, &u.control)],
                "help_uri": null,
            })
        });
        let doc = serde_json::json!({
            "version": 1,
            "pack": name,
            "rules": builtin.chain(user).collect::<Vec<_>>(),
        });
        let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
        s.push('\n');
        let _ = stdout.write_all(s.as_bytes());
        return EXIT_CLEAN;
    }
    let width = rows
        .iter()
        .map(|r| r[3].chars().count())
        .max()
        .unwrap_or(0)
        .max(20);
    let name_width = rows
        .iter()
        .map(|r| r[1].chars().count())
        .max()
        .unwrap_or(0)
        .max(20);
    let mut s = format!(
        "{:<7} {:<name_width$} {:<12} {:<width$} summary\n",
        "code",
        "name",
        "category",
        format!("severity ({name})")
    );
    for r in &rows {
        s.push_str(&format!(
            "{:<7} {:<name_width$} {:<12} {:<width$} {}\n",
            r[0], r[1], r[2], r[3], r[4]
        ));
    }
    let _ = stdout.write_all(s.as_bytes());
    EXIT_CLEAN
}

/// The documentation of a rule as `explain` prints it (and `docs/rules/CODE.md` holds it).
pub fn explain_text(r: &rules::RuleDef) -> String {
    let baseline = load_packs(&[])
        .map(|p| RuleSet::from_packs(&p))
        .unwrap_or_default();
    let mut s = format!(
        "# {} {}\n\n{}.\n\nCategory: {}. Baseline severity: {}.\n",
        r.code,
        r.name,
        r.summary,
        r.category.as_str(),
        severity_text(&baseline, r.code)
    );
    if !r.params.is_empty() {
        s.push_str("Parameters:\n");
        for p in r.params {
            s.push_str(&format!("- `{}`: {}\n", p.name, p.doc));
        }
    }
    s.push('\n');
    s.push_str(r.doc.trim_end());
    s.push('\n');
    s
}

/// `explain` for a built-in rule, or for a rule a pack defines (the packs of the config found
/// from the current directory, or `--pack`).
pub(super) fn explain(
    rule: &str,
    packs: &[String],
    config: Option<PathBuf>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    if let Some(r) = rules::lookup(rule) {
        let _ = stdout.write_all(explain_text(r).as_bytes());
        return EXIT_CLEAN;
    }
    let set = match super::config_from(config, Path::new(".")).and_then(|mut c| {
        let packs = config::load_packs(packs, c.as_ref())?;
        let mut set = RuleSet::from_packs(&packs);
        if let Some(c) = &mut c {
            c.apply_rules(&mut set)?;
        }
        Ok(set)
    }) {
        Ok(set) => set,
        Err(e) => {
            print_config_error(&e, stderr);
            return EXIT_FAILURE;
        }
    };
    let Some(r) = set.lookup(rule) else {
        let _ = writeln!(
            stderr,
            "error: no rule `{rule}`; `pim-lint rules` lists them"
        );
        return EXIT_FAILURE;
    };
    let _ = write!(
        stdout,
        "# {} {}\n\n{}.\n\nDefined in a pack (user-defined rule).\n\n{}\n",
        r.code,
        r.name,
        r.summary.trim_end_matches('.'),
        r.doc.trim_end()
    );
    EXIT_CLEAN
}
