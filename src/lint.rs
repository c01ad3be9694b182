//! One run: discover files, read them with spans, normalise, join policies with their roles,
//! run the rules, and turn hits into located findings.

use crate::dialect::{self, Link};
use crate::model::directory::Directory;
use crate::model::{Policy, PolicyKind, RoleCatalog, RoleRef, Tier};
use crate::pack::RuleSet;
use crate::rules::{self, Ctx, Needs, Severity};
use crate::source::{Encoding, Node, Position, SourceFile, Syntax, decode, json, parse_text};
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A file to lint and how it was found.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    /// Named on the command line (an unrecognised file is then an error, not skipped).
    pub explicit: bool,
}

/// A problem with the run itself (exit 2), not with a user's policy.
#[derive(Debug, Clone)]
pub struct RunError {
    pub path: Option<String>,
    pub message: String,
    /// A warning (e.g. a symlink loop, whose files are linted through the other path) does not
    /// fail the run; everything else does.
    pub fatal: bool,
}

/// A symbolic link loop met while walking: the files are reached another way.
fn is_loop(e: &ignore::Error) -> bool {
    match e {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        ignore::Error::Partial(errs) => errs.iter().all(is_loop),
        _ => false,
    }
}

/// Finds the `.json`, `.yaml` and `.yml` files under `paths`, honouring `.gitignore`. A named
/// file is taken whatever its extension. Results are sorted for stable output.
pub fn discover(paths: &[PathBuf], errors: &mut Vec<RunError>) -> Vec<Input> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_file() {
            out.push(Input {
                path: p.clone(),
                explicit: true,
            });
            continue;
        }
        if !p.exists() {
            errors.push(RunError {
                path: Some(p.display().to_string()),
                message: "no such file or directory".into(),
                fatal: true,
            });
            continue;
        }
        let mut found = Vec::new();
        let walker = ignore::WalkBuilder::new(p)
            .follow_links(true)
            .require_git(false)
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    let path = e.path();
                    if e.file_type().is_some_and(|t| t.is_file()) && is_candidate(path) {
                        found.push(Input {
                            path: path.to_path_buf(),
                            explicit: false,
                        });
                    }
                }
                Err(e) => errors.push(RunError {
                    path: Some(p.display().to_string()),
                    message: format!("while walking: {e}"),
                    fatal: !is_loop(&e),
                }),
            }
        }
        found.sort_by(|a, b| a.path.cmp(&b.path));
        out.extend(found);
    }
    out
}

fn is_candidate(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if name.starts_with(".pim-lint") {
        return false;
    }
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("json" | "yaml" | "yml")
    )
}

/// A located finding, ready for any renderer.
#[derive(Debug, Clone)]
pub struct Finding {
    pub code: Cow<'static, str>,
    pub rule: Cow<'static, str>,
    pub severity: Severity,
    pub message: String,
    pub help: Cow<'static, str>,
    pub label: Option<String>,
    /// Index into [`Outcome::files`].
    pub file: usize,
    pub span: Range<usize>,
    pub position: Position,
    pub pointer: Option<String>,
    pub policy_id: Option<String>,
    pub scope: Option<String>,
    /// Shared by the findings of one policy.
    pub role: Option<Arc<RoleRef>>,
    /// "Global Administrator (tier0)" with its scope, for renderers that show one line.
    pub subject: Option<Arc<str>>,
    /// The framework control of the pack entry that produced it.
    pub control: Option<String>,
    /// What stays the same when the export is reformatted or re-fetched: rule, the policy's
    /// role and scope (ARM policy names change on every update), and the place inside the rule.
    pub identity: String,
}

impl Finding {
    /// A policy's finding from a rule's hit; located later.
    #[allow(clippy::too_many_arguments)]
    fn from_hit(
        p: &Policy,
        code: Cow<'static, str>,
        rule: Cow<'static, str>,
        severity: Severity,
        hit: rules::Hit,
        control: &Option<String>,
        role: &Option<Arc<RoleRef>>,
        subject: &Arc<str>,
    ) -> Finding {
        let identity = identity(&code, p, &hit.pointer);
        Finding {
            code,
            rule,
            severity: hit.severity.unwrap_or(severity),
            message: hit.message,
            help: hit.help,
            label: hit.label,
            file: p.file,
            span: 0..0,
            position: Position {
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
            },
            pointer: Some(hit.pointer),
            policy_id: p.id.clone(),
            scope: p.scope.clone(),
            role: role.clone(),
            subject: Some(subject.clone()),
            control: control.clone(),
            identity,
        }
    }
}

