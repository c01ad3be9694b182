//! The check stage: runs the rules a pack enables on a resolved policy (policy rules, and the
//! directory rules once the run has directory context), and turns hits into findings that carry
//! their span from birth.

use crate::finding::{Finding, Fingerprint, UNLOCATED, identity, intern, intern_role};
use crate::model::directory::Directory;
use crate::model::{Policy, Tier};
use crate::pack::{Entry, RuleSet};
use crate::rules::{self, Ctx, Hit, Needs, Severity};
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

/// What the findings of one policy share (one copy each, whatever the number of findings).
struct Subject<'p> {
    policy: &'p Policy,
    id: Option<Arc<str>>,
    scope: Option<Arc<str>>,
    role: Option<Arc<crate::model::RoleRef>>,
    label: Arc<str>,
}

impl<'p> Subject<'p> {
    fn new(policy: &'p Policy) -> Subject<'p> {
        Subject {
            policy,
            id: policy.id.as_deref().map(Arc::from),
            scope: policy.scope.as_deref().map(intern),
            role: policy.role.as_ref().map(intern_role),
            label: intern(&rules::subject(policy)),
        }
    }

    fn finding(
        &self,
        code: &'static str,
        rule: &'static str,
        severity: Severity,
        control: &Option<String>,
        hit: Hit,
    ) -> Finding {
        let p = self.policy;
        Finding {
            fingerprint: Fingerprint::of(&identity(code, p, &hit.pointer.path)),
            code,
            rule,
            severity: hit.severity.unwrap_or(severity),
            message: intern(&hit.message),
            help: intern(&hit.help),
            label: hit.label.as_deref().map(intern),
            file: p.file,
            span: crate::finding::span32(hit.pointer.span),
            position: UNLOCATED,
            pointer: Some(intern(&hit.pointer.path)),
            policy_id: self.id.clone(),
            scope: self.scope.clone(),
            role: self.role.clone(),
            subject: Some(self.label.clone()),
            control: control.as_deref().map(intern),
            about: hit.about.as_deref().map(intern),
            principal: hit.principal.as_deref().map(intern),
        }
    }
}

/// The first entry of a rule whose selector takes this policy, with its severity.
fn entry_for<'a>(
    ruleset: &'a RuleSet,
    code: &'static str,
    p: &Policy,
) -> Option<(&'a Entry, Severity)> {
    ruleset
        .entries_for(code)
        .find_map(|e| e.severity_for_policy(p).map(|s| (e, s)))
}

/// The readings of a policy whose rules repeat an id (two `Approval_EndUser_Assignment`, the
/// second turning approval off): readers disagree on which one applies, so each is judged. The
/// first reading is the policy as written (the accessors find the first rule of each id, and
/// rules that walk every rule see them all); then, for the `k`-th repeat of any id, a copy in
/// which each repeated id keeps only its `k`-th rule (or its first, when it has fewer). A policy
/// without repeats is its own only reading, borrowed. Rules stay simple: each sees one rule per
/// id.
pub(crate) fn readings(p: &Policy) -> Vec<Cow<'_, Policy>> {
    let mut out = vec![Cow::Borrowed(p)];
    let groups = p.repeated_rules();
    let most = groups.iter().map(Vec::len).max().unwrap_or(1);
    for k in 1..most.min(crate::model::MAX_READINGS) {
        let mut dropped = vec![false; p.rules.len()];
        for g in &groups {
            let kept = g.get(k).or(g.first()).copied();
            for &i in g {
                if Some(i) != kept
                    && let Some(d) = dropped.get_mut(i)
                {
                    *d = true;
                }
            }
        }
        let mut q = p.clone();
        let mut i = 0;
        q.rules.retain(|_| {
            let keep = !dropped.get(i).copied().unwrap_or(false);
            i += 1;
            keep
        });
        out.push(Cow::Owned(q));
    }
    out
}

