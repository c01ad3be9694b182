//! One input through parse → normalise → resolve → check → locate, in a worker thread. The
//! file's tree borrows from its decoded text and is dropped before the worker moves on.

use super::{Run, check};
use crate::dialect::{self, Link};
use crate::finding::{Finding, Fingerprint, RunError};
use crate::input::Input;
use crate::model::Policy;
use crate::rules::validity::{parse_error, schema_violation, unrecognized_document as pim002};
use crate::source::{Encoding, SourceFile, Syntax, SyntaxError, decode, json, yaml};
use std::sync::Arc;

/// What a worker returns for one file.
pub(crate) struct FileResult {
    pub src: SourceFile,
    pub findings: Vec<Finding>,
    pub links: Vec<Link>,
    /// Bare policies waiting for the assignment lists of the whole run.
    pub deferred: Vec<Policy>,
    /// Every policy, when the run keeps them.
    pub policies: Vec<Policy>,
    /// Slim copies for the run-level rules and the approver report.
    pub kept: Vec<Policy>,
    pub policy_count: usize,
    /// Not linted: why (a walk found a file that is no policy, or one of pim-lint's own).
    pub skipped: Option<&'static str>,
    pub error: Option<RunError>,
    /// The file already carries a PIM015 note.
    noted: bool,
    /// Directory records found after other documents (reported once).
    late_context: bool,
}

impl FileResult {
    pub fn new(src: SourceFile) -> FileResult {
        FileResult {
            src,
            findings: Vec::new(),
            links: Vec::new(),
            deferred: Vec::new(),
            policies: Vec::new(),
            kept: Vec::new(),
            policy_count: 0,
            skipped: None,
            error: None,
            noted: false,
            late_context: false,
        }
    }

    /// Whether the file's text is still needed once the whole run is read (late findings; an
    /// assignment list that only names policies may get one, about a policy given two roles).
    pub fn waiting(&self) -> bool {
        !self.deferred.is_empty() || !self.kept.is_empty() || self.links.iter().any(|l| !l.expanded)
    }
}

/// A file that could not be read: a run error, nothing else.
pub(crate) fn unreadable(name: String, message: String) -> FileResult {
    let mut r = FileResult::new(SourceFile::from_text(
        name.clone(),
        Arc::from(""),
        Encoding::Utf8,
        Syntax::Json,
        None,
    ));
    r.error = Some(RunError::fatal(Some(name), message));
    r
}