/// Everything a run produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The input files (names; text only where a renderer needs it), then the config file when
    /// suppressions reported something.
    pub files: Vec<SourceFile>,
    /// The policies, only when [`Options::keep_policies`] asked for them.
    pub policies: Vec<Policy>,
    pub policy_count: usize,
    pub findings: Vec<Finding>,
    /// Files found while walking that hold no known dialect (shown with `--verbose`).
    pub skipped: Vec<String>,
    pub errors: Vec<RunError>,
    /// Files read as inputs (`files` may also hold the config file, for its diagnostics).
    pub linted_files: usize,
    /// Findings removed by `ignore` entries.
    pub suppressed: usize,
    /// The directory context the run read (empty without context files).
    pub directory: Directory,
    /// The policies directory rules and the approver report look at.
    pub context: Vec<Policy>,
}

impl Outcome {
    pub fn count(&self, s: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == s).count()
    }

    /// Sorts by file, line, column, code (the order every renderer shows).
    pub fn sort_findings(&mut self) {
        let files = &self.files;
        self.findings.sort_by(|a, b| {
            let fa = files.get(a.file).map(|s| s.name.as_str());
            let fb = files.get(b.file).map(|s| s.name.as_str());
            (fa, a.position.line, a.position.column, &a.code).cmp(&(
                fb,
                b.position.line,
                b.position.column,
                &b.code,
            ))
        });
    }
}

/// How a run keeps what it read.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Keep the normalised policies in the outcome (tests, tools); off, a run holds only findings.
    pub keep_policies: bool,
    /// Keep the text of files with findings (the human renderer shows their lines).
    pub keep_sources: bool,
    /// Worker threads; 0 means one per available core.
    pub threads: usize,
    /// Keep the policies the directory rules and the approver report use even without directory
    /// context (the approver report needs them); otherwise kept only when context is present.
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