/// Runs the policy rules (and, with a directory, the directory rules) on every reading of one
/// policy ([`readings`]): a finding an earlier reading has is not repeated.
pub(crate) fn policy(p: &Policy, ruleset: &RuleSet, directory: Option<&Directory>) -> Vec<Finding> {
    let readings = readings(p);
    if readings.len() == 1 {
        return reading(p, ruleset, directory);
    }
    let mut out: Vec<Finding> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for q in &readings {
        for f in reading(q, ruleset, directory) {
            if seen.insert((f.code, f.pointer.clone(), f.message.clone())) {
                out.push(f);
            }
        }
    }
    // A finding inside a repeated rule names the occurrence, so it is not the same finding as
    // one at the same place of the first rule (identities key suppressions and fingerprints).
    let mut occurrence: HashMap<&str, usize> = HashMap::new();
    for g in p.repeated_rules() {
        for (n, i) in g.into_iter().enumerate().skip(1) {
            if let Some(r) = p.rules.get(i) {
                occurrence.insert(r.pointer.path.as_str(), n + 1);
            }
        }
    }
    for f in &mut out {
        let Some(at) = f.pointer.as_deref() else {
            continue;
        };
        // The pointer and each of its parents, deepest first.
        let n = std::iter::once(at.len())
            .chain(at.rmatch_indices('/').map(|(i, _)| i))
            .find_map(|end| at.get(..end).and_then(|prefix| occurrence.get(prefix)));
        if let Some(n) = n {
            f.fingerprint = f.fingerprint.extend(&format!("|occurrence {n}"));
        }
    }
    out
}

/// Runs the rules on one reading of a policy.
fn reading(p: &Policy, ruleset: &RuleSet, directory: Option<&Directory>) -> Vec<Finding> {
    let mut out = Vec::new();
    let subject = Subject::new(p);
    let tier: Option<Tier> = p.tier();
    for rule in rules::registry() {
        let runs = match rule.needs {
            Needs::Policy => true,
            Needs::Role => tier.is_some(),
            _ => false,
        };
        if !runs {
            continue;
        }
        let Some((entry, severity)) = entry_for(ruleset, rule.code, p) else {
            continue;
        };
        // Policy rules may use the directory when the run has one (PIM103 counts the people
        // in approver groups); they never need it.
        let ctx = Ctx {
            directory,
            emergency: &ruleset.emergency,
            ..Ctx::new(tier, &entry.params)
        };
        for hit in (rule.check)(p, &ctx) {
            out.push(subject.finding(rule.code, rule.name, severity, &entry.control, hit));
        }
    }
    if let Some(directory) = directory {
        out.extend(with_context(
            &subject,
            ruleset,
            Some(directory),
            &[],
            Needs::Directory,
        ));
    }
    if !ruleset.user_rules.is_empty() {
        let view = crate::model::view::view(p);
        for u in &ruleset.user_rules {
            let Some(severity) = u.severity_for_policy(p) else {
                continue;
            };
            for hit in user_rule_hits(u, &view) {
                out.push(subject.finding(
                    crate::finding::static_str(&u.code),
                    crate::finding::static_str(&u.name),
                    severity,
                    &u.control,
                    hit,
                ));
            }
        }
    }
    out
}

/// Runs the rules of one level (`Directory`, or `Run` with the run's policies) on a policy.
fn with_context(
    subject: &Subject<'_>,
    ruleset: &RuleSet,
    directory: Option<&Directory>,
    policies: &[Policy],
    level: Needs,
) -> Vec<Finding> {
    let p = subject.policy;
    let mut out = Vec::new();
    for rule in rules::registry().iter().filter(|r| r.needs == level) {
        let Some((entry, severity)) = entry_for(ruleset, rule.code, p) else {
            continue;
        };
        let ctx = Ctx {
            tier: p.tier(),
            params: &entry.params,
            directory,
            policies,
            accounts: &ruleset.accounts,
            emergency: &ruleset.emergency,
            request: None,
        };
        for hit in (rule.check)(p, &ctx) {
            out.push(subject.finding(rule.code, rule.name, severity, &entry.control, hit));
        }
    }
    out
}

/// The run-level rules (PIM501 compares a group's policy with the roles it grants, PIM502 an
/// Azure role's policy with the same role's at a parent scope) on one subject, comparing with
/// the policies the run kept.
pub(crate) fn run_level(
    subject: &Policy,
    policies: &[Policy],
    ruleset: &RuleSet,
    directory: Option<&Directory>,
) -> Vec<Finding> {
    with_context(
        &Subject::new(subject),
        ruleset,
        directory,
        policies,
        Needs::Run,
    )
}

/// The rules that compare a policy with the policies read at the `--base` revision (PIM601).
pub(crate) fn against_base(
    subject: &Policy,
    base: &[Policy],
    ruleset: &RuleSet,
    directory: Option<&Directory>,
) -> Vec<Finding> {
    with_context(
        &Subject::new(subject),
        ruleset,
        directory,
        base,
        Needs::Base,
    )
}

