//! One run, in stages with data flowing one way:
//!
//! inputs ([`crate::input`]) → **context** (directory records, read first) → per file in worker
//! threads: **parse** (decode, span tree) → **normalise** ([`crate::dialect`]) → **resolve** (role
//! identity and tier, a group's tier from the roles it holds) → **check** (rules) → **locate** (span → line/column) → then,
//! once every file is read: policies joined with assignment lists of other files and the
//! run-level rules. Suppression and rendering come after, outside the engine.

mod check;
mod context;
mod file;
mod modules;
mod resolve;

use crate::finding::{Finding, Outcome, RunError};
use crate::input::Input;
use crate::model::directory::Directory;
use crate::model::{Policy, RoleCatalog};
use crate::pack::RuleSet;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How a run keeps what it read.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Keep the normalised policies in the outcome (tests, tools); off, a run holds only findings.
    pub keep_policies: bool,
    /// Keep the text of files with findings (the human renderer shows their lines).
    pub keep_sources: bool,
    /// Worker threads; 0 means one per available core.
    pub threads: usize,
    /// Keep the policies the approver report reads even without directory context.
    pub keep_context: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            keep_policies: true,
            keep_sources: true,
            threads: 0,
            keep_context: false,
        }
    }
}

/// What every stage of a run shares.
pub(crate) struct Run<'a> {
    ruleset: &'a RuleSet,
    catalog: &'a RoleCatalog,
    opts: Options,
    /// The run's directory context, when it has any.
    directory: Option<&'a Directory>,
    context_files: Vec<bool>,
    /// The run has requests and request rules: it keeps the policies they are judged against.
    for_requests: bool,
    /// The policies read at the `--base` revision (PIM601 compares with them).
    base: Option<&'a [Policy]>,
    /// How the run's Bicep files are read (module calls, `.bicepparam` values).
    bicep: &'a modules::Plan,
}

impl Run<'_> {
    fn is_context_file(&self, index: usize) -> bool {
        self.context_files.get(index).copied().unwrap_or(false)
    }

    /// Checks one resolved policy. Returns its findings, the slim copies the run keeps for the
    /// run-level rules and the approver report (one per reading of a policy that repeats a rule
    /// those read), and whether a PIM015 note was added.
    /// Resolves a policy's role: name and tier from the catalogue, and with directory context a
    /// PIM-for-Groups group's tier raised to that of the roles it holds, and the principals of
    /// its assignments named.
    fn resolve(&self, p: &mut Policy) {
        resolve::classify(p, self.catalog);
        if let Some(d) = self.directory {
            resolve::raise_group_tier(p, d, self.catalog);
            resolve::name_principals(p, d);
        }
    }

    fn check(&self, p: &Policy, may_note: bool) -> (Vec<Finding>, Vec<Policy>, bool) {
        let mut findings = check::policy(p, self.ruleset, self.directory);
        let mut kept: Vec<Policy> = Vec::new();
        // Azure role policies are compared across scopes (PIM502), and with a base every policy
        // is compared with its earlier self (PIM601): those copies keep every setting compared.
        let compared = self.base.is_some() || p.kind == crate::model::PolicyKind::AzureResource;
        if self.opts.keep_context || self.directory.is_some() || self.for_requests || compared {
            for q in check::readings(p) {
                if !resolve::wants_context(&q) {
                    continue;
                }
                let slim = resolve::slim(&q, compared);
                let same_rules = |k: &Policy| {
                    k.rules.len() == slim.rules.len()
                        && k.rules
                            .iter()
                            .zip(&slim.rules)
                            .all(|(a, b)| a.pointer.path == b.pointer.path)
                };
                if !kept.iter().any(same_rules) {
                    kept.push(slim);
                }
            }
        }
        let mut noted = false;
        if may_note && let Some(note) = check::context_note(p, self.ruleset, self.directory) {
            findings.push(note);
            noted = true;
        }
        (findings, kept, noted)
    }
}

/// Lints inputs with the default options.
pub fn lint(inputs: &[Input], ruleset: &RuleSet, catalog: &RoleCatalog) -> Outcome {
    lint_with(inputs, ruleset, catalog, Options::default())
}

/// Lints in-memory documents (tests and `pim-lint test` use this).
pub fn lint_bytes(docs: &[(String, Vec<u8>)], ruleset: &RuleSet, catalog: &RoleCatalog) -> Outcome {
    let inputs: Vec<Input> = docs
        .iter()
        .map(|(n, b)| Input::memory(n.clone(), b.clone()))
        .collect();
    lint(&inputs, ruleset, catalog)
}