/// Display name of a path: as given, with `/` separators.
pub fn display_name(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

/// One input, from disk or memory.
enum Source<'a> {
    Path(&'a Input),
    Bytes(&'a str, &'a [u8]),
}

/// What a worker returns for one file.
struct FileResult {
    src: SourceFile,
    findings: Vec<Finding>,
    links: Vec<Link>,
    /// Bare policies waiting for the assignment lists of the whole run (the file keeps its tree).
    deferred: Vec<Policy>,
    policies: Vec<Policy>,
    policy_count: usize,
    skipped: bool,
    error: Option<RunError>,
    /// Directory records of the file.
    directory: Directory,
    /// Policies the directory rules look at, kept until the whole run is read.
    context: Vec<Policy>,
    /// This file already carries the PIM015 note.
    noted: bool,
}

/// Lints files from disk with the default options.
pub fn lint(inputs: &[Input], ruleset: &RuleSet, catalog: &RoleCatalog) -> Outcome {
    lint_with(inputs, ruleset, catalog, Options::default())
}

/// Lints files in parallel. Each file is read, parsed, normalised, linted and located by one
/// worker, which then drops the file's tree (and, unless asked to keep it, its text): memory
/// follows the files in flight, not the estate. Bare policies (a Graph policy list without its
/// assignments) wait until every file's assignment links are known.
pub fn lint_with(
    inputs: &[Input],
    ruleset: &RuleSet,
    catalog: &RoleCatalog,
    opts: Options,
) -> Outcome {
    let sources: Vec<Source> = inputs.iter().map(Source::Path).collect();
    run(&sources, ruleset, catalog, opts)
}

/// Lints in-memory documents (tests and `pim-lint test` use this).
pub fn lint_bytes(docs: &[(String, Vec<u8>)], ruleset: &RuleSet, catalog: &RoleCatalog) -> Outcome {
    let sources: Vec<Source> = docs.iter().map(|(n, b)| Source::Bytes(n, b)).collect();
    run(&sources, ruleset, catalog, Options::default())
}

fn run(sources: &[Source], ruleset: &RuleSet, catalog: &RoleCatalog, opts: Options) -> Outcome {
    // Policies are kept for the directory rules only when the run has directory context: a
    // policy estate without it streams through in bounded memory.
    let retain = opts.keep_context || sources.iter().any(sniff_context);
    match run_inner(sources, ruleset, catalog, opts, retain) {
        Ok(out) => out,
        // The sniff missed a context file: run again, keeping what the directory rules need.
        Err(()) => run_inner(sources, ruleset, catalog, opts, true).unwrap_or_default(),
    }
}

/// Whether a file looks like directory context (users, groups, role schedules), from its first
/// few kilobytes: keys that policy exports never have.
fn sniff_context(source: &Source) -> bool {
    const KEYS: &[&str] = &[
        "\"userPrincipalName\"",
        "\"isAssignableToRole\"",
        "\"principalId\"",
        "\"accessId\"",
        "roleEligibilitySchedule",
        "roleAssignmentSchedule",
        "\"templateId\"",
    ];
    let mut head = vec![0u8; 8192];
    let n = match source {
        Source::Path(input) => {
            use std::io::Read;
            std::fs::File::open(&input.path)
                .and_then(|mut f| f.read(&mut head))
                .unwrap_or(0)
        }
        Source::Bytes(_, b) => {
            let n = b.len().min(head.len());
            head[..n].copy_from_slice(&b[..n]);
            n
        }
    };
    let text = String::from_utf8_lossy(&head[..n]);
    KEYS.iter().any(|k| text.contains(k))
}

/// One run. `Err` when `retain` was off but directory context turned up after all.
fn run_inner(
    sources: &[Source],
    ruleset: &RuleSet,
    catalog: &RoleCatalog,
    opts: Options,
    retain: bool,
) -> Result<Outcome, ()> {
    let threads = match opts.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .clamp(1, sources.len().max(1));
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, FileResult)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(source) = sources.get(i) else { break };
                        done.push((i, process(i, source, ruleset, catalog, opts, retain)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);

    let mut out = Outcome::default();
    let mut links = Vec::new();
    let mut deferred: Vec<(usize, Vec<Policy>)> = Vec::new();
    let mut directory = Directory::default();
    let mut context: Vec<Policy> = Vec::new();
    // Files that kept their text for the second pass (bare policies, context).
    let mut waiting: Vec<bool> = Vec::new();
    for (i, r) in results {
        out.findings.extend(r.findings);
        links.extend(r.links);
        out.policy_count += r.policy_count;
        out.policies.extend(r.policies);
        if r.skipped {
            out.skipped.push(r.src.name.clone());
        }
        if let Some(e) = r.error {
            out.errors.push(e);
        }
        waiting.push(!r.deferred.is_empty() || !r.context.is_empty() || !r.directory.is_empty());
        if !r.deferred.is_empty() {
            deferred.push((i, r.deferred));
        }
        directory.merge(r.directory);
        context.extend(r.context);
        out.files.push(r.src);
    }

    if !retain && !directory.is_empty() {
        return Err(());
    }

    // Join bare policies with the assignment lists of the run, on policy id.
    let mut late: Vec<Finding> = Vec::new();
    let by_policy: HashMap<&str, &Link> = links.iter().map(|l| (l.policy_id.as_str(), l)).collect();
    for (_, policies) in deferred {
        for mut p in policies {
            if let Some(link) = p.id.as_deref().and_then(|id| by_policy.get(id)) {
                p.role = Some(RoleRef {
                    id: Some(link.role_id.clone()),
                    name: link.role_name.clone(),
                    tier: None,
                });
                if p.kind == PolicyKind::Unknown {
                    p.kind = link.kind;
                }
                if p.scope.is_none() {
                    p.scope = link.scope.clone();
                }
            }
            classify(&mut p, catalog);
            late.extend(lint_policy(&p, ruleset));
            if retain && wants_context(&p) {
                context.push(p.clone());
            }
            if opts.keep_policies {
                out.policies.push(p);
            }
        }
    }

    // Rules that need the directory, now that every file is read.
    late.extend(lint_with_directory(&directory, &context, ruleset, catalog));

    // Locate the late findings in their files (parsed again), then release what was kept.
    let mut by_file: Vec<Vec<Finding>> = vec![Vec::new(); out.files.len()];
    for f in late {
        if let Some(v) = by_file.get_mut(f.file) {
            v.push(f);
        }
    }
    for (i, mut findings) in by_file.into_iter().enumerate() {
        let Some(src) = out.files.get_mut(i) else {
            continue;
        };
        if !findings.is_empty() {
            relocate(src, &mut findings);
        }
        if waiting.get(i).copied().unwrap_or(false) {
            let has_findings = !findings.is_empty() || out.findings.iter().any(|f| f.file == i);
            finish_file(src, has_findings && opts.keep_sources);
        }
        out.findings.extend(findings);
    }
    out.directory = directory;
    out.context = context;
    if out.directory.is_empty() {
        // One PIM015 note per run: the first file's.
        let mut seen = false;
        out.findings
            .retain(|f| f.code != "PIM015" || !std::mem::replace(&mut seen, true));
    }
    out.linted_files = out.files.len();
    out.sort_findings();
    Ok(out)
}

/// Reads, parses, normalises and lints one file. The tree borrows from the decoded text and is
/// dropped before the worker moves on.
fn process(
    index: usize,
    source: &Source,
    ruleset: &RuleSet,
    catalog: &RoleCatalog,
    opts: Options,
    retain: bool,
) -> FileResult {
    let empty = |src: SourceFile| FileResult {
        src,
        findings: Vec::new(),
        links: Vec::new(),
        deferred: Vec::new(),
        policies: Vec::new(),
        policy_count: 0,
        skipped: false,
        error: None,
        directory: Directory::default(),
        context: Vec::new(),
        noted: false,
    };
    let (name, explicit, syntax, bytes) = match source {
        Source::Path(input) => {
            let name = display_name(&input.path);
            match std::fs::read(&input.path) {
                Ok(b) => (
                    name,
                    input.explicit,
                    Syntax::from_path(&input.path),
                    Cow::Owned(b),
                ),
                Err(e) => {
                    let error = RunError {
                        path: Some(name.clone()),
                        message: format!("cannot read: {e}"),
                        fatal: true,
                    };
                    let mut r = empty(SourceFile::from_text(
                        name,
                        Arc::from(""),
                        Encoding::Utf8,
                        Syntax::Json,
                        None,
                    ));
                    r.error = Some(error);
                    return r;
                }
            }
        }
        Source::Bytes(name, b) => (
            (*name).to_owned(),
            true,
            Syntax::from_path(Path::new(name)),
            Cow::Borrowed(*b),
        ),
    };
    let is_terraform = name.ends_with(".tf");
    let (text, encoding, decode_error) = match decode(&bytes) {
        Ok((t, e)) => (t, e, None),
        Err(e) => (e.lossy_text, e.encoding, Some(e.error)),
    };
    drop(bytes);
    let text: Arc<str> = Arc::from(text);
    let mut src = SourceFile::from_text(name, text.clone(), encoding, syntax, None);
    let mut r = empty(SourceFile::from_text(
        String::new(),
        Arc::from(""),
        Encoding::Utf8,
        Syntax::Json,
        None,
    ));
    let mut recognised = false;
    let mut duplicates = Vec::new();
    // JSON lists are streamed item by item: only one item's tree exists at a time.
    let parsed = match (decode_error, syntax) {
        (Some(e), _) => Err(e),
        (None, Syntax::Json) => json::parse_streaming(
            &text,
            &mut |ptr, item| {
                let doc = dialect::normalise_item(index, &item, &ptr);
                recognised |= doc.recognised();
                let mut new = absorb(doc, &mut r, ruleset, catalog, opts, retain);
                locate_in(&item, &ptr, &src, &mut new);
                r.findings.extend(new);
            },
            &mut duplicates,
        ),
        (None, Syntax::Yaml) => parse_text(&text, syntax),
    };
    if parsed.is_ok() {
        for (key, span) in duplicates {
            let mut f = file_finding(
                "PIM003",
                ruleset,
                index,
                span,
                format!(
                    "The key `{key}` appears twice in one object: JSON readers disagree on which value wins (pim-lint reads the last)"
                ),
                "Keep one of the two keys; a reviewer may read the first value while Graph or a script uses the other.",
                "duplicate key",
            );
            if let Some(f) = f.as_mut() {
                f.position = src.position(&f.span);
                f.identity = format!("PIM003|{}|duplicate|{key}|{}", src.name, f.position.line);
            }
            r.findings.extend(f);
        }
    }
    match &parsed {
        Err(e) => {
            // A file that does not parse is one finding: what its first items said is dropped.
            r.findings.clear();
            r.links.clear();
            r.deferred.clear();
            r.policies.clear();
            r.policy_count = 0;
            src.root = Err(e.clone());
            if is_terraform {
                r.findings.extend(file_finding(
                    "PIM002",
                    ruleset,
                    index,
                    0..0,
                    "Terraform HCL is not read directly".into(),
                    "Lint the plan instead: `terraform show -json plan.out > plan.json` and pass plan.json.",
                    "HCL",
                ));
            } else {
                // At the end of the file, point at the last character there is, not past it.
                let end = text.trim_end().len();
                let (span, label) = if e.offset >= end && end > 0 {
                    let last = text[..end].char_indices().last().map_or(0, |(i, _)| i);
                    (last..end, "the file ends here")
                } else {
                    (e.offset..e.offset, "reading stopped here")
                };
                let what = if syntax == Syntax::Yaml {
                    "YAML"
                } else {
                    "JSON"
                };
                r.findings.extend(file_finding(
                    "PIM001",
                    ruleset,
                    index,
                    span,
                    format!("Not valid {what}: {}", e.message),
                    "Fix the syntax at this position (re-export the file if it was cut short); the other files of the run are still linted.",
                    label,
                ));
                locate_in(
                    &Node {
                        span: 0..0,
                        value: crate::source::Value::Null,
                    },
                    "",
                    &src,
                    &mut r.findings,
                );
            }
        }
        Ok(root) => {
            let doc = dialect::normalise(index, root);
            recognised |= doc.recognised();
            let mut new = absorb(doc, &mut r, ruleset, catalog, opts, retain);
            if !recognised {
                if explicit {
                    new.extend(file_finding(
                        "PIM002",
                        ruleset,
                        index,
                        root.span.start..root.span.start + 1,
                        "The file holds no role management policy, policy assignment or policy rule pim-lint recognises".to_owned(),
                        "Export policies with `$expand=rules` or policy assignments with `$expand=policy($expand=rules)` \
                         (Graph), or `roleManagementPolicies`/`roleManagementPolicyAssignments` (ARM).",
                        "unrecognised document",
                    ));
                } else {
                    r.skipped = true;
                }
            }
            locate_in(root, "", &src, &mut new);
            r.findings.extend(new);
        }
    }
    drop(parsed);
    drop(text);
    if r.deferred.is_empty() && r.context.is_empty() && r.directory.is_empty() {
        finish_file(&mut src, !r.findings.is_empty() && opts.keep_sources);
    }
    r.src = src;
    r
}

/// Takes a normalised document into the file's result: links, policies to lint now, bare
/// policies to lint once every file's links are known. Returns the new, unlocated findings.
fn absorb(
    doc: dialect::Document,
    r: &mut FileResult,
    ruleset: &RuleSet,
    catalog: &RoleCatalog,
    opts: Options,
    retain: bool,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    r.links.extend(doc.links);
    r.directory.merge(doc.directory);
    r.policy_count += doc.policies.len();
    for mut p in doc.policies {
        if p.role.is_none() && p.id.is_some() {
            r.deferred.push(p);
            continue;
        }
        classify(&mut p, catalog);
        findings.extend(lint_policy(&p, ruleset));
        if retain && wants_context(&p) {
            r.context.push(p.clone());
        } else if !retain && !r.noted {
            // Without directory context: the run's one PIM015 note, located like any finding.
            if let Some(note) = context_note(&p, ruleset) {
                r.noted = true;
                findings.push(note);
            }
        }
        if opts.keep_policies {
            r.policies.push(p);
        }
    }
    findings
}

/// The PIM015 note for a policy whose approvers the directory rules would have checked.
fn context_note(p: &Policy, ruleset: &RuleSet) -> Option<Finding> {
    let entries = crate::rules::context::approvers(p);
    let first = entries.first()?;
    let wanted = rules::REGISTRY
        .iter()
        // Rules that check approvers (PIM501 compares group policies, not approvers).
        .filter(|r| {
            r.needs == Needs::Directory
                && r.category == rules::Category::Approval
                && r.code != "PIM501"
        })
        .any(|r| {
            ruleset
                .entries_for(r.code)
                .any(|e| e.severity_for_policy(p).is_some())
        });
    if !wanted {
        return None;
    }
    let mut f = file_finding(
        "PIM015",
        ruleset,
        p.file,
        0..0,
        format!(
            "Approver and assignment checks (PIM105–PIM108, PIM111, PIM310–PIM315 from schedules, PIM501) did not run: no directory context among the inputs. Export {}",
            crate::rules::context::context_missing::FILES
        ),
        "Lint the directory exports together with the policies (same run); `pim-lint fetch` will write them.",
        "approvers not checked",
    )?;
    f.pointer = Some(first.approver.pointer.clone());
    f.identity = "PIM015|context-missing".into();
    Some(f)
}

/// Policies the directory rules and the approver report need: those requiring approval, and
/// every directory-role and PIM-for-Groups policy (PIM501 compares them).
fn wants_context(p: &Policy) -> bool {
    matches!(p.kind, PolicyKind::DirectoryRole | PolicyKind::Group)
        || p.approval()
            .is_some_and(|(_, a)| a.is_approval_required.as_ref().is_some_and(|r| r.value))
}

/// The second pass: directory rules on the context policies, and the assignment rules on the
/// role schedules of the directory; or, without any directory, one PIM015 note.
fn lint_with_directory(
    directory: &Directory,
    context: &[Policy],
    ruleset: &RuleSet,
    catalog: &RoleCatalog,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if directory.is_empty() {
        // Context was expected (or the approver report asked for it) but none turned up.
        out.extend(context.iter().find_map(|p| context_note(p, ruleset)));
        return out;
    }
    for original in context {
        // A PIM-for-Groups group that holds a directory role is as sensitive as that role: its
        // member policy takes the strongest tier of the roles the group holds.
        let uplifted = group_tier_from_roles(original, directory, catalog);
        let p = uplifted.as_ref().unwrap_or(original);
        let tier = p.tier();
        let subject: Arc<str> = Arc::from(rules::subject(p));
        let role = p.role.clone().map(Arc::new);
        for rule in rules::REGISTRY
            .iter()
            .filter(|r| r.needs == Needs::Directory)
        {
            let Some((entry, severity)) = ruleset
                .entries_for(rule.code)
                .find_map(|e| e.severity_for_policy(p).map(|s| (e, s)))
            else {
                continue;
            };
            let ctx = Ctx {
                tier,
                params: &entry.params,
                directory: Some(directory),
                policies: context,
                accounts: &ruleset.accounts,
            };
            for hit in (rule.check)(p, &ctx) {
                out.push(Finding::from_hit(
                    p,
                    Cow::Borrowed(rule.code),
                    Cow::Borrowed(rule.name),
                    severity,
                    hit,
                    &entry.control,
                    &role,
                    &subject,
                ));
            }
        }
    }
    for mut stub in schedule_policies(directory) {
        classify(&mut stub, catalog);
        out.extend(lint_policy(&stub, ruleset));
    }
    out
}

/// For a group's member policy: a copy with the tier of the strongest role the group holds
/// (eligible or active), when that is stronger than the group's own tier.
fn group_tier_from_roles(
    p: &Policy,
    directory: &Directory,
    catalog: &RoleCatalog,
) -> Option<Policy> {
    use crate::model::directory::Target;
    if p.kind != PolicyKind::Group
        || p.role.as_ref().and_then(|r| r.id.as_deref()) != Some("member")
    {
        return None;
    }
    let group = p.scope.as_deref()?;
    let strongest = directory
        .schedules
        .iter()
        .filter(|s| {
            s.principal_id
                .as_deref()
                .is_some_and(|id| id.eq_ignore_ascii_case(group))
        })
        .filter_map(|s| match &s.target {
            Target::DirectoryRole(r) => catalog.classify(Some(r), None, None).0,
            _ => None,
        })
        .min()?; // Tier orders tier0 < privileged < standard
    let current = p.tier().unwrap_or(Tier::Standard);
    (strongest < current).then(|| {
        let mut q = p.clone();
        if let Some(r) = q.role.as_mut() {
            r.tier = Some(strongest);
        }
        q
    })
}

/// The directory's role schedules as policy-shaped records, one per (role, file), so the
/// assignment-data rules (PIM310–PIM315) read them like ScubaGear's `Assignments`.
fn schedule_policies(directory: &Directory) -> Vec<Policy> {
    use crate::model::directory::Target;
    use crate::model::{Dialect, Loc, RoleAssignment};
    let mut groups: Vec<((Target, usize), Vec<&crate::model::directory::Schedule>)> = Vec::new();
    for s in &directory.schedules {
        let key = (s.target.clone(), s.at.file);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(s),
            None => groups.push((key, vec![s])),
        }
    }
    let mut ga_done = false;
    groups
        .into_iter()
        .map(|((target, file), schedules)| {
            let (kind, role_id, scope, dialect) = match &target {
                Target::DirectoryRole(r) => (
                    PolicyKind::DirectoryRole,
                    r.clone(),
                    "/".to_owned(),
                    Dialect::Graph,
                ),
                Target::Group { group, access } => (
                    PolicyKind::Group,
                    access.clone(),
                    group.clone(),
                    Dialect::Graph,
                ),
                Target::AzureRole { role, scope } => (
                    PolicyKind::AzureResource,
                    role.clone(),
                    scope.clone(),
                    Dialect::Arm,
                ),
            };
            let first = schedules
                .first()
                .map(|s| s.at.pointer.clone())
                .unwrap_or_default();
            let name = directory
                .role_names
                .get(&RoleCatalog::normalise_id(&role_id))
                .cloned();
            let is_ga =
                RoleCatalog::normalise_id(&role_id) == "62e90394-69f5-4237-9190-012177145e10";
            let holders = (is_ga && !ga_done).then(|| {
                ga_done = true;
                let mut names: Vec<String> = directory
                    .holders(&target)
                    .into_iter()
                    .map(|(r, _)| {
                        directory
                            .user(&r.user_id)
                            .map_or_else(|| r.user_id.clone(), |u| u.label())
                    })
                    .collect();
                names.sort();
                names.dedup();
                Loc::new(names, first.clone())
            });
            let assignments = schedules
                .iter()
                .map(|s| RoleAssignment {
                    pointer: s.at.pointer.clone(),
                    principal_id: s.principal_id.clone(),
                    start: s.start.clone(),
                    end: s.end.clone(),
                    end_pointer: s.end_pointer.clone(),
                    start_pointer: s.start_pointer.clone(),
                    assignment_type: s.assignment_type.clone(),
                    grant: s.grant,
                    principal_kind: s.principal_kind,
                    condition: s.condition.clone(),
                })
                .collect();
            Policy {
                file,
                pointer: first.clone(),
                dialect,
                kind,
                id: None,
                display_name: None,
                scope: Some(scope),
                role: Some(RoleRef {
                    id: Some(role_id),
                    name,
                    tier: None,
                }),
                rules_pointer: first.clone(),
                rules_expanded: false,
                partial: true,
                last_modified: None,
                rules: Vec::new(),
                problems: Vec::new(),
                assignments: Some(Loc::new(assignments, first)),
                holders,
            }
        })
        .collect()
}