/// The request rules (`Needs::Request`) on each request the run checks, with the policy of its
/// role: pending requests, and with `--since` the activations made within the window. A request
/// whose role has no policy in the run gets one PIM708 note and is judged on what needs only its
/// role. Findings are born in the request's file, at the value the rule names.
pub(crate) fn requests(
    directory: &Directory,
    kept: &[Policy],
    ruleset: &RuleSet,
    catalog: &crate::model::RoleCatalog,
    scope: &crate::model::directory::Scope,
) -> Vec<Finding> {
    use rules::requests::request_without_policy as pim708;
    let request_rules: Vec<&'static rules::RuleDef> = rules::registry()
        .iter()
        .copied()
        .filter(|r| r.needs == Needs::Request && ruleset.entry(r.code).is_some())
        .collect();
    if request_rules.is_empty() && ruleset.entry(pim708::RULE.code).is_none() {
        return Vec::new();
    }
    // Each request the run checks, with its role's policy (or a stand-in) and that role's tier.
    let mut stubs: Vec<Policy> = Vec::new();
    let mut judged: Vec<(usize, Option<usize>)> = Vec::new();
    let mut tiers: Vec<Option<Tier>> = vec![None; directory.requests.len()];
    let found: Vec<Option<&Policy>> = directory
        .requests
        .iter()
        .map(|r| {
            r.in_scope(scope)
                .then(|| super::resolve::policy_of_request(r, kept))
                .flatten()
        })
        .collect();
    for (i, r) in directory.requests.iter().enumerate() {
        if !r.in_scope(scope) {
            continue;
        }
        match found.get(i).copied().flatten() {
            Some(p) => {
                tiers[i] = p.tier();
                judged.push((i, None));
            }
            None => {
                let stub = super::resolve::request_stub(r, directory, catalog);
                tiers[i] = stub.tier();
                judged.push((i, Some(stubs.len())));
                stubs.push(stub);
            }
        }
    }
    let mut by_principal: HashMap<String, Vec<usize>> = HashMap::new();
    for &(i, _) in &judged {
        if let Some(r) = directory.requests.get(i) {
            by_principal
                .entry(r.principal_id.value.trim().to_ascii_lowercase())
                .or_default()
                .push(i);
        }
    }
    let mut out = Vec::new();
    for (i, stub) in judged {
        let Some(r) = directory.requests.get(i) else {
            continue;
        };
        let policy = match stub {
            Some(s) => stubs.get(s),
            None => found.get(i).copied().flatten(),
        };
        let Some(p) = policy else { continue };
        let subject = Subject::new(p);
        let label = intern(&format!(
            "{} for {}",
            rules::requests::label(r),
            rules::subject(p)
        ));
        let key =
            r.id.clone()
                .unwrap_or_else(|| format!("{}#{}", r.at.file, r.at.pointer.path));
        if stub.is_some()
            && let Some(mut f) = file_finding(
                pim708::RULE.code,
                ruleset,
                r.at.file,
                r.at.pointer.span.clone(),
                pim708::MESSAGE.into(),
                pim708::HELP,
                pim708::LABEL,
            )
        {
            f.pointer = Some(intern(&r.at.pointer.path));
            f.fingerprint = Fingerprint::of(&format!("PIM708|request|{key}"));
            f.subject = Some(label.clone());
            f.role = subject.role.clone();
            f.about = Some(intern(&r.at.pointer.path));
            out.push(f);
        }
        let tier = p.tier();
        for rule in &request_rules {
            let Some((entry, severity)) = entry_for(ruleset, rule.code, p) else {
                continue;
            };
            let ctx = Ctx {
                tier,
                params: &entry.params,
                directory: Some(directory),
                policies: kept,
                accounts: &ruleset.accounts,
                emergency: &ruleset.emergency,
                request: Some(rules::RequestCtx {
                    request: r,
                    index: i,
                    scope,
                    tiers: &tiers,
                    by_principal: &by_principal,
                }),
            };
            for hit in (rule.check)(p, &ctx) {
                let at = hit.pointer.path.clone();
                let mut f = subject.finding(rule.code, rule.name, severity, &entry.control, hit);
                f.file = r.at.file;
                f.fingerprint = Fingerprint::of(&format!("{}|request|{key}|{at}", rule.code));
                f.subject = Some(label.clone());
                out.push(f);
            }
        }
    }
    out
}

/// A finding about a whole file (or a place in it) from a file-level rule, when a pack enables it.
pub(crate) fn file_finding(
    code: &str,
    ruleset: &RuleSet,
    file: usize,
    span: Range<usize>,
    message: String,
    help: &'static str,
    label: &str,
) -> Option<Finding> {
    let entry = ruleset.entry(code)?;
    let severity = entry.severity_for(None)?;
    Some(Finding {
        code: entry.rule.code,
        rule: entry.rule.name,
        severity,
        message: intern(&message),
        help: intern(help),
        label: Some(intern(label)),
        file,
        span: crate::finding::span32(span),
        position: UNLOCATED,
        pointer: None,
        policy_id: None,
        scope: None,
        role: None,
        subject: None,
        control: entry.control.as_deref().map(intern),
        fingerprint: crate::finding::Fingerprint::NONE,
        about: None,
        principal: None,
    })
}