/// Reads, parses, normalises, checks and locates one file.
pub(crate) fn process(index: usize, input: &Input, run: &Run) -> FileResult {
    let name = input.name();
    let bytes = match input.read() {
        Ok(b) => b,
        Err(message) => return unreadable(name, message),
    };
    let syntax = Syntax::from_path(input.syntax_path());
    let is_terraform = dialect::terraform::is_terraform(&name);
    let is_ps1 = name.to_ascii_lowercase().ends_with(".ps1");
    let (text, encoding, decode_error) = match decode(&bytes) {
        Ok((t, e)) => (t, e, None),
        Err(e) => (e.lossy_text, e.encoding, Some(e.error)),
    };
    drop(bytes);
    let text: Arc<str> = Arc::from(text);
    let mut r = FileResult::new(SourceFile::from_text(
        name,
        text.clone(),
        encoding,
        syntax,
        None,
    ));
    if is_terraform && decode_error.is_none() {
        terraform(index, input, &text, &mut r, run);
        drop(text);
        locate(&r.src, &mut r.findings);
        if !r.waiting() {
            finish(&mut r.src, !r.findings.is_empty() && run.opts.keep_sources);
        }
        return r;
    }
    let mut recognised = false;
    let mut duplicates = Vec::new();
    let decoded = decode_error.is_none();
    // JSON lists are streamed item by item: only one item's tree exists at a time.
    let parsed = match (decode_error, syntax) {
        (Some(e), _) => Err(e),
        // Microsoft365DSC configurations: the `AADRoleSetting` blocks, as a tree.
        (None, _) if is_ps1 => dialect::m365dsc::parse(&text),
        (None, Syntax::Json) => json::parse_streaming(
            &text,
            &mut |ptr, item| {
                let doc = dialect::normalise_item(index, &item, &ptr);
                recognised |= doc.recognised();
                absorb(index, doc, &mut r, run);
            },
            &mut duplicates,
        ),
        (None, Syntax::Yaml) => yaml::parse_reporting(&text, &mut duplicates),
        // A Bicep file is read whole by its reader, once per call of it when something in the
        // run calls it as a module; its root is no JSON tree.
        (None, Syntax::Bicep) => {
            let plan = run.bicep.get(index);
            let name = r.src.name.clone();
            super::modules::read(index, &name, &text, plan).map(|docs| {
                for doc in docs {
                    recognised |= doc.recognised();
                    absorb(index, doc, &mut r, run);
                }
                if let Some(plan) = plan {
                    recognised |= plan.feeds || !plan.notes.is_empty();
                    module_notes(index, plan, &mut r, run);
                }
                crate::source::Node {
                    span: 0..0,
                    value: crate::source::Value::Null,
                }
            })
        }
    };
    // JSON with comments is read only when it is an EasyPIM config (its orchestrator strips
    // them); any other JSON stays strict. Comments become spaces, so spans stay right.
    let blanked = match (&parsed, syntax) {
        (Err(_), Syntax::Json) if !is_ps1 && decoded => crate::source::jsonc::blank_comments(&text),
        _ => None,
    };
    let parsed = match blanked.as_deref().map(json::parse) {
        Some(Ok(root)) if dialect::easypim::is_config_root(&root) => {
            // What the strict pass streamed before it stopped is read again from the tree.
            let src = std::mem::replace(
                &mut r.src,
                SourceFile::from_text(String::new(), Arc::from(""), encoding, syntax, None),
            );
            r = FileResult::new(src);
            recognised = false;
            duplicates.clear();
            Ok(root)
        }
        _ => parsed,
    };
    match &parsed {
        Err(e) => {
            // A file that does not parse is one finding: what its first items said is dropped.
            let src = std::mem::replace(
                &mut r.src,
                SourceFile::from_text(String::new(), Arc::from(""), encoding, syntax, None),
            );
            r = FileResult::new(src);
            r.src.root = Err(e.clone());
            r.findings.extend(syntax_finding(
                index,
                &text,
                e,
                syntax,
                is_terraform,
                is_ps1,
                run,
            ));
        }
        Ok(root) => {
            for (key, span) in duplicates {
                let f = check::file_finding(
                    schema_violation::RULE.code,
                    run.ruleset,
                    index,
                    span,
                    schema_violation::duplicate_key_message(&key),
                    schema_violation::DUPLICATE_KEY_HELP,
                    schema_violation::DUPLICATE_KEY_LABEL,
                );
                r.findings.extend(f.map(|mut f| {
                    f.position = r.src.position(&f.range());
                    f.fingerprint = Fingerprint::of(&format!(
                        "PIM003|{}|duplicate|{key}|{}",
                        r.src.name, f.position.line
                    ));
                    f
                }));
            }
            // A rule pack, test expectations, a schema or a workflow beside the policies is
            // passed over, even when named (its `rules` are no policy's).
            if let Some(kind) = dialect::own_file(root).filter(|_| !recognised) {
                r.skipped = Some(kind);
                drop(parsed);
                drop(text);
                locate(&r.src, &mut r.findings);
                finish(&mut r.src, !r.findings.is_empty() && run.opts.keep_sources);
                return r;
            }
            let doc = dialect::normalise(index, root);
            recognised |= doc.recognised();
            absorb(index, doc, &mut r, run);
            if !recognised {
                if input.explicit {
                    // `terraform show -json` output without PIM resources says so, as a `.tf` does.
                    let (message, help, label) = if dialect::terraform::is_show_json(root) {
                        (
                            pim002::TERRAFORM_MESSAGE,
                            pim002::TERRAFORM_HELP,
                            pim002::TERRAFORM_LABEL,
                        )
                    } else {
                        (pim002::MESSAGE, pim002::HELP, pim002::LABEL)
                    };
                    r.findings.extend(check::file_finding(
                        pim002::RULE.code,
                        run.ruleset,
                        index,
                        root.span.start..root.span.start + 1,
                        message.to_owned(),
                        help,
                        label,
                    ));
                } else {
                    r.skipped = Some("no role management policy or assignment recognised");
                }
            }
        }
    }
    drop(parsed);
    drop(text);
    locate(&r.src, &mut r.findings);
    if !r.waiting() {
        finish(&mut r.src, !r.findings.is_empty() && run.opts.keep_sources);
    }
    r
}