/// Drops what a file no longer needs once its findings are located.
fn finish_file(src: &mut SourceFile, keep_text: bool) {
    src.forget_tree();
    if !keep_text {
        src.forget_text();
    }
}

/// Resolves the pointers of findings inside `node` (whose own pointer is `prefix`) to spans, and
/// spans to line/column in the file.
fn locate_in(node: &Node<'_>, prefix: &str, src: &SourceFile, findings: &mut [Finding]) {
    for f in findings {
        if f.identity.is_empty() {
            f.identity = format!("{}|{}", f.code, src.name);
        }
        if let Some(ptr) = &f.pointer
            && let Some(rest) = ptr.strip_prefix(prefix)
        {
            f.span = node.locate(rest);
        }
        f.position = src.position(&f.span);
    }
}

/// Locates findings of a file again from its text (bare policies linted after the whole run).
fn relocate(src: &SourceFile, findings: &mut [Finding]) {
    let text = src.text.clone();
    let mut done = vec![false; findings.len()];
    let root = match src.syntax {
        Syntax::Json => json::parse_streaming(
            &text,
            &mut |ptr, item| {
                let under = format!("{ptr}/");
                for (i, f) in findings.iter_mut().enumerate() {
                    if f.pointer
                        .as_deref()
                        .is_some_and(|p| p == ptr || p.starts_with(&under))
                    {
                        locate_in(&item, &ptr, src, std::slice::from_mut(f));
                        done[i] = true;
                    }
                }
            },
            &mut Vec::new(),
        ),
        Syntax::Yaml => parse_text(&text, Syntax::Yaml),
    };
    if let Ok(root) = &root {
        for (i, f) in findings.iter_mut().enumerate() {
            if !done[i] {
                locate_in(root, "", src, std::slice::from_mut(f));
            }
        }
    }
}