/// The PIM015 note for a policy whose approvers the directory rules would have checked.
/// With a directory that has some context, the note names the exports it lacks (none lacking:
/// no note).
pub(crate) fn context_note(
    p: &Policy,
    ruleset: &RuleSet,
    directory: Option<&Directory>,
) -> Option<Finding> {
    use rules::context::context_missing as pim015;
    let (message, label) = match directory {
        None => (pim015::message(), pim015::LABEL),
        Some(d) => {
            let lacking = pim015::lacking(d);
            if lacking.is_empty() {
                return None;
            }
            (pim015::partial_message(&lacking), pim015::PARTIAL_LABEL)
        }
    };
    let first = rules::context::approvers(p).into_iter().next()?;
    let wanted = rules::registry()
        .iter()
        .filter(|r| pim015::counts(r))
        .any(|r| {
            ruleset
                .entries_for(r.code)
                .any(|e| e.severity_for_policy(p).is_some())
        });
    if !wanted {
        return None;
    }
    let mut f = file_finding(
        pim015::RULE.code,
        ruleset,
        p.file,
        first.approver.pointer.span.clone(),
        message,
        pim015::HELP,
        label,
    )?;
    f.pointer = Some(intern(&first.approver.pointer.path));
    f.fingerprint = Fingerprint::of("PIM015|context-missing");
    Some(f)
}

/// Each schema failure of a user rule, located at the source of the failing field.
fn user_rule_hits(u: &crate::pack::UserRule, view: &crate::model::view::View) -> Vec<Hit> {
    u.schema
        .iter_errors(&view.json)
        .map(|e| {
            let at = e.instance_path().to_string();
            let pointer = view.source_of(&at).cloned().unwrap_or_default();
            let mut detail = e.to_string();
            if detail.chars().count() > 120 {
                detail = detail.chars().take(117).collect::<String>() + "...";
            }
            // The label under the value is the rule's own words; what the schema validator
            // says (for the pack's author) follows the help.
            let help = if u.help.is_empty() {
                format!("(schema: {detail})")
            } else {
                format!("{}\n(schema: {detail})", u.help)
            };
            Hit::new(pointer, u.message.clone(), help).label(u.message.clone())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::readings;
    use crate::source::{Syntax, parse_text};

    fn policy(rules: &[(&str, &str)]) -> crate::model::Policy {
        let rules: Vec<String> = rules
            .iter()
            .map(|(id, source)| {
                format!(
                    r#"{{"id": "{id}", "RuleSource": "{source}", "RuleSourceType": "Directory Role", "isExpirationRequired": true}}"#
                )
            })
            .collect();
        let text = format!(r#"{{"rules": [{}]}}"#, rules.join(","));
        let root = parse_text(&text, Syntax::Json).expect("parses");
        let mut doc = crate::dialect::normalise(0, &root);
        doc.policies.pop().expect("a policy")
    }

    fn ids(p: &crate::model::Policy) -> Vec<&str> {
        p.rules.iter().map(|r| r.pointer.path.as_str()).collect()
    }

    #[test]
    fn each_repeat_is_read_once_with_one_rule_per_id() {
        let a = "Expiration_Admin_Assignment";
        let b = "Expiration_Admin_Eligibility";
        let c = "Expiration_EndUser_Assignment";
        let p = policy(&[(a, "r"), (b, "r"), (a, "r"), (c, "r"), (a, "R"), (b, "r")]);
        let all = readings(&p);
        assert_eq!(all.len(), 3, "as written, then the second and third `a`");
        assert_eq!(all[0].rules.len(), 6);
        assert_eq!(ids(&all[1]), ["/rules/2", "/rules/3", "/rules/5"]);
        assert_eq!(ids(&all[2]), ["/rules/1", "/rules/3", "/rules/4"]);
    }

    #[test]
    fn rules_of_other_sources_are_no_repeats() {
        let a = "Expiration_Admin_Assignment";
        let p = policy(&[(a, "Global Administrator"), (a, "Tier0 group")]);
        assert!(p.repeated_rules().is_empty());
        assert_eq!(readings(&p).len(), 1);
    }

    #[test]
    fn a_policy_without_repeats_is_borrowed() {
        let p = policy(&[("Expiration_Admin_Assignment", "r")]);
        assert!(matches!(readings(&p)[0], std::borrow::Cow::Borrowed(_)));
    }
}