/// A `.tf` file: its resources through the Terraform reader; an HCL error is PIM001 at its
/// place, a file without PIM resources PIM002 when named (passed over in a walk).
fn terraform(index: usize, input: &Input, text: &str, r: &mut FileResult, run: &Run) {
    match dialect::terraform::read(index, text) {
        Ok(doc) => {
            let recognised = doc.recognised();
            absorb(index, doc, r, run);
            if recognised {
                return;
            }
            if input.explicit {
                r.findings.extend(check::file_finding(
                    pim002::RULE.code,
                    run.ruleset,
                    index,
                    0..0,
                    pim002::TERRAFORM_MESSAGE.into(),
                    pim002::TERRAFORM_HELP,
                    pim002::TERRAFORM_LABEL,
                ));
            } else {
                r.skipped = Some("no role management policy or PIM assignment resource");
            }
        }
        Err(e) => {
            r.src.root = Err(e.clone());
            r.findings.extend(syntax_finding(
                index,
                text,
                &e,
                r.src.syntax,
                true,
                false,
                run,
            ));
        }
    }
}

/// The findings at a Bicep file's `module` and `using` statements: a module that cannot be
/// followed (PIM001, as Bicep refuses it) or is not read (PIM017).
fn module_notes(index: usize, plan: &super::modules::FilePlan, r: &mut FileResult, run: &Run) {
    use super::modules::NoteKind;
    use crate::rules::validity::value_unknown_statically as pim017;
    for n in &plan.notes {
        let f = match n.kind {
            NoteKind::Invalid => check::file_finding(
                parse_error::RULE.code,
                run.ruleset,
                index,
                n.span.clone(),
                parse_error::message("Bicep", &n.message),
                parse_error::HELP,
                "here",
            ),
            NoteKind::NotRead => check::file_finding(
                pim017::RULE.code,
                run.ruleset,
                index,
                n.span.clone(),
                n.message.clone(),
                pim017::MODULE_HELP,
                pim017::MODULE_LABEL,
            ),
        };
        r.findings.extend(f.map(|mut f| {
            f.fingerprint =
                Fingerprint::of(&format!("{}|{}|module|{}", f.code, r.src.name, n.message));
            f
        }));
    }
}

/// PIM001 at the error (HCL for a Terraform file).
fn syntax_finding(
    index: usize,
    text: &str,
    e: &SyntaxError,
    syntax: Syntax,
    is_terraform: bool,
    is_ps1: bool,
    run: &Run,
) -> Option<Finding> {
    // At the end of the file, point at the last character there is, not past it.
    let end = text.trim_end().len();
    let (span, label) = if e.offset >= end && end > 0 {
        let last = text[..end].char_indices().last().map_or(0, |(i, _)| i);
        (last..end, parse_error::LABEL_AT_END)
    } else {
        (e.offset..e.offset, parse_error::LABEL)
    };
    let what = if is_terraform {
        "HCL"
    } else if is_ps1 {
        "PowerShell DSC configuration"
    } else {
        match syntax {
            Syntax::Yaml => "YAML",
            Syntax::Bicep => "Bicep",
            Syntax::Json => "JSON",
        }
    };
    check::file_finding(
        parse_error::RULE.code,
        run.ruleset,
        index,
        span,
        parse_error::message(what, &e.message),
        parse_error::HELP,
        label,
    )
}