fn file_finding(
    code: &str,
    ruleset: &RuleSet,
    file: usize,
    span: Range<usize>,
    message: String,
    help: &str,
    label: &str,
) -> Option<Finding> {
    let entry = ruleset.entry(code)?;
    let severity = entry.severity_for(None)?;
    Some(Finding {
        code: Cow::Borrowed(entry.rule.code),
        rule: Cow::Borrowed(entry.rule.name),
        severity,
        message,
        help: Cow::Owned(help.to_owned()),
        label: Some(label.to_owned()),
        file,
        span,
        position: Position {
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
        },
        pointer: None,
        policy_id: None,
        scope: None,
        role: None,
        subject: None,
        control: entry.control.clone(),
        identity: String::new(),
    })
}

fn group_role_name(role_id: &str) -> Option<String> {
    match role_id {
        "member" => Some("Group membership".into()),
        "owner" => Some("Group ownership".into()),
        _ => None,
    }
}

/// Fills in the role's tier (and name, when the source gave only an id).
fn classify(p: &mut Policy, catalog: &RoleCatalog) {
    let scope = if p.kind == PolicyKind::Group {
        p.scope.clone()
    } else {
        None
    };
    if let Some(role) = &mut p.role {
        let (tier, known_name) =
            catalog.classify(role.id.as_deref(), role.name.as_deref(), scope.as_deref());
        role.tier = tier;
        if role.name.is_none() {
            role.name = known_name.or_else(|| role.id.as_deref().and_then(group_role_name));
        }
        if let Some(id) = &role.id
            && id.contains('/')
        {
            role.id = Some(RoleCatalog::normalise_id(id));
        }
    }
}

