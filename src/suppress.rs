//! Applies the config's `ignore` entries to a run's findings.

use crate::config::{Config, Date, Ignore};
use crate::finding::{Finding, Outcome, Suppressed};
use crate::model::RoleCatalog;
use crate::model::directory::Directory;
use crate::rules::validity::{expired_ignore, unused_ignore};
use crate::rules::{self, Severity};

fn eq(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Whether a finding is about the principal an ignore names: by object id, or by the UPN the
/// run's users export gives that id.
fn about_principal(selector: &str, f: &Finding, dir: &Directory) -> bool {
    let Some(id) = f.principal.as_deref() else {
        return false;
    };
    let selector = selector.trim();
    eq(id, selector)
        || dir
            .user(id)
            .and_then(|u| u.upn.as_deref())
            .is_some_and(|upn| eq(upn, selector))
}

fn matches(i: &Ignore, f: &Finding, file: &str, config: &Config, dir: &Directory) -> bool {
    if i.rule.code != f.code {
        return false;
    }
    if let Some(p) = &i.principal
        && !about_principal(p, f, dir)
    {
        return false;
    }
    if let Some(p) = &i.policy
        && !f.policy_id.as_deref().is_some_and(|id| eq(id, p))
    {
        return false;
    }
    if let Some(r) = &i.role {
        let role = f.role.as_ref();
        let by_id = role
            .and_then(|r| r.id.as_deref())
            .is_some_and(|id| eq(id, &RoleCatalog::normalise_id(r)));
        let by_name = role
            .and_then(|r| r.name.as_deref())
            .is_some_and(|n| eq(n, r));
        if !by_id && !by_name {
            return false;
        }
    }
    if let Some(s) = &i.scope
        && !f
            .scope
            .as_deref()
            .is_some_and(|fs| eq(fs.trim_end_matches('/'), s.trim_end_matches('/')))
    {
        return false;
    }
    if let Some((_, glob)) = &i.file {
        let relative = std::fs::canonicalize(file)
            .ok()
            .zip(std::fs::canonicalize(&config.dir).ok())
            .and_then(|(abs, dir)| {
                abs.strip_prefix(dir)
                    .ok()
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
            });
        if !glob.is_match(file) && !relative.is_some_and(|r| glob.is_match(r)) {
            return false;
        }
    }
    true
}

/// PIM319 at each emergency access account of the config that the run's users export does not
/// have; without a users export, a note that it was not checked (in a complete run, as PIM014).
fn emergency_accounts(
    out: &mut Outcome,
    config: &Config,
    set: &crate::pack::RuleSet,
    complete: bool,
) {
    use crate::rules::assignment::emergency_access_account as pim319;
    let Some(level) = set
        .entry(pim319::RULE.code)
        .and_then(|e| e.severity_for(None))
    else {
        return;
    };
    let has_users = out.directory.has_users();
    let mut found = Vec::new();
    for (written, span) in &config.emergency_access {
        let (severity, message, label) = if has_users {
            if pim319::find(&out.directory, written).is_some() {
                continue;
            }
            (
                level,
                pim319::missing_message(written),
                "not in the users export",
            )
        } else if complete {
            (
                Severity::Note,
                pim319::unchecked_message(written),
                "not checked",
            )
        } else {
            continue;
        };
        let f = config_finding(
            pim319::RULE.code,
            severity,
            span.clone(),
            message,
            pim319::HELP,
            label,
            out,
        );
        found.push(Finding {
            fingerprint: crate::finding::Fingerprint::of(&format!(
                "PIM319|{}|{}",
                config.source.name,
                written.trim().to_ascii_lowercase()
            )),
            ..f
        });
    }
    out.findings.extend(found);
}

fn config_finding(
    code: &str,
    severity: Severity,
    span: std::ops::Range<usize>,
    message: String,
    help: &'static str,
    label: &str,
    out: &Outcome,
) -> Finding {
    // The config file is the last file of the outcome.
    let file = out.files.len().saturating_sub(1);
    let rule = rules::lookup(code).unwrap_or(&rules::validity::unused_ignore::RULE);
    let position = out
        .files
        .get(file)
        .map_or(crate::finding::UNLOCATED, |s| s.position(&span));
    Finding {
        code: rule.code,
        rule: rule.name,
        severity,
        message: std::sync::Arc::from(message),
        help: crate::finding::intern(help),
        label: Some(crate::finding::intern(label)),
        file,
        span: crate::finding::span32(span),
        position,
        pointer: None,
        policy_id: None,
        scope: None,
        role: None,
        subject: None,
        control: None,
        fingerprint: crate::finding::Fingerprint::NONE,
        about: None,
        principal: None,
    }
}

/// Moves suppressed findings to `out.suppressed` with their entry's reason, and adds a note per
/// expired entry (its findings are back, which is what fails the run) and, when the run was
/// `complete`, per unused one, located in the config file. A run is complete when it walked
/// folders (not single files): a pre-commit run that passes only the changed files is not, and
/// an ignore it did not use may still be needed elsewhere.
pub fn apply(
    out: &mut Outcome,
    config: &Config,
    set: &crate::pack::RuleSet,
    today: Date,
    complete: bool,
) {
    let level = |code: &str| set.entry(code).and_then(|e| e.severity_for(None));
    let names: Vec<String> = out.files.iter().map(|f| f.name.clone()).collect();
    let mut used = vec![false; config.ignores.len()];
    let mut kept = Vec::with_capacity(out.findings.len());
    for f in std::mem::take(&mut out.findings) {
        let file = names.get(f.file).map_or("", String::as_str);
        let hit = config.ignores.iter().enumerate().find(|(_, i)| {
            i.until.is_none_or(|u| today <= u) && matches(i, &f, file, config, &out.directory)
        });
        match hit {
            Some((k, i)) => {
                used[k] = true;
                out.suppressed.push(Suppressed {
                    finding: f,
                    reason: i.reason.clone(),
                    until: i.until.map(|u| u.to_string()),
                });
            }
            None => kept.push(f),
        }
    }
    out.findings = kept;

    let src = (*config.source).clone();
    out.files.push(src);
    emergency_accounts(out, config, set, complete);
    for (k, i) in config.ignores.iter().enumerate() {
        // An ignore for a rule this command does not run (`check` and `requests` run different
        // categories) is the other command's to judge.
        if set.left_out.iter().any(|c| *c == i.rule.code) {
            continue;
        }
        if let Some(u) = i.until.filter(|u| today > *u) {
            let Some(severity) = level("PIM013") else {
                continue;
            };
            let span = i.until_span.clone().unwrap_or(i.span.clone());
            let f = config_finding(
                "PIM013",
                severity,
                span,
                expired_ignore::message(&i.rule.code, &u, &i.reason),
                expired_ignore::HELP,
                expired_ignore::LABEL,
                out,
            );
            out.findings.push(Finding {
                fingerprint: crate::finding::Fingerprint::of(&format!(
                    "PIM013|{}|{}|{}",
                    config.source.name, i.rule.code, i.reason
                )),
                ..f
            });
        } else if !used[k] && complete {
            let Some(severity) = level("PIM014") else {
                continue;
            };
            let f = config_finding(
                "PIM014",
                severity,
                i.span.clone(),
                unused_ignore::message(&i.rule.code),
                unused_ignore::HELP,
                unused_ignore::LABEL,
                out,
            );
            out.findings.push(Finding {
                fingerprint: crate::finding::Fingerprint::of(&format!(
                    "PIM014|{}|{}|{}",
                    config.source.name, i.rule.code, i.reason
                )),
                ..f
            });
        }
    }
    out.sort_findings();
}