/// Runs `f` on every input in worker threads; results in input order. A panic while handling
/// one input is that input's `Err` (the message), never a lost file.
pub(crate) fn par_map<T: Send>(
    inputs: &[Input],
    threads: usize,
    f: impl Fn(usize, &Input) -> T + Sync,
) -> Vec<Result<T, String>> {
    let mut slots: Vec<Option<Result<T, String>>> = (0..inputs.len()).map(|_| None).collect();
    par_each(inputs, threads, f, |i, r| {
        if let Some(slot) = slots.get_mut(i) {
            *slot = Some(r);
        }
    });
    slots
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err("not processed".into())))
        .collect()
}

/// Runs `f` on every input in worker threads and hands each result to `sink` on this thread as
/// soon as it is ready (in completion order), so what the sink keeps of a result is all that
/// stays alive of it.
pub(crate) fn par_each<T: Send>(
    inputs: &[Input],
    threads: usize,
    f: impl Fn(usize, &Input) -> T + Sync,
    mut sink: impl FnMut(usize, Result<T, String>),
) {
    let threads = match threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .clamp(1, inputs.len().max(1));
    let next = AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<T, String>)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, f) = (&next, &f);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(input) = inputs.get(i) else { break };
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(i, input)))
                        .map_err(|e| panic_message(e.as_ref()));
                    if tx.send((i, r)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (i, r) in rx {
            sink(i, r);
        }
    });
}