/// Runs every applicable rule (built-in and user-defined) on one policy; findings are not yet
/// located.
fn lint_policy(p: &Policy, ruleset: &RuleSet) -> Vec<Finding> {
    let mut out = Vec::new();
    let tier: Option<Tier> = p.tier();
    let subject: Arc<str> = Arc::from(rules::subject(p));
    let role = p.role.clone().map(Arc::new);
    let mut push = |code: Cow<'static, str>,
                    name: Cow<'static, str>,
                    severity: Severity,
                    hit: rules::Hit,
                    control: &Option<String>| {
        out.push(Finding::from_hit(
            p, code, name, severity, hit, control, &role, &subject,
        ));
    };
    for rule in rules::REGISTRY {
        if matches!(rule.needs, Needs::File | Needs::Config | Needs::Directory)
            || (rule.needs == Needs::Role && tier.is_none())
        {
            continue;
        }
        // The first entry whose selector takes this policy decides severity and parameters.
        let Some((entry, severity)) = ruleset
            .entries_for(rule.code)
            .find_map(|e| e.severity_for_policy(p).map(|s| (e, s)))
        else {
            continue;
        };
        let ctx = Ctx::new(tier, &entry.params);
        for hit in (rule.check)(p, &ctx) {
            push(
                Cow::Borrowed(rule.code),
                Cow::Borrowed(rule.name),
                severity,
                hit,
                &entry.control,
            );
        }
    }
    if !ruleset.user_rules.is_empty() {
        let view = crate::model::view::view(p);
        for u in &ruleset.user_rules {
            let Some(severity) = u.severity_for_policy(p) else {
                continue;
            };
            for hit in user_rule_hits(u, &view) {
                push(
                    Cow::Owned(u.code.clone()),
                    Cow::Owned(u.name.clone()),
                    severity,
                    hit,
                    &u.control,
                );
            }
        }
    }
    out
}