/// Takes a normalised document into the file's result: links, policies checked now, bare
/// policies kept until every file's links are known.
fn absorb(index: usize, doc: dialect::Document, r: &mut FileResult, run: &Run) {
    for mut link in doc.links {
        link.position = Some(
            r.src
                .position(&(link.at_span.start as usize..link.at_span.end as usize)),
        );
        r.links.push(link);
    }
    for pr in doc.link_problems {
        let (label, help) = schema_violation::problem_words(pr.kind);
        r.findings.extend(
            check::file_finding(
                schema_violation::RULE.code,
                run.ruleset,
                index,
                pr.pointer.span.clone(),
                pr.message,
                help,
                label,
            )
            .map(|mut f| {
                f.fingerprint =
                    Fingerprint::of(&format!("PIM003|{}|{}", r.src.name, pr.pointer.path));
                f.pointer = Some(crate::finding::intern(&pr.pointer.path));
                f
            }),
        );
    }
    let has_records = !doc.directory.is_empty() || doc.directory.has_requests();
    if has_records && !run.is_context_file(index) && !r.late_context {
        // Directory context is read in its own pass, from files whose first item is context.
        r.late_context = true;
        if let Some(at) = doc.directory.first_at() {
            r.findings.extend(check::file_finding(
                pim002::RULE.code,
                run.ruleset,
                at.file,
                at.pointer.span.clone(),
                pim002::LATE_CONTEXT_MESSAGE.into(),
                pim002::LATE_CONTEXT_HELP,
                pim002::LATE_CONTEXT_LABEL,
            ));
        }
    }
    if let Some(at) = &doc.no_p2 {
        use crate::rules::validity::tenant_without_p2 as pim016;
        r.findings.extend(
            check::file_finding(
                pim016::RULE.code,
                run.ruleset,
                index,
                at.span.clone(),
                pim016::MESSAGE.to_owned(),
                pim016::HELP,
                pim016::LABEL,
            )
            .map(|mut f| {
                f.fingerprint = Fingerprint::of(&format!("PIM016|{}", r.src.name));
                f.pointer = Some(crate::finding::intern(&at.path));
                f
            }),
        );
    }
    r.policy_count += doc.policies.len();
    for mut p in doc.policies {
        // A change file the config maps to its role (`files:`).
        if p.role.is_none()
            && let Some(m) = run.ruleset.file_role(&r.src.name)
        {
            p.name_role(&m.role, m.scope.as_deref());
        }
        if p.role.is_none() && p.id.is_some() {
            r.deferred.push(p);
            continue;
        }
        run.resolve(&mut p);
        let (findings, kept, note) = run.check(&p, !r.noted);
        r.noted |= note;
        r.findings.extend(findings);
        r.kept.extend(kept);
        if run.opts.keep_policies {
            r.policies.push(p);
        }
    }
}

/// Turns spans into line and column in the file (and names file-level findings).
pub(crate) fn locate(src: &SourceFile, findings: &mut [Finding]) {
    for f in findings {
        if f.fingerprint.is_none() {
            f.fingerprint = Fingerprint::of(&format!("{}|{}", f.code, src.name));
        }
        f.position = src.position(&f.range());
    }
}

/// Drops what a file no longer needs once its findings are located.
pub(crate) fn finish(src: &mut SourceFile, keep_text: bool) {
    src.forget_tree();
    if !keep_text {
        src.forget_text();
    }
}