fn panic_message(e: &(dyn std::any::Any + Send)) -> String {
    e.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| e.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// Lints in parallel. Each file is read, parsed, normalised, checked and located by one worker,
/// which then drops the file's tree (and, unless asked to keep it, its text): memory follows the
/// files in flight, not the estate.
pub fn lint_with(
    inputs: &[Input],
    ruleset: &RuleSet,
    catalog: &RoleCatalog,
    opts: Options,
) -> Outcome {
    lint_against(inputs, ruleset, catalog, opts, None)
}

/// Lints like [`lint_with`] and, given the policies read at a base revision (a run of the same
/// files at `--base REV` with `keep_policies`), compares each policy with its earlier self
/// (PIM601).
pub fn lint_against(
    inputs: &[Input],
    ruleset: &RuleSet,
    catalog: &RoleCatalog,
    opts: Options,
    base: Option<&[Policy]>,
) -> Outcome {
    // Bicep modules the run calls but does not name are linted after the named files.
    let (bicep, extra) = modules::plan(inputs);
    let all: std::borrow::Cow<'_, [Input]> = if extra.is_empty() {
        std::borrow::Cow::Borrowed(inputs)
    } else {
        std::borrow::Cow::Owned(inputs.iter().cloned().chain(extra).collect())
    };
    let inputs: &[Input] = &all;
    let ctx = context::gather(inputs, opts.threads, ruleset, &bicep);
    let directory = ctx.directory;
    let mut run = Run {
        ruleset,
        catalog,
        opts,
        directory: (!directory.is_empty()).then_some(&directory),
        context_files: ctx.files.iter().map(Option::is_some).collect(),
        for_requests: directory.has_requests()
            && ruleset
                .entries
                .iter()
                .any(|e| e.rule.category == crate::rules::Category::Requests),
        base,
        bicep: &bicep,
    };
    let mut out = Outcome::default();
    let mut late: Vec<Finding> = ctx.findings;

    // The directory's role schedules are checked like ScubaGear's `Assignments`.
    let mut stub_findings = Vec::new();
    if run.directory.is_some() {
        for mut stub in resolve::schedule_policies(&directory) {
            run.resolve(&mut stub);
            stub_findings.extend(check::policy(&stub, ruleset, None));
        }
    }

    // Context files read whole by the context pass are not read again (unless they also hold
    // policies).
    let mut context_files = ctx.files;
    // Findings move into the outcome as each file finishes; the rest of a file's result waits
    // in its slot, in input order.
    let mut slots: Vec<Option<Result<Option<file::FileResult>, String>>> =
        (0..inputs.len()).map(|_| None).collect();
    par_each(
        inputs,
        opts.threads,
        |i, input| match context_files.get(i).and_then(Option::as_ref) {
            Some(c) if !c.mixed => None,
            _ => Some(file::process(i, input, &run)),
        },
        |i, mut r| {
            if let Ok(Some(r)) = &mut r {
                out.findings.append(&mut r.findings);
                r.findings.shrink_to_fit();
            }
            if let Some(slot) = slots.get_mut(i) {
                *slot = Some(r);
            }
        },
    );

    let mut links = Vec::new();
    let mut deferred: Vec<Policy> = Vec::new();
    let mut kept: Vec<Policy> = Vec::new();
    let mut waiting: Vec<bool> = Vec::new();
    for (i, r) in slots.into_iter().enumerate() {
        let name = inputs.get(i).map(Input::name).unwrap_or_default();
        let r = match r.unwrap_or_else(|| Err("not processed".into())) {
            Ok(Some(r)) => r,
            Ok(None) => {
                // A context file: its text stays until its findings are located.
                let c = context_files.get_mut(i).and_then(Option::take);
                let src = c
                    .map(|c| c.src)
                    .unwrap_or_else(|| file::unreadable(name, String::new()).src);
                waiting.push(true);
                out.files.push(src);
                continue;
            }
            Err(panic) => file::unreadable(
                name,
                format!("internal error while linting this file (please report it): {panic}"),
            ),
        };
        waiting.push(r.waiting());
        links.extend(r.links);
        out.policy_count += r.policy_count;
        out.policies.extend(r.policies);
        if let Some(why) = r.skipped {
            out.skipped.push((r.src.name.clone(), why));
        }
        if let Some(e) = r.error {
            out.errors.push(e);
        }
        deferred.extend(r.deferred);
        kept.extend(r.kept);
        out.files.push(r.src);
    }
    late.extend(stub_findings);
    if let Some(dir) = run.directory {
        late.extend(emergency_accounts(dir, ruleset));
    }

    // Bare policies get their role from the assignment lists of the whole run: a policy two
    // assignments give different roles is checked for each (and the second is reported).
    let by_policy = resolve::links_by_policy(&links);
    out.findings
        .extend(second_roles(&by_policy, ruleset, catalog, &out.files));
    let mut noted = out.findings.iter().any(|f| f.code == "PIM015");
    for p in deferred {
        for mut p in resolve::join_all(p, &by_policy) {
            run.resolve(&mut p);
            let (findings, k, note) = run.check(&p, !noted);
            noted |= note;
            late.extend(findings);
            kept.extend(k);
            if opts.keep_policies {
                out.policies.push(p);
            }
        }
    }

    // Run-level rules compare the kept policies (a group's with the roles it grants, an Azure
    // role's with its parent scope's), and with a base each policy with its earlier self. A
    // policy kept once per reading may repeat a finding: it is reported once.
    let mut compared: Vec<Finding> = Vec::new();
    for p in &kept {
        compared.extend(check::run_level(p, &kept, ruleset, run.directory));
        if let Some(base) = run.base {
            compared.extend(check::against_base(p, base, ruleset, run.directory));
        }
    }
    let mut seen = std::collections::HashSet::new();
    late.extend(
        compared
            .into_iter()
            .filter(|f| seen.insert((f.code, f.file, f.span.clone(), f.message.clone()))),
    );
    run.directory = None;

    // The requests of the run, each judged against the policy of its role.
    if run.for_requests {
        let scope = ruleset.requests.scope(now());
        late.extend(check::requests(&directory, &kept, ruleset, catalog, &scope));
    }

    // Locate the late findings in their files, then release what was kept.
    let mut by_file: Vec<Vec<Finding>> = (0..out.files.len()).map(|_| Vec::new()).collect();
    for f in late {
        if let Some(v) = by_file.get_mut(f.file) {
            v.push(f);
        }
    }
    for (i, mut findings) in by_file.into_iter().enumerate() {
        let Some(src) = out.files.get_mut(i) else {
            continue;
        };
        file::locate(src, &mut findings);
        if waiting.get(i).copied().unwrap_or(false) {
            let has_findings = !findings.is_empty() || out.findings.iter().any(|f| f.file == i);
            file::finish(src, has_findings && opts.keep_sources);
        }
        out.findings.extend(findings);
    }
    out.directory = directory;
    out.context = kept;
    // One PIM015 note per run: the first in report order.
    out.linted_files = out.files.len();
    out.sort_findings();
    let mut seen = false;
    out.findings
        .retain(|f| f.code != "PIM015" || !std::mem::replace(&mut seen, true));
    out
}