/// The identity of a finding, independent of formatting, array order and ARM policy names:
/// `code | kind | role | scope | rule id + path inside the rule`.
fn identity(code: &str, p: &Policy, pointer: &str) -> String {
    let who = match &p.role {
        Some(r) => format!(
            "{:?}|{}|{}",
            p.kind,
            r.id.as_deref()
                .or(r.name.as_deref())
                .unwrap_or_default()
                .to_ascii_lowercase(),
            p.scope.as_deref().unwrap_or_default().to_ascii_lowercase()
        ),
        None => format!("policy|{}", p.id.as_deref().unwrap_or_default()),
    };
    let inner = p
        .rules
        .iter()
        .find(|r| pointer == r.pointer || pointer.starts_with(&format!("{}/", r.pointer)))
        .map(|r| format!("{}{}", r.id.value, &pointer[r.pointer.len()..]))
        .unwrap_or_else(|| {
            if pointer == p.rules_pointer {
                "rules".into()
            } else {
                pointer
                    .strip_prefix(&p.pointer)
                    .unwrap_or(pointer)
                    .to_owned()
            }
        });
    format!("{code}|{who}|{inner}")
}

/// Each schema failure of a user rule, located at the source of the failing field.
fn user_rule_hits(u: &crate::pack::UserRule, view: &crate::model::view::View) -> Vec<rules::Hit> {
    u.schema
        .iter_errors(&view.json)
        .map(|e| {
            let at = e.instance_path().to_string();
            let pointer = view.source_of(&at).unwrap_or_default().to_owned();
            let mut detail = e.to_string();
            if detail.chars().count() > 120 {
                detail = detail.chars().take(117).collect::<String>() + "...";
            }
            rules::Hit::new(pointer, u.message.clone(), u.help.clone()).label(detail)
        })
        .collect()
}