/// PIM003 at each assignment that gives a policy a second role (located already: the text of an
/// assignment list is not kept until the run's end).
fn second_roles(
    by_policy: &HashMap<String, Vec<&crate::dialect::Link>>,
    ruleset: &RuleSet,
    catalog: &RoleCatalog,
    files: &[crate::source::SourceFile],
) -> Vec<Finding> {
    let role_label = |l: &crate::dialect::Link, catalog: &RoleCatalog| {
        let name = l
            .role_name
            .as_deref()
            .map(str::to_owned)
            .or_else(|| catalog.classify(Some(&l.role_id), None, None).1);
        match name {
            Some(n) => format!("{n} ({})", RoleCatalog::normalise_id(&l.role_id)),
            None => l.role_id.to_string(),
        }
    };
    use crate::rules::validity::schema_violation as pim003;
    let mut out = Vec::new();
    for roles in by_policy.values() {
        let Some(first) = roles.first() else { continue };
        // The id as the first assignment wrote it (the map's key is folded for the join).
        let policy_id: &str = &first.policy_id;
        for l in roles.iter().skip(1) {
            let Some(mut f) = check::file_finding(
                pim003::RULE.code,
                ruleset,
                l.file,
                l.at_span.start as usize..l.at_span.end as usize,
                pim003::second_role_message(
                    policy_id,
                    &role_label(first, catalog),
                    &role_label(l, catalog),
                ),
                pim003::SECOND_ROLE_HELP,
                pim003::SECOND_ROLE_LABEL,
            ) else {
                continue;
            };
            f.pointer = Some(l.at_path.clone());
            f.policy_id = Some(std::sync::Arc::from(policy_id));
            if let Some(position) = l.position {
                f.position = position;
            }
            let name = files.get(l.file).map_or("", |s| s.name.as_str());
            f.fingerprint = crate::finding::Fingerprint::of(&format!(
                "PIM003|{name}|second-role|{policy_id}|{}",
                l.role_id
            ));
            out.push(f);
        }
    }
    out
}

/// PIM319 for the configured emergency access accounts the users export has (those it lacks are
/// reported at their line in the config, by suppression), each at the user's record or at its
/// Global Administrator assignment.
fn emergency_accounts(dir: &Directory, ruleset: &RuleSet) -> Vec<Finding> {
    use crate::rules::assignment::emergency_access_account as pim319;
    let mut accounts: Vec<&String> = ruleset.emergency.iter().collect();
    accounts.sort();
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for written in accounts {
        let Some(user) = pim319::find(dir, written) else {
            continue;
        };
        // An account listed by id and by UPN is checked once.
        if !seen.insert(user.id.to_ascii_lowercase()) {
            continue;
        }
        for p in pim319::problems(dir, user) {
            let Some(mut f) = check::file_finding(
                pim319::RULE.code,
                ruleset,
                p.file,
                p.pointer.span.clone(),
                p.message,
                pim319::HELP,
                p.label,
            ) else {
                continue;
            };
            f.pointer = Some(crate::finding::intern(&p.pointer.path));
            f.principal = Some(crate::finding::intern(&user.id));
            f.fingerprint = crate::finding::Fingerprint::of(&format!(
                "PIM319|{}|{}",
                user.id.to_ascii_lowercase(),
                p.what
            ));
            out.push(f);
        }
    }
    out
}

/// The run's current time, in seconds since the epoch: the one place the request rules get
/// "now" from. `PIM_LINT_NOW` (an RFC 3339 instant) overrides the clock — for tests only, so
/// that a fixture's "pending for 30 hours" stays so; a run also takes a fixed instant from
/// [`crate::model::RequestSettings::now`].
pub fn now() -> i64 {
    if let Some(t) = std::env::var("PIM_LINT_NOW")
        .ok()
        .and_then(|v| crate::model::directory::parse_instant(&v))
    {
        return t;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A run error for a file, for callers outside the engine.
pub fn run_error(path: Option<String>, message: impl Into<String>) -> RunError {
    RunError::fatal(path, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_on_one_input_is_that_inputs_error_and_the_others_are_kept() {
        let inputs: Vec<Input> = (0..5)
            .map(|i| Input::memory(format!("f{i}.json"), Vec::new()))
            .collect();
        let results = par_map(&inputs, 2, |i, _| {
            if i == 2 {
                panic!("boom on {i}");
            }
            i * 10
        });
        assert_eq!(results.len(), 5);
        assert!(matches!(&results[2], Err(m) if m.contains("boom on 2")));
        for i in [0, 1, 3, 4] {
            assert_eq!(results[i], Ok(i * 10));
        }
    }
}
